package sns

import (
	"context"
	"maps"
	"slices"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// appRec is a platform application as stored.
type appRec struct {
	ARN        string
	Name       string
	Platform   string
	Attributes map[string]string
}

// endpointRec is a platform endpoint as stored.
type endpointRec struct {
	ARN        string
	AppARN     string
	Attributes map[string]string // Token, Enabled, CustomUserData…
}

// platforms are the push services SNS knows (FCM is GCM).
var platforms = map[string]bool{"ADM": true, "APNS": true, "APNS_SANDBOX": true, "BAIDU": true, "GCM": true, "MPNS": true, "WNS": true}

// secretAttributes are platform application attributes AWS never returns.
var secretAttributes = map[string]bool{"PlatformCredential": true, "PlatformPrincipal": true}

// parseAppARN splits arn:aws:sns:<region>:<account>:app/<platform>/<name>.
func parseAppARN(s string) (state.Scope, string, error) {
	a, err := arn.Parse(s)
	rest, ok := strings.CutPrefix(a.Resource, "app/")
	if err != nil || a.Service != "sns" || !ok || strings.Count(rest, "/") != 1 {
		return state.Scope{}, "", invalidParameter("PlatformApplicationArn Reason: Wrong format for the ARN")
	}
	return state.Scope{Account: a.Account, Region: a.Region}, rest, nil
}

// parseEndpointARN splits arn:aws:sns:<region>:<account>:endpoint/<platform>/<app>/<id>.
func parseEndpointARN(s, param string) (state.Scope, string, error) {
	a, err := arn.Parse(s)
	rest, ok := strings.CutPrefix(a.Resource, "endpoint/")
	if err != nil || a.Service != "sns" || !ok || strings.Count(rest, "/") != 2 {
		return state.Scope{}, "", invalidParameter("%s Reason: Wrong format for the ARN", param)
	}
	return state.Scope{Account: a.Account, Region: a.Region}, rest, nil
}

// checkAppAttributes applies AWS's per-platform requirements at creation.
func checkAppAttributes(platform string, attrs map[string]string) error {
	tokenAuth := attrs["PlatformCredential"] != "" && attrs["PlatformPrincipal"] != "" && attrs["PlatformSigningKeyID"] != ""
	switch platform {
	case "APNS", "APNS_SANDBOX":
		// AWS: APNS takes a certificate and private key, or a signing key (token authentication).
		if attrs["PlatformCredential"] == "" || attrs["PlatformPrincipal"] == "" && !tokenAuth {
			return invalidParameter("Attributes Reason: Platform credentials are invalid")
		}
	default:
		if attrs["PlatformCredential"] == "" {
			return invalidParameter("Attributes Reason: PlatformCredential attribute is required")
		}
	}
	return nil
}

// CreatePlatformApplication creates a push application (GCM/FCM, APNS, …).
// https://docs.aws.amazon.com/sns/latest/api/API_CreatePlatformApplication.html
func (s *Service) CreatePlatformApplication(ctx context.Context, in *CreatePlatformApplicationInput) (*CreatePlatformApplicationResponse, error) {
	name, platform := ptr.Val(in.Name), ptr.Val(in.Platform)
	if !topicNameRE.MatchString(name) {
		return nil, invalidParameter("Invalid platform application name: %s", name)
	}
	if !platforms[platform] {
		return nil, invalidParameter("Platform Reason: %s is not supported", platform)
	}
	if err := checkAppAttributes(platform, in.Attributes); err != nil {
		return nil, err
	}
	sc := scopeOf(ctx)
	appARN := arn.New("sns", sc.Region, sc.Account, "app/"+platform+"/"+name)
	attrs := maps.Clone(in.Attributes)
	if attrs["Enabled"] == "" {
		attrs["Enabled"] = "true"
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		s.apps.Put(tx, sc, platform+"/"+name, appRec{ARN: appARN, Name: name, Platform: platform, Attributes: attrs})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreatePlatformApplicationResponse{PlatformApplicationArn: &appARN}, nil
}

func (s *Service) getApp(tx *state.Tx, appARN string) (state.Scope, string, appRec, error) {
	sc, key, err := parseAppARN(appARN)
	if err != nil {
		return sc, "", appRec{}, err
	}
	app, ok := s.apps.Get(tx, sc, key)
	if !ok {
		return sc, "", app, notFound("PlatformApplication")
	}
	return sc, key, app, nil
}

func publicAttributes(attrs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range attrs {
		if !secretAttributes[k] {
			out[k] = v
		}
	}
	return out
}

// GetPlatformApplicationAttributes returns an application's attributes, credentials left out.
// https://docs.aws.amazon.com/sns/latest/api/API_GetPlatformApplicationAttributes.html
func (s *Service) GetPlatformApplicationAttributes(ctx context.Context, in *GetPlatformApplicationAttributesInput) (*GetPlatformApplicationAttributesResponse, error) {
	var out map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		_, _, app, err := s.getApp(tx, ptr.Val(in.PlatformApplicationArn))
		out = publicAttributes(app.Attributes)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetPlatformApplicationAttributesResponse{Attributes: out}, nil
}

// SetPlatformApplicationAttributes changes an application's attributes.
// https://docs.aws.amazon.com/sns/latest/api/API_SetPlatformApplicationAttributes.html
func (s *Service) SetPlatformApplicationAttributes(ctx context.Context, in *SetPlatformApplicationAttributesInput) (*SetPlatformApplicationAttributesOutput, error) {
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, key, app, err := s.getApp(tx, ptr.Val(in.PlatformApplicationArn))
		if err != nil {
			return err
		}
		app.Attributes = maps.Clone(app.Attributes)
		maps.Copy(app.Attributes, in.Attributes)
		s.apps.Put(tx, sc, key, app)
		return nil
	})
	return &SetPlatformApplicationAttributesOutput{}, err
}

