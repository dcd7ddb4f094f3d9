package route53

import (
	"context"
	"reflect"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// checkRec is a health check. haneul keeps its configuration; it does not
// probe endpoints, and reports every check healthy.
type checkRec struct {
	ID              string
	CallerReference string
	Config          HealthCheckConfig
	Version         int64
}

func (c checkRec) out() *HealthCheck {
	cfg := c.Config
	return &HealthCheck{Id: ptr.To(c.ID), CallerReference: ptr.To(c.CallerReference), HealthCheckConfig: &cfg, HealthCheckVersion: ptr.To(c.Version)}
}

// defaults fills in what AWS fills in for an endpoint check.
func defaults(cfg HealthCheckConfig) HealthCheckConfig {
	switch ptr.Val(cfg.Type) {
	case "HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP":
		if cfg.RequestInterval == nil {
			cfg.RequestInterval = ptr.To(int64(30))
		}
		if cfg.FailureThreshold == nil {
			cfg.FailureThreshold = ptr.To(int64(3))
		}
		if cfg.Port == nil {
			port := int64(80)
			if t := ptr.Val(cfg.Type); t == "HTTPS" || t == "HTTPS_STR_MATCH" {
				port = 443
			}
			cfg.Port = ptr.To(port)
		}
		if cfg.MeasureLatency == nil {
			cfg.MeasureLatency = ptr.To(false)
		}
		if cfg.EnableSNI == nil && (ptr.Val(cfg.Type) == "HTTPS" || ptr.Val(cfg.Type) == "HTTPS_STR_MATCH") {
			cfg.EnableSNI = ptr.To(true)
		}
	}
	if cfg.Inverted == nil {
		cfg.Inverted = ptr.To(false)
	}
	if cfg.Disabled == nil {
		cfg.Disabled = ptr.To(false)
	}
	return cfg
}

// CreateHealthCheck creates a health check; the caller reference makes a
// retry return the same check.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html
func (s *Service) CreateHealthCheck(ctx context.Context, in *CreateHealthCheckRequest) (*CreateHealthCheckResponse, error) {
	cfg := defaults(*in.HealthCheckConfig)
	switch ptr.Val(cfg.Type) {
	case "HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP":
		if cfg.IPAddress == nil && cfg.FullyQualifiedDomainName == nil {
			return nil, invalidInput("Invalid parameter : Either IPAddress or FullyQualifiedDomainName must be specified")
		}
	}
	sc := scope(ctx)
	var c checkRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if id, ok := s.checkRefs.Get(tx, sc, *in.CallerReference); ok {
			old, _ := s.checks.Get(tx, sc, id)
			// AWS: the same caller reference with a different configuration is an error.
			if !reflect.DeepEqual(old.Config, cfg) {
				return awserr.New("HealthCheckAlreadyExists", 0, "A health check with the specified CallerReference already exists but has a different configuration.")
			}
			c = old
			return nil
		}
		if s.checks.Len(tx, sc) >= maxHealthChecks {
			return awserr.New("TooManyHealthChecks", 400, "This operation would exceed the limit of %d health checks for the account.", maxHealthChecks)
		}
		c = checkRec{ID: ids.UUID(), CallerReference: *in.CallerReference, Config: cfg, Version: 1}
		s.checks.Put(tx, sc, c.ID, c)
		s.checkRefs.Put(tx, sc, c.CallerReference, c.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateHealthCheckResponse{HealthCheck: c.out(), Location: ptr.To("https://route53.amazonaws.com/2013-04-01/healthcheck/" + c.ID)}, nil
}

func (s *Service) check(ctx context.Context, id string) (checkRec, error) {
	var c checkRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		c, ok = s.checks.Get(tx, scope(ctx), id)
		return nil
	})
	if !ok {
		return c, errNoSuchHealthCheck(id)
	}
	return c, nil
}

// GetHealthCheck returns a health check.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHealthCheck.html
func (s *Service) GetHealthCheck(ctx context.Context, in *GetHealthCheckRequest) (*GetHealthCheckResponse, error) {
	c, err := s.check(ctx, *in.HealthCheckId)
	if err != nil {
		return nil, err
	}
	return &GetHealthCheckResponse{HealthCheck: c.out()}, nil
}

// GetHealthCheckStatus reports a health check's latest observations: haneul
// reports every check healthy from one checker.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHealthCheckStatus.html
func (s *Service) GetHealthCheckStatus(ctx context.Context, in *GetHealthCheckStatusRequest) (*GetHealthCheckStatusResponse, error) {
	if _, err := s.check(ctx, *in.HealthCheckId); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	return &GetHealthCheckStatusResponse{HealthCheckObservations: []HealthCheckObservation{{
		IPAddress: ptr.To("127.0.0.1"), Region: ptr.To("us-east-1"),
		StatusReport: &StatusReport{Status: ptr.To("Success: HTTP Status Code 200, OK"), CheckedTime: &now},
	}}}, nil
}

