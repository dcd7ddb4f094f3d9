package ec2_test

import (
	"context"
	"encoding/base64"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestLaunchTemplates(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	imgs := must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []types.Filter{filter("architecture", "x86_64")}}))
	ami := *imgs.Images[0].ImageId
	vpc := must(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	sub := must(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.0.1.0/24")}))
	sg := must(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("wordpress-allow"), Description: aws.String("web"), VpcId: vpc.Vpc.VpcId}))
	must(c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("wp")}))
	userData := base64.StdEncoding.EncodeToString([]byte("#cloud-config\nruncmd:\n- systemctl start httpd\n"))

	data := &types.RequestLaunchTemplateData{
		ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, KeyName: aws.String("wp"), UserData: aws.String(userData),
		IamInstanceProfile: &types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("wp-profile")},
		NetworkInterfaces: []types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{
			DeviceIndex: aws.Int32(0), AssociatePublicIpAddress: aws.Bool(false), Groups: []string{*sg.GroupId}, DeleteOnTermination: aws.Bool(true),
		}},
		BlockDeviceMappings: []types.LaunchTemplateBlockDeviceMappingRequest{{
			DeviceName: aws.String("/dev/xvda"), Ebs: &types.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: aws.Int32(40), VolumeType: types.VolumeTypeGp3, DeleteOnTermination: aws.Bool(true)},
		}},
		TagSpecifications: []types.LaunchTemplateTagSpecificationRequest{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("wordpress")}}}},
		MetadataOptions:   &types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: types.LaunchTemplateHttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2)},
	}
	created := must(c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("wordpress"), LaunchTemplateData: data, VersionDescription: aws.String("first"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeLaunchTemplate, Tags: []types.Tag{{Key: aws.String("tier"), Value: aws.String("web")}}}},
	}))
	lt := created.LaunchTemplate
	if *lt.DefaultVersionNumber != 1 || *lt.LatestVersionNumber != 1 || len(lt.Tags) != 1 || created.Warning != nil {
		t.Fatalf("created %+v warning %+v", lt, created.Warning)
	}
	id := *lt.LaunchTemplateId

	errCases := []struct {
		name string
		call func() error
		code string
	}{
		{"duplicate name", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("wordpress"), LaunchTemplateData: data})
			return err
		}, "InvalidLaunchTemplateName.AlreadyExistsException"},
		{"bad name", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("a b c"), LaunchTemplateData: data})
			return err
		}, "InvalidParameterValue"},
		{"bad user data", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("userdata"), LaunchTemplateData: &types.RequestLaunchTemplateData{UserData: aws.String("not base64!")}})
			return err
		}, "InvalidUserData.Malformed"},
		{"unknown id", func() error {
			_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"lt-0123456789abcdef0"}})
			return err
		}, "InvalidLaunchTemplateId.NotFound"},
		{"malformed id", func() error {
			_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"wordpress"}})
			return err
		}, "InvalidLaunchTemplateId.Malformed"},
		{"unknown name", func() error {
			_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"nope"}})
			return err
		}, "InvalidLaunchTemplateName.NotFoundException"},
		{"unknown version", func() error {
			_, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"7"}})
			return err
		}, "InvalidLaunchTemplateId.VersionNotFound"},
		{"default to unknown version", func() error {
			_, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("9")})
			return err
		}, "InvalidLaunchTemplateId.VersionNotFound"},
		{"run from unknown template", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nope")}})
			return err
		}, "InvalidLaunchTemplateName.NotFoundException"},
		{"interfaces and instance security groups", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SecurityGroupIds: []string{*sg.GroupId},
				LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id)}})
			return err
		}, "InvalidParameterCombination"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}

	// The data comes back as given.
	v1 := must(c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("wordpress"), Versions: []string{"$Latest"}}))
	if len(v1.LaunchTemplateVersions) != 1 {
		t.Fatalf("versions %+v", v1.LaunchTemplateVersions)
	}
	d := v1.LaunchTemplateVersions[0].LaunchTemplateData
	if *d.ImageId != ami || d.InstanceType != types.InstanceTypeT3Micro || *d.KeyName != "wp" || *d.UserData != userData ||
		*d.IamInstanceProfile.Name != "wp-profile" || len(d.NetworkInterfaces) != 1 || d.NetworkInterfaces[0].Groups[0] != *sg.GroupId ||
		*d.NetworkInterfaces[0].AssociatePublicIpAddress || *d.BlockDeviceMappings[0].Ebs.VolumeSize != 40 ||
		d.BlockDeviceMappings[0].Ebs.VolumeType != types.VolumeTypeGp3 || *d.TagSpecifications[0].Tags[0].Value != "wordpress" ||
		d.MetadataOptions.HttpTokens != types.LaunchTemplateHttpTokensStateRequired || *d.MetadataOptions.HttpPutResponseHopLimit != 2 ||
		!*v1.LaunchTemplateVersions[0].DefaultVersion || *v1.LaunchTemplateVersions[0].VersionDescription != "first" {
		t.Errorf("data %+v", d)
	}

	// Version 2 inherits from 1 and changes the instance type; version 3 is new.
	v2 := must(c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id), SourceVersion: aws.String("1"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Small}}))
	if d := v2.LaunchTemplateVersion.LaunchTemplateData; *v2.LaunchTemplateVersion.VersionNumber != 2 || d.InstanceType != types.InstanceTypeT3Small ||
		*d.UserData != userData || *d.ImageId != ami || *v2.LaunchTemplateVersion.DefaultVersion {
		t.Errorf("version 2 %+v", v2.LaunchTemplateVersion)
	}
	must(c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateName: aws.String("wordpress"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(ami)}}))
	versions := func(in *ec2.DescribeLaunchTemplateVersionsInput) []int64 {
		t.Helper()
		in.LaunchTemplateId = aws.String(id)
		var out []int64
		for _, v := range must(c.DescribeLaunchTemplateVersions(ctx, in)).LaunchTemplateVersions {
			out = append(out, *v.VersionNumber)
		}
		return out
	}
	cases := []struct {
		name string
		in   ec2.DescribeLaunchTemplateVersionsInput
		want []int64
	}{
		{"all, newest first", ec2.DescribeLaunchTemplateVersionsInput{}, []int64{3, 2, 1}},
		{"aliases and numbers", ec2.DescribeLaunchTemplateVersionsInput{Versions: []string{"$Latest", "$Default", "2"}}, []int64{3, 2, 1}},
		{"range", ec2.DescribeLaunchTemplateVersionsInput{MinVersion: aws.String("2"), MaxVersion: aws.String("$Latest")}, []int64{3, 2}},
		{"filter instance type", ec2.DescribeLaunchTemplateVersionsInput{Filters: []types.Filter{filter("instance-type", "t3.small")}}, []int64{2}},
		{"filter default", ec2.DescribeLaunchTemplateVersionsInput{Filters: []types.Filter{filter("is-default-version", "true")}}, []int64{1}},
	}
	for _, tc := range cases {
		if got := versions(&tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	// Default version 2; the default version cannot be deleted, others can.
	mod := must(c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("2")}))
	if *mod.LaunchTemplate.DefaultVersionNumber != 2 {
		t.Errorf("modified %+v", mod.LaunchTemplate)
	}
	del := must(c.DeleteLaunchTemplateVersions(ctx, &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"2", "3", "8"}}))
	if len(del.SuccessfullyDeletedLaunchTemplateVersions) != 1 || *del.SuccessfullyDeletedLaunchTemplateVersions[0].VersionNumber != 3 ||
		len(del.UnsuccessfullyDeletedLaunchTemplateVersions) != 2 || del.UnsuccessfullyDeletedLaunchTemplateVersions[0].ResponseError.Code != types.LaunchTemplateErrorCodeUnexpectedError {
		t.Errorf("delete versions %+v", del)
	}
	got := must(c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{filter("tag:tier", "web")}}))
	if len(got.LaunchTemplates) != 1 || *got.LaunchTemplates[0].LatestVersionNumber != 2 || *got.LaunchTemplates[0].LaunchTemplateName != "wordpress" {
		t.Errorf("described %+v", got.LaunchTemplates)
	}

	// RunInstances from the template ($Default = 2): the template's data,
	// the request's subnet and tags over it, and the template tags.
	run := must(c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: sub.Subnet.SubnetId,
		LaunchTemplate:    &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("wordpress")},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}}}))
	inst := run.Instances[0]
	tags := map[string]string{}
	for _, tg := range inst.Tags {
		tags[*tg.Key] = *tg.Value
	}
	if inst.InstanceType != types.InstanceTypeT3Small || *inst.ImageId != ami || *inst.KeyName != "wp" || *inst.SubnetId != *sub.Subnet.SubnetId ||
		*inst.SecurityGroups[0].GroupId != *sg.GroupId || inst.PublicIpAddress != nil || inst.MetadataOptions.HttpTokens != types.HttpTokensStateRequired ||
		tags["Name"] != "wordpress" || tags["env"] != "dev" || tags["aws:ec2launchtemplate:id"] != id || tags["aws:ec2launchtemplate:version"] != "2" {
		t.Errorf("instance %+v tags %v", inst, tags)
	}
	attr := must(c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: inst.InstanceId, Attribute: types.InstanceAttributeNameUserData}))
	if *attr.UserData.Value != userData {
		t.Errorf("user data %q", *attr.UserData.Value)
	}
	// The request's own parameters win over the template's.
	run2 := must(c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: sub.Subnet.SubnetId, InstanceType: types.InstanceTypeT3Medium,
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id), Version: aws.String("1")}}))
	if run2.Instances[0].InstanceType != types.InstanceTypeT3Medium {
		t.Errorf("override: %s", run2.Instances[0].InstanceType)
	}

	// GetLaunchTemplateData reads an instance back as template data.
	gd := must(c.GetLaunchTemplateData(ctx, &ec2.GetLaunchTemplateDataInput{InstanceId: inst.InstanceId}))
	if d := gd.LaunchTemplateData; *d.ImageId != ami || d.InstanceType != types.InstanceTypeT3Small || *d.UserData != userData ||
		len(d.NetworkInterfaces) != 1 || d.NetworkInterfaces[0].Groups[0] != *sg.GroupId || len(d.BlockDeviceMappings) == 0 {
		t.Errorf("template data %+v", d)
	}

	// Tags through CreateTags; deletion removes the template and its versions.
	must(c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("me")}}}))
	must(c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)}))
	_, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	if all := must(c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})); len(all.LaunchTemplates) != 0 {
		t.Errorf("left %+v", all.LaunchTemplates)
	}
	// The name is free again.
	must(c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("wordpress"), LaunchTemplateData: data}))
}
