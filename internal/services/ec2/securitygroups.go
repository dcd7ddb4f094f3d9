package ec2

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// sgRule is one security group rule: one protocol and port range from (or to)
// one peer — a CIDR block, another group, or a prefix list.
type sgRule struct {
	ID          string
	Egress      bool
	Protocol    string // tcp, udp, icmp, icmpv6, -1, or a protocol number
	From, To    int64  // -1 when the protocol has no ports
	CIDR        string
	CIDRv6      string
	Group       string
	GroupOwner  string
	PrefixList  string
	Description string
}

// peer names the rule's other side, for duplicate checks and messages.
func (r sgRule) peer() string {
	return r.CIDR + r.CIDRv6 + r.Group + r.PrefixList
}

func (r sgRule) same(o sgRule) bool {
	return r.Egress == o.Egress && r.Protocol == o.Protocol && r.From == o.From && r.To == o.To && r.peer() == o.peer()
}

// sgRec is a security group and its rules.
type sgRec struct {
	SecurityGroup
	Rules []sgRule
}

func (g sgRec) id() string { return *g.GroupId }

// sgProtocol normalises a rule's protocol as AWS reports it.
//
// AWS: tcp/udp/icmp by name or number become their names; all, -1 become -1;
// other protocol numbers stay numbers.
func sgProtocol(p string) string {
	switch strings.ToLower(p) {
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	case "58", "icmpv6":
		return "icmpv6"
	case "-1", "all":
		return "-1"
	}
	return p
}

// newSecurityGroup creates a group; egress adds the allow-all egress rule
// every new group has, self the default group's self-referencing ingress rule.
func (s *Service) newSecurityGroup(tx *state.Tx, sc state.Scope, vpcID, name, desc string, egress, self bool) sgRec {
	id := ids.Hex("sg", 17)
	g := sgRec{SecurityGroup: SecurityGroup{
		GroupId: ptr.To(id), GroupName: ptr.To(name), Description: ptr.To(desc), VpcId: ptr.To(vpcID), OwnerId: ptr.To(sc.Account),
		SecurityGroupArn: ptr.To("arn:aws:ec2:" + sc.Region + ":" + sc.Account + ":security-group/" + id),
	}}
	if self {
		g.Rules = append(g.Rules, sgRule{ID: ids.Hex("sgr", 17), Protocol: "-1", From: -1, To: -1, Group: id, GroupOwner: sc.Account})
	}
	if egress {
		g.Rules = append(g.Rules, sgRule{ID: ids.Hex("sgr", 17), Egress: true, Protocol: "-1", From: -1, To: -1, CIDR: "0.0.0.0/0"})
	}
	s.sgs.Put(tx, sc, id, g)
	return g
}

// permissions groups rules into IpPermissions, as DescribeSecurityGroups shows them.
func permissions(rules []sgRule, egress bool, vpcID string) []IpPermission {
	out := []IpPermission{}
	for _, r := range rules {
		if r.Egress != egress {
			continue
		}
		i := slices.IndexFunc(out, func(p IpPermission) bool {
			return *p.IpProtocol == r.Protocol && ptr.Val(p.FromPort) == r.From && ptr.Val(p.ToPort) == r.To
		})
		if i < 0 {
			p := IpPermission{IpProtocol: ptr.To(r.Protocol), IpRanges: []IpRange{}, Ipv6Ranges: []Ipv6Range{}, PrefixListIds: []PrefixListId{}, UserIdGroupPairs: []UserIdGroupPair{}}
			// AWS: rules for all protocols carry no ports.
			if r.Protocol != "-1" {
				p.FromPort, p.ToPort = ptr.To(r.From), ptr.To(r.To)
			}
			out = append(out, p)
			i = len(out) - 1
		}
		p := &out[i]
		desc := func() *string {
			if r.Description == "" {
				return nil
			}
			return ptr.To(r.Description)
		}
		switch {
		case r.CIDR != "":
			p.IpRanges = append(p.IpRanges, IpRange{CidrIp: ptr.To(r.CIDR), Description: desc()})
		case r.CIDRv6 != "":
			p.Ipv6Ranges = append(p.Ipv6Ranges, Ipv6Range{CidrIpv6: ptr.To(r.CIDRv6), Description: desc()})
		case r.Group != "":
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, UserIdGroupPair{GroupId: ptr.To(r.Group), UserId: ptr.To(r.GroupOwner), Description: desc()})
		case r.PrefixList != "":
			p.PrefixListIds = append(p.PrefixListIds, PrefixListId{PrefixListId: ptr.To(r.PrefixList), Description: desc()})
		}
	}
	return out
}

