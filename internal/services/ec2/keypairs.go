package ec2

import (
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// keyRec is a key pair; only the public half is kept.
type keyRec struct{ KeyPairInfo }

func (k keyRec) id() string { return *k.KeyPairId }

func (s *Service) keyKind() *kind[keyRec] {
	return &kind[keyRec]{
		table: s.keys, id: keyRec.id,
		notFound: func(names []string) error {
			return awserr.New("InvalidKeyPair.NotFound", 400, "The key pair '%s' does not exist", strings.Join(names, ", "))
		},
		filters: map[string]func(keyRec) []string{
			"key-name":    func(k keyRec) []string { return []string{*k.KeyName} },
			"key-pair-id": func(k keyRec) []string { return []string{k.id()} },
			"fingerprint": func(k keyRec) []string { return []string{*k.KeyFingerprint} },
			"key-type":    func(k keyRec) []string { return []string{*k.KeyType} },
		},
	}
}

// keyByID finds a key pair by its id (the table is keyed by name).
func (s *Service) keyByID(tx *state.Tx, sc state.Scope, id string) (keyRec, bool) {
	var out keyRec
	found := false
	s.keys.Ascend(tx, sc, "", func(_ string, k keyRec) bool {
		if k.id() == id {
			out, found = k, true
		}
		return !found
	})
	return out, found
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}

// sshString appends an SSH wire-format string.
func sshString(dst, s []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

func sshMpint(dst []byte, n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return sshString(dst, b)
}

// authorizedKey renders a public key in OpenSSH's one-line form.
func authorizedKey(blob []byte, keyType, name string) string {
	return keyType + " " + base64.StdEncoding.EncodeToString(blob) + " " + name
}

// newKeyMaterial generates a key pair: the private key as AWS hands it out,
// the public key in OpenSSH form, and the fingerprint AWS reports.
//
// AWS: RSA keys come as PKCS#1 PEM with the SHA-1 of the PKCS#8 DER as
// fingerprint; ED25519 keys as OpenSSH PEM with a base64 SHA-256 fingerprint.
func newKeyMaterial(keyType, name string) (private, public, fingerprint string, err error) {
	switch keyType {
	case "ed25519":
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return "", "", "", fmt.Errorf("ed25519 key: %w", err)
		}
		blob := sshString(sshString(nil, []byte("ssh-ed25519")), pub)
		sum := sha256.Sum256(blob)
		return openSSHPrivate(pub, priv, blob, name), authorizedKey(blob, "ssh-ed25519", name), base64.StdEncoding.EncodeToString(sum[:]), nil
	default:
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return "", "", "", fmt.Errorf("rsa key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return "", "", "", fmt.Errorf("rsa key: %w", err)
		}
		sum := sha1.Sum(der)
		blob := sshMpint(sshMpint(sshString(nil, []byte("ssh-rsa")), big.NewInt(int64(k.E))), k.N)
		p := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
		return strings.TrimSuffix(string(p), "\n"), authorizedKey(blob, "ssh-rsa", name), colonHex(sum[:]), nil
	}
}

// openSSHPrivate writes an unencrypted ED25519 key in the openssh-key-v1 format.
func openSSHPrivate(pub ed25519.PublicKey, priv ed25519.PrivateKey, blob []byte, comment string) string {
	var check [4]byte
	_, _ = rand.Read(check[:])
	var inner []byte
	inner = append(inner, check[:]...)
	inner = append(inner, check[:]...)
	inner = sshString(inner, []byte("ssh-ed25519"))
	inner = sshString(inner, pub)
	inner = sshString(inner, priv)
	inner = sshString(inner, []byte(comment))
	for i := byte(1); len(inner)%8 != 0; i++ {
		inner = append(inner, i)
	}
	out := []byte("openssh-key-v1\x00")
	out = sshString(out, []byte("none"))
	out = sshString(out, []byte("none"))
	out = sshString(out, nil)
	out = binary.BigEndian.AppendUint32(out, 1)
	out = sshString(out, blob)
	out = sshString(out, inner)
	return strings.TrimSuffix(string(pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: out})), "\n")
}

// parsePublicKey reads an imported public key (OpenSSH one-line form) and
// returns its type and AWS's fingerprint of it.
//
// AWS: imported RSA keys are fingerprinted by the MD5 of the DER public key;
// ED25519 keys by the base64 SHA-256 of the key blob.
func parsePublicKey(material []byte) (keyType, fingerprint, public string, err error) {
	bad := awserr.New("InvalidKey.Format", 400, "Key is not in valid OpenSSH public key format")
	fields := strings.Fields(string(material))
	if len(fields) < 2 {
		return "", "", "", bad
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return "", "", "", bad
	}
	var parts [][]byte
	for rest := blob; len(rest) > 0; {
		if len(rest) < 4 {
			return "", "", "", bad
		}
		n := binary.BigEndian.Uint32(rest)
		if uint32(len(rest)-4) < n {
			return "", "", "", bad
		}
		parts = append(parts, rest[4:4+n])
		rest = rest[4+n:]
	}
	if len(parts) == 0 || string(parts[0]) != fields[0] {
		return "", "", "", bad
	}
	switch fields[0] {
	case "ssh-rsa":
		if len(parts) != 3 {
			return "", "", "", bad
		}
		pk := &rsa.PublicKey{E: int(new(big.Int).SetBytes(parts[1]).Int64()), N: new(big.Int).SetBytes(parts[2])}
		der, err := x509.MarshalPKIXPublicKey(pk)
		if err != nil {
			return "", "", "", bad
		}
		sum := md5.Sum(der)
		return "rsa", colonHex(sum[:]), strings.TrimSpace(string(material)), nil
	case "ssh-ed25519":
		sum := sha256.Sum256(blob)
		return "ed25519", base64.StdEncoding.EncodeToString(sum[:]), strings.TrimSpace(string(material)), nil
	}
	return "", "", "", bad
}

