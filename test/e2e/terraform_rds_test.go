package e2e

import (
	"regexp"
	"testing"
)

// TestTerraformRDS applies the databases of the coupon, wordpress-ha and
// chat-app systems (seeds 002, 003, 000) inside one VPC with subnets in two
// zones, checks that a second plan has nothing to change, reads the
// instances back with the AWS CLI, and destroys them.
func TestTerraformRDS(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "aws")
	h := start(t)
	tf := newTerraform(t, h, "rds")
	tf.applyReplan()

	var out struct {
		DBInstances []struct {
			DBInstanceIdentifier, DBInstanceStatus, Engine, EngineVersion, DBInstanceClass string
			Endpoint                                                                       struct {
				Address string
				Port    int
			}
			DBSubnetGroup                struct{ DBSubnetGroupName, VpcId string }
			EnabledCloudwatchLogsExports []string
			PubliclyAccessible           bool
		}
	}
	if err := awsJSON(t, h, &out, "rds", "describe-db-instances"); err != nil {
		t.Fatal(err)
	}
	address := regexp.MustCompile(`^[a-z0-9-]+\.c[a-z0-9]{11}\.ap-northeast-2\.rds\.localhost$`)
	seen := map[string]string{}
	for _, d := range out.DBInstances {
		seen[d.DBInstanceIdentifier] = d.Engine + " " + d.EngineVersion + " " + d.DBInstanceClass
		if d.DBInstanceStatus != "available" || d.Endpoint.Port != 3306 || !address.MatchString(d.Endpoint.Address) ||
			d.DBSubnetGroup.DBSubnetGroupName != "coupon-db-subnet-group" || d.PubliclyAccessible {
			t.Errorf("instance %+v", d)
		}
		if d.DBInstanceIdentifier == "chat-mysql" && len(d.EnabledCloudwatchLogsExports) != 4 {
			t.Errorf("chat log exports %v", d.EnabledCloudwatchLogsExports)
		}
	}
	if seen["coupon-mysql"] != "mysql 8.0.35 db.t4g.micro" || seen["wordpress-db"] != "mariadb 10.11.10 db.t3.micro" || seen["chat-mysql"] == "" {
		t.Errorf("instances %v", seen)
	}

	tf.destroy()
	var left struct{ DBInstances, DBSubnetGroups []struct{} }
	if err := awsJSON(t, h, &left, "rds", "describe-db-instances"); err != nil {
		t.Fatal(err)
	}
	var groups struct{ DBSubnetGroups []struct{} }
	if err := awsJSON(t, h, &groups, "rds", "describe-db-subnet-groups"); err != nil {
		t.Fatal(err)
	}
	if len(left.DBInstances) != 0 || len(groups.DBSubnetGroups) != 0 {
		t.Errorf("left after destroy: %d instances, %d subnet groups", len(left.DBInstances), len(groups.DBSubnetGroups))
	}
}
