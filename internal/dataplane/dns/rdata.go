package dns

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// rdata is a record's data, ready to pack.
type rdata interface {
	pack(p *packer)
	// text is the data in presentation form (what Route 53 shows).
	text() string
}

// RDataError is a record value Route 53 would reject; Problem and Detail
// are the words of Route 53's "FATAL problem" message.
type RDataError struct {
	Problem string // e.g. "ARRDATAIllegalIPv4Address"
	Detail  string // e.g. "Value is not a valid IPv4 address"
	Value   string
}

func (e *RDataError) Error() string {
	return fmt.Sprintf("FATAL problem: %s (%s) encountered with '%s'", e.Problem, e.Detail, e.Value)
}

type rawData []byte

func (r rawData) pack(p *packer) { p.buf = append(p.buf, r...) }
func (r rawData) text() string {
	if len(r) == 4 {
		return netip.AddrFrom4([4]byte(r)).String()
	}
	if len(r) == 16 {
		return netip.AddrFrom16([16]byte(r)).String()
	}
	return fmt.Sprintf("%x", []byte(r))
}

// nameData is NS, CNAME and PTR data: one compressible name.
type nameData struct{ name string }

func (n nameData) pack(p *packer) { p.appendName(n.name) }
func (n nameData) text() string   { return n.name }

type mxData struct {
	pref uint16
	host string
}

func (m mxData) pack(p *packer) {
	p.buf = binary.BigEndian.AppendUint16(p.buf, m.pref)
	p.appendName(m.host)
}
func (m mxData) text() string { return fmt.Sprintf("%d %s", m.pref, m.host) }

type srvData struct {
	prio, weight, port uint16
	target             string
}

func (s srvData) pack(p *packer) {
	p.buf = binary.BigEndian.AppendUint16(p.buf, s.prio)
	p.buf = binary.BigEndian.AppendUint16(p.buf, s.weight)
	p.buf = binary.BigEndian.AppendUint16(p.buf, s.port)
	// RFC 2782: the target is not compressed.
	appendPlainName(p, s.target)
}
func (s srvData) text() string { return fmt.Sprintf("%d %d %d %s", s.prio, s.weight, s.port, s.target) }

type soaData struct {
	mname, rname                            string
	serial, refresh, retry, expire, minimum uint32
}

func (s soaData) pack(p *packer) {
	p.appendName(s.mname)
	p.appendName(s.rname)
	for _, v := range []uint32{s.serial, s.refresh, s.retry, s.expire, s.minimum} {
		p.buf = binary.BigEndian.AppendUint32(p.buf, v)
	}
}
func (s soaData) text() string {
	return fmt.Sprintf("%s %s %d %d %d %d %d", s.mname, s.rname, s.serial, s.refresh, s.retry, s.expire, s.minimum)
}

// txtData is TXT and SPF data: character strings.
type txtData []string

func (t txtData) pack(p *packer) {
	for _, s := range t {
		p.buf = append(p.buf, byte(len(s)))
		p.buf = append(p.buf, s...)
	}
}
func (t txtData) text() string {
	parts := make([]string, len(t))
	for i, s := range t {
		parts[i] = strconv.Quote(s)
	}
	return strings.Join(parts, " ")
}

type caaData struct {
	flags      uint8
	tag, value string
}

func (c caaData) pack(p *packer) {
	p.buf = append(p.buf, c.flags, byte(len(c.tag)))
	p.buf = append(p.buf, c.tag...)
	p.buf = append(p.buf, c.value...)
}
func (c caaData) text() string { return fmt.Sprintf("%d %s %q", c.flags, c.tag, c.value) }

func appendPlainName(p *packer, name string) {
	labels, _ := splitLabels(name)
	for _, l := range labels {
		p.buf = append(p.buf, byte(len(l)))
		p.buf = append(p.buf, l...)
	}
	p.buf = append(p.buf, 0)
}

// CheckValue reports whether value is valid data, in Route 53's text form,
// for a record of type typ; the error is a *RDataError in Route 53's words.
func CheckValue(typ, value string) error {
	_, err := parseRData(typ, value)
	return err
}

