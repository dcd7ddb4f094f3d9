package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// TestTerraformElastiCacheEFS applies the caches of the coupon and chat-app
// systems (seeds 002, 000) and wordpress-ha's shared file system (seed 003)
// inside one VPC with subnets in two zones, checks that a second plan has
// nothing to change, reads them back with the AWS CLI, and destroys them.
func TestTerraformElastiCacheEFS(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "aws")
	h := start(t)
	tf := newTerraform(t, h, "elasticache_efs")
	tf.applyReplan()

	var clusters struct {
		CacheClusters []struct {
			CacheClusterId, CacheClusterStatus, CacheNodeType, ReplicationGroupId string
			CacheNodes                                                            []struct {
				Endpoint struct {
					Address string
					Port    int
				}
			}
		}
	}
	if err := awsJSON(t, h, &clusters, "elasticache", "describe-cache-clusters", "--show-cache-node-info"); err != nil {
		t.Fatal(err)
	}
	node := regexp.MustCompile(`^[a-z0-9-]+\.[a-z2-7]{6}\.0001\.apn2\.cache\.localhost$`)
	seen := map[string]string{}
	for _, c := range clusters.CacheClusters {
		seen[c.CacheClusterId] = c.CacheNodeType
		if c.CacheClusterStatus != "available" || len(c.CacheNodes) != 1 || c.CacheNodes[0].Endpoint.Port != 6379 || !node.MatchString(c.CacheNodes[0].Endpoint.Address) {
			t.Errorf("cluster %+v", c)
		}
	}
	if seen["coupon-redis"] != "cache.t3.micro" || seen["chat-laravel"] != "cache.t2.micro" || seen["chat-server"] != "cache.t2.small" ||
		seen["chat-sessions-001"] == "" || seen["chat-sessions-002"] == "" {
		t.Errorf("clusters %v", seen)
	}

	var mts struct {
		MountTargets []struct{ IpAddress, AvailabilityZoneName, LifeCycleState string }
	}
	var fss struct {
		FileSystems []struct {
			FileSystemId         string
			NumberOfMountTargets int
			Encrypted            bool
		}
	}
	if err := awsJSON(t, h, &fss, "efs", "describe-file-systems", "--creation-token", "wordpress-efs"); err != nil {
		t.Fatal(err)
	}
	if len(fss.FileSystems) != 1 || fss.FileSystems[0].NumberOfMountTargets != 2 || !fss.FileSystems[0].Encrypted {
		t.Fatalf("file systems %+v", fss)
	}
	if err := awsJSON(t, h, &mts, "efs", "describe-mount-targets", "--file-system-id", fss.FileSystems[0].FileSystemId); err != nil {
		t.Fatal(err)
	}
	zones := map[string]bool{}
	for _, m := range mts.MountTargets {
		zones[m.AvailabilityZoneName] = true
		if !strings.HasPrefix(m.IpAddress, "10.0.1") || m.LifeCycleState != "available" {
			t.Errorf("mount target %+v", m)
		}
	}
	if len(zones) != 2 {
		t.Errorf("mount targets %+v", mts)
	}

	tf.destroy()
	var left struct {
		CacheClusters []struct{ CacheClusterId string }
	}
	if err := awsJSON(t, h, &left, "elasticache", "describe-cache-clusters"); err != nil {
		t.Fatal(err)
	}
	var fsLeft struct {
		FileSystems []struct{ FileSystemId string }
	}
	if err := awsJSON(t, h, &fsLeft, "efs", "describe-file-systems"); err != nil {
		t.Fatal(err)
	}
	if len(left.CacheClusters) != 0 || len(fsLeft.FileSystems) != 0 {
		t.Errorf("left after destroy: clusters %v, file systems %v", left.CacheClusters, fsLeft.FileSystems)
	}
}
