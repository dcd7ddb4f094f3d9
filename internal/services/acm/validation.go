package acm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// Certificate statuses.
const (
	statusPending  = "PENDING_VALIDATION"
	statusIssued   = "ISSUED"
	statusTimedOut = "VALIDATION_TIMED_OUT"
	statusExpired  = "EXPIRED"
	statusFailed   = "FAILED"
)

// validationTimeout is how long a certificate may wait for validation
// (AWS: 72 hours, then VALIDATION_TIMED_OUT).
const validationTimeout = 72 * time.Hour

// dvo is one domain's validation.
type dvo struct {
	Domain           string
	ValidationDomain string
	Method           string // DNS or EMAIL
	Status           string // PENDING_VALIDATION, SUCCESS
	RecordName       string // DNS: _<hash>.<domain>.
	RecordValue      string // DNS: _<hash>.<label>.acm-validations.aws.
	Emails           []string
}

// validationRecord is the CNAME that proves control of domain for account.
// AWS: the record is the same for every certificate of the account naming
// the domain, and a wildcard shares its base domain's record.
func validationRecord(account, domain string) (name, value string) {
	base := strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(domain, ".")), "*.")
	h := sha256.Sum256([]byte("haneul-acm-name\x00" + account + "\x00" + base))
	v := sha256.Sum256([]byte("haneul-acm-value\x00" + account + "\x00" + base))
	label := make([]byte, 10)
	for i := range label {
		label[i] = 'a' + v[20+i]%26
	}
	return "_" + hex.EncodeToString(h[:16]) + "." + base + ".",
		"_" + hex.EncodeToString(v[:16]) + "." + string(label) + ".acm-validations.aws."
}

// validationEmails are the addresses AWS writes to for a domain.
func validationEmails(domain string) []string {
	base := strings.TrimPrefix(domain, "*.")
	var out []string
	for _, u := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
		out = append(out, u+"@"+base)
	}
	return out
}

// out is the DomainValidation shape.
func (d dvo) out() DomainValidation {
	v := DomainValidation{
		DomainName:       ptr.To(d.Domain),
		ValidationDomain: ptr.To(d.ValidationDomain),
		ValidationMethod: ptr.To(d.Method),
		ValidationStatus: ptr.To(d.Status),
	}
	if d.Method == "DNS" {
		v.ResourceRecord = &ResourceRecord{Name: ptr.To(d.RecordName), Type: ptr.To("CNAME"), Value: ptr.To(d.RecordValue)}
	} else {
		v.ValidationEmails = d.Emails
	}
	return v
}

// sameName compares DNS names without regard to case or a trailing dot.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// refresh brings a certificate up to date: validates pending domains whose
// records now exist, issues it once all are valid, times it out after 72
// hours, and marks it EXPIRED after NotAfter.
func (s *Service) refresh(ctx context.Context, sc state.Scope, id string) (certRec, error) {
	var c certRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		c, ok = s.certs.Get(tx, sc, id)
		return nil
	})
	if !ok {
		return c, nil
	}
	now := s.clock.Now()
	next := c
	next.DVOs = append([]dvo(nil), c.DVOs...)
	switch c.Status {
	case statusPending:
		if now.After(c.CreatedAt.Add(validationTimeout)) {
			next.Status = statusTimedOut
			break
		}
		all := true
		for i, d := range next.DVOs {
			if d.Status == "SUCCESS" {
				continue
			}
			if d.Method == "DNS" && s.dns != nil {
				if target, found := s.dns.CNAME(d.RecordName); found && sameName(target, d.RecordValue) {
					next.DVOs[i].Status = "SUCCESS"
					continue
				}
			}
			all = false
		}
		if all {
			if err := s.sign(ctx, &next); err != nil {
				return c, err
			}
		}
	case statusIssued:
		if !c.NotAfter.IsZero() && now.After(c.NotAfter) {
			next.Status = statusExpired
		}
	}
	if equalCert(next, c) {
		return c, nil
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		cur, ok := s.certs.Get(tx, sc, id)
		// Another refresh (or a delete) got there first: keep what it did.
		if !ok || cur.Status != c.Status || cur.Version != c.Version {
			next = cur
			return nil
		}
		next.Version++
		s.certs.Put(tx, sc, id, next)
		return nil
	})
	return next, err
}

func equalCert(a, b certRec) bool {
	if a.Status != b.Status || len(a.DVOs) != len(b.DVOs) {
		return false
	}
	for i := range a.DVOs {
		if a.DVOs[i].Status != b.DVOs[i].Status {
			return false
		}
	}
	return true
}

// sign issues c from the local CA.
func (s *Service) sign(ctx context.Context, c *certRec) error {
	authority, err := s.authority(ctx)
	if err != nil {
		return err
	}
	now := s.clock.Now().UTC()
	iss, err := authority.issue(c.names(), c.KeyAlgorithm, now)
	if err != nil {
		return err
	}
	c.Status = statusIssued
	c.CertPEM, c.KeyPEM, c.ChainPEM = iss.CertPEM, iss.KeyPEM, authority.rec.CertPEM
	c.Serial, c.NotBefore, c.NotAfter = iss.Serial, iss.NotBefore, iss.NotAfter
	c.IssuedAt = now
	c.Issuer = "haneul"
	c.Subject = "CN=" + c.Domain
	c.SignatureAlgorithm = "SHA256WITHECDSA"
	return nil
}
