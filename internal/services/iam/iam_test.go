package iam

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

const acct = "123456789012"

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const doc = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`

// env is an IAM service on a fresh store, called through its handler map.
type env struct {
	t     *testing.T
	store *state.Store
	s     *Service
	dir   *identity.Directory
	h     map[string]service.Handler
	ctx   context.Context
}

func newEnv(t *testing.T, dir string) *env {
	t.Helper()
	store := state.New(state.Options{Dir: dir})
	d := identity.NewDirectory("")
	s := New(service.Deps{Store: store, Clock: clock.NewFake(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)), Identity: d})
	if err := store.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return &env{t: t, store: store, s: s, dir: d, h: s.Handlers(), ctx: reqctx.With(context.Background(), &reqctx.Info{Account: acct})}
}

func (e *env) as(account string) *env {
	c := *e
	c.ctx = reqctx.With(context.Background(), &reqctx.Info{Account: account})
	return &c
}

func (e *env) call(op string, in map[string]any) (map[string]any, error) {
	e.t.Helper()
	h, ok := e.h[op]
	if !ok {
		e.t.Fatalf("no handler for %s", op)
	}
	if in == nil {
		in = map[string]any{}
	}
	return h(e.ctx, in)
}

func (e *env) ok(op string, in map[string]any) map[string]any {
	e.t.Helper()
	out, err := e.call(op, in)
	if err != nil {
		e.t.Fatalf("%s: %v", op, err)
	}
	return out
}

func (e *env) fails(op string, in map[string]any, code string) {
	e.t.Helper()
	_, err := e.call(op, in)
	ae, ok := awserr.As(err)
	if !ok || ae.Code != code {
		e.t.Fatalf("%s: got %v, want %s", op, err, code)
	}
}

// get follows a path of map keys and list indexes into an output.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func length(v any) int { l, _ := v.([]any); return len(l) }

func tags(kv ...string) []any {
	var out []any
	for i := 0; i < len(kv); i += 2 {
		out = append(out, map[string]any{"Key": kv[i], "Value": kv[i+1]})
	}
	return out
}

// TestEveryOperationIsBound catches methods whose signature does not match the
// model: bind silently skips them.
func TestEveryOperationIsBound(t *testing.T) {
	e := newEnv(t, "")
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	typ := reflect.TypeFor[*Service]()
	n := 0
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		ft := m.Type
		if ft.NumIn() != 3 || ft.In(1) != ctxType || ft.NumOut() != 2 || ft.Out(1) != errType || ft.In(2).Kind() != reflect.Pointer {
			continue
		}
		n++
		if _, ok := e.h[m.Name]; !ok {
			t.Errorf("%s is not bound: its signature does not match the model", m.Name)
		}
	}
	if n < 90 {
		t.Errorf("only %d operations", n)
	}
}

func TestRoleLifecycle(t *testing.T) {
	e := newEnv(t, "")
	out := e.ok("CreateRole", map[string]any{"RoleName": "app", "Path": "/svc/", "AssumeRolePolicyDocument": trust,
		"Description": "d", "MaxSessionDuration": int64(7200), "Tags": tags("env", "dev")})
	role := get(out, "Role").(map[string]any)
	if role["Arn"] != "arn:aws:iam::"+acct+":role/svc/app" || !strings.HasPrefix(role["RoleId"].(string), "AROA") || len(role["RoleId"].(string)) != 21 {
		t.Fatalf("role: %v", role)
	}
	if role["AssumeRolePolicyDocument"] != encodeDocument(trust) {
		t.Errorf("document: %v", role["AssumeRolePolicyDocument"])
	}
	if got, _ := url.QueryUnescape(role["AssumeRolePolicyDocument"].(string)); got != trust {
		t.Errorf("document does not decode back: %s", got)
	}
	e.fails("CreateRole", map[string]any{"RoleName": "app", "AssumeRolePolicyDocument": trust}, "EntityAlreadyExists")
	e.fails("GetRole", map[string]any{"RoleName": "nope"}, "NoSuchEntity")
	e.fails("CreateRole", map[string]any{"RoleName": "x", "AssumeRolePolicyDocument": trust, "MaxSessionDuration": int64(60)}, "ValidationError")

	e.ok("UpdateRole", map[string]any{"RoleName": "app", "MaxSessionDuration": int64(43200), "Description": "new"})
	e.ok("UpdateAssumeRolePolicy", map[string]any{"RoleName": "app", "PolicyDocument": strings.Replace(trust, "ec2", "lambda", 1)})
	out = e.ok("UpdateRoleDescription", map[string]any{"RoleName": "app", "Description": "newer"})
	if get(out, "Role", "Description") != "newer" {
		t.Errorf("description: %v", out)
	}
	out = e.ok("GetRole", map[string]any{"RoleName": "app"})
	if get(out, "Role", "MaxSessionDuration") != int64(43200) || !strings.Contains(get(out, "Role", "AssumeRolePolicyDocument").(string), "lambda") {
		t.Errorf("get: %v", out)
	}
	if d, ok := e.s.MaxSessionDuration(e.ctx, acct, "app"); !ok || d != 12*time.Hour {
		t.Errorf("MaxSessionDuration = %v %v", d, ok)
	}
	if id, ok := e.s.RoleID(e.ctx, acct, "app"); !ok || id != role["RoleId"] {
		t.Errorf("RoleID = %v %v", id, ok)
	}
	e.ok("TagRole", map[string]any{"RoleName": "app", "Tags": tags("team", "a", "env", "prod")})
	e.ok("UntagRole", map[string]any{"RoleName": "app", "TagKeys": []any{"team"}})
	out = e.ok("ListRoleTags", map[string]any{"RoleName": "app"})
	if length(out["Tags"]) != 1 || get(out, "Tags", 0, "Value") != "prod" {
		t.Errorf("tags: %v", out)
	}
	e.ok("PutRolePermissionsBoundary", map[string]any{"RoleName": "app", "PermissionsBoundary": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
	if get(e.ok("GetRole", map[string]any{"RoleName": "app"}), "Role", "PermissionsBoundary", "PermissionsBoundaryArn") != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Error("boundary not set")
	}
	e.ok("DeleteRolePermissionsBoundary", map[string]any{"RoleName": "app"})
	e.ok("DeleteRole", map[string]any{"RoleName": "app"})
	e.fails("DeleteRole", map[string]any{"RoleName": "app"}, "NoSuchEntity")
	if _, ok := e.s.RoleID(e.ctx, acct, "app"); ok {
		t.Error("deleted role still found")
	}
}

func TestPolicyDocuments(t *testing.T) {
	e := newEnv(t, "")
	e.ok("CreateRole", map[string]any{"RoleName": "r", "AssumeRolePolicyDocument": trust})
	cases := []struct {
		name, op, doc, code string
	}{
		{"not json", "PutRolePolicy", `{"Version":`, "MalformedPolicyDocument"},
		{"not an object", "PutRolePolicy", `[1]`, "MalformedPolicyDocument"},
		{"no statement", "PutRolePolicy", `{"Version":"2012-10-17"}`, "MalformedPolicyDocument"},
		{"bad version", "PutRolePolicy", `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, "MalformedPolicyDocument"},
		{"bad effect", "PutRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`, "MalformedPolicyDocument"},
		{"no action", "PutRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}`, "MalformedPolicyDocument"},
		{"no resource", "PutRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}`, "MalformedPolicyDocument"},
		{"principal in identity policy", "PutRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}`, "MalformedPolicyDocument"},
		{"too large", "PutRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":["` + strings.Repeat("a", 11000) + `"]}]}`, "LimitExceeded"},
		{"trust without principal", "UpdateAssumeRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, "MalformedPolicyDocument"},
		{"trust with resource", "UpdateAssumeRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`, "MalformedPolicyDocument"},
		{"valid single statement object", "PutRolePolicy", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::b"}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := map[string]any{"RoleName": "r", "PolicyName": "p", "PolicyDocument": c.doc}
			if c.code == "" {
				e.ok(c.op, in)
				return
			}
			e.fails(c.op, in, c.code)
		})
	}
	e.fails("CreatePolicy", map[string]any{"PolicyName": "bad", "PolicyDocument": "nope"}, "MalformedPolicyDocument")
	e.fails("CreateRole", map[string]any{"RoleName": "bad", "AssumeRolePolicyDocument": doc}, "MalformedPolicyDocument")
}

