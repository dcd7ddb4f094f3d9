// Package validate checks a decoded input value against its model shape the
// way AWS's front ends do: required members, enum values, lengths, ranges and
// patterns, reported in AWS's "N validation errors detected" message.
package validate

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"haneul/internal/awsproto/model"
)

// Violation is one failed constraint.
type Violation struct {
	Path       string // member path as AWS prints it ("tags.1.member.key")
	Member     string // the member's own name as the model spells it ("Key")
	Value      any    // nil when the member is missing
	Constraint string // "Member must not be null", …
	Missing    bool   // a required member is absent
}

// String renders the violation as AWS does.
func (v Violation) String() string {
	val := "null"
	if v.Value != nil {
		val = "'" + render(v.Value) + "'"
	}
	return fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", val, v.Path, v.Constraint)
}

// Message joins violations into AWS's message.
func Message(vs []Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	noun := "error"
	if len(vs) > 1 {
		noun = "errors"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(vs), noun, strings.Join(parts, "; "))
}

// Input checks in against shape and returns every violation, in path order.
// The shape may be nil (an operation without input).
func Input(shape *model.Shape, in map[string]any) []Violation {
	if shape == nil {
		return nil
	}
	var vs []Violation
	checkStruct(shape, in, "", &vs)
	return vs
}

// maxDepth bounds recursion over hostile, deeply nested values.
const maxDepth = 64

func checkStruct(sh *model.Shape, v map[string]any, path string, vs *[]Violation) {
	if strings.Count(path, ".") > maxDepth {
		return
	}
	for _, name := range sh.MemberNames {
		ref := sh.Members[name]
		p := join(path, lowerFirst(name))
		mv, ok := v[name]
		if !ok || mv == nil {
			// AWS: only members bound to the body or query are checked for null here;
			// URI labels are required by the route itself.
			if sh.IsRequired(name) {
				*vs = append(*vs, Violation{Path: p, Member: name, Constraint: "Member must not be null", Missing: true})
			}
			continue
		}
		checkValue(ref.Shape, name, mv, p, vs)
	}
}

func checkValue(sh *model.Shape, member string, v any, path string, vs *[]Violation) {
	add := func(c string) { *vs = append(*vs, Violation{Path: path, Member: member, Value: v, Constraint: c}) }
	switch sh.Type {
	case "structure":
		if m, ok := v.(map[string]any); ok && !sh.Document {
			checkStruct(sh, m, path, vs)
		}
	case "list":
		l, _ := v.([]any)
		checkLength(sh, len(l), add)
		for i, e := range l {
			if e != nil {
				checkValue(sh.Member.Shape, member, e, fmt.Sprintf("%s.%d.member", path, i+1), vs)
			}
		}
	case "map":
		m, _ := v.(map[string]any)
		checkLength(sh, len(m), add)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			checkValue(sh.Key.Shape, member, k, path+".key", vs)
			if m[k] != nil {
				checkValue(sh.Value.Shape, member, m[k], path+"."+k+".value", vs)
			}
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			return
		}
		if len(sh.Enum) > 0 && !sh.HasEnum(s) {
			add("Member must satisfy enum value set: [" + strings.Join(sh.Enum, ", ") + "]")
			return
		}
		checkLength(sh, utf8.RuneCountInString(s), add)
		if re := pattern(sh.Pattern); re != nil && !re.MatchString(s) {
			add("Member must satisfy regular expression pattern: " + sh.Pattern)
		}
	case "blob":
		if b, ok := v.([]byte); ok {
			checkLength(sh, len(b), add)
		}
	case "integer", "long", "float", "double":
		var f float64
		switch n := v.(type) {
		case int64:
			f = float64(n)
		case float64:
			f = n
		default:
			return
		}
		if sh.Min != nil && f < *sh.Min {
			add("Member must have value greater than or equal to " + num(*sh.Min))
		} else if sh.Max != nil && f > *sh.Max {
			add("Member must have value less than or equal to " + num(*sh.Max))
		}
	}
}

func checkLength(sh *model.Shape, n int, add func(string)) {
	if sh.Min != nil && float64(n) < *sh.Min {
		add("Member must have length greater than or equal to " + num(*sh.Min))
	} else if sh.Max != nil && float64(n) > *sh.Max {
		add("Member must have length less than or equal to " + num(*sh.Max))
	}
}

func num(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprint(f)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return fmt.Sprintf("java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]", len(x), len(x))
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return fmt.Sprintf("{%d entries}", len(x))
	}
	return fmt.Sprint(v)
}

// patterns caches compiled model patterns; nil means the pattern is not
// expressible in RE2 (lookarounds, backreferences) and is not checked.
var patterns sync.Map // string → *regexp.Regexp

// unicodeEscape matches the Java-style \uXXXX escapes the models use.
var unicodeEscape = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

func pattern(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	if re, ok := patterns.Load(p); ok {
		return re.(*regexp.Regexp)
	}
	src := unicodeEscape.ReplaceAllString(p, `\x{$1}`)
	// AWS matches the whole value (Java's Matcher.matches).
	re, err := regexp.Compile(`^(?:` + src + `)$`)
	if err != nil {
		re = nil
	}
	patterns.Store(p, re)
	return re
}
