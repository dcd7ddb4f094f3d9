package sns

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"haneul/internal/state"
)

// CertPath is where haneul serves the certificate SNS signs messages with;
// every envelope's SigningCertURL points at it.
const CertPath = "/_haneul/sns/SimpleNotificationService.pem"

// signingRec is the installation's SNS signing key and certificate, kept in
// the global scope of SNS's state so that, with --data-dir, a certificate a
// subscriber has fetched keeps verifying after a restart.
type signingRec struct {
	CertPEM string
	KeyPEM  string
}

// signingKeyName is the key of signingRec in the global scope.
const signingKeyName = "signing"

// global is the scope of state shared by every account and region.
var global = state.Scope{}

// signer signs envelopes. The RSA key is made on first use (generating one
// takes tens of milliseconds, which start-up should not pay).
type signer struct {
	mu   sync.Mutex
	rec  signingRec
	key  *rsa.PrivateKey
	keys *state.Table[signingRec]
	db   *state.DB
	now  func() time.Time
}

// load returns the key, creating and storing it on first use. A key the
// process holds is written back if the state lost it (a reset), so the
// certificate subscribers fetched stays valid for the life of the process.
func (g *signer) load(ctx context.Context) (*rsa.PrivateKey, signingRec, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var rec signingRec
	var ok bool
	_ = g.db.View(func(tx *state.Tx) error {
		rec, ok = g.keys.Get(tx, global, signingKeyName)
		return nil
	})
	if ok && g.key != nil && rec == g.rec {
		return g.key, g.rec, nil
	}
	if !ok {
		if g.key != nil {
			rec = g.rec
		} else {
			var err error
			if rec, err = newSigningRec(g.now()); err != nil {
				return nil, signingRec{}, err
			}
		}
		err := g.db.Update(ctx, func(tx *state.Tx) error {
			if cur, exists := g.keys.Get(tx, global, signingKeyName); exists {
				rec = cur
				return nil
			}
			g.keys.Put(tx, global, signingKeyName, rec)
			return nil
		})
		if err != nil {
			return nil, signingRec{}, fmt.Errorf("sns: keep signing key: %w", err)
		}
	}
	kb, _ := pem.Decode([]byte(rec.KeyPEM))
	if kb == nil {
		return nil, signingRec{}, fmt.Errorf("sns: stored signing key is not PEM")
	}
	key, err := x509.ParsePKCS1PrivateKey(kb.Bytes)
	if err != nil {
		return nil, signingRec{}, fmt.Errorf("sns: stored signing key: %w", err)
	}
	g.rec, g.key = rec, key
	return key, rec, nil
}

// newSigningRec makes a 2048-bit RSA key (the size of AWS's SNS signing
// keys) and a self-signed certificate for it, valid for ten years.
func newSigningRec(now time.Time) (signingRec, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return signingRec{}, fmt.Errorf("sns: signing key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return signingRec{}, fmt.Errorf("sns: certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "sns.localhost", Organization: []string{"haneul"}},
		DNSNames:     []string{"sns.localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return signingRec{}, fmt.Errorf("sns: signing certificate: %w", err)
	}
	return signingRec{
		CertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
	}, nil
}

// SigningCertPEM is the PEM certificate whose key signs SNS messages
// (haneul serves it at CertPath).
func (s *Service) SigningCertPEM(ctx context.Context) (string, error) {
	_, rec, err := s.signer.load(ctx)
	return rec.CertPEM, err
}

// stringToSign is the text an envelope's Signature covers.
// AWS: the listed keys in byte order, each followed by a newline and its
// value and a newline; Subject only when the message has one; SubscribeURL
// and Token only in (Un)SubscriptionConfirmation messages.
func stringToSign(e *envelope) string {
	var b strings.Builder
	add := func(k, v string) { b.WriteString(k + "\n" + v + "\n") }
	add("Message", e.Message)
	add("MessageId", e.MessageId)
	if e.Type == "Notification" {
		if e.Subject != "" {
			add("Subject", e.Subject)
		}
	} else {
		add("SubscribeURL", e.SubscribeURL)
	}
	add("Timestamp", e.Timestamp)
	if e.Type != "Notification" {
		add("Token", e.Token)
	}
	add("TopicArn", e.TopicArn)
	add("Type", e.Type)
	return b.String()
}

// sign fills e's Signature: RSA PKCS#1 v1.5 over SHA1 for SignatureVersion
// 1 and SHA256 for 2, as AWS signs, with the key of SigningCertURL.
func (s *Service) sign(ctx context.Context, e *envelope) error {
	key, _, err := s.signer.load(ctx)
	if err != nil {
		return err
	}
	text := []byte(stringToSign(e))
	var sig []byte
	if e.SignatureVersion == "2" {
		sum := sha256.Sum256(text)
		sig, err = rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	} else {
		sum := sha1.Sum(text)
		sig, err = rsa.SignPKCS1v15(nil, key, crypto.SHA1, sum[:])
	}
	if err != nil {
		return fmt.Errorf("sns: sign message: %w", err)
	}
	e.Signature = base64.StdEncoding.EncodeToString(sig)
	return nil
}