func TestEncodeDocument(t *testing.T) {
	got := encodeDocument(`{"a": "b+c/d~e"}`)
	want := "%7B%22a%22%3A%20%22b%2Bc%2Fd~e%22%7D"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestInlinePolicies(t *testing.T) {
	e := newEnv(t, "")
	e.ok("CreateRole", map[string]any{"RoleName": "r", "AssumeRolePolicyDocument": trust})
	e.ok("CreateUser", map[string]any{"UserName": "u"})
	e.ok("CreateGroup", map[string]any{"GroupName": "g"})
	for _, c := range []struct{ kind, member, name string }{{"Role", "RoleName", "r"}, {"User", "UserName", "u"}, {"Group", "GroupName", "g"}} {
		t.Run(c.kind, func(t *testing.T) {
			e.ok("Put"+c.kind+"Policy", map[string]any{c.member: c.name, "PolicyName": "b", "PolicyDocument": doc})
			e.ok("Put"+c.kind+"Policy", map[string]any{c.member: c.name, "PolicyName": "a", "PolicyDocument": doc})
			out := e.ok("Get"+c.kind+"Policy", map[string]any{c.member: c.name, "PolicyName": "a"})
			if out["PolicyDocument"] != encodeDocument(doc) || out["PolicyName"] != "a" {
				t.Errorf("get: %v", out)
			}
			out = e.ok("List"+c.kind+"Policies", map[string]any{c.member: c.name, "MaxItems": int64(1)})
			if length(out["PolicyNames"]) != 1 || get(out, "PolicyNames", 0) != "a" || out["IsTruncated"] != true {
				t.Fatalf("page 1: %v", out)
			}
			out = e.ok("List"+c.kind+"Policies", map[string]any{c.member: c.name, "Marker": out["Marker"]})
			if length(out["PolicyNames"]) != 1 || get(out, "PolicyNames", 0) != "b" || out["IsTruncated"] != false {
				t.Fatalf("page 2: %v", out)
			}
			e.fails("Delete"+c.kind, map[string]any{c.member: c.name}, "DeleteConflict")
			e.ok("Delete"+c.kind+"Policy", map[string]any{c.member: c.name, "PolicyName": "a"})
			e.ok("Delete"+c.kind+"Policy", map[string]any{c.member: c.name, "PolicyName": "b"})
			e.fails("Get"+c.kind+"Policy", map[string]any{c.member: c.name, "PolicyName": "a"}, "NoSuchEntity")
			e.fails("Put"+c.kind+"Policy", map[string]any{c.member: "missing", "PolicyName": "a", "PolicyDocument": doc}, "NoSuchEntity")
			e.ok("Delete"+c.kind, map[string]any{c.member: c.name})
		})
	}
}

func TestManagedPolicies(t *testing.T) {
	e := newEnv(t, "")
	out := e.ok("CreatePolicy", map[string]any{"PolicyName": "p", "Path": "/team/", "PolicyDocument": doc, "Description": "desc", "Tags": tags("a", "b")})
	arn := get(out, "Policy", "Arn").(string)
	if arn != "arn:aws:iam::"+acct+":policy/team/p" || get(out, "Policy", "DefaultVersionId") != "v1" || !strings.HasPrefix(get(out, "Policy", "PolicyId").(string), "ANPA") {
		t.Fatalf("policy: %v", out)
	}
	e.fails("CreatePolicy", map[string]any{"PolicyName": "p", "PolicyDocument": doc}, "EntityAlreadyExists")
	e.fails("GetPolicy", map[string]any{"PolicyArn": "arn:aws:iam::" + acct + ":policy/p"}, "NoSuchEntity") // wrong path

	// Versions: up to 5, newest first, default cannot be deleted.
	for i := 2; i <= 5; i++ {
		out = e.ok("CreatePolicyVersion", map[string]any{"PolicyArn": arn, "PolicyDocument": doc, "SetAsDefault": i == 3})
		if get(out, "PolicyVersion", "VersionId") != fmt.Sprintf("v%d", i) {
			t.Fatalf("version: %v", out)
		}
	}
	e.fails("CreatePolicyVersion", map[string]any{"PolicyArn": arn, "PolicyDocument": doc}, "LimitExceeded")
	if get(e.ok("GetPolicy", map[string]any{"PolicyArn": arn}), "Policy", "DefaultVersionId") != "v3" {
		t.Error("SetAsDefault ignored")
	}
	out = e.ok("ListPolicyVersions", map[string]any{"PolicyArn": arn, "MaxItems": int64(2)})
	if length(out["Versions"]) != 2 || get(out, "Versions", 0, "VersionId") != "v5" || out["IsTruncated"] != true {
		t.Fatalf("versions: %v", out)
	}
	out = e.ok("ListPolicyVersions", map[string]any{"PolicyArn": arn, "Marker": out["Marker"]})
	if length(out["Versions"]) != 3 || get(out, "Versions", 0, "VersionId") != "v3" || get(out, "Versions", 0, "IsDefaultVersion") != true {
		t.Fatalf("versions page 2: %v", out)
	}
	out = e.ok("GetPolicyVersion", map[string]any{"PolicyArn": arn, "VersionId": "v2"})
	if get(out, "PolicyVersion", "Document") != encodeDocument(doc) || get(out, "PolicyVersion", "IsDefaultVersion") != false {
		t.Errorf("version: %v", out)
	}
	e.fails("GetPolicyVersion", map[string]any{"PolicyArn": arn, "VersionId": "v9"}, "NoSuchEntity")
	e.fails("DeletePolicyVersion", map[string]any{"PolicyArn": arn, "VersionId": "v3"}, "DeleteConflict")
	e.ok("SetDefaultPolicyVersion", map[string]any{"PolicyArn": arn, "VersionId": "v5"})
	e.fails("DeletePolicy", map[string]any{"PolicyArn": arn}, "DeleteConflict") // has versions

	// Attachments.
	e.ok("CreateRole", map[string]any{"RoleName": "r", "AssumeRolePolicyDocument": trust})
	e.ok("CreateUser", map[string]any{"UserName": "u"})
	e.ok("AttachRolePolicy", map[string]any{"RoleName": "r", "PolicyArn": arn})
	e.ok("AttachRolePolicy", map[string]any{"RoleName": "r", "PolicyArn": arn}) // again: no-op
	e.ok("AttachUserPolicy", map[string]any{"UserName": "u", "PolicyArn": arn})
	e.ok("AttachRolePolicy", map[string]any{"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"})
	e.fails("AttachRolePolicy", map[string]any{"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/Nope"}, "NoSuchEntity")
	e.fails("AttachRolePolicy", map[string]any{"RoleName": "nope", "PolicyArn": arn}, "NoSuchEntity")
	if get(e.ok("GetPolicy", map[string]any{"PolicyArn": arn}), "Policy", "AttachmentCount") != int64(2) {
		t.Error("attachment count")
	}
	out = e.ok("ListAttachedRolePolicies", map[string]any{"RoleName": "r"})
	if length(out["AttachedPolicies"]) != 2 {
		t.Errorf("attached: %v", out)
	}
	out = e.ok("ListEntitiesForPolicy", map[string]any{"PolicyArn": arn})
	if length(out["PolicyRoles"]) != 1 || length(out["PolicyUsers"]) != 1 || get(out, "PolicyRoles", 0, "RoleName") != "r" {
		t.Errorf("entities: %v", out)
	}
	out = e.ok("ListEntitiesForPolicy", map[string]any{"PolicyArn": arn, "EntityFilter": "User"})
	if length(out["PolicyRoles"]) != 0 || length(out["PolicyUsers"]) != 1 {
		t.Errorf("entities filtered: %v", out)
	}
	out = e.ok("ListPolicies", map[string]any{"Scope": "Local", "OnlyAttached": true})
	if length(out["Policies"]) != 1 {
		t.Errorf("only attached: %v", out)
	}
	out = e.ok("ListPolicies", map[string]any{"Scope": "AWS", "OnlyAttached": true})
	if length(out["Policies"]) != 1 || get(out, "Policies", 0, "PolicyName") != "AmazonSSMManagedInstanceCore" || get(out, "Policies", 0, "AttachmentCount") != int64(1) {
		t.Errorf("aws attached: %v", out)
	}
	e.fails("DeleteRole", map[string]any{"RoleName": "r"}, "DeleteConflict")
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		e.ok("DeletePolicyVersion", map[string]any{"PolicyArn": arn, "VersionId": v})
	}
	e.fails("DeletePolicy", map[string]any{"PolicyArn": arn}, "DeleteConflict") // attached
	e.ok("DetachRolePolicy", map[string]any{"RoleName": "r", "PolicyArn": arn})
	e.fails("DetachRolePolicy", map[string]any{"RoleName": "r", "PolicyArn": arn}, "NoSuchEntity")
	e.ok("DetachUserPolicy", map[string]any{"UserName": "u", "PolicyArn": arn})
	e.ok("TagPolicy", map[string]any{"PolicyArn": arn, "Tags": tags("c", "d")})
	if out = e.ok("ListPolicyTags", map[string]any{"PolicyArn": arn}); length(out["Tags"]) != 2 {
		t.Errorf("policy tags: %v", out)
	}
	e.ok("DeletePolicy", map[string]any{"PolicyArn": arn})
	e.fails("GetPolicy", map[string]any{"PolicyArn": arn}, "NoSuchEntity")

	// AWS managed policies are read-only and listed with Scope=AWS.
	ssm := "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
	out = e.ok("GetPolicyVersion", map[string]any{"PolicyArn": ssm, "VersionId": "v1"})
	if !strings.Contains(get(out, "PolicyVersion", "Document").(string), "ssm%3A") {
		t.Errorf("aws version: %v", out)
	}
	e.ok("GetPolicy", map[string]any{"PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"})
	e.fails("GetPolicy", map[string]any{"PolicyArn": "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"}, "NoSuchEntity")
	e.fails("DeletePolicy", map[string]any{"PolicyArn": ssm}, "AccessDenied")
	e.fails("CreatePolicyVersion", map[string]any{"PolicyArn": ssm, "PolicyDocument": doc}, "AccessDenied")
	out = e.ok("ListPolicies", map[string]any{"Scope": "AWS"})
	if length(out["Policies"]) < 17 {
		t.Errorf("aws policies: %d", length(out["Policies"]))
	}
}