func (s *Service) sgOut(tx *state.Tx, sc state.Scope, g sgRec) SecurityGroup {
	out := g.SecurityGroup
	out.IpPermissions = permissions(g.Rules, false, *g.VpcId)
	out.IpPermissionsEgress = permissions(g.Rules, true, *g.VpcId)
	out.Tags = s.tagList(tx, sc, g.id())
	return out
}

func ruleOut(g sgRec, r sgRule, sc state.Scope) SecurityGroupRule {
	out := SecurityGroupRule{
		SecurityGroupRuleId: ptr.To(r.ID), GroupId: g.GroupId, GroupOwnerId: g.OwnerId, IsEgress: ptr.To(r.Egress),
		IpProtocol: ptr.To(r.Protocol), FromPort: ptr.To(r.From), ToPort: ptr.To(r.To),
		SecurityGroupRuleArn: ptr.To("arn:aws:ec2:" + sc.Region + ":" + sc.Account + ":security-group-rule/" + r.ID),
	}
	if r.CIDR != "" {
		out.CidrIpv4 = ptr.To(r.CIDR)
	}
	if r.CIDRv6 != "" {
		out.CidrIpv6 = ptr.To(r.CIDRv6)
	}
	if r.PrefixList != "" {
		out.PrefixListId = ptr.To(r.PrefixList)
	}
	if r.Group != "" {
		out.ReferencedGroupInfo = &ReferencedSecurityGroup{GroupId: ptr.To(r.Group), UserId: ptr.To(r.GroupOwner)}
	}
	if r.Description != "" {
		out.Description = ptr.To(r.Description)
	}
	return out
}

func (s *Service) sgKind() *kind[sgRec] {
	perm := func(egress bool, f func(sgRule) string) func(sgRec) []string {
		return func(g sgRec) []string {
			var out []string
			for _, r := range g.Rules {
				if r.Egress == egress {
					if v := f(r); v != "" {
						out = append(out, v)
					}
				}
			}
			return out
		}
	}
	fm := map[string]func(sgRec) []string{
		"group-id":    func(g sgRec) []string { return []string{g.id()} },
		"group-name":  func(g sgRec) []string { return []string{*g.GroupName} },
		"description": func(g sgRec) []string { return []string{*g.Description} },
		"vpc-id":      func(g sgRec) []string { return []string{*g.VpcId} },
		"owner-id":    func(g sgRec) []string { return []string{*g.OwnerId} },
	}
	for prefix, egress := range map[string]bool{"ip-permission.": false, "egress.ip-permission.": true} {
		fm[prefix+"cidr"] = perm(egress, func(r sgRule) string { return r.CIDR })
		fm[prefix+"ipv6-cidr"] = perm(egress, func(r sgRule) string { return r.CIDRv6 })
		fm[prefix+"group-id"] = perm(egress, func(r sgRule) string { return r.Group })
		fm[prefix+"prefix-list-id"] = perm(egress, func(r sgRule) string { return r.PrefixList })
		fm[prefix+"protocol"] = perm(egress, func(r sgRule) string { return r.Protocol })
		fm[prefix+"from-port"] = perm(egress, func(r sgRule) string { return strconv.FormatInt(r.From, 10) })
		fm[prefix+"to-port"] = perm(egress, func(r sgRule) string { return strconv.FormatInt(r.To, 10) })
		fm[prefix+"user-id"] = perm(egress, func(r sgRule) string { return r.GroupOwner })
	}
	return &kind[sgRec]{table: s.sgs, prefix: "sg", id: sgRec.id, notFound: notFoundIDs, filters: fm}
}

