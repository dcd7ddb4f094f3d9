package elbv2

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// defaultSSLPolicy is the policy of an HTTPS or TLS listener created without one.
// AWS: "If you do not specify a security policy, the default is ELBSecurityPolicy-2016-08."
const defaultSSLPolicy = "ELBSecurityPolicy-2016-08"

// childARN derives a listener ARN from its load balancer's, or a rule ARN from its listener's.
func childARN(parent, from, to string) string {
	return strings.Replace(parent, ":"+from+"/", ":"+to+"/", 1) + "/" + strings.TrimPrefix(ids.Hex("", 16), "-")
}

// listenerPrefix is the key prefix of a load balancer's listeners.
func listenerPrefix(lb string) string {
	return strings.Replace(lb, ":loadbalancer/", ":listener/", 1) + "/"
}

// rulePrefix is the key prefix of a listener's rules.
func rulePrefix(l string) string {
	return strings.Replace(l, ":listener/", ":listener-rule/", 1) + "/"
}

// lbOfListener is the load balancer ARN a listener ARN extends.
func lbOfListener(l string) string {
	l = strings.Replace(l, ":listener/", ":loadbalancer/", 1)
	return l[:strings.LastIndex(l, "/")]
}

// listenerOfRule is the listener ARN a rule ARN extends.
func listenerOfRule(r string) string {
	r = strings.Replace(r, ":listener-rule/", ":listener/", 1)
	return r[:strings.LastIndex(r, "/")]
}

func (s *Service) lbListeners(tx *state.Tx, sc state.Scope, lb string) []Listener {
	var out []Listener
	s.listeners.AscendPrefix(tx, sc, listenerPrefix(lb), func(_ string, l Listener) bool { out = append(out, l); return true })
	return out
}

func (s *Service) listenerRules(tx *state.Tx, sc state.Scope, l string) []Rule {
	var out []Rule
	s.rules.AscendPrefix(tx, sc, rulePrefix(l), func(_ string, r Rule) bool { out = append(out, r); return true })
	return out
}

func (s *Service) deleteListener(tx *state.Tx, sc state.Scope, l string) {
	for _, r := range s.listenerRules(tx, sc, l) {
		s.rules.Delete(tx, sc, *r.RuleArn)
		s.tags.Delete(tx, sc, *r.RuleArn)
	}
	s.listeners.Delete(tx, sc, l)
	s.listenerAttrs.Delete(tx, sc, l)
	s.tags.Delete(tx, sc, l)
}

// actionGroups are the target groups an action list forwards to.
func actionGroups(actions []Action) []string {
	var out []string
	for _, a := range actions {
		if a.TargetGroupArn != nil {
			out = append(out, *a.TargetGroupArn)
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				out = append(out, ptr.Val(t.TargetGroupArn))
			}
		}
	}
	return out
}

// tgLoadBalancers are the load balancers whose listeners or rules forward to tg.
func (s *Service) tgLoadBalancers(tx *state.Tx, sc state.Scope, tg string) []string {
	set := map[string]bool{}
	s.rules.Ascend(tx, sc, "", func(_ string, r Rule) bool {
		if contains(actionGroups(r.Actions), tg) {
			set[lbOfListener(listenerOfRule(*r.RuleArn))] = true
		}
		return true
	})
	return sortedKeys(set)
}

