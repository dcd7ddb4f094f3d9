package ssm_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"haneul/internal/amicatalog"
)

// parameter is the Parameter shape as the wire carries it.
type parameter struct {
	ARN, Name, Type, Value, DataType, Selector string
	Version                                    int64
	LastModifiedDate                           float64
}

type getOut struct{ Parameter parameter }

func TestPutParameter(t *testing.T) {
	c := newClient(t)
	big := strings.Repeat("x", 5000)
	cases := []struct {
		name string
		in   m
		code string // expected error code, "" for success
		ver  int64
		tier string
	}{
		{"string", m{"Name": "/app/db/host", "Type": "String", "Value": "db.local"}, "", 1, "Standard"},
		{"exists without overwrite", m{"Name": "/app/db/host", "Type": "String", "Value": "x"}, "ParameterAlreadyExists", 0, ""},
		{"overwrite adds a version", m{"Name": "/app/db/host", "Type": "String", "Value": "db2.local", "Overwrite": true}, "", 2, "Standard"},
		{"overwrite keeps type when omitted", m{"Name": "/app/db/host", "Value": "db3.local", "Overwrite": true}, "", 3, "Standard"},
		{"tags with overwrite", m{"Name": "/app/db/host", "Type": "String", "Value": "x", "Overwrite": true, "Tags": []m{{"Key": "a", "Value": "b"}}}, "ValidationException", 0, ""},
		{"no type on create", m{"Name": "/app/new", "Value": "x"}, "ValidationException", 0, ""},
		{"reserved aws prefix", m{"Name": "/aws/mine", "Type": "String", "Value": "x"}, "ValidationException", 0, ""},
		{"reserved ssm prefix", m{"Name": "ssm-thing", "Type": "String", "Value": "x"}, "ValidationException", 0, ""},
		{"bad character", m{"Name": "/app/a b", "Type": "String", "Value": "x"}, "ValidationException", 0, ""},
		{"path without leading slash", m{"Name": "app/x", "Type": "String", "Value": "x"}, "ValidationException", 0, ""},
		{"too deep", m{"Name": strings.Repeat("/a", 16), "Type": "String", "Value": "x"}, "HierarchyLevelLimitExceededException", 0, ""},
		{"standard tier too big", m{"Name": "/app/big", "Type": "String", "Value": big}, "ValidationException", 0, ""},
		{"advanced tier 5000 chars", m{"Name": "/app/big", "Type": "String", "Value": big, "Tier": "Advanced"}, "", 1, "Advanced"},
		{"advanced cannot go back to standard", m{"Name": "/app/big", "Type": "String", "Value": "x", "Tier": "Standard", "Overwrite": true}, "ValidationException", 0, ""},
		{"advanced stays advanced", m{"Name": "/app/big", "Type": "String", "Value": "y", "Overwrite": true}, "", 2, "Advanced"},
		{"over 8 KB", m{"Name": "/app/huge", "Type": "String", "Value": strings.Repeat("x", 8193), "Tier": "Advanced"}, "ValidationException", 0, ""},
		{"intelligent tiering small", m{"Name": "/app/it", "Type": "String", "Value": "x", "Tier": "Intelligent-Tiering"}, "", 1, "Standard"},
		{"intelligent tiering big", m{"Name": "/app/it2", "Type": "String", "Value": big, "Tier": "Intelligent-Tiering"}, "", 1, "Advanced"},
		{"allowed pattern ok", m{"Name": "/app/port", "Type": "String", "Value": "8080", "AllowedPattern": `^\d+$`}, "", 1, "Standard"},
		{"allowed pattern mismatch", m{"Name": "/app/port", "Type": "String", "Value": "http", "Overwrite": true}, "ParameterPatternMismatchException", 0, ""},
		{"allowed pattern invalid", m{"Name": "/app/port2", "Type": "String", "Value": "1", "AllowedPattern": `(`}, "InvalidAllowedPatternException", 0, ""},
		{"ec2 image data type", m{"Name": "/app/ami", "Type": "String", "Value": "ami-0c5539f14f145c743", "DataType": "aws:ec2:image"}, "", 1, "Standard"},
		{"ec2 image bad value", m{"Name": "/app/ami2", "Type": "String", "Value": "not-an-ami", "DataType": "aws:ec2:image"}, "ValidationException", 0, ""},
		{"unknown data type", m{"Name": "/app/dt", "Type": "String", "Value": "x", "DataType": "Text"}, "ValidationException", 0, ""},
		{"key id on a String", m{"Name": "/app/k", "Type": "String", "Value": "x", "KeyId": "alias/mine"}, "ValidationException", 0, ""},
		{"secure string", m{"Name": "/app/secret", "Type": "SecureString", "Value": "hunter2"}, "", 1, "Standard"},
		{"string list", m{"Name": "/app/list", "Type": "StringList", "Value": "a,b,c", "Description": "letters"}, "", 1, "Standard"},
		{"plain name", m{"Name": "plain", "Type": "String", "Value": "v"}, "", 1, "Standard"},
		{"empty value", m{"Name": "/app/empty", "Type": "String", "Value": ""}, "ValidationException", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out struct {
				Version int64
				Tier    string
			}
			err := c.call("PutParameter", tc.in, &out)
			if code(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code == "" && (out.Version != tc.ver || out.Tier != tc.tier) {
				t.Errorf("got version %d tier %s, want %d %s", out.Version, out.Tier, tc.ver, tc.tier)
			}
		})
	}
}

