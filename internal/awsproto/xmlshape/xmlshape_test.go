package xmlshape

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"haneul/internal/awsproto/model"
)

const testModel = `{
 "metadata": {"apiVersion": "2020-01-01", "protocol": "rest-xml"},
 "operations": {},
 "shapes": {
  "Root": {"type": "structure", "xmlNamespace": {"prefix": "xsi", "uri": "http://www.w3.org/2001/XMLSchema-instance"},
   "members": {
    "Name": {"shape": "Str", "locationName": "name"},
    "Flat": {"shape": "StrList", "flattened": true, "locationName": "flat"},
    "Wrapped": {"shape": "StrList"},
    "Named": {"shape": "NamedList"},
    "FlatNamed": {"shape": "FlatNamedList"},
    "M": {"shape": "StrMap"},
    "FM": {"shape": "KVMap", "flattened": true, "locationName": "Attr"},
    "Id": {"shape": "Str", "xmlAttribute": true, "locationName": "id"},
    "Type": {"shape": "Str", "xmlAttribute": true, "locationName": "xsi:type"},
    "T": {"shape": "Time"},
    "TR": {"shape": "Time", "timestampFormat": "rfc822"},
    "TU": {"shape": "Time", "timestampFormat": "unixTimestamp"},
    "TS": {"shape": "UnixTime"},
    "B": {"shape": "Blob"},
    "F": {"shape": "Dbl"},
    "I": {"shape": "Int"},
    "Ok": {"shape": "Bool"},
    "Child": {"shape": "Child", "xmlNamespace": "http://child/"},
    "Hdr": {"shape": "Str", "location": "header", "locationName": "x-amz-h"}
   }},
  "Child": {"type": "structure", "members": {"Self": {"shape": "Child"}, "V": {"shape": "Str"}}},
  "Str": {"type": "string"},
  "Int": {"type": "integer"},
  "Dbl": {"type": "double"},
  "Bool": {"type": "boolean"},
  "Blob": {"type": "blob"},
  "Time": {"type": "timestamp"},
  "UnixTime": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
  "StrList": {"type": "list", "member": {"shape": "Str"}},
  "NamedList": {"type": "list", "member": {"shape": "Str", "locationName": "Item"}},
  "FlatNamedList": {"type": "list", "flattened": true, "member": {"shape": "Str", "locationName": "One"}},
  "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
  "KVMap": {"type": "map", "key": {"shape": "Str", "locationName": "K"}, "value": {"shape": "Int", "locationName": "V"}}
 }
}`

func testRoot(t testing.TB) *model.ShapeRef {
	t.Helper()
	svc, err := model.Parse("test", []byte(testModel))
	if err != nil {
		t.Fatal(err)
	}
	return &model.ShapeRef{ShapeName: "Root", Shape: svc.Shapes["Root"]}
}

func TestEncodeDecodeTraits(t *testing.T) {
	root := testRoot(t)
	ts := time.Date(2024, 3, 5, 7, 8, 9, 250e6, time.UTC)
	v := map[string]any{
		"Name":      `a<b>&"c"`,
		"Flat":      []any{"x", "y"},
		"Wrapped":   []any{"w"},
		"Named":     []any{"n1", "n2"},
		"FlatNamed": []any{"o"},
		"M":         map[string]any{"b": "2", "a": "1"},
		"FM":        map[string]any{"k": int64(7)},
		"Id":        "i&d",
		"Type":      "CanonicalUser",
		"T":         ts,
		"TR":        ts.Truncate(time.Second),
		"TU":        ts,
		"TS":        ts,
		"B":         []byte("hi\x00"),
		"F":         0.1,
		"I":         int64(-3),
		"Ok":        true,
		"Child":     map[string]any{"V": "v", "Self": map[string]any{"V": "deep"}},
		"Hdr":       "not in body",
	}
	var b bytes.Buffer
	if err := Encode(&b, root, "", v, Options{}); err != nil {
		t.Fatal(err)
	}
	want := `<Root xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="i&amp;d" xsi:type="CanonicalUser">` +
		`<B>aGkA</B>` +
		`<Child xmlns="http://child/"><Self><V>deep</V></Self><V>v</V></Child>` +
		`<F>0.1</F>` +
		`<Attr><K>k</K><V>7</V></Attr>` +
		`<flat>x</flat><flat>y</flat>` +
		`<One>o</One>` +
		`<I>-3</I>` +
		`<M><entry><key>a</key><value>1</value></entry><entry><key>b</key><value>2</value></entry></M>` +
		`<name>a&lt;b&gt;&amp;&#34;c&#34;</name>` +
		`<Named><Item>n1</Item><Item>n2</Item></Named>` +
		`<Ok>true</Ok>` +
		`<T>2024-03-05T07:08:09.250Z</T>` +
		`<TR>Tue, 05 Mar 2024 07:08:09 GMT</TR>` +
		`<TS>1709622489.25</TS>` +
		`<TU>1709622489.25</TU>` +
		`<Wrapped><member>w</member></Wrapped>` +
		`</Root>`
	if got := b.String(); got != want {
		t.Fatalf("encode:\n got %s\nwant %s", got, want)
	}
	got, err := Unmarshal(b.Bytes(), root)
	if err != nil {
		t.Fatal(err)
	}
	delete(v, "Hdr")
	v["TR"] = ts.Truncate(time.Second)
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("decode:\n got %#v\nwant %#v", got, v)
	}
}

