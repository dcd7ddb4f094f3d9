package ssm

import (
	"context"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// AWS: a version holds at most 10 labels.
const maxLabels = 10

// validLabel reports whether a label may be attached.
// AWS: labels use letters, digits, . - _; they can't begin with a digit,
// "aws" or "ssm", and are at most 100 characters.
func validLabel(l string) bool {
	if l == "" || len(l) > 100 || l[0] >= '0' && l[0] <= '9' {
		return false
	}
	lower := strings.ToLower(l)
	if strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm") {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// LabelParameterVersion attaches labels to a version (the latest by default),
// moving each from whichever version held it.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_LabelParameterVersion.html
func (s *Service) LabelParameterVersion(ctx context.Context, in *LabelParameterVersionRequest) (*LabelParameterVersionResult, error) {
	sc := scope(ctx)
	name := nameFromARN(ptr.Val(in.Name))
	out := LabelParameterVersionResult{InvalidLabels: []string{}}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		cur, ok := s.params.Get(tx, sc, name)
		if !ok {
			return notFound(name)
		}
		v := cur.Version
		if in.ParameterVersion != nil {
			v = *in.ParameterVersion
		}
		target, ok := s.history.Get(tx, sc, versionKey(name, v))
		if !ok {
			return versionNotFound(selector{name: name, version: v})
		}
		var add []string
		for _, l := range in.Labels {
			if !validLabel(l) {
				out.InvalidLabels = append(out.InvalidLabels, l)
			} else if !slices.Contains(add, l) {
				add = append(add, l)
			}
		}
		// Move each label off the version that holds it now.
		var moved []versionRec
		s.history.AscendPrefix(tx, sc, name+sep, func(_ string, h versionRec) bool {
			if h.Version != v && slices.ContainsFunc(h.Labels, func(l string) bool { return slices.Contains(add, l) }) {
				h.Labels = slices.DeleteFunc(slices.Clone(h.Labels), func(l string) bool { return slices.Contains(add, l) })
				moved = append(moved, h)
			}
			return true
		})
		for _, h := range moved {
			s.history.Put(tx, sc, versionKey(name, h.Version), h)
		}
		labels := slices.Clone(target.Labels)
		for _, l := range add {
			if !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
		if len(labels) > maxLabels {
			return awserr.New("ParameterVersionLabelLimitExceeded", 0, "A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.")
		}
		target.Labels = labels
		s.history.Put(tx, sc, versionKey(name, v), target)
		out.ParameterVersion = ptr.To(v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UnlabelParameterVersion removes labels from a version.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UnlabelParameterVersion.html
func (s *Service) UnlabelParameterVersion(ctx context.Context, in *UnlabelParameterVersionRequest) (*UnlabelParameterVersionResult, error) {
	sc := scope(ctx)
	name := nameFromARN(ptr.Val(in.Name))
	v := ptr.Val(in.ParameterVersion)
	out := UnlabelParameterVersionResult{InvalidLabels: []string{}, RemovedLabels: []string{}}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.params.Get(tx, sc, name); !ok {
			return notFound(name)
		}
		target, ok := s.history.Get(tx, sc, versionKey(name, v))
		if !ok {
			return versionNotFound(selector{name: name, version: v})
		}
		labels := slices.Clone(target.Labels)
		for _, l := range in.Labels {
			if i := slices.Index(labels, l); i >= 0 {
				labels = slices.Delete(labels, i, i+1)
				out.RemovedLabels = append(out.RemovedLabels, l)
			} else if !slices.Contains(out.RemovedLabels, l) {
				out.InvalidLabels = append(out.InvalidLabels, l)
			}
		}
		target.Labels = labels
		s.history.Put(tx, sc, versionKey(name, v), target)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
