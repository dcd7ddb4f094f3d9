package ssm

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// Parameter types, tiers and data types.
const (
	typeString       = "String"
	typeStringList   = "StringList"
	typeSecureString = "SecureString"

	tierStandard    = "Standard"
	tierAdvanced    = "Advanced"
	tierIntelligent = "Intelligent-Tiering"

	dataText        = "text"
	dataImage       = "aws:ec2:image"
	dataIntegration = "aws:ssm:integration"

	// AWS: SecureString parameters without a KeyId use the account's AWS managed key.
	defaultKeyID = "alias/aws/ssm"
)

// AWS: value size limits per tier, and versions kept per parameter.
const (
	maxStandardValue = 4 * 1024
	maxAdvancedValue = 8 * 1024
	maxVersions      = 100
)

// version is one version of a parameter: its value and settings.
type version struct {
	Name           string
	Type           string
	Value          string
	Version        int64
	KeyID          string `json:",omitempty"`
	Description    string `json:",omitempty"`
	AllowedPattern string `json:",omitempty"`
	Tier           string
	DataType       string
	Policies       string `json:",omitempty"`
	Modified       time.Time
	User           string
}

// paramRec is a parameter's current version and its tags.
type paramRec struct {
	version
	Tags []tag `json:",omitempty"`
}

// versionRec is one version in a parameter's history, with its labels.
type versionRec struct {
	version
	Labels []string `json:",omitempty"`
}

// imageID is the shape of an AMI id that aws:ec2:image parameters hold.
var imageID = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)

