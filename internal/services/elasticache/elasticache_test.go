package elasticache_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

type env struct {
	ec  *elasticache.Client
	ec2 *ec2.Client
	clk *clock.Fake
	vpc string
	sub []string // two subnets in two zones
	sg  string
}

func setup(t *testing.T) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, _ := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	e := &env{ec: elasticache.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), clk: clk}
	ctx := context.Background()
	v, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	e.vpc = *v.Vpc.VpcId
	for i, z := range []string{"ap-northeast-2a", "ap-northeast-2c"} {
		s, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &e.vpc, CidrBlock: aws.String([]string{"10.0.3.0/24", "10.0.4.0/24"}[i]), AvailabilityZone: aws.String(z)})
		if err != nil {
			t.Fatal(err)
		}
		e.sub = append(e.sub, *s.Subnet.SubnetId)
	}
	g, err := e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("redis"), Description: aws.String("redis"), VpcId: &e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	e.sg = *g.GroupId
	if _, err := e.ec.CreateCacheSubnetGroup(ctx, &elasticache.CreateCacheSubnetGroupInput{
		CacheSubnetGroupName: aws.String("Coupon-Subnet-Group"), CacheSubnetGroupDescription: aws.String("coupon"), SubnetIds: e.sub,
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func (e *env) cluster(t *testing.T, id string) types.CacheCluster {
	t.Helper()
	out, err := e.ec.DescribeCacheClusters(context.Background(), &elasticache.DescribeCacheClustersInput{CacheClusterId: &id, ShowCacheNodeInfo: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.CacheClusters[0]
}

func TestSubnetGroups(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	out, err := e.ec.DescribeCacheSubnetGroups(ctx, &elasticache.DescribeCacheSubnetGroupsInput{CacheSubnetGroupName: aws.String("coupon-subnet-group")})
	if err != nil {
		t.Fatal(err)
	}
	g := out.CacheSubnetGroups[0]
	// AWS: names are stored in lowercase.
	if *g.CacheSubnetGroupName != "coupon-subnet-group" || *g.VpcId != e.vpc || len(g.Subnets) != 2 || *g.Subnets[1].SubnetAvailabilityZone.Name != "ap-northeast-2c" {
		t.Errorf("group %+v", g)
	}
	for _, c := range []struct {
		name string
		in   elasticache.CreateCacheSubnetGroupInput
		want string
	}{
		{"duplicate", elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("coupon-subnet-group"), CacheSubnetGroupDescription: aws.String("x"), SubnetIds: e.sub}, "CacheSubnetGroupAlreadyExists"},
		{"unknown subnet", elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("other"), CacheSubnetGroupDescription: aws.String("x"), SubnetIds: []string{"subnet-0123456789abcdef0"}}, "InvalidSubnet"},
	} {
		_, err := e.ec.CreateCacheSubnetGroup(ctx, &c.in)
		if code(err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	if _, err := e.ec.DescribeCacheSubnetGroups(ctx, &elasticache.DescribeCacheSubnetGroupsInput{CacheSubnetGroupName: aws.String("nope")}); code(err) != "CacheSubnetGroupNotFoundFault" {
		t.Errorf("describe missing: %v", err)
	}
}

func TestCacheClusterLifecycle(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	out, err := e.ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{
		CacheClusterId: aws.String("Coupon-Redis"), Engine: aws.String("redis"), CacheNodeType: aws.String("cache.t3.micro"),
		NumCacheNodes: aws.Int32(1), CacheSubnetGroupName: aws.String("coupon-subnet-group"), SecurityGroupIds: []string{e.sg},
		Tags: []types.Tag{{Key: aws.String("app"), Value: aws.String("coupon")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *out.CacheCluster.CacheClusterId != "coupon-redis" || *out.CacheCluster.CacheClusterStatus != "creating" {
		t.Errorf("created %+v", out.CacheCluster)
	}
	if c := e.cluster(t, "coupon-redis"); *c.CacheClusterStatus != "creating" {
		t.Errorf("status %s", *c.CacheClusterStatus)
	}
	e.clk.Advance(5 * time.Second)
	c := e.cluster(t, "coupon-redis")
	if *c.CacheClusterStatus != "available" || *c.EngineVersion != "7.1.0" || *c.CacheParameterGroup.CacheParameterGroupName != "default.redis7" ||
		*c.CacheSubnetGroupName != "coupon-subnet-group" || *c.SecurityGroups[0].SecurityGroupId != e.sg || *c.PreferredAvailabilityZone != "ap-northeast-2a" {
		t.Errorf("cluster %+v", c)
	}
	if len(c.CacheNodes) != 1 || *c.CacheNodes[0].Endpoint.Port != 6379 ||
		!regexp.MustCompile(`^coupon-redis\.[a-z2-7]{6}\.0001\.apn2\.cache\.localhost$`).MatchString(*c.CacheNodes[0].Endpoint.Address) {
		t.Errorf("nodes %+v", c.CacheNodes)
	}
	// Without ShowCacheNodeInfo there are no nodes.
	list, err := e.ec.DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{})
	if err != nil || len(list.CacheClusters) != 1 || list.CacheClusters[0].CacheNodes != nil {
		t.Errorf("list %+v %v", list, err)
	}

	// Tags.
	if _, err := e.ec.AddTagsToResource(ctx, &elasticache.AddTagsToResourceInput{ResourceName: c.ARN, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec.RemoveTagsFromResource(ctx, &elasticache.RemoveTagsFromResourceInput{ResourceName: c.ARN, TagKeys: []string{"app"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := e.ec.ListTagsForResource(ctx, &elasticache.ListTagsForResourceInput{ResourceName: c.ARN})
	if err != nil || len(tags.TagList) != 1 || *tags.TagList[0].Key != "env" {
		t.Errorf("tags %+v %v", tags, err)
	}

	// Modify: a new node type applies at once, through "modifying".
	m, err := e.ec.ModifyCacheCluster(ctx, &elasticache.ModifyCacheClusterInput{CacheClusterId: aws.String("coupon-redis"), CacheNodeType: aws.String("cache.t3.small"), ApplyImmediately: aws.Bool(true)})
	if err != nil || *m.CacheCluster.CacheClusterStatus != "modifying" || *m.CacheCluster.CacheNodeType != "cache.t3.small" {
		t.Fatalf("modify %+v %v", m, err)
	}
	if _, err := e.ec.DeleteCacheCluster(ctx, &elasticache.DeleteCacheClusterInput{CacheClusterId: aws.String("coupon-redis")}); code(err) != "InvalidCacheClusterState" {
		t.Errorf("delete while modifying: %v", err)
	}
	e.clk.Advance(5 * time.Second)

	// The subnet group is in use until the cluster is gone.
	if _, err := e.ec.DeleteCacheSubnetGroup(ctx, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("coupon-subnet-group")}); code(err) != "CacheSubnetGroupInUse" {
		t.Errorf("delete group in use: %v", err)
	}
	d, err := e.ec.DeleteCacheCluster(ctx, &elasticache.DeleteCacheClusterInput{CacheClusterId: aws.String("coupon-redis")})
	if err != nil || *d.CacheCluster.CacheClusterStatus != "deleting" {
		t.Fatalf("delete %+v %v", d, err)
	}
	if _, err := e.ec.DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{CacheClusterId: aws.String("coupon-redis")}); code(err) != "CacheClusterNotFound" {
		t.Errorf("describe deleted: %v", err)
	}
	if _, err := e.ec.DeleteCacheSubnetGroup(ctx, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("coupon-subnet-group")}); err != nil {
		t.Errorf("delete group: %v", err)
	}
}

func TestCreateCacheClusterErrors(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{CacheClusterId: aws.String("taken"), Engine: aws.String("redis"), CacheNodeType: aws.String("cache.t3.micro")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec.CreateCacheParameterGroup(ctx, &elasticache.CreateCacheParameterGroupInput{CacheParameterGroupName: aws.String("six"), CacheParameterGroupFamily: aws.String("redis6.x"), Description: aws.String("6")}); err != nil {
		t.Fatal(err)
	}
	base := func(f func(*elasticache.CreateCacheClusterInput)) *elasticache.CreateCacheClusterInput {
		in := &elasticache.CreateCacheClusterInput{CacheClusterId: aws.String("c1"), Engine: aws.String("redis"), CacheNodeType: aws.String("cache.t3.micro"), NumCacheNodes: aws.Int32(1)}
		f(in)
		return in
	}
	for _, c := range []struct {
		name string
		in   *elasticache.CreateCacheClusterInput
		want string
	}{
		{"duplicate id", base(func(in *elasticache.CreateCacheClusterInput) { in.CacheClusterId = aws.String("Taken") }), "CacheClusterAlreadyExists"},
		{"bad id", base(func(in *elasticache.CreateCacheClusterInput) { in.CacheClusterId = aws.String("1abc") }), "InvalidParameterValue"},
		{"node type", base(func(in *elasticache.CreateCacheClusterInput) { in.CacheNodeType = aws.String("cache.x9.huge") }), "InvalidParameterValue"},
		{"engine", base(func(in *elasticache.CreateCacheClusterInput) { in.Engine = aws.String("mongodb") }), "InvalidParameterValue"},
		{"version", base(func(in *elasticache.CreateCacheClusterInput) { in.EngineVersion = aws.String("2.8") }), "InvalidParameterValue"},
		{"redis nodes", base(func(in *elasticache.CreateCacheClusterInput) { in.NumCacheNodes = aws.Int32(2) }), "InvalidParameterValue"},
		{"subnet group", base(func(in *elasticache.CreateCacheClusterInput) { in.CacheSubnetGroupName = aws.String("nope") }), "CacheSubnetGroupNotFoundFault"},
		{"parameter group", base(func(in *elasticache.CreateCacheClusterInput) { in.CacheParameterGroupName = aws.String("nope") }), "CacheParameterGroupNotFound"},
		{"family", base(func(in *elasticache.CreateCacheClusterInput) { in.CacheParameterGroupName = aws.String("six") }), "InvalidParameterCombination"},
		{"security group", base(func(in *elasticache.CreateCacheClusterInput) { in.SecurityGroupIds = []string{"sg-0123456789abcdef0"} }), "InvalidParameterValue"},
		{"auth without tls", base(func(in *elasticache.CreateCacheClusterInput) { in.AuthToken = aws.String("0123456789abcdef-token") }), "InvalidParameterCombination"},
	} {
		_, err := e.ec.CreateCacheCluster(ctx, c.in)
		if code(err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	if _, err := e.ec.ListTagsForResource(ctx, &elasticache.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:elasticache:ap-northeast-2:123456789012:cluster:nope")}); code(err) != "CacheClusterNotFound" && code(err) != "InvalidARN" {
		t.Errorf("tags of missing cluster: %v", err)
	}
}

func TestMemcached(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{
		CacheClusterId: aws.String("sessions"), Engine: aws.String("memcached"), CacheNodeType: aws.String("cache.t3.micro"),
		NumCacheNodes: aws.Int32(3), CacheSubnetGroupName: aws.String("coupon-subnet-group"), AZMode: types.AZModeCrossAz,
	}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(5 * time.Second)
	c := e.cluster(t, "sessions")
	if len(c.CacheNodes) != 3 || *c.ConfigurationEndpoint.Port != 11211 || *c.PreferredAvailabilityZone != "Multiple" ||
		*c.CacheNodes[1].CustomerAvailabilityZone != "ap-northeast-2c" || *c.CacheParameterGroup.CacheParameterGroupName != "default.memcached1.6" {
		t.Errorf("memcached %+v", c)
	}
	if _, err := e.ec.ModifyCacheCluster(ctx, &elasticache.ModifyCacheClusterInput{CacheClusterId: aws.String("sessions"), NumCacheNodes: aws.Int32(2), ApplyImmediately: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(5 * time.Second)
	if c := e.cluster(t, "sessions"); len(c.CacheNodes) != 2 || *c.NumCacheNodes != 2 || *c.CacheClusterStatus != "available" {
		t.Errorf("after shrink %+v", c)
	}
}

func TestReplicationGroup(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	out, err := e.ec.CreateReplicationGroup(ctx, &elasticache.CreateReplicationGroupInput{
		ReplicationGroupId: aws.String("chat"), ReplicationGroupDescription: aws.String("chat"), Engine: aws.String("redis"),
		CacheNodeType: aws.String("cache.t3.small"), NumCacheClusters: aws.Int32(2), AutomaticFailoverEnabled: aws.Bool(true),
		MultiAZEnabled: aws.Bool(true), CacheSubnetGroupName: aws.String("coupon-subnet-group"), SecurityGroupIds: []string{e.sg},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *out.ReplicationGroup.Status != "creating" {
		t.Errorf("status %s", *out.ReplicationGroup.Status)
	}
	e.clk.Advance(5 * time.Second)
	d, err := e.ec.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("chat")})
	if err != nil {
		t.Fatal(err)
	}
	g := d.ReplicationGroups[0]
	ng := g.NodeGroups[0]
	if *g.Status != "available" || len(g.MemberClusters) != 2 || g.MemberClusters[0] != "chat-001" || g.AutomaticFailover != types.AutomaticFailoverStatusEnabled ||
		!regexp.MustCompile(`^chat\.[a-z2-7]{6}\.ng\.0001\.apn2\.cache\.localhost$`).MatchString(*ng.PrimaryEndpoint.Address) ||
		!regexp.MustCompile(`^chat-ro\.`).MatchString(*ng.ReaderEndpoint.Address) || *ng.NodeGroupMembers[0].CurrentRole != "primary" ||
		*ng.NodeGroupMembers[1].CurrentRole != "replica" || *ng.NodeGroupMembers[1].PreferredAvailabilityZone != "ap-northeast-2c" {
		t.Errorf("group %+v %+v", g, ng)
	}
	if c := e.cluster(t, "chat-002"); *c.ReplicationGroupId != "chat" || *c.CacheClusterStatus != "available" || *c.CacheNodeType != "cache.t3.small" {
		t.Errorf("member %+v", c)
	}
	for _, c := range []struct {
		name string
		in   elasticache.CreateReplicationGroupInput
		want string
	}{
		{"duplicate", elasticache.CreateReplicationGroupInput{ReplicationGroupId: aws.String("chat"), ReplicationGroupDescription: aws.String("x"), CacheNodeType: aws.String("cache.t3.micro")}, "ReplicationGroupAlreadyExists"},
		{"failover alone", elasticache.CreateReplicationGroupInput{ReplicationGroupId: aws.String("solo"), ReplicationGroupDescription: aws.String("x"), CacheNodeType: aws.String("cache.t3.micro"), AutomaticFailoverEnabled: aws.Bool(true)}, "InvalidParameterCombination"},
		{"multi-az without failover", elasticache.CreateReplicationGroupInput{ReplicationGroupId: aws.String("solo"), ReplicationGroupDescription: aws.String("x"), CacheNodeType: aws.String("cache.t3.micro"), NumCacheClusters: aws.Int32(2), MultiAZEnabled: aws.Bool(true)}, "InvalidParameterCombination"},
		{"memcached", elasticache.CreateReplicationGroupInput{ReplicationGroupId: aws.String("mc"), ReplicationGroupDescription: aws.String("x"), CacheNodeType: aws.String("cache.t3.micro"), Engine: aws.String("memcached")}, "InvalidParameterValue"},
	} {
		_, err := e.ec.CreateReplicationGroup(ctx, &c.in)
		if code(err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	// A primary cannot be deleted on its own.
	if _, err := e.ec.DeleteCacheCluster(ctx, &elasticache.DeleteCacheClusterInput{CacheClusterId: aws.String("chat-001")}); code(err) != "InvalidCacheClusterState" {
		t.Errorf("delete primary: %v", err)
	}
	if _, err := e.ec.DeleteReplicationGroup(ctx, &elasticache.DeleteReplicationGroupInput{ReplicationGroupId: aws.String("chat")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("chat")}); code(err) != "ReplicationGroupNotFoundFault" {
		t.Errorf("describe deleted: %v", err)
	}
	if _, err := e.ec.DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{CacheClusterId: aws.String("chat-001")}); code(err) != "CacheClusterNotFound" {
		t.Errorf("member after delete: %v", err)
	}
}

func TestClusterModeReplicationGroup(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	out, err := e.ec.CreateReplicationGroup(ctx, &elasticache.CreateReplicationGroupInput{
		ReplicationGroupId: aws.String("shards"), ReplicationGroupDescription: aws.String("x"), CacheNodeType: aws.String("cache.t3.micro"),
		NumNodeGroups: aws.Int32(2), ReplicasPerNodeGroup: aws.Int32(1), AutomaticFailoverEnabled: aws.Bool(true),
		CacheParameterGroupName: aws.String("default.redis7.cluster.on"),
	})
	if err != nil {
		t.Fatal(err)
	}
	g := out.ReplicationGroup
	if !*g.ClusterEnabled || len(g.MemberClusters) != 4 || g.MemberClusters[3] != "shards-0002-002" || *g.NodeGroups[1].Slots != "8192-16383" ||
		!regexp.MustCompile(`^clustercfg\.shards\.`).MatchString(*g.ConfigurationEndpoint.Address) {
		t.Errorf("cluster mode %+v", g)
	}
}

func TestParameterGroupsAndVersions(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	v, err := e.ec.DescribeCacheEngineVersions(ctx, &elasticache.DescribeCacheEngineVersionsInput{Engine: aws.String("redis"), DefaultOnly: aws.Bool(true)})
	if err != nil || len(v.CacheEngineVersions) != 1 || *v.CacheEngineVersions[0].EngineVersion != "7.1" || *v.CacheEngineVersions[0].CacheParameterGroupFamily != "redis7" {
		t.Errorf("versions %+v %v", v, err)
	}
	if _, err := e.ec.CreateCacheParameterGroup(ctx, &elasticache.CreateCacheParameterGroupInput{CacheParameterGroupName: aws.String("lru"), CacheParameterGroupFamily: aws.String("redis7"), Description: aws.String("lru")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec.ModifyCacheParameterGroup(ctx, &elasticache.ModifyCacheParameterGroupInput{CacheParameterGroupName: aws.String("lru"), ParameterNameValues: []types.ParameterNameValue{{ParameterName: aws.String("maxmemory-policy"), ParameterValue: aws.String("allkeys-lru")}}}); err != nil {
		t.Fatal(err)
	}
	p, err := e.ec.DescribeCacheParameters(ctx, &elasticache.DescribeCacheParametersInput{CacheParameterGroupName: aws.String("lru"), Source: aws.String("user")})
	if err != nil || len(p.Parameters) != 1 || *p.Parameters[0].ParameterValue != "allkeys-lru" {
		t.Errorf("user parameters %+v %v", p, err)
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"modify default", func() error {
			_, err := e.ec.ModifyCacheParameterGroup(ctx, &elasticache.ModifyCacheParameterGroupInput{CacheParameterGroupName: aws.String("default.redis7"), ParameterNameValues: []types.ParameterNameValue{{ParameterName: aws.String("timeout"), ParameterValue: aws.String("30")}}})
			return err
		}(), "InvalidCacheParameterGroupState"},
		{"duplicate", func() error {
			_, err := e.ec.CreateCacheParameterGroup(ctx, &elasticache.CreateCacheParameterGroupInput{CacheParameterGroupName: aws.String("LRU"), CacheParameterGroupFamily: aws.String("redis7"), Description: aws.String("x")})
			return err
		}(), "CacheParameterGroupAlreadyExists"},
		{"unknown parameter", func() error {
			_, err := e.ec.ModifyCacheParameterGroup(ctx, &elasticache.ModifyCacheParameterGroupInput{CacheParameterGroupName: aws.String("lru"), ParameterNameValues: []types.ParameterNameValue{{ParameterName: aws.String("nope"), ParameterValue: aws.String("1")}}})
			return err
		}(), "InvalidParameterValue"},
		{"missing", func() error {
			_, err := e.ec.DescribeCacheParameters(ctx, &elasticache.DescribeCacheParametersInput{CacheParameterGroupName: aws.String("nope")})
			return err
		}(), "CacheParameterGroupNotFound"},
	} {
		if code(c.err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, c.err, c.want)
		}
	}
}

func TestUsersAndGroups(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	u, err := e.ec.CreateUser(ctx, &elasticache.CreateUserInput{
		UserId: aws.String("app"), UserName: aws.String("app"), Engine: aws.String("redis"),
		AccessString: aws.String("on ~app:* +@all"), Passwords: []string{"a-password-of-16+"},
	})
	if err != nil || u.Authentication.Type != types.AuthenticationTypePassword || *u.Authentication.PasswordCount != 1 {
		t.Fatalf("user %+v %v", u, err)
	}
	for _, c := range []struct {
		name string
		in   elasticache.CreateUserInput
		want string
	}{
		{"duplicate", elasticache.CreateUserInput{UserId: aws.String("app"), UserName: aws.String("x"), Engine: aws.String("redis"), AccessString: aws.String("on"), NoPasswordRequired: aws.Bool(true)}, "UserAlreadyExists"},
		{"no password", elasticache.CreateUserInput{UserId: aws.String("b"), UserName: aws.String("b"), Engine: aws.String("redis"), AccessString: aws.String("on")}, "InvalidParameterCombination"},
		{"short password", elasticache.CreateUserInput{UserId: aws.String("b"), UserName: aws.String("b"), Engine: aws.String("redis"), AccessString: aws.String("on"), Passwords: []string{"short"}}, "InvalidParameterValue"},
	} {
		_, err := e.ec.CreateUser(ctx, &c.in)
		if code(err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	// AWS: a user group holds a user named "default".
	if _, err := e.ec.CreateUserGroup(ctx, &elasticache.CreateUserGroupInput{UserGroupId: aws.String("g"), Engine: aws.String("redis"), UserIds: []string{"app"}}); code(err) != "DefaultUserRequired" {
		t.Errorf("group without default: %v", err)
	}
	if _, err := e.ec.CreateUserGroup(ctx, &elasticache.CreateUserGroupInput{UserGroupId: aws.String("g"), Engine: aws.String("redis"), UserIds: []string{"default", "app"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec.DeleteUser(ctx, &elasticache.DeleteUserInput{UserId: aws.String("app")}); code(err) != "InvalidUserState" {
		t.Errorf("delete member: %v", err)
	}
	if _, err := e.ec.ModifyUserGroup(ctx, &elasticache.ModifyUserGroupInput{UserGroupId: aws.String("g"), UserIdsToRemove: []string{"app"}}); err != nil {
		t.Fatal(err)
	}
	us, err := e.ec.DescribeUsers(ctx, &elasticache.DescribeUsersInput{UserId: aws.String("default")})
	if err != nil || len(us.Users[0].UserGroupIds) != 1 {
		t.Errorf("default user %+v %v", us, err)
	}
	if _, err := e.ec.DeleteUser(ctx, &elasticache.DeleteUserInput{UserId: aws.String("app")}); err != nil {
		t.Errorf("delete user: %v", err)
	}
	if _, err := e.ec.DeleteUserGroup(ctx, &elasticache.DeleteUserGroupInput{UserGroupId: aws.String("g")}); err != nil {
		t.Errorf("delete group: %v", err)
	}
	if _, err := e.ec.DescribeUserGroups(ctx, &elasticache.DescribeUserGroupsInput{UserGroupId: aws.String("g")}); code(err) != "UserGroupNotFound" {
		t.Errorf("deleted group: %v", err)
	}
}