// GetHealthCheckCount returns the number of the account's health checks.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHealthCheckCount.html
func (s *Service) GetHealthCheckCount(ctx context.Context, _ *GetHealthCheckCountRequest) (*GetHealthCheckCountResponse, error) {
	var n int
	_ = s.db.View(func(tx *state.Tx) error {
		n = s.checks.Len(tx, scope(ctx))
		return nil
	})
	return &GetHealthCheckCountResponse{HealthCheckCount: ptr.To(int64(n))}, nil
}

// ListHealthChecks lists health checks in id order.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHealthChecks.html
func (s *Service) ListHealthChecks(ctx context.Context, in *ListHealthChecksRequest) (*ListHealthChecksResponse, error) {
	n, err := maxItems(in.MaxItems, 100, 1000)
	if err != nil {
		return nil, err
	}
	out := &ListHealthChecksResponse{HealthChecks: []HealthCheck{}, IsTruncated: ptr.To(false), Marker: ptr.To(ptr.Val(in.Marker)), MaxItems: ptr.To(strconv.Itoa(n))}
	_ = s.db.View(func(tx *state.Tx) error {
		s.checks.Ascend(tx, scope(ctx), ptr.Val(in.Marker), func(id string, c checkRec) bool {
			if len(out.HealthChecks) == n {
				out.IsTruncated, out.NextMarker = ptr.To(true), ptr.To(id)
				return false
			}
			out.HealthChecks = append(out.HealthChecks, *c.out())
			return true
		})
		return nil
	})
	return out, nil
}

// UpdateHealthCheck changes a health check's settings; HealthCheckVersion,
// when given, must be the current version.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHealthCheck.html
func (s *Service) UpdateHealthCheck(ctx context.Context, in *UpdateHealthCheckRequest) (*UpdateHealthCheckResponse, error) {
	sc := scope(ctx)
	var c checkRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if c, ok = s.checks.Get(tx, sc, *in.HealthCheckId); !ok {
			return errNoSuchHealthCheck(*in.HealthCheckId)
		}
		if in.HealthCheckVersion != nil && *in.HealthCheckVersion != c.Version {
			return awserr.New("HealthCheckVersionMismatch", 0, "The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check.")
		}
		cfg := c.Config
		set := func(dst **string, v *string) {
			if v != nil {
				*dst = v
			}
		}
		set(&cfg.IPAddress, in.IPAddress)
		set(&cfg.FullyQualifiedDomainName, in.FullyQualifiedDomainName)
		set(&cfg.ResourcePath, in.ResourcePath)
		set(&cfg.SearchString, in.SearchString)
		set(&cfg.InsufficientDataHealthStatus, in.InsufficientDataHealthStatus)
		if in.Port != nil {
			cfg.Port = in.Port
		}
		if in.FailureThreshold != nil {
			cfg.FailureThreshold = in.FailureThreshold
		}
		if in.HealthThreshold != nil {
			cfg.HealthThreshold = in.HealthThreshold
		}
		if in.Inverted != nil {
			cfg.Inverted = in.Inverted
		}
		if in.Disabled != nil {
			cfg.Disabled = in.Disabled
		}
		if in.EnableSNI != nil {
			cfg.EnableSNI = in.EnableSNI
		}
		if in.ChildHealthChecks != nil {
			cfg.ChildHealthChecks = in.ChildHealthChecks
		}
		if in.Regions != nil {
			cfg.Regions = in.Regions
		}
		if in.AlarmIdentifier != nil {
			cfg.AlarmIdentifier = in.AlarmIdentifier
		}
		for _, r := range in.ResetElements {
			switch r {
			case "FullyQualifiedDomainName":
				cfg.FullyQualifiedDomainName = nil
			case "Regions":
				cfg.Regions = nil
			case "ResourcePath":
				cfg.ResourcePath = nil
			case "ChildHealthChecks":
				cfg.ChildHealthChecks = nil
			}
		}
		c.Config = cfg
		c.Version++
		s.checks.Put(tx, sc, c.ID, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateHealthCheckResponse{HealthCheck: c.out()}, nil
}

// DeleteHealthCheck deletes a health check no record set refers to.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHealthCheck.html
func (s *Service) DeleteHealthCheck(ctx context.Context, in *DeleteHealthCheckRequest) (*DeleteHealthCheckResponse, error) {
	sc := scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		c, ok := s.checks.Get(tx, sc, *in.HealthCheckId)
		if !ok {
			return errNoSuchHealthCheck(*in.HealthCheckId)
		}
		inUse := false
		s.records.Ascend(tx, sc, "", func(_ string, rs ResourceRecordSet) bool {
			inUse = ptr.Val(rs.HealthCheckId) == c.ID
			return !inUse
		})
		if inUse {
			return awserr.New("HealthCheckInUse", 0, "The health check with id %s is still referenced from a resource record set.", c.ID)
		}
		s.checks.Delete(tx, sc, c.ID)
		s.checkRefs.Delete(tx, sc, c.CallerReference)
		s.tags.Delete(tx, sc, "healthcheck/"+c.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteHealthCheckResponse{}, nil
}