// groupByRef finds a group by id, or by name in the given (or the default) VPC.
func (s *Service) groupByRef(tx *state.Tx, sc state.Scope, id, name, vpcID *string) (sgRec, error) {
	if id != nil {
		g, ok := s.sgs.Get(tx, sc, *id)
		if !ok {
			return g, notFoundFor(*id)
		}
		return g, nil
	}
	if name == nil {
		return sgRec{}, awserr.New("MissingParameter", 400, "The request must contain the parameter groupName or groupId")
	}
	vpc := ptr.Val(vpcID)
	if vpc == "" {
		vpc, _ = s.meta.Get(tx, sc, "defaults")
	}
	var found *sgRec
	s.sgs.Ascend(tx, sc, "", func(_ string, g sgRec) bool {
		if *g.GroupName == *name && *g.VpcId == vpc {
			found = &g
		}
		return found == nil
	})
	if found == nil {
		return sgRec{}, awserr.New("InvalidGroup.NotFound", 400, "The security group '%s' does not exist in default VPC '%s'", *name, vpc)
	}
	return *found, nil
}

// CreateSecurityGroup creates a security group with the allow-all egress rule.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
func (s *Service) CreateSecurityGroup(ctx context.Context, in *CreateSecurityGroupRequest) (*CreateSecurityGroupResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	// AWS: names like group ids are refused.
	if strings.HasPrefix(*in.GroupName, "sg-") {
		return nil, awserr.New("InvalidParameterValue", 400, "Group names may not be in the format sg-*")
	}
	tags, err := specTags(in.TagSpecifications, "security-group")
	if err != nil {
		return nil, err
	}
	out := &CreateSecurityGroupResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		vpc := ptr.Val(in.VpcId)
		if vpc == "" {
			if vpc, _ = s.meta.Get(tx, sc, "defaults"); vpc == "" || vpc == "none" {
				return awserr.New("VPCIdNotSpecified", 400, "No default VPC for this user")
			}
		}
		if _, err := s.getVPC(tx, sc, vpc); err != nil {
			return err
		}
		var dup bool
		s.sgs.Ascend(tx, sc, "", func(_ string, g sgRec) bool {
			dup = *g.VpcId == vpc && *g.GroupName == *in.GroupName
			return !dup
		})
		if dup {
			return awserr.New("InvalidGroup.Duplicate", 400, "The security group '%s' already exists for VPC '%s'", *in.GroupName, vpc)
		}
		g := s.newSecurityGroup(tx, sc, vpc, *in.GroupName, *in.Description, true, false)
		s.setTags(tx, sc, g.id(), tags)
		out.GroupId, out.SecurityGroupArn, out.Tags = g.GroupId, g.SecurityGroupArn, s.tagList(tx, sc, g.id())
		return nil
	})
	return out, err
}

