package elbv2

import (
	"context"
	"sort"
	"strconv"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// listenerAttrDefaults are the attributes a listener has by protocol, with
// AWS's defaults.
// AWS: HTTP(S) listeners of an ALB carry the response-header settings; TCP
// listeners of an NLB an idle timeout; HTTPS adds the mTLS header names.
func listenerAttrDefaults(protocol string) map[string]string {
	switch protocol {
	case "HTTP":
		return map[string]string{
			"routing.http.response.server.enabled":                                "true",
			"routing.http.response.strict_transport_security.header_value":        "",
			"routing.http.response.access_control_allow_origin.header_value":      "",
			"routing.http.response.access_control_allow_methods.header_value":     "",
			"routing.http.response.access_control_allow_headers.header_value":     "",
			"routing.http.response.access_control_allow_credentials.header_value": "",
			"routing.http.response.access_control_expose_headers.header_value":    "",
			"routing.http.response.access_control_max_age.header_value":           "",
			"routing.http.response.content_security_policy.header_value":          "",
			"routing.http.response.x_content_type_options.header_value":           "",
			"routing.http.response.x_frame_options.header_value":                  "",
		}
	case "HTTPS":
		m := listenerAttrDefaults("HTTP")
		for _, k := range []string{"", "_serial_number", "_issuer", "_subject", "_validity", "_leaf"} {
			m["routing.http.request.x_amzn_mtls_clientcert"+k+".header_name"] = ""
		}
		m["routing.http.request.x_amzn_tls_version.header_name"] = ""
		m["routing.http.request.x_amzn_tls_cipher_suite.header_name"] = ""
		return m
	case "TCP":
		return map[string]string{"tcp.idle_timeout.seconds": "350"}
	}
	return map[string]string{}
}

// DescribeListenerAttributes describes a listener's attributes.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeListenerAttributes.html
func (s *Service) DescribeListenerAttributes(ctx context.Context, in *DescribeListenerAttributesInput) (*DescribeListenerAttributesOutput, error) {
	sc := s.scope(ctx)
	var attrs map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		l, ok := s.listeners.Get(tx, sc, ptr.Val(in.ListenerArn))
		if !ok {
			return errListenerNotFound()
		}
		attrs = listenerAttrDefaults(ptr.Val(l.Protocol))
		set, _ := s.listenerAttrs.Get(tx, sc, ptr.Val(in.ListenerArn))
		for k, v := range set {
			attrs[k] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DescribeListenerAttributesOutput{Attributes: listenerAttrList(attrs)}, nil
}

// ModifyListenerAttributes changes a listener's attributes; a key the
// listener's protocol does not have is a ValidationError.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyListenerAttributes.html
func (s *Service) ModifyListenerAttributes(ctx context.Context, in *ModifyListenerAttributesInput) (*ModifyListenerAttributesOutput, error) {
	sc := s.scope(ctx)
	var attrs map[string]string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		arn := ptr.Val(in.ListenerArn)
		l, ok := s.listeners.Get(tx, sc, arn)
		if !ok {
			return errListenerNotFound()
		}
		attrs = listenerAttrDefaults(ptr.Val(l.Protocol))
		set, _ := s.listenerAttrs.Get(tx, sc, arn)
		if set == nil {
			set = map[string]string{}
		}
		for k, v := range set {
			attrs[k] = v
		}
		for _, a := range in.Attributes {
			k, v := ptr.Val(a.Key), ptr.Val(a.Value)
			if _, known := attrs[k]; !known {
				return validation("Listener attribute key '%s' is not recognized", k)
			}
			switch {
			case k == "routing.http.response.server.enabled" && v != "true" && v != "false":
				return validation("Listener attribute '%s' must be 'true' or 'false'", k)
			case k == "tcp.idle_timeout.seconds":
				if n, err := strconv.Atoi(v); err != nil || n < 60 || n > 6000 {
					return validation("Listener attribute '%s' must be an integer from 60 to 6000", k)
				}
			}
			attrs[k], set[k] = v, v
		}
		s.listenerAttrs.Put(tx, sc, arn, set)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyListenerAttributesOutput{Attributes: listenerAttrList(attrs)}, nil
}

func listenerAttrList(attrs map[string]string) []ListenerAttribute {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]ListenerAttribute, len(keys))
	for i, k := range keys {
		out[i] = ListenerAttribute{Key: ptr.To(k), Value: ptr.To(attrs[k])}
	}
	return out
}
