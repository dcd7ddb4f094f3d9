package elb

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/services/ec2"
	"haneul/internal/state"
)

// lbRec is a load balancer: its description plus what Classic ELB keeps
// beside it. Instances are not kept here but in the instances table.
type lbRec struct {
	LoadBalancerDescription
	Attrs    LoadBalancerAttributes
	Tags     map[string]string
	Policies []PolicyDescription // in creation order
}

// hostedZones are the Route 53 hosted zone ids of Classic ELB DNS names per
// region (Classic and Application Load Balancers share them). AWS: "Elastic
// Load Balancing endpoints and quotas" in the AWS General Reference.
var hostedZones = map[string]string{
	"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5",
	"ap-northeast-1": "Z14GRHDCWA56QT", "ap-northeast-2": "ZWKZPGTI48KDX", "ap-northeast-3": "Z5LXEXXYW11ES",
	"ap-southeast-1": "Z1LMS91P8CMLE5", "ap-southeast-2": "Z1GM3OXH4ZPM65", "ap-south-1": "ZP97RAFLXTNZK",
	"ca-central-1": "ZQSVJUPU6J1EY", "eu-central-1": "Z215JYRZR1TBD5", "eu-west-1": "Z32O12XQLNTSW2",
	"eu-west-2": "ZHURV8PSTC4K8", "eu-west-3": "Z3Q77PNBQS71R4", "eu-north-1": "Z23TAZ7KFP2ZX", "sa-east-1": "Z2P70J7HTTTPLU",
}

func hostedZone(region string) string {
	if z, ok := hostedZones[region]; ok {
		return z
	}
	return hostedZones["us-east-1"]
}

// defaultAttrs are a new load balancer's attributes. AWS: through the API
// cross-zone load balancing starts disabled (the console enables it),
// connection draining disabled with a 300 s timeout, idle timeout 60 s,
// access logs off, and desync mitigation "defensive".
func defaultAttrs() LoadBalancerAttributes {
	return LoadBalancerAttributes{
		AccessLog:              &AccessLog{Enabled: ptr.To(false)},
		ConnectionDraining:     &ConnectionDraining{Enabled: ptr.To(false), Timeout: ptr.To[int64](300)},
		ConnectionSettings:     &ConnectionSettings{IdleTimeout: ptr.To[int64](60)},
		CrossZoneLoadBalancing: &CrossZoneLoadBalancing{Enabled: ptr.To(false)},
		AdditionalAttributes:   []AdditionalAttribute{{Key: ptr.To(desyncKey), Value: ptr.To("defensive")}},
	}
}

const desyncKey = "elb.http.desyncmitigationmode"

func (s *Service) getLB(tx *state.Tx, sc state.Scope, name string) (lbRec, error) {
	r, ok := s.lbs.Get(tx, sc, name)
	if !ok {
		return r, errLBNotFound(name)
	}
	return r, nil
}

// update applies fn to the named load balancer's copy and stores it, in one transaction.
func (s *Service) update(ctx context.Context, name string, fn func(tx *state.Tx, r *lbRec) error) (lbRec, error) {
	sc := s.scope(ctx)
	var out lbRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, name)
		if err != nil {
			return err
		}
		r = r.clone()
		if err := fn(tx, &r); err != nil {
			return err
		}
		s.lbs.Put(tx, sc, name, r)
		out = r
		return nil
	})
	return out, err
}

// clone copies the slices and maps a handler may change (records read are shared).
func (r lbRec) clone() lbRec {
	r.AvailabilityZones = slices.Clone(r.AvailabilityZones)
	r.Subnets = slices.Clone(r.Subnets)
	r.SecurityGroups = slices.Clone(r.SecurityGroups)
	r.ListenerDescriptions = slices.Clone(r.ListenerDescriptions)
	r.BackendServerDescriptions = slices.Clone(r.BackendServerDescriptions)
	r.Policies = slices.Clone(r.Policies)
	r.Tags = maps.Clone(r.Tags)
	if r.HealthCheck != nil {
		hc := *r.HealthCheck
		r.HealthCheck = &hc
	}
	if r.LoadBalancerDescription.Policies != nil {
		p := *r.LoadBalancerDescription.Policies
		r.LoadBalancerDescription.Policies = &p
	}
	a := r.Attrs
	if a.AccessLog != nil {
		x := *a.AccessLog
		a.AccessLog = &x
	}
	if a.ConnectionDraining != nil {
		x := *a.ConnectionDraining
		a.ConnectionDraining = &x
	}
	if a.ConnectionSettings != nil {
		x := *a.ConnectionSettings
		a.ConnectionSettings = &x
	}
	if a.CrossZoneLoadBalancing != nil {
		x := *a.CrossZoneLoadBalancing
		a.CrossZoneLoadBalancing = &x
	}
	a.AdditionalAttributes = slices.Clone(a.AdditionalAttributes)
	r.Attrs = a
	return r
}

