package elb

import (
	"context"
	"slices"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// policyTypes are the policy types a load balancer's own policies may have.
// AWS: DescribeLoadBalancerPolicyTypes lists these (with more attributes).
var policyTypes = []PolicyTypeDescription{
	{PolicyTypeName: ptr.To("ProxyProtocolPolicyType"), Description: ptr.To("Policy that controls whether to include the IP address and port of the originating request for TCP messages. This policy operates on TCP listeners only."),
		PolicyAttributeTypeDescriptions: []PolicyAttributeTypeDescription{{AttributeName: ptr.To("ProxyProtocol"), AttributeType: ptr.To("Boolean"), Cardinality: ptr.To("ONE")}}},
	{PolicyTypeName: ptr.To("LBCookieStickinessPolicyType"), Description: ptr.To("Stickiness policy with session lifetimes controlled by the browser (user-agent) or a specified expiration period. This policy can be associated only with HTTP/HTTPS listeners."),
		PolicyAttributeTypeDescriptions: []PolicyAttributeTypeDescription{{AttributeName: ptr.To("CookieExpirationPeriod"), AttributeType: ptr.To("Long"), Cardinality: ptr.To("ZERO_OR_ONE")}}},
	{PolicyTypeName: ptr.To("AppCookieStickinessPolicyType"), Description: ptr.To("Stickiness policy with session lifetimes controlled by the lifetime of the application-generated cookie. This policy can be associated only with HTTP/HTTPS listeners."),
		PolicyAttributeTypeDescriptions: []PolicyAttributeTypeDescription{{AttributeName: ptr.To("CookieName"), AttributeType: ptr.To("String"), Cardinality: ptr.To("ONE")}}},
	{PolicyTypeName: ptr.To("SSLNegotiationPolicyType"), Description: ptr.To("Listener policy that defines the ciphers and protocols that will be accepted by the load balancer. This policy can be associated only with HTTPS/SSL listeners."),
		PolicyAttributeTypeDescriptions: []PolicyAttributeTypeDescription{{AttributeName: ptr.To("Reference-Security-Policy"), AttributeType: ptr.To("String"), Cardinality: ptr.To("ZERO_OR_ONE")}}},
	{PolicyTypeName: ptr.To("BackendServerAuthenticationPolicyType"), Description: ptr.To("Policy that controls authentication to back-end server(s) and contains one or more policies, such as an instance of a PublicKeyPolicyType. This policy can be associated only with back-end servers that are using HTTPS/SSL."),
		PolicyAttributeTypeDescriptions: []PolicyAttributeTypeDescription{{AttributeName: ptr.To("PublicKeyPolicyName"), AttributeType: ptr.To("PolicyName"), Cardinality: ptr.To("ONE_OR_MORE")}}},
	{PolicyTypeName: ptr.To("PublicKeyPolicyType"), Description: ptr.To("Policy containing a list of public keys to accept when authenticating the back-end server(s). This policy cannot be applied directly to back-end servers or listeners but must be part of a BackendServerAuthenticationPolicyType."),
		PolicyAttributeTypeDescriptions: []PolicyAttributeTypeDescription{{AttributeName: ptr.To("PublicKey"), AttributeType: ptr.To("String"), Cardinality: ptr.To("ONE")}}},
}

// DescribeLoadBalancerPolicyTypes lists the policy types, or those named.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeLoadBalancerPolicyTypes.html
func (s *Service) DescribeLoadBalancerPolicyTypes(ctx context.Context, in *DescribeLoadBalancerPolicyTypesInput) (*DescribeLoadBalancerPolicyTypesOutput, error) {
	if len(in.PolicyTypeNames) == 0 {
		return &DescribeLoadBalancerPolicyTypesOutput{PolicyTypeDescriptions: policyTypes}, nil
	}
	out := []PolicyTypeDescription{}
	for _, n := range in.PolicyTypeNames {
		i := slices.IndexFunc(policyTypes, func(t PolicyTypeDescription) bool { return *t.PolicyTypeName == n })
		if i < 0 {
			return nil, awserr.New("PolicyTypeNotFound", 400, "One or more specified policy types do not exist: %s", n)
		}
		out = append(out, policyTypes[i])
	}
	return &DescribeLoadBalancerPolicyTypesOutput{PolicyTypeDescriptions: out}, nil
}

// addPolicy stores a policy on a load balancer; the name must be new.
func addPolicy(r *lbRec, p PolicyDescription) error {
	if slices.ContainsFunc(r.Policies, func(x PolicyDescription) bool { return *x.PolicyName == *p.PolicyName }) {
		return awserr.New("DuplicatePolicyName", 400, "Policy with the same name exists for this LoadBalancer. Please choose another name.")
	}
	if p.PolicyAttributeDescriptions == nil {
		p.PolicyAttributeDescriptions = []PolicyAttributeDescription{}
	}
	r.Policies = append(r.Policies, p)
	pol := r.LoadBalancerDescription.Policies
	switch *p.PolicyTypeName {
	case "LBCookieStickinessPolicyType":
		var exp *int64
		for _, a := range p.PolicyAttributeDescriptions {
			if *a.AttributeName == "CookieExpirationPeriod" {
				if n, err := strconv.ParseInt(ptr.Val(a.AttributeValue), 10, 64); err == nil {
					exp = &n
				}
			}
		}
		pol.LBCookieStickinessPolicies = append(slices.Clone(pol.LBCookieStickinessPolicies), LBCookieStickinessPolicy{PolicyName: p.PolicyName, CookieExpirationPeriod: exp})
	case "AppCookieStickinessPolicyType":
		var cookie *string
		for _, a := range p.PolicyAttributeDescriptions {
			if *a.AttributeName == "CookieName" {
				cookie = a.AttributeValue
			}
		}
		pol.AppCookieStickinessPolicies = append(slices.Clone(pol.AppCookieStickinessPolicies), AppCookieStickinessPolicy{PolicyName: p.PolicyName, CookieName: cookie})
	default:
		pol.OtherPolicies = append(slices.Clone(pol.OtherPolicies), *p.PolicyName)
	}
	return nil
}

// CreateLoadBalancerPolicy creates a policy of a known type on a load balancer.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_CreateLoadBalancerPolicy.html
func (s *Service) CreateLoadBalancerPolicy(ctx context.Context, in *CreateLoadBalancerPolicyInput) (*CreateLoadBalancerPolicyOutput, error) {
	if !slices.ContainsFunc(policyTypes, func(t PolicyTypeDescription) bool { return *t.PolicyTypeName == *in.PolicyTypeName }) {
		return nil, awserr.New("PolicyTypeNotFound", 400, "One or more specified policy types do not exist: %s", *in.PolicyTypeName)
	}
	p := PolicyDescription{PolicyName: in.PolicyName, PolicyTypeName: in.PolicyTypeName}
	for _, a := range in.PolicyAttributes {
		p.PolicyAttributeDescriptions = append(p.PolicyAttributeDescriptions, PolicyAttributeDescription(a))
	}
	if _, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error { return addPolicy(r, p) }); err != nil {
		return nil, err
	}
	return &CreateLoadBalancerPolicyOutput{}, nil
}