// DescribeSecurityGroups lists security groups.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html
func (s *Service) DescribeSecurityGroups(ctx context.Context, in *DescribeSecurityGroupsRequest) (*DescribeSecurityGroupsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeSecurityGroupsResult{SecurityGroups: []SecurityGroup{}}
	err = s.db.View(func(tx *state.Tx) error {
		groupIDs := in.GroupIds
		for _, n := range in.GroupNames {
			g, err := s.groupByRef(tx, sc, nil, ptr.To(n), nil)
			if err != nil {
				return err
			}
			groupIDs = append(groupIDs, g.id())
		}
		recs, next, err := describe(s, tx, sc, s.kinds.sg, query{groupIDs, in.Filters, in.MaxResults, in.NextToken})
		for _, g := range recs {
			out.SecurityGroups = append(out.SecurityGroups, s.sgOut(tx, sc, g))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// DeleteSecurityGroup deletes a group no instance uses and no other group references.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html
func (s *Service) DeleteSecurityGroup(ctx context.Context, in *DeleteSecurityGroupRequest) (*DeleteSecurityGroupResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DeleteSecurityGroupResult{Return: ptr.To(true)}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.groupByRef(tx, sc, in.GroupId, in.GroupName, nil)
		if err != nil {
			return err
		}
		if *g.GroupName == "default" {
			return awserr.New("CannotDelete", 400, "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.id())
		}
		// AWS: a group in use by an instance, an interface or an endpoint, or referenced by another group's rule, is DependencyViolation.
		dep := awserr.New("DependencyViolation", 400, "resource %s has a dependent object", g.id())
		used := false
		s.instances.Ascend(tx, sc, "", func(_ string, r instanceRec) bool {
			if s.settleInstance(r).stateName() != "terminated" {
				used = slices.ContainsFunc(r.SecurityGroups, func(x GroupIdentifier) bool { return *x.GroupId == g.id() })
			}
			return !used
		})
		s.sgs.Ascend(tx, sc, "", func(id string, o sgRec) bool {
			if id != g.id() {
				used = used || slices.ContainsFunc(o.Rules, func(r sgRule) bool { return r.Group == g.id() })
			}
			return !used
		})
		s.vpces.Ascend(tx, sc, "", func(_ string, e vpceRec) bool {
			used = used || (ptr.Val(e.State) != "deleted" && slices.ContainsFunc(e.Groups, func(x SecurityGroupIdentifier) bool { return ptr.Val(x.GroupId) == g.id() }))
			return !used
		})
		s.enis.Ascend(tx, sc, "", func(_ string, e eniRec) bool {
			used = used || slices.ContainsFunc(e.Groups, func(x GroupIdentifier) bool { return *x.GroupId == g.id() })
			return !used
		})
		if used {
			return dep
		}
		for _, r := range g.Rules {
			s.dropTags(tx, sc, r.ID)
		}
		s.sgs.Delete(tx, sc, g.id())
		s.dropTags(tx, sc, g.id())
		out.GroupId = g.GroupId
		return nil
	})
	return out, err
}

// ruleInput is what Authorize and Revoke take, in either of their two forms.
type ruleInput struct {
	GroupID, GroupName                         *string
	Perms                                      []IpPermission
	CidrIP, Protocol, SourceGroup, SourceOwner *string
	From, To                                   *int64
}

// expand turns the request's permissions into single rules.
func (s *Service) expand(tx *state.Tx, sc state.Scope, g sgRec, in ruleInput, egress bool) ([]sgRule, error) {
	perms := in.Perms
	if in.Protocol != nil || in.CidrIP != nil || in.SourceGroup != nil {
		p := IpPermission{IpProtocol: in.Protocol, FromPort: in.From, ToPort: in.To}
		if p.IpProtocol == nil {
			p.IpProtocol = ptr.To("-1")
		}
		if in.CidrIP != nil {
			p.IpRanges = []IpRange{{CidrIp: in.CidrIP}}
		}
		if in.SourceGroup != nil {
			src, err := s.groupByRef(tx, sc, nil, in.SourceGroup, g.VpcId)
			if err != nil {
				return nil, err
			}
			p.UserIdGroupPairs = []UserIdGroupPair{{GroupId: src.GroupId}}
		}
		perms = append(slices.Clone(perms), p)
	}
	var out []sgRule
	for _, p := range perms {
		proto := sgProtocol(ptr.Val(p.IpProtocol))
		from, to := int64(-1), int64(-1)
		switch proto {
		case "-1":
		case "tcp", "udp":
			// AWS: TCP and UDP rules need ports within 0–65535, from ≤ to.
			if p.FromPort == nil || p.ToPort == nil {
				return nil, awserr.New("InvalidParameterValue", 400, "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange")
			}
			from, to = *p.FromPort, *p.ToPort
			if from < 0 || to > 65535 || from > to {
				return nil, awserr.New("InvalidParameterValue", 400, "Invalid TCP/UDP port range (%d, %d)", from, to)
			}
		default:
			from, to = ptr.Val(p.FromPort), ptr.Val(p.ToPort)
			if p.FromPort == nil {
				from = -1
			}
			if p.ToPort == nil {
				to = -1
			}
		}
		base := sgRule{Egress: egress, Protocol: proto, From: from, To: to}
		add := func(r sgRule, desc *string) {
			r.ID, r.Description = ids.Hex("sgr", 17), ptr.Val(desc)
			out = append(out, r)
		}
		for _, rg := range p.IpRanges {
			c, err := parseCIDR("cidrIp", ptr.Val(rg.CidrIp))
			if err != nil {
				return nil, err
			}
			r := base
			r.CIDR = c.String()
			add(r, rg.Description)
		}
		for _, rg := range p.Ipv6Ranges {
			r := base
			r.CIDRv6 = ptr.Val(rg.CidrIpv6)
			add(r, rg.Description)
		}
		for _, pl := range p.PrefixListIds {
			r := base
			r.PrefixList = ptr.Val(pl.PrefixListId)
			add(r, pl.Description)
		}
		for _, pair := range p.UserIdGroupPairs {
			var src sgRec
			var err error
			if pair.GroupId != nil {
				src, err = s.groupByRef(tx, sc, pair.GroupId, nil, nil)
			} else {
				src, err = s.groupByRef(tx, sc, nil, pair.GroupName, g.VpcId)
			}
			if err != nil {
				return nil, err
			}
			r := base
			r.Group, r.GroupOwner = src.id(), *src.OwnerId
			add(r, pair.Description)
		}
	}
	return out, nil
}

func describeRule(r sgRule) string {
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", r.peer(), strings.ToUpper(r.Protocol), r.From, r.To)
}

func (s *Service) authorize(ctx context.Context, in ruleInput, egress bool, specs []TagSpecification) ([]SecurityGroupRule, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(specs, "security-group-rule")
	if err != nil {
		return nil, err
	}
	var out []SecurityGroupRule
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.groupByRef(tx, sc, in.GroupID, in.GroupName, nil)
		if err != nil {
			return err
		}
		rules, err := s.expand(tx, sc, g, in, egress)
		if err != nil {
			return err
		}
		all := slices.Clone(g.Rules)
		for _, r := range rules {
			// AWS: a rule equal to an existing one is InvalidPermission.Duplicate.
			if slices.ContainsFunc(all, r.same) {
				return awserr.New("InvalidPermission.Duplicate", 400, "the specified rule \"%s\" already exists", describeRule(r))
			}
			all = append(all, r)
			s.setTags(tx, sc, r.ID, tags)
			ro := ruleOut(g, r, sc)
			ro.Tags = s.tagList(tx, sc, r.ID)
			out = append(out, ro)
		}
		g.Rules = all
		s.sgs.Put(tx, sc, g.id(), g)
		return nil
	})
	return out, err
}

func (s *Service) revoke(ctx context.Context, in ruleInput, ruleIDs []string, egress bool) ([]RevokedSecurityGroupRule, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var out []RevokedSecurityGroupRule
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.groupByRef(tx, sc, in.GroupID, in.GroupName, nil)
		if err != nil {
			return err
		}
		var drop []sgRule
		if len(ruleIDs) > 0 {
			for _, id := range ruleIDs {
				i := slices.IndexFunc(g.Rules, func(r sgRule) bool { return r.ID == id && r.Egress == egress })
				if i < 0 {
					return awserr.New("InvalidSecurityGroupRuleId.NotFound", 400, "The security group rule ID '%s' does not exist", id)
				}
				drop = append(drop, g.Rules[i])
			}
		} else {
			rules, err := s.expand(tx, sc, g, in, egress)
			if err != nil {
				return err
			}
			for _, r := range rules {
				i := slices.IndexFunc(g.Rules, r.same)
				if i < 0 {
					return awserr.New("InvalidPermission.NotFound", 400, "The specified rule does not exist in this security group.")
				}
				drop = append(drop, g.Rules[i])
			}
		}
		g.Rules = slices.DeleteFunc(slices.Clone(g.Rules), func(r sgRule) bool {
			return slices.ContainsFunc(drop, func(d sgRule) bool { return d.ID == r.ID })
		})
		for _, r := range drop {
			s.dropTags(tx, sc, r.ID)
			ro := ruleOut(g, r, sc)
			rv := RevokedSecurityGroupRule{SecurityGroupRuleId: ro.SecurityGroupRuleId, GroupId: ro.GroupId, IsEgress: ro.IsEgress,
				IpProtocol: ro.IpProtocol, FromPort: ro.FromPort, ToPort: ro.ToPort, CidrIpv4: ro.CidrIpv4, CidrIpv6: ro.CidrIpv6,
				PrefixListId: ro.PrefixListId, Description: ro.Description}
			if ro.ReferencedGroupInfo != nil {
				rv.ReferencedGroupId = ro.ReferencedGroupInfo.GroupId
			}
			out = append(out, rv)
		}
		s.sgs.Put(tx, sc, g.id(), g)
		return nil
	})
	return out, err
}

