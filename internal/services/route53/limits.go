package route53

import (
	"context"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/dataplane/dns"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// GetAccountLimit returns one of the account's Route 53 quotas and how much
// of it is used.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetAccountLimit.html
func (s *Service) GetAccountLimit(ctx context.Context, in *GetAccountLimitRequest) (*GetAccountLimitResponse, error) {
	sc := scope(ctx)
	var limit, count int
	_ = s.db.View(func(tx *state.Tx) error {
		switch *in.Type {
		case "MAX_HOSTED_ZONES_BY_OWNER":
			limit, count = maxHostedZones, s.zones.Len(tx, sc)
		case "MAX_HEALTH_CHECKS_BY_OWNER":
			limit, count = maxHealthChecks, s.checks.Len(tx, sc)
		case "MAX_REUSABLE_DELEGATION_SETS_BY_OWNER":
			limit = 100
		case "MAX_TRAFFIC_POLICY_INSTANCES_BY_OWNER":
			limit = 5
		case "MAX_TRAFFIC_POLICIES_BY_OWNER":
			limit = 50
		}
		return nil
	})
	return &GetAccountLimitResponse{Limit: &AccountLimit{Type: in.Type, Value: ptr.To(int64(limit))}, Count: ptr.To(int64(count))}, nil
}

// GetHostedZoneLimit returns one of a hosted zone's quotas and its use.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZoneLimit.html
func (s *Service) GetHostedZoneLimit(ctx context.Context, in *GetHostedZoneLimitRequest) (*GetHostedZoneLimitResponse, error) {
	sc := scope(ctx)
	var z zoneRec
	err := s.db.View(func(tx *state.Tx) (err error) {
		z, err = s.zone(tx, sc, trimID(*in.HostedZoneId, "hostedzone"))
		return err
	})
	if err != nil {
		return nil, err
	}
	var limit, count int64
	switch *in.Type {
	case "MAX_RRSETS_BY_ZONE":
		limit, count = maxRRSetsPerZone, z.Records
	case "MAX_VPCS_ASSOCIATED_BY_ZONE":
		if !z.Private {
			return nil, awserr.New("HostedZoneNotPrivate", 400, "The specified hosted zone is a public hosted zone.")
		}
		limit, count = maxVPCsPerZone, int64(len(z.VPCs))
	}
	return &GetHostedZoneLimitResponse{Limit: &HostedZoneLimit{Type: in.Type, Value: ptr.To(limit)}, Count: ptr.To(count)}, nil
}

// GetDNSSEC reports a zone's DNSSEC signing status: haneul does not sign.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetDNSSEC.html
func (s *Service) GetDNSSEC(ctx context.Context, in *GetDNSSECRequest) (*GetDNSSECResponse, error) {
	if _, err := s.GetHostedZone(ctx, &GetHostedZoneRequest{Id: in.HostedZoneId}); err != nil {
		return nil, err
	}
	return &GetDNSSECResponse{Status: &DNSSECStatus{ServeSignature: ptr.To("NOT_SIGNING")}, KeySigningKeys: []KeySigningKey{}}, nil
}

// GetCheckerIpRanges returns the ranges Route 53's health checkers come
// from: haneul's checker is loopback.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetCheckerIpRanges.html
func (s *Service) GetCheckerIpRanges(context.Context, *GetCheckerIpRangesRequest) (*GetCheckerIpRangesResponse, error) {
	return &GetCheckerIpRangesResponse{CheckerIpRanges: []string{"127.0.0.0/8"}}, nil
}

// rcodeNames are the response codes as TestDNSAnswer reports them.
var rcodeNames = map[int]string{
	dns.RcodeSuccess: "NOERROR", dns.RcodeFormErr: "FORMERR", dns.RcodeServFail: "SERVFAIL",
	dns.RcodeNXDomain: "NXDOMAIN", dns.RcodeNotImp: "NOTIMP", dns.RcodeRefused: "REFUSED",
}

// TestDNSAnswer asks haneul's DNS server what it answers for a name and
// type, as Route 53 asks one of its name servers for the zone.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html
func (s *Service) TestDNSAnswer(ctx context.Context, in *TestDNSAnswerRequest) (*TestDNSAnswerResponse, error) {
	if _, err := s.GetHostedZone(ctx, &GetHostedZoneRequest{Id: in.HostedZoneId}); err != nil {
		return nil, err
	}
	t, ok := dns.TypeNumber(*in.RecordType)
	if !ok {
		return nil, invalidInput("Invalid record type: %s", *in.RecordType)
	}
	a := s.auth.Answer(dns.Question{Name: canonical(*in.RecordName), Type: t, Class: 1})
	out := &TestDNSAnswerResponse{
		Nameserver: ptr.To(nameServers[0]), Protocol: ptr.To("UDP"),
		RecordName: in.RecordName, RecordType: in.RecordType,
		ResponseCode: ptr.To(rcodeNames[a.Rcode]), RecordData: []string{},
	}
	for _, rr := range a.Answer {
		if rr.Type == t {
			out.RecordData = append(out.RecordData, rr.Text())
		}
	}
	return out, nil
}
