package dynamodb

import (
	"encoding/json"
	"strings"
	"testing"
)

// av parses DynamoDB JSON ({"S":"x"}) for test tables.
func av(t *testing.T, s string) AttributeValue {
	t.Helper()
	var v AttributeValue
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func itemOf(t *testing.T, s string) Item {
	t.Helper()
	var it Item
	if err := json.Unmarshal([]byte(s), &it); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return it
}

const condItem = `{"id":{"S":"a1"},"n":{"N":"10"},"s":{"S":"hello"},"b":{"B":"AAEC"},"ok":{"BOOL":true},"nul":{"NULL":true},
"ss":{"SS":["x","y"]},"ns":{"NS":["1","2.5"]},"l":{"L":[{"S":"p"},{"N":"7"},{"M":{"deep":{"S":"d"}}}]},
"m":{"M":{"k":{"S":"v"},"child":{"M":{"z":{"N":"-3"}}}}},"big":{"N":"12345678901234567890123456789012345678"}}`

var condValues = `{":ten":{"N":"10"},":ten2":{"N":"1e1"},":five":{"N":"5"},":s":{"S":"hello"},":he":{"S":"he"},":x":{"S":"x"},
":p":{"S":"p"},":seven":{"N":"7"},":S":{"S":"S"},":SS":{"S":"SS"},":M":{"S":"M"},":bad":{"S":"Q"},":three":{"N":"3"},
":neg":{"N":"-3"},":b01":{"B":"AAE="},":big":{"N":"12345678901234567890123456789012345679"},":v":{"S":"v"},":twenty":{"N":"20"}}`

// TestConditionConformance checks condition expressions against an item, each
// with the result or error AWS documents.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
func TestConditionConformance(t *testing.T) {
	it := itemOf(t, condItem)
	var values map[string]AttributeValue
	if err := json.Unmarshal([]byte(condValues), &values); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"#n": "n", "#dot": "m.k", "#status": "status"}
	cases := []struct {
		expr string
		want bool
		err  string // error message prefix, if the expression is invalid
	}{
		// Comparators; numbers compare numerically.
		{expr: "n = :ten", want: true},
		{expr: "n = :ten2", want: true},
		{expr: "#n <> :ten", want: false},
		{expr: "n > :five AND n >= :ten AND n <= :ten AND NOT n < :ten", want: true},
		{expr: "s = :ten", want: false}, // different types are not equal
		{expr: "s < :ten", want: false}, // nor ordered
		{expr: "absent <> :ten", want: true},
		{expr: "absent = :ten", want: false},
		{expr: "big < :big", want: true}, // 38 digits compared exactly
		{expr: "m.child.z = :neg", want: true},
		{expr: "l[1] = :seven", want: true},
		{expr: "l[2].deep = :x", want: false},
		{expr: "l[9] = :seven", want: false},
		{expr: "#dot = :v", want: false}, // a name with a dot is one attribute
		{expr: "m.k = :v", want: true},
		// BETWEEN and IN.
		{expr: "n BETWEEN :five AND :ten", want: true},
		{expr: "n BETWEEN :ten AND :twenty", want: true},
		{expr: "n BETWEEN :ten AND :five", err: "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10,}, upper bound operand: AttributeValue: {N:5,}"},
		{expr: "n IN (:five, :ten)", want: true},
		{expr: "s IN (:x, :p)", want: false},
		// Logic and precedence: NOT > AND > OR.
		{expr: "n = :five OR n = :ten AND s = :s", want: true},
		{expr: "(n = :five OR n = :ten) AND s = :x", want: false},
		{expr: "NOT (n = :five)", want: true},
		// Functions.
		{expr: "attribute_exists(ok) AND attribute_not_exists(nope)", want: true},
		{expr: "attribute_exists(m.child.z)", want: true},
		{expr: "attribute_type(s, :S) AND attribute_type(ss, :SS) AND attribute_type(m, :M)", want: true},
		{expr: "attribute_type(s, :bad)", err: "Invalid ConditionExpression: Invalid attribute type name found; type: Q, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }"},
		{expr: "begins_with(s, :he)", want: true},
		{expr: "begins_with(b, :b01)", want: true},
		{expr: "begins_with(s, :ten)", err: "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{expr: "contains(s, :he) AND contains(ss, :x) AND contains(l, :p)", want: true},
		{expr: "contains(ns, :x)", want: false},
		{expr: "size(s) = :five AND size(l) = :three AND size(ss) < :three", want: true},
		{expr: "size(n) = :five", want: false}, // numbers have no size
		{expr: "size(s)", err: "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
		{expr: "attribute_exists(:ten)", err: "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
		{expr: "begins_with(s)", err: "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{expr: "foo(s)", err: "Invalid ConditionExpression: Invalid function name; function: foo"},
		{expr: "if_not_exists(s, :s) = :s", err: "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"},
		// Placeholders and reserved words.
		{expr: "n = :undefined", err: "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :undefined"},
		{expr: "#undefined = :ten", err: "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #undefined"},
		{expr: "status = :ten", err: "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
		{expr: "#status = :ten", want: false},
		// Syntax.
		{expr: "n = ", err: `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "= "`},
		{expr: "n == :ten", err: `Invalid ConditionExpression: Syntax error; token: "=", near: "== :ten"`},
		{expr: "", err: "Invalid ConditionExpression: The expression can not be empty;"},
		{expr: "n = :ten AND", err: `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"`},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			env, err := newExprEnv(names, values, true)
			if err != nil {
				t.Fatal(err)
			}
			cond, err := parseCondition("ConditionExpression", c.expr, env)
			if c.err != "" {
				if err == nil || !strings.HasSuffix(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := evalCond(it, cond); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestUpdateConformance applies update expressions to an item, each with the
// result or error AWS documents.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
func TestUpdateConformance(t *testing.T) {
	base := `{"id":{"S":"a"},"n":{"N":"10"},"s":{"S":"x"},"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"},{"N":"3"}]},"ss":{"SS":["a","b"]},"m":{"M":{"k":{"S":"v"}}}}`
	values := map[string]AttributeValue{}
	for k, v := range map[string]string{
		":one": `{"N":"1"}`, ":half": `{"N":"0.5"}`, ":s": `{"S":"y"}`, ":l": `{"L":[{"N":"9"}]}`, ":ssc": `{"SS":["c"]}`,
		":ssa": `{"SS":["a"]}`, ":ssab": `{"SS":["a","b"]}`, ":ns": `{"NS":["1"]}`, ":m": `{"M":{}}`, ":big": `{"N":"99999999999999999999999999999999999999"}`,
	} {
		values[k] = av(t, v)
	}
	cases := []struct {
		expr string
		want string // the changed attributes, as DynamoDB JSON of an item
		gone []string
		err  string
	}{
		{expr: "SET n = n + :one", want: `{"n":{"N":"11"}}`},
		{expr: "SET n = n - :half", want: `{"n":{"N":"9.5"}}`},
		{expr: "SET n = :one + n, s = :s", want: `{"n":{"N":"11"},"s":{"S":"y"}}`},
		{expr: "SET fresh = if_not_exists(fresh, :one), n = if_not_exists(n, :one)", want: `{"fresh":{"N":"1"},"n":{"N":"10"}}`},
		{expr: "SET l = list_append(l, :l)", want: `{"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"},{"N":"3"},{"N":"9"}]}}`},
		{expr: "SET l = list_append(:l, l)", want: `{"l":{"L":[{"N":"9"},{"N":"0"},{"N":"1"},{"N":"2"},{"N":"3"}]}}`},
		{expr: "SET l[1] = :s, l[10] = :one", want: `{"l":{"L":[{"N":"0"},{"S":"y"},{"N":"2"},{"N":"3"},{"N":"1"}]}}`},
		{expr: "SET m.k2 = :s", want: `{"m":{"M":{"k":{"S":"v"},"k2":{"S":"y"}}}}`},
		{expr: "SET nope.k = :s", err: "The document path provided in the update expression is invalid for update"},
		{expr: "SET n = s + :one", err: "An operand in the update expression has an incorrect data type"},
		{expr: "SET n = nope + :one", err: "The provided expression refers to an attribute that does not exist in the item"},
		{expr: "SET n = n + :big", err: "Attempting to store more than 38 significant digits in a Number"},
		{expr: "REMOVE s, m.k", gone: []string{"s"}, want: `{"m":{"M":{}}}`},
		{expr: "REMOVE l[0], l[2]", want: `{"l":{"L":[{"N":"1"},{"N":"3"}]}}`},
		{expr: "ADD n :one, ss :ssc, newset :ns", want: `{"n":{"N":"11"},"ss":{"SS":["a","b","c"]},"newset":{"NS":["1"]}}`},
		{expr: "ADD s :one", err: "An operand in the update expression has an incorrect data type"},
		{expr: "ADD n :s", err: "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{expr: "DELETE ss :ssa", want: `{"ss":{"SS":["b"]}}`},
		{expr: "DELETE ss :ssab", gone: []string{"ss"}, want: `{}`},
		{expr: "SET s = :s REMOVE s", err: "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [s], path two: [s]"},
		{expr: "SET m = :m, m.k = :s", err: "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, k]"},
		{expr: "SET s = :s SET n = :one", err: `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{expr: "SET s = size(s)", err: "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"},
		{expr: "SET s :s", err: `Invalid UpdateExpression: Syntax error; token: ":s", near: "s :s"`},
		{expr: "SET s = :nope", err: "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			old := itemOf(t, base)
			env, err := newExprEnv(nil, values, true)
			if err != nil {
				t.Fatal(err)
			}
			u, err := parseUpdate(c.expr, env)
			var nu Item
			if err == nil {
				nu, err = applyUpdate(old, u)
			}
			if c.err != "" {
				if err == nil || !strings.HasSuffix(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := itemOf(t, c.want)
			for k, v := range want {
				got, ok := nu[k]
				if !ok || !equal(&got, &v) {
					b, _ := json.Marshal(nu[k])
					t.Errorf("%s = %s, want %s", k, b, c.want)
				}
			}
			for _, k := range c.gone {
				if _, ok := nu[k]; ok {
					t.Errorf("%s still there", k)
				}
			}
			if orig := itemOf(t, base); !equal(&AttributeValue{M: old}, &AttributeValue{M: orig}) {
				t.Error("the old item was modified")
			}
		})
	}
}

// TestPlaceholderChecks covers the request-level placeholder rules.
func TestPlaceholderChecks(t *testing.T) {
	one := map[string]AttributeValue{":a": numVal("1")}
	cases := []struct {
		name    string
		names   map[string]string
		values  map[string]AttributeValue
		cond    string
		wantErr string
	}{
		{"unused value", nil, map[string]AttributeValue{":a": numVal("1"), ":b": numVal("2")}, "x = :a", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"},
		{"unused name", map[string]string{"#a": "a", "#b": "b"}, one, "#a = :a", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"},
		{"empty values", nil, map[string]AttributeValue{}, "x = x", "ExpressionAttributeValues must not be empty"},
		{"empty names", map[string]string{}, nil, "x = x", "ExpressionAttributeNames must not be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseWrite(&c.cond, nil, c.names, c.values, nil, nil, nil)
			if err == nil || !strings.HasSuffix(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
		})
	}
}

// TestNumbers checks parsing, canonical forms, limits and the key encoding's order.
func TestNumbers(t *testing.T) {
	for in, want := range map[string]string{"1.50": "1.5", "-0": "0", "1e3": "1000", "0.00012": "0.00012", "-12.300e-2": "-0.123", "+7": "7"} {
		if got, err := normalizeNumber(in); err != nil || got != want {
			t.Errorf("%s → %s %v, want %s", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"abc": "A value provided cannot be converted into a number", "1e126": "Number overflow", "1e-131": "Number underflow",
		"123456789012345678901234567890123456789": "Attempting to store more than 38 significant digits",
	} {
		if _, err := normalizeNumber(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %s", in, err, want)
		}
	}
	ordered := []string{"-1e125", "-100", "-10.5", "-10", "-1", "-0.5", "-0.0001", "0", "1e-130", "0.5", "1", "9.99", "10", "10.01", "100", "9.9e125"}
	for i := 1; i < len(ordered); i++ {
		a, _ := parseNumber(ordered[i-1])
		b, _ := parseNumber(ordered[i])
		ka, kb := string(a.appendKey(nil)), string(b.appendKey(nil))
		if a.cmp(b) >= 0 || ka >= kb {
			t.Errorf("%s should sort before %s", ordered[i-1], ordered[i])
		}
	}
}
