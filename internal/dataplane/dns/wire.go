// Package dns is haneul's DNS server: it answers, over UDP and TCP on
// loopback, authoritatively for every Route 53 hosted zone haneul keeps and
// for haneul's own names (load balancers, database endpoints, S3 buckets,
// anything under .localhost), so `dig @127.0.0.1 -p 5353 www.example.com`
// and resolvers pointed at haneul work.
//
// The package has three parts: the wire format (this file and rdata.go:
// bounded parsing of queries, packing of answers with name compression), the
// Authority (authority.go: which records answer a question, from a Source of
// record sets and a Registry of names other services publish), and the
// Server (server.go: the UDP and TCP listeners).
package dns

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
)

// Record types haneul answers, by their wire numbers.
const (
	TypeA     uint16 = 1
	TypeNS    uint16 = 2
	TypeCNAME uint16 = 5
	TypeSOA   uint16 = 6
	TypePTR   uint16 = 12
	TypeMX    uint16 = 15
	TypeTXT   uint16 = 16
	TypeAAAA  uint16 = 28
	TypeSRV   uint16 = 33
	TypeNAPTR uint16 = 35
	TypeDS    uint16 = 43
	TypeOPT   uint16 = 41
	TypeSPF   uint16 = 99
	TypeAXFR  uint16 = 252
	TypeANY   uint16 = 255
	TypeCAA   uint16 = 257

	classINET uint16 = 1
)

// Response codes.
const (
	RcodeSuccess  = 0
	RcodeFormErr  = 1
	RcodeServFail = 2
	RcodeNXDomain = 3
	RcodeNotImp   = 4
	RcodeRefused  = 5
)

// typeNames maps Route 53's record type names to wire numbers.
var typeNames = map[string]uint16{
	"A": TypeA, "NS": TypeNS, "CNAME": TypeCNAME, "SOA": TypeSOA, "PTR": TypePTR,
	"MX": TypeMX, "TXT": TypeTXT, "AAAA": TypeAAAA, "SRV": TypeSRV, "NAPTR": TypeNAPTR,
	"DS": TypeDS, "SPF": TypeSPF, "CAA": TypeCAA, "ANY": TypeANY,
}

// TypeNumber returns the wire number of a record type name ("A", "MX", …).
func TypeNumber(name string) (uint16, bool) {
	t, ok := typeNames[strings.ToUpper(name)]
	return t, ok
}

