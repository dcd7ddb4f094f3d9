package cloudfront

import (
	"context"
	"strconv"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// domainSuffix is the suffix of distribution domains: "<id>.cloudfront.localhost"
// where AWS has "d111111abcdef8.cloudfront.net".
const domainSuffix = ".cloudfront.localhost"

// HostedZoneID is the hosted zone of every CloudFront distribution, the one
// Route 53 alias records to a distribution name
// (AWS: "Z2FDTNDATAQYW2", the same in every account).
const HostedZoneID = "Z2FDTNDATAQYW2"

// distRec is a distribution.
type distRec struct {
	ID       string
	ARN      string
	Domain   string
	ETag     string
	Config   DistributionConfig
	Created  time.Time
	Modified time.Time // last change; Deployed deployDelay after it
}

// newID returns a CloudFront id: "E" and 13 upper-case letters and digits
// (AWS: "E2QWRUHAPOMQZL"); invalidations start with "I".
func newID(prefix string) string { return ids.Unique(prefix, 13) }

// newETag returns a fresh version identifier for a changed resource.
func newETag() string { return ids.Unique("E", 13) }

// status is "InProgress" until the change has had deployDelay to reach
// the (one) edge, then "Deployed".
func (s *Service) status(changed time.Time) string {
	if s.clock.Now().Before(changed.Add(deployDelay)) {
		return "InProgress"
	}
	return "Deployed"
}

func errNoSuchDistribution() error {
	return awserr.New("NoSuchDistribution", 0, "The specified distribution does not exist.")
}

// errIfMatch checks an If-Match header against the current ETag.
// AWS: a missing If-Match is InvalidIfMatchVersion; a stale one is
// PreconditionFailed.
func errIfMatch(ifMatch *string, etag string) error {
	if ptr.Val(ifMatch) == "" {
		return awserr.New("InvalidIfMatchVersion", 0, "The If-Match version is missing or not valid for the resource.")
	}
	if *ifMatch != etag {
		return awserr.New("PreconditionFailed", 0, "The request failed because it didn't meet the preconditions in one or more request-header fields.")
	}
	return nil
}

// distribution is the API view of r.
func (s *Service) distribution(tx *state.Tx, sc state.Scope, r distRec) *Distribution {
	cfg := r.Config
	d := &Distribution{
		ARN:                           ptr.To(r.ARN),
		Id:                            ptr.To(r.ID),
		DomainName:                    ptr.To(r.Domain),
		DistributionConfig:            &cfg,
		LastModifiedTime:              ptr.To(r.Modified),
		Status:                        ptr.To(s.status(r.Modified)),
		InProgressInvalidationBatches: ptr.To(int64(s.invalidationsInProgress(tx, sc, r.ID))),
		ActiveTrustedSigners:          &ActiveTrustedSigners{Enabled: ptr.To(false), Quantity: ptr.To(int64(0))},
		ActiveTrustedKeyGroups:        &ActiveTrustedKeyGroups{Enabled: ptr.To(false), Quantity: ptr.To(int64(0))},
	}
	for _, a := range cfg.Aliases.Items {
		// AWS: ICP recordal applies to China regions; elsewhere it is APPROVED.
		d.AliasICPRecordals = append(d.AliasICPRecordals, AliasICPRecordal{CNAME: ptr.To(a), ICPRecordalStatus: ptr.To("APPROVED")})
	}
	return d
}

// CreateDistribution creates a distribution; it is InProgress for a moment,
// then Deployed, and its domain is served by haneul's edge.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html
func (s *Service) CreateDistribution(ctx context.Context, in *CreateDistributionRequest) (*CreateDistributionResult, error) {
	d, etag, err := s.createDistribution(ctx, in.DistributionConfig, nil)
	if err != nil {
		return nil, err
	}
	return &CreateDistributionResult{Distribution: d, ETag: &etag, Location: ptr.To(location("distribution", *d.Id))}, nil
}

// CreateDistributionWithTags creates a distribution with tags.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistributionWithTags.html
func (s *Service) CreateDistributionWithTags(ctx context.Context, in *CreateDistributionWithTagsRequest) (*CreateDistributionWithTagsResult, error) {
	w := in.DistributionConfigWithTags
	tags, err := tagMap(w.Tags)
	if err != nil {
		return nil, err
	}
	d, etag, err := s.createDistribution(ctx, w.DistributionConfig, tags)
	if err != nil {
		return nil, err
	}
	return &CreateDistributionWithTagsResult{Distribution: d, ETag: &etag, Location: ptr.To(location("distribution", *d.Id))}, nil
}

// location is the URL of a created resource, as the Location header has it.
func location(kind, id string) string {
	return "https://cloudfront.amazonaws.com/2020-05-31/" + kind + "/" + id
}

func (s *Service) createDistribution(ctx context.Context, cfg *DistributionConfig, tags map[string]string) (*Distribution, string, error) {
	sc := scope(ctx)
	normalize(cfg)
	now := s.clock.Now().UTC()
	id := newID("E")
	r := distRec{
		ID:       id,
		ARN:      arn.New("cloudfront", "", sc.Account, "distribution/"+id),
		Domain:   strings.ToLower(id) + domainSuffix,
		ETag:     newETag(),
		Config:   *cfg,
		Created:  now,
		Modified: now,
	}
	var out *Distribution
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if err := s.validate(tx, sc, cfg, ""); err != nil {
			return err
		}
		// AWS: a caller reference names one distribution; reusing it with the
		// same configuration is DistributionAlreadyExists too.
		if other, ok := s.refs.Get(tx, sc, *cfg.CallerReference); ok {
			return awserr.New("DistributionAlreadyExists", 0, "The caller reference you attempted to create the distribution with is associated with another distribution.").WithField("Message", other)
		}
		s.refs.Put(tx, sc, *cfg.CallerReference, id)
		s.dists.Put(tx, sc, id, r)
		s.byDomain.Put(tx, global, r.Domain, distRef{Account: sc.Account, ID: id})
		s.indexAliases(tx, sc, id, nil, cfg.Aliases.Items)
		if len(tags) > 0 {
			s.tags.Put(tx, sc, r.ARN, tags)
		}
		out = s.distribution(tx, sc, r)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if s.names != nil {
		s.names.Set(r.Domain)
	}
	return out, r.ETag, nil
}

// GetDistribution returns a distribution with its status.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistribution.html
func (s *Service) GetDistribution(ctx context.Context, in *GetDistributionRequest) (*GetDistributionResult, error) {
	sc := scope(ctx)
	var out *GetDistributionResult
	err := s.db.View(func(tx *state.Tx) error {
		r, ok := s.dists.Get(tx, sc, *in.Id)
		if !ok {
			return errNoSuchDistribution()
		}
		out = &GetDistributionResult{Distribution: s.distribution(tx, sc, r), ETag: ptr.To(r.ETag)}
		return nil
	})
	return out, err
}

// GetDistributionConfig returns a distribution's configuration and ETag.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistributionConfig.html
func (s *Service) GetDistributionConfig(ctx context.Context, in *GetDistributionConfigRequest) (*GetDistributionConfigResult, error) {
	sc := scope(ctx)
	var out *GetDistributionConfigResult
	err := s.db.View(func(tx *state.Tx) error {
		r, ok := s.dists.Get(tx, sc, *in.Id)
		if !ok {
			return errNoSuchDistribution()
		}
		cfg := r.Config
		out = &GetDistributionConfigResult{DistributionConfig: &cfg, ETag: ptr.To(r.ETag)}
		return nil
	})
	return out, err
}

// UpdateDistribution replaces a distribution's configuration. The request
// must carry the current ETag in If-Match; the distribution is InProgress
// again until the change has deployed.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
func (s *Service) UpdateDistribution(ctx context.Context, in *UpdateDistributionRequest) (*UpdateDistributionResult, error) {
	sc := scope(ctx)
	cfg := in.DistributionConfig
	normalize(cfg)
	var out *UpdateDistributionResult
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.dists.Get(tx, sc, *in.Id)
		if !ok {
			return errNoSuchDistribution()
		}
		if err := errIfMatch(in.IfMatch, r.ETag); err != nil {
			return err
		}
		// AWS: the caller reference cannot change.
		if *cfg.CallerReference != *r.Config.CallerReference {
			return awserr.New("IllegalUpdate", 0, "The update contains modifications that are not allowed.")
		}
		if err := s.validate(tx, sc, cfg, r.ID); err != nil {
			return err
		}
		s.indexAliases(tx, sc, r.ID, r.Config.Aliases.Items, cfg.Aliases.Items)
		r.Config = *cfg
		r.ETag = newETag()
		r.Modified = s.clock.Now().UTC()
		s.dists.Put(tx, sc, r.ID, r)
		out = &UpdateDistributionResult{Distribution: s.distribution(tx, sc, r), ETag: ptr.To(r.ETag)}
		return nil
	})
	if err == nil {
		s.cache.dropDistribution(*in.Id) // the edge answers with the new configuration
	}
	return out, err
}