// CreateLBCookieStickinessPolicy creates a duration-based stickiness policy.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_CreateLBCookieStickinessPolicy.html
func (s *Service) CreateLBCookieStickinessPolicy(ctx context.Context, in *CreateLBCookieStickinessPolicyInput) (*CreateLBCookieStickinessPolicyOutput, error) {
	p := PolicyDescription{PolicyName: in.PolicyName, PolicyTypeName: ptr.To("LBCookieStickinessPolicyType"), PolicyAttributeDescriptions: []PolicyAttributeDescription{}}
	if in.CookieExpirationPeriod != nil {
		p.PolicyAttributeDescriptions = append(p.PolicyAttributeDescriptions, PolicyAttributeDescription{AttributeName: ptr.To("CookieExpirationPeriod"), AttributeValue: ptr.To(itoa(*in.CookieExpirationPeriod))})
	}
	if _, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error { return addPolicy(r, p) }); err != nil {
		return nil, err
	}
	return &CreateLBCookieStickinessPolicyOutput{}, nil
}

// CreateAppCookieStickinessPolicy creates an application-cookie stickiness policy.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_CreateAppCookieStickinessPolicy.html
func (s *Service) CreateAppCookieStickinessPolicy(ctx context.Context, in *CreateAppCookieStickinessPolicyInput) (*CreateAppCookieStickinessPolicyOutput, error) {
	p := PolicyDescription{PolicyName: in.PolicyName, PolicyTypeName: ptr.To("AppCookieStickinessPolicyType"),
		PolicyAttributeDescriptions: []PolicyAttributeDescription{{AttributeName: ptr.To("CookieName"), AttributeValue: in.CookieName}}}
	if _, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error { return addPolicy(r, p) }); err != nil {
		return nil, err
	}
	return &CreateAppCookieStickinessPolicyOutput{}, nil
}

