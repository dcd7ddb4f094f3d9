package sns

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// A filter policy is parsed once into a tree of any (encoding/json values,
// numbers as json.Number) and evaluated per subscription per message.
//
// AWS: a message matches when every property named in the policy matches
// (AND), a property matching when any of its conditions does (OR); "$or"
// takes a list of policies of which one must match. In MessageBody scope
// policies nest like the JSON body; in MessageAttributes scope they are flat.
// https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html

// parseFilterPolicy parses and checks a filter policy.
func parseFilterPolicy(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var p map[string]any
	if err := dec.Decode(&p); err != nil || p == nil {
		return nil, errors.New("failed to parse JSON.")
	}
	return p, checkPolicy(p)
}

func checkPolicy(p map[string]any) error {
	for k, v := range p {
		if k == "$or" {
			alts, ok := v.([]any)
			if !ok || len(alts) < 2 {
				return errors.New("$or must be a list of at least two policies")
			}
			for _, a := range alts {
				m, ok := a.(map[string]any)
				if !ok {
					return errors.New("$or must be a list of objects")
				}
				if err := checkPolicy(m); err != nil {
					return err
				}
			}
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			if err := checkPolicy(v); err != nil {
				return err
			}
		case []any:
			for _, c := range v {
				if err := checkCondition(c); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("\"%s\" must be an object or an array", k)
		}
	}
	return nil
}

func checkCondition(c any) error {
	m, ok := c.(map[string]any)
	if !ok {
		return nil // a literal: string, number, boolean or null
	}
	if len(m) != 1 {
		return errors.New("Match value must be String, number, true, false, or null")
	}
	for op, arg := range m {
		switch op {
		case "prefix", "suffix", "equals-ignore-case":
			if _, ok := arg.(string); !ok {
				return fmt.Errorf("%s match pattern must be a string", op)
			}
		case "exists":
			if _, ok := arg.(bool); !ok {
				return errors.New("exists match pattern must be either true or false.")
			}
		case "anything-but":
			if inner, ok := arg.(map[string]any); ok {
				return checkCondition(inner)
			}
		case "numeric":
			if _, err := parseNumeric(arg); err != nil {
				return err
			}
		case "cidr":
			s, _ := arg.(string)
			if _, err := netip.ParsePrefix(s); err != nil {
				return errors.New("Malformed CIDR, one '/' required")
			}
		default:
			return fmt.Errorf("Unrecognized match type %s", op)
		}
	}
	return nil
}

// numericRange is a numeric condition: pairs of an operator and a bound.
type numericRange []struct {
	op string
	v  float64
}

func parseNumeric(arg any) (numericRange, error) {
	list, ok := arg.([]any)
	if !ok || len(list) == 0 || len(list)%2 != 0 || len(list) > 4 {
		return nil, errors.New("Value of numeric must be an array.")
	}
	var r numericRange
	for i := 0; i < len(list); i += 2 {
		op, _ := list[i].(string)
		n, ok := list[i+1].(json.Number)
		if !ok {
			return nil, errors.New("Value of numeric must be numeric")
		}
		f, err := n.Float64()
		if err != nil {
			return nil, errors.New("Value of numeric must be numeric")
		}
		switch op {
		case "=", "<", "<=", ">", ">=":
		default:
			return nil, fmt.Errorf("Unrecognized numeric range operator: %s", op)
		}
		r = append(r, struct {
			op string
			v  float64
		}{op, f})
	}
	return r, nil
}

func (r numericRange) match(x float64) bool {
	for _, c := range r {
		var ok bool
		switch c.op {
		case "=":
			ok = x == c.v
		case "<":
			ok = x < c.v
		case "<=":
			ok = x <= c.v
		case ">":
			ok = x > c.v
		case ">=":
			ok = x >= c.v
		}
		if !ok {
			return false
		}
	}
	return true
}

// value is one message value a condition is checked against: a string or a
// number (from a String/Number attribute or a JSON body), a boolean or null.
type value struct {
	kind byte // 's' string, 'n' number, 'b' bool, 'z' null
	s    string
	n    float64
	b    bool
}

// attrValues turns one message attribute into the values conditions see.
// AWS: String.Array attributes match when any element does; Binary ones never match.
func attrValues(a msgAttr) []value {
	switch {
	case strings.HasPrefix(a.Type, "Number"):
		f, err := strconv.ParseFloat(a.Value, 64)
		if err != nil {
			return nil
		}
		return []value{{kind: 'n', n: f, s: a.Value}}
	case a.Type == "String.Array":
		var arr []any
		dec := json.NewDecoder(strings.NewReader(a.Value))
		dec.UseNumber()
		if dec.Decode(&arr) != nil {
			return nil
		}
		var vs []value
		for _, e := range arr {
			vs = append(vs, jsonValues(e)...)
		}
		return vs
	case strings.HasPrefix(a.Type, "String"):
		return []value{{kind: 's', s: a.Value}}
	}
	return nil
}

// jsonValues turns a JSON body value (a leaf or an array of leaves) into values.
func jsonValues(v any) []value {
	switch v := v.(type) {
	case string:
		return []value{{kind: 's', s: v}}
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return nil
		}
		return []value{{kind: 'n', n: f, s: v.String()}}
	case bool:
		return []value{{kind: 'b', b: v}}
	case nil:
		return []value{{kind: 'z'}}
	case []any:
		var vs []value
		for _, e := range v {
			vs = append(vs, jsonValues(e)...)
		}
		return vs
	}
	return nil
}