// normalizeActions checks actions and fills in what AWS reports back: the
// order, a forward's ForwardConfig (weight 1, stickiness off) and
// TargetGroupArn (for a single group), a redirect's "#{…}" defaults.
func (s *Service) normalizeActions(tx *state.Tx, sc state.Scope, lbType string, actions []Action) ([]Action, error) {
	out := make([]Action, 0, len(actions))
	for i, a := range actions {
		if a.Order == nil {
			a.Order = ptr.To(int64(i + 1))
		}
		switch *a.Type {
		case "forward":
			if a.TargetGroupArn == nil && (a.ForwardConfig == nil || len(a.ForwardConfig.TargetGroups) == 0) {
				return nil, validation("A target group ARN must be specified")
			}
			if a.ForwardConfig == nil {
				a.ForwardConfig = &ForwardActionConfig{TargetGroups: []TargetGroupTuple{{TargetGroupArn: a.TargetGroupArn, Weight: ptr.To(int64(1))}}}
			} else {
				fc := *a.ForwardConfig
				fc.TargetGroups = slices.Clone(fc.TargetGroups)
				for j := range fc.TargetGroups {
					if fc.TargetGroups[j].Weight == nil {
						fc.TargetGroups[j].Weight = ptr.To(int64(1))
					}
				}
				a.ForwardConfig = &fc
				if len(fc.TargetGroups) == 1 && a.TargetGroupArn == nil {
					a.TargetGroupArn = fc.TargetGroups[0].TargetGroupArn
				}
			}
			if a.ForwardConfig.TargetGroupStickinessConfig == nil {
				a.ForwardConfig.TargetGroupStickinessConfig = &TargetGroupStickinessConfig{Enabled: ptr.To(false)}
			}
			for _, tg := range actionGroups([]Action{a}) {
				r, ok := s.tgs.Get(tx, sc, tg)
				if !ok {
					return nil, errTGNotFound()
				}
				// AWS: an ALB forwards to HTTP/HTTPS/lambda groups, an NLB to TCP/TLS/UDP ones.
				p := ptr.Val(r.Protocol)
				if (lbType == "application" && p != "" && p != "HTTP" && p != "HTTPS") || (lbType == "network" && (p == "HTTP" || p == "HTTPS" || p == "")) {
					return nil, awserr.New("IncompatibleProtocols", 0, "The target group '%s' uses protocol '%s', which is not supported by a load balancer of type '%s'", tg, p, lbType)
				}
			}
		case "redirect":
			if a.RedirectConfig == nil {
				return nil, validation("A redirect configuration must be specified for redirect actions")
			}
			rc := *a.RedirectConfig
			def := func(p **string, v string) {
				if *p == nil {
					*p = ptr.To(v)
				}
			}
			def(&rc.Host, "#{host}")
			def(&rc.Path, "/#{path}")
			def(&rc.Port, "#{port}")
			def(&rc.Protocol, "#{protocol}")
			def(&rc.Query, "#{query}")
			a.RedirectConfig = &rc
		case "fixed-response":
			if a.FixedResponseConfig == nil {
				return nil, validation("A fixed response configuration must be specified for fixed-response actions")
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func (s *Service) checkListener(lbType string, proto *string, port *int64, certs []Certificate) (string, error) {
	p := ptr.Val(proto)
	if p == "" {
		p = "HTTP"
		if lbType == "network" {
			p = "TCP"
		}
	}
	if lbType == "application" && p != "HTTP" && p != "HTTPS" {
		return "", awserr.New("UnsupportedProtocol", 0, "Protocol '%s' is not supported for load balancers of type 'application'", p)
	}
	if lbType == "network" && (p == "HTTP" || p == "HTTPS") {
		return "", awserr.New("UnsupportedProtocol", 0, "Protocol '%s' is not supported for load balancers of type 'network'", p)
	}
	if (p == "HTTPS" || p == "TLS") && len(certs) == 0 {
		return "", validation("A certificate must be specified for %s listeners", p)
	}
	return p, nil
}

// CreateListener creates a listener and its default rule.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html
func (s *Service) CreateListener(ctx context.Context, in *CreateListenerInput) (*CreateListenerOutput, error) {
	sc := s.scope(ctx)
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	var out Listener
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		lb, err := s.getLB(tx, sc, *in.LoadBalancerArn)
		if err != nil {
			return err
		}
		proto, err := s.checkListener(*lb.Type, in.Protocol, in.Port, in.Certificates)
		if err != nil {
			return err
		}
		if in.Port == nil {
			return validation("A listener port must be specified")
		}
		for _, l := range s.lbListeners(tx, sc, *in.LoadBalancerArn) {
			if *l.Port == *in.Port {
				return awserr.New("DuplicateListener", 0, "A listener already exists on this port for this load balancer '%s'", *in.LoadBalancerArn)
			}
		}
		actions, err := s.normalizeActions(tx, sc, *lb.Type, in.DefaultActions)
		if err != nil {
			return err
		}
		l := Listener{
			ListenerArn: ptr.To(childARN(*lb.LoadBalancerArn, "loadbalancer", "listener")), LoadBalancerArn: lb.LoadBalancerArn,
			Port: in.Port, Protocol: ptr.To(proto), DefaultActions: actions, AlpnPolicy: in.AlpnPolicy,
		}
		if proto == "HTTPS" || proto == "TLS" {
			l.SslPolicy = ptr.To(defaultSSLPolicy)
			if in.SslPolicy != nil {
				if _, ok := sslPolicies[*in.SslPolicy]; !ok {
					return awserr.New("SSLPolicyNotFound", 0, "SSL policy '%s' not found", *in.SslPolicy)
				}
				l.SslPolicy = in.SslPolicy
			}
			l.Certificates = []Certificate{{CertificateArn: in.Certificates[0].CertificateArn}}
		}
		s.listeners.Put(tx, sc, *l.ListenerArn, l)
		def := Rule{RuleArn: ptr.To(childARN(*l.ListenerArn, "listener", "listener-rule")), IsDefault: ptr.To(true), Priority: ptr.To("default"), Conditions: []RuleCondition{}, Actions: actions}
		s.rules.Put(tx, sc, *def.RuleArn, def)
		s.setTags(tx, sc, *l.ListenerArn, tags)
		out = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateListenerOutput{Listeners: []Listener{out}}, nil
}

// DescribeListeners describes listeners by ARN or a load balancer's.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeListeners.html
func (s *Service) DescribeListeners(ctx context.Context, in *DescribeListenersInput) (*DescribeListenersOutput, error) {
	sc := s.scope(ctx)
	if in.LoadBalancerArn == nil && len(in.ListenerArns) == 0 {
		return nil, validation("You must specify either listener ARNs or a load balancer ARN")
	}
	var all []Listener
	err := s.db.View(func(tx *state.Tx) error {
		if in.LoadBalancerArn != nil {
			if _, err := s.getLB(tx, sc, *in.LoadBalancerArn); err != nil {
				return err
			}
			all = s.lbListeners(tx, sc, *in.LoadBalancerArn)
			return nil
		}
		for _, a := range in.ListenerArns {
			l, ok := s.listeners.Get(tx, sc, a)
			if !ok {
				return errListenerNotFound()
			}
			all = append(all, l)
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
	return &DescribeListenersOutput{Listeners: nonNil(items), NextMarker: next}, nil
}

// ModifyListener changes a listener's port, protocol, certificates, policy or default actions.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyListener.html
func (s *Service) ModifyListener(ctx context.Context, in *ModifyListenerInput) (*ModifyListenerOutput, error) {
	sc := s.scope(ctx)
	var out Listener
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		l, ok := s.listeners.Get(tx, sc, *in.ListenerArn)
		if !ok {
			return errListenerNotFound()
		}
		lb, err := s.getLB(tx, sc, *l.LoadBalancerArn)
		if err != nil {
			return err
		}
		if in.Port != nil && *in.Port != *l.Port {
			for _, o := range s.lbListeners(tx, sc, *l.LoadBalancerArn) {
				if *o.Port == *in.Port {
					return awserr.New("DuplicateListener", 0, "A listener already exists on this port for this load balancer '%s'", *l.LoadBalancerArn)
				}
			}
			l.Port = in.Port
		}
		certs := l.Certificates
		if in.Certificates != nil {
			certs = []Certificate{{CertificateArn: in.Certificates[0].CertificateArn}}
		}
		proto := l.Protocol
		if in.Protocol != nil {
			proto = in.Protocol
		}
		p, err := s.checkListener(*lb.Type, proto, l.Port, certs)
		if err != nil {
			return err
		}
		l.Protocol = ptr.To(p)
		if p == "HTTPS" || p == "TLS" {
			l.Certificates = certs
			if l.SslPolicy == nil {
				l.SslPolicy = ptr.To(defaultSSLPolicy)
			}
			if in.SslPolicy != nil {
				if _, ok := sslPolicies[*in.SslPolicy]; !ok {
					return awserr.New("SSLPolicyNotFound", 0, "SSL policy '%s' not found", *in.SslPolicy)
				}
				l.SslPolicy = in.SslPolicy
			}
		} else {
			l.Certificates, l.SslPolicy = nil, nil
		}
		if in.AlpnPolicy != nil {
			l.AlpnPolicy = in.AlpnPolicy
		}
		if in.DefaultActions != nil {
			actions, err := s.normalizeActions(tx, sc, *lb.Type, in.DefaultActions)
			if err != nil {
				return err
			}
			l.DefaultActions = actions
			for _, r := range s.listenerRules(tx, sc, *l.ListenerArn) {
				if ptr.Val(r.IsDefault) {
					r.Actions = actions
					s.rules.Put(tx, sc, *r.RuleArn, r)
				}
			}
		}
		s.listeners.Put(tx, sc, *l.ListenerArn, l)
		out = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyListenerOutput{Listeners: []Listener{out}}, nil
}

// DeleteListener deletes a listener and its rules.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteListener.html
func (s *Service) DeleteListener(ctx context.Context, in *DeleteListenerInput) (*DeleteListenerOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.listeners.Get(tx, sc, *in.ListenerArn); !ok {
			return errListenerNotFound()
		}
		s.deleteListener(tx, sc, *in.ListenerArn)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteListenerOutput{}, nil
}

// checkConditions validates rule conditions and fills each one's config from
// its Values, as AWS reports both.
func checkConditions(conds []RuleCondition) ([]RuleCondition, error) {
	out := make([]RuleCondition, 0, len(conds))
	for _, c := range conds {
		f := ptr.Val(c.Field)
		switch f {
		case "path-pattern":
			if c.PathPatternConfig == nil && c.Values != nil {
				c.PathPatternConfig = &PathPatternConditionConfig{Values: c.Values}
			}
		case "host-header":
			if c.HostHeaderConfig == nil && c.Values != nil {
				c.HostHeaderConfig = &HostHeaderConditionConfig{Values: c.Values}
			}
		case "http-header":
			if c.HttpHeaderConfig == nil {
				return nil, validation("An http-header condition requires HttpHeaderConfig")
			}
		case "query-string":
			if c.QueryStringConfig == nil {
				return nil, validation("A query-string condition requires QueryStringConfig")
			}
		case "source-ip":
			if c.SourceIpConfig == nil && c.Values != nil {
				c.SourceIpConfig = &SourceIpConditionConfig{Values: c.Values}
			}
		case "http-request-method":
			if c.HttpRequestMethodConfig == nil && c.Values != nil {
				c.HttpRequestMethodConfig = &HttpRequestMethodConditionConfig{Values: c.Values}
			}
		default:
			return nil, validation("Condition field '%s' is not supported", f)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, validation("A rule must have at least one condition")
	}
	return out, nil
}

// CreateRule creates a listener rule; priorities are unique per listener.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html
func (s *Service) CreateRule(ctx context.Context, in *CreateRuleInput) (*CreateRuleOutput, error) {
	sc := s.scope(ctx)
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	conds, err := checkConditions(in.Conditions)
	if err != nil {
		return nil, err
	}
	var out Rule
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		l, ok := s.listeners.Get(tx, sc, *in.ListenerArn)
		if !ok {
			return errListenerNotFound()
		}
		lb, err := s.getLB(tx, sc, *l.LoadBalancerArn)
		if err != nil {
			return err
		}
		prio := strconv.FormatInt(*in.Priority, 10)
		for _, r := range s.listenerRules(tx, sc, *in.ListenerArn) {
			if *r.Priority == prio {
				return awserr.New("PriorityInUse", 0, "Priority '%s' is currently in use", prio)
			}
		}
		actions, err := s.normalizeActions(tx, sc, *lb.Type, in.Actions)
		if err != nil {
			return err
		}
		out = Rule{RuleArn: ptr.To(childARN(*in.ListenerArn, "listener", "listener-rule")), IsDefault: ptr.To(false), Priority: ptr.To(prio), Conditions: conds, Actions: actions, Transforms: in.Transforms}
		s.rules.Put(tx, sc, *out.RuleArn, out)
		s.setTags(tx, sc, *out.RuleArn, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateRuleOutput{Rules: []Rule{out}}, nil
}

// sortRules orders rules by priority, the default rule last, as AWS lists them.
func sortRules(rules []Rule) {
	key := func(r Rule) int64 {
		if ptr.Val(r.IsDefault) {
			return 1 << 40
		}
		n, _ := strconv.ParseInt(*r.Priority, 10, 64)
		return n
	}
	slices.SortFunc(rules, func(a, b Rule) int { return int(key(a) - key(b)) })
}

// DescribeRules describes rules by ARN or a listener's.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html
func (s *Service) DescribeRules(ctx context.Context, in *DescribeRulesInput) (*DescribeRulesOutput, error) {
	sc := s.scope(ctx)
	if in.ListenerArn == nil && len(in.RuleArns) == 0 {
		return nil, validation("You must specify either listener ARN or rule ARNs")
	}
	var all []Rule
	err := s.db.View(func(tx *state.Tx) error {
		if in.ListenerArn != nil {
			if _, ok := s.listeners.Get(tx, sc, *in.ListenerArn); !ok {
				return errListenerNotFound()
			}
			all = s.listenerRules(tx, sc, *in.ListenerArn)
			sortRules(all)
			return nil
		}
		for _, a := range in.RuleArns {
			r, ok := s.rules.Get(tx, sc, a)
			if !ok {
				return errRuleNotFound()
			}
			all = append(all, r)
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
	return &DescribeRulesOutput{Rules: nonNil(items), NextMarker: next}, nil
}

// ModifyRule replaces a rule's conditions or actions.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyRule.html
func (s *Service) ModifyRule(ctx context.Context, in *ModifyRuleInput) (*ModifyRuleOutput, error) {
	sc := s.scope(ctx)
	var out Rule
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.rules.Get(tx, sc, *in.RuleArn)
		if !ok {
			return errRuleNotFound()
		}
		if in.Conditions != nil {
			if ptr.Val(r.IsDefault) {
				return awserr.New("OperationNotPermitted", 0, "Conditions cannot be set on the default rule")
			}
			conds, err := checkConditions(in.Conditions)
			if err != nil {
				return err
			}
			r.Conditions = conds
		}
		if in.Actions != nil {
			lb, err := s.getLB(tx, sc, lbOfListener(listenerOfRule(*r.RuleArn)))
			if err != nil {
				return err
			}
			if r.Actions, err = s.normalizeActions(tx, sc, *lb.Type, in.Actions); err != nil {
				return err
			}
		}
		if in.Transforms != nil {
			r.Transforms = in.Transforms
		}
		s.rules.Put(tx, sc, *r.RuleArn, r)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyRuleOutput{Rules: []Rule{out}}, nil
}

// SetRulePriorities changes the priorities of rules; the result must keep priorities unique.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetRulePriorities.html
func (s *Service) SetRulePriorities(ctx context.Context, in *SetRulePrioritiesInput) (*SetRulePrioritiesOutput, error) {
	sc := s.scope(ctx)
	var out []Rule
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		changed := map[string]Rule{}
		for _, p := range in.RulePriorities {
			r, ok := s.rules.Get(tx, sc, ptr.Val(p.RuleArn))
			if !ok {
				return errRuleNotFound()
			}
			if ptr.Val(r.IsDefault) {
				return awserr.New("OperationNotPermitted", 0, "Default rule '%s' cannot have its priority changed", *r.RuleArn)
			}
			r.Priority = ptr.To(strconv.FormatInt(ptr.Val(p.Priority), 10))
			changed[*r.RuleArn] = r
		}
		for _, r := range changed {
			seen := map[string]bool{}
			for _, o := range s.listenerRules(tx, sc, listenerOfRule(*r.RuleArn)) {
				if c, ok := changed[*o.RuleArn]; ok {
					o = c
				}
				if seen[*o.Priority] {
					return awserr.New("PriorityInUse", 0, "Priority '%s' is currently in use", *o.Priority)
				}
				seen[*o.Priority] = true
			}
		}
		for _, r := range changed {
			s.rules.Put(tx, sc, *r.RuleArn, r)
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortRules(out)
	return &SetRulePrioritiesOutput{Rules: out}, nil
}

// DeleteRule deletes a rule other than a listener's default rule.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteRule.html
func (s *Service) DeleteRule(ctx context.Context, in *DeleteRuleInput) (*DeleteRuleOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.rules.Get(tx, sc, *in.RuleArn)
		if !ok {
			return errRuleNotFound()
		}
		if ptr.Val(r.IsDefault) {
			return awserr.New("OperationNotPermitted", 0, "Default rule '%s' cannot be deleted", *r.RuleArn)
		}
		s.rules.Delete(tx, sc, *r.RuleArn)
		s.tags.Delete(tx, sc, *r.RuleArn)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteRuleOutput{}, nil
}
