package logs

import (
	"context"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

const (
	// AWS: a log group has at most 100 metric filters and 2 subscription filters.
	maxMetricFilters       = 100
	maxSubscriptionFilters = 2
)

// metricFilterRec is a metric filter as stored ("<group>\x00<name>").
type metricFilterRec struct {
	Group, Name, Pattern string
	Transformations      []MetricTransformation
	Created              int64
	ApplyOnTransformed   bool     `json:",omitempty"`
	FieldSelection       string   `json:",omitempty"`
	EmitDimensions       []string `json:",omitempty"`
}

// subscriptionRec is a subscription filter as stored ("<group>\x00<name>").
type subscriptionRec struct {
	Group, Name, Pattern, Destination string
	RoleArn                           string `json:",omitempty"`
	Distribution                      string
	Created                           int64
	ApplyOnTransformed                bool     `json:",omitempty"`
	FieldSelection                    string   `json:",omitempty"`
	EmitFields                        []string `json:",omitempty"`
}

// PutMetricFilter creates or replaces a metric filter of a log group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html
func (s *Service) PutMetricFilter(ctx context.Context, in *PutMetricFilterRequest) (*PutMetricFilterOutput, error) {
	if _, err := compilePattern(ptr.Val(in.FilterPattern)); err != nil {
		return nil, awserr.New("InvalidParameterException", 0, "Invalid metric filter pattern: %v", err)
	}
	if len(in.MetricTransformations) != 1 {
		// AWS: a metric filter has exactly one metric transformation.
		return nil, awserr.New("InvalidParameterException", 0, "Exactly one metric transformation must be specified.")
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group, name := ptr.Val(in.LogGroupName), ptr.Val(in.FilterName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.groups.Get(tx, sc, group)
		if !ok {
			return errGroupNotFound()
		}
		k := group + "\x00" + name
		old, exists := s.metricF.Get(tx, sc, k)
		if !exists {
			if g.MetricFilters >= maxMetricFilters {
				return awserr.New("LimitExceededException", 0, "Resource limit exceeded.")
			}
			g.MetricFilters++
			s.groups.Put(tx, sc, group, g)
			old.Created = ms(s.clock.Now())
		}
		s.metricF.Put(tx, sc, k, metricFilterRec{
			Group: group, Name: name, Pattern: ptr.Val(in.FilterPattern), Transformations: in.MetricTransformations, Created: old.Created,
			ApplyOnTransformed: ptr.Val(in.ApplyOnTransformedLogs), FieldSelection: ptr.Val(in.FieldSelectionCriteria), EmitDimensions: in.EmitSystemFieldDimensions,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutMetricFilterOutput{}, nil
}

// DescribeMetricFilters lists metric filters of a group, or by metric.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeMetricFilters.html
func (s *Service) DescribeMetricFilters(ctx context.Context, in *DescribeMetricFiltersRequest) (*DescribeMetricFiltersResponse, error) {
	if (in.MetricName == nil) != (in.MetricNamespace == nil) {
		// AWS: metricName and metricNamespace go together.
		return nil, awserr.New("InvalidParameterException", 0, "If you specify metricName you must also specify metricNamespace, and vice versa.")
	}
	if in.FilterNamePrefix != nil && in.LogGroupName == nil {
		return nil, awserr.New("InvalidParameterException", 0, "If you specify filterNamePrefix you must also specify logGroupName.")
	}
	prefix := ""
	if in.LogGroupName != nil {
		prefix = *in.LogGroupName + "\x00" + ptr.Val(in.FilterNamePrefix)
	}
	from := prefix
	if tok := ptr.Val(in.NextToken); tok != "" {
		k, err := decodeToken(tok)
		if err != nil {
			return nil, awserr.New("InvalidParameterException", 0, "The specified nextToken is invalid.")
		}
		from = k + "\x00"
	}
	limit := int(ptr.Or(in.Limit, describePage))
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	out := &DescribeMetricFiltersResponse{MetricFilters: []MetricFilter{}}
	err := s.db.View(func(tx *state.Tx) error {
		if in.LogGroupName != nil {
			if _, ok := s.groups.Get(tx, sc, *in.LogGroupName); !ok {
				return errGroupNotFound()
			}
		}
		last := ""
		s.metricF.Ascend(tx, sc, from, func(k string, f metricFilterRec) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if in.MetricName != nil {
				t := f.Transformations[0]
				if ptr.Val(t.MetricName) != *in.MetricName || ptr.Val(t.MetricNamespace) != *in.MetricNamespace {
					return true
				}
			}
			if len(out.MetricFilters) == limit {
				out.NextToken = ptr.To(encodeToken(last))
				return false
			}
			last = k
			out.MetricFilters = append(out.MetricFilters, MetricFilter{
				FilterName: ptr.To(f.Name), FilterPattern: ptr.To(f.Pattern), LogGroupName: ptr.To(f.Group),
				MetricTransformations: f.Transformations, CreationTime: ptr.To(f.Created),
				ApplyOnTransformedLogs: ptr.To(f.ApplyOnTransformed), FieldSelectionCriteria: nonEmpty(f.FieldSelection),
				EmitSystemFieldDimensions: f.EmitDimensions,
			})
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteMetricFilter deletes a metric filter.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteMetricFilter.html
func (s *Service) DeleteMetricFilter(ctx context.Context, in *DeleteMetricFilterRequest) (*DeleteMetricFilterOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group := ptr.Val(in.LogGroupName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.groups.Get(tx, sc, group)
		if !ok {
			return errGroupNotFound()
		}
		if !s.metricF.Delete(tx, sc, group+"\x00"+ptr.Val(in.FilterName)) {
			return awserr.New("ResourceNotFoundException", 0, "The specified metric filter does not exist.")
		}
		g.MetricFilters--
		s.groups.Put(tx, sc, group, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteMetricFilterOutput{}, nil
}

// TestMetricFilter tests a filter pattern against messages.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TestMetricFilter.html
func (s *Service) TestMetricFilter(ctx context.Context, in *TestMetricFilterRequest) (*TestMetricFilterResponse, error) {
	match, err := compilePattern(ptr.Val(in.FilterPattern))
	if err != nil {
		return nil, awserr.New("InvalidParameterException", 0, "Invalid metric filter pattern: %v", err)
	}
	out := &TestMetricFilterResponse{Matches: []MetricFilterMatchRecord{}}
	for i, m := range in.LogEventMessages {
		if match(m) {
			out.Matches = append(out.Matches, MetricFilterMatchRecord{EventNumber: ptr.To(int64(i + 1)), EventMessage: ptr.To(m), ExtractedValues: map[string]string{}})
		}
	}
	return out, nil
}

// PutSubscriptionFilter creates or replaces a subscription filter of a log group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html
func (s *Service) PutSubscriptionFilter(ctx context.Context, in *PutSubscriptionFilterRequest) (*PutSubscriptionFilterOutput, error) {
	if _, err := compilePattern(ptr.Val(in.FilterPattern)); err != nil {
		return nil, awserr.New("InvalidParameterException", 0, "Invalid subscription filter pattern: %v", err)
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group, name := ptr.Val(in.LogGroupName), ptr.Val(in.FilterName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, group); !ok {
			return errGroupNotFound()
		}
		k := group + "\x00" + name
		old, exists := s.subF.Get(tx, sc, k)
		if !exists {
			n := 0
			s.subF.AscendPrefix(tx, sc, group+"\x00", func(string, subscriptionRec) bool { n++; return true })
			if n >= maxSubscriptionFilters {
				return awserr.New("LimitExceededException", 0, "Resource limit exceeded.")
			}
			old.Created = ms(s.clock.Now())
		}
		s.subF.Put(tx, sc, k, subscriptionRec{
			Group: group, Name: name, Pattern: ptr.Val(in.FilterPattern), Destination: ptr.Val(in.DestinationArn),
			RoleArn: ptr.Val(in.RoleArn), Distribution: ptr.Or(in.Distribution, "ByLogStream"), Created: old.Created,
			ApplyOnTransformed: ptr.Val(in.ApplyOnTransformedLogs), FieldSelection: ptr.Val(in.FieldSelectionCriteria), EmitFields: in.EmitSystemFields,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutSubscriptionFilterOutput{}, nil
}

// DescribeSubscriptionFilters lists the subscription filters of a group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeSubscriptionFilters.html
func (s *Service) DescribeSubscriptionFilters(ctx context.Context, in *DescribeSubscriptionFiltersRequest) (*DescribeSubscriptionFiltersResponse, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group := ptr.Val(in.LogGroupName)
	prefix := group + "\x00" + ptr.Val(in.FilterNamePrefix)
	out := &DescribeSubscriptionFiltersResponse{SubscriptionFilters: []SubscriptionFilter{}}
	err := s.db.View(func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, group); !ok {
			return errGroupNotFound()
		}
		s.subF.AscendPrefix(tx, sc, prefix, func(_ string, f subscriptionRec) bool {
			out.SubscriptionFilters = append(out.SubscriptionFilters, SubscriptionFilter{
				FilterName: ptr.To(f.Name), FilterPattern: ptr.To(f.Pattern), LogGroupName: ptr.To(f.Group),
				DestinationArn: ptr.To(f.Destination), RoleArn: nonEmpty(f.RoleArn), Distribution: ptr.To(f.Distribution),
				CreationTime: ptr.To(f.Created), ApplyOnTransformedLogs: ptr.To(f.ApplyOnTransformed),
				FieldSelectionCriteria: nonEmpty(f.FieldSelection), EmitSystemFields: f.EmitFields,
			})
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteSubscriptionFilter deletes a subscription filter.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteSubscriptionFilter.html
func (s *Service) DeleteSubscriptionFilter(ctx context.Context, in *DeleteSubscriptionFilterRequest) (*DeleteSubscriptionFilterOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group := ptr.Val(in.LogGroupName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, group); !ok {
			return errGroupNotFound()
		}
		if !s.subF.Delete(tx, sc, group+"\x00"+ptr.Val(in.FilterName)) {
			return awserr.New("ResourceNotFoundException", 0, "The specified subscription filter does not exist.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteSubscriptionFilterOutput{}, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
