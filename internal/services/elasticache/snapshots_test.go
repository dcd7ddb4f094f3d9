package elasticache_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
)

// TestSnapshots backs up a cluster, copies and lists the snapshot, takes a
// final snapshot on delete, restores a cluster from it, and checks AWS's
// errors along the way.
func TestSnapshots(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	mk := func(id, engine string) {
		t.Helper()
		if _, err := e.ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{CacheClusterId: aws.String(id), Engine: aws.String(engine),
			CacheNodeType: aws.String("cache.t3.small"), CacheSubnetGroupName: aws.String("coupon-subnet-group")}); err != nil {
			t.Fatal(err)
		}
	}
	mk("orig", "redis")
	mk("memo", "memcached")
	// A cluster that is still creating cannot be snapshotted.
	if _, err := e.ec.CreateSnapshot(ctx, &elasticache.CreateSnapshotInput{CacheClusterId: aws.String("orig"), SnapshotName: aws.String("early")}); code(err) != "InvalidCacheClusterState" {
		t.Fatalf("snapshot of a creating cluster: %v", err)
	}
	e.clk.Advance(5 * time.Second)
	out, err := e.ec.CreateSnapshot(ctx, &elasticache.CreateSnapshotInput{CacheClusterId: aws.String("orig"), SnapshotName: aws.String("nightly")})
	if err != nil {
		t.Fatal(err)
	}
	if *out.Snapshot.SnapshotStatus != "creating" || *out.Snapshot.CacheNodeType != "cache.t3.small" || *out.Snapshot.SnapshotSource != "manual" {
		t.Fatalf("created %+v", out.Snapshot)
	}
	for _, tc := range []struct {
		in   *elasticache.CreateSnapshotInput
		code string
	}{
		{&elasticache.CreateSnapshotInput{CacheClusterId: aws.String("orig"), SnapshotName: aws.String("nightly")}, "SnapshotAlreadyExistsFault"},
		{&elasticache.CreateSnapshotInput{CacheClusterId: aws.String("memo"), SnapshotName: aws.String("m")}, "SnapshotFeatureNotSupportedFault"},
		{&elasticache.CreateSnapshotInput{CacheClusterId: aws.String("nope"), SnapshotName: aws.String("n")}, "CacheClusterNotFound"},
		{&elasticache.CreateSnapshotInput{ReplicationGroupId: aws.String("nope"), SnapshotName: aws.String("n")}, "ReplicationGroupNotFoundFault"},
		{&elasticache.CreateSnapshotInput{CacheClusterId: aws.String("orig"), SnapshotName: aws.String("automatic.x")}, "InvalidParameterValue"},
	} {
		if _, err := e.ec.CreateSnapshot(ctx, tc.in); code(err) != tc.code {
			t.Errorf("%+v: got %v, want %s", tc.in, err, tc.code)
		}
	}
	// Being made, it can be neither deleted nor copied; then it is available.
	if _, err := e.ec.DeleteSnapshot(ctx, &elasticache.DeleteSnapshotInput{SnapshotName: aws.String("nightly")}); code(err) != "InvalidSnapshotState" {
		t.Fatalf("delete while creating: %v", err)
	}
	e.clk.Advance(5 * time.Second)
	if _, err := e.ec.CopySnapshot(ctx, &elasticache.CopySnapshotInput{SourceSnapshotName: aws.String("nightly"), TargetSnapshotName: aws.String("copy")}); err != nil {
		t.Fatal(err)
	}
	// The final snapshot is taken as the cluster goes.
	if _, err := e.ec.DeleteCacheCluster(ctx, &elasticache.DeleteCacheClusterInput{CacheClusterId: aws.String("orig"), FinalSnapshotIdentifier: aws.String("final")}); err != nil {
		t.Fatal(err)
	}
	list, err := e.ec.DescribeSnapshots(ctx, &elasticache.DescribeSnapshotsInput{CacheClusterId: aws.String("orig")})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, s := range list.Snapshots {
		names[*s.SnapshotName] = *s.SnapshotStatus
	}
	if len(names) != 3 || names["nightly"] != "available" || names["final"] != "creating" {
		t.Fatalf("snapshots of orig: %v", names)
	}
	if _, err := e.ec.DescribeSnapshots(ctx, &elasticache.DescribeSnapshotsInput{SnapshotName: aws.String("missing")}); code(err) != "SnapshotNotFoundFault" {
		t.Fatalf("describe missing: %v", err)
	}
	// A cluster restored from a snapshot takes its engine and node type from it.
	e.clk.Advance(5 * time.Second)
	if _, err := e.ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{CacheClusterId: aws.String("restored"), SnapshotName: aws.String("final"),
		CacheSubnetGroupName: aws.String("coupon-subnet-group")}); err != nil {
		t.Fatal(err)
	}
	if c := e.cluster(t, "restored"); *c.Engine != "redis" || *c.CacheNodeType != "cache.t3.small" {
		t.Fatalf("restored %+v", c)
	}
	if _, err := e.ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{CacheClusterId: aws.String("r2"), SnapshotName: aws.String("missing")}); code(err) != "SnapshotNotFoundFault" {
		t.Fatalf("restore from a missing snapshot: %v", err)
	}
	del, err := e.ec.DeleteSnapshot(ctx, &elasticache.DeleteSnapshotInput{SnapshotName: aws.String("copy")})
	if err != nil || *del.Snapshot.SnapshotStatus != "deleting" {
		t.Fatalf("delete: %+v %v", del, err)
	}
}