// DeletePlatformApplication deletes an application and its endpoints.
// https://docs.aws.amazon.com/sns/latest/api/API_DeletePlatformApplication.html
func (s *Service) DeletePlatformApplication(ctx context.Context, in *DeletePlatformApplicationInput) (*DeletePlatformApplicationOutput, error) {
	sc, key, err := parseAppARN(ptr.Val(in.PlatformApplicationArn))
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		s.apps.Delete(tx, sc, key) // AWS: deleting an application that does not exist succeeds
		var eps []string
		s.endpoints.AscendPrefix(tx, sc, key+"/", func(k string, _ endpointRec) bool { eps = append(eps, k); return true })
		for _, k := range eps {
			s.endpoints.Delete(tx, sc, k)
		}
		return nil
	})
	return &DeletePlatformApplicationOutput{}, err
}

// ListPlatformApplications lists the applications of the account and region, 100 a page.
// https://docs.aws.amazon.com/sns/latest/api/API_ListPlatformApplications.html
func (s *Service) ListPlatformApplications(ctx context.Context, in *ListPlatformApplicationsInput) (*ListPlatformApplicationsResponse, error) {
	out := &ListPlatformApplicationsResponse{PlatformApplications: []PlatformApplication{}}
	_ = s.db.View(func(tx *state.Tx) error {
		s.apps.Ascend(tx, scopeOf(ctx), ptr.Val(in.NextToken), func(k string, app appRec) bool {
			if k == smsKey {
				return true
			}
			if len(out.PlatformApplications) == pageSize {
				out.NextToken = ptr.To(k)
				return false
			}
			out.PlatformApplications = append(out.PlatformApplications, PlatformApplication{PlatformApplicationArn: ptr.To(app.ARN), Attributes: publicAttributes(app.Attributes)})
			return true
		})
		return nil
	})
	return out, nil
}

