package elbv2

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// lbRec is a load balancer and what ELBv2 keeps about it beyond DescribeLoadBalancers.
type lbRec struct {
	LoadBalancer
	Attrs map[string]string
	// CapacityUnits is the minimum capacity ModifyCapacityReservation
	// reserved; 0 when none is.
	CapacityUnits int64 `json:",omitempty"`
	// CapacityModified is when the reservation last changed.
	CapacityModified *time.Time `json:",omitempty"`
}

// hostedZones are the Route 53 hosted zone ids of ELB's DNS names per region:
// ALB (and Classic) first, NLB second. AWS: "Elastic Load Balancing endpoints
// and quotas" in the AWS General Reference.
var hostedZones = map[string][2]string{
	"us-east-1":      {"Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"},
	"us-east-2":      {"Z3AADJGX6KTTL2", "ZLMOA37VPKANP"},
	"us-west-1":      {"Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"},
	"us-west-2":      {"Z1H1FL5HABSF5", "Z18D5FSROUN65G"},
	"ap-northeast-1": {"Z14GRHDCWA56QT", "Z31USIVHYNEOWT"},
	"ap-northeast-2": {"ZWKZPGTI48KDX", "ZIBE1TIR4HY56"},
	"ap-southeast-1": {"Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"},
	"ap-southeast-2": {"Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"},
	"ap-south-1":     {"ZP97RAFLXTNZK", "ZVDDRBQ08TROA"},
	"eu-west-1":      {"Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"},
	"eu-west-2":      {"ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G"},
	"eu-central-1":   {"Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"},
}

func hostedZone(region, typ string) string {
	z, ok := hostedZones[region]
	if !ok {
		z = hostedZones["us-east-1"]
	}
	if typ == "network" {
		return z[1]
	}
	return z[0]
}

// lbDefaults are the attributes of a new load balancer by type, as
// DescribeLoadBalancerAttributes reports them. AWS: "Load balancer attributes"
// in the ALB and NLB user guides.
func lbDefaults(typ string) map[string]string {
	common := map[string]string{
		"access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
		"deletion_protection.enabled": "false", "zonal_shift.config.enabled": "false",
	}
	switch typ {
	case "network":
		common["load_balancing.cross_zone.enabled"] = "false"
		common["dns_record.client_routing_policy"] = "any_availability_zone"
	case "gateway":
		common["load_balancing.cross_zone.enabled"] = "false"
	default:
		for k, v := range map[string]string{
			"idle_timeout.timeout_seconds": "60", "routing.http2.enabled": "true",
			"routing.http.desync_mitigation_mode": "defensive", "routing.http.drop_invalid_header_fields.enabled": "false",
			"routing.http.preserve_host_header.enabled": "false", "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
			"routing.http.xff_client_port.enabled": "false", "routing.http.xff_header_processing.mode": "append",
			"waf.fail_open.enabled": "false", "load_balancing.cross_zone.enabled": "true", "client_keep_alive.seconds": "3600",
			"connection_logs.s3.enabled": "false", "connection_logs.s3.bucket": "", "connection_logs.s3.prefix": "",
			"health_check_logs.s3.enabled": "false", "health_check_logs.s3.bucket": "", "health_check_logs.s3.prefix": "",
		} {
			common[k] = v
		}
	}
	return common
}

// settle moves a provisioning load balancer to active once provisionDelay has passed.
func (s *Service) settle(r lbRec) lbRec {
	if *r.State.Code == "provisioning" && !s.clock.Now().Before(r.CreatedTime.Add(provisionDelay)) {
		r.State = &LoadBalancerState{Code: ptr.To("active")}
	}
	return r
}

func (s *Service) getLB(tx *state.Tx, sc state.Scope, a string) (lbRec, error) {
	r, ok := s.lbs.Get(tx, sc, a)
	if !ok {
		return r, errLBNotFound()
	}
	return s.settle(r), nil
}

