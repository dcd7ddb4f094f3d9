package ssm

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// page is a request's position in a listing: the first key to consider and
// how many items to return.
type page struct {
	from string
	max  int
}

// newPage reads NextToken and MaxResults. A token is the opaque form of the
// next key to list and must fall under prefix.
func newPage(token *string, maxResults *int64, def int, prefix string) (page, error) {
	p := page{from: prefix, max: def}
	if maxResults != nil {
		p.max = int(*maxResults)
	}
	if t := ptr.Val(token); t != "" {
		k, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil || !strings.HasPrefix(string(k), prefix) {
			return p, awserr.New("InvalidNextToken", 0, "The specified token isn't valid.")
		}
		p.from = string(k)
	}
	return p, nil
}

func encodeToken(k string) string { return base64.RawURLEncoding.EncodeToString([]byte(k)) }

// walkPath visits the parameters under a path in name order, from the
// page's position: with recursive, every descendant; without, only the
// path's direct children, skipping each deeper subtree with one seek. It
// stops when visit returns false. The path "/" also holds the names that
// have no slash at all.
func walkPath(path string, recursive bool, from string, ascend func(from string, fn func(k string) bool), visit func(k string) bool) {
	prefix := path
	if prefix != "/" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	root := prefix == "/"
	if root {
		prefix = ""
	}
	if from < prefix {
		from = prefix
	}
	for {
		restart := ""
		ascend(from, func(k string) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			rest := k[len(prefix):]
			if root {
				rest = strings.TrimPrefix(rest, "/")
			}
			if !recursive {
				if i := strings.IndexByte(rest, '/'); i >= 0 {
					// '0' follows '/' in byte order: seek past this child's subtree.
					restart = k[:len(k)-len(rest)+i] + "0"
					return false
				}
			}
			return visit(k)
		})
		if restart == "" {
			return
		}
		from = restart
	}
}