// TypeName returns the name of a wire record type, or "TYPEn".
func TypeName(t uint16) string {
	for n, v := range typeNames {
		if v == t {
			return n
		}
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// Limits of the wire format (RFC 1035 §2.3.4).
const (
	maxNameLen   = 255
	maxLabelLen  = 63
	maxPointers  = 32 // compression pointers followed while reading one name
	minUDPSize   = 512
	maxUDPSize   = 4096
	headerLength = 12
)

// Errors of the parser; a query that fails to parse is answered FORMERR when
// its header could be read and dropped otherwise.
var (
	errShort    = errors.New("dns: message too short")
	errName     = errors.New("dns: malformed name")
	errPointer  = errors.New("dns: bad compression pointer")
	errQuestion = errors.New("dns: want exactly one question")
)

// Header is a message header.
type Header struct {
	ID                 uint16
	Response           bool
	Opcode             uint8
	Authoritative      bool
	Truncated          bool
	RecursionDesired   bool
	RecursionAvailable bool
	Rcode              uint8
}

func (h Header) flags() uint16 {
	var f uint16
	if h.Response {
		f |= 1 << 15
	}
	f |= uint16(h.Opcode&0xf) << 11
	if h.Authoritative {
		f |= 1 << 10
	}
	if h.Truncated {
		f |= 1 << 9
	}
	if h.RecursionDesired {
		f |= 1 << 8
	}
	if h.RecursionAvailable {
		f |= 1 << 7
	}
	f |= uint16(h.Rcode & 0xf)
	return f
}

// Question is the one question of a query. Name is in canonical form (see Canonical).
type Question struct {
	Name  string
	Type  uint16
	Class uint16
}

// Query is a parsed request.
type Query struct {
	Header   Header
	Question Question
	// EDNS is set when the query carried an OPT record; UDPSize is the
	// payload size the client accepts then.
	EDNS    bool
	UDPSize int
}

// RR is one resource record of an answer, with its data already in wire form.
type RR struct {
	Name  string // canonical form
	Type  uint16
	TTL   uint32
	Data  rdata
	Class uint16 // 0 means IN
}

// Text is the record's data in presentation form, as Route 53 shows it.
func (rr RR) Text() string { return rr.Data.text() }

// Message is a response to pack.
type Message struct {
	Header     Header
	Question   *Question
	Answer     []RR
	Authority  []RR
	EDNS       bool
	UDPSize    int
	Additional []RR
}

// ParseQuery reads a query. It never panics: every length and pointer is
// checked against the message, names are bounded by RFC 1035's limits, and
// compression pointers may only point backwards, a bounded number of times.
// When the header was readable but the rest was not, it returns the header
// with the error, so the server can answer FORMERR.
func ParseQuery(msg []byte) (Query, error) {
	var q Query
	if len(msg) < headerLength {
		return q, errShort
	}
	flags := binary.BigEndian.Uint16(msg[2:])
	q.Header = Header{
		ID:               binary.BigEndian.Uint16(msg[0:]),
		Response:         flags&(1<<15) != 0,
		Opcode:           uint8(flags>>11) & 0xf,
		RecursionDesired: flags&(1<<8) != 0,
	}
	qd := binary.BigEndian.Uint16(msg[4:])
	an := binary.BigEndian.Uint16(msg[6:])
	ns := binary.BigEndian.Uint16(msg[8:])
	ar := binary.BigEndian.Uint16(msg[10:])
	if qd != 1 {
		return q, errQuestion
	}
	name, off, err := readName(msg, headerLength)
	if err != nil {
		return q, err
	}
	if off+4 > len(msg) {
		return q, errShort
	}
	q.Question = Question{Name: name, Type: binary.BigEndian.Uint16(msg[off:]), Class: binary.BigEndian.Uint16(msg[off+2:])}
	off += 4
	// Skip answer and authority records (queries carry none, but a client may
	// send some); look at the additional section for an OPT record.
	for i := 0; i < int(an)+int(ns)+int(ar); i++ {
		_, next, err := readName(msg, off)
		if err != nil {
			return q, err
		}
		if next+10 > len(msg) {
			return q, errShort
		}
		typ := binary.BigEndian.Uint16(msg[next:])
		class := binary.BigEndian.Uint16(msg[next+2:])
		rdlen := int(binary.BigEndian.Uint16(msg[next+8:]))
		end := next + 10 + rdlen
		if end > len(msg) {
			return q, errShort
		}
		if i >= int(an)+int(ns) && typ == TypeOPT {
			q.EDNS = true
			q.UDPSize = int(class)
		}
		off = end
	}
	return q, nil
}

// readName reads a possibly compressed name at off and returns it in
// canonical form with the offset just past it.
func readName(msg []byte, off int) (string, int, error) {
	var b strings.Builder
	end := -1
	wire := 1 // the root's length byte
	jumps := 0
	for {
		if off >= len(msg) {
			return "", 0, errShort
		}
		c := int(msg[off])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				if end < 0 {
					end = off + 1
				}
				if b.Len() == 0 {
					return ".", end, nil
				}
				return b.String(), end, nil
			}
			if off+1+c > len(msg) {
				return "", 0, errShort
			}
			wire += c + 1
			if wire > maxNameLen {
				return "", 0, errName
			}
			writeLabel(&b, msg[off+1:off+1+c])
			b.WriteByte('.')
			off += 1 + c
		case 0xc0:
			if off+1 >= len(msg) {
				return "", 0, errShort
			}
			ptr := (c&0x3f)<<8 | int(msg[off+1])
			if ptr >= off || jumps >= maxPointers {
				return "", 0, errPointer
			}
			if end < 0 {
				end = off + 2
			}
			jumps++
			off = ptr
		default:
			// 0x40 and 0x80 are extended label types nobody uses.
			return "", 0, errName
		}
	}
}

// writeLabel writes one label in Route 53's presentation form: letters
// lower-cased; a–z, 0–9, '-' and '_' as they are; every other byte as a
// three-digit octal escape (AWS: "*" is "\052").
func writeLabel(b *strings.Builder, label []byte) {
	for _, c := range label {
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + (c>>3)&7)
			b.WriteByte('0' + c&7)
		}
	}
}

// Canonical returns name in the form haneul compares names in: Route 53's
// presentation form (lower case, octal escapes for bytes other than
// a–z 0–9 - _, so "*" is "\052"), with the trailing dot. Escapes already in
// name are kept; a "\." inside a label is an escaped dot.
func Canonical(name string) string {
	labels, ok := splitLabels(name)
	if !ok {
		return strings.ToLower(name)
	}
	if len(labels) == 0 {
		return "."
	}
	var b strings.Builder
	for _, l := range labels {
		writeLabel(&b, l)
		b.WriteByte('.')
	}
	return b.String()
}

