package ec2

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// launchTemplates holds the scope's launch templates: the templates keyed
// by id, a name → id index, and their versions keyed "lt-id\x00%010d", so a
// template's versions are one range walk in version order.
type launchTemplates struct {
	byID     *state.Table[ltRec]
	byName   *state.Table[string]
	versions *state.Table[ltVersionRec]
}

func newLaunchTemplates(db *state.DB) *launchTemplates {
	return &launchTemplates{
		byID:     state.NewTable[ltRec](db, "launchTemplates"),
		byName:   state.NewTable[string](db, "launchTemplateNames"),
		versions: state.NewTable[ltVersionRec](db, "launchTemplateVersions"),
	}
}

// ltRec is a launch template as stored; its tags live in the tags table.
type ltRec struct {
	LaunchTemplate
	// Next is the number the next version gets: numbers are never reused,
	// even after versions are deleted.
	Next int64
}

func (r ltRec) id() string { return *r.LaunchTemplateId }

// ltVersionRec is one version; DefaultVersion is filled in when read.
type ltVersionRec struct{ LaunchTemplateVersion }

func versionKey(id string, n int64) string { return fmt.Sprintf("%s\x00%010d", id, n) }

func (s *Service) launchTemplateKind() *kind[ltRec] {
	return &kind[ltRec]{
		table: s.lt.byID, prefix: "lt", id: ltRec.id,
		notFound: func(ids []string) error { return ltNotFound(strings.Join(ids, ", ")) },
		filters: map[string]func(ltRec) []string{
			"launch-template-name": func(r ltRec) []string { return []string{*r.LaunchTemplateName} },
			"launch-template-id":   func(r ltRec) []string { return []string{r.id()} },
			"create-time":          func(r ltRec) []string { return []string{r.CreateTime.Format(time.RFC3339)} },
		},
	}
}

// AWS: the errors EC2 gives for launch templates that do not exist.
func ltNotFound(id string) error {
	return awserr.New("InvalidLaunchTemplateId.NotFound", 400, "The specified launch template, with template ID %s, does not exist.", id)
}

func ltNameNotFound() error {
	return awserr.New("InvalidLaunchTemplateName.NotFoundException", 400, "At least one of the launch templates specified in the request does not exist.")
}

func ltVersionNotFound(id, v string) error {
	return awserr.New("InvalidLaunchTemplateId.VersionNotFound", 400, "Could not find specified version %s for launch template with ID %s.", v, id)
}

// findTemplate returns the template named by id or name (exactly one of them).
//
// AWS: a malformed id is InvalidLaunchTemplateId.Malformed; giving both or
// neither is a parameter error.
func (s *Service) findTemplate(tx *state.Tx, sc state.Scope, id, name *string) (ltRec, error) {
	switch {
	case ptr.Val(id) != "" && ptr.Val(name) != "":
		return ltRec{}, awserr.New("InvalidParameterCombination", 400, "Both a launch template ID and a launch template name were specified, but only one of these parameters can be specified.")
	case ptr.Val(id) != "":
		if !strings.HasPrefix(*id, "lt-") {
			return ltRec{}, awserr.New("InvalidLaunchTemplateId.Malformed", 400, "The specified ID for the launch template is not valid. The launch template ID must begin with 'lt-': %s", *id)
		}
		r, ok := s.lt.byID.Get(tx, sc, *id)
		if !ok {
			return r, ltNotFound(*id)
		}
		return r, nil
	case ptr.Val(name) != "":
		ltID, ok := s.lt.byName.Get(tx, sc, *name)
		if !ok {
			return ltRec{}, ltNameNotFound()
		}
		r, _ := s.lt.byID.Get(tx, sc, ltID)
		return r, nil
	}
	return ltRec{}, awserr.New("MissingParameter", 400, "The request must include either a launch template ID or a launch template name.")
}

