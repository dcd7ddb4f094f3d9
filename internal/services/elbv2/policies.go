package elbv2

import (
	"context"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
)

// sslPolicy is a predefined security policy: its TLS versions and ciphers in order.
type sslPolicy struct {
	protocols []string
	ciphers   []string
}

// tls12Ciphers are the ciphers of ELBSecurityPolicy-TLS-1-2-2017-01.
var tls12Ciphers = []string{
	"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256",
	"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384",
	"AES128-GCM-SHA256", "AES128-SHA256", "AES256-GCM-SHA384", "AES256-SHA256",
}

// legacyCiphers are the ciphers of ELBSecurityPolicy-2016-08 (the TLS 1.2
// ones, then the SHA-1 ones TLS 1.0/1.1 clients use).
var legacyCiphers = append(append([]string{}, tls12Ciphers[:4]...), append([]string{
	"ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA"}, append(append([]string{}, tls12Ciphers[4:8]...),
	"ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA", "AES128-GCM-SHA256", "AES128-SHA256", "AES128-SHA", "AES256-GCM-SHA384", "AES256-SHA256", "AES256-SHA")...)...)

var tls13Ciphers = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}

// sslPolicies are the predefined policies haneul knows. AWS: "Security
// policies for your Application Load Balancer".
var sslPolicies = map[string]sslPolicy{
	"ELBSecurityPolicy-2016-08":                   {[]string{"TLSv1", "TLSv1.1", "TLSv1.2"}, legacyCiphers},
	"ELBSecurityPolicy-TLS-1-1-2017-01":           {[]string{"TLSv1.1", "TLSv1.2"}, legacyCiphers},
	"ELBSecurityPolicy-TLS-1-2-2017-01":           {[]string{"TLSv1.2"}, tls12Ciphers},
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06":       {[]string{"TLSv1.2"}, legacyCiphers},
	"ELBSecurityPolicy-FS-1-2-Res-2020-10":        {[]string{"TLSv1.2"}, []string{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"}},
	"ELBSecurityPolicy-TLS13-1-2-2021-06":         {[]string{"TLSv1.2", "TLSv1.3"}, append(append([]string{}, tls13Ciphers...), tls12Ciphers...)},
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06":     {[]string{"TLSv1.2", "TLSv1.3"}, append(append([]string{}, tls13Ciphers...), "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384")},
	"ELBSecurityPolicy-TLS13-1-3-2021-06":         {[]string{"TLSv1.3"}, tls13Ciphers},
	"ELBSecurityPolicy-TLS13-1-2-2021-06-PQ-2025": {[]string{"TLSv1.2", "TLSv1.3"}, append(append([]string{}, tls13Ciphers...), tls12Ciphers...)},
}

// DescribeSSLPolicies describes the predefined security policies.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeSSLPolicies.html
func (s *Service) DescribeSSLPolicies(ctx context.Context, in *DescribeSSLPoliciesInput) (*DescribeSSLPoliciesOutput, error) {
	names := in.Names
	if len(names) == 0 {
		names = sortedKeys(sslPolicies)
	}
	out := []SslPolicy{}
	for _, n := range names {
		p, ok := sslPolicies[n]
		if !ok {
			return nil, awserr.New("SSLPolicyNotFound", 0, "One or more SSL policies not found")
		}
		sp := SslPolicy{Name: ptr.To(n), SslProtocols: p.protocols, SupportedLoadBalancerTypes: []string{"application", "network"}}
		for i, c := range p.ciphers {
			sp.Ciphers = append(sp.Ciphers, Cipher{Name: ptr.To(c), Priority: ptr.To(int64(i + 1))})
		}
		if t := ptr.Val(in.LoadBalancerType); t != "" && t != "application" && t != "network" {
			continue
		}
		out = append(out, sp)
	}
	items, next, err := page(out, in.Marker, in.PageSize)
	if err != nil {
		return nil, err
	}
	return &DescribeSSLPoliciesOutput{SslPolicies: items, NextMarker: next}, nil
}

// accountLimits are ELB's default quotas per region. AWS: "Quotas for your
// Application Load Balancers" / "… Network Load Balancers".
var accountLimits = [][2]string{
	{"application-load-balancers", "50"}, {"condition-values-per-alb-rule", "5"}, {"condition-wildcards-per-alb-rule", "5"},
	{"gateway-load-balancers", "100"}, {"gateway-load-balancers-per-vpc", "100"}, {"geneve-target-groups", "100"},
	{"listeners-per-application-load-balancer", "50"}, {"listeners-per-network-load-balancer", "50"},
	{"network-load-balancer-enis-per-vpc", "1200"}, {"network-load-balancers", "50"},
	{"rules-per-application-load-balancer", "100"}, {"target-groups", "3000"},
	{"target-groups-per-action-on-application-load-balancer", "5"}, {"target-groups-per-action-on-network-load-balancer", "1"},
	{"target-groups-per-application-load-balancer", "100"}, {"targets-per-application-load-balancer", "1000"},
	{"targets-per-availability-zone-per-gateway-load-balancer", "300"}, {"targets-per-availability-zone-per-network-load-balancer", "500"},
	{"targets-per-network-load-balancer", "3000"},
}

// DescribeAccountLimits lists ELB's quotas.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeAccountLimits.html
func (s *Service) DescribeAccountLimits(ctx context.Context, in *DescribeAccountLimitsInput) (*DescribeAccountLimitsOutput, error) {
	var all []Limit
	for _, l := range accountLimits {
		all = append(all, Limit{Name: ptr.To(l[0]), Max: ptr.To(l[1])})
	}
	items, next, err := page(all, in.Marker, in.PageSize)
	if err != nil {
		return nil, err
	}
	return &DescribeAccountLimitsOutput{Limits: items, NextMarker: next}, nil
}
