package dynamodb

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"haneul/internal/ptr"
)

// PartiQL, the SQL-compatible language of ExecuteStatement: haneul parses
// the statements DynamoDB accepts (SELECT, INSERT, UPDATE, DELETE) and
// runs each as the API call it stands for, so a statement and its API
// twin behave alike: a SELECT whose WHERE fixes the partition key is a
// Query, any other SELECT a Scan; INSERT is a conditional PutItem, UPDATE a
// conditional UpdateItem, DELETE a DeleteItem. Conditions are rendered as
// DynamoDB expressions with placeholder names and values.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html

// pqStatement is a parsed statement.
type pqStatement struct {
	kind      string // SELECT, INSERT, UPDATE, DELETE
	table     string
	index     string   // SELECT … FROM "table"."index"
	project   []pqPath // SELECT's columns; nil for *
	where     pqExpr   // nil when there is none
	orderDesc bool     // ORDER BY <key> DESC
	item      pqExpr   // INSERT's VALUE
	sets      []pqSet  // UPDATE's SET
	removes   []pqPath // UPDATE's REMOVE
	returning string   // RETURNING ALL OLD * / ALL NEW * / MODIFIED OLD * / MODIFIED NEW *
	params    int      // how many ? the statement has
	paramVals []AttributeValue
}

type pqSet struct {
	path  pqPath
	value pqExpr
}

// pqExpr is a node of a PartiQL expression.
type pqExpr interface{}

type (
	pqPath   []pathElem                 // a.b[0].c
	pqValue  struct{ v AttributeValue } // a literal or a parameter
	pqBinary struct {
		op   string
		l, r pqExpr
	} // = <> < <= > >= AND OR + -
	pqNot     struct{ x pqExpr }         // NOT x
	pqBetween struct{ x, lo, hi pqExpr } // x BETWEEN lo AND hi
	pqIn      struct {
		x    pqExpr
		list []pqExpr
	} // x IN [a, b]
	pqFunc struct {
		name string
		args []pqExpr
	} // begins_with(a, 'x'), …
	pqIs struct { // x IS [NOT] MISSING|NULL
		x    pqExpr
		not  bool
		what string
	}
)

// pqTok is a lexical token.
type pqTok struct {
	kind byte // 'i' identifier, 'q' quoted identifier, 's' string, 'n' number, 'p' punctuation, 0 end
	text string
	pos  int
}

// malformed is the error AWS gives for a statement it cannot parse.
func malformed(format string, args ...any) error {
	return validation("Statement wasn't well formed, can't be processed: %s", fmt.Sprintf(format, args...))
}

func pqLex(src string) ([]pqTok, error) {
	var toks []pqTok
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'' || c == '"':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(src) {
					return nil, malformed("unterminated quoted text at %d", i)
				}
				if src[j] == c {
					if j+1 < len(src) && src[j+1] == c { // '' is a quote inside
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			kind := byte('s')
			if c == '"' {
				kind = 'q'
			}
			toks = append(toks, pqTok{kind, b.String(), i})
			i = j + 1
		case c >= '0' && c <= '9' || (c == '-' || c == '.') && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9' && pqNumberMayStart(toks):
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E' ||
				(src[j] == '-' || src[j] == '+') && (src[j-1] == 'e' || src[j-1] == 'E')) {
				j++
			}
			toks = append(toks, pqTok{'n', src[i:j], i})
			i = j
		case c == '_' || unicode.IsLetter(rune(c)):
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] >= '0' && src[j] <= '9' || unicode.IsLetter(rune(src[j]))) {
				j++
			}
			toks = append(toks, pqTok{'i', src[i:j], i})
			i = j
		default:
			for _, op := range []string{"<<", ">>", "<=", ">=", "<>", "!=", "=", "<", ">", ",", ".", "[", "]", "{", "}", "(", ")", ":", "?", "*", "+", "-"} {
				if strings.HasPrefix(src[i:], op) {
					toks = append(toks, pqTok{'p', op, i})
					i += len(op)
					goto next
				}
			}
			return nil, malformed("unexpected character %q at %d", c, i)
		next:
		}
	}
	return append(toks, pqTok{pos: len(src)}), nil
}