// GetParametersByPath lists the parameters under a path (one level, or every
// level with Recursive), ten at most per page.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html
func (s *Service) GetParametersByPath(ctx context.Context, in *GetParametersByPathRequest) (*GetParametersByPathResult, error) {
	path := ptr.Val(in.Path)
	if !strings.HasPrefix(path, "/") {
		return nil, validation(`The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.`)
	}
	match, err := compileFilters(nil, in.ParameterFilters, byPathKeys)
	if err != nil {
		return nil, err
	}
	pg, err := newPage(in.NextToken, in.MaxResults, 10, "")
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	decrypt := ptr.Val(in.WithDecryption)
	out := GetParametersByPathResult{Parameters: []Parameter{}}
	n := 0
	emit := func(k string, v version, labels func() []string, tags []tag) bool {
		if !match(v, labels, tags) {
			return true
		}
		if n == pg.max {
			out.NextToken = ptr.To(encodeToken(k))
			return false
		}
		out.Parameters = append(out.Parameters, apiParameter(sc, v, selector{}, decrypt))
		n++
		return true
	}
	if isPublic(path) || isPublic(path+"/") {
		walkPath(path, ptr.Val(in.Recursive), pg.from, s.public.ascend, func(k string) bool {
			p, _ := s.public.get(k)
			return emit(k, p.version(sc.Region), func() []string { return nil }, nil)
		})
		return &out, nil
	}
	err = s.db.View(func(tx *state.Tx) error {
		ascend := func(from string, fn func(string) bool) {
			s.params.Ascend(tx, sc, from, func(k string, _ paramRec) bool { return fn(k) })
		}
		walkPath(path, ptr.Val(in.Recursive), pg.from, ascend, func(k string) bool {
			p, _ := s.params.Get(tx, sc, k)
			return emit(k, p.version, func() []string { return s.labelsOf(tx, sc, k, p.Version) }, p.Tags)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// labelsOf returns the labels of one version of a parameter.
func (s *Service) labelsOf(tx *state.Tx, sc state.Scope, name string, v int64) []string {
	h, _ := s.history.Get(tx, sc, versionKey(name, v))
	return h.Labels
}

// DescribeParameters lists parameter metadata (never values), filtered by
// name, type, key, path, tier, data type or tag.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeParameters.html
func (s *Service) DescribeParameters(ctx context.Context, in *DescribeParametersRequest) (*DescribeParametersResult, error) {
	if len(in.Filters) > 0 && len(in.ParameterFilters) > 0 {
		return nil, validation("You can use either Filters or ParameterFilters in a single request.")
	}
	match, err := compileFilters(in.Filters, in.ParameterFilters, describeKeys)
	if err != nil {
		return nil, err
	}
	pg, err := newPage(in.NextToken, in.MaxResults, 10, "")
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := DescribeParametersResult{Parameters: []ParameterMetadata{}}
	err = s.db.View(func(tx *state.Tx) error {
		n := 0
		visit := func(k string) bool {
			p, ok := s.params.Get(tx, sc, k)
			if !ok || !match(p.version, nil, p.Tags) {
				return true
			}
			if n == pg.max {
				out.NextToken = ptr.To(encodeToken(k))
				return false
			}
			out.Parameters = append(out.Parameters, apiMetadata(sc, p.version))
			n++
			return true
		}
		ascend := func(from string, fn func(string) bool) {
			s.params.Ascend(tx, sc, from, func(k string, _ paramRec) bool { return fn(k) })
		}
		// Narrow the walk to the range the filters allow: one name, a name
		// prefix, or a path; otherwise the scope's parameters in name order.
		switch r := narrow(in.ParameterFilters); {
		case r.exact != "":
			if pg.from <= r.exact {
				visit(r.exact)
			}
		case r.path != "":
			walkPath(r.path, r.recursive, pg.from, ascend, visit)
		default:
			from := max(pg.from, r.prefix)
			ascend(from, func(k string) bool {
				if !strings.HasPrefix(k, r.prefix) {
					return false
				}
				return visit(k)
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func apiMetadata(sc state.Scope, v version) ParameterMetadata {
	m := ParameterMetadata{
		ARN:              ptr.To(paramARN(sc, v)),
		DataType:         ptr.To(v.DataType),
		LastModifiedDate: ptr.To(v.Modified),
		LastModifiedUser: ptr.To(v.User),
		Name:             ptr.To(v.Name),
		Policies:         apiPolicies(v.Policies),
		Tier:             ptr.To(v.Tier),
		Type:             ptr.To(v.Type),
		Version:          ptr.To(v.Version),
	}
	if v.KeyID != "" {
		m.KeyId = ptr.To(v.KeyID)
	}
	if v.Description != "" {
		m.Description = ptr.To(v.Description)
	}
	if v.AllowedPattern != "" {
		m.AllowedPattern = ptr.To(v.AllowedPattern)
	}
	return m
}

// span is the key range a DescribeParameters request's filters confine it to.
type span struct {
	exact     string // one name (Name Equals with one value)
	prefix    string // a name prefix (Name BeginsWith with one value)
	path      string // a path (Path filter with one value)
	recursive bool
}

func narrow(filters []ParameterStringFilter) span {
	var r span
	for _, f := range filters {
		if len(f.Values) != 1 {
			continue
		}
		switch key, opt := ptr.Val(f.Key), ptr.Val(f.Option); {
		case key == "Name" && (opt == "" || opt == "Equals"):
			r.exact = f.Values[0]
		case key == "Name" && opt == "BeginsWith":
			r.prefix = f.Values[0]
		case key == "Path":
			r.path, r.recursive = f.Values[0], opt == "Recursive"
		}
	}
	if r.exact != "" {
		return span{exact: r.exact}
	}
	if r.path != "" {
		return span{path: r.path, recursive: r.recursive}
	}
	return r
}

// Filter keys each operation accepts.
// AWS: GetParametersByPath takes Type, KeyId and Label; DescribeParameters
// takes every key but Label.
var (
	byPathKeys   = []string{"Type", "KeyId", "Label"}
	describeKeys = []string{"Name", "Type", "KeyId", "Path", "Tier", "DataType"}
)

// matcher reports whether a parameter version passes a request's filters.
// labels is called only when a Label filter needs it.
type matcher func(v version, labels func() []string, tags []tag) bool

// compileFilters checks a request's filters and returns their conjunction.
func compileFilters(old []ParametersFilter, filters []ParameterStringFilter, keys []string) (matcher, error) {
	var tests []matcher
	for _, f := range old {
		// AWS: the legacy Filters match Name by prefix and Type and KeyId exactly.
		key, values := ptr.Val(f.Key), f.Values
		switch key {
		case "Name":
			tests = append(tests, func(v version, _ func() []string, _ []tag) bool {
				return slices.ContainsFunc(values, func(s string) bool { return strings.HasPrefix(v.Name, s) })
			})
		case "Type":
			tests = append(tests, func(v version, _ func() []string, _ []tag) bool { return slices.Contains(values, v.Type) })
		case "KeyId":
			tests = append(tests, func(v version, _ func() []string, _ []tag) bool { return slices.Contains(values, v.KeyID) })
		}
	}
	for _, f := range filters {
		t, err := compileFilter(f, keys)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	return func(v version, labels func() []string, tags []tag) bool {
		for _, t := range tests {
			if !t(v, labels, tags) {
				return false
			}
		}
		return true
	}, nil
}

func compileFilter(f ParameterStringFilter, keys []string) (matcher, error) {
	key, opt, values := ptr.Val(f.Key), ptr.Val(f.Option), f.Values
	tagKey, isTag := strings.CutPrefix(key, "tag:")
	if !isTag && !slices.Contains(keys, key) {
		return nil, awserr.New("InvalidFilterKey", 0, "The following filter key is not valid: %s. Valid filter keys include: [%s].", key, strings.Join(keys, ", "))
	}
	if isTag && slices.Contains(keys, "Label") {
		return nil, awserr.New("InvalidFilterKey", 0, "The following filter key is not valid: %s. Valid filter keys include: [%s].", key, strings.Join(keys, ", "))
	}
	options := []string{"Equals"}
	switch key {
	case "Name":
		options = []string{"Equals", "BeginsWith", "Contains"}
	case "Path":
		options = []string{"Recursive", "OneLevel"}
	}
	if isTag {
		options = []string{"Equals"}
	}
	if opt != "" && !slices.Contains(options, opt) {
		return nil, awserr.New("InvalidFilterOption", 0, "The following filter option is not valid: %s. Valid options include: [%s].", opt, strings.Join(options, ", "))
	}
	if len(values) == 0 && !isTag {
		return nil, awserr.New("InvalidFilterValue", 0, "The following filter values are missing : null for filter key %s.", key)
	}
	in := func(s string) bool { return slices.Contains(values, s) }
	switch {
	case isTag:
		return func(_ version, _ func() []string, tags []tag) bool {
			i := slices.IndexFunc(tags, func(t tag) bool { return t.Key == tagKey })
			return i >= 0 && (len(values) == 0 || in(tags[i].Value))
		}, nil
	case key == "Name":
		return func(v version, _ func() []string, _ []tag) bool {
			return slices.ContainsFunc(values, func(s string) bool {
				switch opt {
				case "BeginsWith":
					return strings.HasPrefix(v.Name, s)
				case "Contains":
					return strings.Contains(v.Name, s)
				}
				return v.Name == s
			})
		}, nil
	case key == "Path":
		for _, p := range values {
			if !strings.HasPrefix(p, "/") {
				return nil, awserr.New("InvalidFilterValue", 0, "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".")
			}
		}
		return func(v version, _ func() []string, _ []tag) bool {
			return slices.ContainsFunc(values, func(p string) bool { return underPath(v.Name, p, opt == "Recursive") })
		}, nil
	case key == "Type":
		for _, t := range values {
			if t != typeString && t != typeStringList && t != typeSecureString {
				return nil, awserr.New("InvalidFilterValue", 0, "The following filter value is not valid: %s. Valid values include: [String, StringList, SecureString].", t)
			}
		}
		return func(v version, _ func() []string, _ []tag) bool { return in(v.Type) }, nil
	case key == "KeyId":
		return func(v version, _ func() []string, _ []tag) bool { return in(v.KeyID) }, nil
	case key == "Tier":
		return func(v version, _ func() []string, _ []tag) bool { return in(v.Tier) }, nil
	case key == "DataType":
		return func(v version, _ func() []string, _ []tag) bool { return in(v.DataType) }, nil
	case key == "Label":
		return func(_ version, labels func() []string, _ []tag) bool {
			return slices.ContainsFunc(labels(), in)
		}, nil
	}
	return nil, awserr.New("InvalidFilterKey", 0, "The following filter key is not valid: %s.", key)
}

// underPath reports whether name is a child (or, recursively, a descendant) of path.
func underPath(name, path string, recursive bool) bool {
	prefix := path
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if prefix == "/" {
		rest := strings.TrimPrefix(name, "/")
		return recursive || !strings.Contains(rest, "/")
	}
	rest, ok := strings.CutPrefix(name, prefix)
	return ok && rest != "" && (recursive || !strings.Contains(rest, "/"))
}