// placement resolves the subnets of a load balancer: one per zone, all in one VPC.
func (s *Service) placement(ctx context.Context, typ string, subnets []string, mappings []SubnetMapping) (vpc string, zones []AvailabilityZone, err error) {
	for _, m := range mappings {
		subnets = append(subnets, ptr.Val(m.SubnetId))
	}
	if len(subnets) == 0 {
		return "", nil, validation("At least one subnet must be specified")
	}
	seen := map[string]bool{}
	for _, id := range subnets {
		p, err := s.ec2.SubnetPlacement(ctx, id)
		if err != nil {
			return "", nil, awserr.New("SubnetNotFound", 0, "The subnet ID '%s' is not valid", id)
		}
		if vpc != "" && p.VpcID != vpc {
			return "", nil, awserr.New("InvalidConfigurationRequest", 0, "The specified subnets must all be in the same VPC")
		}
		vpc = p.VpcID
		if seen[p.Zone] {
			// AWS: "You can specify only one subnet per Availability Zone."
			return "", nil, awserr.New("InvalidConfigurationRequest", 0, "A load balancer cannot be attached to multiple subnets in the same Availability Zone")
		}
		seen[p.Zone] = true
		zones = append(zones, AvailabilityZone{SubnetId: ptr.To(id), ZoneName: ptr.To(p.Zone), LoadBalancerAddresses: []LoadBalancerAddress{}})
	}
	// AWS: an Application Load Balancer needs subnets in at least two Availability Zones.
	if typ == "application" && len(zones) < 2 {
		return "", nil, validation("At least two subnets in two different Availability Zones must be specified")
	}
	slices.SortFunc(zones, func(a, b AvailabilityZone) int { return strings.Compare(*a.ZoneName, *b.ZoneName) })
	return vpc, zones, nil
}

func (s *Service) checkSGs(ctx context.Context, vpc string, sgs []string) error {
	for _, g := range sgs {
		v, err := s.ec2.SecurityGroupVPC(ctx, g)
		if err != nil || v != vpc {
			return awserr.New("InvalidSecurityGroup", 0, "Security group '%s' does not exist in VPC '%s'", g, vpc)
		}
	}
	return nil
}

// dnsID is the numeric part of an ALB's DNS name (AWS uses 9–10 digits).
func dnsID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(9_000_000_000))
	return fmt.Sprint(n.Int64() + 1_000_000_000)
}

// CreateLoadBalancer creates an Application or Network Load Balancer.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
func (s *Service) CreateLoadBalancer(ctx context.Context, in *CreateLoadBalancerInput) (*CreateLoadBalancerOutput, error) {
	sc := s.scope(ctx)
	name := *in.Name
	// AWS: up to 32 alphanumerics or hyphens, not beginning or ending with a
	// hyphen, and not beginning with "internal-".
	if len(name) > 32 || strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") || strings.HasPrefix(name, "internal-") || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return nil, validation("The load balancer name '%s' is not valid", name)
	}
	typ := ptr.Val(in.Type)
	if typ == "" {
		typ = "application"
	}
	scheme := ptr.Val(in.Scheme)
	if scheme == "" {
		scheme = "internet-facing"
	}
	ipType := ptr.Val(in.IpAddressType)
	if ipType == "" {
		ipType = "ipv4"
	}
	vpc, zones, err := s.placement(ctx, typ, in.Subnets, in.SubnetMappings)
	if err != nil {
		return nil, err
	}
	sgs := in.SecurityGroups
	if err := s.checkSGs(ctx, vpc, sgs); err != nil {
		return nil, err
	}
	if typ == "application" && sgs == nil {
		sgs = []string{} // AWS uses the VPC's default group; haneul leaves it empty
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	kind := map[string]string{"application": "app", "network": "net", "gateway": "gwy"}[typ]
	id := strings.TrimPrefix(ids.Hex("", 16), "-")
	a := arn.New("elasticloadbalancing", sc.Region, sc.Account, "loadbalancer/"+kind+"/"+name+"/"+id)
	host := name + "-" + dnsID()
	if typ == "network" {
		host = name + "-" + id
	}
	if scheme == "internal" {
		host = "internal-" + host
	}
	dns := strings.ToLower(host) + "." + sc.Region + ".elb.localhost"
	var out LoadBalancer
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		dup := false
		s.lbs.Ascend(tx, sc, "", func(_ string, r lbRec) bool {
			dup = *r.LoadBalancerName == name
			return !dup
		})
		if dup {
			// AWS answers an identical create with the existing load balancer;
			// a different one with DuplicateLoadBalancerName.
			return awserr.New("DuplicateLoadBalancerName", 0, "A load balancer with the same name '%s' exists, but with different settings", name)
		}
		now := s.now()
		r := lbRec{LoadBalancer: LoadBalancer{
			LoadBalancerArn: ptr.To(a), LoadBalancerName: ptr.To(name), DNSName: ptr.To(dns),
			CanonicalHostedZoneId: ptr.To(hostedZone(sc.Region, typ)), CreatedTime: ptr.To(now),
			Scheme: ptr.To(scheme), Type: ptr.To(typ), VpcId: ptr.To(vpc), IpAddressType: ptr.To(ipType),
			State: &LoadBalancerState{Code: ptr.To("provisioning")}, AvailabilityZones: zones, SecurityGroups: sgs,
		}, Attrs: lbDefaults(typ)}
		s.lbs.Put(tx, sc, a, r)
		s.setTags(tx, sc, a, tags)
		out = r.LoadBalancer
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(dns)
	return &CreateLoadBalancerOutput{LoadBalancers: []LoadBalancer{out}}, nil
}

