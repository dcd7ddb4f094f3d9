package logs

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

const (
	// AWS: DescribeLogGroups and DescribeLogStreams return 50 items a page by default.
	describePage = 50
	// AWS: a log group has at most 50 tags.
	maxTags = 50
)

// AWS: the retention periods PutRetentionPolicy accepts.
var retentionDays = []int64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// groupRec is a log group as stored.
type groupRec struct {
	Name               string
	Created            int64  // unix ms
	Retention          int64  `json:",omitempty"` // days; 0: never expire
	KmsKeyID           string `json:",omitempty"`
	Class              string
	DeletionProtection bool              `json:",omitempty"`
	Tags               map[string]string `json:",omitempty"`
	MetricFilters      int               `json:",omitempty"`
}

func errGroupNotFound() error {
	return awserr.New("ResourceNotFoundException", 0, "The specified log group does not exist.")
}

// CreateLogGroup creates a log group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
func (s *Service) CreateLogGroup(ctx context.Context, in *CreateLogGroupRequest) (*CreateLogGroupOutput, error) {
	if len(in.Tags) > maxTags {
		return nil, awserr.New("InvalidParameterException", 0, "A log group can have at most %d tags.", maxTags)
	}
	if k := ptr.Val(in.KmsKeyId); k != "" {
		// AWS: kmsKeyId must be a key ARN.
		if a, err := arn.Parse(k); err != nil || a.Service != "kms" {
			return nil, awserr.New("InvalidParameterException", 0, "Specified KMS key %s is not a valid KMS key ARN.", k)
		}
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	name := ptr.Val(in.LogGroupName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, name); ok {
			return awserr.New("ResourceAlreadyExistsException", 0, "The specified log group already exists")
		}
		s.groups.Put(tx, sc, name, groupRec{
			Name: name, Created: ms(s.clock.Now()), KmsKeyID: ptr.Val(in.KmsKeyId),
			Class:              ptr.Or(in.LogGroupClass, "STANDARD"), // AWS: STANDARD unless told otherwise
			DeletionProtection: ptr.Val(in.DeletionProtectionEnabled),
			Tags:               in.Tags,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateLogGroupOutput{}, nil
}

// DeleteLogGroup deletes a log group with its streams, events and filters.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html
func (s *Service) DeleteLogGroup(ctx context.Context, in *DeleteLogGroupRequest) (*DeleteLogGroupOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	name := ptr.Val(in.LogGroupName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.groups.Get(tx, sc, name)
		if !ok {
			return errGroupNotFound()
		}
		if g.DeletionProtection {
			return awserr.New("InvalidOperationException", 0, "Log group %s has deletion protection enabled.", name)
		}
		s.groups.Delete(tx, sc, name)
		prefix := name + "\x00"
		deletePrefix(tx, s.streams, sc, prefix)
		deletePrefix(tx, s.events, sc, prefix)
		deletePrefix(tx, s.metricF, sc, prefix)
		deletePrefix(tx, s.subF, sc, prefix)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteLogGroupOutput{}, nil
}

// deletePrefix deletes every record of t under prefix.
func deletePrefix[T any](tx *state.Tx, t *state.Table[T], sc state.Scope, prefix string) {
	var keys []string
	t.AscendPrefix(tx, sc, prefix, func(k string, _ T) bool {
		keys = append(keys, k)
		return true
	})
	for _, k := range keys {
		t.Delete(tx, sc, k)
	}
}

// DescribeLogGroups lists log groups by prefix, pattern, identifiers or class.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
func (s *Service) DescribeLogGroups(ctx context.Context, in *DescribeLogGroupsRequest) (*DescribeLogGroupsResponse, error) {
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, awserr.New("InvalidParameterException", 0, "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	if len(in.LogGroupIdentifiers) > 0 && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
		return nil, awserr.New("InvalidParameterException", 0, "logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.")
	}
	prefix := ptr.Val(in.LogGroupNamePrefix)
	// AWS: the pattern matches anywhere in the name, case-insensitively.
	pattern := strings.ToLower(ptr.Val(in.LogGroupNamePattern))
	ids := map[string]bool{}
	for _, id := range in.LogGroupIdentifiers {
		ids[groupFromIdentifier(id)] = true
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
	out := &DescribeLogGroupsResponse{LogGroups: []LogGroup{}}
	err := s.db.View(func(tx *state.Tx) error {
		last := ""
		s.groups.Ascend(tx, sc, from, func(name string, g groupRec) bool {
			if !strings.HasPrefix(name, prefix) {
				return false
			}
			switch {
			case pattern != "" && !strings.Contains(strings.ToLower(name), pattern),
				len(ids) > 0 && !ids[name],
				in.LogGroupClass != nil && g.Class != *in.LogGroupClass:
				return true
			}
			if len(out.LogGroups) == limit {
				out.NextToken = ptr.To(encodeToken(last))
				return false
			}
			last = name
			out.LogGroups = append(out.LogGroups, s.toLogGroup(tx, sc, info.Region, info.Account, &g))
			return true
		})
		return nil
	})
	return out, err
}

func (s *Service) toLogGroup(tx *state.Tx, sc state.Scope, region, account string, g *groupRec) LogGroup {
	a := groupARN(region, account, g.Name)
	lg := LogGroup{
		LogGroupName: ptr.To(g.Name), Arn: ptr.To(a + ":*"), LogGroupArn: ptr.To(a),
		CreationTime: ptr.To(g.Created), MetricFilterCount: ptr.To(int64(g.MetricFilters)),
		StoredBytes: ptr.To(int64(0)), LogGroupClass: ptr.To(g.Class),
		DeletionProtectionEnabled: ptr.To(g.DeletionProtection),
	}
	if g.Retention > 0 {
		lg.RetentionInDays = ptr.To(g.Retention)
	}
	if g.KmsKeyID != "" {
		lg.KmsKeyId = ptr.To(g.KmsKeyID)
	}
	var stored int64
	s.streams.AscendPrefix(tx, sc, g.Name+"\x00", func(_ string, st streamRec) bool {
		stored += st.Bytes
		return true
	})
	lg.StoredBytes = ptr.To(stored)
	return lg
}

// updateGroup applies f to a stored log group.
func (s *Service) updateGroup(ctx context.Context, name string, f func(*groupRec) error) error {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.groups.Get(tx, sc, name)
		if !ok {
			return errGroupNotFound()
		}
		if err := f(&g); err != nil {
			return err
		}
		s.groups.Put(tx, sc, name, g)
		return nil
	})
}

// PutRetentionPolicy sets how long a log group keeps its events.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
func (s *Service) PutRetentionPolicy(ctx context.Context, in *PutRetentionPolicyRequest) (*PutRetentionPolicyOutput, error) {
	days := ptr.Val(in.RetentionInDays)
	if !slices.Contains(retentionDays, days) {
		vals := make([]string, len(retentionDays))
		for i, d := range retentionDays {
			vals[i] = strconv.FormatInt(d, 10)
		}
		return nil, awserr.New("InvalidParameterException", 0, "1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [%s]", days, strings.Join(vals, ", "))
	}
	err := s.updateGroup(ctx, ptr.Val(in.LogGroupName), func(g *groupRec) error { g.Retention = days; return nil })
	if err != nil {
		return nil, err
	}
	return &PutRetentionPolicyOutput{}, nil
}

// DeleteRetentionPolicy makes a log group keep its events forever.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteRetentionPolicy.html
func (s *Service) DeleteRetentionPolicy(ctx context.Context, in *DeleteRetentionPolicyRequest) (*DeleteRetentionPolicyOutput, error) {
	err := s.updateGroup(ctx, ptr.Val(in.LogGroupName), func(g *groupRec) error { g.Retention = 0; return nil })
	if err != nil {
		return nil, err
	}
	return &DeleteRetentionPolicyOutput{}, nil
}

// AssociateKmsKey sets the KMS key of a log group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html
func (s *Service) AssociateKmsKey(ctx context.Context, in *AssociateKmsKeyRequest) (*AssociateKmsKeyOutput, error) {
	name := ptr.Val(in.LogGroupName)
	if name == "" {
		name = groupFromIdentifier(ptr.Val(in.ResourceIdentifier))
	}
	err := s.updateGroup(ctx, name, func(g *groupRec) error { g.KmsKeyID = ptr.Val(in.KmsKeyId); return nil })
	if err != nil {
		return nil, err
	}
	return &AssociateKmsKeyOutput{}, nil
}

// DisassociateKmsKey removes the KMS key of a log group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DisassociateKmsKey.html
func (s *Service) DisassociateKmsKey(ctx context.Context, in *DisassociateKmsKeyRequest) (*DisassociateKmsKeyOutput, error) {
	name := ptr.Val(in.LogGroupName)
	if name == "" {
		name = groupFromIdentifier(ptr.Val(in.ResourceIdentifier))
	}
	err := s.updateGroup(ctx, name, func(g *groupRec) error { g.KmsKeyID = ""; return nil })
	if err != nil {
		return nil, err
	}
	return &DisassociateKmsKeyOutput{}, nil
}

// groupOfARN returns the log group a resource ARN names.
func groupOfARN(resource string) (string, bool) {
	a, err := arn.Parse(resource)
	if err != nil || a.Service != "logs" || !strings.HasPrefix(a.Resource, "log-group:") {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*"), true
}

// tag edits the tags of a log group.
func (s *Service) tag(ctx context.Context, name string, add map[string]string, remove []string) error {
	return s.updateGroup(ctx, name, func(g *groupRec) error {
		tags := make(map[string]string, len(g.Tags)+len(add))
		for k, v := range g.Tags {
			tags[k] = v
		}
		for k, v := range add {
			tags[k] = v
		}
		for _, k := range remove {
			delete(tags, k)
		}
		if len(tags) > maxTags {
			return awserr.New("TooManyTagsException", 0, "A resource can have no more than %d tags.", maxTags).WithField("resourceName", name)
		}
		g.Tags = tags
		return nil
	})
}

func (s *Service) tags(ctx context.Context, name string) (map[string]string, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	var g groupRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		g, ok = s.groups.Get(tx, sc, name)
		return nil
	})
	if !ok {
		return nil, errGroupNotFound()
	}
	if g.Tags == nil {
		return map[string]string{}, nil
	}
	return g.Tags, nil
}

func errResourceNotFound() error {
	return awserr.New("ResourceNotFoundException", 0, "The specified resource does not exist.")
}

// TagResource tags a log group by ARN.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html
func (s *Service) TagResource(ctx context.Context, in *TagResourceRequest) (*TagResourceOutput, error) {
	name, ok := groupOfARN(ptr.Val(in.ResourceArn))
	if !ok {
		return nil, errResourceNotFound()
	}
	if err := s.tag(ctx, name, in.Tags, nil); err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResource removes tags of a log group by ARN.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceRequest) (*UntagResourceOutput, error) {
	name, ok := groupOfARN(ptr.Val(in.ResourceArn))
	if !ok {
		return nil, errResourceNotFound()
	}
	if err := s.tag(ctx, name, nil, in.TagKeys); err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource lists the tags of a log group by ARN.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResponse, error) {
	name, ok := groupOfARN(ptr.Val(in.ResourceArn))
	if !ok {
		return nil, errResourceNotFound()
	}
	tags, err := s.tags(ctx, name)
	if err != nil {
		return nil, err
	}
	return &ListTagsForResourceResponse{Tags: tags}, nil
}

// TagLogGroup tags a log group by name (the legacy API).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagLogGroup.html
func (s *Service) TagLogGroup(ctx context.Context, in *TagLogGroupRequest) (*TagLogGroupOutput, error) {
	if err := s.tag(ctx, ptr.Val(in.LogGroupName), in.Tags, nil); err != nil {
		return nil, err
	}
	return &TagLogGroupOutput{}, nil
}

// UntagLogGroup removes tags of a log group by name (the legacy API).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_UntagLogGroup.html
func (s *Service) UntagLogGroup(ctx context.Context, in *UntagLogGroupRequest) (*UntagLogGroupOutput, error) {
	if err := s.tag(ctx, ptr.Val(in.LogGroupName), nil, in.Tags); err != nil {
		return nil, err
	}
	return &UntagLogGroupOutput{}, nil
}

// ListTagsLogGroup lists the tags of a log group by name (the legacy API).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_ListTagsLogGroup.html
func (s *Service) ListTagsLogGroup(ctx context.Context, in *ListTagsLogGroupRequest) (*ListTagsLogGroupResponse, error) {
	tags, err := s.tags(ctx, ptr.Val(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	return &ListTagsLogGroupResponse{Tags: tags}, nil
}