// splitLabels parses a presentation-form name into raw labels, undoing
// "\DDD" and "\c" escapes. A trailing dot is optional.
func splitLabels(name string) ([][]byte, bool) {
	if name == "" || name == "." {
		return nil, true
	}
	var labels [][]byte
	var cur []byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '\\':
			if i+3 < len(name) && isOctal(name[i+1]) && isOctal(name[i+2]) && isOctal(name[i+3]) {
				// AWS: Route 53 escapes bytes as three octal digits ("\052" is "*").
				v := int(name[i+1]-'0')*64 + int(name[i+2]-'0')*8 + int(name[i+3]-'0')
				if v > 255 {
					return nil, false
				}
				cur = append(cur, byte(v))
				i += 3
			} else if i+1 < len(name) {
				cur = append(cur, name[i+1])
				i++
			} else {
				return nil, false
			}
		case c == '.':
			if len(cur) == 0 {
				return nil, false
			}
			labels = append(labels, cur)
			cur = nil
		default:
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		labels = append(labels, cur)
	}
	for _, l := range labels {
		if len(l) > maxLabelLen {
			return nil, false
		}
	}
	return labels, true
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// Parent returns the name one label up ("a.b.c." → "b.c."), and false at the root.
func Parent(name string) (string, bool) {
	if name == "." || name == "" {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		if name[i] == '\\' {
			i++
			continue
		}
		if name[i] == '.' {
			if i+1 >= len(name) {
				return ".", true
			}
			return name[i+1:], true
		}
	}
	return ".", true
}

// IsSubdomain reports whether name is zone or under it (both canonical).
func IsSubdomain(name, zone string) bool {
	if zone == "." {
		return true
	}
	if name == zone {
		return true
	}
	return strings.HasSuffix(name, "."+zone)
}

// packer writes a message with name compression.
type packer struct {
	buf   []byte
	names map[string]int // canonical suffix → offset of its first occurrence
}

// appendName writes a canonical name, pointing at an earlier copy of its
// longest already-written suffix.
func (p *packer) appendName(name string) {
	labels, ok := splitLabels(name)
	if !ok {
		p.buf = append(p.buf, 0)
		return
	}
	// Suffix keys are built from the canonical text of the remaining labels.
	keys := make([]string, len(labels))
	suffix := ""
	for i := len(labels) - 1; i >= 0; i-- {
		var b strings.Builder
		writeLabel(&b, labels[i])
		b.WriteByte('.')
		suffix = b.String() + suffix
		keys[i] = suffix
	}
	for i, l := range labels {
		if off, ok := p.names[keys[i]]; ok {
			p.buf = binary.BigEndian.AppendUint16(p.buf, uint16(0xc000|off))
			return
		}
		if len(p.buf) < 0x3fff {
			p.names[keys[i]] = len(p.buf)
		}
		p.buf = append(p.buf, byte(len(l)))
		p.buf = append(p.buf, l...)
	}
	p.buf = append(p.buf, 0)
}

// Pack encodes m, compressing names. When limit > 0 and the message would
// exceed it, the records are dropped and the TC bit set, so the client
// retries over TCP.
func (m *Message) Pack(limit int) []byte {
	out := m.pack()
	if limit > 0 && len(out) > limit {
		t := *m
		t.Header.Truncated = true
		t.Answer, t.Authority, t.Additional = nil, nil, nil
		out = t.pack()
	}
	return out
}

func (m *Message) pack() []byte {
	p := packer{buf: make([]byte, headerLength, 512), names: map[string]int{}}
	binary.BigEndian.PutUint16(p.buf[0:], m.Header.ID)
	binary.BigEndian.PutUint16(p.buf[2:], m.Header.flags())
	if m.Question != nil {
		binary.BigEndian.PutUint16(p.buf[4:], 1)
		p.appendName(m.Question.Name)
		p.buf = binary.BigEndian.AppendUint16(p.buf, m.Question.Type)
		p.buf = binary.BigEndian.AppendUint16(p.buf, m.Question.Class)
	}
	binary.BigEndian.PutUint16(p.buf[6:], uint16(len(m.Answer)))
	binary.BigEndian.PutUint16(p.buf[8:], uint16(len(m.Authority)))
	ar := len(m.Additional)
	if m.EDNS {
		ar++
	}
	binary.BigEndian.PutUint16(p.buf[10:], uint16(ar))
	for _, sec := range [][]RR{m.Answer, m.Authority, m.Additional} {
		for _, rr := range sec {
			p.appendRR(rr)
		}
	}
	if m.EDNS {
		size := m.UDPSize
		if size < minUDPSize {
			size = minUDPSize
		}
		p.buf = append(p.buf, 0) // root
		p.buf = binary.BigEndian.AppendUint16(p.buf, TypeOPT)
		p.buf = binary.BigEndian.AppendUint16(p.buf, uint16(size))
		p.buf = binary.BigEndian.AppendUint32(p.buf, 0)
		p.buf = binary.BigEndian.AppendUint16(p.buf, 0)
	}
	return p.buf
}

func (p *packer) appendRR(rr RR) {
	p.appendName(rr.Name)
	class := rr.Class
	if class == 0 {
		class = classINET
	}
	p.buf = binary.BigEndian.AppendUint16(p.buf, rr.Type)
	p.buf = binary.BigEndian.AppendUint16(p.buf, class)
	p.buf = binary.BigEndian.AppendUint32(p.buf, rr.TTL)
	at := len(p.buf)
	p.buf = append(p.buf, 0, 0)
	rr.Data.pack(p)
	binary.BigEndian.PutUint16(p.buf[at:], uint16(len(p.buf)-at-2))
}