// DescribeLoadBalancers describes load balancers by ARN, by name, or all of them.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancers.html
func (s *Service) DescribeLoadBalancers(ctx context.Context, in *DescribeLoadBalancersInput) (*DescribeLoadBalancersOutput, error) {
	sc := s.scope(ctx)
	if len(in.LoadBalancerArns) > 0 && len(in.Names) > 0 {
		return nil, validation("Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	var all []LoadBalancer
	err := s.db.View(func(tx *state.Tx) error {
		if len(in.LoadBalancerArns) > 0 {
			for _, a := range in.LoadBalancerArns {
				r, err := s.getLB(tx, sc, a)
				if err != nil {
					return err
				}
				all = append(all, r.LoadBalancer)
			}
			return nil
		}
		want := map[string]bool{}
		for _, n := range in.Names {
			want[n] = true
		}
		s.lbs.Ascend(tx, sc, "", func(_ string, r lbRec) bool {
			if len(want) == 0 || want[*r.LoadBalancerName] {
				all = append(all, s.settle(r).LoadBalancer)
			}
			return true
		})
		if len(want) > 0 && len(all) != len(want) {
			return errLBNotFound()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.PageSize)
	if err != nil {
		return nil, err
	}
	return &DescribeLoadBalancersOutput{LoadBalancers: nonNil(items), NextMarker: next}, nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// DeleteLoadBalancer deletes a load balancer and its listeners; deleting one
// that does not exist succeeds.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html
func (s *Service) DeleteLoadBalancer(ctx context.Context, in *DeleteLoadBalancerInput) (*DeleteLoadBalancerOutput, error) {
	sc := s.scope(ctx)
	var dns string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.lbs.Get(tx, sc, *in.LoadBalancerArn)
		if !ok {
			return nil
		}
		if r.Attrs["deletion_protection.enabled"] == "true" {
			return awserr.New("OperationNotPermitted", 0, "Load balancer '%s' cannot be deleted because deletion protection is enabled", *in.LoadBalancerArn)
		}
		for _, l := range s.lbListeners(tx, sc, *in.LoadBalancerArn) {
			s.deleteListener(tx, sc, *l.ListenerArn)
		}
		s.lbs.Delete(tx, sc, *in.LoadBalancerArn)
		s.tags.Delete(tx, sc, *in.LoadBalancerArn)
		dns = *r.DNSName
		return nil
	})
	if err != nil {
		return nil, err
	}
	if dns != "" {
		s.unpublish(dns)
	}
	return &DeleteLoadBalancerOutput{}, nil
}

// DescribeLoadBalancerAttributes returns a load balancer's attributes.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancerAttributes.html
func (s *Service) DescribeLoadBalancerAttributes(ctx context.Context, in *DescribeLoadBalancerAttributesInput) (*DescribeLoadBalancerAttributesOutput, error) {
	sc := s.scope(ctx)
	var out []LoadBalancerAttribute
	err := s.db.View(func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, *in.LoadBalancerArn)
		out = lbAttrList(r.Attrs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DescribeLoadBalancerAttributesOutput{Attributes: out}, nil
}

func lbAttrList(m map[string]string) []LoadBalancerAttribute {
	out := []LoadBalancerAttribute{}
	for _, k := range sortedKeys(m) {
		out = append(out, LoadBalancerAttribute{Key: ptr.To(k), Value: ptr.To(m[k])})
	}
	return out
}

// ModifyLoadBalancerAttributes changes a load balancer's attributes; a key
// the load balancer's type does not have is a ValidationError.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyLoadBalancerAttributes.html
func (s *Service) ModifyLoadBalancerAttributes(ctx context.Context, in *ModifyLoadBalancerAttributesInput) (*ModifyLoadBalancerAttributesOutput, error) {
	sc := s.scope(ctx)
	var out []LoadBalancerAttribute
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, *in.LoadBalancerArn)
		if err != nil {
			return err
		}
		attrs := map[string]string{}
		for k, v := range r.Attrs {
			attrs[k] = v
		}
		for _, a := range in.Attributes {
			k, v := ptr.Val(a.Key), ptr.Val(a.Value)
			if _, ok := attrs[k]; !ok {
				return validation("Load balancer attribute key '%s' is not recognized", k)
			}
			if err := checkAttr(k, v); err != nil {
				return err
			}
			attrs[k] = v
		}
		r.Attrs = attrs
		s.lbs.Put(tx, sc, *r.LoadBalancerArn, r)
		out = lbAttrList(attrs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyLoadBalancerAttributesOutput{Attributes: out}, nil
}

// checkAttr validates the values AWS checks: booleans and integer ranges.
func checkAttr(k, v string) error {
	switch {
	case strings.HasSuffix(k, ".enabled") && k != "load_balancing.cross_zone.enabled":
		if v != "true" && v != "false" {
			return validation("Attribute '%s' value must be 'true' or 'false'", k)
		}
	case k == "idle_timeout.timeout_seconds":
		// AWS: 1–4000 seconds.
		if n, ok := atoi(v); !ok || n < 1 || n > 4000 {
			return validation("Idle timeout must be between 1 and 4000 seconds")
		}
	case k == "deregistration_delay.timeout_seconds":
		// AWS: 0–3600 seconds.
		if n, ok := atoi(v); !ok || n > 3600 {
			return validation("Deregistration delay timeout must be between 0 and 3600 seconds")
		}
	case k == "stickiness.lb_cookie.duration_seconds":
		// AWS: 1 second to 7 days.
		if n, ok := atoi(v); !ok || n < 1 || n > int((7*24*time.Hour).Seconds()) {
			return validation("Stickiness duration must be between 1 and 604800 seconds")
		}
	}
	return nil
}

// SetSecurityGroups replaces an Application or Network Load Balancer's security groups.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html
func (s *Service) SetSecurityGroups(ctx context.Context, in *SetSecurityGroupsInput) (*SetSecurityGroupsOutput, error) {
	sc := s.scope(ctx)
	var r lbRec
	err := s.db.View(func(tx *state.Tx) (err error) { r, err = s.getLB(tx, sc, *in.LoadBalancerArn); return err })
	if err != nil {
		return nil, err
	}
	if err := s.checkSGs(ctx, *r.VpcId, in.SecurityGroups); err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, *in.LoadBalancerArn)
		if err != nil {
			return err
		}
		r.SecurityGroups = slices.Clone(in.SecurityGroups)
		s.lbs.Put(tx, sc, *r.LoadBalancerArn, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetSecurityGroupsOutput{SecurityGroupIds: in.SecurityGroups}, nil
}

// SetSubnets replaces a load balancer's subnets.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html
func (s *Service) SetSubnets(ctx context.Context, in *SetSubnetsInput) (*SetSubnetsOutput, error) {
	sc := s.scope(ctx)
	var r lbRec
	err := s.db.View(func(tx *state.Tx) (err error) { r, err = s.getLB(tx, sc, *in.LoadBalancerArn); return err })
	if err != nil {
		return nil, err
	}
	vpc, zones, err := s.placement(ctx, *r.Type, in.Subnets, in.SubnetMappings)
	if err != nil {
		return nil, err
	}
	if vpc != *r.VpcId {
		return nil, awserr.New("InvalidSubnet", 0, "The subnets must be in the load balancer's VPC '%s'", *r.VpcId)
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, *in.LoadBalancerArn)
		if err != nil {
			return err
		}
		r.AvailabilityZones = zones
		s.lbs.Put(tx, sc, *r.LoadBalancerArn, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetSubnetsOutput{AvailabilityZones: zones, IpAddressType: r.IpAddressType}, nil
}

// SetIpAddressType sets a load balancer's address type (ipv4 or dualstack).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html
func (s *Service) SetIpAddressType(ctx context.Context, in *SetIpAddressTypeInput) (*SetIpAddressTypeOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, *in.LoadBalancerArn)
		if err != nil {
			return err
		}
		r.IpAddressType = in.IpAddressType
		s.lbs.Put(tx, sc, *r.LoadBalancerArn, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetIpAddressTypeOutput{IpAddressType: in.IpAddressType}, nil
}
