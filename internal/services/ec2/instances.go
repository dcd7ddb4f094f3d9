package ec2

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// instanceRec is an instance and what AWS keeps about it beyond DescribeInstances.
type instanceRec struct {
	Instance
	ENI          string // primary network interface
	AutoPublicIP string // the public address assigned at launch (not an Elastic IP), if any
	WantsPublic  bool   // the instance gets a public address when it starts
	UserData     string // base64, as given
	NoTerminate  bool   // disableApiTermination
	NoStop       bool   // disableApiStop
	Shutdown     string // instanceInitiatedShutdownBehavior: stop or terminate
	Credits      string // CPU credits of burstable types: standard or unlimited
	Reservation  string // the reservation the instance was launched in
	Changed      time.Time
}

func (r instanceRec) id() string        { return *r.InstanceId }
func (r instanceRec) stateName() string { return *r.State.Name }

var stateCodes = map[string]int64{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func instState(name string) *InstanceState {
	return &InstanceState{Name: ptr.To(name), Code: ptr.To(stateCodes[name])}
}

// setPublicIP sets (or with "" clears) the instance's public address and its DNS name.
func (r *instanceRec) setPublicIP(ip string) {
	r.PublicIpAddress, r.PublicDnsName = nil, ptr.To("")
	var assoc *InstanceNetworkInterfaceAssociation
	if ip != "" {
		r.PublicIpAddress = ptr.To(ip)
		region := strings.TrimSuffix(ptr.Val(r.Placement.AvailabilityZone), ptr.Val(r.Placement.AvailabilityZone)[len(ptr.Val(r.Placement.AvailabilityZone))-1:])
		r.PublicDnsName = ptr.To(publicDNS(ip, region))
		assoc = &InstanceNetworkInterfaceAssociation{PublicIp: ptr.To(ip), PublicDnsName: r.PublicDnsName, IpOwnerId: ptr.To("amazon")}
	}
	if len(r.NetworkInterfaces) > 0 {
		nis := slices.Clone(r.NetworkInterfaces)
		nis[0].Association = assoc
		pips := slices.Clone(nis[0].PrivateIpAddresses)
		if len(pips) > 0 {
			pips[0].Association = assoc
		}
		nis[0].PrivateIpAddresses = pips
		r.NetworkInterfaces = nis
	}
}

// publicDNS and privateDNS are the EC2 host names of addresses.
//
// AWS: us-east-1 uses compute-1.amazonaws.com and ec2.internal; other
// regions <region>.compute.amazonaws.com and <region>.compute.internal.
func publicDNS(ip, region string) string {
	host := "ec2-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

func privateDNS(ip, region string) string {
	host := "ip-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

// settleInstance returns the instance as of now: pending becomes running,
// stopping stopped and shutting-down terminated once their delay has passed.
func (s *Service) settleInstance(r instanceRec) instanceRec {
	now := s.clock.Now()
	step := map[string]struct {
		to string
		d  time.Duration
	}{"pending": {"running", pendingDelay}, "stopping": {"stopped", stopDelay}, "shutting-down": {"terminated", stopDelay}}
	if st, ok := step[r.stateName()]; ok && !now.Before(r.Changed.Add(st.d)) {
		r.State = instState(st.to)
		r.Changed = r.Changed.Add(st.d)
		if st.to == "stopped" || st.to == "terminated" {
			r.StateReason = &StateReason{Code: ptr.To("Client.UserInitiatedShutdown"), Message: ptr.To("Client.UserInitiatedShutdown: User initiated shutdown")}
		}
	}
	return r
}

func (s *Service) instanceKind() *kind[instanceRec] {
	one := func(f func(instanceRec) *string) func(instanceRec) []string {
		return func(r instanceRec) []string {
			if v := f(r); v != nil && *v != "" {
				return []string{*v}
			}
			return nil
		}
	}
	groups := func(f func(GroupIdentifier) *string) func(instanceRec) []string {
		return func(r instanceRec) []string {
			var out []string
			for _, g := range r.SecurityGroups {
				out = append(out, ptr.Val(f(g)))
			}
			return out
		}
	}
	return &kind[instanceRec]{
		table: s.instances, prefix: "i", id: instanceRec.id, notFound: notFoundIDs, settle: s.settleInstance,
		hidden: func(r instanceRec) bool {
			return r.stateName() == "terminated" && s.clock.Now().After(r.Changed.Add(goneAfter))
		},
		filters: map[string]func(instanceRec) []string{
			"instance-id":                            one(func(r instanceRec) *string { return r.InstanceId }),
			"instance-state-name":                    one(func(r instanceRec) *string { return r.State.Name }),
			"instance-state-code":                    func(r instanceRec) []string { return []string{strconv.FormatInt(*r.State.Code, 10)} },
			"instance-type":                          one(func(r instanceRec) *string { return r.InstanceType }),
			"image-id":                               one(func(r instanceRec) *string { return r.ImageId }),
			"vpc-id":                                 one(func(r instanceRec) *string { return r.VpcId }),
			"subnet-id":                              one(func(r instanceRec) *string { return r.SubnetId }),
			"private-ip-address":                     one(func(r instanceRec) *string { return r.PrivateIpAddress }),
			"ip-address":                             one(func(r instanceRec) *string { return r.PublicIpAddress }),
			"private-dns-name":                       one(func(r instanceRec) *string { return r.PrivateDnsName }),
			"dns-name":                               one(func(r instanceRec) *string { return r.PublicDnsName }),
			"key-name":                               one(func(r instanceRec) *string { return r.KeyName }),
			"architecture":                           one(func(r instanceRec) *string { return r.Architecture }),
			"availability-zone":                      one(func(r instanceRec) *string { return r.Placement.AvailabilityZone }),
			"reservation-id":                         func(r instanceRec) []string { return []string{r.reservation()} },
			"instance.group-id":                      groups(func(g GroupIdentifier) *string { return g.GroupId }),
			"instance.group-name":                    groups(func(g GroupIdentifier) *string { return g.GroupName }),
			"group-id":                               groups(func(g GroupIdentifier) *string { return g.GroupId }),
			"group-name":                             groups(func(g GroupIdentifier) *string { return g.GroupName }),
			"network-interface.network-interface-id": func(r instanceRec) []string { return []string{r.ENI} },
			"iam-instance-profile.arn": func(r instanceRec) []string {
				if r.IamInstanceProfile == nil {
					return nil
				}
				return []string{*r.IamInstanceProfile.Arn}
			},
			"root-device-type": one(func(r instanceRec) *string { return r.RootDeviceType }),
			"tenancy":          one(func(r instanceRec) *string { return r.Placement.Tenancy }),
			"monitoring-state": one(func(r instanceRec) *string { return r.Monitoring.State }),
			"platform-details": one(func(r instanceRec) *string { return r.PlatformDetails }),
			"launch-index":     func(r instanceRec) []string { return []string{strconv.FormatInt(*r.AmiLaunchIndex, 10)} },
			"client-token":     one(func(r instanceRec) *string { return r.ClientToken }),
		},
	}
}

func (r instanceRec) reservation() string { return r.Reservation }

func (s *Service) instanceOut(tx *state.Tx, sc state.Scope, r instanceRec) Instance {
	out := r.Instance
	out.Tags = s.tagList(tx, sc, r.id())
	if st := r.stateName(); st == "terminated" {
		out.NetworkInterfaces, out.BlockDeviceMappings, out.SecurityGroups = []InstanceNetworkInterface{}, []InstanceBlockDeviceMapping{}, []GroupIdentifier{}
		out.PrivateIpAddress, out.PublicIpAddress, out.SubnetId, out.VpcId = nil, nil, nil, nil
		out.PrivateDnsName = ptr.To("")
	}
	return out
}

func (s *Service) getInstance(tx *state.Tx, sc state.Scope, id string) (instanceRec, error) {
	r, ok := s.instances.Get(tx, sc, id)
	if ok {
		r = s.settleInstance(r)
	}
	if !ok || (r.stateName() == "terminated" && s.clock.Now().After(r.Changed.Add(goneAfter))) {
		return r, notFoundFor(id)
	}
	return r, nil
}

// instanceByENI finds the instance whose primary interface is eni.
func (s *Service) instanceByENI(tx *state.Tx, sc state.Scope, eni string) (instanceRec, bool) {
	var out instanceRec
	found := false
	s.instances.Ascend(tx, sc, "", func(_ string, r instanceRec) bool {
		if r.ENI == eni {
			out, found = r, true
		}
		return !found
	})
	return out, found
}

// launch is a RunInstances request resolved against the scope's state.
type launch struct {
	image    catalogImage
	itype    instanceType
	subnet   subnetRec
	groups   []GroupIdentifier
	public   bool
	profile  *IamInstanceProfile
	instTags map[string]string
	volTags  map[string]string
	eniTags  map[string]string
}

// resolve checks RunInstances' references: image, type, subnet, groups, key pair.
func (s *Service) resolve(tx *state.Tx, sc state.Scope, in *RunInstancesRequest) (launch, error) {
	var l launch
	var ok bool
	if in.ImageId == nil {
		return l, awserr.New("MissingParameter", 400, "The request must contain the parameter ImageId")
	}
	if l.image, ok = s.launchImage(tx, sc, *in.ImageId); !ok {
		if !strings.HasPrefix(*in.ImageId, "ami-") {
			return l, awserr.New("InvalidAMIID.Malformed", 400, "Invalid id: \"%s\" (expecting \"ami-...\")", *in.ImageId)
		}
		return l, notFoundFor(*in.ImageId)
	}
	typeName := ptr.Val(in.InstanceType)
	if typeName == "" {
		typeName = "t2.micro"
	}
	if l.itype, ok = lookupType(typeName); !ok {
		return l, awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for InstanceType.", typeName)
	}
	// AWS: the type's architecture must be the image's.
	if l.itype.Arch != l.image.Architecture {
		return l, awserr.New("InvalidParameterValue", 400, "The architecture '%s' of the specified instance type does not match the architecture '%s' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.", l.itype.Arch, l.image.Architecture)
	}
	var spec InstanceNetworkInterfaceSpecification
	if len(in.NetworkInterfaces) > 0 {
		spec = in.NetworkInterfaces[0]
	}
	subnetID := ptr.Val(in.SubnetId)
	if subnetID == "" {
		subnetID = ptr.Val(spec.SubnetId)
	}
	if subnetID == "" {
		// AWS: without a subnet, the default subnet of the requested (or a) zone.
		vpc, _ := s.meta.Get(tx, sc, "defaults")
		if vpc == "" || vpc == "none" {
			return l, awserr.New("VPCIdNotSpecified", 400, "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
		}
		az := ""
		if in.Placement != nil {
			az = ptr.Val(in.Placement.AvailabilityZone)
		}
		s.subnets.Ascend(tx, sc, "", func(id string, r subnetRec) bool {
			if *r.VpcId == vpc && ptr.Val(r.DefaultForAz) && (az == "" || r.zone() == az) && (subnetID == "" || r.zone() < ptr.Val(l.subnet.AvailabilityZone)) {
				subnetID, l.subnet = id, r
			}
			return true
		})
		if subnetID == "" {
			return l, awserr.New("InvalidParameterValue", 400, "No default subnet for availability zone: '%s'.", az)
		}
	}
	sub, err := s.getSubnet(tx, sc, subnetID)
	if err != nil {
		return l, err
	}
	l.subnet = sub
	vpc, _ := s.vpcs.Get(tx, sc, *sub.VpcId)
	ids := append(slices.Clone(in.SecurityGroupIds), spec.Groups...)
	for _, id := range ids {
		g, err := s.groupByRef(tx, sc, ptr.To(id), nil, nil)
		if err != nil {
			return l, err
		}
		if *g.VpcId != *sub.VpcId {
			return l, awserr.New("InvalidParameter", 400, "Security group %s and subnet %s belong to different networks.", id, subnetID)
		}
		l.groups = append(l.groups, GroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
	}
	for _, n := range in.SecurityGroups {
		g, err := s.groupByRef(tx, sc, nil, ptr.To(n), sub.VpcId)
		if err != nil {
			return l, err
		}
		l.groups = append(l.groups, GroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
	}
	if len(l.groups) == 0 {
		g, _ := s.sgs.Get(tx, sc, vpc.DefaultSG)
		l.groups = []GroupIdentifier{{GroupId: g.GroupId, GroupName: g.GroupName}}
	}
	if in.KeyName != nil {
		if _, ok := s.keys.Get(tx, sc, *in.KeyName); !ok {
			return l, awserr.New("InvalidKeyPair.NotFound", 400, "The key pair '%s' does not exist", *in.KeyName)
		}
	}
	// AWS: AssociatePublicIpAddress on the primary interface overrides the subnet's setting.
	l.public = sub.mapPublic()
	if spec.AssociatePublicIpAddress != nil {
		l.public = *spec.AssociatePublicIpAddress
	}
	if p := in.IamInstanceProfile; p != nil {
		arn := ptr.Val(p.Arn)
		if arn == "" {
			arn = "arn:aws:iam::" + sc.Account + ":instance-profile/" + ptr.Val(p.Name)
		}
		l.profile = &IamInstanceProfile{Arn: ptr.To(arn), Id: ptr.To(ids2("AIPA"))}
	}
	if l.instTags, err = specTags(in.TagSpecifications, "instance", "volume", "network-interface"); err != nil {
		return l, err
	}
	l.volTags, _ = specTags(in.TagSpecifications, "volume", "instance", "network-interface")
	l.eniTags, _ = specTags(in.TagSpecifications, "network-interface", "instance", "volume")
	return l, nil
}

func ids2(prefix string) string { return ids.Unique(prefix, 17) }

// RunInstances launches between MinCount and MaxCount instances.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html
func (s *Service) RunInstances(ctx context.Context, in *RunInstancesRequest) (*Reservation, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if in.LaunchTemplate != nil {
		return s.runFromTemplate(ctx, sc, in) // launchtemplates.go
	}
	minN, maxN := ptr.Val(in.MinCount), ptr.Val(in.MaxCount)
	// AWS: 1 ≤ MinCount ≤ MaxCount.
	if minN < 1 || maxN < minN {
		return nil, awserr.New("InvalidParameterValue", 400, "Invalid value '%d' for minCount. Must be between 1 and maxCount (%d).", minN, maxN)
	}
	if in.PrivateIpAddress != nil && maxN > 1 {
		return nil, awserr.New("InvalidParameterCombination", 400, "Cannot specify an explicit private IP address when launching more than one instance.")
	}
	if b := ptr.Val(in.InstanceInitiatedShutdownBehavior); b != "" && b != "stop" && b != "terminate" {
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid.", b)
	}
	res := &Reservation{ReservationId: ptr.To(ids.Hex("r", 17)), OwnerId: ptr.To(sc.Account), Instances: []Instance{}}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		l, err := s.resolve(tx, sc, in)
		if err != nil {
			return err
		}
		if l.subnet.available() < minN {
			return awserr.New("InsufficientFreeAddressesInSubnet", 400, "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", l.subnet.id())
		}
		n := min(maxN, l.subnet.available())
		vpc, _ := s.vpcs.Get(tx, sc, *l.subnet.VpcId)
		now := s.now()
		hint := int64(4)
		for i := range n {
			r, err := s.newInstance(tx, sc, in, l, vpc, i, res, now, &hint)
			if err != nil {
				return err
			}
			res.Instances = append(res.Instances, s.instanceOut(tx, sc, r))
		}
		res.Groups = l.groups
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Service) newInstance(tx *state.Tx, sc state.Scope, in *RunInstancesRequest, l launch, vpc vpcRec, idx int64, res *Reservation, now time.Time, hint *int64) (instanceRec, error) {
	id := ids.Hex("i", 17)
	var spec InstanceNetworkInterfaceSpecification
	if len(in.NetworkInterfaces) > 0 {
		spec = in.NetworkInterfaces[0]
	}
	want := ptr.Val(in.PrivateIpAddress)
	if want == "" {
		want = ptr.Val(spec.PrivateIpAddress)
	}
	ip, err := s.allocIP(tx, sc, l.subnet.id(), id, want, hint)
	if err != nil {
		return instanceRec{}, err
	}
	eni := ids.Hex("eni", 17)
	dnsHost := privateDNS(ip, sc.Region)
	zone, _ := zoneByName(sc.Region, l.subnet.zone())
	metadata := &InstanceMetadataOptionsResponse{
		HttpEndpoint: ptr.To("enabled"), HttpTokens: ptr.To("optional"), HttpPutResponseHopLimit: ptr.To(int64(1)),
		HttpProtocolIpv6: ptr.To("disabled"), InstanceMetadataTags: ptr.To("disabled"), State: ptr.To("applied"),
	}
	if strings.HasPrefix(l.image.Name, "al2023") {
		// AWS: Amazon Linux 2023 images require IMDSv2 with a hop limit of 2.
		metadata.HttpTokens, metadata.HttpPutResponseHopLimit = ptr.To("required"), ptr.To(int64(2))
	}
	if m := in.MetadataOptions; m != nil {
		if m.HttpEndpoint != nil {
			metadata.HttpEndpoint = m.HttpEndpoint
		}
		if m.HttpTokens != nil {
			metadata.HttpTokens = m.HttpTokens
		}
		if m.HttpPutResponseHopLimit != nil {
			metadata.HttpPutResponseHopLimit = m.HttpPutResponseHopLimit
		}
		if m.HttpProtocolIpv6 != nil {
			metadata.HttpProtocolIpv6 = m.HttpProtocolIpv6
		}
		if m.InstanceMetadataTags != nil {
			metadata.InstanceMetadataTags = m.InstanceMetadataTags
		}
	}
	monitoring := "disabled"
	if in.Monitoring != nil && ptr.Val(in.Monitoring.Enabled) {
		monitoring = "enabled"
	}
	threads := int64(2)
	if l.itype.VCPUs == 1 || l.itype.Arch == "arm64" {
		threads = 1
	}
	r := instanceRec{
		Instance: Instance{
			InstanceId: ptr.To(id), ImageId: ptr.To(l.image.AMI), InstanceType: ptr.To(l.itype.Name), State: instState("pending"),
			AmiLaunchIndex: ptr.To(idx), LaunchTime: ptr.To(now), KeyName: in.KeyName, ClientToken: in.ClientToken,
			SubnetId: l.subnet.SubnetId, VpcId: l.subnet.VpcId, PrivateIpAddress: ptr.To(ip), PrivateDnsName: ptr.To(dnsHost),
			PublicDnsName: ptr.To(""), SecurityGroups: l.groups, IamInstanceProfile: l.profile,
			Placement:    &Placement{AvailabilityZone: l.subnet.AvailabilityZone, AvailabilityZoneId: ptr.To(zone.ID), GroupName: ptr.To(""), Tenancy: ptr.To("default")},
			Architecture: ptr.To(l.image.Architecture), Hypervisor: ptr.To("xen"), VirtualizationType: ptr.To("hvm"),
			RootDeviceName: ptr.To(l.image.RootDeviceName), RootDeviceType: ptr.To("ebs"), EnaSupport: ptr.To(true),
			EbsOptimized: ptr.To(ptr.Val(in.EbsOptimized)), SourceDestCheck: ptr.To(true), StateTransitionReason: ptr.To(""),
			PlatformDetails: ptr.To("Linux/UNIX"), UsageOperation: ptr.To("RunInstances"), UsageOperationUpdateTime: ptr.To(now),
			Monitoring: &Monitoring{State: ptr.To(monitoring)}, MetadataOptions: metadata,
			CpuOptions:                       &CpuOptions{CoreCount: ptr.To(l.itype.VCPUs / threads), ThreadsPerCore: ptr.To(threads)},
			CapacityReservationSpecification: &CapacityReservationSpecificationResponse{CapacityReservationPreference: ptr.To("open")},
			HibernationOptions:               &HibernationOptions{Configured: ptr.To(false)},
			EnclaveOptions:                   &EnclaveOptions{Enabled: ptr.To(false)},
			MaintenanceOptions:               &InstanceMaintenanceOptions{AutoRecovery: ptr.To("default"), RebootMigration: ptr.To("default")},
			PrivateDnsNameOptions:            &PrivateDnsNameOptionsResponse{HostnameType: ptr.To("ip-name"), EnableResourceNameDnsARecord: ptr.To(false), EnableResourceNameDnsAAAARecord: ptr.To(false)},
			BootMode:                         ptr.To("uefi-preferred"), CurrentInstanceBootMode: ptr.To("legacy-bios"),
			NetworkInterfaces: []InstanceNetworkInterface{{
				NetworkInterfaceId: ptr.To(eni), SubnetId: l.subnet.SubnetId, VpcId: l.subnet.VpcId, OwnerId: ptr.To(sc.Account),
				Status: ptr.To("in-use"), PrivateIpAddress: ptr.To(ip), PrivateDnsName: ptr.To(dnsHost), SourceDestCheck: ptr.To(true),
				InterfaceType: ptr.To("interface"), Groups: l.groups, Description: ptr.To(""), MacAddress: ptr.To(mac(eni)),
				Ipv6Addresses:      []InstanceIpv6Address{},
				PrivateIpAddresses: []InstancePrivateIpAddress{{Primary: ptr.To(true), PrivateIpAddress: ptr.To(ip), PrivateDnsName: ptr.To(dnsHost)}},
				Attachment: &InstanceNetworkInterfaceAttachment{
					AttachmentId: ptr.To(ids.Hex("eni-attach", 17)), AttachTime: ptr.To(now), DeleteOnTermination: ptr.To(true),
					DeviceIndex: ptr.To(int64(0)), NetworkCardIndex: ptr.To(int64(0)), Status: ptr.To("attached"),
				},
			}},
		},
		ENI: eni, Reservation: *res.ReservationId, WantsPublic: l.public, UserData: ptr.Val(in.UserData),
		NoTerminate: ptr.Val(in.DisableApiTermination), NoStop: ptr.Val(in.DisableApiStop),
		Shutdown: ptr.Val(in.InstanceInitiatedShutdownBehavior), Credits: defaultCredits(l.itype.Name), Changed: now,
	}
	if r.Shutdown == "" {
		r.Shutdown = "stop"
	}
	if c := in.CreditSpecification; c != nil && l.itype.Burstable {
		r.Credits = ptr.Val(c.CpuCredits)
	}
	if l.public {
		pub, err := s.allocPublicIP(tx, sc, id)
		if err != nil {
			return r, err
		}
		r.AutoPublicIP = pub
		r.setPublicIP(pub)
		if !vpc.EnableDNSHostnames {
			r.PublicDnsName = ptr.To("")
		}
	}
	bdms, err := s.launchVolumes(tx, sc, in, l, id, now)
	if err != nil {
		return r, err
	}
	r.BlockDeviceMappings = bdms
	s.instances.Put(tx, sc, id, r)
	s.setTags(tx, sc, id, l.instTags)
	s.setTags(tx, sc, eni, l.eniTags)
	return r, nil
}

// mac derives a stable MAC address from an interface id.
func mac(eni string) string {
	h := eni[len(eni)-10:]
	return "02:" + h[0:2] + ":" + h[2:4] + ":" + h[4:6] + ":" + h[6:8] + ":" + h[8:10]
}

// launchVolumes creates the root volume and the block device mappings' EBS volumes.
//
// AWS: the root volume is the image's snapshot at the image's size (8 GiB
// here) unless a mapping for the root device says otherwise.
func (s *Service) launchVolumes(tx *state.Tx, sc state.Scope, in *RunInstancesRequest, l launch, instID string, now time.Time) ([]InstanceBlockDeviceMapping, error) {
	type vol struct {
		dev     string
		size    int64
		typ     string
		del     bool
		snap    string
		iops    *int64
		through *int64
		enc     bool
		kms     *string
	}
	root := vol{dev: l.image.RootDeviceName, size: int64(l.image.RootVolumeSize), typ: l.image.RootVolumeType, del: true, snap: l.image.rootSnapshot(sc.Region)}
	vols := []vol{root}
	// AWS: an image's further EBS mappings become volumes too, unless the request maps the same device.
	for _, m := range l.image.Extra {
		if m.Ebs == nil || slices.ContainsFunc(in.BlockDeviceMappings, func(r BlockDeviceMapping) bool { return ptr.Val(r.DeviceName) == ptr.Val(m.DeviceName) }) {
			continue
		}
		e := m.Ebs
		vols = append(vols, vol{dev: ptr.Val(m.DeviceName), size: ptr.Val(e.VolumeSize), typ: ptr.Val(e.VolumeType), del: ptr.Val(e.DeleteOnTermination), snap: ptr.Val(e.SnapshotId), iops: e.Iops, through: e.Throughput, enc: ptr.Val(e.Encrypted)})
	}
	for _, m := range in.BlockDeviceMappings {
		if m.Ebs == nil || m.NoDevice != nil {
			continue
		}
		e := m.Ebs
		v := vol{dev: ptr.Val(m.DeviceName), size: ptr.Val(e.VolumeSize), typ: ptr.Val(e.VolumeType), del: true, snap: ptr.Val(e.SnapshotId), iops: e.Iops, through: e.Throughput, enc: ptr.Val(e.Encrypted), kms: e.KmsKeyId}
		if e.DeleteOnTermination != nil {
			v.del = *e.DeleteOnTermination
		}
		if v.dev == root.dev {
			if v.size == 0 {
				v.size = root.size
			}
			// AWS: a root volume smaller than the image's snapshot is refused.
			if v.size < root.size {
				return nil, awserr.New("InvalidBlockDeviceMapping", 400, "Volume of size %dGB is smaller than snapshot '%s', expect size >= %dGB", v.size, root.snap, root.size)
			}
			if v.typ == "" {
				v.typ = root.typ
			}
			v.snap = root.snap
			vols[0] = v
			continue
		}
		if v.size == 0 && v.snap == "" {
			return nil, awserr.New("InvalidBlockDeviceMapping", 400, "Volume size must be specified for device %s", v.dev)
		}
		if v.typ == "" {
			v.typ = "gp2"
		}
		vols = append(vols, v)
	}
	var out []InstanceBlockDeviceMapping
	for _, v := range vols {
		id := ids.Hex("vol", 17)
		iops, through := volumeDefaults(v.typ, v.size, v.iops, v.through)
		rec := volumeRec{Volume: Volume{
			VolumeId: ptr.To(id), Size: ptr.To(v.size), VolumeType: ptr.To(v.typ), State: ptr.To("in-use"), CreateTime: ptr.To(now),
			AvailabilityZone: l.subnet.AvailabilityZone, AvailabilityZoneId: l.subnet.AvailabilityZoneId, Encrypted: ptr.To(v.enc), KmsKeyId: v.kms,
			Iops: iops, Throughput: through, MultiAttachEnabled: ptr.To(false),
			Attachments: []VolumeAttachment{{
				VolumeId: ptr.To(id), InstanceId: ptr.To(instID), Device: ptr.To(v.dev), State: ptr.To("attached"),
				AttachTime: ptr.To(now), DeleteOnTermination: ptr.To(v.del),
			}},
		}}
		if v.snap != "" {
			rec.SnapshotId = ptr.To(v.snap)
		} else {
			rec.SnapshotId = ptr.To("")
		}
		s.volumes.Put(tx, sc, id, rec)
		s.setTags(tx, sc, id, l.volTags)
		out = append(out, InstanceBlockDeviceMapping{DeviceName: ptr.To(v.dev), Ebs: &EbsInstanceBlockDevice{
			VolumeId: ptr.To(id), Status: ptr.To("attached"), AttachTime: ptr.To(now), DeleteOnTermination: ptr.To(v.del),
		}})
	}
	return out, nil
}

// DescribeInstances lists instances grouped by reservation.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
func (s *Service) DescribeInstances(ctx context.Context, in *DescribeInstancesRequest) (*DescribeInstancesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	// AWS: MaxResults is 5–1000 and cannot be combined with instance ids.
	if in.MaxResults != nil && (len(in.InstanceIds) > 0 || *in.MaxResults < 5 || *in.MaxResults > 1000) {
		return nil, awserr.New("InvalidParameterValue", 400, "Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and 1000 without instance IDs.", *in.MaxResults)
	}
	out := &DescribeInstancesResult{Reservations: []Reservation{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.instance, query{in.InstanceIds, in.Filters, in.MaxResults, in.NextToken})
		if err != nil {
			return err
		}
		byRes := map[string]int{}
		for _, r := range recs {
			rid := r.reservation()
			i, ok := byRes[rid]
			if !ok {
				out.Reservations = append(out.Reservations, Reservation{ReservationId: ptr.To(rid), OwnerId: ptr.To(sc.Account), Groups: []GroupIdentifier{}})
				i = len(out.Reservations) - 1
				byRes[rid] = i
			}
			out.Reservations[i].Instances = append(out.Reservations[i].Instances, s.instanceOut(tx, sc, r))
		}
		out.NextToken = next
		return nil
	})
	return out, err
}

// transition applies a state change to instances, returning AWS's state-change records.
func (s *Service) transition(ctx context.Context, instanceIDs []string, fn func(tx *state.Tx, sc state.Scope, r *instanceRec) error) ([]InstanceStateChange, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var out []InstanceStateChange
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		for _, id := range instanceIDs {
			r, err := s.getInstance(tx, sc, id)
			if err != nil {
				return err
			}
			prev := r.State
			if err := fn(tx, sc, &r); err != nil {
				return err
			}
			s.instances.Put(tx, sc, id, r)
			out = append(out, InstanceStateChange{InstanceId: r.InstanceId, PreviousState: prev, CurrentState: r.State})
		}
		return nil
	})
	return out, err
}

func (s *Service) setState(r *instanceRec, name string) {
	r.State, r.Changed = instState(name), s.now()
	if name == "stopping" || name == "shutting-down" {
		r.StateTransitionReason = ptr.To(fmt.Sprintf("User initiated (%s)", r.Changed.Format("2006-01-02 15:04:05 MST")))
	}
}

// StopInstances stops running instances; their auto-assigned public addresses are released.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StopInstances.html
func (s *Service) StopInstances(ctx context.Context, in *StopInstancesRequest) (*StopInstancesResult, error) {
	ch, err := s.transition(ctx, in.InstanceIds, func(tx *state.Tx, sc state.Scope, r *instanceRec) error {
		switch r.stateName() {
		case "stopped", "stopping":
			return nil
		case "terminated", "shutting-down":
			return awserr.New("IncorrectInstanceState", 400, "This instance '%s' is not in a state from which it can be stopped.", r.id())
		}
		if r.NoStop {
			return awserr.New("OperationNotPermitted", 400, "The instance '%s' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.", r.id())
		}
		// AWS: a stopped instance gives up its public address (not an Elastic IP).
		if r.AutoPublicIP != "" {
			s.freePublicIP(tx, sc, r.AutoPublicIP)
			r.AutoPublicIP = ""
			r.setPublicIP("")
		}
		s.setState(r, "stopping")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &StopInstancesResult{StoppingInstances: ch}, nil
}

// StartInstances starts stopped instances.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StartInstances.html
func (s *Service) StartInstances(ctx context.Context, in *StartInstancesRequest) (*StartInstancesResult, error) {
	ch, err := s.transition(ctx, in.InstanceIds, func(tx *state.Tx, sc state.Scope, r *instanceRec) error {
		switch r.stateName() {
		case "running", "pending":
			return nil
		case "stopped":
		default:
			return awserr.New("IncorrectInstanceState", 400, "The instance '%s' is not in a state from which it can be started.", r.id())
		}
		if r.WantsPublic && ptr.Val(r.PublicIpAddress) == "" {
			pub, err := s.allocPublicIP(tx, sc, r.id())
			if err != nil {
				return err
			}
			r.AutoPublicIP = pub
			r.setPublicIP(pub)
		}
		s.setState(r, "pending")
		r.StateReason = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &StartInstancesResult{StartingInstances: ch}, nil
}

// RebootInstances reboots instances (no state change is visible).
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RebootInstances.html
func (s *Service) RebootInstances(ctx context.Context, in *RebootInstancesRequest) (*RebootInstancesOutput, error) {
	_, err := s.transition(ctx, in.InstanceIds, func(tx *state.Tx, sc state.Scope, r *instanceRec) error {
		if r.stateName() == "terminated" || r.stateName() == "shutting-down" {
			return awserr.New("IncorrectInstanceState", 400, "The instance '%s' is not in a state from which it can be rebooted.", r.id())
		}
		return nil
	})
	return &RebootInstancesOutput{}, err
}

// TerminateInstances terminates instances: their addresses are released and
// volumes marked delete-on-termination deleted.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TerminateInstances.html
func (s *Service) TerminateInstances(ctx context.Context, in *TerminateInstancesRequest) (*TerminateInstancesResult, error) {
	ch, err := s.transition(ctx, in.InstanceIds, func(tx *state.Tx, sc state.Scope, r *instanceRec) error {
		switch r.stateName() {
		case "terminated", "shutting-down":
			return nil
		}
		if r.NoTerminate {
			return awserr.New("OperationNotPermitted", 400, "The instance '%s' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.", r.id())
		}
		s.releaseInstance(tx, sc, r)
		s.setState(r, "shutting-down")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TerminateInstancesResult{TerminatingInstances: ch}, nil
}

// releaseInstance gives back what a terminated instance held.
func (s *Service) releaseInstance(tx *state.Tx, sc state.Scope, r *instanceRec) {
	s.freeIP(tx, sc, ptr.Val(r.SubnetId), ptr.Val(r.PrivateIpAddress))
	s.freePublicIP(tx, sc, r.AutoPublicIP)
	r.AutoPublicIP = ""
	s.eips.Ascend(tx, sc, "", func(_ string, e eipRec) bool {
		if ptr.Val(e.InstanceId) == r.id() {
			e.AssociationId, e.InstanceId, e.NetworkInterfaceId, e.NetworkInterfaceOwnerId, e.PrivateIpAddress = nil, nil, nil, nil, nil
			s.eips.Put(tx, sc, e.id(), e)
		}
		return true
	})
	r.setPublicIP("")
	s.releaseENIs(tx, sc, r)
	for _, m := range r.BlockDeviceMappings {
		v, ok := s.volumes.Get(tx, sc, *m.Ebs.VolumeId)
		if !ok {
			continue
		}
		if ptr.Val(m.Ebs.DeleteOnTermination) {
			s.volumes.Delete(tx, sc, v.id())
			s.dropTags(tx, sc, v.id())
			continue
		}
		v.Attachments, v.State = nil, ptr.To("available")
		s.volumes.Put(tx, sc, v.id(), v)
	}
	s.dropTags(tx, sc, r.ENI)
}

// DescribeInstanceAttribute reports one attribute of an instance.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html
func (s *Service) DescribeInstanceAttribute(ctx context.Context, in *DescribeInstanceAttributeRequest) (*InstanceAttribute, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var r instanceRec
	if err := s.db.View(func(tx *state.Tx) error { r, err = s.getInstance(tx, sc, *in.InstanceId); return err }); err != nil {
		return nil, err
	}
	out := &InstanceAttribute{InstanceId: r.InstanceId}
	b := func(v bool) *AttributeBooleanValue { return &AttributeBooleanValue{Value: ptr.To(v)} }
	v := func(s string) *AttributeValue { return &AttributeValue{Value: ptr.To(s)} }
	switch *in.Attribute {
	case "disableApiTermination":
		out.DisableApiTermination = b(r.NoTerminate)
	case "disableApiStop":
		out.DisableApiStop = b(r.NoStop)
	case "instanceInitiatedShutdownBehavior":
		out.InstanceInitiatedShutdownBehavior = v(r.Shutdown)
	case "userData":
		// AWS: an instance without user data answers an empty element.
		out.UserData = &AttributeValue{}
		if r.UserData != "" {
			out.UserData = v(r.UserData)
		}
	case "sourceDestCheck":
		out.SourceDestCheck = b(ptr.Val(r.SourceDestCheck))
	case "instanceType":
		out.InstanceType = v(*r.InstanceType)
	case "rootDeviceName":
		out.RootDeviceName = v(*r.RootDeviceName)
	case "blockDeviceMapping":
		out.BlockDeviceMappings = r.BlockDeviceMappings
	case "groupSet":
		out.Groups = r.SecurityGroups
	case "ebsOptimized":
		out.EbsOptimized = b(ptr.Val(r.EbsOptimized))
	case "enaSupport":
		out.EnaSupport = b(ptr.Val(r.EnaSupport))
	case "kernel", "ramdisk", "productCodes", "sriovNetSupport", "enclaveOptions", "disableApiStopProtection":
		// Nothing to report for these on haneul's images.
	default:
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter attribute is invalid. Unknown attribute.", *in.Attribute)
	}
	return out, nil
}

// ModifyInstanceAttribute changes one attribute of an instance.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html
func (s *Service) ModifyInstanceAttribute(ctx context.Context, in *ModifyInstanceAttributeRequest) (*ModifyInstanceAttributeOutput, error) {
	_, err := s.transition(ctx, []string{*in.InstanceId}, func(tx *state.Tx, sc state.Scope, r *instanceRec) error {
		str := func(av *AttributeValue) string {
			if av != nil {
				return ptr.Val(av.Value)
			}
			return ptr.Val(in.Value)
		}
		attr := ptr.Val(in.Attribute)
		switch {
		case in.DisableApiTermination != nil || attr == "disableApiTermination":
			r.NoTerminate = boolAttr(in.DisableApiTermination, in.Value)
		case in.DisableApiStop != nil || attr == "disableApiStop":
			r.NoStop = boolAttr(in.DisableApiStop, in.Value)
		case in.SourceDestCheck != nil || attr == "sourceDestCheck":
			r.SourceDestCheck = ptr.To(boolAttr(in.SourceDestCheck, in.Value))
			if len(r.NetworkInterfaces) > 0 {
				nis := slices.Clone(r.NetworkInterfaces)
				nis[0].SourceDestCheck = r.SourceDestCheck
				r.NetworkInterfaces = nis
			}
		case in.EbsOptimized != nil || attr == "ebsOptimized":
			r.EbsOptimized = ptr.To(boolAttr(in.EbsOptimized, in.Value))
		case in.InstanceInitiatedShutdownBehavior != nil || attr == "instanceInitiatedShutdownBehavior":
			r.Shutdown = str(in.InstanceInitiatedShutdownBehavior)
		case in.InstanceType != nil || attr == "instanceType":
			t := str(in.InstanceType)
			if _, ok := lookupType(t); !ok {
				return awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for InstanceType.", t)
			}
			// AWS: the type changes only while stopped.
			if r.stateName() != "stopped" {
				return awserr.New("IncorrectInstanceState", 400, "The instance '%s' is not in the 'stopped' state.", r.id())
			}
			r.InstanceType = ptr.To(t)
		case in.UserData != nil || attr == "userData":
			if r.stateName() != "stopped" {
				return awserr.New("IncorrectInstanceState", 400, "The instance '%s' is not in the 'stopped' state.", r.id())
			}
			if in.UserData != nil {
				r.UserData = base64.StdEncoding.EncodeToString(in.UserData.Value)
			} else {
				r.UserData = ptr.Val(in.Value)
			}
		case len(in.Groups) > 0 || attr == "groupSet":
			var gs []GroupIdentifier
			for _, id := range in.Groups {
				g, err := s.groupByRef(tx, sc, ptr.To(id), nil, nil)
				if err != nil {
					return err
				}
				gs = append(gs, GroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
			}
			r.SecurityGroups = gs
			if len(r.NetworkInterfaces) > 0 {
				nis := slices.Clone(r.NetworkInterfaces)
				nis[0].Groups = gs
				r.NetworkInterfaces = nis
			}
		case len(in.BlockDeviceMappings) > 0:
			bdms := slices.Clone(r.BlockDeviceMappings)
			for _, m := range in.BlockDeviceMappings {
				for i := range bdms {
					if ptr.Val(bdms[i].DeviceName) == ptr.Val(m.DeviceName) && m.Ebs != nil && m.Ebs.DeleteOnTermination != nil {
						e := *bdms[i].Ebs
						e.DeleteOnTermination = m.Ebs.DeleteOnTermination
						bdms[i].Ebs = &e
					}
				}
			}
			r.BlockDeviceMappings = bdms
		default:
			return awserr.New("InvalidParameterCombination", 400, "No attributes specified.")
		}
		return nil
	})
	return &ModifyInstanceAttributeOutput{}, err
}

func boolAttr(a *AttributeBooleanValue, v *string) bool {
	if a != nil {
		return ptr.Val(a.Value)
	}
	return ptr.Val(v) == "true"
}

// DescribeInstanceStatus reports the status checks of running instances (all instances when asked).
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceStatus.html
func (s *Service) DescribeInstanceStatus(ctx context.Context, in *DescribeInstanceStatusRequest) (*DescribeInstanceStatusResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeInstanceStatusResult{InstanceStatuses: []InstanceStatus{}}
	k := *s.kinds.instance
	fm := maps2(k.filters)
	fm["instance-status.status"] = func(r instanceRec) []string { return []string{statusOf(r)} }
	fm["system-status.status"] = func(r instanceRec) []string { return []string{statusOf(r)} }
	k.filters = fm
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, &k, query{in.InstanceIds, in.Filters, in.MaxResults, in.NextToken})
		for _, r := range recs {
			// AWS: by default only running instances are listed.
			if r.stateName() != "running" && !ptr.Val(in.IncludeAllInstances) {
				continue
			}
			st := statusOf(r)
			sum := func(name string) *InstanceStatusSummary {
				sm := &InstanceStatusSummary{Status: ptr.To(st)}
				if st != "not-applicable" {
					sm.Details = []InstanceStatusDetails{{Name: ptr.To(name), Status: ptr.To("passed")}}
				}
				return sm
			}
			out.InstanceStatuses = append(out.InstanceStatuses, InstanceStatus{
				InstanceId: r.InstanceId, InstanceState: r.State, AvailabilityZone: r.Placement.AvailabilityZone,
				AvailabilityZoneId: r.Placement.AvailabilityZoneId, InstanceStatus: sum("reachability"), SystemStatus: sum("reachability"),
				Events: []InstanceStatusEvent{},
			})
		}
		out.NextToken = next
		return err
	})
	return out, err
}

func statusOf(r instanceRec) string {
	if r.stateName() == "running" {
		return "ok"
	}
	return "not-applicable"
}

func maps2[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// DescribeInstanceCreditSpecifications reports burstable instances' CPU credit option.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceCreditSpecifications.html
func (s *Service) DescribeInstanceCreditSpecifications(ctx context.Context, in *DescribeInstanceCreditSpecificationsRequest) (*DescribeInstanceCreditSpecificationsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeInstanceCreditSpecificationsResult{InstanceCreditSpecifications: []InstanceCreditSpecification{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.instance, query{in.InstanceIds, in.Filters, in.MaxResults, in.NextToken})
		for _, r := range recs {
			if r.Credits == "" || r.stateName() == "terminated" {
				continue
			}
			out.InstanceCreditSpecifications = append(out.InstanceCreditSpecifications, InstanceCreditSpecification{InstanceId: r.InstanceId, CpuCredits: ptr.To(r.Credits)})
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// ModifyInstanceCreditSpecification changes burstable instances' CPU credit option.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceCreditSpecification.html
func (s *Service) ModifyInstanceCreditSpecification(ctx context.Context, in *ModifyInstanceCreditSpecificationRequest) (*ModifyInstanceCreditSpecificationResult, error) {
	out := &ModifyInstanceCreditSpecificationResult{}
	for _, c := range in.InstanceCreditSpecifications {
		_, err := s.transition(ctx, []string{ptr.Val(c.InstanceId)}, func(tx *state.Tx, sc state.Scope, r *instanceRec) error {
			if r.Credits == "" {
				return awserr.New("InvalidParameterValue", 400, "The instance %s is not a burstable performance instance.", r.id())
			}
			r.Credits = ptr.Val(c.CpuCredits)
			return nil
		})
		if err != nil {
			return nil, err
		}
		out.SuccessfulInstanceCreditSpecifications = append(out.SuccessfulInstanceCreditSpecifications, SuccessfulInstanceCreditSpecificationItem{InstanceId: c.InstanceId})
	}
	return out, nil
}

// ModifyInstanceMetadataOptions changes an instance's metadata service options.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataOptions.html
func (s *Service) ModifyInstanceMetadataOptions(ctx context.Context, in *ModifyInstanceMetadataOptionsRequest) (*ModifyInstanceMetadataOptionsResult, error) {
	out := &ModifyInstanceMetadataOptionsResult{InstanceId: in.InstanceId}
	_, err := s.transition(ctx, []string{*in.InstanceId}, func(tx *state.Tx, sc state.Scope, r *instanceRec) error {
		m := *r.MetadataOptions
		if in.HttpEndpoint != nil {
			m.HttpEndpoint = in.HttpEndpoint
		}
		if in.HttpTokens != nil {
			m.HttpTokens = in.HttpTokens
		}
		if in.HttpPutResponseHopLimit != nil {
			m.HttpPutResponseHopLimit = in.HttpPutResponseHopLimit
		}
		if in.HttpProtocolIpv6 != nil {
			m.HttpProtocolIpv6 = in.HttpProtocolIpv6
		}
		if in.InstanceMetadataTags != nil {
			m.InstanceMetadataTags = in.InstanceMetadataTags
		}
		r.MetadataOptions = &m
		out.InstanceMetadataOptions = &m
		return nil
	})
	return out, err
}

// GetConsoleOutput returns an instance's boot log (a short synthetic one).
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html
func (s *Service) GetConsoleOutput(ctx context.Context, in *GetConsoleOutputRequest) (*GetConsoleOutputResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var r instanceRec
	if err := s.db.View(func(tx *state.Tx) error { r, err = s.getInstance(tx, sc, *in.InstanceId); return err }); err != nil {
		return nil, err
	}
	log := fmt.Sprintf("[    0.000000] Linux version 6.1 (haneul)\r\nCloud-init v. 23.4 running 'init' at %s.\r\nci-info: %s %s\r\n",
		r.LaunchTime.Format(time.RFC1123), *r.InstanceId, ptr.Val(r.PrivateIpAddress))
	return &GetConsoleOutputResult{InstanceId: r.InstanceId, Timestamp: ptr.To(s.now()), Output: ptr.To(base64.StdEncoding.EncodeToString([]byte(log)))}, nil
}