// DeleteLoadBalancerPolicy deletes a policy no listener or back end uses.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DeleteLoadBalancerPolicy.html
func (s *Service) DeleteLoadBalancerPolicy(ctx context.Context, in *DeleteLoadBalancerPolicyInput) (*DeleteLoadBalancerPolicyOutput, error) {
	name := *in.PolicyName
	_, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		for _, l := range r.ListenerDescriptions {
			if slices.Contains(l.PolicyNames, name) {
				// AWS: a policy in use cannot be deleted.
				return invalidConfig("Cannot delete policy %s: it is enabled for a listener", name)
			}
		}
		for _, b := range r.BackendServerDescriptions {
			if slices.Contains(b.PolicyNames, name) {
				return invalidConfig("Cannot delete policy %s: it is enabled for a back-end server", name)
			}
		}
		r.Policies = slices.DeleteFunc(r.Policies, func(p PolicyDescription) bool { return *p.PolicyName == name })
		pol := r.LoadBalancerDescription.Policies
		pol.LBCookieStickinessPolicies = slices.DeleteFunc(slices.Clone(pol.LBCookieStickinessPolicies), func(p LBCookieStickinessPolicy) bool { return *p.PolicyName == name })
		pol.AppCookieStickinessPolicies = slices.DeleteFunc(slices.Clone(pol.AppCookieStickinessPolicies), func(p AppCookieStickinessPolicy) bool { return *p.PolicyName == name })
		pol.OtherPolicies = slices.DeleteFunc(slices.Clone(pol.OtherPolicies), func(p string) bool { return p == name })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteLoadBalancerPolicyOutput{}, nil
}

// DescribeLoadBalancerPolicies lists a load balancer's policies, or those named.
// Without a load balancer it lists AWS's sample policies; haneul has none.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeLoadBalancerPolicies.html
func (s *Service) DescribeLoadBalancerPolicies(ctx context.Context, in *DescribeLoadBalancerPoliciesInput) (*DescribeLoadBalancerPoliciesOutput, error) {
	out := []PolicyDescription{}
	if in.LoadBalancerName == nil {
		if len(in.PolicyNames) > 0 {
			return nil, awserr.New("PolicyNotFound", 400, "One or more specified policies were not found: %s", in.PolicyNames[0])
		}
		return &DescribeLoadBalancerPoliciesOutput{PolicyDescriptions: out}, nil
	}
	sc := s.scope(ctx)
	var r lbRec
	if err := s.db.View(func(tx *state.Tx) (err error) { r, err = s.getLB(tx, sc, *in.LoadBalancerName); return err }); err != nil {
		return nil, err
	}
	if len(in.PolicyNames) == 0 {
		return &DescribeLoadBalancerPoliciesOutput{PolicyDescriptions: append(out, r.Policies...)}, nil
	}
	for _, n := range in.PolicyNames {
		i := slices.IndexFunc(r.Policies, func(p PolicyDescription) bool { return *p.PolicyName == n })
		if i < 0 {
			return nil, awserr.New("PolicyNotFound", 400, "One or more specified policies were not found: %s", n)
		}
		out = append(out, r.Policies[i])
	}
	return &DescribeLoadBalancerPoliciesOutput{PolicyDescriptions: out}, nil
}

func checkPolicies(r lbRec, names []string) error {
	for _, n := range names {
		if !slices.ContainsFunc(r.Policies, func(p PolicyDescription) bool { return *p.PolicyName == n }) {
			return awserr.New("PolicyNotFound", 400, "One or more specified policies were not found: %s", n)
		}
	}
	return nil
}

// SetLoadBalancerPoliciesOfListener replaces the policies of a listener (none clears them).
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_SetLoadBalancerPoliciesOfListener.html
func (s *Service) SetLoadBalancerPoliciesOfListener(ctx context.Context, in *SetLoadBalancerPoliciesOfListenerInput) (*SetLoadBalancerPoliciesOfListenerOutput, error) {
	_, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		i, err := listenerIndex(*r, *in.LoadBalancerPort)
		if err != nil {
			return err
		}
		if err := checkPolicies(*r, in.PolicyNames); err != nil {
			return err
		}
		r.ListenerDescriptions[i].PolicyNames = append([]string{}, in.PolicyNames...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetLoadBalancerPoliciesOfListenerOutput{}, nil
}

// SetLoadBalancerPoliciesForBackendServer replaces the policies of an instance port (none clears them).
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_SetLoadBalancerPoliciesForBackendServer.html
func (s *Service) SetLoadBalancerPoliciesForBackendServer(ctx context.Context, in *SetLoadBalancerPoliciesForBackendServerInput) (*SetLoadBalancerPoliciesForBackendServerOutput, error) {
	_, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		if err := checkPolicies(*r, in.PolicyNames); err != nil {
			return err
		}
		r.BackendServerDescriptions = slices.DeleteFunc(r.BackendServerDescriptions, func(b BackendServerDescription) bool { return *b.InstancePort == *in.InstancePort })
		if len(in.PolicyNames) > 0 {
			r.BackendServerDescriptions = append(r.BackendServerDescriptions, BackendServerDescription{InstancePort: in.InstancePort, PolicyNames: append([]string{}, in.PolicyNames...)})
			slices.SortFunc(r.BackendServerDescriptions, func(a, b BackendServerDescription) int { return int(*a.InstancePort - *b.InstancePort) })
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetLoadBalancerPoliciesForBackendServerOutput{}, nil
}
