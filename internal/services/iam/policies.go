package iam

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// policyRec is a stored customer managed policy; its documents are versions.
type policyRec struct {
	Name, Path, ID   string
	Description      string `json:",omitempty"`
	Created, Updated time.Time
	Default          string // version id of the default version, "v1"…
	Next             int    // number of the next version
	Tags             []tag  `json:",omitempty"`
}

// versionRec is one version of a customer managed policy.
type versionRec struct {
	ID       string
	Document string
	Created  time.Time
}

// AWS: a managed policy keeps at most 5 versions.
const maxVersions = 5

// versionKey orders a policy's versions newest first, as ListPolicyVersions returns them.
func versionKey(policy string, n int) string {
	return key(policy, fmt.Sprintf("%010d", 9999999999-int64(n)))
}

// versionNumber parses "v3".
func versionNumber(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, "v")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0
}

func policyNotFound(arn string) error {
	return noSuchEntity("Policy %s was not found.", arn)
}

func notAttachable(arn string) error {
	return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}

// localPolicy finds a customer managed policy of the caller's account by ARN.
func (s *Service) localPolicy(tx *state.Tx, sc state.Scope, arn string) (policyRec, error) {
	acct, path, name, ok := parsePolicyARN(arn)
	if !ok {
		return policyRec{}, invalidInput("ARN %s is not valid.", arn)
	}
	if acct == "aws" {
		if _, ok := s.awsPolicy(arn); ok {
			return policyRec{}, awserr.New("AccessDenied", 403, "Cannot modify AWS managed policy %s.", arn)
		}
	}
	p, found := s.policies.Get(tx, sc, name)
	if acct != sc.Account || !found || p.Path != path {
		return policyRec{}, policyNotFound(arn)
	}
	return p, nil
}

// attachments counts the entities a policy is attached to.
func (s *Service) attachments(tx *state.Tx, sc state.Scope, arn string) int64 {
	var n int64
	s.entities.AscendPrefix(tx, sc, key(arn, ""), func(string, string) bool {
		n++
		return true
	})
	return n
}

func (s *Service) apiPolicy(tx *state.Tx, sc state.Scope, p policyRec) Policy {
	arn := policyARN(sc.Account, p.Path, p.Name)
	out := Policy{
		Arn:                           ptr.To(arn),
		AttachmentCount:               ptr.To(s.attachments(tx, sc, arn)),
		CreateDate:                    ptr.To(p.Created),
		DefaultVersionId:              ptr.To(p.Default),
		IsAttachable:                  ptr.To(true),
		Path:                          ptr.To(p.Path),
		PermissionsBoundaryUsageCount: ptr.To(int64(0)),
		PolicyId:                      ptr.To(p.ID),
		PolicyName:                    ptr.To(p.Name),
		UpdateDate:                    ptr.To(p.Updated),
		Tags:                          apiTags(p.Tags),
	}
	if p.Description != "" {
		out.Description = ptr.To(p.Description)
	}
	return out
}

