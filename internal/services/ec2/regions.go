package ec2

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
)

// regionInfo is one region haneul offers: its zones' letters and zone-id prefix.
type regionInfo struct {
	name    string
	letters string // zone suffixes, in order
	zoneID  string // zone id prefix: apne2 → apne2-az1
}

// regions is the region catalog.
//
// AWS: zone ids are fixed per region (apne2-az1 …); the mapping of names to
// ids varies per account in AWS, here it is the same for all accounts.
var regions = []regionInfo{
	{"ap-northeast-1", "acd", "apne1"},
	{"ap-northeast-2", "abcd", "apne2"},
	{"ap-northeast-3", "abc", "apne3"},
	{"ap-south-1", "abc", "aps1"},
	{"ap-southeast-1", "abc", "apse1"},
	{"ap-southeast-2", "abc", "apse2"},
	{"ca-central-1", "abd", "cac1"},
	{"eu-central-1", "abc", "euc1"},
	{"eu-north-1", "abc", "eun1"},
	{"eu-west-1", "abc", "euw1"},
	{"eu-west-2", "abc", "euw2"},
	{"eu-west-3", "abc", "euw3"},
	{"sa-east-1", "abc", "sae1"},
	{"us-east-1", "abcdef", "use1"},
	{"us-east-2", "abc", "use2"},
	{"us-west-1", "ac", "usw1"},
	{"us-west-2", "abcd", "usw2"},
}

// region returns the catalog entry of name; unknown regions get three zones a–c.
func region(name string) regionInfo {
	for _, r := range regions {
		if r.name == name {
			return r
		}
	}
	return regionInfo{name: name, letters: "abc", zoneID: strings.ReplaceAll(name, "-", "")}
}

// zone is one availability zone.
type zone struct{ Name, ID string }

// zones returns the region's availability zones in name order.
func zones(regionName string) []zone {
	r := region(regionName)
	out := make([]zone, len(r.letters))
	for i, l := range r.letters {
		out[i] = zone{Name: regionName + string(l), ID: fmt.Sprintf("%s-az%d", r.zoneID, i+1)}
	}
	return out
}

// zoneByName returns the zone of the region called name (or whose id is name).
func zoneByName(regionName, name string) (zone, bool) {
	for _, z := range zones(regionName) {
		if z.Name == name || z.ID == name {
			return z, true
		}
	}
	return zone{}, false
}

// DescribeRegions lists the regions.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
func (s *Service) DescribeRegions(ctx context.Context, in *DescribeRegionsRequest) (*DescribeRegionsResult, error) {
	var all []Region
	for _, r := range regions {
		all = append(all, Region{
			RegionName:  ptr.To(r.name),
			Endpoint:    ptr.To("ec2." + r.name + ".amazonaws.com"),
			OptInStatus: ptr.To("opt-in-not-required"),
		})
	}
	if len(in.RegionNames) > 0 {
		var sel []Region
		for _, n := range in.RegionNames {
			i := slices.IndexFunc(all, func(r Region) bool { return *r.RegionName == n })
			if i < 0 {
				return nil, awserr.New("InvalidParameterValue", 400, "Invalid region: %s", n)
			}
			sel = append(sel, all[i])
		}
		all = sel
	}
	out, err := filterSlice(all, in.Filters, map[string]func(Region) []string{
		"region-name":   func(r Region) []string { return []string{*r.RegionName} },
		"endpoint":      func(r Region) []string { return []string{*r.Endpoint} },
		"opt-in-status": func(r Region) []string { return []string{*r.OptInStatus} },
	})
	if err != nil {
		return nil, err
	}
	return &DescribeRegionsResult{Regions: out}, nil
}

// DescribeAvailabilityZones lists the zones of the request's region.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html
func (s *Service) DescribeAvailabilityZones(ctx context.Context, in *DescribeAvailabilityZonesRequest) (*DescribeAvailabilityZonesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var all []AvailabilityZone
	for _, z := range zones(sc.Region) {
		all = append(all, AvailabilityZone{
			ZoneName: ptr.To(z.Name), ZoneId: ptr.To(z.ID), ZoneType: ptr.To("availability-zone"),
			State: ptr.To("available"), OptInStatus: ptr.To("opt-in-not-required"),
			RegionName: ptr.To(sc.Region), GroupName: ptr.To(sc.Region), NetworkBorderGroup: ptr.To(sc.Region),
			GroupLongName: ptr.To(sc.Region),
			Messages:      []AvailabilityZoneMessage{},
		})
	}
	pick := func(vals []string, get func(AvailabilityZone) string, what string) error {
		if len(vals) == 0 {
			return nil
		}
		var sel []AvailabilityZone
		for _, v := range vals {
			i := slices.IndexFunc(all, func(z AvailabilityZone) bool { return get(z) == v })
			if i < 0 {
				// AWS: an unknown zone name is InvalidParameterValue.
				return awserr.New("InvalidParameterValue", 400, "The %s '%s' is unknown for this region", what, v)
			}
			sel = append(sel, all[i])
		}
		all = sel
		return nil
	}
	if err := pick(in.ZoneNames, func(z AvailabilityZone) string { return *z.ZoneName }, "zone name"); err != nil {
		return nil, err
	}
	if err := pick(in.ZoneIds, func(z AvailabilityZone) string { return *z.ZoneId }, "zone id"); err != nil {
		return nil, err
	}
	one := func(f func(AvailabilityZone) *string) func(AvailabilityZone) []string {
		return func(z AvailabilityZone) []string { return []string{*f(z)} }
	}
	out, err := filterSlice(all, in.Filters, map[string]func(AvailabilityZone) []string{
		"zone-name":            one(func(z AvailabilityZone) *string { return z.ZoneName }),
		"zone-id":              one(func(z AvailabilityZone) *string { return z.ZoneId }),
		"zone-type":            one(func(z AvailabilityZone) *string { return z.ZoneType }),
		"state":                one(func(z AvailabilityZone) *string { return z.State }),
		"opt-in-status":        one(func(z AvailabilityZone) *string { return z.OptInStatus }),
		"region-name":          one(func(z AvailabilityZone) *string { return z.RegionName }),
		"group-name":           one(func(z AvailabilityZone) *string { return z.GroupName }),
		"network-border-group": one(func(z AvailabilityZone) *string { return z.NetworkBorderGroup }),
	})
	if err != nil {
		return nil, err
	}
	return &DescribeAvailabilityZonesResult{AvailabilityZones: out}, nil
}

// DescribeAccountAttributes reports the account's EC2 attributes: VPC-only
// platforms, its default VPC and its limits.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAccountAttributes.html
func (s *Service) DescribeAccountAttributes(ctx context.Context, in *DescribeAccountAttributesRequest) (*DescribeAccountAttributesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	defVPC := "none"
	if id, ok := s.defaultVPCID(sc); ok {
		defVPC = id
	}
	attrs := []struct{ name, value string }{
		{"supported-platforms", "VPC"},
		{"default-vpc", defVPC},
		{"max-instances", "20"},
		{"vpc-max-security-groups-per-interface", "5"},
		{"max-elastic-ips", "5"},
		{"vpc-max-elastic-ips", "5"},
	}
	out := &DescribeAccountAttributesResult{}
	for _, a := range attrs {
		if len(in.AttributeNames) > 0 && !slices.Contains(in.AttributeNames, a.name) {
			continue
		}
		out.AccountAttributes = append(out.AccountAttributes, AccountAttribute{
			AttributeName:   ptr.To(a.name),
			AttributeValues: []AccountAttributeValue{{AttributeValue: ptr.To(a.value)}},
		})
	}
	return out, nil
}