// pqNumberMayStart reports whether a '-' or '.' here begins a number, not
// an operator or a path step: after an operand it is arithmetic.
func pqNumberMayStart(toks []pqTok) bool {
	if len(toks) == 0 {
		return true
	}
	t := toks[len(toks)-1]
	switch t.kind {
	case 'i', 'q', 's', 'n':
		return false
	}
	return t.text != ")" && t.text != "]" && t.text != "?"
}

type pqParser struct {
	toks   []pqTok
	pos    int
	params []AttributeValue
	used   int
}

func (p *pqParser) peek() pqTok { return p.toks[p.pos] }
func (p *pqParser) next() pqTok {
	t := p.toks[p.pos]
	if t.kind != 0 {
		p.pos++
	}
	return t
}

// is reports whether the next token is keyword or punctuation s (keywords
// are case-insensitive).
func (p *pqParser) is(s string) bool {
	t := p.peek()
	if t.kind == 'p' {
		return t.text == s
	}
	return t.kind == 'i' && strings.EqualFold(t.text, s)
}

func (p *pqParser) accept(s string) bool {
	if p.is(s) {
		p.pos++
		return true
	}
	return false
}

func (p *pqParser) expect(s string) error {
	if !p.accept(s) {
		return p.unexpected("expected " + s)
	}
	return nil
}

func (p *pqParser) unexpected(what string) error {
	t := p.peek()
	if t.kind == 0 {
		return malformed("unexpected end of statement, %s", what)
	}
	return malformed("unexpected token %q at %d, %s", t.text, t.pos, what)
}

// parsePartiQL parses one statement with its parameters.
func parsePartiQL(src string, params []AttributeValue) (*pqStatement, error) {
	toks, err := pqLex(src)
	if err != nil {
		return nil, err
	}
	p := &pqParser{toks: toks, params: params}
	st := &pqStatement{}
	switch {
	case p.accept("SELECT"):
		err = p.selectStmt(st)
	case p.accept("INSERT"):
		err = p.insertStmt(st)
	case p.accept("UPDATE"):
		err = p.updateStmt(st)
	case p.accept("DELETE"):
		err = p.deleteStmt(st)
	default:
		err = p.unexpected("expected SELECT, INSERT, UPDATE or DELETE")
	}
	if err != nil {
		return nil, err
	}
	if p.peek().kind != 0 {
		return nil, p.unexpected("expected the end of the statement")
	}
	// AWS: the parameters must match the statement's placeholders one for one.
	if p.used != len(params) {
		return nil, validation("Number of parameters in request and statement don't match.")
	}
	st.params = p.used
	return st, nil
}

func (p *pqParser) tableName() (string, error) {
	t := p.next()
	if t.kind != 'i' && t.kind != 'q' {
		p.pos--
		return "", p.unexpected("expected a table name")
	}
	return t.text, nil
}

func (p *pqParser) selectStmt(st *pqStatement) error {
	st.kind = "SELECT"
	if !p.accept("*") {
		for {
			path, err := p.path()
			if err != nil {
				return err
			}
			st.project = append(st.project, path)
			if !p.accept(",") {
				break
			}
		}
	}
	if err := p.expect("FROM"); err != nil {
		return err
	}
	var err error
	if st.table, err = p.tableName(); err != nil {
		return err
	}
	if p.accept(".") {
		if st.index, err = p.tableName(); err != nil {
			return err
		}
	}
	if p.accept("WHERE") {
		if st.where, err = p.or(); err != nil {
			return err
		}
	}
	if p.accept("ORDER") {
		if err := p.expect("BY"); err != nil {
			return err
		}
		if _, err := p.path(); err != nil {
			return err
		}
		if p.accept("DESC") {
			st.orderDesc = true
		} else {
			p.accept("ASC")
		}
	}
	return nil
}

func (p *pqParser) insertStmt(st *pqStatement) error {
	st.kind = "INSERT"
	if err := p.expect("INTO"); err != nil {
		return err
	}
	var err error
	if st.table, err = p.tableName(); err != nil {
		return err
	}
	if err := p.expect("VALUE"); err != nil {
		return err
	}
	st.item, err = p.operand()
	return err
}

