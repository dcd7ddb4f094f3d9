package validate

import (
	"strings"
	"testing"

	"haneul/internal/awsproto/model"
)

func TestIAMCreateRole(t *testing.T) {
	svc, err := model.NewLoader().Load("iam")
	if err != nil {
		t.Fatal(err)
	}
	shape := svc.Operations["CreateRole"].Input.Shape
	doc := `{"Version":"2012-10-17"}`
	cases := []struct {
		name string
		in   map[string]any
		want []string // substrings of the message, in order; none = valid
	}{
		{"valid", map[string]any{"RoleName": "app", "AssumeRolePolicyDocument": doc}, nil},
		{"missing both", map[string]any{}, []string{"2 validation errors detected", "Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null", "Value null at 'roleName'"}},
		{"pattern", map[string]any{"RoleName": "bad name!", "AssumeRolePolicyDocument": doc}, []string{"1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"}},
		{"too long", map[string]any{"RoleName": strings.Repeat("a", 65), "AssumeRolePolicyDocument": doc}, []string{"Member must have length less than or equal to 64"}},
		{"range", map[string]any{"RoleName": "a", "AssumeRolePolicyDocument": doc, "MaxSessionDuration": int64(60)}, []string{"at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"}},
		{"nested list", map[string]any{"RoleName": "a", "AssumeRolePolicyDocument": doc, "Tags": []any{map[string]any{"Key": "k"}}}, []string{"Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := Input(shape, c.in)
			if len(c.want) == 0 {
				if len(vs) != 0 {
					t.Fatalf("unexpected violations: %s", Message(vs))
				}
				return
			}
			if len(vs) == 0 {
				t.Fatal("no violations")
			}
			msg := Message(vs)
			rest := msg
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("message %q lacks %q", msg, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestEnum(t *testing.T) {
	svc, _ := model.NewLoader().Load("iam")
	shape := svc.Operations["ListPolicies"].Input.Shape
	vs := Input(shape, map[string]any{"Scope": "Everything"})
	if len(vs) != 1 || !strings.Contains(vs[0].Constraint, "enum value set: [All, AWS, Local]") {
		t.Fatalf("got %v", vs)
	}
}