func TestListPoliciesPagination(t *testing.T) {
	e := newEnv(t, "")
	for i := range 7 {
		e.ok("CreatePolicy", map[string]any{"PolicyName": fmt.Sprintf("p%02d", i), "PolicyDocument": doc})
	}
	total := len(e.s.managed) + 7
	for _, c := range []struct {
		scope string
		want  int
	}{{"All", total}, {"Local", 7}, {"AWS", len(e.s.managed)}} {
		t.Run(c.scope, func(t *testing.T) {
			seen := map[string]bool{}
			in := map[string]any{"Scope": c.scope, "MaxItems": int64(4)}
			pages := 0
			for {
				out := e.ok("ListPolicies", in)
				pages++
				for _, p := range out["Policies"].([]any) {
					n := get(p, "Arn").(string)
					if seen[n] {
						t.Fatalf("%s listed twice", n)
					}
					seen[n] = true
				}
				if out["IsTruncated"] != true {
					break
				}
				if length(out["Policies"]) != 4 {
					t.Fatalf("short truncated page: %v", out)
				}
				in["Marker"] = out["Marker"]
			}
			if len(seen) != c.want || pages != (c.want+3)/4 {
				t.Errorf("saw %d in %d pages, want %d", len(seen), pages, c.want)
			}
		})
	}
	e.fails("ListPolicies", map[string]any{"MaxItems": int64(0)}, "ValidationError")
	e.fails("ListPolicies", map[string]any{"Scope": "Mine"}, "ValidationError")
}

