package cloudwatch

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// AWS: ListDashboards returns up to 1,000 dashboards a page.
const listDashboardsPage = 1000

// AWS: dashboard names hold letters, digits, dashes and underscores, up to 255.
var dashboardName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// dashboardRec is a dashboard as stored.
type dashboardRec struct {
	Name     string
	Body     string
	Modified int64 // unix ms
	Tags     []tag `json:",omitempty"`
}

// dashboardARN is a dashboard's ARN; AWS's has no region.
func dashboardARN(region, account, name string) string {
	return arn.ARN{Partition: arn.Partition(region), Service: "cloudwatch", Account: account, Resource: "dashboard/" + name}.String()
}

// invalidDashboard is the DashboardInvalidInputError for one problem.
func invalidDashboard(path, msg string) error {
	return awserr.New("DashboardInvalidInputError", 0, "The dashboard body is invalid, there are 1 validation errors:\n[\n {\n  \"dataPath\": \"%s\",\n  \"message\": \"%s\"\n }\n]", path, msg).
		WithField("dashboardValidationMessages", []any{map[string]any{"DataPath": path, "Message": msg}})
}

// PutDashboard creates or replaces a dashboard.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
func (s *Service) PutDashboard(ctx context.Context, in *PutDashboardInput) (*PutDashboardOutput, error) {
	name, body := ptr.Val(in.DashboardName), ptr.Val(in.DashboardBody)
	if !dashboardName.MatchString(name) {
		return nil, awserr.New("DashboardInvalidInputError", 0, "The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).")
	}
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return nil, invalidDashboard("", "Invalid JSON: "+err.Error())
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, invalidDashboard("", "Should be object")
	}
	// AWS: a dashboard body must have a widgets array.
	if w, ok := obj["widgets"]; !ok {
		return nil, invalidDashboard("", "Should have required property 'widgets'")
	} else if _, ok := w.([]any); !ok {
		return nil, invalidDashboard("/widgets", "Should be array")
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		d, exists := s.dashboards.Get(tx, sc, name)
		d.Name, d.Body, d.Modified = name, body, s.clock.Now().UnixMilli()
		if !exists {
			d.Tags = toTags(in.Tags)
		} else {
			for _, t := range in.Tags {
				d.Tags = setTag(d.Tags, ptr.Val(t.Key), ptr.Val(t.Value))
			}
		}
		s.dashboards.Put(tx, sc, name, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutDashboardOutput{DashboardValidationMessages: []DashboardValidationMessage{}}, nil
}

// GetDashboard returns a dashboard's body.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetDashboard.html
func (s *Service) GetDashboard(ctx context.Context, in *GetDashboardInput) (*GetDashboardOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	var d dashboardRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		d, ok = s.dashboards.Get(tx, sc, ptr.Val(in.DashboardName))
		return nil
	})
	if !ok {
		return nil, awserr.New("DashboardNotFoundError", 0, "Dashboard %s does not exist", ptr.Val(in.DashboardName))
	}
	return &GetDashboardOutput{DashboardName: ptr.To(d.Name), DashboardBody: ptr.To(d.Body), DashboardArn: ptr.To(dashboardARN(info.Region, info.Account, d.Name))}, nil
}

// ListDashboards lists dashboards by name prefix.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListDashboards.html
func (s *Service) ListDashboards(ctx context.Context, in *ListDashboardsInput) (*ListDashboardsOutput, error) {
	prefix := ptr.Val(in.DashboardNamePrefix)
	from := prefix
	if tok := ptr.Val(in.NextToken); tok != "" {
		k, err := decodeToken(tok)
		if err != nil {
			return nil, awserr.New("InvalidNextToken", 0, "The service cannot process the nextToken.")
		}
		from = k + "\x00"
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	out := &ListDashboardsOutput{DashboardEntries: []DashboardEntry{}}
	err := s.db.View(func(tx *state.Tx) error {
		last := ""
		s.dashboards.Ascend(tx, sc, from, func(name string, d dashboardRec) bool {
			if !strings.HasPrefix(name, prefix) {
				return false
			}
			if len(out.DashboardEntries) == listDashboardsPage {
				out.NextToken = ptr.To(encodeToken(last))
				return false
			}
			last = name
			out.DashboardEntries = append(out.DashboardEntries, DashboardEntry{
				DashboardName: ptr.To(name), DashboardArn: ptr.To(dashboardARN(info.Region, info.Account, name)),
				LastModified: ptr.To(ms(d.Modified)), Size: ptr.To(int64(len(d.Body))),
			})
			return true
		})
		return nil
	})
	return out, err
}

// DeleteDashboards deletes dashboards: all of them, or none if one does not exist.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteDashboards.html
func (s *Service) DeleteDashboards(ctx context.Context, in *DeleteDashboardsInput) (*DeleteDashboardsOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, n := range in.DashboardNames {
			if _, ok := s.dashboards.Get(tx, sc, n); !ok {
				// AWS: nothing is deleted when one of the dashboards does not exist.
				return awserr.New("DashboardNotFoundError", 0, "The specified dashboard does not exist. [%s]", n)
			}
		}
		for _, n := range in.DashboardNames {
			s.dashboards.Delete(tx, sc, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteDashboardsOutput{}, nil
}
