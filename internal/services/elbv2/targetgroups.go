package elbv2

import (
	"context"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// tgRec is a target group and its attributes.
type tgRec struct {
	TargetGroup
	Attrs map[string]string
}

// tgAttrDefaults are a new target group's attributes. AWS: "Target group
// attributes" in the ALB and NLB user guides.
func tgAttrDefaults(typ, proto string) map[string]string {
	health := map[string]string{
		"target_group_health.dns_failover.minimum_healthy_targets.count":                 "1",
		"target_group_health.dns_failover.minimum_healthy_targets.percentage":            "off",
		"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count":      "1",
		"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
	}
	switch {
	case typ == "lambda":
		return map[string]string{"lambda.multi_value_headers.enabled": "false"}
	case proto == "TCP" || proto == "UDP" || proto == "TCP_UDP" || proto == "TLS":
		m := map[string]string{
			"deregistration_delay.timeout_seconds": "300", "deregistration_delay.connection_termination.enabled": "false",
			"proxy_protocol_v2.enabled": "false", "preserve_client_ip.enabled": map[bool]string{true: "true", false: "false"}[typ == "instance"],
			"stickiness.enabled": "false", "stickiness.type": "source_ip",
			"load_balancing.cross_zone.enabled":                            "use_load_balancer_configuration",
			"target_health_state.unhealthy.connection_termination.enabled": "true",
			"target_health_state.unhealthy.draining_interval_seconds":      "0",
		}
		for k, v := range health {
			m[k] = v
		}
		return m
	default:
		m := map[string]string{
			"deregistration_delay.timeout_seconds": "300", "slow_start.duration_seconds": "0",
			"stickiness.enabled": "false", "stickiness.type": "lb_cookie", "stickiness.lb_cookie.duration_seconds": "86400",
			"stickiness.app_cookie.cookie_name": "", "stickiness.app_cookie.duration_seconds": "86400",
			"load_balancing.algorithm.type": "round_robin", "load_balancing.algorithm.anomaly_mitigation": "off",
			"load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
		}
		for k, v := range health {
			m[k] = v
		}
		return m
	}
}

func (s *Service) getTG(tx *state.Tx, sc state.Scope, a string) (tgRec, error) {
	r, ok := s.tgs.Get(tx, sc, a)
	if !ok {
		return r, errTGNotFound()
	}
	return r, nil
}

// tgOut is a target group as Describe shows it, with the load balancers whose listeners forward to it.
func (s *Service) tgOut(tx *state.Tx, sc state.Scope, r tgRec) TargetGroup {
	out := r.TargetGroup
	out.LoadBalancerArns = s.tgLoadBalancers(tx, sc, *r.TargetGroupArn)
	return out
}

// CreateTargetGroup creates a target group with AWS's health-check defaults
// for its protocol and target type.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
func (s *Service) CreateTargetGroup(ctx context.Context, in *CreateTargetGroupInput) (*CreateTargetGroupOutput, error) {
	sc := s.scope(ctx)
	name := *in.Name
	if len(name) > 32 || strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return nil, validation("Target group name '%s' can only contain characters that are alphanumeric characters or hyphens(-)", name)
	}
	typ := ptr.Val(in.TargetType)
	if typ == "" {
		typ = "instance"
	}
	tg := TargetGroup{TargetGroupName: ptr.To(name), TargetType: ptr.To(typ)}
	proto := ptr.Val(in.Protocol)
	if typ == "lambda" {
		if in.Protocol != nil || in.Port != nil || in.VpcId != nil {
			return nil, validation("Protocol, port and VPC ID cannot be specified for target groups with target type 'lambda'")
		}
	} else {
		if proto == "" || in.Port == nil || in.VpcId == nil {
			return nil, validation("A protocol, port and VPC ID must be specified for target groups with target type '%s'", typ)
		}
		tg.Protocol, tg.Port, tg.VpcId = ptr.To(proto), in.Port, in.VpcId
		tg.IpAddressType = ptr.To(ptr.Val(in.IpAddressType))
		if *tg.IpAddressType == "" {
			tg.IpAddressType = ptr.To("ipv4")
		}
	}
	http := proto == "HTTP" || proto == "HTTPS"
	if http {
		tg.ProtocolVersion = ptr.To("HTTP1")
		if in.ProtocolVersion != nil {
			tg.ProtocolVersion = in.ProtocolVersion
		}
	}
	// AWS's health-check defaults: the target group's protocol for HTTP(S),
	// TCP otherwise; port "traffic-port"; 30 s interval (35 for lambda);
	// timeout 5 s for HTTP, 10 s for TCP/HTTPS on NLB, 30 s for lambda;
	// 5 healthy / 2 unhealthy checks; path "/"; matcher 200 (ALB),
	// 200-399 (NLB HTTP), 12 for gRPC.
	hcProto := ptr.Val(in.HealthCheckProtocol)
	if hcProto == "" && typ != "lambda" {
		hcProto = "TCP"
		if http {
			hcProto = proto
		}
	}
	hcHTTP := hcProto == "HTTP" || hcProto == "HTTPS" || typ == "lambda"
	tg.HealthCheckEnabled = ptr.To(typ != "lambda")
	if in.HealthCheckEnabled != nil {
		tg.HealthCheckEnabled = in.HealthCheckEnabled
	}
	if hcProto != "" {
		tg.HealthCheckProtocol = ptr.To(hcProto)
		tg.HealthCheckPort = ptr.To("traffic-port")
		if in.HealthCheckPort != nil {
			tg.HealthCheckPort = in.HealthCheckPort
		}
	}
	interval, timeout := int64(30), int64(5)
	switch {
	case typ == "lambda":
		interval, timeout = 35, 30
	case !http && hcProto == "HTTP":
		timeout = 6
	case !http:
		timeout = 10
	}
	tg.HealthCheckIntervalSeconds = ptr.To(interval)
	if in.HealthCheckIntervalSeconds != nil {
		tg.HealthCheckIntervalSeconds = in.HealthCheckIntervalSeconds
	}
	tg.HealthCheckTimeoutSeconds = ptr.To(timeout)
	if in.HealthCheckTimeoutSeconds != nil {
		tg.HealthCheckTimeoutSeconds = in.HealthCheckTimeoutSeconds
	}
	if *tg.HealthCheckTimeoutSeconds >= *tg.HealthCheckIntervalSeconds {
		return nil, validation("Health check interval must be greater than the timeout.")
	}
	tg.HealthyThresholdCount = ptr.To(ptr.Val(in.HealthyThresholdCount))
	if *tg.HealthyThresholdCount == 0 {
		tg.HealthyThresholdCount = ptr.To(int64(5))
	}
	tg.UnhealthyThresholdCount = ptr.To(ptr.Val(in.UnhealthyThresholdCount))
	if *tg.UnhealthyThresholdCount == 0 {
		tg.UnhealthyThresholdCount = ptr.To(int64(2))
	}
	if hcHTTP {
		tg.HealthCheckPath = ptr.To("/")
		if in.HealthCheckPath != nil {
			tg.HealthCheckPath = in.HealthCheckPath
		}
		switch {
		case in.Matcher != nil:
			tg.Matcher = in.Matcher
		case ptr.Val(tg.ProtocolVersion) == "GRPC":
			tg.Matcher = &Matcher{GrpcCode: ptr.To("12")}
		case !http && typ != "lambda":
			tg.Matcher = &Matcher{HttpCode: ptr.To("200-399")}
		default:
			tg.Matcher = &Matcher{HttpCode: ptr.To("200")}
		}
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	id := strings.TrimPrefix(ids.Hex("", 16), "-")
	a := arn.New("elasticloadbalancing", sc.Region, sc.Account, "targetgroup/"+name+"/"+id)
	tg.TargetGroupArn = ptr.To(a)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var dup *tgRec
		s.tgs.Ascend(tx, sc, "", func(_ string, r tgRec) bool {
			if *r.TargetGroupName == name {
				dup = &r
			}
			return dup == nil
		})
		if dup != nil {
			// AWS: creating a target group identical to an existing one returns it.
			if ptr.Val(dup.Protocol) == ptr.Val(tg.Protocol) && ptr.Val(dup.Port) == ptr.Val(tg.Port) && ptr.Val(dup.VpcId) == ptr.Val(tg.VpcId) && *dup.TargetType == typ {
				tg = s.tgOut(tx, sc, *dup)
				return nil
			}
			return awserr.New("DuplicateTargetGroupName", 0, "A target group with the same name '%s' exists, but with different settings", name)
		}
		s.tgs.Put(tx, sc, a, tgRec{TargetGroup: tg, Attrs: tgAttrDefaults(typ, proto)})
		s.setTags(tx, sc, a, tags)
		tg.LoadBalancerArns = []string{}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateTargetGroupOutput{TargetGroups: []TargetGroup{tg}}, nil
}

// DescribeTargetGroups describes target groups by ARN, name, load balancer, or all.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html
func (s *Service) DescribeTargetGroups(ctx context.Context, in *DescribeTargetGroupsInput) (*DescribeTargetGroupsOutput, error) {
	sc := s.scope(ctx)
	var all []TargetGroup
	err := s.db.View(func(tx *state.Tx) error {
		if len(in.TargetGroupArns) > 0 {
			for _, a := range in.TargetGroupArns {
				r, err := s.getTG(tx, sc, a)
				if err != nil {
					return err
				}
				all = append(all, s.tgOut(tx, sc, r))
			}
			return nil
		}
		if in.LoadBalancerArn != nil {
			if _, err := s.getLB(tx, sc, *in.LoadBalancerArn); err != nil {
				return err
			}
		}
		want := map[string]bool{}
		for _, n := range in.Names {
			want[n] = true
		}
		s.tgs.Ascend(tx, sc, "", func(_ string, r tgRec) bool {
			if len(want) > 0 && !want[*r.TargetGroupName] {
				return true
			}
			out := s.tgOut(tx, sc, r)
			if in.LoadBalancerArn == nil || contains(out.LoadBalancerArns, *in.LoadBalancerArn) {
				all = append(all, out)
			}
			return true
		})
		if len(want) > 0 && len(all) != len(want) {
			return errTGNotFound()
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
	return &DescribeTargetGroupsOutput{TargetGroups: nonNil(items), NextMarker: next}, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ModifyTargetGroup changes a target group's health-check settings.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyTargetGroup.html
func (s *Service) ModifyTargetGroup(ctx context.Context, in *ModifyTargetGroupInput) (*ModifyTargetGroupOutput, error) {
	sc := s.scope(ctx)
	var out TargetGroup
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getTG(tx, sc, *in.TargetGroupArn)
		if err != nil {
			return err
		}
		set := func(dst **int64, v *int64) {
			if v != nil {
				*dst = v
			}
		}
		sets := func(dst **string, v *string) {
			if v != nil {
				*dst = v
			}
		}
		if in.HealthCheckEnabled != nil {
			r.HealthCheckEnabled = in.HealthCheckEnabled
		}
		set(&r.HealthCheckIntervalSeconds, in.HealthCheckIntervalSeconds)
		set(&r.HealthCheckTimeoutSeconds, in.HealthCheckTimeoutSeconds)
		set(&r.HealthyThresholdCount, in.HealthyThresholdCount)
		set(&r.UnhealthyThresholdCount, in.UnhealthyThresholdCount)
		sets(&r.HealthCheckPath, in.HealthCheckPath)
		sets(&r.HealthCheckPort, in.HealthCheckPort)
		sets(&r.HealthCheckProtocol, in.HealthCheckProtocol)
		if in.Matcher != nil {
			r.Matcher = in.Matcher
		}
		if ptr.Val(r.HealthCheckTimeoutSeconds) >= ptr.Val(r.HealthCheckIntervalSeconds) {
			return validation("Health check interval must be greater than the timeout.")
		}
		s.tgs.Put(tx, sc, *r.TargetGroupArn, r)
		out = s.tgOut(tx, sc, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyTargetGroupOutput{TargetGroups: []TargetGroup{out}}, nil
}

// DeleteTargetGroup deletes a target group that no listener or rule uses.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html
func (s *Service) DeleteTargetGroup(ctx context.Context, in *DeleteTargetGroupInput) (*DeleteTargetGroupOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		a := *in.TargetGroupArn
		if _, ok := s.tgs.Get(tx, sc, a); !ok {
			return nil // AWS: deleting a target group that does not exist succeeds
		}
		if lbs := s.tgLoadBalancers(tx, sc, a); len(lbs) > 0 {
			return awserr.New("ResourceInUse", 0, "Target group '%s' is currently in use by a listener or a rule", a)
		}
		var keys []string
		s.targets.AscendPrefix(tx, sc, a+"\x00", func(k string, _ targetRec) bool { keys = append(keys, k); return true })
		for _, k := range keys {
			s.targets.Delete(tx, sc, k)
		}
		s.tgs.Delete(tx, sc, a)
		s.tags.Delete(tx, sc, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteTargetGroupOutput{}, nil
}

// DescribeTargetGroupAttributes returns a target group's attributes.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroupAttributes.html
func (s *Service) DescribeTargetGroupAttributes(ctx context.Context, in *DescribeTargetGroupAttributesInput) (*DescribeTargetGroupAttributesOutput, error) {
	sc := s.scope(ctx)
	var out []TargetGroupAttribute
	err := s.db.View(func(tx *state.Tx) error {
		r, err := s.getTG(tx, sc, *in.TargetGroupArn)
		out = tgAttrList(r.Attrs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DescribeTargetGroupAttributesOutput{Attributes: out}, nil
}

func tgAttrList(m map[string]string) []TargetGroupAttribute {
	out := []TargetGroupAttribute{}
	for _, k := range sortedKeys(m) {
		out = append(out, TargetGroupAttribute{Key: ptr.To(k), Value: ptr.To(m[k])})
	}
	return out
}

// ModifyTargetGroupAttributes changes a target group's attributes.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyTargetGroupAttributes.html
func (s *Service) ModifyTargetGroupAttributes(ctx context.Context, in *ModifyTargetGroupAttributesInput) (*ModifyTargetGroupAttributesOutput, error) {
	sc := s.scope(ctx)
	var out []TargetGroupAttribute
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getTG(tx, sc, *in.TargetGroupArn)
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
				return validation("Target group attribute key '%s' is not recognized", k)
			}
			if err := checkAttr(k, v); err != nil {
				return err
			}
			attrs[k] = v
		}
		r.Attrs = attrs
		s.tgs.Put(tx, sc, *r.TargetGroupArn, r)
		out = tgAttrList(attrs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyTargetGroupAttributesOutput{Attributes: out}, nil
}