// versionNumber resolves "$Latest", "$Default" or a number ("" is $Default)
// to a version number of r.
func versionNumber(r ltRec, v string) (int64, error) {
	switch v {
	case "", "$Default":
		return *r.DefaultVersionNumber, nil
	case "$Latest":
		return *r.LatestVersionNumber, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, awserr.New("InvalidLaunchTemplateId.VersionNotFound", 400, "Could not find specified version %s for launch template with ID %s.", v, r.id())
	}
	return n, nil
}

// getVersion returns version v ("$Latest", "$Default" or a number) of r.
func (s *Service) getVersion(tx *state.Tx, sc state.Scope, r ltRec, v string) (ltVersionRec, error) {
	n, err := versionNumber(r, v)
	if err != nil {
		return ltVersionRec{}, err
	}
	ver, ok := s.lt.versions.Get(tx, sc, versionKey(r.id(), n))
	if !ok {
		return ver, ltVersionNotFound(r.id(), v)
	}
	return ver, nil
}

// versionOut is a version as Describe shows it, with its default flag set.
func versionOut(r ltRec, v ltVersionRec) LaunchTemplateVersion {
	out := v.LaunchTemplateVersion
	out.DefaultVersion = ptr.To(*out.VersionNumber == *r.DefaultVersionNumber)
	out.LaunchTemplateName = r.LaunchTemplateName
	return out
}

func (s *Service) templateOut(tx *state.Tx, sc state.Scope, r ltRec) *LaunchTemplate {
	out := r.LaunchTemplate
	out.Tags = s.tagList(tx, sc, r.id())
	return &out
}

// reshape copies into dst the members src shares with it by name, at every
// depth. The request and response shapes of launch template data, and
// RunInstances' parameters, are different types with (nearly) the same
// members, so one conversion serves them all; a member whose shape differs
// between the two is left out (json.Unmarshal skips it and goes on).
func reshape(dst, src any) {
	b, err := json.Marshal(src)
	if err != nil {
		return
	}
	_ = json.Unmarshal(b, dst)
}

// overlay sets in *dst every member that src sets (a non-nil pointer, a
// non-empty list): the launch parameters a request gives override those it
// inherits, member by member, lists as a whole.
func overlay[T any](dst *T, src T) {
	dv, sv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src)
	for i := range sv.NumField() {
		f := sv.Field(i)
		if f.IsZero() || (f.Kind() == reflect.Slice && f.Len() == 0) {
			continue
		}
		dv.Field(i).Set(f)
	}
}

// templateData checks launch template data and returns it as kept and
// returned: exactly the members given.
//
// AWS: user data must be base64; tag specifications inside the data name
// resource types the instance launch creates.
func templateData(in *RequestLaunchTemplateData) (*ResponseLaunchTemplateData, error) {
	if in == nil {
		return nil, awserr.New("MissingParameter", 400, "No launch template data was provided. Launch template data is required to create a launch template.")
	}
	if ud := ptr.Val(in.UserData); ud != "" {
		if _, err := base64.StdEncoding.DecodeString(ud); err != nil {
			return nil, awserr.New("InvalidUserData.Malformed", 400, "Invalid BASE64 encoding of user data.")
		}
	}
	for _, sp := range in.TagSpecifications {
		switch t := ptr.Val(sp.ResourceType); t {
		case "instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu":
		default:
			return nil, awserr.New("InvalidParameterValue", 400, "'%s' is not a valid taggable resource type for this operation.", t)
		}
		if _, err := checkTags(sp.Tags); err != nil {
			return nil, err
		}
	}
	out := &ResponseLaunchTemplateData{}
	reshape(out, in)
	return out, nil
}