// CreatePolicy creates a customer managed policy with its first version.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
func (s *Service) CreatePolicy(ctx context.Context, in *CreatePolicyRequest) (*CreatePolicyResponse, error) {
	name := ptr.Val(in.PolicyName)
	if err := checkName("policyName", name, 128); err != nil {
		return nil, err
	}
	path, err := pathOf("path", in.Path)
	if err != nil {
		return nil, err
	}
	doc := ptr.Val(in.PolicyDocument)
	if err := checkDocument(doc, identityPolicy, managedPolicySize, "PolicySize"); err != nil {
		return nil, err
	}
	if err := checkDescription(ptr.Val(in.Description)); err != nil {
		return nil, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := policyRec{Name: name, Path: path, ID: ids.Unique("ANPA", 17), Description: ptr.Val(in.Description),
		Created: now, Updated: now, Default: "v1", Next: 2, Tags: tags}
	sc := scope(ctx)
	var out Policy
	err = s.update(ctx, func(tx *state.Tx) error {
		if _, ok := s.policies.Get(tx, sc, name); ok {
			return alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", name)
		}
		s.policies.Put(tx, sc, name, p)
		s.versions.Put(tx, sc, versionKey(name, 1), versionRec{ID: "v1", Document: doc, Created: now})
		out = s.apiPolicy(tx, sc, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreatePolicyResponse{Policy: &out}, nil
}

// GetPolicy describes a managed policy (customer or AWS).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html
func (s *Service) GetPolicy(ctx context.Context, in *GetPolicyRequest) (*GetPolicyResponse, error) {
	arn := ptr.Val(in.PolicyArn)
	sc := scope(ctx)
	var out Policy
	err := s.view(func(tx *state.Tx) error {
		if m, ok := s.awsPolicy(arn); ok {
			out = s.apiManaged(tx, sc, m)
			return nil
		}
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		out = s.apiPolicy(tx, sc, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetPolicyResponse{Policy: &out}, nil
}

// DeletePolicy deletes a customer managed policy that is attached nowhere
// and has no versions but its default.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html
func (s *Service) DeletePolicy(ctx context.Context, in *DeletePolicyRequest) (*DeletePolicyOutput, error) {
	arn := ptr.Val(in.PolicyArn)
	sc := scope(ctx)
	return &DeletePolicyOutput{}, s.update(ctx, func(tx *state.Tx) error {
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		if s.attachments(tx, sc, arn) > 0 {
			return deleteConflict("Cannot delete a policy attached to entities.")
		}
		vs := keys(tx, s.versions, sc, key(p.Name, ""))
		if len(vs) > 1 {
			return deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		for _, k := range vs {
			s.versions.Delete(tx, sc, k)
		}
		s.policies.Delete(tx, sc, p.Name)
		return nil
	})
}

// ListPolicies lists managed policies: AWS's, the account's, or both (AWS's first).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html
func (s *Service) ListPolicies(ctx context.Context, in *ListPoliciesRequest) (*ListPoliciesResponse, error) {
	prefix, err := prefixOf(in.PathPrefix)
	if err != nil {
		return nil, err
	}
	scopeName := ptr.Or(in.Scope, "All")
	if scopeName != "All" && scopeName != "AWS" && scopeName != "Local" {
		return nil, awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scopeName)
	}
	p, err := newPage(in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, err
	}
	// The marker is "a\x00name" within AWS's policies, "l\x00name" within the account's.
	part, from, _ := strings.Cut(p.from, sep)
	if part == "" {
		part = "a"
		if scopeName == "Local" {
			part = "l"
		}
	}
	onlyAttached := ptr.Val(in.OnlyAttached)
	sc := scope(ctx)
	out := &ListPoliciesResponse{Policies: []Policy{}}
	err = s.view(func(tx *state.Tx) error {
		attachedOK := func(arn string) bool { return !onlyAttached || has(tx, s.entities, sc, key(arn, "")) }
		n := 0
		if part == "a" && scopeName != "Local" {
			i := sort.Search(len(s.managed), func(i int) bool { return s.managed[i].Name >= from })
			for ; i < len(s.managed); i++ {
				m := s.managed[i]
				if !strings.HasPrefix(m.Path, prefix) || !attachedOK(m.arn()) {
					continue
				}
				if n == p.max {
					out.IsTruncated, out.Marker = result{truncated: true, next: key("a", m.Name)}.out()
					return nil
				}
				out.Policies = append(out.Policies, s.apiManaged(tx, sc, m))
				n++
			}
			part, from = "l", ""
		}
		if scopeName == "AWS" {
			out.IsTruncated = ptr.To(false)
			return nil
		}
		r := walk(tx, s.policies, sc, "", page{from: from, max: p.max - n},
			func(_ string, pr policyRec) bool {
				return strings.HasPrefix(pr.Path, prefix) && attachedOK(policyARN(sc.Account, pr.Path, pr.Name))
			},
			func(_ string, pr policyRec) {
				ap := s.apiPolicy(tx, sc, pr)
				ap.Tags = nil // AWS: ListPolicies does not return tags.
				out.Policies = append(out.Policies, ap)
			})
		if r.truncated {
			r.next = key("l", r.next)
		}
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	return out, err
}

func apiVersion(v versionRec, isDefault, withDoc bool) *PolicyVersion {
	out := &PolicyVersion{CreateDate: ptr.To(v.Created), IsDefaultVersion: ptr.To(isDefault), VersionId: ptr.To(v.ID)}
	if withDoc {
		out.Document = ptr.To(encodeDocument(v.Document))
	}
	return out
}

// CreatePolicyVersion adds a version to a customer managed policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html
func (s *Service) CreatePolicyVersion(ctx context.Context, in *CreatePolicyVersionRequest) (*CreatePolicyVersionResponse, error) {
	arn, doc := ptr.Val(in.PolicyArn), ptr.Val(in.PolicyDocument)
	if err := checkDocument(doc, identityPolicy, managedPolicySize, "PolicySize"); err != nil {
		return nil, err
	}
	sc := scope(ctx)
	var v versionRec
	var isDefault bool
	err := s.update(ctx, func(tx *state.Tx) error {
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		if len(keys(tx, s.versions, sc, key(p.Name, ""))) >= maxVersions {
			return limitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxVersions)
		}
		v = versionRec{ID: "v" + strconv.Itoa(p.Next), Document: doc, Created: s.now()}
		s.versions.Put(tx, sc, versionKey(p.Name, p.Next), v)
		p.Next++
		p.Updated = v.Created
		if isDefault = ptr.Val(in.SetAsDefault); isDefault {
			p.Default = v.ID
		}
		s.policies.Put(tx, sc, p.Name, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreatePolicyVersionResponse{PolicyVersion: apiVersion(v, isDefault, false)}, nil
}

// policyVersion finds a version of a customer managed policy.
func (s *Service) policyVersion(tx *state.Tx, sc state.Scope, p policyRec, arn, id string) (versionRec, error) {
	n, ok := versionNumber(id)
	if ok {
		if v, found := s.versions.Get(tx, sc, versionKey(p.Name, n)); found {
			return v, nil
		}
	}
	return versionRec{}, noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, id)
}

// GetPolicyVersion returns a version of a managed policy with its document.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
func (s *Service) GetPolicyVersion(ctx context.Context, in *GetPolicyVersionRequest) (*GetPolicyVersionResponse, error) {
	arn, id := ptr.Val(in.PolicyArn), ptr.Val(in.VersionId)
	sc := scope(ctx)
	var out *PolicyVersion
	err := s.view(func(tx *state.Tx) error {
		if m, ok := s.awsPolicy(arn); ok {
			if id != m.Version {
				return noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, id)
			}
			out = apiVersion(versionRec{ID: m.Version, Document: m.Document, Created: m.Updated}, true, true)
			return nil
		}
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		v, err := s.policyVersion(tx, sc, p, arn, id)
		if err != nil {
			return err
		}
		out = apiVersion(v, v.ID == p.Default, true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetPolicyVersionResponse{PolicyVersion: out}, nil
}

// ListPolicyVersions lists a managed policy's versions, newest first.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyVersions.html
func (s *Service) ListPolicyVersions(ctx context.Context, in *ListPolicyVersionsRequest) (*ListPolicyVersionsResponse, error) {
	arn := ptr.Val(in.PolicyArn)
	sc := scope(ctx)
	out := &ListPolicyVersionsResponse{Versions: []PolicyVersion{}}
	err := s.view(func(tx *state.Tx) error {
		if m, ok := s.awsPolicy(arn); ok {
			out.Versions = append(out.Versions, *apiVersion(versionRec{ID: m.Version, Created: m.Updated}, true, false))
			out.IsTruncated = ptr.To(false)
			return nil
		}
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		prefix := key(p.Name, "")
		pg, err := newPage(in.Marker, in.MaxItems, prefix)
		if err != nil {
			return err
		}
		r := walk(tx, s.versions, sc, prefix, pg, nil, func(_ string, v versionRec) {
			out.Versions = append(out.Versions, *apiVersion(v, v.ID == p.Default, false))
		})
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePolicyVersion deletes a version that is not the default.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html
func (s *Service) DeletePolicyVersion(ctx context.Context, in *DeletePolicyVersionRequest) (*DeletePolicyVersionOutput, error) {
	arn, id := ptr.Val(in.PolicyArn), ptr.Val(in.VersionId)
	sc := scope(ctx)
	return &DeletePolicyVersionOutput{}, s.update(ctx, func(tx *state.Tx) error {
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		v, err := s.policyVersion(tx, sc, p, arn, id)
		if err != nil {
			return err
		}
		if v.ID == p.Default {
			return deleteConflict("Cannot delete the default version of a policy.")
		}
		n, _ := versionNumber(id)
		s.versions.Delete(tx, sc, versionKey(p.Name, n))
		return nil
	})
}

// SetDefaultPolicyVersion makes a version the policy's default.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetDefaultPolicyVersion.html
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, in *SetDefaultPolicyVersionRequest) (*SetDefaultPolicyVersionOutput, error) {
	arn, id := ptr.Val(in.PolicyArn), ptr.Val(in.VersionId)
	sc := scope(ctx)
	return &SetDefaultPolicyVersionOutput{}, s.update(ctx, func(tx *state.Tx) error {
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		v, err := s.policyVersion(tx, sc, p, arn, id)
		if err != nil {
			return err
		}
		p.Default = v.ID
		p.Updated = s.now()
		s.policies.Put(tx, sc, p.Name, p)
		return nil
	})
}

// checkBoundary checks that a permissions boundary names an existing managed policy.
func (s *Service) checkBoundary(tx *state.Tx, sc state.Scope, arn string) error {
	if _, ok := s.awsPolicy(arn); ok {
		return nil
	}
	if _, err := s.localPolicy(tx, sc, arn); err != nil {
		return invalidInput("ARN %s is not valid.", arn)
	}
	return nil
}