// validName checks a load balancer name. AWS: at most 32 characters,
// alphanumerics and hyphens only, not beginning or ending with a hyphen.
func validName(name string) error {
	if name == "" || len(name) > 32 || strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") ||
		strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return validation("LoadBalancerName '%s' is not valid: it must have at most 32 characters, only alphanumeric characters or hyphens, and must not begin or end with a hyphen", name)
	}
	return nil
}

// normListener checks a listener and fills AWS's defaults: protocols in
// upper case, and an instance protocol matching the front end's layer
// (HTTP for HTTP/HTTPS, TCP for TCP/SSL).
func normListener(l Listener) (Listener, error) {
	p := strings.ToUpper(ptr.Val(l.Protocol))
	if !slices.Contains([]string{"HTTP", "HTTPS", "TCP", "SSL"}, p) {
		return l, validation("Invalid LoadBalancer protocol '%s': it must be one of HTTP, HTTPS, TCP or SSL", ptr.Val(l.Protocol))
	}
	ip := strings.ToUpper(ptr.Val(l.InstanceProtocol))
	if ip == "" {
		ip = map[string]string{"HTTP": "HTTP", "HTTPS": "HTTP", "TCP": "TCP", "SSL": "TCP"}[p]
	}
	if !slices.Contains([]string{"HTTP", "HTTPS", "TCP", "SSL"}, ip) {
		return l, validation("Invalid Instance protocol '%s': it must be one of HTTP, HTTPS, TCP or SSL", ptr.Val(l.InstanceProtocol))
	}
	// AWS: an HTTP-layer front end needs an HTTP-layer back end, and a TCP-layer one a TCP-layer back end.
	httpLayer := func(x string) bool { return x == "HTTP" || x == "HTTPS" }
	if httpLayer(p) != httpLayer(ip) {
		return l, validation("Listener protocol '%s' is not compatible with instance protocol '%s'", p, ip)
	}
	lp, inp := ptr.Val(l.LoadBalancerPort), ptr.Val(l.InstancePort)
	if lp < 1 || lp > 65535 {
		return l, validation("LoadBalancerPort must be between 1 and 65535, inclusive")
	}
	if inp < 1 || inp > 65535 {
		return l, validation("InstancePort must be between 1 and 65535, inclusive")
	}
	if (p == "HTTPS" || p == "SSL") && ptr.Val(l.SSLCertificateId) == "" {
		// AWS: secure listeners need a server certificate.
		return l, validation("SSLCertificateId is required for HTTPS and SSL listeners")
	}
	out := Listener{Protocol: ptr.To(p), InstanceProtocol: ptr.To(ip), LoadBalancerPort: ptr.To(lp), InstancePort: ptr.To(inp)}
	if p == "HTTPS" || p == "SSL" {
		out.SSLCertificateId = l.SSLCertificateId
	}
	return out, nil
}

// sameListener reports whether two listeners are the same configuration.
func sameListener(a, b Listener) bool {
	return ptr.Val(a.Protocol) == ptr.Val(b.Protocol) && ptr.Val(a.InstanceProtocol) == ptr.Val(b.InstanceProtocol) &&
		ptr.Val(a.InstancePort) == ptr.Val(b.InstancePort) && ptr.Val(a.SSLCertificateId) == ptr.Val(b.SSLCertificateId)
}