// dataWarning is the warning AWS attaches when the data names an image that
// does not exist: the template is still created.
func (s *Service) dataWarning(tx *state.Tx, sc state.Scope, d *ResponseLaunchTemplateData) *ValidationWarning {
	if img := ptr.Val(d.ImageId); img != "" && !strings.HasPrefix(img, "resolve:ssm:") {
		if _, ok := s.launchImage(tx, sc, img); !ok {
			return &ValidationWarning{Errors: []ValidationError{{Code: ptr.To("InvalidAmiID.NotFound"), Message: ptr.To(fmt.Sprintf("The specified AMI %s does not exist", img))}}}
		}
	}
	return nil
}

// CreateLaunchTemplate creates a launch template with its first version.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html
func (s *Service) CreateLaunchTemplate(ctx context.Context, in *CreateLaunchTemplateRequest) (*CreateLaunchTemplateResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	// The name's length and characters are checked against the model before
	// this runs (InvalidParameterValue; AWS answers InvalidLaunchTemplateName.MalformedException).
	name := ptr.Val(in.LaunchTemplateName)
	data, err := templateData(in.LaunchTemplateData)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "launch-template")
	if err != nil {
		return nil, err
	}
	now := s.now()
	by := cmp.Or(reqctx.From(ctx).Caller.ARN, "arn:aws:iam::"+sc.Account+":root")
	id := ids.Hex("lt", 17)
	r := ltRec{LaunchTemplate: LaunchTemplate{
		LaunchTemplateId: ptr.To(id), LaunchTemplateName: ptr.To(name), CreateTime: ptr.To(now), CreatedBy: ptr.To(by),
		DefaultVersionNumber: ptr.To(int64(1)), LatestVersionNumber: ptr.To(int64(1)),
	}, Next: 2}
	v := ltVersionRec{LaunchTemplateVersion{
		LaunchTemplateId: ptr.To(id), LaunchTemplateName: ptr.To(name), VersionNumber: ptr.To(int64(1)),
		VersionDescription: in.VersionDescription, CreateTime: ptr.To(now), CreatedBy: ptr.To(by), LaunchTemplateData: data,
	}}
	out := &CreateLaunchTemplateResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		// AWS: names are unique in an account × region.
		if _, ok := s.lt.byName.Get(tx, sc, name); ok {
			return awserr.New("InvalidLaunchTemplateName.AlreadyExistsException", 400, "Launch template name already in use.")
		}
		s.lt.byID.Put(tx, sc, id, r)
		s.lt.byName.Put(tx, sc, name, id)
		s.lt.versions.Put(tx, sc, versionKey(id, 1), v)
		s.setTags(tx, sc, id, tags)
		out.LaunchTemplate = s.templateOut(tx, sc, r)
		out.Warning = s.dataWarning(tx, sc, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateLaunchTemplateVersion adds a version to a template; with
// SourceVersion the new version inherits that version's data, overridden
// member by member by the data given.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html
func (s *Service) CreateLaunchTemplateVersion(ctx context.Context, in *CreateLaunchTemplateVersionRequest) (*CreateLaunchTemplateVersionResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	data, err := templateData(in.LaunchTemplateData)
	if err != nil {
		return nil, err
	}
	out := &CreateLaunchTemplateVersionResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.findTemplate(tx, sc, in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return err
		}
		if src := ptr.Val(in.SourceVersion); src != "" {
			base, err := s.getVersion(tx, sc, r, src)
			if err != nil {
				return err
			}
			merged := ResponseLaunchTemplateData{}
			if base.LaunchTemplateData != nil {
				reshape(&merged, base.LaunchTemplateData) // a deep copy: stored values are shared
			}
			overlay(&merged, *data)
			data = &merged
		}
		n := max(r.Next, *r.LatestVersionNumber+1)
		now := s.now()
		v := ltVersionRec{LaunchTemplateVersion{
			LaunchTemplateId: r.LaunchTemplateId, LaunchTemplateName: r.LaunchTemplateName, VersionNumber: ptr.To(n),
			VersionDescription: in.VersionDescription, CreateTime: ptr.To(now),
			CreatedBy: ptr.To(cmp.Or(reqctx.From(ctx).Caller.ARN, "arn:aws:iam::"+sc.Account+":root")), LaunchTemplateData: data,
		}}
		r.LatestVersionNumber, r.Next = ptr.To(n), n+1
		s.lt.byID.Put(tx, sc, r.id(), r)
		s.lt.versions.Put(tx, sc, versionKey(r.id(), n), v)
		ver := versionOut(r, v)
		out.LaunchTemplateVersion = &ver
		out.Warning = s.dataWarning(tx, sc, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DescribeLaunchTemplates lists launch templates by id, by name, or all,
// filtered by name, create time and tags, in id order.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplates.html
func (s *Service) DescribeLaunchTemplates(ctx context.Context, in *DescribeLaunchTemplatesRequest) (*DescribeLaunchTemplatesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeLaunchTemplatesResult{LaunchTemplates: []LaunchTemplate{}}
	err = s.db.View(func(tx *state.Tx) error {
		want := slices.Clone(in.LaunchTemplateIds)
		for _, id := range want {
			if !strings.HasPrefix(id, "lt-") {
				return awserr.New("InvalidLaunchTemplateId.Malformed", 400, "The specified ID for the launch template is not valid. The launch template ID must begin with 'lt-': %s", id)
			}
		}
		for _, name := range in.LaunchTemplateNames {
			id, ok := s.lt.byName.Get(tx, sc, name)
			if !ok {
				return ltNameNotFound()
			}
			want = append(want, id)
		}
		recs, next, err := describe(s, tx, sc, s.launchTemplateKind(), query{IDs: want, Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken})
		if err != nil {
			return err
		}
		for _, r := range recs {
			out.LaunchTemplates = append(out.LaunchTemplates, *s.templateOut(tx, sc, r))
		}
		out.NextToken = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// versionFilters are the DescribeLaunchTemplateVersions filters haneul answers.
var versionFilters = map[string]func(LaunchTemplateVersion) []string{
	"create-time":        func(v LaunchTemplateVersion) []string { return []string{v.CreateTime.Format(time.RFC3339)} },
	"is-default-version": func(v LaunchTemplateVersion) []string { return []string{strconv.FormatBool(ptr.Val(v.DefaultVersion))} },
	"image-id": func(v LaunchTemplateVersion) []string {
		return dataString(v, func(d *ResponseLaunchTemplateData) *string { return d.ImageId })
	},
	"instance-type": func(v LaunchTemplateVersion) []string {
		return dataString(v, func(d *ResponseLaunchTemplateData) *string { return d.InstanceType })
	},
	"kernel-id": func(v LaunchTemplateVersion) []string {
		return dataString(v, func(d *ResponseLaunchTemplateData) *string { return d.KernelId })
	},
	"ram-disk-id": func(v LaunchTemplateVersion) []string {
		return dataString(v, func(d *ResponseLaunchTemplateData) *string { return d.RamDiskId })
	},
	"ebs-optimized": func(v LaunchTemplateVersion) []string {
		if d := v.LaunchTemplateData; d != nil && d.EbsOptimized != nil {
			return []string{strconv.FormatBool(*d.EbsOptimized)}
		}
		return nil
	},
	"iam-instance-profile": func(v LaunchTemplateVersion) []string {
		if d := v.LaunchTemplateData; d != nil && d.IamInstanceProfile != nil {
			return []string{ptr.Val(d.IamInstanceProfile.Arn), ptr.Val(d.IamInstanceProfile.Name)}
		}
		return nil
	},
	"http-endpoint": func(v LaunchTemplateVersion) []string {
		if d := v.LaunchTemplateData; d != nil && d.MetadataOptions != nil {
			return []string{ptr.Val(d.MetadataOptions.HttpEndpoint)}
		}
		return nil
	},
	"http-tokens": func(v LaunchTemplateVersion) []string {
		if d := v.LaunchTemplateData; d != nil && d.MetadataOptions != nil {
			return []string{ptr.Val(d.MetadataOptions.HttpTokens)}
		}
		return nil
	},
}

func dataString(v LaunchTemplateVersion, f func(*ResponseLaunchTemplateData) *string) []string {
	if v.LaunchTemplateData == nil || f(v.LaunchTemplateData) == nil {
		return nil
	}
	return []string{*f(v.LaunchTemplateData)}
}

// DescribeLaunchTemplateVersions lists versions of one template: those
// named ($Latest, $Default, numbers), or those in [MinVersion, MaxVersion],
// or all, newest first. Without a template, Versions may only be $Latest
// and $Default, and every template's such version is listed.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html
func (s *Service) DescribeLaunchTemplateVersions(ctx context.Context, in *DescribeLaunchTemplateVersionsRequest) (*DescribeLaunchTemplateVersionsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var all []LaunchTemplateVersion
	err = s.db.View(func(tx *state.Tx) error {
		if ptr.Val(in.LaunchTemplateId) == "" && ptr.Val(in.LaunchTemplateName) == "" {
			// AWS: across templates only the $Latest and $Default aliases are allowed.
			if len(in.Versions) == 0 || slices.ContainsFunc(in.Versions, func(v string) bool { return v != "$Latest" && v != "$Default" }) {
				return awserr.New("MissingParameter", 400, "The request must include either a launch template ID or a launch template name, unless only the $Latest or $Default versions are requested.")
			}
			s.lt.byID.Ascend(tx, sc, "", func(_ string, r ltRec) bool {
				seen := map[int64]bool{}
				for _, alias := range in.Versions {
					if v, err := s.getVersion(tx, sc, r, alias); err == nil && !seen[*v.VersionNumber] {
						seen[*v.VersionNumber] = true
						all = append(all, versionOut(r, v))
					}
				}
				return true
			})
			return nil
		}
		r, err := s.findTemplate(tx, sc, in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return err
		}
		if len(in.Versions) > 0 {
			seen := map[int64]bool{}
			for _, want := range in.Versions {
				v, err := s.getVersion(tx, sc, r, want)
				if err != nil {
					return err
				}
				if !seen[*v.VersionNumber] {
					seen[*v.VersionNumber] = true
					all = append(all, versionOut(r, v))
				}
			}
			slices.SortFunc(all, func(a, b LaunchTemplateVersion) int { return cmp.Compare(*b.VersionNumber, *a.VersionNumber) })
			return nil
		}
		lo, hi := int64(1), *r.LatestVersionNumber
		if m := ptr.Val(in.MinVersion); m != "" {
			if lo, err = versionNumber(r, m); err != nil {
				return err
			}
		}
		if m := ptr.Val(in.MaxVersion); m != "" {
			if hi, err = versionNumber(r, m); err != nil {
				return err
			}
		}
		s.lt.versions.Descend(tx, sc, versionKey(r.id(), hi), func(_ string, v ltVersionRec) bool {
			if *v.LaunchTemplateId != r.id() || *v.VersionNumber < lo {
				return false
			}
			all = append(all, versionOut(r, v))
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	all, err = filterSlice(all, in.Filters, versionFilters)
	if err != nil {
		return nil, err
	}
	// Pages follow the listing's order: the token is the position reached.
	start := 0
	if t := ptr.Val(in.NextToken); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		if start, _ = strconv.Atoi(string(b)); err != nil || start < 0 || start > len(all) {
			return nil, awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for nextToken", t)
		}
	}
	all = all[start:]
	out := &DescribeLaunchTemplateVersionsResult{LaunchTemplateVersions: all}
	if n := int(ptr.Val(in.MaxResults)); n > 0 && len(all) > n {
		out.LaunchTemplateVersions = all[:n]
		out.NextToken = ptr.To(base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start + n))))
	}
	if out.LaunchTemplateVersions == nil {
		out.LaunchTemplateVersions = []LaunchTemplateVersion{}
	}
	return out, nil
}

// ModifyLaunchTemplate sets a template's default version.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyLaunchTemplate.html
func (s *Service) ModifyLaunchTemplate(ctx context.Context, in *ModifyLaunchTemplateRequest) (*ModifyLaunchTemplateResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &ModifyLaunchTemplateResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.findTemplate(tx, sc, in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return err
		}
		if d := ptr.Val(in.DefaultVersion); d != "" {
			v, err := s.getVersion(tx, sc, r, d)
			if err != nil {
				return err
			}
			r.DefaultVersionNumber = v.VersionNumber
			s.lt.byID.Put(tx, sc, r.id(), r)
		}
		out.LaunchTemplate = s.templateOut(tx, sc, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteLaunchTemplate deletes a template and all its versions.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteLaunchTemplate.html
func (s *Service) DeleteLaunchTemplate(ctx context.Context, in *DeleteLaunchTemplateRequest) (*DeleteLaunchTemplateResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DeleteLaunchTemplateResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.findTemplate(tx, sc, in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return err
		}
		out.LaunchTemplate = s.templateOut(tx, sc, r)
		var keys []string
		s.lt.versions.AscendPrefix(tx, sc, r.id()+"\x00", func(k string, _ ltVersionRec) bool {
			keys = append(keys, k)
			return true
		})
		for _, k := range keys {
			s.lt.versions.Delete(tx, sc, k)
		}
		s.lt.byName.Delete(tx, sc, *r.LaunchTemplateName)
		s.lt.byID.Delete(tx, sc, r.id())
		s.dropTags(tx, sc, r.id())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteLaunchTemplateVersions deletes versions of a template; each version
// succeeds or fails on its own.
//
// AWS: the default version cannot be deleted (DeleteLaunchTemplate deletes
// the template); $Latest then names the highest version left.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteLaunchTemplateVersions.html
func (s *Service) DeleteLaunchTemplateVersions(ctx context.Context, in *DeleteLaunchTemplateVersionsRequest) (*DeleteLaunchTemplateVersionsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DeleteLaunchTemplateVersionsResult{
		SuccessfullyDeletedLaunchTemplateVersions:   []DeleteLaunchTemplateVersionsResponseSuccessItem{},
		UnsuccessfullyDeletedLaunchTemplateVersions: []DeleteLaunchTemplateVersionsResponseErrorItem{},
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.findTemplate(tx, sc, in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return err
		}
		fail := func(n int64, code, msg string) {
			out.UnsuccessfullyDeletedLaunchTemplateVersions = append(out.UnsuccessfullyDeletedLaunchTemplateVersions, DeleteLaunchTemplateVersionsResponseErrorItem{
				LaunchTemplateId: r.LaunchTemplateId, LaunchTemplateName: r.LaunchTemplateName, VersionNumber: ptr.To(n),
				ResponseError: &ResponseError{Code: ptr.To(code), Message: ptr.To(msg)},
			})
		}
		for _, want := range in.Versions {
			n, err := strconv.ParseInt(want, 10, 64)
			switch {
			case err != nil:
				fail(0, "launchTemplateVersionDoesNotExist", "Could not find launch template version")
			case n == *r.DefaultVersionNumber:
				// The model's error codes have none for this case: unexpectedError it is.
				fail(n, "unexpectedError", "The default version of a launch template cannot be deleted. To delete the launch template, use DeleteLaunchTemplate.")
			case !s.lt.versions.Delete(tx, sc, versionKey(r.id(), n)):
				fail(n, "launchTemplateVersionDoesNotExist", "Could not find launch template version")
			default:
				out.SuccessfullyDeletedLaunchTemplateVersions = append(out.SuccessfullyDeletedLaunchTemplateVersions, DeleteLaunchTemplateVersionsResponseSuccessItem{
					LaunchTemplateId: r.LaunchTemplateId, LaunchTemplateName: r.LaunchTemplateName, VersionNumber: ptr.To(n),
				})
			}
		}
		// $Latest is the highest version left (the default one always is).
		s.lt.versions.Descend(tx, sc, versionKey(r.id(), *r.LatestVersionNumber), func(_ string, v ltVersionRec) bool {
			r.LatestVersionNumber = v.VersionNumber
			return false
		})
		s.lt.byID.Put(tx, sc, r.id(), r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetLaunchTemplateData returns an instance's launch parameters as launch
// template data, to make a template from a running instance.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetLaunchTemplateData.html
func (s *Service) GetLaunchTemplateData(ctx context.Context, in *GetLaunchTemplateDataRequest) (*GetLaunchTemplateDataResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var d ResponseLaunchTemplateData
	err = s.db.View(func(tx *state.Tx) error {
		r, err := s.getInstance(tx, sc, *in.InstanceId)
		if err != nil {
			return err
		}
		d = ResponseLaunchTemplateData{
			ImageId: r.ImageId, InstanceType: r.InstanceType, KeyName: r.KeyName, EbsOptimized: r.EbsOptimized,
			DisableApiTermination: ptr.To(r.NoTerminate), DisableApiStop: ptr.To(r.NoStop),
			InstanceInitiatedShutdownBehavior: ptr.To(r.Shutdown),
			Monitoring:                        &LaunchTemplatesMonitoring{Enabled: ptr.To(ptr.Val(r.Monitoring.State) == "enabled")},
			Placement:                         &LaunchTemplatePlacement{AvailabilityZone: r.Placement.AvailabilityZone, GroupName: r.Placement.GroupName, Tenancy: r.Placement.Tenancy},
			SecurityGroupIds:                  []string{}, SecurityGroups: []string{},
		}
		if r.UserData != "" {
			d.UserData = ptr.To(r.UserData)
		}
		if r.IamInstanceProfile != nil {
			d.IamInstanceProfile = &LaunchTemplateIamInstanceProfileSpecification{Arn: r.IamInstanceProfile.Arn}
		}
		if r.Credits != "" {
			d.CreditSpecification = &CreditSpecification{CpuCredits: ptr.To(r.Credits)}
		}
		if m := r.MetadataOptions; m != nil {
			d.MetadataOptions = &LaunchTemplateInstanceMetadataOptions{HttpEndpoint: m.HttpEndpoint, HttpTokens: m.HttpTokens,
				HttpPutResponseHopLimit: m.HttpPutResponseHopLimit, HttpProtocolIpv6: m.HttpProtocolIpv6, InstanceMetadataTags: m.InstanceMetadataTags}
		}
		if c := r.CpuOptions; c != nil {
			d.CpuOptions = &LaunchTemplateCpuOptions{CoreCount: c.CoreCount, ThreadsPerCore: c.ThreadsPerCore}
		}
		for _, ni := range r.NetworkInterfaces {
			spec := LaunchTemplateInstanceNetworkInterfaceSpecification{
				DeviceIndex: ni.Attachment.DeviceIndex, SubnetId: ni.SubnetId, DeleteOnTermination: ni.Attachment.DeleteOnTermination,
				AssociatePublicIpAddress: ptr.To(r.AutoPublicIP != ""), Description: ni.Description, InterfaceType: ni.InterfaceType,
			}
			for _, g := range ni.Groups {
				spec.Groups = append(spec.Groups, *g.GroupId)
			}
			d.NetworkInterfaces = append(d.NetworkInterfaces, spec)
		}
		for _, m := range r.BlockDeviceMappings {
			if m.Ebs == nil {
				continue
			}
			v, ok := s.volumes.Get(tx, sc, ptr.Val(m.Ebs.VolumeId))
			if !ok {
				continue
			}
			d.BlockDeviceMappings = append(d.BlockDeviceMappings, LaunchTemplateBlockDeviceMapping{DeviceName: m.DeviceName, Ebs: &LaunchTemplateEbsBlockDevice{
				DeleteOnTermination: m.Ebs.DeleteOnTermination, Encrypted: v.Encrypted, Iops: v.Iops, SnapshotId: v.SnapshotId,
				Throughput: v.Throughput, VolumeSize: v.Size, VolumeType: v.VolumeType,
			}})
		}
		// AWS: the instance's own tags, less those AWS set (aws:…), as a tag specification.
		var tags []Tag
		for _, t := range s.tagList(tx, sc, r.id()) {
			if !strings.HasPrefix(*t.Key, "aws:") {
				tags = append(tags, t)
			}
		}
		if len(tags) > 0 {
			d.TagSpecifications = []LaunchTemplateTagSpecification{{ResourceType: ptr.To("instance"), Tags: tags}}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetLaunchTemplateDataResult{LaunchTemplateData: &d}, nil
}

// resolveLaunchTemplate returns the template and version a
// LaunchTemplateSpecification names (version "" is $Default).
func (s *Service) resolveLaunchTemplate(ctx context.Context, sc state.Scope, spec LaunchTemplateSpecification) (ltRec, ltVersionRec, error) {
	var r ltRec
	var v ltVersionRec
	err := s.db.View(func(tx *state.Tx) (err error) {
		if r, err = s.findTemplate(tx, sc, spec.LaunchTemplateId, spec.LaunchTemplateName); err != nil {
			return err
		}
		v, err = s.getVersion(tx, sc, r, ptr.Val(spec.Version))
		return err
	})
	return r, v, err
}

// runFromTemplate is RunInstances with a LaunchTemplate: the template
// version's data, with the request's own parameters over it, is launched
// as a plain RunInstances request.
//
// AWS: parameters in the request override the template's; tag
// specifications of both apply (the request's win on the same key); the
// instances are tagged aws:ec2launchtemplate:id and :version.
func (s *Service) runFromTemplate(ctx context.Context, sc state.Scope, in *RunInstancesRequest) (*Reservation, error) {
	r, v, err := s.resolveLaunchTemplate(ctx, sc, *in.LaunchTemplate)
	if err != nil {
		return nil, err
	}
	req := RunInstancesRequest{}
	if v.LaunchTemplateData != nil {
		reshape(&req, v.LaunchTemplateData)
	}
	own := *in
	own.LaunchTemplate, own.TagSpecifications = nil, nil
	inherited := req.TagSpecifications
	// A subnet the request gives goes to the template's primary interface
	// when the template describes interfaces (Auto Scaling launches so).
	if len(req.NetworkInterfaces) > 0 && len(own.NetworkInterfaces) == 0 && own.SubnetId != nil {
		for i := range req.NetworkInterfaces {
			if ptr.Val(req.NetworkInterfaces[i].DeviceIndex) == 0 {
				req.NetworkInterfaces[i].SubnetId = own.SubnetId
				own.SubnetId = nil
			}
		}
	}
	overlay(&req, own)
	req.TagSpecifications = append(slices.Clone(inherited), in.TagSpecifications...)
	// AWS: security groups belong to the interfaces when interfaces are given.
	if len(req.NetworkInterfaces) > 0 && (len(req.SecurityGroupIds) > 0 || len(req.SecurityGroups) > 0) {
		return nil, awserr.New("InvalidParameterCombination", 400, "Network interfaces and an instance-level security groups may not be specified on the same request")
	}
	res, err := s.RunInstances(ctx, &req)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{"aws:ec2launchtemplate:id": r.id(), "aws:ec2launchtemplate:version": strconv.FormatInt(*v.VersionNumber, 10)}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		for i, inst := range res.Instances {
			s.setTags(tx, sc, *inst.InstanceId, tags)
			res.Instances[i].Tags = s.tagList(tx, sc, *inst.InstanceId)
		}
		return nil
	})
	return res, err
}