// matchAttributes evaluates a policy against message attributes.
func matchAttributes(p map[string]any, attrs map[string]msgAttr) bool {
	for k, cond := range p {
		if k == "$or" {
			if !matchAny(cond, func(sub map[string]any) bool { return matchAttributes(sub, attrs) }) {
				return false
			}
			continue
		}
		conds, _ := cond.([]any)
		a, present := attrs[k]
		if !matchConditions(conds, present, attrValues(a)) {
			return false
		}
	}
	return true
}

// matchBody evaluates a policy against a JSON message body.
func matchBody(p map[string]any, body map[string]any) bool {
	for k, cond := range p {
		if k == "$or" {
			if !matchAny(cond, func(sub map[string]any) bool { return matchBody(sub, body) }) {
				return false
			}
			continue
		}
		v, present := body[k]
		switch cond := cond.(type) {
		case map[string]any:
			// A nested policy: the body property is an object, or a list of
			// objects one of which must match.
			switch v := v.(type) {
			case map[string]any:
				if !matchBody(cond, v) {
					return false
				}
			case []any:
				ok := false
				for _, e := range v {
					if m, isObj := e.(map[string]any); isObj && matchBody(cond, m) {
						ok = true
						break
					}
				}
				if !ok {
					return false
				}
			default:
				if !matchBody(cond, nil) {
					return false
				}
			}
		case []any:
			if _, isObj := v.(map[string]any); isObj {
				return false
			}
			if !matchConditions(cond, present, jsonValues(v)) {
				return false
			}
		}
	}
	return true
}

func matchAny(alts any, f func(map[string]any) bool) bool {
	list, _ := alts.([]any)
	for _, a := range list {
		if m, ok := a.(map[string]any); ok && f(m) {
			return true
		}
	}
	return false
}

// matchConditions reports whether any condition matches the property.
func matchConditions(conds []any, present bool, vs []value) bool {
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok {
			if e, ok := m["exists"].(bool); ok {
				if e == present {
					return true
				}
				continue
			}
		}
		if !present {
			continue
		}
		for _, v := range vs {
			if matchCondition(c, v) {
				return true
			}
		}
	}
	return false
}

func matchCondition(c any, v value) bool {
	switch c := c.(type) {
	case string:
		return v.kind == 's' && v.s == c
	case json.Number:
		f, err := c.Float64()
		return err == nil && v.kind == 'n' && v.n == f
	case bool:
		return v.kind == 'b' && v.b == c
	case nil:
		return v.kind == 'z'
	case map[string]any:
		for op, arg := range c {
			switch op {
			case "prefix":
				s, _ := arg.(string)
				return v.kind == 's' && strings.HasPrefix(v.s, s)
			case "suffix":
				s, _ := arg.(string)
				return v.kind == 's' && strings.HasSuffix(v.s, s)
			case "equals-ignore-case":
				s, _ := arg.(string)
				return v.kind == 's' && strings.EqualFold(v.s, s)
			case "numeric":
				r, err := parseNumeric(arg)
				return err == nil && v.kind == 'n' && !math.IsNaN(v.n) && r.match(v.n)
			case "cidr":
				s, _ := arg.(string)
				pfx, err1 := netip.ParsePrefix(s)
				addr, err2 := netip.ParseAddr(v.s)
				return err1 == nil && err2 == nil && v.kind == 's' && pfx.Contains(addr)
			case "anything-but":
				switch arg := arg.(type) {
				case []any:
					for _, a := range arg {
						if matchCondition(a, v) {
							return false
						}
					}
					return true
				case map[string]any:
					return !matchCondition(arg, v)
				default:
					return !matchCondition(arg, v)
				}
			}
		}
	}
	return false
}