func TestListPagination(t *testing.T) {
	e := newEnv(t, "")
	for i := range 25 {
		path := "/a/"
		if i%5 == 0 {
			path = "/b/"
		}
		e.ok("CreateRole", map[string]any{"RoleName": fmt.Sprintf("role-%02d", i), "Path": path, "AssumeRolePolicyDocument": trust})
		e.ok("CreateUser", map[string]any{"UserName": fmt.Sprintf("user-%02d", i), "Path": path})
		e.ok("CreateGroup", map[string]any{"GroupName": fmt.Sprintf("group-%02d", i), "Path": path})
		e.ok("CreateInstanceProfile", map[string]any{"InstanceProfileName": fmt.Sprintf("ip-%02d", i), "Path": path})
	}
	cases := []struct {
		op, list, name, prefix string
		want                   int
	}{
		{"ListRoles", "Roles", "RoleName", "", 25},
		{"ListRoles", "Roles", "RoleName", "/b/", 5},
		{"ListUsers", "Users", "UserName", "", 25},
		{"ListUsers", "Users", "UserName", "/a/", 20},
		{"ListGroups", "Groups", "GroupName", "", 25},
		{"ListInstanceProfiles", "InstanceProfiles", "InstanceProfileName", "/b/", 5},
	}
	for _, c := range cases {
		t.Run(c.op+c.prefix, func(t *testing.T) {
			var names []string
			in := map[string]any{"MaxItems": int64(7)}
			if c.prefix != "" {
				in["PathPrefix"] = c.prefix
			}
			for {
				out := e.ok(c.op, in)
				for _, v := range out[c.list].([]any) {
					names = append(names, get(v, c.name).(string))
				}
				if out["IsTruncated"] != true {
					break
				}
				in["Marker"] = out["Marker"]
			}
			if len(names) != c.want {
				t.Fatalf("got %d: %v", len(names), names)
			}
			for i := 1; i < len(names); i++ {
				if names[i-1] >= names[i] {
					t.Fatalf("out of order: %v", names)
				}
			}
		})
	}
	e.fails("ListRoles", map[string]any{"Marker": "garbage!"}, "ValidationError")
}