func (p *pqParser) updateStmt(st *pqStatement) error {
	st.kind = "UPDATE"
	var err error
	if st.table, err = p.tableName(); err != nil {
		return err
	}
	for {
		switch {
		case p.accept("SET"):
			path, err := p.path()
			if err != nil {
				return err
			}
			if err := p.expect("="); err != nil {
				return err
			}
			v, err := p.additive()
			if err != nil {
				return err
			}
			st.sets = append(st.sets, pqSet{path, v})
		case p.accept("REMOVE"):
			path, err := p.path()
			if err != nil {
				return err
			}
			st.removes = append(st.removes, path)
		default:
			if len(st.sets)+len(st.removes) == 0 {
				return p.unexpected("expected SET or REMOVE")
			}
			if err := p.expect("WHERE"); err != nil {
				return err
			}
			if st.where, err = p.or(); err != nil {
				return err
			}
			return p.returning(st)
		}
		p.accept(",")
	}
}

func (p *pqParser) deleteStmt(st *pqStatement) error {
	st.kind = "DELETE"
	if err := p.expect("FROM"); err != nil {
		return err
	}
	var err error
	if st.table, err = p.tableName(); err != nil {
		return err
	}
	if err := p.expect("WHERE"); err != nil {
		return err
	}
	if st.where, err = p.or(); err != nil {
		return err
	}
	return p.returning(st)
}

// returning parses RETURNING ALL|MODIFIED OLD|NEW *.
func (p *pqParser) returning(st *pqStatement) error {
	if !p.accept("RETURNING") {
		return nil
	}
	which := ""
	switch {
	case p.accept("ALL"):
		which = "ALL_"
	case p.accept("MODIFIED"):
		which = "UPDATED_"
	default:
		return p.unexpected("expected ALL or MODIFIED")
	}
	switch {
	case p.accept("OLD"):
		which += "OLD"
	case p.accept("NEW"):
		which += "NEW"
	default:
		return p.unexpected("expected OLD or NEW")
	}
	if err := p.expect("*"); err != nil {
		return err
	}
	st.returning = which
	return nil
}

func (p *pqParser) or() (pqExpr, error) {
	l, err := p.and()
	for err == nil && p.accept("OR") {
		var r pqExpr
		if r, err = p.and(); err == nil {
			l = &pqBinary{"OR", l, r}
		}
	}
	return l, err
}

func (p *pqParser) and() (pqExpr, error) {
	l, err := p.not()
	for err == nil && p.accept("AND") {
		var r pqExpr
		if r, err = p.not(); err == nil {
			l = &pqBinary{"AND", l, r}
		}
	}
	return l, err
}

func (p *pqParser) not() (pqExpr, error) {
	if p.accept("NOT") {
		x, err := p.not()
		return &pqNot{x}, err
	}
	return p.predicate()
}

func (p *pqParser) predicate() (pqExpr, error) {
	if p.is("(") {
		save := p.pos
		p.pos++
		x, err := p.or()
		if err == nil && p.accept(")") {
			return x, nil
		}
		p.pos = save // not a parenthesised condition: an operand
	}
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"=", "<>", "!=", "<=", ">=", "<", ">"} {
		if p.accept(op) {
			r, err := p.additive()
			if op == "!=" {
				op = "<>"
			}
			return &pqBinary{op, l, r}, err
		}
	}
	switch {
	case p.accept("BETWEEN"):
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if err := p.expect("AND"); err != nil {
			return nil, err
		}
		hi, err := p.additive()
		return &pqBetween{l, lo, hi}, err
	case p.accept("IN"):
		closing := "]"
		if !p.accept("[") {
			if err := p.expect("("); err != nil {
				return nil, err
			}
			closing = ")"
		}
		in := &pqIn{x: l}
		for !p.accept(closing) {
			v, err := p.additive()
			if err != nil {
				return nil, err
			}
			in.list = append(in.list, v)
			if !p.accept(",") {
				if err := p.expect(closing); err != nil {
					return nil, err
				}
				break
			}
		}
		return in, nil
	case p.accept("IS"):
		is := &pqIs{x: l, not: p.accept("NOT")}
		switch {
		case p.accept("MISSING"):
			is.what = "MISSING"
		case p.accept("NULL"):
			is.what = "NULL"
		default:
			return nil, p.unexpected("expected MISSING or NULL")
		}
		return is, nil
	}
	if _, ok := l.(*pqFunc); ok {
		return l, nil // begins_with(…), contains(…), attribute_exists(…)
	}
	return nil, p.unexpected("expected a comparison")
}

