package dynamodb

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// This file is the expression language's lexer and parser: condition, filter
// and key-condition expressions, update expressions and projections.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html

type tokKind int

const (
	tkEOF   tokKind = iota
	tkIdent         // attribute name or keyword or function name
	tkName          // #placeholder
	tkValue         // :placeholder
	tkInt           // list index
	tkOp            // punctuation and comparators
)

type token struct {
	kind       tokKind
	text       string
	start, end int
}

// lex splits an expression into tokens.
func lex(kind, src string) ([]token, error) {
	var toks []token
	i := 0
	isWord := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '#' || c == ':':
			j := i + 1
			for j < len(src) && isWord(src[j]) {
				j++
			}
			k := tkName
			if c == ':' {
				k = tkValue
			}
			if j == i+1 {
				return nil, syntaxErrAt(kind, src, token{kind: tkOp, text: string(c), start: i, end: i + 1}, toks)
			}
			toks = append(toks, token{k, src[i:j], i, j})
			i = j
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token{tkInt, src[i:j], i, j})
			i = j
			continue
		case isWord(c):
			j := i
			for j < len(src) && isWord(src[j]) {
				j++
			}
			toks = append(toks, token{tkIdent, src[i:j], i, j})
			i = j
			continue
		}
		op := ""
		for _, o := range []string{"<>", "<=", ">=", "=", "<", ">", "(", ")", "[", "]", ",", ".", "+", "-"} {
			if strings.HasPrefix(src[i:], o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, validation("Invalid %s: Invalid token: %q", kind, string(src[i]))
		}
		toks = append(toks, token{tkOp, op, i, i + len(op)})
		i += len(op)
	}
	toks = append(toks, token{kind: tkEOF, text: "<EOF>", start: len(src), end: len(src)})
	return toks, nil
}

func syntaxErrAt(kind, src string, bad token, before []token) error {
	from := bad.start
	if len(before) > 0 {
		from = before[len(before)-1].start
	}
	return validation("Invalid %s: Syntax error; token: %q, near: %q", kind, bad.text, src[from:bad.end])
}

// pathElem is one step of a document path: a map key or a list index.
type pathElem struct {
	name  string
	index int // -1 for a name
}

type docPath []pathElem