func TestUsersGroupsAndKeys(t *testing.T) {
	e := newEnv(t, "")
	out := e.ok("CreateUser", map[string]any{"UserName": "alice", "Path": "/eng/", "Tags": tags("k", "v")})
	if get(out, "User", "Arn") != "arn:aws:iam::"+acct+":user/eng/alice" || !strings.HasPrefix(get(out, "User", "UserId").(string), "AIDA") {
		t.Fatalf("user: %v", out)
	}
	e.fails("CreateUser", map[string]any{"UserName": "alice"}, "EntityAlreadyExists")
	e.fails("CreateUser", map[string]any{"UserName": "bad name"}, "ValidationError")
	e.ok("CreateGroup", map[string]any{"GroupName": "devs"})
	e.fails("CreateGroup", map[string]any{"GroupName": "devs"}, "EntityAlreadyExists")
	e.ok("AddUserToGroup", map[string]any{"GroupName": "devs", "UserName": "alice"})
	e.fails("AddUserToGroup", map[string]any{"GroupName": "devs", "UserName": "bob"}, "NoSuchEntity")
	out = e.ok("GetGroup", map[string]any{"GroupName": "devs"})
	if length(out["Users"]) != 1 || get(out, "Users", 0, "UserName") != "alice" || !strings.HasPrefix(get(out, "Group", "GroupId").(string), "AGPA") {
		t.Errorf("group: %v", out)
	}
	if out = e.ok("ListGroupsForUser", map[string]any{"UserName": "alice"}); length(out["Groups"]) != 1 {
		t.Errorf("groups for user: %v", out)
	}
	e.fails("DeleteGroup", map[string]any{"GroupName": "devs"}, "DeleteConflict")

	// Access keys: two at most, resolve to the user.
	k1 := e.ok("CreateAccessKey", map[string]any{"UserName": "alice"})
	e.ok("CreateAccessKey", map[string]any{"UserName": "alice"})
	e.fails("CreateAccessKey", map[string]any{"UserName": "alice"}, "LimitExceeded")
	id := get(k1, "AccessKey", "AccessKeyId").(string)
	if !strings.HasPrefix(id, "AKIA") || len(id) != 20 || len(get(k1, "AccessKey", "SecretAccessKey").(string)) != 40 {
		t.Fatalf("key: %v", k1)
	}
	p := e.dir.Resolve(id)
	if p.Account != acct || p.ARN != "arn:aws:iam::"+acct+":user/eng/alice" || !strings.HasPrefix(p.UserID, "AIDA") {
		t.Errorf("principal: %+v", p)
	}
	// GetUser without a name answers for the calling user.
	caller := &env{t: t, s: e.s, h: e.h, ctx: reqctx.With(context.Background(), &reqctx.Info{Account: acct, Caller: p})}
	if get(caller.ok("GetUser", nil), "User", "UserName") != "alice" {
		t.Error("GetUser without a name")
	}
	if get(e.ok("GetUser", nil), "User", "Arn") != "arn:aws:iam::"+acct+":root" {
		t.Error("GetUser as root")
	}
	e.ok("UpdateAccessKey", map[string]any{"UserName": "alice", "AccessKeyId": id, "Status": "Inactive"})
	out = e.ok("ListAccessKeys", map[string]any{"UserName": "alice"})
	if length(out["AccessKeyMetadata"]) != 2 {
		t.Errorf("keys: %v", out)
	}
	out = e.ok("GetAccessKeyLastUsed", map[string]any{"AccessKeyId": id})
	if out["UserName"] != "alice" || get(out, "AccessKeyLastUsed", "ServiceName") != "N/A" {
		t.Errorf("last used: %v", out)
	}
	e.fails("DeleteUser", map[string]any{"UserName": "alice"}, "DeleteConflict")
	for _, k := range e.ok("ListAccessKeys", map[string]any{"UserName": "alice"})["AccessKeyMetadata"].([]any) {
		e.ok("DeleteAccessKey", map[string]any{"UserName": "alice", "AccessKeyId": get(k, "AccessKeyId")})
	}
	e.fails("DeleteAccessKey", map[string]any{"UserName": "alice", "AccessKeyId": id}, "NoSuchEntity")
	if p := e.dir.Resolve(id); p.ARN == "arn:aws:iam::"+acct+":user/eng/alice" {
		t.Error("deleted key still resolves")
	}
	e.fails("DeleteUser", map[string]any{"UserName": "alice"}, "DeleteConflict") // still in group

	// Rename carries memberships along.
	e.ok("UpdateUser", map[string]any{"UserName": "alice", "NewUserName": "alicia"})
	if out = e.ok("GetGroup", map[string]any{"GroupName": "devs"}); get(out, "Users", 0, "UserName") != "alicia" {
		t.Errorf("after rename: %v", out)
	}
	e.ok("RemoveUserFromGroup", map[string]any{"GroupName": "devs", "UserName": "alicia"})

	// Login profile.
	e.ok("CreateLoginProfile", map[string]any{"UserName": "alicia", "Password": "Secret-123"})
	e.fails("CreateLoginProfile", map[string]any{"UserName": "alicia", "Password": "Secret-123"}, "EntityAlreadyExists")
	e.ok("GetLoginProfile", map[string]any{"UserName": "alicia"})
	e.ok("UpdateLoginProfile", map[string]any{"UserName": "alicia", "PasswordResetRequired": true})
	e.fails("DeleteUser", map[string]any{"UserName": "alicia"}, "DeleteConflict")
	e.ok("DeleteLoginProfile", map[string]any{"UserName": "alicia"})
	e.fails("GetLoginProfile", map[string]any{"UserName": "alicia"}, "NoSuchEntity")

	e.ok("TagUser", map[string]any{"UserName": "alicia", "Tags": tags("x", "y")})
	e.ok("UntagUser", map[string]any{"UserName": "alicia", "TagKeys": []any{"k"}})
	if out = e.ok("ListUserTags", map[string]any{"UserName": "alicia"}); length(out["Tags"]) != 1 || get(out, "Tags", 0, "Key") != "x" {
		t.Errorf("user tags: %v", out)
	}
	for _, op := range []string{"ListMFADevices", "ListSSHPublicKeys", "ListSigningCertificates", "ListServiceSpecificCredentials"} {
		e.ok(op, map[string]any{"UserName": "alicia"})
	}
	e.ok("DeleteUser", map[string]any{"UserName": "alicia"})
	e.ok("DeleteGroup", map[string]any{"GroupName": "devs"})
	e.fails("GetUser", map[string]any{"UserName": "alicia"}, "NoSuchEntity")
}