// addListeners adds listeners to ls; a port already listening with another
// configuration is DuplicateListener, with the same one a no-op.
func addListeners(name string, ls []ListenerDescription, add []Listener) ([]ListenerDescription, error) {
	for _, l := range add {
		n, err := normListener(l)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(ls, func(d ListenerDescription) bool { return *d.Listener.LoadBalancerPort == *n.LoadBalancerPort })
		if i >= 0 {
			if sameListener(*ls[i].Listener, n) {
				continue
			}
			return nil, awserr.New("DuplicateListener", 400, "A listener already exists for %s with LoadBalancerPort %d, but with a different InstancePort, Protocol, or SSLCertificateId", name, *n.LoadBalancerPort)
		}
		ls = append(ls, ListenerDescription{Listener: &n, PolicyNames: []string{}})
	}
	slices.SortFunc(ls, func(a, b ListenerDescription) int {
		return int(*a.Listener.LoadBalancerPort - *b.Listener.LoadBalancerPort)
	})
	return ls, nil
}

// placement is where a load balancer sits: its VPC, subnets and zones (sorted by zone).
type placement struct {
	vpc     string
	subnets []string
	zones   []string
}

// bySubnets places a load balancer in the given subnets: all in one VPC, one per zone.
func (s *Service) bySubnets(ctx context.Context, subnets []string) (placement, error) {
	var p placement
	type sz struct{ subnet, zone string }
	var all []sz
	for _, id := range subnets {
		sp, err := s.ec2.SubnetPlacement(ctx, id)
		if err != nil {
			return p, awserr.New("SubnetNotFound", 400, "One or more subnets were not found: %s", id)
		}
		if p.vpc != "" && sp.VpcID != p.vpc {
			return p, awserr.New("InvalidConfigurationRequest", 409, "Subnets must all be in the same VPC: %s is in %s, not %s", id, sp.VpcID, p.vpc)
		}
		p.vpc = sp.VpcID
		if slices.ContainsFunc(all, func(x sz) bool { return x.zone == sp.Zone && x.subnet != id }) {
			// AWS: one subnet per Availability Zone (Terraform retries on this message's prefix).
			return p, invalidConfig("LoadBalancer cannot be attached to multiple subnets in the same AZ.")
		}
		if !slices.ContainsFunc(all, func(x sz) bool { return x.subnet == id }) {
			all = append(all, sz{id, sp.Zone})
		}
	}
	slices.SortFunc(all, func(a, b sz) int { return strings.Compare(a.zone, b.zone) })
	for _, x := range all {
		p.subnets, p.zones = append(p.subnets, x.subnet), append(p.zones, x.zone)
	}
	return p, nil
}

// byZones places a load balancer in the default VPC's default subnets of the
// given zones. AWS: without EC2-Classic, a load balancer created with
// Availability Zones lives in the default VPC.
func (s *Service) byZones(ctx context.Context, zones []string) (placement, error) {
	var subnets []string
	for _, z := range slices.Compact(slices.Sorted(slices.Values(zones))) {
		id, err := s.defaultSubnet(ctx, z)
		if err != nil {
			return placement{}, err
		}
		subnets = append(subnets, id)
	}
	return s.bySubnets(ctx, subnets)
}

func (s *Service) defaultSubnet(ctx context.Context, zone string) (string, error) {
	out, err := s.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsRequest{Filters: []ec2.Filter{
		{Name: ptr.To("default-for-az"), Values: []string{"true"}},
		{Name: ptr.To("availability-zone"), Values: []string{zone}},
	}})
	if err != nil || len(out.Subnets) == 0 {
		return "", validation("Invalid Availability Zone: %s (there is no default subnet in it)", zone)
	}
	return ptr.Val(out.Subnets[0].SubnetId), nil
}

// securityGroups checks that groups exist in vpc; with none it answers the
// VPC's default group. AWS: "If you don't specify a security group, the load
// balancer is associated with the default security group for the VPC."
func (s *Service) securityGroups(ctx context.Context, vpc string, groups []string) ([]string, error) {
	if len(groups) == 0 {
		out, err := s.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsRequest{Filters: []ec2.Filter{
			{Name: ptr.To("vpc-id"), Values: []string{vpc}}, {Name: ptr.To("group-name"), Values: []string{"default"}},
		}})
		if err != nil || len(out.SecurityGroups) == 0 {
			return []string{}, nil
		}
		return []string{ptr.Val(out.SecurityGroups[0].GroupId)}, nil
	}
	for _, g := range groups {
		v, err := s.ec2.SecurityGroupVPC(ctx, g)
		if err != nil || v != vpc {
			return nil, awserr.New("InvalidSecurityGroup", 400, "One or more of the specified security groups do not exist: %s is not a security group of %s", g, vpc)
		}
	}
	return slices.Compact(slices.Clone(groups)), nil
}