func TestEncodeListMemberOption(t *testing.T) {
	root := testRoot(t)
	var b bytes.Buffer
	if err := Encode(&b, root, "R", map[string]any{"Wrapped": []any{"a"}}, Options{ListMember: "item"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<Wrapped><item>a</item></Wrapped>") {
		t.Fatal(b.String())
	}
}

func TestFormatFloat(t *testing.T) {
	for f, want := range map[float64]string{1e21: "1000000000000000000000", 0.000001: "0.000001", 1.5: "1.5", 3: "3", math.Inf(-1): "-Infinity"} {
		if got := FormatFloat(f); got != want {
			t.Errorf("FormatFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2024, 3, 5, 7, 8, 9, 0, time.UTC)
	for _, s := range []string{"2024-03-05T07:08:09Z", "2024-03-05T07:08:09.000Z", "2024-03-05T09:08:09+02:00", "Tue, 05 Mar 2024 07:08:09 GMT", "1709622489", "2024-03-05T07:08:09"} {
		got, err := ParseTime(s, "")
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "yesterday", "1e300", "NaN"} {
		if _, err := ParseTime(s, ""); err == nil {
			t.Errorf("ParseTime(%q) succeeded", s)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	root := testRoot(t)
	for name, doc := range map[string]string{
		"bad int":     `<Root><I>x</I></Root>`,
		"int range":   `<Root><I>99999999999</I></Root>`,
		"bad bool":    `<Root><Ok>yes</Ok></Root>`,
		"bad time":    `<Root><T>then</T></Root>`,
		"bad blob":    `<Root><B>!!!</B></Root>`,
		"bad float":   `<Root><F>1e999</F></Root>`,
		"truncated":   `<Root><Name>x`,
		"mismatched":  `<Root><Name>x</Root>`,
		"deep values": `<Root><Child>` + strings.Repeat("<Self>", 200) + strings.Repeat("</Self>", 200) + `</Child></Root>`,
	} {
		if _, err := Unmarshal([]byte(doc), root); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDecodeLenient(t *testing.T) {
	root := testRoot(t)
	got, err := Unmarshal([]byte(`<?xml version="1.0"?><Root><Unknown><x/></Unknown><I> 5 </I><Ok/><name>a<!-- c --><b/>z</name></Root>`), root)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"I": int64(5), "Name": "az"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
	if v, err := Unmarshal(nil, root); v != nil || err != nil {
		t.Fatalf("empty document: %v, %v", v, err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	root := testRoot(f)
	f.Add([]byte(`<Root id="1"><flat>x</flat><Attr><K>k</K><V>1</V></Attr><M><entry><key>a</key><value>b</value></entry></M><Child><Self><V>v</V></Self></Child><T>2024-03-05T07:08:09Z</T><B>aGk=</B></Root>`))
	f.Add([]byte(`<Root><Named><Item>a</Item></Named><F>NaN</F><TS>12.5</TS></Root>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data, root)
		if err != nil || v == nil {
			return
		}
		// Whatever decodes must encode again.
		var b bytes.Buffer
		if err := Encode(&b, root, "", v, Options{}); err != nil {
			t.Fatalf("re-encode %#v: %v", v, err)
		}
	})
}
