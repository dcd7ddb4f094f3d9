// Package typed converts between the wire layer's model-shaped values and the
// Go structs generated from the models, so that service handlers take and
// return typed inputs and outputs while codecs stay generic.
//
// A generated struct names each member in an `aws:"MemberName"` tag. Optional
// scalars are pointers; lists are slices; maps are map[string]T; blobs are
// []byte; streaming payloads and documents are interface values passed through
// as they are. Absent (nil) members are left out of encoded values.
package typed

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// field is one tagged member of a generated struct.
type field struct {
	name  string // member name on the wire model
	index int
}

// fieldCache holds the tagged fields of each struct type. It is a cache of
// immutable type facts, not state.
var fieldCache sync.Map // reflect.Type → []field

func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("aws")
		if !ok || !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		fs = append(fs, field{name: name, index: i})
	}
	fieldCache.Store(t, fs)
	return fs
}

// Decode fills dst, a pointer to a generated struct, from a structure value.
func Decode(src map[string]any, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("typed: decode into %T: want a pointer to a struct", dst)
	}
	return decodeStruct(src, v.Elem(), "")
}

func decodeStruct(src map[string]any, dst reflect.Value, path string) error {
	for _, f := range fieldsOf(dst.Type()) {
		raw, ok := src[f.name]
		if !ok || raw == nil {
			continue
		}
		if err := decodeValue(raw, dst.Field(f.index), path+"."+f.name); err != nil {
			return err
		}
	}
	return nil
}

func decodeValue(raw any, dst reflect.Value, path string) error {
	t := dst.Type()
	switch t.Kind() {
	case reflect.Interface:
		rv := reflect.ValueOf(raw)
		if !rv.Type().AssignableTo(t) {
			return mismatch(path, raw, t)
		}
		dst.Set(rv)
		return nil
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := decodeValue(raw, p.Elem(), path); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Struct:
		if t == timeType {
			tv, ok := raw.(time.Time)
			if !ok {
				return mismatch(path, raw, t)
			}
			dst.Set(reflect.ValueOf(tv))
			return nil
		}
		m, ok := raw.(map[string]any)
		if !ok {
			return mismatch(path, raw, t)
		}
		return decodeStruct(m, dst, path)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			b, ok := raw.([]byte)
			if !ok {
				if s, isStr := raw.(string); isStr {
					b = []byte(s)
				} else {
					return mismatch(path, raw, t)
				}
			}
			dst.SetBytes(b)
			return nil
		}
		l, ok := raw.([]any)
		if !ok {
			return mismatch(path, raw, t)
		}
		s := reflect.MakeSlice(t, len(l), len(l))
		for i, e := range l {
			if e == nil {
				continue
			}
			if err := decodeValue(e, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		dst.Set(s)
		return nil
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok {
			return mismatch(path, raw, t)
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for k, e := range m {
			ev := reflect.New(t.Elem()).Elem()
			if e != nil {
				if err := decodeValue(e, ev, path+"."+k); err != nil {
					return err
				}
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		dst.Set(out)
		return nil
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			return mismatch(path, raw, t)
		}
		dst.SetString(s)
		return nil
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return mismatch(path, raw, t)
		}
		dst.SetBool(b)
		return nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		switch n := raw.(type) {
		case int64:
			dst.SetInt(n)
		case float64:
			dst.SetInt(int64(n))
		default:
			return mismatch(path, raw, t)
		}
		return nil
	case reflect.Float32, reflect.Float64:
		switch n := raw.(type) {
		case float64:
			dst.SetFloat(n)
		case int64:
			dst.SetFloat(float64(n))
		default:
			return mismatch(path, raw, t)
		}
		return nil
	}
	return mismatch(path, raw, t)
}

func mismatch(path string, raw any, t reflect.Type) error {
	return fmt.Errorf("typed: %s: cannot use %T as %s", strings.TrimPrefix(path, "."), raw, t)
}

// Encode turns a generated struct (or a pointer to one) into a structure value.
// A nil pointer encodes as nil.
func Encode(src any) map[string]any {
	v := reflect.ValueOf(src)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		panic(fmt.Sprintf("typed: encode %T: not a struct", src))
	}
	return encodeStruct(v)
}

func encodeStruct(v reflect.Value) map[string]any {
	fs := fieldsOf(v.Type())
	out := make(map[string]any, len(fs))
	for _, f := range fs {
		if e, ok := encodeValue(v.Field(f.index)); ok {
			out[f.name] = e
		}
	}
	return out
}

// encodeValue reports false for an absent value (nil pointer, slice, map or interface).
func encodeValue(v reflect.Value) (any, bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil, false
		}
		return encodeValue(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		return v.Interface(), true
	case reflect.Struct:
		if v.Type() == timeType {
			return v.Interface(), true
		}
		return encodeStruct(v), true
	case reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes(), true
		}
		l := make([]any, 0, v.Len())
		for i := range v.Len() {
			if e, ok := encodeValue(v.Index(i)); ok {
				l = append(l, e)
			}
		}
		return l, true
	case reflect.Map:
		if v.IsNil() {
			return nil, false
		}
		m := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			if e, ok := encodeValue(it.Value()); ok {
				m[it.Key().String()] = e
			}
		}
		return m, true
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	}
	return v.Interface(), true
}
