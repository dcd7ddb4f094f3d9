package sns

import "testing"

// TestFilterPolicies follows the examples of AWS's filter policy pages
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html and its sub-pages).
func TestFilterPolicies(t *testing.T) {
	// The attributes of the docs' example message.
	attrs := map[string]msgAttr{
		"customer_interests": {Type: "String.Array", Value: `["soccer", "rugby", "hockey"]`},
		"store":              {Type: "String", Value: "example_corp"},
		"event":              {Type: "String", Value: "order_placed"},
		"price_usd":          {Type: "Number", Value: "210.75"},
		"source_ip":          {Type: "String", Value: "10.0.0.255"},
		"encrypted":          {Type: "Binary", Value: "\x01\x02"},
	}
	body := `{"store":"example_corp","event":"order_placed","customer_interests":["soccer","rugby","hockey"],"price_usd":210.75,` +
		`"delivery":{"kind":"express","zone":{"code":"EU"}},"items":[{"sku":"a1"},{"sku":"b2"}],"gift":null,"paid":true}`
	cases := []struct {
		name, policy string
		want         bool
	}{
		{"exact string", `{"store":["example_corp"]}`, true},
		{"exact string, mismatch", `{"store":["other"]}`, false},
		{"OR within a property", `{"store":["other","example_corp"]}`, true},
		{"AND across properties", `{"store":["example_corp"],"event":["order_cancelled"]}`, false},
		{"string array any element", `{"customer_interests":["rugby"]}`, true},
		{"string array no element", `{"customer_interests":["tennis"]}`, false},
		{"anything-but list", `{"store":[{"anything-but":["a","b"]}]}`, true},
		{"anything-but hits", `{"store":[{"anything-but":["example_corp"]}]}`, false},
		{"anything-but array attribute", `{"customer_interests":[{"anything-but":["rugby","tennis"]}]}`, true},
		{"anything-but prefix", `{"event":[{"anything-but":{"prefix":"order-"}}]}`, true},
		{"anything-but prefix hits", `{"event":[{"anything-but":{"prefix":"order_"}}]}`, false},
		{"anything-but number", `{"price_usd":[{"anything-but":[100, 210.75]}]}`, false},
		{"anything-but on absent key", `{"nope":[{"anything-but":["x"]}]}`, false},
		{"prefix", `{"event":[{"prefix":"order"}]}`, true},
		{"suffix", `{"event":[{"suffix":"_placed"}]}`, true},
		{"suffix mismatch", `{"event":[{"suffix":"_cancelled"}]}`, false},
		{"equals-ignore-case", `{"store":[{"equals-ignore-case":"EXAMPLE_CORP"}]}`, true},
		{"numeric exact", `{"price_usd":[{"numeric":["=",210.75]}]}`, true},
		{"numeric literal", `{"price_usd":[210.75]}`, true},
		{"numeric range", `{"price_usd":[{"numeric":[">",0,"<=",300]}]}`, true},
		{"numeric range outside", `{"price_usd":[{"numeric":[">=",300]}]}`, false},
		{"numeric against string", `{"store":[{"numeric":[">",0]}]}`, false},
		{"exists true", `{"store":[{"exists":true}]}`, true},
		{"exists true absent", `{"coupon":[{"exists":true}]}`, false},
		{"exists false absent", `{"coupon":[{"exists":false}]}`, true},
		{"exists false present", `{"store":[{"exists":false}]}`, false},
		{"binary never matches", `{"encrypted":["\u0001\u0002"]}`, false},
		{"cidr", `{"source_ip":[{"cidr":"10.0.0.0/24"}]}`, true},
		{"cidr outside", `{"source_ip":[{"cidr":"10.0.1.0/24"}]}`, false},
		{"$or one side", `{"store":["example_corp"],"$or":[{"event":["nope"]},{"price_usd":[{"numeric":[">",200]}]}]}`, true},
		{"$or neither side", `{"$or":[{"event":["nope"]},{"price_usd":[{"numeric":["<",200]}]}]}`, false},
		{"absent key", `{"coupon":["x"]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := parseFilterPolicy(c.policy)
			if err != nil {
				t.Fatal(err)
			}
			if got := matchAttributes(p, attrs); got != c.want {
				t.Errorf("attributes: got %v, want %v", got, c.want)
			}
			if c.name == "binary never matches" || c.name == "cidr" || c.name == "cidr outside" {
				return // attribute-only cases
			}
			m := &message{body: body}
			sub := subRec{Protocol: "sqs", Attributes: map[string]string{"FilterPolicy": c.policy, "FilterPolicyScope": "MessageBody"}}
			if got := sub.matches(m); got != c.want {
				t.Errorf("body: got %v, want %v", got, c.want)
			}
		})
	}
	bodyOnly := []struct {
		name, policy string
		want         bool
	}{
		{"nested", `{"delivery":{"kind":["express"]}}`, true},
		{"nested deeper", `{"delivery":{"zone":{"code":["EU","US"]}}}`, true},
		{"nested mismatch", `{"delivery":{"kind":["standard"]}}`, false},
		{"array of objects", `{"items":{"sku":["b2"]}}`, true},
		{"array of objects mismatch", `{"items":{"sku":["c3"]}}`, false},
		{"null", `{"gift":[null]}`, true},
		{"boolean", `{"paid":[true]}`, true},
		{"nested exists false", `{"delivery":{"signature":[{"exists":false}]}}`, true},
		{"$or nested", `{"$or":[{"delivery":{"kind":["x"]}},{"delivery":{"zone":{"code":["EU"]}}}]}`, true},
	}
	for _, c := range bodyOnly {
		t.Run("body "+c.name, func(t *testing.T) {
			sub := subRec{Protocol: "sqs", Attributes: map[string]string{"FilterPolicy": c.policy, "FilterPolicyScope": "MessageBody"}}
			if got := sub.matches(&message{body: body}); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	// A body that is not JSON matches no body policy.
	sub := subRec{Attributes: map[string]string{"FilterPolicy": `{"a":[{"exists":false}]}`, "FilterPolicyScope": "MessageBody"}}
	if sub.matches(&message{body: "plain text"}) {
		t.Error("plain text matched a body policy")
	}
	invalid := []string{`[]`, `{"a":"b"}`, `{"a":[{"wat":1}]}`, `{"a":[{"numeric":[">"]}]}`, `{"a":[{"numeric":["!",1]}]}`, `{"$or":[{"a":["b"]}]}`, `{"a":[{"exists":"yes"}]}`, `{"a":[{"prefix":1}]}`}
	for _, p := range invalid {
		if _, err := parseFilterPolicy(p); err == nil {
			t.Errorf("%s: accepted", p)
		}
	}
}
