package e2e

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"haneul/test/testutil"
)

// TestTerraformIAM applies an IAM stack with Terraform's AWS provider, checks
// that a second plan has nothing to change (every attribute read back as
// written), destroys it, and checks that nothing is left behind.
func TestTerraformIAM(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	h := start(t)
	tf := newTerraform(t, h, "iam")
	tf.applyReplan()

	client := iam.NewFromConfig(testutil.AWSConfig(h.URL, "test"))
	ctx := context.Background()
	role, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("haneul-app")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(role.Role.MaxSessionDuration) != 7200 || aws.ToString(role.Role.Path) != "/apps/" {
		t.Errorf("role: %+v", role.Role)
	}

	tf.destroy()

	roles, err := client.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	users, err := client.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	policies, err := client.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if err != nil {
		t.Fatal(err)
	}
	groups, err := client.ListGroups(ctx, &iam.ListGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := client.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(roles.Roles) + len(users.Users) + len(policies.Policies) + len(groups.Groups) + len(profiles.InstanceProfiles); n != 0 {
		t.Errorf("IAM not empty after destroy: %d roles, %d users, %d policies, %d groups, %d instance profiles",
			len(roles.Roles), len(users.Users), len(policies.Policies), len(groups.Groups), len(profiles.InstanceProfiles))
	}
}