// sourceGroup is the security group AWS names as a VPC load balancer's
// source: the first of its groups, owned by the account.
func (s *Service) sourceGroup(ctx context.Context, account string, groups []string) *SourceSecurityGroup {
	if len(groups) == 0 {
		return nil
	}
	out, err := s.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsRequest{GroupIds: groups[:1]})
	if err != nil || len(out.SecurityGroups) == 0 {
		return nil
	}
	return &SourceSecurityGroup{GroupName: out.SecurityGroups[0].GroupName, OwnerAlias: ptr.To(account)}
}

// dnsID is the numeric part of a Classic ELB's DNS name (AWS uses 9–10 digits).
func dnsID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(9_000_000_000))
	return fmt.Sprint(n.Int64() + 1_000_000_000)
}

// CreateLoadBalancer creates a Classic Load Balancer in subnets of a VPC, or
// (given Availability Zones) in the default VPC's default subnets.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_CreateLoadBalancer.html
func (s *Service) CreateLoadBalancer(ctx context.Context, in *CreateAccessPointInput) (*CreateAccessPointOutput, error) {
	sc := s.scope(ctx)
	name := *in.LoadBalancerName
	if err := validName(name); err != nil {
		return nil, err
	}
	scheme := ptr.Val(in.Scheme)
	switch scheme {
	case "":
		scheme = "internet-facing"
	case "internet-facing", "internal":
	default:
		return nil, awserr.New("InvalidScheme", 400, "Invalid scheme '%s': it must be internet-facing or internal", scheme)
	}
	if len(in.Listeners) == 0 {
		return nil, validation("At least one listener is required")
	}
	listeners, err := addListeners(name, nil, in.Listeners)
	if err != nil {
		return nil, err
	}
	var p placement
	switch {
	case len(in.Subnets) > 0 && len(in.AvailabilityZones) > 0:
		return nil, validation("Only one of SubnetIds or AvailabilityZones may be specified")
	case len(in.Subnets) > 0:
		p, err = s.bySubnets(ctx, in.Subnets)
	case len(in.AvailabilityZones) > 0:
		p, err = s.byZones(ctx, in.AvailabilityZones)
	default:
		return nil, validation("Either AvailabilityZones or SubnetIds must be specified")
	}
	if err != nil {
		return nil, err
	}
	sgs, err := s.securityGroups(ctx, p.vpc, in.SecurityGroups)
	if err != nil {
		return nil, err
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	host := name + "-" + dnsID()
	if scheme == "internal" {
		host = "internal-" + host
	}
	dns := strings.ToLower(host) + "." + sc.Region + ".elb.localhost"
	first := *listeners[0].Listener
	r := lbRec{
		LoadBalancerDescription: LoadBalancerDescription{
			LoadBalancerName: ptr.To(name), DNSName: ptr.To(dns),
			CanonicalHostedZoneName: ptr.To(dns), CanonicalHostedZoneNameID: ptr.To(hostedZone(sc.Region)),
			ListenerDescriptions: listeners, BackendServerDescriptions: []BackendServerDescription{},
			Policies:          &Policies{AppCookieStickinessPolicies: []AppCookieStickinessPolicy{}, LBCookieStickinessPolicies: []LBCookieStickinessPolicy{}, OtherPolicies: []string{}},
			AvailabilityZones: p.zones, Subnets: p.subnets, VPCId: ptr.To(p.vpc), SecurityGroups: sgs,
			SourceSecurityGroup: s.sourceGroup(ctx, sc.Account, sgs),
			CreatedTime:         ptr.To(s.now()), Scheme: ptr.To(scheme),
			// AWS: the default health check is a TCP check of the first listener's instance port.
			HealthCheck: &HealthCheck{Target: ptr.To(fmt.Sprintf("TCP:%d", *first.InstancePort)), Interval: ptr.To[int64](30),
				Timeout: ptr.To[int64](5), UnhealthyThreshold: ptr.To[int64](2), HealthyThreshold: ptr.To[int64](10)},
		},
		Attrs: defaultAttrs(),
		Tags:  tags,
	}
	if scheme == "internal" {
		// AWS: only internet-facing load balancers have a canonical hosted zone name.
		r.CanonicalHostedZoneName = nil
	}
	var out string
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if old, ok := s.lbs.Get(tx, sc, name); ok {
			// AWS: creating a load balancer again with the same listeners and
			// placement answers the existing one; anything else is a duplicate.
			if sameConfig(old, r) {
				out = *old.DNSName
				return nil
			}
			return awserr.New("DuplicateLoadBalancerName", 400, "Load Balancer named '%s' already exists and it is configured with different parameters.", name)
		}
		s.lbs.Put(tx, sc, name, r)
		out = dns
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == dns {
		s.publish(dns)
	}
	return &CreateAccessPointOutput{DNSName: ptr.To(out)}, nil
}

func sameConfig(a, b lbRec) bool {
	if len(a.ListenerDescriptions) != len(b.ListenerDescriptions) || *a.Scheme != *b.Scheme ||
		!slices.Equal(a.Subnets, b.Subnets) {
		return false
	}
	for i := range a.ListenerDescriptions {
		x, y := *a.ListenerDescriptions[i].Listener, *b.ListenerDescriptions[i].Listener
		if *x.LoadBalancerPort != *y.LoadBalancerPort || !sameListener(x, y) {
			return false
		}
	}
	return true
}

// describe is a load balancer as DescribeLoadBalancers reports it, with its instances.
func (s *Service) describe(tx *state.Tx, sc state.Scope, r lbRec) LoadBalancerDescription {
	d := r.LoadBalancerDescription
	d.Instances = []Instance{}
	s.instances.AscendPrefix(tx, sc, *r.LoadBalancerName+"\x00", func(_ string, i instRec) bool {
		d.Instances = append(d.Instances, Instance{InstanceId: ptr.To(i.ID)})
		return true
	})
	return d
}

// DescribeLoadBalancers describes the named load balancers, or all of them a page at a time.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeLoadBalancers.html
func (s *Service) DescribeLoadBalancers(ctx context.Context, in *DescribeAccessPointsInput) (*DescribeAccessPointsOutput, error) {
	sc := s.scope(ctx)
	size := int(ptr.Val(in.PageSize))
	if size == 0 {
		size = 400 // AWS: the maximum page size
	}
	if size < 1 || size > 400 {
		return nil, validation("PageSize must be between 1 and 400")
	}
	out := &DescribeAccessPointsOutput{LoadBalancerDescriptions: []LoadBalancerDescription{}}
	err := s.db.View(func(tx *state.Tx) error {
		if len(in.LoadBalancerNames) > 0 {
			for _, n := range slices.Compact(slices.Clone(in.LoadBalancerNames)) {
				r, err := s.getLB(tx, sc, n)
				if err != nil {
					return err
				}
				out.LoadBalancerDescriptions = append(out.LoadBalancerDescriptions, s.describe(tx, sc, r))
			}
			return nil
		}
		// The marker is the name of the next load balancer (names are the table's order).
		from := ptr.Val(in.Marker)
		s.lbs.Ascend(tx, sc, from, func(name string, r lbRec) bool {
			if len(out.LoadBalancerDescriptions) == size {
				out.NextMarker = ptr.To(name)
				return false
			}
			out.LoadBalancerDescriptions = append(out.LoadBalancerDescriptions, s.describe(tx, sc, r))
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteLoadBalancer deletes a load balancer and its registrations.
// AWS: deleting a load balancer that does not exist succeeds.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DeleteLoadBalancer.html
func (s *Service) DeleteLoadBalancer(ctx context.Context, in *DeleteAccessPointInput) (*DeleteAccessPointOutput, error) {
	sc := s.scope(ctx)
	name := *in.LoadBalancerName
	var dns string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.lbs.Get(tx, sc, name)
		if !ok {
			return nil
		}
		dns = *r.DNSName
		var keys []string
		s.instances.AscendPrefix(tx, sc, name+"\x00", func(k string, _ instRec) bool { keys = append(keys, k); return true })
		for _, k := range keys {
			s.instances.Delete(tx, sc, k)
		}
		s.lbs.Delete(tx, sc, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if dns != "" {
		s.unpublish(dns)
	}
	return &DeleteAccessPointOutput{}, nil
}

// CreateLoadBalancerListeners adds listeners.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_CreateLoadBalancerListeners.html
func (s *Service) CreateLoadBalancerListeners(ctx context.Context, in *CreateLoadBalancerListenerInput) (*CreateLoadBalancerListenerOutput, error) {
	_, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		ls, err := addListeners(*in.LoadBalancerName, r.ListenerDescriptions, in.Listeners)
		r.ListenerDescriptions = ls
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateLoadBalancerListenerOutput{}, nil
}

// DeleteLoadBalancerListeners removes the listeners on the given ports; a
// port without a listener is not an error.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DeleteLoadBalancerListeners.html
func (s *Service) DeleteLoadBalancerListeners(ctx context.Context, in *DeleteLoadBalancerListenerInput) (*DeleteLoadBalancerListenerOutput, error) {
	_, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		r.ListenerDescriptions = slices.DeleteFunc(r.ListenerDescriptions, func(d ListenerDescription) bool {
			return slices.Contains(in.LoadBalancerPorts, *d.Listener.LoadBalancerPort)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteLoadBalancerListenerOutput{}, nil
}

// SetLoadBalancerListenerSSLCertificate replaces the certificate of a secure listener.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_SetLoadBalancerListenerSSLCertificate.html
func (s *Service) SetLoadBalancerListenerSSLCertificate(ctx context.Context, in *SetLoadBalancerListenerSSLCertificateInput) (*SetLoadBalancerListenerSSLCertificateOutput, error) {
	_, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		i, err := listenerIndex(*r, *in.LoadBalancerPort)
		if err != nil {
			return err
		}
		l := *r.ListenerDescriptions[i].Listener
		if p := *l.Protocol; p != "HTTPS" && p != "SSL" {
			return invalidConfig("The listener on port %d is not an HTTPS or SSL listener", *in.LoadBalancerPort)
		}
		l.SSLCertificateId = in.SSLCertificateId
		r.ListenerDescriptions[i].Listener = &l
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetLoadBalancerListenerSSLCertificateOutput{}, nil
}

func listenerIndex(r lbRec, port int64) (int, error) {
	i := slices.IndexFunc(r.ListenerDescriptions, func(d ListenerDescription) bool { return *d.Listener.LoadBalancerPort == port })
	if i < 0 {
		return -1, awserr.New("ListenerNotFound", 400, "There is no ACTIVE listener on LoadBalancerPort %d of %s", port, *r.LoadBalancerName)
	}
	return i, nil
}

// ApplySecurityGroupsToLoadBalancer replaces a VPC load balancer's security groups.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_ApplySecurityGroupsToLoadBalancer.html
func (s *Service) ApplySecurityGroupsToLoadBalancer(ctx context.Context, in *ApplySecurityGroupsToLoadBalancerInput) (*ApplySecurityGroupsToLoadBalancerOutput, error) {
	sc := s.scope(ctx)
	var vpc string
	if err := s.db.View(func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, *in.LoadBalancerName)
		vpc = ptr.Val(r.VPCId)
		return err
	}); err != nil {
		return nil, err
	}
	if len(in.SecurityGroups) == 0 {
		return nil, validation("At least one security group is required")
	}
	sgs, err := s.securityGroups(ctx, vpc, in.SecurityGroups)
	if err != nil {
		return nil, err
	}
	src := s.sourceGroup(ctx, sc.Account, sgs)
	r, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		r.SecurityGroups, r.SourceSecurityGroup = sgs, src
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ApplySecurityGroupsToLoadBalancerOutput{SecurityGroups: r.SecurityGroups}, nil
}

// place sets a load balancer's subnets: all in its VPC, one per zone, at least one.
func (s *Service) place(ctx context.Context, name string, subnets func(cur []string) ([]string, error)) (lbRec, error) {
	sc := s.scope(ctx)
	var cur lbRec
	if err := s.db.View(func(tx *state.Tx) (err error) { cur, err = s.getLB(tx, sc, name); return err }); err != nil {
		return cur, err
	}
	next, err := subnets(slices.Clone(cur.Subnets))
	if err != nil {
		return cur, err
	}
	if len(next) == 0 {
		// AWS: a load balancer must stay in at least one subnet.
		return cur, invalidConfig("LoadBalancer %s must be attached to at least one subnet.", name)
	}
	p, err := s.bySubnets(ctx, next)
	if err != nil {
		return cur, err
	}
	if p.vpc != ptr.Val(cur.VPCId) {
		return cur, awserr.New("InvalidSubnet", 400, "Subnets must be in the load balancer's VPC %s", ptr.Val(cur.VPCId))
	}
	return s.update(ctx, name, func(_ *state.Tx, r *lbRec) error {
		r.Subnets, r.AvailabilityZones = p.subnets, p.zones
		return nil
	})
}

// AttachLoadBalancerToSubnets adds subnets (one per zone).
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_AttachLoadBalancerToSubnets.html
func (s *Service) AttachLoadBalancerToSubnets(ctx context.Context, in *AttachLoadBalancerToSubnetsInput) (*AttachLoadBalancerToSubnetsOutput, error) {
	r, err := s.place(ctx, *in.LoadBalancerName, func(cur []string) ([]string, error) {
		for _, id := range in.Subnets {
			if !slices.Contains(cur, id) {
				cur = append(cur, id)
			}
		}
		return cur, nil
	})
	if err != nil {
		return nil, err
	}
	return &AttachLoadBalancerToSubnetsOutput{Subnets: r.Subnets}, nil
}

// DetachLoadBalancerFromSubnets removes subnets; the last one cannot be removed.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DetachLoadBalancerFromSubnets.html
func (s *Service) DetachLoadBalancerFromSubnets(ctx context.Context, in *DetachLoadBalancerFromSubnetsInput) (*DetachLoadBalancerFromSubnetsOutput, error) {
	r, err := s.place(ctx, *in.LoadBalancerName, func(cur []string) ([]string, error) {
		return slices.DeleteFunc(cur, func(id string) bool { return slices.Contains(in.Subnets, id) }), nil
	})
	if err != nil {
		return nil, err
	}
	return &DetachLoadBalancerFromSubnetsOutput{Subnets: r.Subnets}, nil
}

// EnableAvailabilityZonesForLoadBalancer adds zones: their default subnets.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_EnableAvailabilityZonesForLoadBalancer.html
func (s *Service) EnableAvailabilityZonesForLoadBalancer(ctx context.Context, in *AddAvailabilityZonesInput) (*AddAvailabilityZonesOutput, error) {
	r, err := s.place(ctx, *in.LoadBalancerName, func(cur []string) ([]string, error) {
		for _, z := range in.AvailabilityZones {
			id, err := s.defaultSubnet(ctx, z)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(cur, id) {
				cur = append(cur, id)
			}
		}
		return cur, nil
	})
	if err != nil {
		return nil, err
	}
	return &AddAvailabilityZonesOutput{AvailabilityZones: r.AvailabilityZones}, nil
}

// DisableAvailabilityZonesForLoadBalancer removes zones (the subnets in them).
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DisableAvailabilityZonesForLoadBalancer.html
func (s *Service) DisableAvailabilityZonesForLoadBalancer(ctx context.Context, in *RemoveAvailabilityZonesInput) (*RemoveAvailabilityZonesOutput, error) {
	r, err := s.place(ctx, *in.LoadBalancerName, func(cur []string) ([]string, error) {
		var keep []string
		for _, id := range cur {
			p, err := s.ec2.SubnetPlacement(ctx, id)
			if err == nil && slices.Contains(in.AvailabilityZones, p.Zone) {
				continue
			}
			keep = append(keep, id)
		}
		return keep, nil
	})
	if err != nil {
		return nil, err
	}
	return &RemoveAvailabilityZonesOutput{AvailabilityZones: r.AvailabilityZones}, nil
}

// DescribeAccountLimits reports Classic ELB's quotas. AWS: "Quotas for your Classic Load Balancers".
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeAccountLimits.html
func (s *Service) DescribeAccountLimits(ctx context.Context, in *DescribeAccountLimitsInput) (*DescribeAccountLimitsOutput, error) {
	return &DescribeAccountLimitsOutput{Limits: []Limit{
		{Name: ptr.To("classic-load-balancers"), Max: ptr.To("20")},
		{Name: ptr.To("classic-listeners"), Max: ptr.To("100")},
		{Name: ptr.To("classic-registered-instances"), Max: ptr.To("1000")},
	}}, nil
}
