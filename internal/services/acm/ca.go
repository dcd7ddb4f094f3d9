package acm

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"haneul/internal/state"
)

// caRec is the installation's certificate authority, kept in the global
// scope of ACM's state so that it survives restarts (with --data-dir):
// users trust its certificate once.
type caRec struct {
	CertPEM string
	KeyPEM  string
}

// ca is the parsed CA.
type ca struct {
	rec  caRec
	cert *x509.Certificate
	key  crypto.Signer
}

// caKey is the key of the CA record in the global scope.
const caKey = "ca"

// authority returns the CA, creating it on first use. A CA the process
// already holds is written back if the state lost it (a reset), so the
// certificate users trust stays the same for the life of the process.
func (s *Service) authority(ctx context.Context) (*ca, error) {
	s.caMu.Lock()
	defer s.caMu.Unlock()
	var rec caRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		rec, ok = s.cas.Get(tx, global, caKey)
		return nil
	})
	if ok && s.ca != nil && s.ca.rec == rec {
		return s.ca, nil
	}
	if !ok {
		if s.ca != nil {
			rec = s.ca.rec
		} else {
			var err error
			if rec, err = newCA(s.clock.Now()); err != nil {
				return nil, err
			}
		}
		err := s.db.Update(ctx, func(tx *state.Tx) error {
			if cur, exists := s.cas.Get(tx, global, caKey); exists {
				rec = cur
				return nil
			}
			s.cas.Put(tx, global, caKey, rec)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("acm: keep CA: %w", err)
		}
	}
	c, err := parseCA(rec)
	if err != nil {
		return nil, err
	}
	s.ca = c
	return c, nil
}

// newCA makes a self-signed ECDSA P-256 CA valid for ten years.
func newCA(now time.Time) (caRec, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return caRec{}, fmt.Errorf("acm: CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return caRec{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "haneul local CA " + serial.Text(16)[:8], Organization: []string{"haneul"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return caRec{}, fmt.Errorf("acm: CA certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return caRec{}, fmt.Errorf("acm: CA key: %w", err)
	}
	return caRec{
		CertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	}, nil
}

func parseCA(rec caRec) (*ca, error) {
	cb, _ := pem.Decode([]byte(rec.CertPEM))
	kb, _ := pem.Decode([]byte(rec.KeyPEM))
	if cb == nil || kb == nil {
		return nil, fmt.Errorf("acm: stored CA is not PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("acm: stored CA certificate: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("acm: stored CA key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("acm: stored CA key is a %T", k)
	}
	return &ca{rec: rec, cert: cert, key: signer}, nil
}

// CAPEM is the PEM certificate of the installation's CA, for users to
// trust (haneul serves it at GET /_haneul/ca.pem).
func (s *Service) CAPEM(ctx context.Context) (string, error) {
	c, err := s.authority(ctx)
	if err != nil {
		return "", err
	}
	return c.rec.CertPEM, nil
}

func randomSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("acm: serial: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}

// leafValidity is how long an issued certificate is valid (AWS: 395 days).
const leafValidity = 395 * 24 * time.Hour

// issued is a certificate the CA signed, with its key.
type issued struct {
	CertPEM, KeyPEM string
	Serial          string
	NotBefore       time.Time
	NotAfter        time.Time
}

// issue signs a server certificate for the names with a new key of the
// algorithm (RSA_2048, EC_prime256v1, EC_secp384r1, …).
func (c *ca) issue(names []string, algorithm string, now time.Time) (issued, error) {
	var key crypto.Signer
	var err error
	switch algorithm {
	case "EC_prime256v1":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EC_secp384r1":
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "EC_secp521r1":
		key, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "RSA_3072":
		key, err = rsa.GenerateKey(rand.Reader, 3072)
	case "RSA_4096":
		key, err = rsa.GenerateKey(rand.Reader, 4096)
	default:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		return issued{}, fmt.Errorf("acm: certificate key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return issued{}, err
	}
	usage := x509.KeyUsageDigitalSignature
	if _, isRSA := key.(*rsa.PrivateKey); isRSA {
		usage |= x509.KeyUsageKeyEncipherment
	}
	notBefore := now.UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    notBefore,
		NotAfter:     notBefore.Add(leafValidity),
		KeyUsage:     usage,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, key.Public(), c.key)
	if err != nil {
		return issued{}, fmt.Errorf("acm: sign certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return issued{}, fmt.Errorf("acm: certificate key: %w", err)
	}
	return issued{
		CertPEM:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM:    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
		Serial:    colonHex(serial.Bytes()),
		NotBefore: tmpl.NotBefore,
		NotAfter:  tmpl.NotAfter,
	}, nil
}

// colonHex writes a serial number as ACM shows it: "0a:1b:…".
func colonHex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, len(b)*3)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