// parseRData parses a record value in Route 53's text form for the record
// type, as ChangeResourceRecordSets receives it.
func parseRData(typ, value string) (rdata, error) {
	bad := func(problem, detail string) (rdata, error) {
		return nil, &RDataError{Problem: problem, Detail: detail, Value: value}
	}
	fields := strings.Fields(value)
	switch strings.ToUpper(typ) {
	case "A":
		a, err := netip.ParseAddr(strings.TrimSpace(value))
		if err != nil || !a.Is4() {
			return bad("ARRDATAIllegalIPv4Address", "Value is not a valid IPv4 address")
		}
		b := a.As4()
		return rawData(b[:]), nil
	case "AAAA":
		a, err := netip.ParseAddr(strings.TrimSpace(value))
		if err != nil || !a.Is6() || a.Zone() != "" {
			return bad("AAAARRDATAIllegalIPv6Address", "Value is not a valid IPv6 address")
		}
		b := a.As16()
		return rawData(b[:]), nil
	case "CNAME", "NS", "PTR":
		if len(fields) != 1 || !validName(fields[0]) {
			return bad("DomainLabelEmpty", "Domain label is empty")
		}
		return nameData{Canonical(fields[0])}, nil
	case "MX":
		if len(fields) != 2 {
			return bad("MXRRDATANotTwoFields", "MX record data must have two fields")
		}
		pref, err := strconv.ParseUint(fields[0], 10, 16)
		if err != nil {
			return bad("MXRRDATAIllegalPreference", "Preference is not a valid 16-bit integer")
		}
		if !validName(fields[1]) {
			return bad("DomainLabelEmpty", "Domain label is empty")
		}
		return mxData{uint16(pref), Canonical(fields[1])}, nil
	case "SRV":
		if len(fields) != 4 {
			return bad("SRVRRDATANotFourFields", "SRV record data must have four fields")
		}
		var n [3]uint16
		for i := 0; i < 3; i++ {
			v, err := strconv.ParseUint(fields[i], 10, 16)
			if err != nil {
				return bad("SRVRRDATAIllegalNumber", "SRV record field is not a valid 16-bit integer")
			}
			n[i] = uint16(v)
		}
		if !validName(fields[3]) {
			return bad("DomainLabelEmpty", "Domain label is empty")
		}
		return srvData{n[0], n[1], n[2], Canonical(fields[3])}, nil
	case "SOA":
		if len(fields) != 7 {
			return bad("SOARRDATANotSevenFields", "SOA record data must have seven fields")
		}
		var n [5]uint32
		for i := 0; i < 5; i++ {
			v, err := strconv.ParseUint(fields[2+i], 10, 32)
			if err != nil {
				return bad("SOARRDATAIllegalNumber", "SOA record field is not a valid 32-bit integer")
			}
			n[i] = uint32(v)
		}
		return soaData{Canonical(fields[0]), Canonical(fields[1]), n[0], n[1], n[2], n[3], n[4]}, nil
	case "TXT", "SPF":
		strs, err := characterStrings(value)
		if err == errTooLong {
			return bad("TXTRDATATooLong", err.Error())
		}
		if err != nil {
			return bad("InvalidCharacterString", err.Error())
		}
		return txtData(strs), nil
	case "CAA":
		if len(fields) < 3 {
			return bad("CAARRDATANotThreeFields", "CAA record data must have three fields")
		}
		flags, err := strconv.ParseUint(fields[0], 10, 8)
		if err != nil {
			return bad("CAARRDATAIllegalFlags", "CAA flags are not a valid 8-bit integer")
		}
		rest := strings.TrimSpace(value)
		rest = strings.TrimSpace(rest[len(fields[0]):])
		rest = strings.TrimSpace(rest[len(fields[1]):])
		strs, err := characterStrings(rest)
		if err != nil || len(strs) != 1 {
			return bad("InvalidCharacterString", "Value should be enclosed in quotation marks")
		}
		return caaData{uint8(flags), fields[1], strs[0]}, nil
	}
	return rawData(nil), nil
}

func validName(s string) bool {
	if s == "." {
		return true
	}
	labels, ok := splitLabels(s)
	if !ok || len(labels) == 0 {
		return false
	}
	n := 1
	for _, l := range labels {
		n += len(l) + 1
	}
	return n <= maxNameLen
}

var errTooLong = errors.New("Value is too long")

// characterStrings parses TXT-style data: quoted strings (with \" \\ and
// octal \DDD escapes) or bare words, separated by spaces; each at most 255
// bytes.
func characterStrings(s string) ([]string, error) {
	var out []string
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		var cur []byte
		if s[i] == '"' {
			i++
			closed := false
			for i < len(s) {
				c := s[i]
				if c == '"' {
					closed = true
					i++
					break
				}
				if c == '\\' && i+1 < len(s) {
					if i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
						v := int(s[i+1]-'0')*64 + int(s[i+2]-'0')*8 + int(s[i+3]-'0')
						if v <= 255 {
							cur = append(cur, byte(v))
							i += 4
							continue
						}
					}
					cur = append(cur, s[i+1])
					i += 2
					continue
				}
				cur = append(cur, c)
				i++
			}
			if !closed {
				return nil, fmt.Errorf("Value should be enclosed in quotation marks")
			}
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' {
				cur = append(cur, s[i])
				i++
			}
		}
		if len(cur) > 255 {
			return nil, errTooLong
		}
		out = append(out, string(cur))
	}
	if len(out) == 0 {
		return []string{""}, nil
	}
	return out, nil
}