func TestInstanceProfiles(t *testing.T) {
	e := newEnv(t, "")
	e.ok("CreateRole", map[string]any{"RoleName": "r1", "AssumeRolePolicyDocument": trust})
	e.ok("CreateRole", map[string]any{"RoleName": "r2", "AssumeRolePolicyDocument": trust})
	out := e.ok("CreateInstanceProfile", map[string]any{"InstanceProfileName": "ip", "Tags": tags("a", "b")})
	if get(out, "InstanceProfile", "Arn") != "arn:aws:iam::"+acct+":instance-profile/ip" || !strings.HasPrefix(get(out, "InstanceProfile", "InstanceProfileId").(string), "AIPA") {
		t.Fatalf("profile: %v", out)
	}
	e.fails("CreateInstanceProfile", map[string]any{"InstanceProfileName": "ip"}, "EntityAlreadyExists")
	e.ok("AddRoleToInstanceProfile", map[string]any{"InstanceProfileName": "ip", "RoleName": "r1"})
	e.fails("AddRoleToInstanceProfile", map[string]any{"InstanceProfileName": "ip", "RoleName": "r2"}, "LimitExceeded")
	e.fails("AddRoleToInstanceProfile", map[string]any{"InstanceProfileName": "nope", "RoleName": "r2"}, "NoSuchEntity")
	out = e.ok("GetInstanceProfile", map[string]any{"InstanceProfileName": "ip"})
	if length(get(out, "InstanceProfile", "Roles")) != 1 || get(out, "InstanceProfile", "Roles", 0, "RoleName") != "r1" {
		t.Errorf("get: %v", out)
	}
	if out = e.ok("ListInstanceProfilesForRole", map[string]any{"RoleName": "r1"}); length(out["InstanceProfiles"]) != 1 {
		t.Errorf("for role: %v", out)
	}
	e.fails("DeleteRole", map[string]any{"RoleName": "r1"}, "DeleteConflict")
	e.fails("DeleteInstanceProfile", map[string]any{"InstanceProfileName": "ip"}, "DeleteConflict")
	e.ok("TagInstanceProfile", map[string]any{"InstanceProfileName": "ip", "Tags": tags("c", "d")})
	e.ok("UntagInstanceProfile", map[string]any{"InstanceProfileName": "ip", "TagKeys": []any{"a"}})
	if out = e.ok("ListInstanceProfileTags", map[string]any{"InstanceProfileName": "ip"}); length(out["Tags"]) != 1 {
		t.Errorf("tags: %v", out)
	}
	e.ok("RemoveRoleFromInstanceProfile", map[string]any{"InstanceProfileName": "ip", "RoleName": "r1"})
	e.fails("RemoveRoleFromInstanceProfile", map[string]any{"InstanceProfileName": "ip", "RoleName": "r1"}, "NoSuchEntity")
	if out = e.ok("ListInstanceProfilesForRole", map[string]any{"RoleName": "r1"}); length(out["InstanceProfiles"]) != 0 {
		t.Errorf("for role after remove: %v", out)
	}
	e.ok("DeleteInstanceProfile", map[string]any{"InstanceProfileName": "ip"})
	e.ok("DeleteRole", map[string]any{"RoleName": "r1"})
	e.fails("GetInstanceProfile", map[string]any{"InstanceProfileName": "ip"}, "NoSuchEntity")
}