// DeleteDistribution deletes a disabled distribution.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteDistribution.html
func (s *Service) DeleteDistribution(ctx context.Context, in *DeleteDistributionRequest) (*DeleteDistributionOutput, error) {
	sc := scope(ctx)
	var domain string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.dists.Get(tx, sc, *in.Id)
		if !ok {
			return errNoSuchDistribution()
		}
		if err := errIfMatch(in.IfMatch, r.ETag); err != nil {
			return err
		}
		// AWS: "you must disable a distribution before you can delete it";
		// the disabling change must also have deployed.
		if ptr.Val(r.Config.Enabled) || s.status(r.Modified) != "Deployed" {
			return awserr.New("DistributionNotDisabled", 0, "The distribution you are trying to delete has not been disabled.")
		}
		domain = r.Domain
		s.dists.Delete(tx, sc, r.ID)
		s.refs.Delete(tx, sc, *r.Config.CallerReference)
		s.byDomain.Delete(tx, global, r.Domain)
		s.indexAliases(tx, sc, r.ID, r.Config.Aliases.Items, nil)
		s.tags.Delete(tx, sc, r.ARN)
		s.invals.AscendPrefix(tx, sc, r.ID+sep, func(k string, _ invalRec) bool {
			s.invals.Delete(tx, sc, k)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.names != nil {
		s.names.Remove(domain)
	}
	s.cache.dropDistribution(*in.Id)
	return &DeleteDistributionOutput{}, nil
}

// ListDistributions lists the account's distributions by id.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDistributions.html
func (s *Service) ListDistributions(ctx context.Context, in *ListDistributionsRequest) (*ListDistributionsResult, error) {
	sc := scope(ctx)
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	list := &DistributionList{Marker: ptr.To(ptr.Val(in.Marker)), MaxItems: ptr.To(int64(limit)), IsTruncated: ptr.To(false)}
	_ = s.db.View(func(tx *state.Tx) error {
		s.dists.Ascend(tx, sc, ptr.Val(in.Marker), func(id string, r distRec) bool {
			if id == ptr.Val(in.Marker) {
				return true
			}
			if len(list.Items) == limit {
				list.IsTruncated = ptr.To(true)
				list.NextMarker = list.Items[len(list.Items)-1].Id
				return false
			}
			list.Items = append(list.Items, summary(r, s.status(r.Modified)))
			return true
		})
		return nil
	})
	list.Quantity = ptr.To(int64(len(list.Items)))
	return &ListDistributionsResult{DistributionList: list}, nil
}

// summary is the list view of a distribution.
func summary(r distRec, status string) DistributionSummary {
	c := r.Config
	return DistributionSummary{
		ARN: ptr.To(r.ARN), Id: ptr.To(r.ID), ETag: ptr.To(r.ETag), DomainName: ptr.To(r.Domain), Status: ptr.To(status),
		LastModifiedTime: ptr.To(r.Modified), Aliases: c.Aliases, CacheBehaviors: c.CacheBehaviors, Comment: c.Comment,
		CustomErrorResponses: c.CustomErrorResponses, DefaultCacheBehavior: c.DefaultCacheBehavior, Enabled: c.Enabled,
		HttpVersion: c.HttpVersion, IsIPV6Enabled: c.IsIPV6Enabled, OriginGroups: c.OriginGroups, Origins: c.Origins,
		PriceClass: c.PriceClass, Restrictions: c.Restrictions, Staging: c.Staging, ViewerCertificate: c.ViewerCertificate,
		WebACLId: c.WebACLId,
	}
}

// maxItems parses a MaxItems parameter (AWS: default and limit 100).
func maxItems(v *string) (int, error) {
	if v == nil || *v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(*v)
	if err != nil || n < 1 {
		return 0, awserr.New("InvalidArgument", 0, "MaxItems must be a positive integer.")
	}
	return min(n, 100), nil
}

// indexAliases moves the alias index of distribution id from old to new
// aliases (the edge also answers for a distribution's aliases).
func (s *Service) indexAliases(tx *state.Tx, sc state.Scope, id string, old, new []string) {
	for _, a := range old {
		s.byDomain.Delete(tx, global, strings.ToLower(a))
	}
	for _, a := range new {
		s.byDomain.Put(tx, global, strings.ToLower(a), distRef{Account: sc.Account, ID: id})
	}
}

// normalize fills what AWS fills in a configuration the caller left out,
// so that the configuration reads back as AWS returns it.
func normalize(c *DistributionConfig) {
	zero := func() *int64 { return ptr.To(int64(0)) }
	if c.Aliases == nil {
		c.Aliases = &Aliases{Quantity: zero()}
	}
	if c.CacheBehaviors == nil {
		c.CacheBehaviors = &CacheBehaviors{Quantity: zero()}
	}
	if c.CustomErrorResponses == nil {
		c.CustomErrorResponses = &CustomErrorResponses{Quantity: zero()}
	}
	if c.OriginGroups == nil {
		c.OriginGroups = &OriginGroups{Quantity: zero()}
	}
	if c.Comment == nil {
		c.Comment = ptr.To("")
	}
	if c.DefaultRootObject == nil {
		c.DefaultRootObject = ptr.To("")
	}
	if c.HttpVersion == nil {
		c.HttpVersion = ptr.To("http2") // AWS: the default HTTP version
	}
	if c.IsIPV6Enabled == nil {
		c.IsIPV6Enabled = ptr.To(false)
	}
	if c.PriceClass == nil {
		c.PriceClass = ptr.To("PriceClass_All")
	}
	if c.WebACLId == nil {
		c.WebACLId = ptr.To("")
	}
	if c.Staging == nil {
		c.Staging = ptr.To(false)
	}
	if c.Logging == nil {
		c.Logging = &LoggingConfig{Enabled: ptr.To(false), IncludeCookies: ptr.To(false), Bucket: ptr.To(""), Prefix: ptr.To("")}
	}
	if c.Restrictions == nil {
		c.Restrictions = &Restrictions{GeoRestriction: &GeoRestriction{RestrictionType: ptr.To("none"), Quantity: zero()}}
	}
	vc := c.ViewerCertificate
	if vc == nil {
		vc = &ViewerCertificate{CloudFrontDefaultCertificate: ptr.To(true)}
		c.ViewerCertificate = vc
	}
	// AWS: the read-back certificate names its source (deprecated
	// Certificate/CertificateSource fields) and the defaults it applied.
	switch {
	case ptr.Val(vc.ACMCertificateArn) != "":
		vc.CertificateSource, vc.Certificate = ptr.To("acm"), vc.ACMCertificateArn
	case ptr.Val(vc.IAMCertificateId) != "":
		vc.CertificateSource, vc.Certificate = ptr.To("iam"), vc.IAMCertificateId
	default:
		vc.CloudFrontDefaultCertificate = ptr.To(true)
		vc.CertificateSource = ptr.To("cloudfront")
	}
	if vc.MinimumProtocolVersion == nil {
		vc.MinimumProtocolVersion = ptr.To("TLSv1")
	}
	if vc.SSLSupportMethod == nil && !ptr.Val(vc.CloudFrontDefaultCertificate) {
		vc.SSLSupportMethod = ptr.To("sni-only")
	}
	if c.Origins != nil {
		for i := range c.Origins.Items {
			o := &c.Origins.Items[i]
			if o.ConnectionAttempts == nil {
				o.ConnectionAttempts = ptr.To(int64(3))
			}
			if o.ConnectionTimeout == nil {
				o.ConnectionTimeout = ptr.To(int64(10))
			}
			if o.OriginPath == nil {
				o.OriginPath = ptr.To("")
			}
			if o.CustomHeaders == nil {
				o.CustomHeaders = &CustomHeaders{Quantity: zero()}
			}
			if o.OriginShield == nil {
				o.OriginShield = &OriginShield{Enabled: ptr.To(false)}
			}
			if o.OriginAccessControlId == nil {
				o.OriginAccessControlId = ptr.To("")
			}
			if o.S3OriginConfig == nil && o.CustomOriginConfig == nil && o.VpcOriginConfig == nil {
				o.S3OriginConfig = &S3OriginConfig{OriginAccessIdentity: ptr.To("")}
			}
			if oc := o.CustomOriginConfig; oc != nil {
				if oc.OriginReadTimeout == nil {
					oc.OriginReadTimeout = ptr.To(int64(30))
				}
				if oc.OriginKeepaliveTimeout == nil {
					oc.OriginKeepaliveTimeout = ptr.To(int64(5))
				}
			}
		}
	}
}

// validate checks a configuration as CloudFront does before accepting it.
// self is the distribution being updated ("" on create).
func (s *Service) validate(tx *state.Tx, sc state.Scope, c *DistributionConfig, self string) error {
	if c.Origins == nil || len(c.Origins.Items) == 0 {
		return awserr.New("InvalidArgument", 0, "The parameter Origins must contain at least one origin.")
	}
	// AWS: every list's Quantity must be the number of its Items.
	for _, q := range []struct {
		n     *int64
		items int
	}{
		{c.Origins.Quantity, len(c.Origins.Items)},
		{c.Aliases.Quantity, len(c.Aliases.Items)},
		{c.CacheBehaviors.Quantity, len(c.CacheBehaviors.Items)},
		{c.CustomErrorResponses.Quantity, len(c.CustomErrorResponses.Items)},
	} {
		if ptr.Val(q.n) != int64(q.items) {
			return awserr.New("InconsistentQuantities", 0, "The value of Quantity and the size of Items don't match.")
		}
	}
	origins := map[string]bool{}
	for _, o := range c.Origins.Items {
		if origins[*o.Id] {
			return awserr.New("InvalidArgument", 0, "The parameter Origin Id must be unique.")
		}
		origins[*o.Id] = true
		if id := ptr.Val(o.OriginAccessControlId); id != "" {
			if _, ok := s.oacs.Get(tx, sc, id); !ok {
				return errNoSuchOAC()
			}
		}
		if oc := o.S3OriginConfig; oc != nil && ptr.Val(oc.OriginAccessIdentity) != "" {
			id := strings.TrimPrefix(*oc.OriginAccessIdentity, "origin-access-identity/cloudfront/")
			if _, ok := s.oais.Get(tx, sc, id); !ok {
				return awserr.New("InvalidOriginAccessIdentity", 0, "The origin access identity is not valid or doesn't exist.")
			}
		}
	}
	for _, g := range c.OriginGroups.Items {
		origins[ptr.Val(g.Id)] = true
	}
	behaviors := []struct{ target, policy *string }{{c.DefaultCacheBehavior.TargetOriginId, c.DefaultCacheBehavior.CachePolicyId}}
	if c.DefaultCacheBehavior.CachePolicyId == nil && c.DefaultCacheBehavior.ForwardedValues == nil {
		return awserr.New("InvalidArgument", 0, "The parameter ForwardedValues is required.")
	}
	for _, b := range c.CacheBehaviors.Items {
		behaviors = append(behaviors, struct{ target, policy *string }{b.TargetOriginId, b.CachePolicyId})
		if b.CachePolicyId == nil && b.ForwardedValues == nil {
			return awserr.New("InvalidArgument", 0, "The parameter ForwardedValues is required.")
		}
	}
	for _, b := range behaviors {
		if !origins[ptr.Val(b.target)] {
			return awserr.New("NoSuchOrigin", 0, "One or more of your origins or origin groups do not exist.")
		}
		if id := ptr.Val(b.policy); id != "" {
			if _, ok := managedCachePolicy(id); !ok {
				return awserr.New("NoSuchCachePolicy", 0, "The cache policy does not exist.")
			}
		}
	}
	if strings.HasPrefix(*c.DefaultRootObject, "/") {
		return awserr.New("InvalidDefaultRootObject", 0, "The specified default root object is invalid.")
	}
	for _, e := range c.CustomErrorResponses.Items {
		if code := ptr.Val(e.ErrorCode); code < 400 || code > 599 {
			return awserr.New("InvalidErrorCode", 0, "The error code %d is not valid.", code)
		}
		if ptr.Val(e.ResponsePagePath) != "" && !strings.HasPrefix(*e.ResponsePagePath, "/") {
			return awserr.New("InvalidRelativePath", 0, "The relative path is too big, is not URL-encoded, or does not begin with a slash (/).")
		}
	}
	// AWS: an alternate domain name needs a certificate that covers it; the
	// default *.cloudfront.net certificate does not.
	if len(c.Aliases.Items) > 0 && ptr.Val(c.ViewerCertificate.CloudFrontDefaultCertificate) {
		return awserr.New("InvalidViewerCertificate", 0, "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted certificate that validates your authorization to use the domain name.")
	}
	for _, a := range c.Aliases.Items {
		if ref, ok := s.byDomain.Get(tx, global, strings.ToLower(a)); ok && ref.ID != self {
			return awserr.New("CNAMEAlreadyExists", 0, "One or more of the CNAMEs you provided are already associated with a different resource.")
		}
	}
	return nil
}