func (p *pqParser) additive() (pqExpr, error) {
	l, err := p.operand()
	for err == nil && (p.is("+") || p.is("-")) {
		op := p.next().text
		var r pqExpr
		if r, err = p.operand(); err == nil {
			l = &pqBinary{op, l, r}
		}
	}
	return l, err
}

// operand is a literal, a parameter, a path or a function call.
func (p *pqParser) operand() (pqExpr, error) {
	t := p.peek()
	switch {
	case t.kind == 's':
		p.pos++
		return &pqValue{AttributeValue{S: ptr.To(t.text)}}, nil
	case t.kind == 'n':
		p.pos++
		if _, err := strconv.ParseFloat(t.text, 64); err != nil {
			return nil, malformed("bad number %q", t.text)
		}
		return &pqValue{AttributeValue{N: ptr.To(t.text)}}, nil
	case p.accept("?"):
		if p.used >= len(p.params) {
			p.used++
			return &pqValue{AttributeValue{NULL: ptr.To(true)}}, nil // counted; reported as a mismatch
		}
		v := p.params[p.used]
		p.used++
		return &pqValue{v}, nil
	case p.accept("TRUE"):
		return &pqValue{AttributeValue{BOOL: ptr.To(true)}}, nil
	case p.accept("FALSE"):
		return &pqValue{AttributeValue{BOOL: ptr.To(false)}}, nil
	case p.accept("NULL"):
		return &pqValue{AttributeValue{NULL: ptr.To(true)}}, nil
	case p.is("["):
		p.pos++
		var l []AttributeValue
		for !p.accept("]") {
			v, err := p.constant()
			if err != nil {
				return nil, err
			}
			l = append(l, v)
			if !p.accept(",") {
				if err := p.expect("]"); err != nil {
					return nil, err
				}
				break
			}
		}
		return &pqValue{AttributeValue{L: orEmptyList(l)}}, nil
	case p.is("{"):
		p.pos++
		m := map[string]AttributeValue{}
		for !p.accept("}") {
			k := p.next()
			if k.kind != 's' && k.kind != 'q' && k.kind != 'i' {
				p.pos--
				return nil, p.unexpected("expected an attribute name")
			}
			if err := p.expect(":"); err != nil {
				return nil, err
			}
			v, err := p.constant()
			if err != nil {
				return nil, err
			}
			m[k.text] = v
			if !p.accept(",") {
				if err := p.expect("}"); err != nil {
					return nil, err
				}
				break
			}
		}
		return &pqValue{AttributeValue{M: m}}, nil
	case p.is("<<"):
		p.pos++
		var vs []AttributeValue
		for !p.accept(">>") {
			v, err := p.constant()
			if err != nil {
				return nil, err
			}
			vs = append(vs, v)
			if !p.accept(",") {
				if err := p.expect(">>"); err != nil {
					return nil, err
				}
				break
			}
		}
		return pqSetValue(vs)
	case t.kind == 'i' && p.toks[p.pos+1].text == "(" && p.toks[p.pos+1].kind == 'p':
		p.pos += 2
		f := &pqFunc{name: strings.ToLower(t.text)}
		for !p.accept(")") {
			a, err := p.additive()
			if err != nil {
				return nil, err
			}
			f.args = append(f.args, a)
			if !p.accept(",") {
				if err := p.expect(")"); err != nil {
					return nil, err
				}
				break
			}
		}
		return f, nil
	case t.kind == 'i' || t.kind == 'q':
		return p.path()
	}
	return nil, p.unexpected("expected a value or an attribute")
}

// constant is an operand that must be a value (inside a list, map or set).
func (p *pqParser) constant() (AttributeValue, error) {
	x, err := p.operand()
	if err != nil {
		return AttributeValue{}, err
	}
	v, ok := x.(*pqValue)
	if !ok {
		return AttributeValue{}, malformed("a collection may hold only values")
	}
	return v.v, nil
}

func orEmptyList(l []AttributeValue) []AttributeValue {
	if l == nil {
		return []AttributeValue{}
	}
	return l
}

