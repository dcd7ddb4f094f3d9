package cloudwatch

import (
	"fmt"
	"strings"
)

// ruleNode is a parsed composite alarm rule: AND/OR/NOT of TRUE, FALSE and
// ALARM(name), OK(name), INSUFFICIENT_DATA(name).
type ruleNode struct {
	op    string // "AND", "OR", "NOT", "STATE", "CONST"
	kids  []*ruleNode
	state string // STATE: the state the named alarm must be in
	name  string // STATE: the alarm
	val   bool   // CONST
}

// parseRule parses an AlarmRule.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
func parseRule(src string) (*ruleNode, error) {
	p := &ruleParser{toks: tokenizeRule(src)}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return n, nil
}

// tokenizeRule splits a rule into parentheses, quoted names and words.
func tokenizeRule(src string) []string {
	var toks []string
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(src[i+1:], '"')
			if j < 0 {
				toks = append(toks, src[i:])
				return toks
			}
			toks = append(toks, src[i:i+j+2])
			i += j + 2
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t\n\r(),\"", rune(src[j])) {
				j++
			}
			toks = append(toks, src[i:j])
			i = j
		}
	}
	return toks
}

type ruleParser struct {
	toks []string
	i    int
}

func (p *ruleParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *ruleParser) or() (*ruleNode, error) {
	l, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "OR") {
		p.i++
		var r *ruleNode
		if r, err = p.and(); err == nil {
			l = &ruleNode{op: "OR", kids: []*ruleNode{l, r}}
		}
	}
	return l, err
}

func (p *ruleParser) and() (*ruleNode, error) {
	l, err := p.not()
	for err == nil && strings.EqualFold(p.peek(), "AND") {
		p.i++
		var r *ruleNode
		if r, err = p.not(); err == nil {
			l = &ruleNode{op: "AND", kids: []*ruleNode{l, r}}
		}
	}
	return l, err
}

func (p *ruleParser) not() (*ruleNode, error) {
	if strings.EqualFold(p.peek(), "NOT") {
		p.i++
		n, err := p.not()
		return &ruleNode{op: "NOT", kids: []*ruleNode{n}}, err
	}
	return p.atom()
}

func (p *ruleParser) atom() (*ruleNode, error) {
	t := p.peek()
	p.i++
	switch up := strings.ToUpper(t); up {
	case "":
		return nil, fmt.Errorf("unexpected end of rule")
	case "(":
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing ')'")
		}
		p.i++
		return n, nil
	case "TRUE", "FALSE":
		return &ruleNode{op: "CONST", val: up == "TRUE"}, nil
	case "ALARM", "OK", "INSUFFICIENT_DATA":
		if p.peek() != "(" {
			return nil, fmt.Errorf("expected '(' after %s", t)
		}
		p.i++
		name := strings.Trim(p.peek(), `"`)
		p.i++
		if p.peek() != ")" || name == "" {
			return nil, fmt.Errorf("expected an alarm name and ')' after %s(", t)
		}
		p.i++
		// An alarm may be named by its ARN.
		if i := strings.Index(name, ":alarm:"); strings.HasPrefix(name, "arn:") && i >= 0 {
			name = name[i+len(":alarm:"):]
		}
		return &ruleNode{op: "STATE", state: up, name: name}, nil
	}
	return nil, fmt.Errorf("unexpected %q", t)
}

// children lists the alarms the rule names, in order, once each.
func (n *ruleNode) children() []string {
	var out []string
	var walk func(*ruleNode)
	walk = func(n *ruleNode) {
		if n.op == "STATE" && !contains(out, n.name) {
			out = append(out, n.name)
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

// eval computes the rule given each alarm's state.
func (n *ruleNode) eval(stateOf func(name string) string) bool {
	switch n.op {
	case "AND":
		return n.kids[0].eval(stateOf) && n.kids[1].eval(stateOf)
	case "OR":
		return n.kids[0].eval(stateOf) || n.kids[1].eval(stateOf)
	case "NOT":
		return !n.kids[0].eval(stateOf)
	case "CONST":
		return n.val
	}
	return stateOf(n.name) == n.state
}