func (s *Service) putKey(ctx context.Context, sc state.Scope, name, keyType, fingerprint, public string, specs []TagSpecification) (keyRec, []Tag, error) {
	tags, err := specTags(specs, "key-pair")
	if err != nil {
		return keyRec{}, nil, err
	}
	var k keyRec
	var tl []Tag
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		// AWS: key names are unique per account and region.
		if _, dup := s.keys.Get(tx, sc, name); dup {
			return awserr.New("InvalidKeyPair.Duplicate", 400, "The keypair already exists")
		}
		k = keyRec{KeyPairInfo{
			KeyName: ptr.To(name), KeyPairId: ptr.To(ids.Hex("key", 17)), KeyType: ptr.To(keyType),
			KeyFingerprint: ptr.To(fingerprint), PublicKey: ptr.To(public), CreateTime: ptr.To(s.now()),
		}}
		s.keys.Put(tx, sc, name, k)
		s.setTags(tx, sc, k.id(), tags)
		tl = s.tagList(tx, sc, k.id())
		return nil
	})
	return k, tl, err
}

// CreateKeyPair creates a key pair and returns its private key, which haneul does not keep.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateKeyPair.html
func (s *Service) CreateKeyPair(ctx context.Context, in *CreateKeyPairRequest) (*KeyPair, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	keyType := ptr.Val(in.KeyType)
	if keyType == "" {
		keyType = "rsa"
	}
	if ptr.Val(in.KeyFormat) == "ppk" {
		return nil, awserr.New("InvalidParameterValue", 400, "The ppk key format is not supported by haneul; use pem")
	}
	priv, pub, fp, err := newKeyMaterial(keyType, *in.KeyName)
	if err != nil {
		return nil, err
	}
	k, tags, err := s.putKey(ctx, sc, *in.KeyName, keyType, fp, pub, in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	return &KeyPair{KeyName: k.KeyName, KeyPairId: k.KeyPairId, KeyFingerprint: k.KeyFingerprint, KeyMaterial: ptr.To(priv), Tags: tags}, nil
}

// ImportKeyPair imports the public key of a pair made elsewhere.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html
func (s *Service) ImportKeyPair(ctx context.Context, in *ImportKeyPairRequest) (*ImportKeyPairResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	keyType, fp, pub, err := parsePublicKey(in.PublicKeyMaterial)
	if err != nil {
		return nil, err
	}
	k, tags, err := s.putKey(ctx, sc, *in.KeyName, keyType, fp, pub, in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	return &ImportKeyPairResult{KeyName: k.KeyName, KeyPairId: k.KeyPairId, KeyFingerprint: k.KeyFingerprint, Tags: tags}, nil
}

// DescribeKeyPairs lists key pairs, with their public keys when asked.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeKeyPairs.html
func (s *Service) DescribeKeyPairs(ctx context.Context, in *DescribeKeyPairsRequest) (*DescribeKeyPairsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeKeyPairsResult{KeyPairs: []KeyPairInfo{}}
	err = s.db.View(func(tx *state.Tx) error {
		names := in.KeyNames
		for _, id := range in.KeyPairIds {
			k, ok := s.keyByID(tx, sc, id)
			if !ok {
				return awserr.New("InvalidKeyPair.NotFound", 400, "The key pair '%s' does not exist", id)
			}
			names = append(names, *k.KeyName)
		}
		recs, _, err := describe(s, tx, sc, s.kinds.key, query{IDs: names, Filters: in.Filters})
		for _, k := range recs {
			o := k.KeyPairInfo
			if !ptr.Val(in.IncludePublicKey) {
				o.PublicKey = nil
			}
			o.Tags = s.tagList(tx, sc, k.id())
			out.KeyPairs = append(out.KeyPairs, o)
		}
		return err
	})
	return out, err
}

// DeleteKeyPair deletes a key pair; deleting one that does not exist succeeds.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteKeyPair.html
func (s *Service) DeleteKeyPair(ctx context.Context, in *DeleteKeyPairRequest) (*DeleteKeyPairResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DeleteKeyPairResult{Return: ptr.To(true)}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var k keyRec
		var ok bool
		if in.KeyPairId != nil {
			k, ok = s.keyByID(tx, sc, *in.KeyPairId)
		} else if in.KeyName != nil {
			k, ok = s.keys.Get(tx, sc, *in.KeyName)
		}
		if !ok {
			return nil
		}
		s.keys.Delete(tx, sc, *k.KeyName)
		s.dropTags(tx, sc, k.id())
		out.KeyPairId = k.KeyPairId
		return nil
	})
	return out, err
}