// pqSetValue makes a string, number or binary set of vs.
func pqSetValue(vs []AttributeValue) (pqExpr, error) {
	if len(vs) == 0 {
		return nil, validation("One or more parameter values were invalid: An string set  may not be empty")
	}
	var out AttributeValue
	for _, v := range vs {
		switch {
		case v.S != nil && out.NS == nil && out.BS == nil:
			out.SS = append(out.SS, *v.S)
		case v.N != nil && out.SS == nil && out.BS == nil:
			out.NS = append(out.NS, *v.N)
		case v.B != nil && out.SS == nil && out.NS == nil:
			out.BS = append(out.BS, v.B)
		default:
			return nil, validation("Unsupported type passed: a set holds strings, numbers or binaries of one type")
		}
	}
	return &pqValue{out}, nil
}

// path is a document path: name, name.sub, name[3].
func (p *pqParser) path() (pqPath, error) {
	t := p.next()
	if t.kind != 'i' && t.kind != 'q' {
		p.pos--
		return nil, p.unexpected("expected an attribute name")
	}
	path := pqPath{{name: t.text, index: -1}}
	for {
		switch {
		case p.is(".") && (p.toks[p.pos+1].kind == 'i' || p.toks[p.pos+1].kind == 'q'):
			p.pos++
			path = append(path, pathElem{name: p.next().text, index: -1})
		case p.is("["):
			p.pos++
			n := p.next()
			i, err := strconv.Atoi(n.text)
			if n.kind != 'n' || err != nil || i < 0 {
				if n.kind == 's' { // a['key'] is a map step
					path = append(path, pathElem{name: n.text, index: -1})
				} else {
					return nil, malformed("bad list index %q", n.text)
				}
			} else {
				path = append(path, pathElem{index: i})
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
		default:
			return path, nil
		}
	}
}

// pqRender writes PartiQL expressions as DynamoDB expressions, naming every
// attribute and value through placeholders.
type pqRender struct {
	names  map[string]string
	values map[string]AttributeValue
	byName map[string]string
}

func newPQRender() *pqRender {
	return &pqRender{names: map[string]string{}, values: map[string]AttributeValue{}, byName: map[string]string{}}
}

func (r *pqRender) name(n string) string {
	if ph, ok := r.byName[n]; ok {
		return ph
	}
	ph := "#n" + strconv.Itoa(len(r.byName))
	r.byName[n] = ph
	r.names[ph] = n
	return ph
}

func (r *pqRender) value(v AttributeValue) string {
	ph := ":v" + strconv.Itoa(len(r.values))
	r.values[ph] = v
	return ph
}

func (r *pqRender) path(p pqPath) string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.index >= 0:
			fmt.Fprintf(&b, "[%d]", e.index)
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(r.name(e.name))
		}
	}
	return b.String()
}

// cond renders a condition.
func (r *pqRender) cond(x pqExpr) (string, error) {
	switch x := x.(type) {
	case *pqBinary:
		l, err := r.operandOrCond(x.l, x.op)
		if err != nil {
			return "", err
		}
		rr, err := r.operandOrCond(x.r, x.op)
		if err != nil {
			return "", err
		}
		switch x.op {
		case "AND", "OR":
			return "(" + l + ") " + x.op + " (" + rr + ")", nil
		case "+", "-":
			return "", malformed("arithmetic is allowed only in SET")
		}
		return l + " " + x.op + " " + rr, nil
	case *pqNot:
		c, err := r.cond(x.x)
		return "NOT (" + c + ")", err
	case *pqBetween:
		a, err1 := r.operand(x.x)
		lo, err2 := r.operand(x.lo)
		hi, err3 := r.operand(x.hi)
		return a + " BETWEEN " + lo + " AND " + hi, firstError(err1, err2, err3)
	case *pqIn:
		a, err := r.operand(x.x)
		if err != nil {
			return "", err
		}
		var items []string
		for _, v := range x.list {
			s, err := r.operand(v)
			if err != nil {
				return "", err
			}
			items = append(items, s)
		}
		if len(items) == 0 {
			return "", malformed("IN needs at least one value")
		}
		return a + " IN (" + strings.Join(items, ", ") + ")", nil
	case *pqIs:
		path, ok := x.x.(pqPath)
		if !ok {
			return "", malformed("IS applies to an attribute")
		}
		p := r.path(path)
		switch {
		case x.what == "MISSING" && !x.not:
			return "attribute_not_exists(" + p + ")", nil
		case x.what == "MISSING":
			return "attribute_exists(" + p + ")", nil
		case !x.not:
			return "attribute_type(" + p + ", " + r.value(AttributeValue{S: ptr.To("NULL")}) + ")", nil
		default:
			return "NOT attribute_type(" + p + ", " + r.value(AttributeValue{S: ptr.To("NULL")}) + ")", nil
		}
	case *pqFunc:
		switch x.name {
		case "begins_with", "contains", "attribute_exists", "attribute_not_exists", "attribute_type":
		default:
			return "", malformed("function %s is not a condition", x.name)
		}
		var args []string
		for _, a := range x.args {
			s, err := r.operand(a)
			if err != nil {
				return "", err
			}
			args = append(args, s)
		}
		return x.name + "(" + strings.Join(args, ", ") + ")", nil
	}
	return "", malformed("expected a condition")
}