// CreatePlatformEndpoint registers a device token with an application; the
// same token with the same attributes returns the existing endpoint.
// https://docs.aws.amazon.com/sns/latest/api/API_CreatePlatformEndpoint.html
func (s *Service) CreatePlatformEndpoint(ctx context.Context, in *CreatePlatformEndpointInput) (*CreateEndpointResponse, error) {
	token := ptr.Val(in.Token)
	if token == "" {
		return nil, invalidParameter("Token Reason: cannot be empty")
	}
	attrs := maps.Clone(in.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	if in.CustomUserData != nil {
		attrs["CustomUserData"] = *in.CustomUserData
	}
	var epARN string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, key, app, err := s.getApp(tx, ptr.Val(in.PlatformApplicationArn))
		if err != nil {
			return err
		}
		var dupErr error
		s.endpoints.AscendPrefix(tx, sc, key+"/", func(_ string, ep endpointRec) bool {
			if ep.Attributes["Token"] != token {
				return true
			}
			epARN = ep.ARN
			for k, v := range attrs {
				if ep.Attributes[k] != v {
					// AWS: a token already registered with other attributes is an error.
					dupErr = invalidParameter("Token Reason: Endpoint %s already exists with the same Token, but different attributes.", ep.ARN)
				}
			}
			return false
		})
		if epARN != "" {
			return dupErr
		}
		id := ids.UUID()
		epARN = arn.New("sns", sc.Region, sc.Account, "endpoint/"+app.Platform+"/"+app.Name+"/"+id)
		full := map[string]string{"Enabled": "true"}
		maps.Copy(full, attrs)
		full["Token"] = token
		s.endpoints.Put(tx, sc, key+"/"+id, endpointRec{ARN: epARN, AppARN: app.ARN, Attributes: full})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateEndpointResponse{EndpointArn: &epARN}, nil
}

func (s *Service) getEndpoint(tx *state.Tx, epARN, param string) (state.Scope, string, endpointRec, error) {
	sc, key, err := parseEndpointARN(epARN, param)
	if err != nil {
		return sc, "", endpointRec{}, err
	}
	ep, ok := s.endpoints.Get(tx, sc, key)
	if !ok {
		return sc, "", ep, notFound("Endpoint")
	}
	return sc, key, ep, nil
}

// GetEndpointAttributes returns an endpoint's attributes.
// https://docs.aws.amazon.com/sns/latest/api/API_GetEndpointAttributes.html
func (s *Service) GetEndpointAttributes(ctx context.Context, in *GetEndpointAttributesInput) (*GetEndpointAttributesResponse, error) {
	var out map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		_, _, ep, err := s.getEndpoint(tx, ptr.Val(in.EndpointArn), "EndpointArn")
		out = ep.Attributes
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetEndpointAttributesResponse{Attributes: out}, nil
}

// SetEndpointAttributes changes an endpoint's attributes.
// https://docs.aws.amazon.com/sns/latest/api/API_SetEndpointAttributes.html
func (s *Service) SetEndpointAttributes(ctx context.Context, in *SetEndpointAttributesInput) (*SetEndpointAttributesOutput, error) {
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, key, ep, err := s.getEndpoint(tx, ptr.Val(in.EndpointArn), "EndpointArn")
		if err != nil {
			return err
		}
		ep.Attributes = maps.Clone(ep.Attributes)
		maps.Copy(ep.Attributes, in.Attributes)
		s.endpoints.Put(tx, sc, key, ep)
		return nil
	})
	return &SetEndpointAttributesOutput{}, err
}

// DeleteEndpoint deletes an endpoint; deleting one that does not exist succeeds.
// https://docs.aws.amazon.com/sns/latest/api/API_DeleteEndpoint.html
func (s *Service) DeleteEndpoint(ctx context.Context, in *DeleteEndpointInput) (*DeleteEndpointOutput, error) {
	sc, key, err := parseEndpointARN(ptr.Val(in.EndpointArn), "EndpointArn")
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		s.endpoints.Delete(tx, sc, key)
		return nil
	})
	return &DeleteEndpointOutput{}, err
}

