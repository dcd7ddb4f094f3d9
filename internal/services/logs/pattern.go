package logs

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// compilePattern compiles a filter pattern into a matcher. It understands:
//
//   - the empty pattern: every event;
//   - terms: ERROR "exact phrase" (all must appear), -term (must not appear),
//     ?a ?b (any of them); matching is case-sensitive, as AWS's;
//   - %regex%;
//   - JSON patterns: { $.field = "value" && $.n > 3 || $.x != * }, with
//     = != > < >= <=, IS NULL, NOT EXISTS, IS TRUE, IS FALSE, and * wildcards
//     in string values;
//   - space-delimited patterns ([ip, user, ...]) are accepted and match every
//     event: haneul does not evaluate their field conditions yet.
//
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
func compilePattern(p string) (func(string) bool, error) {
	p = strings.TrimSpace(p)
	switch {
	case p == "":
		return func(string) bool { return true }, nil
	case strings.HasPrefix(p, "{"):
		if !strings.HasSuffix(p, "}") {
			return nil, fmt.Errorf("missing '}'")
		}
		return compileJSON(strings.TrimSpace(p[1 : len(p)-1]))
	case strings.HasPrefix(p, "["):
		if !strings.HasSuffix(p, "]") {
			return nil, fmt.Errorf("missing ']'")
		}
		return func(string) bool { return true }, nil
	case len(p) > 1 && strings.HasPrefix(p, "%") && strings.HasSuffix(p, "%"):
		re, err := regexp.Compile(p[1 : len(p)-1])
		if err != nil {
			return nil, err
		}
		return re.MatchString, nil
	}
	return compileTerms(p)
}

// compileTerms compiles a term pattern.
func compileTerms(p string) (func(string) bool, error) {
	var all, none, any []string
	for i := 0; i < len(p); {
		for i < len(p) && p[i] == ' ' {
			i++
		}
		if i >= len(p) {
			break
		}
		kind := byte(0)
		if p[i] == '-' || p[i] == '?' {
			kind = p[i]
			i++
		}
		var term string
		if i < len(p) && p[i] == '"' {
			j := strings.IndexByte(p[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quoted term")
			}
			term = p[i+1 : i+1+j]
			i += j + 2
		} else {
			j := strings.IndexByte(p[i:], ' ')
			if j < 0 {
				j = len(p) - i
			}
			term = p[i : i+j]
			i += j
		}
		switch kind {
		case '-':
			none = append(none, term)
		case '?':
			any = append(any, term)
		default:
			all = append(all, term)
		}
	}
	return func(msg string) bool {
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		if len(any) == 0 {
			return true
		}
		for _, t := range any {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}, nil
}

// jsonCond is one comparison of a JSON pattern.
type jsonCond struct {
	path []string
	op   string
	val  string
	num  *float64
	glob *regexp.Regexp // val with * wildcards
}

var condRE = regexp.MustCompile(`^\$((?:\.[^\s=!<>.\[]+|\[\d+\])*)\s*(=|!=|>=|<=|>|<|IS NULL|NOT EXISTS|IS TRUE|IS FALSE)\s*(.*)$`)

// compileJSON compiles the inside of { … }: conditions joined by && and
// ||, && binding tighter; one level of parentheses around the whole.
func compileJSON(body string) (func(string) bool, error) {
	body = strings.TrimSpace(body)
	for strings.HasPrefix(body, "(") && strings.HasSuffix(body, ")") {
		body = strings.TrimSpace(body[1 : len(body)-1])
	}
	var ors [][]jsonCond
	for _, alt := range strings.Split(body, "||") {
		var ands []jsonCond
		for _, c := range strings.Split(alt, "&&") {
			c = strings.Trim(strings.TrimSpace(c), "()")
			m := condRE.FindStringSubmatch(strings.TrimSpace(c))
			if m == nil {
				return nil, fmt.Errorf("cannot parse condition %q", c)
			}
			cond := jsonCond{op: m[2], val: strings.TrimSpace(m[3])}
			for _, part := range regexp.MustCompile(`\.[^.\[]+|\[\d+\]`).FindAllString(m[1], -1) {
				cond.path = append(cond.path, strings.Trim(part, ".[]"))
			}
			if strings.HasPrefix(cond.val, `"`) && strings.HasSuffix(cond.val, `"`) && len(cond.val) >= 2 {
				cond.val = cond.val[1 : len(cond.val)-1]
			} else if f, err := strconv.ParseFloat(cond.val, 64); err == nil {
				cond.num = &f
			}
			cond.glob = regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(cond.val), `\*`, ".*") + "$")
			switch cond.op {
			case ">", "<", ">=", "<=":
				if cond.num == nil {
					return nil, fmt.Errorf("%s needs a number", cond.op)
				}
			}
			ands = append(ands, cond)
		}
		ors = append(ors, ands)
	}
	return func(msg string) bool {
		var doc any
		if json.Unmarshal([]byte(msg), &doc) != nil {
			return false
		}
		for _, ands := range ors {
			ok := true
			for _, c := range ands {
				if !c.eval(doc) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	}, nil
}

func (c jsonCond) eval(doc any) bool {
	v, found := doc, true
	for _, p := range c.path {
		switch x := v.(type) {
		case map[string]any:
			v, found = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				found = false
			} else {
				v = x[i]
			}
		default:
			found = false
		}
		if !found {
			break
		}
	}
	switch c.op {
	case "NOT EXISTS":
		return !found
	case "IS NULL":
		return found && v == nil
	case "IS TRUE":
		return v == true
	case "IS FALSE":
		return v == false
	}
	if !found {
		return false
	}
	switch x := v.(type) {
	case float64:
		if c.num == nil {
			return c.op == "!="
		}
		switch c.op {
		case "=":
			return x == *c.num
		case "!=":
			return x != *c.num
		case ">":
			return x > *c.num
		case "<":
			return x < *c.num
		case ">=":
			return x >= *c.num
		case "<=":
			return x <= *c.num
		}
	case string:
		eq := c.glob.MatchString(x)
		switch c.op {
		case "=":
			return eq
		case "!=":
			return !eq
		}
	case bool:
		switch c.op {
		case "=":
			return strconv.FormatBool(x) == c.val
		case "!=":
			return strconv.FormatBool(x) != c.val
		}
	}
	return false
}