// PutParameter creates a parameter or, with Overwrite, adds a version to it.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
func (s *Service) PutParameter(ctx context.Context, in *PutParameterRequest) (*PutParameterResult, error) {
	name := ptr.Val(in.Name)
	if err := checkName(name); err != nil {
		return nil, err
	}
	value := ptr.Val(in.Value)
	if value == "" {
		return nil, validation("1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	overwrite := ptr.Val(in.Overwrite)
	if overwrite && len(in.Tags) > 0 {
		// AWS: tags are set on create only; AddTagsToResource changes them later.
		return nil, validation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	info := reqctx.From(ctx)
	var out PutParameterResult
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		old, exists := s.params.Get(tx, sc, name)
		if exists && !overwrite {
			return awserr.New("ParameterAlreadyExists", 0, "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
		}
		v, err := nextVersion(old.version, exists, in)
		if err != nil {
			return err
		}
		v.Name, v.Value, v.Modified, v.User = name, value, s.now(), info.Caller.ARN
		if exists {
			v.Version = old.Version + 1
			tags = old.Tags
		} else {
			v.Version = 1
		}
		if err := s.trimHistory(tx, sc, name, v.Version); err != nil {
			return err
		}
		s.params.Put(tx, sc, name, paramRec{version: v, Tags: tags})
		s.history.Put(tx, sc, versionKey(name, v.Version), versionRec{version: v})
		out = PutParameterResult{Tier: ptr.To(v.Tier), Version: ptr.To(v.Version)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// nextVersion works out the settings of a new version from the request and,
// when the parameter exists, its current version: what the request leaves
// out is kept.
func nextVersion(old version, exists bool, in *PutParameterRequest) (version, error) {
	v := version{Tier: tierStandard, DataType: dataText}
	if exists {
		v = old
	}
	switch {
	case in.Type != nil:
		v.Type = *in.Type
	case !exists:
		return v, validation("A parameter type is required when you create a parameter.")
	}
	if in.Description != nil {
		v.Description = *in.Description
	}
	if in.DataType != nil && *in.DataType != "" {
		v.DataType = *in.DataType
	}
	switch v.DataType {
	case dataText, dataIntegration:
	case dataImage:
		if v.Type != typeString {
			return v, validation("The data type %s is only supported for parameters of type String.", dataImage)
		}
		// AWS validates aws:ec2:image values asynchronously and drops the
		// version if the image does not exist; haneul checks the id's shape at once.
		if !imageID.MatchString(ptr.Val(in.Value)) {
			return v, validation("Parameter value, %s, is not a valid AMI ID for data type %s.", ptr.Val(in.Value), dataImage)
		}
	default:
		return v, validation("The following data type is not supported: %s (Data type names are all lowercase.)", v.DataType)
	}
	if in.AllowedPattern != nil {
		v.AllowedPattern = *in.AllowedPattern
	}
	if v.AllowedPattern != "" {
		// AWS: the pattern must match the whole value.
		re, err := regexp.Compile(`^(?:` + v.AllowedPattern + `)$`)
		if err != nil {
			return v, awserr.New("InvalidAllowedPatternException", 0, "The allowed pattern is not a valid regular expression.")
		}
		if !re.MatchString(ptr.Val(in.Value)) {
			return v, awserr.New("ParameterPatternMismatchException", 0, "Parameter value, cannot be validated against allowedPattern: %s", v.AllowedPattern)
		}
	}
	switch {
	case v.Type == typeSecureString && in.KeyId != nil:
		v.KeyID = *in.KeyId
	case v.Type == typeSecureString && v.KeyID == "":
		v.KeyID = defaultKeyID
	case v.Type != typeSecureString && in.KeyId != nil:
		return v, validation("KeyId is required for SecureString type parameter only.")
	case v.Type != typeSecureString:
		v.KeyID = ""
	}
	if in.Policies != nil {
		v.Policies = *in.Policies
	}
	tier, err := resolveTier(old, exists, ptr.Val(in.Tier), len(ptr.Val(in.Value)), v.Policies != "")
	if err != nil {
		return v, err
	}
	v.Tier = tier
	return v, nil
}

// resolveTier is the tier a new version is stored in.
// AWS: the default tier is Standard; Intelligent-Tiering picks Advanced only
// when the value or policies need it; an Advanced parameter never goes back to Standard.
func resolveTier(old version, exists bool, want string, size int, policies bool) (string, error) {
	tier := want
	switch {
	case want == tierIntelligent && (size > maxStandardValue || policies):
		tier = tierAdvanced
	case want == tierIntelligent && exists:
		tier = old.Tier
	case want == tierIntelligent:
		tier = tierStandard
	case want == "" && exists:
		tier = old.Tier
	case want == "":
		tier = tierStandard
	}
	if exists && old.Tier == tierAdvanced && tier == tierStandard {
		return "", validation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.")
	}
	if tier == tierStandard && size > maxStandardValue {
		return "", validation("Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html")
	}
	if size > maxAdvancedValue {
		return "", validation("Advanced tier parameters support a maximum parameter value of 8192 characters.")
	}
	if tier == tierStandard && policies {
		return "", validation("Parameter policies are supported only for parameters in the advanced-parameter tier.")
	}
	return tier, nil
}

// trimHistory makes room for version next: AWS keeps the 100 most recent
// versions and deletes the oldest, unless a label holds it.
func (s *Service) trimHistory(tx *state.Tx, sc state.Scope, name string, next int64) error {
	if next <= maxVersions {
		return nil
	}
	var oldest versionRec
	var key string
	s.history.AscendPrefix(tx, sc, name+sep, func(k string, v versionRec) bool {
		key, oldest = k, v
		return false
	})
	if key == "" || s.historyLen(tx, sc, name) < maxVersions {
		return nil
	}
	if len(oldest.Labels) > 0 {
		return awserr.New("ParameterMaxVersionLimitExceeded", 0,
			"You attempted to create a new version of %s by calling the PutParameter API with the overwrite flag. Version %d, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.",
			name, oldest.Version)
	}
	s.history.Delete(tx, sc, key)
	return nil
}

// historyLen counts a parameter's stored versions (at most 100).
func (s *Service) historyLen(tx *state.Tx, sc state.Scope, name string) int {
	n := 0
	s.history.AscendPrefix(tx, sc, name+sep, func(string, versionRec) bool { n++; return true })
	return n
}

// resolve finds the version a selector names: the current one, a numbered
// version, or the version holding a label. Public parameters answer too.
func (s *Service) resolve(tx *state.Tx, sc state.Scope, sel selector) (version, error) {
	if p, ok := s.public.get(sel.name); ok {
		if (sel.version != 0 && sel.version != p.Version) || sel.label != "" {
			return version{}, versionNotFound(sel)
		}
		return p.version(sc.Region), nil
	}
	cur, ok := s.params.Get(tx, sc, sel.name)
	if !ok {
		return version{}, awserr.New("ParameterNotFound", 0, "")
	}
	switch {
	case sel.version != 0:
		v, ok := s.history.Get(tx, sc, versionKey(sel.name, sel.version))
		if !ok {
			return version{}, versionNotFound(sel)
		}
		return v.version, nil
	case sel.label != "":
		var found *versionRec
		s.history.AscendPrefix(tx, sc, sel.name+sep, func(_ string, v versionRec) bool {
			if slices.Contains(v.Labels, sel.label) {
				found = &v
				return false
			}
			return true
		})
		if found == nil {
			return version{}, versionNotFound(sel)
		}
		return found.version, nil
	}
	return cur.version, nil
}

func versionNotFound(sel selector) error {
	if sel.label != "" {
		return awserr.New("ParameterVersionNotFound", 0, "Systems Manager could not find version %s of %s. Verify the version and try again.", sel.label, sel.name)
	}
	return awserr.New("ParameterVersionNotFound", 0, "Systems Manager could not find version %d of %s. Verify the version and try again.", sel.version, sel.name)
}

// nameFromARN accepts a parameter named by its ARN, as Get* do.
func nameFromARN(s string) string {
	if !strings.HasPrefix(s, "arn:") {
		return s
	}
	_, rest, ok := strings.Cut(s, ":parameter/")
	if !ok {
		return s
	}
	if strings.Contains(rest, "/") {
		return "/" + rest
	}
	return rest
}

// apiParameter renders a version as Get* return it.
func apiParameter(sc state.Scope, v version, sel selector, decrypt bool) Parameter {
	value := v.Value
	if v.Type == typeSecureString && !decrypt {
		// AWS: without WithDecryption a SecureString reads as its ciphertext.
		value = ciphertext(v.KeyID, v.Name, v.Version, v.Value)
	}
	p := Parameter{
		ARN:              ptr.To(paramARN(sc, v)),
		DataType:         ptr.To(v.DataType),
		LastModifiedDate: ptr.To(v.Modified),
		Name:             ptr.To(v.Name),
		Type:             ptr.To(v.Type),
		Value:            ptr.To(value),
		Version:          ptr.To(v.Version),
	}
	if sel.raw != "" {
		p.Selector = ptr.To(sel.raw)
	}
	return p
}

// paramARN is v's ARN in sc; public parameters belong to no account.
func paramARN(sc state.Scope, v version) string {
	if isPublic(v.Name) {
		return parameterARN(sc.Region, "", v.Name)
	}
	return parameterARN(sc.Region, sc.Account, v.Name)
}

// GetParameter returns one parameter, or one version of it with name:version or name:label.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
func (s *Service) GetParameter(ctx context.Context, in *GetParameterRequest) (*GetParameterResult, error) {
	sc := scope(ctx)
	sel := parseSelector(nameFromARN(ptr.Val(in.Name)))
	var out GetParameterResult
	err := s.db.View(func(tx *state.Tx) error {
		v, err := s.resolve(tx, sc, sel)
		if err != nil {
			return err
		}
		p := apiParameter(sc, v, sel, ptr.Val(in.WithDecryption))
		out.Parameter = &p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetParameters returns up to ten parameters; names that do not resolve are
// listed as InvalidParameters.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html
func (s *Service) GetParameters(ctx context.Context, in *GetParametersRequest) (*GetParametersResult, error) {
	sc := scope(ctx)
	out := GetParametersResult{Parameters: []Parameter{}, InvalidParameters: []string{}}
	seen := map[string]bool{}
	err := s.db.View(func(tx *state.Tx) error {
		for _, n := range in.Names {
			if seen[n] {
				continue
			}
			seen[n] = true
			sel := parseSelector(nameFromARN(n))
			v, err := s.resolve(tx, sc, sel)
			if err != nil {
				out.InvalidParameters = append(out.InvalidParameters, n)
				continue
			}
			out.Parameters = append(out.Parameters, apiParameter(sc, v, sel, ptr.Val(in.WithDecryption)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetParameterHistory lists a parameter's versions, oldest first, with their labels.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameterHistory.html
func (s *Service) GetParameterHistory(ctx context.Context, in *GetParameterHistoryRequest) (*GetParameterHistoryResult, error) {
	sc := scope(ctx)
	name := nameFromARN(ptr.Val(in.Name))
	decrypt := ptr.Val(in.WithDecryption)
	pg, err := newPage(in.NextToken, in.MaxResults, 50, name+sep)
	if err != nil {
		return nil, err
	}
	out := GetParameterHistoryResult{Parameters: []ParameterHistory{}}
	err = s.db.View(func(tx *state.Tx) error {
		if p, ok := s.public.get(name); ok {
			out.Parameters = append(out.Parameters, apiHistory(sc, versionRec{version: p.version(sc.Region)}, decrypt))
			return nil
		}
		if _, ok := s.params.Get(tx, sc, name); !ok {
			return awserr.New("ParameterNotFound", 0, "")
		}
		n := 0
		s.history.Ascend(tx, sc, pg.from, func(k string, v versionRec) bool {
			if !strings.HasPrefix(k, name+sep) {
				return false
			}
			if n == pg.max {
				out.NextToken = ptr.To(encodeToken(k))
				return false
			}
			out.Parameters = append(out.Parameters, apiHistory(sc, v, decrypt))
			n++
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func apiHistory(sc state.Scope, v versionRec, decrypt bool) ParameterHistory {
	value := v.Value
	if v.Type == typeSecureString && !decrypt {
		value = ciphertext(v.KeyID, v.Name, v.Version, v.Value)
	}
	h := ParameterHistory{
		DataType:         ptr.To(v.DataType),
		LastModifiedDate: ptr.To(v.Modified),
		LastModifiedUser: ptr.To(v.User),
		Labels:           slices.Clone(v.Labels),
		Name:             ptr.To(v.Name),
		Policies:         apiPolicies(v.Policies),
		Tier:             ptr.To(v.Tier),
		Type:             ptr.To(v.Type),
		Value:            ptr.To(value),
		Version:          ptr.To(v.Version),
	}
	if h.Labels == nil {
		h.Labels = []string{}
	}
	if v.KeyID != "" {
		h.KeyId = ptr.To(v.KeyID)
	}
	if v.Description != "" {
		h.Description = ptr.To(v.Description)
	}
	if v.AllowedPattern != "" {
		h.AllowedPattern = ptr.To(v.AllowedPattern)
	}
	return h
}

// apiPolicies renders stored policies (AWS reports each as pending until evaluated).
func apiPolicies(text string) []ParameterInlinePolicy {
	if text == "" {
		return []ParameterInlinePolicy{}
	}
	return []ParameterInlinePolicy{{PolicyText: ptr.To(text), PolicyStatus: ptr.To("Pending")}}
}

// DeleteParameter deletes a parameter and all its versions.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameter.html
func (s *Service) DeleteParameter(ctx context.Context, in *DeleteParameterRequest) (*DeleteParameterResult, error) {
	sc := scope(ctx)
	name := ptr.Val(in.Name)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if !s.deleteParam(tx, sc, name) {
			return notFound(name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteParameterResult{}, nil
}

// DeleteParameters deletes up to ten parameters; names that do not exist are
// listed as InvalidParameters.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameters.html
func (s *Service) DeleteParameters(ctx context.Context, in *DeleteParametersRequest) (*DeleteParametersResult, error) {
	sc := scope(ctx)
	out := DeleteParametersResult{DeletedParameters: []string{}, InvalidParameters: []string{}}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, n := range in.Names {
			if s.deleteParam(tx, sc, n) {
				out.DeletedParameters = append(out.DeletedParameters, n)
			} else if !slices.Contains(out.DeletedParameters, n) && !slices.Contains(out.InvalidParameters, n) {
				out.InvalidParameters = append(out.InvalidParameters, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// deleteParam removes a parameter and its history, reporting whether it existed.
func (s *Service) deleteParam(tx *state.Tx, sc state.Scope, name string) bool {
	if !s.params.Delete(tx, sc, name) {
		return false
	}
	var keys []string
	s.history.AscendPrefix(tx, sc, name+sep, func(k string, _ versionRec) bool {
		keys = append(keys, k)
		return true
	})
	for _, k := range keys {
		s.history.Delete(tx, sc, k)
	}
	return true
}