func TestServiceLinkedRoles(t *testing.T) {
	e := newEnv(t, "")
	out := e.ok("CreateServiceLinkedRole", map[string]any{"AWSServiceName": "autoscaling.amazonaws.com"})
	if get(out, "Role", "RoleName") != "AWSServiceRoleForAutoScaling" || get(out, "Role", "Path") != "/aws-service-role/autoscaling.amazonaws.com/" {
		t.Fatalf("slr: %v", out)
	}
	e.fails("CreateServiceLinkedRole", map[string]any{"AWSServiceName": "autoscaling.amazonaws.com"}, "InvalidInput")
	out = e.ok("CreateServiceLinkedRole", map[string]any{"AWSServiceName": "autoscaling.amazonaws.com", "CustomSuffix": "web"})
	if get(out, "Role", "RoleName") != "AWSServiceRoleForAutoScaling_web" {
		t.Errorf("suffix: %v", out)
	}
	e.fails("DeleteRole", map[string]any{"RoleName": "AWSServiceRoleForAutoScaling"}, "UnmodifiableEntity")
	e.fails("UpdateAssumeRolePolicy", map[string]any{"RoleName": "AWSServiceRoleForAutoScaling", "PolicyDocument": trust}, "UnmodifiableEntity")
	out = e.ok("DeleteServiceLinkedRole", map[string]any{"RoleName": "AWSServiceRoleForAutoScaling"})
	task := out["DeletionTaskId"].(string)
	if out = e.ok("GetServiceLinkedRoleDeletionStatus", map[string]any{"DeletionTaskId": task}); out["Status"] != "SUCCEEDED" {
		t.Errorf("status: %v", out)
	}
	e.fails("GetRole", map[string]any{"RoleName": "AWSServiceRoleForAutoScaling"}, "NoSuchEntity")
	e.fails("GetServiceLinkedRoleDeletionStatus", map[string]any{"DeletionTaskId": "task/nope"}, "NoSuchEntity")
}