func TestGetParameter(t *testing.T) {
	c := newClient(t)
	c.must("PutParameter", m{"Name": "/app/secret", "Type": "SecureString", "Value": "v1"}, nil)
	c.must("PutParameter", m{"Name": "/app/secret", "Type": "SecureString", "Value": "v2", "Overwrite": true}, nil)
	c.must("PutParameter", m{"Name": "/app/secret", "Type": "SecureString", "Value": "v3", "Overwrite": true}, nil)
	c.must("LabelParameterVersion", m{"Name": "/app/secret", "ParameterVersion": 2, "Labels": []string{"prod"}}, nil)
	c.must("PutParameter", m{"Name": "/app/plain", "Type": "String", "Value": "p"}, nil)

	var blob getOut
	c.must("GetParameter", m{"Name": "/app/secret"}, &blob)
	var blob2 getOut
	c.must("GetParameter", m{"Name": "/app/secret"}, &blob2)
	if blob.Parameter.Value == "v3" || blob.Parameter.Value != blob2.Parameter.Value {
		t.Errorf("encrypted value: %q then %q (want a stable blob, not the value)", blob.Parameter.Value, blob2.Parameter.Value)
	}

	cases := []struct {
		name, in string
		decrypt  bool
		code     string
		value    string
		version  int64
		selector string
	}{
		{"latest decrypted", "/app/secret", true, "", "v3", 3, ""},
		{"by version", "/app/secret:1", true, "", "v1", 1, ":1"},
		{"by label", "/app/secret:prod", true, "", "v2", 2, ":prod"},
		{"by arn", "arn:aws:ssm:ap-northeast-2:000000000000:parameter/app/plain", false, "", "p", 1, ""},
		{"missing version", "/app/secret:9", true, "ParameterVersionNotFound", "", 0, ""},
		{"missing label", "/app/secret:nope", true, "ParameterVersionNotFound", "", 0, ""},
		{"missing", "/app/none", true, "ParameterNotFound", "", 0, ""},
		{"string ignores decryption", "/app/plain", false, "", "p", 1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out getOut
			err := c.call("GetParameter", m{"Name": tc.in, "WithDecryption": tc.decrypt}, &out)
			if code(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code != "" {
				return
			}
			p := out.Parameter
			if p.Value != tc.value || p.Version != tc.version || p.Selector != tc.selector {
				t.Errorf("got %+v", p)
			}
			if strings.Contains(p.Name, ":") || p.DataType != "text" || p.LastModifiedDate == 0 {
				t.Errorf("got %+v", p)
			}
		})
	}

	var arn getOut
	c.must("GetParameter", m{"Name": "/app/plain"}, &arn)
	if want := "arn:aws:ssm:ap-northeast-2:000000000000:parameter/app/plain"; arn.Parameter.ARN != want {
		t.Errorf("ARN %s, want %s", arn.Parameter.ARN, want)
	}
}

