package autoscaling

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// CreateLaunchConfiguration creates a launch configuration.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateLaunchConfiguration.html
func (s *Service) CreateLaunchConfiguration(ctx context.Context, in *CreateLaunchConfigurationType) (*CreateLaunchConfigurationOutput, error) {
	sc := s.scope(ctx)
	name := *in.LaunchConfigurationName
	if in.InstanceId != nil {
		return nil, validation("Creating a launch configuration from an instance is not supported by haneul; specify ImageId and InstanceType")
	}
	// AWS: ImageId and InstanceType are required unless InstanceId is given.
	if ptr.Val(in.ImageId) == "" {
		return nil, validation("Valid requests must contain either the ImageId or the InstanceId parameter.")
	}
	if ptr.Val(in.InstanceType) == "" {
		return nil, validation("Valid requests must contain either the InstanceType or the InstanceId parameter.")
	}
	if !s.ec2.ImageExists(ctx, *in.ImageId) {
		return nil, validation("The image id '[%s]' does not exist", *in.ImageId)
	}
	if ud := ptr.Val(in.UserData); ud != "" {
		// AWS: user data is base64-encoded (the CLI and SDKs encode it).
		if _, err := base64.StdEncoding.DecodeString(ud); err != nil {
			return nil, validation("Invalid BASE64 encoding of user data.")
		}
	}
	lc := LaunchConfiguration{
		LaunchConfigurationName: ptr.To(name),
		LaunchConfigurationARN:  ptr.To(fmt.Sprintf("arn:aws:autoscaling:%s:%s:launchConfiguration:%s:launchConfigurationName/%s", sc.Region, sc.Account, ids.UUID(), name)),
		CreatedTime:             ptr.To(s.now()),
		ImageId:                 in.ImageId, InstanceType: in.InstanceType, KeyName: orEmpty(in.KeyName),
		SecurityGroups: nonNil(in.SecurityGroups), UserData: orEmpty(in.UserData), IamInstanceProfile: in.IamInstanceProfile,
		BlockDeviceMappings: nonNil(in.BlockDeviceMappings), AssociatePublicIpAddress: in.AssociatePublicIpAddress,
		EbsOptimized: ptr.To(ptr.Val(in.EbsOptimized)), KernelId: orEmpty(in.KernelId), RamdiskId: orEmpty(in.RamdiskId),
		SpotPrice: in.SpotPrice, PlacementTenancy: in.PlacementTenancy, MetadataOptions: in.MetadataOptions,
		ClassicLinkVPCSecurityGroups: nonNil(in.ClassicLinkVPCSecurityGroups),
		InstanceMonitoring:           &InstanceMonitoring{Enabled: ptr.To(true)},
	}
	if in.InstanceMonitoring != nil && in.InstanceMonitoring.Enabled != nil {
		lc.InstanceMonitoring.Enabled = in.InstanceMonitoring.Enabled
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.lcs.Get(tx, sc, name); ok {
			return awserr.New("AlreadyExists", 0, "Launch Configuration by this name already exists - A launch configuration already exists with the name %s", name)
		}
		s.lcs.Put(tx, sc, name, lc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateLaunchConfigurationOutput{}, nil
}

// DescribeLaunchConfigurations lists launch configurations, by name or all, in name order.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeLaunchConfigurations.html
func (s *Service) DescribeLaunchConfigurations(ctx context.Context, in *LaunchConfigurationNamesType) (*LaunchConfigurationsType, error) {
	sc := s.scope(ctx)
	var out []LaunchConfiguration
	_ = s.db.View(func(tx *state.Tx) error {
		s.lcs.Ascend(tx, sc, "", func(name string, lc LaunchConfiguration) bool {
			if len(in.LaunchConfigurationNames) == 0 || slices.Contains(in.LaunchConfigurationNames, name) {
				out = append(out, lc)
			}
			return true
		})
		return nil
	})
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &LaunchConfigurationsType{LaunchConfigurations: nonNil(items), NextToken: next}, nil
}

// DeleteLaunchConfiguration deletes a launch configuration no group uses.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteLaunchConfiguration.html
func (s *Service) DeleteLaunchConfiguration(ctx context.Context, in *LaunchConfigurationNameType) (*DeleteLaunchConfigurationOutput, error) {
	sc := s.scope(ctx)
	name := *in.LaunchConfigurationName
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.lcs.Get(tx, sc, name); !ok {
			return validation("Launch configuration name not found - Launch configuration %s not found", name)
		}
		var user string
		s.groups.Ascend(tx, sc, "", func(g string, r groupRec) bool {
			if ptr.Val(r.LaunchConfigurationName) == name {
				user = g
				return false
			}
			return true
		})
		if user != "" {
			// AWS: a launch configuration attached to a group cannot be deleted.
			return awserr.New("ResourceInUse", 0, "Cannot delete launch configuration %s because it is attached to AutoScalingGroup %s", name, user)
		}
		s.lcs.Delete(tx, sc, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteLaunchConfigurationOutput{}, nil
}

func orEmpty(p *string) *string {
	if p == nil {
		return ptr.To("")
	}
	return p
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// page returns the items from token (an index, as returned in NextToken) on,
// at most size of them (50 by default, 100 at most, as AWS pages).
func page[T any](items []T, token *string, size *int64) ([]T, *string, error) {
	start := 0
	if t := ptr.Val(token); t != "" {
		if _, err := fmt.Sscanf(t, "%d", &start); err != nil || start < 0 || start > len(items) {
			return nil, nil, awserr.New("InvalidNextToken", 0, "The token '%s' is invalid.", t)
		}
	}
	n := 50
	if size != nil && *size > 0 {
		n = min(int(*size), 100)
	}
	items = items[start:]
	if len(items) <= n {
		return items, nil, nil
	}
	next := fmt.Sprint(start + n)
	return items[:n], &next, nil
}
