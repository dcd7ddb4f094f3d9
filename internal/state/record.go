package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// rawValue is the value type of tables found on disk that nobody registered:
// their records are kept as JSON and written back into snapshots.
type rawValue = json.RawMessage

// record is the JSON payload of one frame. A journal frame holds either the
// operations of one transaction (Service, Ops) or a reset (Reset, ResetAll).
// A snapshot is a header frame (Version, Gen), frames of operations, and an
// end frame (End, Count).
type record struct {
	Version  int      `json:"snapshot,omitempty"`
	Gen      int64    `json:"gen,omitempty"`
	Service  string   `json:"s,omitempty"`
	Ops      []op     `json:"ops,omitempty"`
	Reset    []string `json:"reset,omitempty"`
	ResetAll bool     `json:"resetAll,omitempty"`
	End      bool     `json:"end,omitempty"`
	Count    int64    `json:"count,omitempty"`
}

// op is one record put or deleted.
type op struct {
	Table   string          `json:"t"`
	Account string          `json:"a,omitempty"`
	Region  string          `json:"r,omitempty"`
	Key     string          `json:"k"`
	Value   json.RawMessage `json:"v,omitempty"`
	Delete  bool            `json:"d,omitempty"`
}

// encodeTx encodes the operations of a transaction of service as a record.
func encodeTx(service string, ops []txOp) ([]byte, error) {
	var e opEncoder
	if err := e.begin(service); err != nil {
		return nil, err
	}
	for _, o := range ops {
		var v []byte
		if !o.del {
			var err error
			if v, err = o.t.encode(o.v); err != nil {
				return nil, fmt.Errorf("encode %q: %w", o.key, err)
			}
		}
		if err := e.op(o.t.tableName(), o.sc, o.key, v, o.del); err != nil {
			return nil, err
		}
	}
	return e.end(), nil
}

// opEncoder builds a record of operations of one service by appending JSON,
// avoiding a second pass over already encoded values.
type opEncoder struct {
	buf []byte
	n   int
}

func (e *opEncoder) begin(service string) error {
	e.buf = append(e.buf[:0], `{"s":`...)
	e.n = 0
	var err error
	if e.buf, err = appendString(e.buf, service); err != nil {
		return err
	}
	e.buf = append(e.buf, `,"ops":[`...)
	return nil
}

func (e *opEncoder) op(table string, sc Scope, key string, v []byte, del bool) error {
	if e.n > 0 {
		e.buf = append(e.buf, ',')
	}
	e.n++
	var err error
	e.buf = append(e.buf, `{"t":`...)
	if e.buf, err = appendString(e.buf, table); err != nil {
		return err
	}
	if sc.Account != "" {
		e.buf = append(e.buf, `,"a":`...)
		if e.buf, err = appendString(e.buf, sc.Account); err != nil {
			return err
		}
	}
	if sc.Region != "" {
		e.buf = append(e.buf, `,"r":`...)
		if e.buf, err = appendString(e.buf, sc.Region); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, `,"k":`...)
	if e.buf, err = appendString(e.buf, key); err != nil {
		return err
	}
	if del {
		e.buf = append(e.buf, `,"d":true}`...)
	} else {
		e.buf = append(e.buf, `,"v":`...)
		e.buf = append(e.buf, v...)
		e.buf = append(e.buf, '}')
	}
	return nil
}

func (e *opEncoder) end() []byte {
	return append(e.buf, "]}"...)
}

var errInvalidUTF8 = errors.New("string is not valid UTF-8")

// appendString appends s as a JSON string. Invalid UTF-8 is refused rather
// than replaced, so that a key always reads back as written.
func appendString(dst []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return dst, fmt.Errorf("%q: %w", s, errInvalidUTF8)
	}
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), nil
}