func TestAccount(t *testing.T) {
	e := newEnv(t, "")
	e.ok("CreateRole", map[string]any{"RoleName": "r", "AssumeRolePolicyDocument": trust})
	e.ok("CreateUser", map[string]any{"UserName": "u"})
	out := e.ok("GetAccountSummary", nil)
	if get(out, "SummaryMap", "Roles") != int64(1) || get(out, "SummaryMap", "Users") != int64(1) || get(out, "SummaryMap", "AccessKeysPerUserQuota") != int64(2) {
		t.Errorf("summary: %v", out)
	}
	e.ok("CreateAccountAlias", map[string]any{"AccountAlias": "my-corp"})
	e.as("210987654321").fails("CreateAccountAlias", map[string]any{"AccountAlias": "my-corp"}, "EntityAlreadyExists")
	e.fails("CreateAccountAlias", map[string]any{"AccountAlias": "Bad--"}, "ValidationError")
	if out = e.ok("ListAccountAliases", nil); length(out["AccountAliases"]) != 1 || get(out, "AccountAliases", 0) != "my-corp" {
		t.Errorf("aliases: %v", out)
	}
	e.ok("DeleteAccountAlias", map[string]any{"AccountAlias": "my-corp"})
	if out = e.ok("ListAccountAliases", nil); length(out["AccountAliases"]) != 0 {
		t.Errorf("aliases after delete: %v", out)
	}
}

func TestAccountIsolation(t *testing.T) {
	a := newEnv(t, "")
	b := a.as("210987654321")
	a.ok("CreateRole", map[string]any{"RoleName": "shared-name", "AssumeRolePolicyDocument": trust})
	a.ok("CreateRole", map[string]any{"RoleName": "only-a", "AssumeRolePolicyDocument": trust})
	b.ok("CreateRole", map[string]any{"RoleName": "shared-name", "AssumeRolePolicyDocument": trust})
	b.fails("GetRole", map[string]any{"RoleName": "only-a"}, "NoSuchEntity")
	if out := b.ok("ListRoles", nil); length(out["Roles"]) != 1 || get(out, "Roles", 0, "Arn") != "arn:aws:iam::210987654321:role/shared-name" {
		t.Errorf("b roles: %v", out)
	}
	if out := a.ok("ListRoles", nil); length(out["Roles"]) != 2 {
		t.Errorf("a roles: %v", out)
	}
	out := a.ok("CreatePolicy", map[string]any{"PolicyName": "p", "PolicyDocument": doc})
	b.fails("AttachRolePolicy", map[string]any{"RoleName": "shared-name", "PolicyArn": get(out, "Policy", "Arn")}, "NoSuchEntity")
}

func TestSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, dir)
	e.ok("CreateRole", map[string]any{"RoleName": "r", "AssumeRolePolicyDocument": trust, "Tags": tags("a", "b")})
	e.ok("PutRolePolicy", map[string]any{"RoleName": "r", "PolicyName": "inline", "PolicyDocument": doc})
	arn := get(e.ok("CreatePolicy", map[string]any{"PolicyName": "p", "PolicyDocument": doc}), "Policy", "Arn")
	e.ok("CreatePolicyVersion", map[string]any{"PolicyArn": arn, "PolicyDocument": doc, "SetAsDefault": true})
	e.ok("AttachRolePolicy", map[string]any{"RoleName": "r", "PolicyArn": arn})
	e.ok("CreateInstanceProfile", map[string]any{"InstanceProfileName": "ip"})
	e.ok("AddRoleToInstanceProfile", map[string]any{"InstanceProfileName": "ip", "RoleName": "r"})
	e.ok("CreateUser", map[string]any{"UserName": "u"})
	e.ok("CreateGroup", map[string]any{"GroupName": "g"})
	e.ok("AddUserToGroup", map[string]any{"GroupName": "g", "UserName": "u"})
	key := get(e.ok("CreateAccessKey", map[string]any{"UserName": "u"}), "AccessKey", "AccessKeyId").(string)
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}

	e = newEnv(t, dir)
	if get(e.ok("GetRole", map[string]any{"RoleName": "r"}), "Role", "Tags", 0, "Key") != "a" {
		t.Error("role lost")
	}
	e.ok("GetRolePolicy", map[string]any{"RoleName": "r", "PolicyName": "inline"})
	out := e.ok("GetPolicy", map[string]any{"PolicyArn": arn})
	if get(out, "Policy", "DefaultVersionId") != "v2" || get(out, "Policy", "AttachmentCount") != int64(1) {
		t.Errorf("policy: %v", out)
	}
	if get(e.ok("GetInstanceProfile", map[string]any{"InstanceProfileName": "ip"}), "InstanceProfile", "Roles", 0, "RoleName") != "r" {
		t.Error("profile role lost")
	}
	if length(e.ok("GetGroup", map[string]any{"GroupName": "g"})["Users"]) != 1 {
		t.Error("membership lost")
	}
	if p := e.dir.Resolve(key); p.ARN != "arn:aws:iam::"+acct+":user/u" {
		t.Errorf("key does not resolve after restart: %+v", p)
	}
	// The next version number survives too.
	if v := get(e.ok("CreatePolicyVersion", map[string]any{"PolicyArn": arn, "PolicyDocument": doc}), "PolicyVersion", "VersionId"); v != "v3" {
		t.Errorf("next version %v", v)
	}
}