func (r *pqRender) operandOrCond(x pqExpr, op string) (string, error) {
	if op == "AND" || op == "OR" {
		return r.cond(x)
	}
	return r.operand(x)
}

// operand renders a value, a path, size(path) or arithmetic (in SET).
func (r *pqRender) operand(x pqExpr) (string, error) {
	switch x := x.(type) {
	case *pqValue:
		return r.value(x.v), nil
	case pqPath:
		return r.path(x), nil
	case *pqBinary:
		if x.op != "+" && x.op != "-" {
			return "", malformed("expected a value")
		}
		l, err1 := r.operand(x.l)
		rr, err2 := r.operand(x.r)
		return l + " " + x.op + " " + rr, firstError(err1, err2)
	case *pqFunc:
		switch x.name {
		case "size", "list_append", "if_not_exists":
		default:
			return "", malformed("function %s is not a value", x.name)
		}
		var args []string
		for _, a := range x.args {
			s, err := r.operand(a)
			if err != nil {
				return "", err
			}
			args = append(args, s)
		}
		return x.name + "(" + strings.Join(args, ", ") + ")", nil
	}
	return "", malformed("expected a value")
}

func firstError(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// conjuncts splits a condition into the terms ANDed at its top.
func conjuncts(x pqExpr) []pqExpr {
	if b, ok := x.(*pqBinary); ok && b.op == "AND" {
		return append(conjuncts(b.l), conjuncts(b.r)...)
	}
	if x == nil {
		return nil
	}
	return []pqExpr{x}
}

// andAll joins terms with AND again (nil for none).
func andAll(terms []pqExpr) pqExpr {
	var out pqExpr
	for _, t := range terms {
		if out == nil {
			out = t
		} else {
			out = &pqBinary{"AND", out, t}
		}
	}
	return out
}

// keyEquality reports whether term is "name = value" (either way round)
// for the top-level attribute name, and the value.
func keyEquality(term pqExpr, name string) (AttributeValue, bool) {
	b, ok := term.(*pqBinary)
	if !ok || b.op != "=" {
		return AttributeValue{}, false
	}
	l, r := b.l, b.r
	if _, ok := r.(pqPath); ok {
		l, r = r, l
	}
	p, ok1 := l.(pqPath)
	v, ok2 := r.(*pqValue)
	if !ok1 || !ok2 || len(p) != 1 || p[0].index >= 0 || p[0].name != name {
		return AttributeValue{}, false
	}
	return v.v, true
}

// isSortKeyCondition reports whether term constrains only the sort key in
// a form a KeyConditionExpression takes.
func isSortKeyCondition(term pqExpr, sk string) bool {
	isKey := func(x pqExpr) bool {
		p, ok := x.(pqPath)
		return ok && len(p) == 1 && p[0].index < 0 && p[0].name == sk
	}
	isVal := func(x pqExpr) bool { _, ok := x.(*pqValue); return ok }
	switch t := term.(type) {
	case *pqBinary:
		switch t.op {
		case "=", "<", "<=", ">", ">=":
			return isKey(t.l) && isVal(t.r) || isVal(t.l) && isKey(t.r)
		}
	case *pqBetween:
		return isKey(t.x) && isVal(t.lo) && isVal(t.hi)
	case *pqFunc:
		return t.name == "begins_with" && len(t.args) == 2 && isKey(t.args[0]) && isVal(t.args[1])
	}
	return false
}