// ListEndpointsByPlatformApplication lists an application's endpoints, 100 a page.
// https://docs.aws.amazon.com/sns/latest/api/API_ListEndpointsByPlatformApplication.html
func (s *Service) ListEndpointsByPlatformApplication(ctx context.Context, in *ListEndpointsByPlatformApplicationInput) (*ListEndpointsByPlatformApplicationResponse, error) {
	out := &ListEndpointsByPlatformApplicationResponse{Endpoints: []Endpoint{}}
	err := s.db.View(func(tx *state.Tx) error {
		sc, key, _, err := s.getApp(tx, ptr.Val(in.PlatformApplicationArn))
		if err != nil {
			return err
		}
		prefix := key + "/"
		from := prefix
		if tok := ptr.Val(in.NextToken); strings.HasPrefix(tok, prefix) {
			from = tok
		}
		s.endpoints.Ascend(tx, sc, from, func(k string, ep endpointRec) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if len(out.Endpoints) == pageSize {
				out.NextToken = ptr.To(k)
				return false
			}
			out.Endpoints = append(out.Endpoints, Endpoint{EndpointArn: ptr.To(ep.ARN), Attributes: ep.Attributes})
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// publishToEndpoint sends a push to a platform endpoint: it is recorded.
func (s *Service) publishToEndpoint(ctx context.Context, epARN string, m *message) (*PublishResponse, error) {
	var platform string
	err := s.db.View(func(tx *state.Tx) error {
		_, _, ep, err := s.getEndpoint(tx, epARN, "TargetArn")
		if err != nil {
			return err
		}
		if ep.Attributes["Enabled"] == "false" {
			return awserr.New("EndpointDisabled", 400, "Endpoint is disabled")
		}
		a, _ := arn.Parse(epARN)
		platform, _, _ = strings.Cut(strings.TrimPrefix(a.Resource, "endpoint/"), "/")
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.id = ids.UUID()
	s.record(ctx, Delivery{Type: "Push", Protocol: "application", Endpoint: epARN, MessageId: m.id, Message: m.text(platform)})
	return &PublishResponse{MessageId: &m.id}, nil
}

// CheckIfPhoneNumberIsOptedOut answers false: no number opts out of haneul's SMS.
// https://docs.aws.amazon.com/sns/latest/api/API_CheckIfPhoneNumberIsOptedOut.html
func (s *Service) CheckIfPhoneNumberIsOptedOut(ctx context.Context, in *CheckIfPhoneNumberIsOptedOutInput) (*CheckIfPhoneNumberIsOptedOutResponse, error) {
	return &CheckIfPhoneNumberIsOptedOutResponse{IsOptedOut: ptr.To(false)}, nil
}

// smsKey is the key of an account's SMS settings in the apps table.
const smsKey = "\x00sms"

// smsAttributeNames are the account SMS settings SetSMSAttributes accepts.
var smsAttributeNames = map[string]bool{
	"MonthlySpendLimit": true, "DeliveryStatusIAMRole": true, "DeliveryStatusSuccessSamplingRate": true,
	"DefaultSenderID": true, "DefaultSMSType": true, "UsageReportS3Bucket": true,
}

// SetSMSAttributes sets the account's SMS settings (kept; haneul's SMS are recorded, not sent).
// https://docs.aws.amazon.com/sns/latest/api/API_SetSMSAttributes.html
func (s *Service) SetSMSAttributes(ctx context.Context, in *SetSMSAttributesInput) (*SetSMSAttributesResponse, error) {
	for k, v := range in.Attributes {
		if !smsAttributeNames[k] {
			return nil, invalidParameter("%s", k)
		}
		if k == "DefaultSMSType" && v != "Promotional" && v != "Transactional" {
			return nil, invalidParameter("DefaultSMSType Reason: must be Promotional or Transactional")
		}
	}
	sc := scopeOf(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		rec, _ := s.apps.Get(tx, sc, smsKey)
		rec.Attributes = maps.Clone(rec.Attributes)
		if rec.Attributes == nil {
			rec.Attributes = map[string]string{}
		}
		maps.Copy(rec.Attributes, in.Attributes)
		s.apps.Put(tx, sc, smsKey, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetSMSAttributesResponse{}, nil
}

// GetSMSAttributes returns the account's SMS settings, all or those named.
// https://docs.aws.amazon.com/sns/latest/api/API_GetSMSAttributes.html
func (s *Service) GetSMSAttributes(ctx context.Context, in *GetSMSAttributesInput) (*GetSMSAttributesResponse, error) {
	out := map[string]string{}
	_ = s.db.View(func(tx *state.Tx) error {
		rec, _ := s.apps.Get(tx, scopeOf(ctx), smsKey)
		for k, v := range rec.Attributes {
			if len(in.Attributes) == 0 || slices.Contains(in.Attributes, k) {
				out[k] = v
			}
		}
		return nil
	})
	return &GetSMSAttributesResponse{Attributes: out}, nil
}