// AuthorizeSecurityGroupIngress adds inbound rules.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html
func (s *Service) AuthorizeSecurityGroupIngress(ctx context.Context, in *AuthorizeSecurityGroupIngressRequest) (*AuthorizeSecurityGroupIngressResult, error) {
	rules, err := s.authorize(ctx, ruleInput{in.GroupId, in.GroupName, in.IpPermissions, in.CidrIp, in.IpProtocol, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId, in.FromPort, in.ToPort}, false, in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	return &AuthorizeSecurityGroupIngressResult{Return: ptr.To(true), SecurityGroupRules: rules}, nil
}

// AuthorizeSecurityGroupEgress adds outbound rules.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupEgress.html
func (s *Service) AuthorizeSecurityGroupEgress(ctx context.Context, in *AuthorizeSecurityGroupEgressRequest) (*AuthorizeSecurityGroupEgressResult, error) {
	rules, err := s.authorize(ctx, ruleInput{in.GroupId, nil, in.IpPermissions, in.CidrIp, in.IpProtocol, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId, in.FromPort, in.ToPort}, true, in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	return &AuthorizeSecurityGroupEgressResult{Return: ptr.To(true), SecurityGroupRules: rules}, nil
}

// RevokeSecurityGroupIngress removes inbound rules, by permission or by rule id.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html
func (s *Service) RevokeSecurityGroupIngress(ctx context.Context, in *RevokeSecurityGroupIngressRequest) (*RevokeSecurityGroupIngressResult, error) {
	rules, err := s.revoke(ctx, ruleInput{in.GroupId, in.GroupName, in.IpPermissions, in.CidrIp, in.IpProtocol, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId, in.FromPort, in.ToPort}, in.SecurityGroupRuleIds, false)
	if err != nil {
		return nil, err
	}
	return &RevokeSecurityGroupIngressResult{Return: ptr.To(true), RevokedSecurityGroupRules: rules}, nil
}

// RevokeSecurityGroupEgress removes outbound rules, by permission or by rule id.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupEgress.html
func (s *Service) RevokeSecurityGroupEgress(ctx context.Context, in *RevokeSecurityGroupEgressRequest) (*RevokeSecurityGroupEgressResult, error) {
	rules, err := s.revoke(ctx, ruleInput{in.GroupId, nil, in.IpPermissions, in.CidrIp, in.IpProtocol, in.SourceSecurityGroupName, in.SourceSecurityGroupOwnerId, in.FromPort, in.ToPort}, in.SecurityGroupRuleIds, true)
	if err != nil {
		return nil, err
	}
	return &RevokeSecurityGroupEgressResult{Return: ptr.To(true), RevokedSecurityGroupRules: rules}, nil
}

// findRule returns the group holding a rule and the rule's index.
func (s *Service) findRule(tx *state.Tx, sc state.Scope, ruleID string) (sgRec, int, bool) {
	var g sgRec
	idx := -1
	s.sgs.Ascend(tx, sc, "", func(_ string, o sgRec) bool {
		if i := slices.IndexFunc(o.Rules, func(r sgRule) bool { return r.ID == ruleID }); i >= 0 {
			g, idx = o, i
			return false
		}
		return true
	})
	return g, idx, idx >= 0
}

// DescribeSecurityGroupRules lists rules one by one, with their ids.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupRules.html
func (s *Service) DescribeSecurityGroupRules(ctx context.Context, in *DescribeSecurityGroupRulesRequest) (*DescribeSecurityGroupRulesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	fm := map[string]func(SecurityGroupRule) []string{
		"group-id":               func(r SecurityGroupRule) []string { return []string{*r.GroupId} },
		"security-group-rule-id": func(r SecurityGroupRule) []string { return []string{*r.SecurityGroupRuleId} },
	}
	var tagFilters, plain []Filter
	for _, f := range in.Filters {
		if n := ptr.Val(f.Name); strings.HasPrefix(n, "tag:") || n == "tag-key" || n == "tag-value" {
			tagFilters = append(tagFilters, f)
		} else {
			plain = append(plain, f)
		}
	}
	var all []SecurityGroupRule
	err = s.db.View(func(tx *state.Tx) error {
		want, missing := map[string]bool{}, map[string]bool{}
		for _, id := range in.SecurityGroupRuleIds {
			want[id], missing[id] = true, true
		}
		s.sgs.Ascend(tx, sc, "", func(_ string, g sgRec) bool {
			for _, r := range g.Rules {
				if len(want) > 0 && !want[r.ID] {
					continue
				}
				delete(missing, r.ID)
				if !s.tagsMatch(tx, sc, r.ID, tagFilters) {
					continue
				}
				ro := ruleOut(g, r, sc)
				ro.Tags = s.tagList(tx, sc, r.ID)
				all = append(all, ro)
			}
			return true
		})
		for id := range missing {
			return notFoundFor(id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	all, err = filterSlice(all, plain, fm)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b SecurityGroupRule) int {
		return strings.Compare(*a.SecurityGroupRuleId, *b.SecurityGroupRuleId)
	})
	rules, next, err := page(all, func(r SecurityGroupRule) string { return *r.SecurityGroupRuleId }, query{MaxResults: in.MaxResults, NextToken: in.NextToken})
	if err != nil {
		return nil, err
	}
	return &DescribeSecurityGroupRulesResult{SecurityGroupRules: rules, NextToken: next}, nil
}

// ModifySecurityGroupRules replaces rules in place, keeping their ids.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html
func (s *Service) ModifySecurityGroupRules(ctx context.Context, in *ModifySecurityGroupRulesRequest) (*ModifySecurityGroupRulesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &ModifySecurityGroupRulesResult{Return: ptr.To(true)}, s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.groupByRef(tx, sc, in.GroupId, nil, nil)
		if err != nil {
			return err
		}
		rules := slices.Clone(g.Rules)
		for _, u := range in.SecurityGroupRules {
			i := slices.IndexFunc(rules, func(r sgRule) bool { return r.ID == *u.SecurityGroupRuleId })
			if i < 0 {
				return notFoundFor(*u.SecurityGroupRuleId)
			}
			q := u.SecurityGroupRule
			if q == nil {
				continue
			}
			p := IpPermission{IpProtocol: q.IpProtocol, FromPort: q.FromPort, ToPort: q.ToPort}
			switch {
			case q.CidrIpv4 != nil:
				p.IpRanges = []IpRange{{CidrIp: q.CidrIpv4, Description: q.Description}}
			case q.CidrIpv6 != nil:
				p.Ipv6Ranges = []Ipv6Range{{CidrIpv6: q.CidrIpv6, Description: q.Description}}
			case q.PrefixListId != nil:
				p.PrefixListIds = []PrefixListId{{PrefixListId: q.PrefixListId, Description: q.Description}}
			case q.ReferencedGroupId != nil:
				p.UserIdGroupPairs = []UserIdGroupPair{{GroupId: q.ReferencedGroupId, Description: q.Description}}
			}
			nr, err := s.expand(tx, sc, g, ruleInput{Perms: []IpPermission{p}}, rules[i].Egress)
			if err != nil {
				return err
			}
			if len(nr) != 1 {
				return awserr.New("InvalidParameterValue", 400, "A rule needs exactly one peer")
			}
			nr[0].ID = rules[i].ID
			rules[i] = nr[0]
		}
		g.Rules = rules
		s.sgs.Put(tx, sc, g.id(), g)
		return nil
	})
}

func (s *Service) updateDescriptions(ctx context.Context, groupID, groupName *string, perms []IpPermission, descs []SecurityGroupRuleDescription, egress bool) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.groupByRef(tx, sc, groupID, groupName, nil)
		if err != nil {
			return err
		}
		rules := slices.Clone(g.Rules)
		for _, d := range descs {
			i := slices.IndexFunc(rules, func(r sgRule) bool { return r.ID == ptr.Val(d.SecurityGroupRuleId) })
			if i < 0 {
				return notFoundFor(ptr.Val(d.SecurityGroupRuleId))
			}
			rules[i].Description = ptr.Val(d.Description)
		}
		want, err := s.expand(tx, sc, g, ruleInput{Perms: perms}, egress)
		if err != nil {
			return err
		}
		for _, w := range want {
			i := slices.IndexFunc(rules, w.same)
			if i < 0 {
				return awserr.New("InvalidPermission.NotFound", 400, "The specified rule does not exist in this security group.")
			}
			rules[i].Description = w.Description
		}
		g.Rules = rules
		s.sgs.Put(tx, sc, g.id(), g)
		return nil
	})
}