func TestGetParameters(t *testing.T) {
	c := newClient(t)
	c.must("PutParameter", m{"Name": "/a", "Type": "String", "Value": "1"}, nil)
	c.must("PutParameter", m{"Name": "/b", "Type": "SecureString", "Value": "2"}, nil)
	var out struct {
		Parameters        []parameter
		InvalidParameters []string
	}
	c.must("GetParameters", m{"Names": []string{"/a", "/b", "/missing", "/a:7"}, "WithDecryption": true}, &out)
	if len(out.Parameters) != 2 || out.Parameters[0].Value != "1" || out.Parameters[1].Value != "2" {
		t.Errorf("parameters: %+v", out.Parameters)
	}
	if !slices.Equal(out.InvalidParameters, []string{"/missing", "/a:7"}) {
		t.Errorf("invalid: %v", out.InvalidParameters)
	}
}

func TestGetParametersByPath(t *testing.T) {
	c := newClient(t)
	names := []string{"/svc/a", "/svc/b", "/svc/x/1", "/svc/x/2", "/svc/x/deep/1", "/svc/y", "/svc2/a", "/other/a", "root"}
	for _, n := range names {
		typ := "String"
		if n == "/svc/b" {
			typ = "SecureString"
		}
		c.must("PutParameter", m{"Name": n, "Type": typ, "Value": "v:" + n}, nil)
	}
	c.must("LabelParameterVersion", m{"Name": "/svc/x/1", "Labels": []string{"blue"}}, nil)
	cases := []struct {
		name string
		in   m
		want []string
		code string
	}{
		{"one level", m{"Path": "/svc"}, []string{"/svc/a", "/svc/b", "/svc/y"}, ""},
		{"one level trailing slash", m{"Path": "/svc/"}, []string{"/svc/a", "/svc/b", "/svc/y"}, ""},
		{"recursive", m{"Path": "/svc", "Recursive": true}, []string{"/svc/a", "/svc/b", "/svc/x/1", "/svc/x/2", "/svc/x/deep/1", "/svc/y"}, ""},
		{"sub path", m{"Path": "/svc/x"}, []string{"/svc/x/1", "/svc/x/2"}, ""},
		{"root", m{"Path": "/"}, []string{"root"}, ""},
		{"type filter", m{"Path": "/svc", "Recursive": true, "ParameterFilters": []m{{"Key": "Type", "Values": []string{"SecureString"}}}}, []string{"/svc/b"}, ""},
		{"label filter", m{"Path": "/svc", "Recursive": true, "ParameterFilters": []m{{"Key": "Label", "Values": []string{"blue"}}}}, []string{"/svc/x/1"}, ""},
		{"name filter not allowed", m{"Path": "/svc", "ParameterFilters": []m{{"Key": "Name", "Values": []string{"a"}}}}, nil, "InvalidFilterKey"},
		{"relative path", m{"Path": "svc"}, nil, "ValidationException"},
		{"nothing there", m{"Path": "/nothing"}, []string{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out struct{ Parameters []parameter }
			err := c.call("GetParametersByPath", tc.in, &out)
			if code(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code != "" {
				return
			}
			got := []string{}
			for _, p := range out.Parameters {
				got = append(got, p.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	// Paging: 25 parameters, 10 per page at most, in name order, none twice.
	for i := range 25 {
		c.must("PutParameter", m{"Name": fmt.Sprintf("/page/p%02d", i), "Type": "String", "Value": "v"}, nil)
	}
	var got []string
	token := ""
	pages := 0
	for {
		in := m{"Path": "/page", "MaxResults": 10}
		if token != "" {
			in["NextToken"] = token
		}
		var out struct {
			Parameters []parameter
			NextToken  string
		}
		c.must("GetParametersByPath", in, &out)
		pages++
		for _, p := range out.Parameters {
			got = append(got, p.Name)
		}
		if out.NextToken == "" {
			break
		}
		token = out.NextToken
	}
	if len(got) != 25 || pages != 3 || !slices.IsSorted(got) {
		t.Errorf("paging: %d names in %d pages: %v", len(got), pages, got)
	}
	if err := c.call("GetParametersByPath", m{"Path": "/page", "NextToken": "!!"}, nil); code(err) != "InvalidNextToken" {
		t.Errorf("bad token: %v", err)
	}
}

func TestDescribeParameters(t *testing.T) {
	c := newClient(t)
	c.must("PutParameter", m{"Name": "/d/a", "Type": "String", "Value": "1", "Description": "first", "Tags": []m{{"Key": "team", "Value": "blue"}}}, nil)
	c.must("PutParameter", m{"Name": "/d/b", "Type": "SecureString", "Value": "2", "KeyId": "alias/mine"}, nil)
	c.must("PutParameter", m{"Name": "/d/sub/c", "Type": "StringList", "Value": "3,4"}, nil)
	c.must("PutParameter", m{"Name": "/e/d", "Type": "SecureString", "Value": "5", "Tier": "Advanced"}, nil)
	type meta struct {
		Name, Type, KeyId, Description, Tier, DataType, ARN, LastModifiedUser string
		Version                                                               int64
	}
	cases := []struct {
		name string
		in   m
		want []string
		code string
	}{
		{"all", m{}, []string{"/d/a", "/d/b", "/d/sub/c", "/e/d"}, ""},
		{"name equals", m{"ParameterFilters": []m{{"Key": "Name", "Option": "Equals", "Values": []string{"/d/b"}}}}, []string{"/d/b"}, ""},
		{"name begins with", m{"ParameterFilters": []m{{"Key": "Name", "Option": "BeginsWith", "Values": []string{"/d/"}}}}, []string{"/d/a", "/d/b", "/d/sub/c"}, ""},
		{"name contains", m{"ParameterFilters": []m{{"Key": "Name", "Option": "Contains", "Values": []string{"sub"}}}}, []string{"/d/sub/c"}, ""},
		{"path one level", m{"ParameterFilters": []m{{"Key": "Path", "Values": []string{"/d"}}}}, []string{"/d/a", "/d/b"}, ""},
		{"path recursive", m{"ParameterFilters": []m{{"Key": "Path", "Option": "Recursive", "Values": []string{"/d"}}}}, []string{"/d/a", "/d/b", "/d/sub/c"}, ""},
		{"type", m{"ParameterFilters": []m{{"Key": "Type", "Values": []string{"SecureString"}}}}, []string{"/d/b", "/e/d"}, ""},
		{"key id", m{"ParameterFilters": []m{{"Key": "KeyId", "Values": []string{"alias/aws/ssm"}}}}, []string{"/e/d"}, ""},
		{"tier", m{"ParameterFilters": []m{{"Key": "Tier", "Values": []string{"Advanced"}}}}, []string{"/e/d"}, ""},
		{"tag", m{"ParameterFilters": []m{{"Key": "tag:team", "Values": []string{"blue"}}}}, []string{"/d/a"}, ""},
		{"legacy filters", m{"Filters": []m{{"Key": "Type", "Values": []string{"StringList"}}}}, []string{"/d/sub/c"}, ""},
		{"label not allowed", m{"ParameterFilters": []m{{"Key": "Label", "Values": []string{"x"}}}}, nil, "InvalidFilterKey"},
		{"bad option", m{"ParameterFilters": []m{{"Key": "Type", "Option": "Contains", "Values": []string{"String"}}}}, nil, "InvalidFilterOption"},
		{"bad type value", m{"ParameterFilters": []m{{"Key": "Type", "Values": []string{"Number"}}}}, nil, "InvalidFilterValue"},
		{"both filter kinds", m{"Filters": []m{{"Key": "Type", "Values": []string{"String"}}}, "ParameterFilters": []m{{"Key": "Type", "Values": []string{"String"}}}}, nil, "ValidationException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out struct{ Parameters []meta }
			err := c.call("DescribeParameters", tc.in, &out)
			if code(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			got := []string{}
			for _, p := range out.Parameters {
				got = append(got, p.Name)
			}
			if tc.code == "" && !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	var out struct{ Parameters []meta }
	c.must("DescribeParameters", m{"ParameterFilters": []m{{"Key": "Name", "Values": []string{"/d/b"}}}}, &out)
	if p := out.Parameters[0]; p.KeyId != "alias/mine" || p.Tier != "Standard" || p.DataType != "text" || p.Version != 1 ||
		p.ARN != "arn:aws:ssm:ap-northeast-2:000000000000:parameter/d/b" || p.LastModifiedUser != "arn:aws:iam::000000000000:root" {
		t.Errorf("metadata: %+v", p)
	}
	// Paging one at a time visits every parameter once.
	var names []string
	token := ""
	for {
		in := m{"MaxResults": 1}
		if token != "" {
			in["NextToken"] = token
		}
		var page struct {
			Parameters []meta
			NextToken  string
		}
		c.must("DescribeParameters", in, &page)
		for _, p := range page.Parameters {
			names = append(names, p.Name)
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	if len(names) != 4 {
		t.Errorf("paged: %v", names)
	}
}

func TestHistoryAndLabels(t *testing.T) {
	c := newClient(t)
	for i := 1; i <= 3; i++ {
		c.must("PutParameter", m{"Name": "/h", "Type": "SecureString", "Value": fmt.Sprint("v", i), "Overwrite": i > 1}, nil)
	}
	var lab struct {
		ParameterVersion int64
		InvalidLabels    []string
	}
	c.must("LabelParameterVersion", m{"Name": "/h", "ParameterVersion": 1, "Labels": []string{"stable", "1bad", "awsx", "ok-label"}}, &lab)
	if lab.ParameterVersion != 1 || !slices.Equal(lab.InvalidLabels, []string{"1bad", "awsx"}) {
		t.Errorf("label: %+v", lab)
	}
	// Moving a label to the latest version (the default) takes it off version 1.
	c.must("LabelParameterVersion", m{"Name": "/h", "Labels": []string{"stable"}}, &lab)
	if lab.ParameterVersion != 3 {
		t.Errorf("label latest: %+v", lab)
	}
	type hist struct {
		Version int64
		Value   string
		Labels  []string
		KeyId   string
	}
	var out struct {
		Parameters []hist
		NextToken  string
	}
	c.must("GetParameterHistory", m{"Name": "/h", "WithDecryption": true}, &out)
	if len(out.Parameters) != 3 || out.Parameters[0].Value != "v1" || !slices.Equal(out.Parameters[0].Labels, []string{"ok-label"}) ||
		!slices.Equal(out.Parameters[2].Labels, []string{"stable"}) || out.Parameters[2].KeyId != "alias/aws/ssm" {
		t.Errorf("history: %+v", out.Parameters)
	}
	c.must("GetParameterHistory", m{"Name": "/h", "MaxResults": 2}, &out)
	if len(out.Parameters) != 2 || out.NextToken == "" || out.Parameters[0].Value == "v1" {
		t.Errorf("history page: %+v", out)
	}
	var un struct{ RemovedLabels, InvalidLabels []string }
	c.must("UnlabelParameterVersion", m{"Name": "/h", "ParameterVersion": 3, "Labels": []string{"stable", "nope"}}, &un)
	if !slices.Equal(un.RemovedLabels, []string{"stable"}) || !slices.Equal(un.InvalidLabels, []string{"nope"}) {
		t.Errorf("unlabel: %+v", un)
	}
	if err := c.call("GetParameter", m{"Name": "/h:stable"}, nil); code(err) != "ParameterVersionNotFound" {
		t.Errorf("removed label still resolves: %v", err)
	}
	if err := c.call("LabelParameterVersion", m{"Name": "/h", "ParameterVersion": 9, "Labels": []string{"x"}}, nil); code(err) != "ParameterVersionNotFound" {
		t.Errorf("label missing version: %v", err)
	}
	if err := c.call("GetParameterHistory", m{"Name": "/none"}, nil); code(err) != "ParameterNotFound" {
		t.Errorf("history of nothing: %v", err)
	}
	c.must("LabelParameterVersion", m{"Name": "/h", "ParameterVersion": 2, "Labels": []string{"l0", "l1", "l2", "l3", "l4", "l5"}}, nil)
	if err := c.call("LabelParameterVersion", m{"Name": "/h", "ParameterVersion": 2, "Labels": []string{"l6", "l7", "l8", "l9", "l10"}}, nil); code(err) != "ParameterVersionLabelLimitExceeded" {
		t.Errorf("11 labels: %v", err)
	}
}

func TestVersionLimit(t *testing.T) {
	c := newClient(t)
	for i := 1; i <= 100; i++ {
		c.must("PutParameter", m{"Name": "/v", "Type": "String", "Value": fmt.Sprint(i), "Overwrite": true}, nil)
	}
	c.must("LabelParameterVersion", m{"Name": "/v", "ParameterVersion": 1, "Labels": []string{"pin"}}, nil)
	if err := c.call("PutParameter", m{"Name": "/v", "Value": "101", "Overwrite": true}, nil); code(err) != "ParameterMaxVersionLimitExceeded" {
		t.Fatalf("101st version with version 1 labelled: %v", err)
	}
	c.must("UnlabelParameterVersion", m{"Name": "/v", "ParameterVersion": 1, "Labels": []string{"pin"}}, nil)
	c.must("PutParameter", m{"Name": "/v", "Value": "101", "Overwrite": true}, nil)
	if err := c.call("GetParameter", m{"Name": "/v:1"}, nil); code(err) != "ParameterVersionNotFound" {
		t.Errorf("version 1 kept past 100 versions: %v", err)
	}
	var out getOut
	c.must("GetParameter", m{"Name": "/v:2"}, &out)
	if out.Parameter.Value != "2" {
		t.Errorf("version 2: %+v", out.Parameter)
	}
}

func TestDeleteParameters(t *testing.T) {
	c := newClient(t)
	c.must("PutParameter", m{"Name": "/x/1", "Type": "String", "Value": "1"}, nil)
	c.must("PutParameter", m{"Name": "/x/2", "Type": "String", "Value": "2"}, nil)
	c.must("PutParameter", m{"Name": "/x/3", "Type": "String", "Value": "3"}, nil)
	c.must("DeleteParameter", m{"Name": "/x/1"}, nil)
	if err := c.call("DeleteParameter", m{"Name": "/x/1"}, nil); code(err) != "ParameterNotFound" {
		t.Errorf("delete twice: %v", err)
	}
	var out struct{ DeletedParameters, InvalidParameters []string }
	c.must("DeleteParameters", m{"Names": []string{"/x/2", "/x/9", "/x/3"}}, &out)
	if !slices.Equal(out.DeletedParameters, []string{"/x/2", "/x/3"}) || !slices.Equal(out.InvalidParameters, []string{"/x/9"}) {
		t.Errorf("delete many: %+v", out)
	}
	// A deleted name starts again at version 1.
	var put struct{ Version int64 }
	c.must("PutParameter", m{"Name": "/x/1", "Type": "String", "Value": "again"}, &put)
	if put.Version != 1 {
		t.Errorf("recreated at version %d", put.Version)
	}
}

func TestTags(t *testing.T) {
	c := newClient(t)
	c.must("PutParameter", m{"Name": "/t", "Type": "String", "Value": "1", "Tags": []m{{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}}}, nil)
	list := func() []string {
		var out struct{ TagList []struct{ Key, Value string } }
		c.must("ListTagsForResource", m{"ResourceType": "Parameter", "ResourceId": "/t"}, &out)
		var kv []string
		for _, t := range out.TagList {
			kv = append(kv, t.Key+"="+t.Value)
		}
		return kv
	}
	if got := list(); !slices.Equal(got, []string{"a=1", "b=2"}) {
		t.Errorf("tags on create: %v", got)
	}
	c.must("AddTagsToResource", m{"ResourceType": "Parameter", "ResourceId": "/t", "Tags": []m{{"Key": "a", "Value": "9"}, {"Key": "c", "Value": "3"}}}, nil)
	c.must("RemoveTagsFromResource", m{"ResourceType": "Parameter", "ResourceId": "/t", "TagKeys": []string{"b"}}, nil)
	if got := list(); !slices.Equal(got, []string{"a=9", "c=3"}) {
		t.Errorf("tags after add/remove: %v", got)
	}
	// Overwriting keeps the tags.
	c.must("PutParameter", m{"Name": "/t", "Value": "2", "Overwrite": true}, nil)
	if got := list(); len(got) != 2 {
		t.Errorf("tags after overwrite: %v", got)
	}
	if err := c.call("ListTagsForResource", m{"ResourceType": "Parameter", "ResourceId": "/none"}, nil); code(err) != "InvalidResourceId" {
		t.Errorf("tags of nothing: %v", err)
	}
	tooMany := []m{}
	for i := range 51 {
		tooMany = append(tooMany, m{"Key": fmt.Sprint("k", i), "Value": "v"})
	}
	if err := c.call("AddTagsToResource", m{"ResourceType": "Parameter", "ResourceId": "/t", "Tags": tooMany}, nil); code(err) != "TooManyTagsError" {
		t.Errorf("51 tags: %v", err)
	}
}

func TestPublicParameters(t *testing.T) {
	c := newClient(t)
	for _, im := range amicatalog.Images() {
		for _, name := range im.Parameters {
			var out getOut
			c.must("GetParameter", m{"Name": name}, &out)
			if out.Parameter.Value != im.ID || out.Parameter.Type != "String" {
				t.Errorf("%s: %+v, want %s", name, out.Parameter, im.ID)
			}
			if want := "arn:aws:ssm:ap-northeast-2::parameter" + name; out.Parameter.ARN != want {
				t.Errorf("ARN %s, want %s", out.Parameter.ARN, want)
			}
		}
	}
	var doc getOut
	c.must("GetParameter", m{"Name": "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended"}, &doc)
	ecs, _ := amicatalog.ByParameter("/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id")
	if !strings.Contains(doc.Parameter.Value, `"image_id":"`+ecs.ID+`"`) || !strings.Contains(doc.Parameter.Value, `"image_name":"`+ecs.Name+`"`) {
		t.Errorf("recommended document: %s", doc.Parameter.Value)
	}
	var path struct{ Parameters []parameter }
	c.must("GetParametersByPath", m{"Path": "/aws/service/ami-amazon-linux-latest"}, &path)
	if len(path.Parameters) < 3 {
		t.Errorf("public path listing: %+v", path.Parameters)
	}
	var rec struct{ Parameters []parameter }
	c.must("GetParametersByPath", m{"Path": "/aws/service/ecs/optimized-ami/amazon-linux-2023", "Recursive": true}, &rec)
	if len(rec.Parameters) != 9 {
		t.Errorf("recursive public listing: %d parameters", len(rec.Parameters))
	}
	if err := c.call("PutParameter", m{"Name": "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id", "Type": "String", "Value": "ami-12345678", "Overwrite": true}, nil); code(err) != "ValidationException" {
		t.Errorf("overwriting a public parameter: %v", err)
	}
	// Public parameters are the same under every account.
	c.header = map[string]string{"x-moto-account-id": "123456789012"}
	var other getOut
	c.must("GetParameter", m{"Name": "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"}, &other)
	if ub, _ := amicatalog.ByParameter("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"); other.Parameter.Value != ub.ID {
		t.Errorf("other account: %+v", other.Parameter)
	}
}

func TestScopes(t *testing.T) {
	c := newClient(t)
	c.must("PutParameter", m{"Name": "/s", "Type": "String", "Value": "mine"}, nil)
	c.header = map[string]string{"x-moto-account-id": "123456789012"}
	if err := c.call("GetParameter", m{"Name": "/s"}, nil); code(err) != "ParameterNotFound" {
		t.Errorf("another account sees the parameter: %v", err)
	}
	c.must("PutParameter", m{"Name": "/s", "Type": "String", "Value": "theirs"}, nil)
	var out getOut
	c.must("GetParameter", m{"Name": "/s"}, &out)
	if out.Parameter.Value != "theirs" || !strings.Contains(out.Parameter.ARN, ":123456789012:") {
		t.Errorf("other account: %+v", out.Parameter)
	}
}