func (p docPath) String() string {
	parts := make([]string, len(p))
	for i, e := range p {
		if e.index >= 0 {
			parts[i] = "[" + strconv.Itoa(e.index) + "]"
		} else {
			parts[i] = e.name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Operands.
type (
	operand interface{ isOperand() }

	pathOp  struct{ path docPath }
	valueOp struct {
		name string
		v    AttributeValue
	}
	sizeOp        struct{ path docPath }
	ifNotExistsOp struct {
		path docPath
		def  operand
	}
	listAppendOp struct{ a, b operand }
	arithOp      struct {
		op   byte // '+' or '-'
		a, b operand
	}
)

func (*pathOp) isOperand()        {}
func (*valueOp) isOperand()       {}
func (*sizeOp) isOperand()        {}
func (*ifNotExistsOp) isOperand() {}
func (*listAppendOp) isOperand()  {}
func (*arithOp) isOperand()       {}

// Conditions.
type (
	cond interface{ isCond() }

	compareCond struct {
		op   string // = <> < <= > >=
		a, b operand
	}
	betweenCond struct{ x, lo, hi operand }
	inCond      struct {
		x    operand
		list []operand
	}
	andCond  struct{ a, b cond }
	orCond   struct{ a, b cond }
	notCond  struct{ a cond }
	funcCond struct {
		name string // attribute_exists, attribute_not_exists, attribute_type, begins_with, contains
		args []operand
	}
)

func (*compareCond) isCond() {}
func (*betweenCond) isCond() {}
func (*inCond) isCond()      {}
func (*andCond) isCond()     {}
func (*orCond) isCond()      {}
func (*notCond) isCond()     {}
func (*funcCond) isCond()    {}

// exprEnv is the placeholders of one request and which of them its
// expressions used.
type exprEnv struct {
	names     map[string]string
	values    map[string]AttributeValue
	usedNames map[string]bool
	usedVals  map[string]bool
}

// newExprEnv validates a request's ExpressionAttributeNames/Values.
// hasExpr says whether the request has any expression.
func newExprEnv(names map[string]string, values map[string]AttributeValue, hasExpr bool) (*exprEnv, error) {
	if names != nil && len(names) == 0 {
		return nil, validation("ExpressionAttributeNames must not be empty")
	}
	if values != nil && len(values) == 0 {
		return nil, validation("ExpressionAttributeValues must not be empty")
	}
	if !hasExpr && names != nil {
		return nil, validation("ExpressionAttributeNames can only be specified when using expressions")
	}
	if !hasExpr && values != nil {
		return nil, validation("ExpressionAttributeValues can only be specified when using expressions")
	}
	clean := make(map[string]AttributeValue, len(values))
	for k, v := range values {
		c, err := cleanValue(v)
		if err != nil {
			msg := err.Error()
			if i := strings.Index(msg, ": "); i >= 0 {
				msg = msg[i+2:]
			}
			return nil, validation("ExpressionAttributeValues contains invalid value: %s for key %s", msg, k)
		}
		clean[k] = c
	}
	return &exprEnv{names: names, values: clean, usedNames: map[string]bool{}, usedVals: map[string]bool{}}, nil
}

// checkUnused reports placeholders no expression used, as AWS does.
func (e *exprEnv) checkUnused() error {
	var unused []string
	for k := range e.names {
		if !e.usedNames[k] {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", strings.Join(unused, ", "))
	}
	for k := range e.values {
		if !e.usedVals[k] {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", strings.Join(unused, ", "))
	}
	return nil
}

// parser parses one expression of kind ("ConditionExpression", …).
type parser struct {
	kind string
	src  string
	toks []token
	pos  int
	env  *exprEnv
}

func newParser(kind, src string, env *exprEnv) (*parser, error) {
	if strings.TrimSpace(src) == "" {
		return nil, validation("Invalid %s: The expression can not be empty;", kind)
	}
	toks, err := lex(kind, src)
	if err != nil {
		return nil, err
	}
	return &parser{kind: kind, src: src, toks: toks, env: env}, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tkEOF {
		p.pos++
	}
	return t
}

func (p *parser) errf(format string, args ...any) error {
	return validation("Invalid %s: %s", p.kind, fmt.Sprintf(format, args...))
}

// syntaxErr reports the token at the cursor as unexpected.
func (p *parser) syntaxErr() error {
	bad := p.toks[p.pos]
	from := bad.start
	if p.pos > 0 {
		from = p.toks[p.pos-1].start
	}
	to := bad.end
	if bad.kind != tkEOF && p.pos+1 < len(p.toks) {
		to = p.toks[p.pos+1].end
	}
	return validation("Invalid %s: Syntax error; token: %q, near: %q", p.kind, bad.text, p.src[from:to])
}

func (p *parser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tkOp && t.text == s
}

func (p *parser) isKeyword(s string) bool {
	t := p.peek()
	return t.kind == tkIdent && strings.EqualFold(t.text, s)
}

func (p *parser) expectOp(s string) error {
	if !p.isOp(s) {
		return p.syntaxErr()
	}
	p.next()
	return nil
}

func (p *parser) atEnd() error {
	if p.peek().kind != tkEOF {
		return p.syntaxErr()
	}
	return nil
}

// parseCondition parses a whole condition expression.
func parseCondition(kind, src string, env *exprEnv) (cond, error) {
	p, err := newParser(kind, src, env)
	if err != nil {
		return nil, err
	}
	c, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	return c, p.atEnd()
}

func (p *parser) orExpr() (cond, error) {
	a, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("OR") {
		p.next()
		b, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		a = &orCond{a, b}
	}
	return a, nil
}

func (p *parser) andExpr() (cond, error) {
	a, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("AND") {
		p.next()
		b, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		a = &andCond{a, b}
	}
	return a, nil
}

func (p *parser) notExpr() (cond, error) {
	if p.isKeyword("NOT") {
		p.next()
		a, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &notCond{a}, nil
	}
	return p.primary()
}

var condFuncs = map[string]int{ // name → number of arguments
	"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2, "begins_with": 2, "contains": 2,
}

func (p *parser) primary() (cond, error) {
	if p.isOp("(") {
		p.next()
		c, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		return c, nil
	}
	t := p.peek()
	if t.kind == tkIdent && p.toks[p.pos+1].kind == tkOp && p.toks[p.pos+1].text == "(" {
		name := t.text
		if _, ok := condFuncs[name]; ok {
			p.next()
			p.next()
			args, err := p.args()
			if err != nil {
				return nil, err
			}
			return p.condFunc(name, args)
		}
		if name == "size" {
			// size(path) starts a comparison.
		} else if name == "if_not_exists" || name == "list_append" {
			return nil, p.errf("The function is not allowed in a condition expression; function: %s", name)
		} else {
			return nil, p.errf("Invalid function name; function: %s", name)
		}
	}
	a, err := p.operand(false)
	if err != nil {
		return nil, err
	}
	switch {
	case p.peek().kind == tkOp && isComparator(p.peek().text):
		op := p.next().text
		b, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		return &compareCond{op, a, b}, nil
	case p.isKeyword("BETWEEN"):
		p.next()
		lo, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		if !p.isKeyword("AND") {
			return nil, p.syntaxErr()
		}
		p.next()
		hi, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		if l, ok := lo.(*valueOp); ok {
			if h, ok := hi.(*valueOp); ok {
				if c, ok := compareScalars(&l.v, &h.v); ok && c > 0 {
					return nil, p.errf("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", describe(&l.v), describe(&h.v))
				}
			}
		}
		return &betweenCond{a, lo, hi}, nil
	case p.isKeyword("IN"):
		p.next()
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		list, err := p.args()
		if err != nil {
			return nil, err
		}
		if len(list) > 100 {
			return nil, p.errf("The IN operator is provided with too many operands; number of operands: %d", len(list))
		}
		return &inCond{a, list}, nil
	}
	if s, ok := a.(*sizeOp); ok && s != nil {
		return nil, p.errf("The function is not allowed to be used this way in an expression; function: size")
	}
	return nil, p.syntaxErr()
}

func isComparator(s string) bool {
	switch s {
	case "=", "<>", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// args parses operands up to and including the closing parenthesis.
func (p *parser) args() ([]operand, error) {
	var list []operand
	for {
		o, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		list = append(list, o)
		if p.isOp(",") {
			p.next()
			continue
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		return list, nil
	}
}

func (p *parser) condFunc(name string, args []operand) (cond, error) {
	if len(args) != condFuncs[name] {
		return nil, p.errf("Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(args))
	}
	if _, ok := args[0].(*pathOp); !ok {
		return nil, p.errf("Operator or function requires a document path; operator or function: %s", name)
	}
	switch name {
	case "attribute_type":
		if v, ok := args[1].(*valueOp); ok {
			if v.v.S == nil {
				return nil, p.errf("Incorrect operand type for operator or function; operator or function: %s, operand type: %s", name, v.v.typ())
			}
			switch *v.v.S {
			case typeS, typeSS, typeN, typeNS, typeB, typeBS, typeBOOL, typeNULL, typeL, typeM:
			default:
				return nil, p.errf("Invalid attribute type name found; type: %s, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }", *v.v.S)
			}
		}
	case "begins_with":
		if v, ok := args[1].(*valueOp); ok && v.v.S == nil && v.v.B == nil {
			return nil, p.errf("Incorrect operand type for operator or function; operator or function: %s, operand type: %s", name, v.v.typ())
		}
	}
	return &funcCond{name, args}, nil
}

// operand parses a path, a value placeholder, or a function returning a
// value (size in conditions; if_not_exists and list_append in updates).
func (p *parser) operand(update bool) (operand, error) {
	t := p.peek()
	switch t.kind {
	case tkValue:
		p.next()
		v, ok := p.env.values[t.text]
		if !ok {
			return nil, p.errf("An expression attribute value used in expression is not defined; attribute value: %s", t.text)
		}
		p.env.usedVals[t.text] = true
		return &valueOp{t.text, v}, nil
	case tkIdent:
		if p.toks[p.pos+1].kind == tkOp && p.toks[p.pos+1].text == "(" {
			return p.funcOperand(update)
		}
		fallthrough
	case tkName:
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		return &pathOp{path}, nil
	}
	return nil, p.syntaxErr()
}

func (p *parser) funcOperand(update bool) (operand, error) {
	name := p.next().text
	p.next() // (
	args, err := p.argsOf(update)
	if err != nil {
		return nil, err
	}
	nargs := func(n int) error {
		if len(args) != n {
			return p.errf("Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(args))
		}
		return nil
	}
	switch {
	case name == "size" && !update:
		if err := nargs(1); err != nil {
			return nil, err
		}
		path, ok := args[0].(*pathOp)
		if !ok {
			return nil, p.errf("Operator or function requires a document path; operator or function: size")
		}
		return &sizeOp{path.path}, nil
	case name == "if_not_exists" && update:
		if err := nargs(2); err != nil {
			return nil, err
		}
		path, ok := args[0].(*pathOp)
		if !ok {
			return nil, p.errf("Operator or function requires a document path; operator or function: if_not_exists")
		}
		return &ifNotExistsOp{path.path, args[1]}, nil
	case name == "list_append" && update:
		if err := nargs(2); err != nil {
			return nil, err
		}
		for _, a := range args {
			if v, ok := a.(*valueOp); ok && v.v.L == nil {
				return nil, p.errf("Incorrect operand type for operator or function; operator or function: list_append, operand type: %s", v.v.typ())
			}
		}
		return &listAppendOp{args[0], args[1]}, nil
	case update:
		if _, ok := condFuncs[name]; ok || name == "size" {
			return nil, p.errf("The function is not allowed in an update expression; function: %s", name)
		}
	default:
		if _, ok := condFuncs[name]; ok {
			return nil, p.errf("The function is not allowed to be used this way in an expression; function: %s", name)
		}
		if name == "if_not_exists" || name == "list_append" {
			return nil, p.errf("The function is not allowed in a condition expression; function: %s", name)
		}
	}
	return nil, p.errf("Invalid function name; function: %s", name)
}

func (p *parser) argsOf(update bool) ([]operand, error) {
	var list []operand
	for {
		var o operand
		var err error
		if update {
			o, err = p.updateOperand()
		} else {
			o, err = p.operand(false)
		}
		if err != nil {
			return nil, err
		}
		list = append(list, o)
		if p.isOp(",") {
			p.next()
			continue
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		return list, nil
	}
}

// path parses a document path: name ( . name | [ n ] )*.
func (p *parser) path() (docPath, error) {
	var path docPath
	for {
		t := p.peek()
		switch t.kind {
		case tkIdent:
			if reservedWords[strings.ToUpper(t.text)] {
				return nil, p.errf("Attribute name is a reserved keyword; reserved keyword: %s", t.text)
			}
			if t.text[0] >= '0' && t.text[0] <= '9' {
				return nil, p.syntaxErr()
			}
			path = append(path, pathElem{name: t.text, index: -1})
		case tkName:
			name, ok := p.env.names[t.text]
			if !ok {
				return nil, p.errf("An expression attribute name used in the document path is not defined; attribute name: %s", t.text)
			}
			p.env.usedNames[t.text] = true
			path = append(path, pathElem{name: name, index: -1})
		default:
			return nil, p.syntaxErr()
		}
		p.next()
		for p.isOp("[") {
			p.next()
			n := p.peek()
			if n.kind != tkInt {
				return nil, p.syntaxErr()
			}
			p.next()
			i, err := strconv.Atoi(n.text)
			if err != nil {
				return nil, p.errf("List index is not within the allowable range; index: [%s]", n.text)
			}
			if err := p.expectOp("]"); err != nil {
				return nil, err
			}
			path = append(path, pathElem{index: i})
		}
		if !p.isOp(".") {
			return path, nil
		}
		p.next()
	}
}

// Update expressions.

type setAction struct {
	path  docPath
	value operand
}

type pathValue struct {
	path  docPath
	value *valueOp
}

type updateExpr struct {
	set    []setAction
	remove []docPath
	add    []pathValue
	delete []pathValue
}

// paths lists every path the update writes, for overlap checks and UPDATED_* values.
func (u *updateExpr) paths() []docPath {
	var ps []docPath
	for _, a := range u.set {
		ps = append(ps, a.path)
	}
	ps = append(ps, u.remove...)
	for _, a := range u.add {
		ps = append(ps, a.path)
	}
	for _, a := range u.delete {
		ps = append(ps, a.path)
	}
	return ps
}

// parseUpdate parses an UpdateExpression.
func parseUpdate(src string, env *exprEnv) (*updateExpr, error) {
	p, err := newParser("UpdateExpression", src, env)
	if err != nil {
		return nil, err
	}
	u := &updateExpr{}
	seen := map[string]bool{}
	for p.peek().kind != tkEOF {
		t := p.peek()
		if t.kind != tkIdent {
			return nil, p.syntaxErr()
		}
		clause := strings.ToUpper(t.text)
		switch clause {
		case "SET", "REMOVE", "ADD", "DELETE":
		default:
			return nil, p.syntaxErr()
		}
		if seen[clause] {
			return nil, p.errf("The %q section can only be used once in an update expression;", clause)
		}
		seen[clause] = true
		p.next()
		for {
			if err := p.updateAction(u, clause); err != nil {
				return nil, err
			}
			if !p.isOp(",") {
				break
			}
			p.next()
		}
	}
	if err := checkOverlap(p, u.paths()); err != nil {
		return nil, err
	}
	return u, nil
}

func (p *parser) updateAction(u *updateExpr, clause string) error {
	path, err := p.path()
	if err != nil {
		return err
	}
	switch clause {
	case "SET":
		if err := p.expectOp("="); err != nil {
			return err
		}
		v, err := p.setValue()
		if err != nil {
			return err
		}
		u.set = append(u.set, setAction{path, v})
	case "REMOVE":
		u.remove = append(u.remove, path)
	case "ADD", "DELETE":
		if p.peek().kind != tkValue {
			return p.syntaxErr()
		}
		o, err := p.operand(true)
		if err != nil {
			return err
		}
		v := o.(*valueOp)
		typ := v.v.typ()
		if clause == "ADD" && typ != typeN && typ != typeSS && typ != typeNS && typ != typeBS ||
			clause == "DELETE" && typ != typeSS && typ != typeNS && typ != typeBS {
			return p.errf("Incorrect operand type for operator or function; operator: %s, operand type: %s", clause, typeWord(typ))
		}
		if clause == "ADD" {
			u.add = append(u.add, pathValue{path, v})
		} else {
			u.delete = append(u.delete, pathValue{path, v})
		}
	}
	return nil
}

// typeWord names a type as AWS's operand-type messages do.
func typeWord(t string) string {
	switch t {
	case typeS:
		return "STRING"
	case typeN:
		return "NUMBER"
	case typeB:
		return "BINARY"
	case typeBOOL:
		return "BOOLEAN"
	case typeNULL:
		return "NULL"
	case typeL:
		return "LIST"
	case typeM:
		return "MAP"
	}
	return t
}

// setValue parses operand [ (+|-) operand ].
func (p *parser) setValue() (operand, error) {
	a, err := p.updateOperand()
	if err != nil {
		return nil, err
	}
	if p.isOp("+") || p.isOp("-") {
		op := p.next().text[0]
		b, err := p.updateOperand()
		if err != nil {
			return nil, err
		}
		return &arithOp{op, a, b}, nil
	}
	return a, nil
}

func (p *parser) updateOperand() (operand, error) {
	return p.operand(true)
}

// checkOverlap rejects two paths where one is a prefix of the other, as AWS does.
func checkOverlap(p *parser, paths []docPath) error {
	for i := range paths {
		for j := i + 1; j < len(paths); j++ {
			a, b := paths[i], paths[j]
			n := min(len(a), len(b))
			k := 0
			for k < n && a[k] == b[k] {
				k++
			}
			if k == n {
				return p.errf("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", a, b)
			}
			if (a[k].index >= 0) != (b[k].index >= 0) {
				return p.errf("Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", a, b)
			}
		}
	}
	return nil
}

// parseProjection parses a ProjectionExpression: paths separated by commas.
func parseProjection(src string, env *exprEnv) ([]docPath, error) {
	p, err := newParser("ProjectionExpression", src, env)
	if err != nil {
		return nil, err
	}
	var paths []docPath
	for {
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	if err := p.atEnd(); err != nil {
		return nil, err
	}
	if err := checkOverlap(p, paths); err != nil {
		return nil, err
	}
	return paths, nil
}