// UpdateSecurityGroupRuleDescriptionsIngress changes inbound rules' descriptions.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UpdateSecurityGroupRuleDescriptionsIngress.html
func (s *Service) UpdateSecurityGroupRuleDescriptionsIngress(ctx context.Context, in *UpdateSecurityGroupRuleDescriptionsIngressRequest) (*UpdateSecurityGroupRuleDescriptionsIngressResult, error) {
	return &UpdateSecurityGroupRuleDescriptionsIngressResult{Return: ptr.To(true)}, s.updateDescriptions(ctx, in.GroupId, in.GroupName, in.IpPermissions, in.SecurityGroupRuleDescriptions, false)
}

// UpdateSecurityGroupRuleDescriptionsEgress changes outbound rules' descriptions.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UpdateSecurityGroupRuleDescriptionsEgress.html
func (s *Service) UpdateSecurityGroupRuleDescriptionsEgress(ctx context.Context, in *UpdateSecurityGroupRuleDescriptionsEgressRequest) (*UpdateSecurityGroupRuleDescriptionsEgressResult, error) {
	return &UpdateSecurityGroupRuleDescriptionsEgressResult{Return: ptr.To(true)}, s.updateDescriptions(ctx, in.GroupId, in.GroupName, in.IpPermissions, in.SecurityGroupRuleDescriptions, true)
}
