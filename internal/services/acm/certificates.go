package acm

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// certRec is a certificate.
type certRec struct {
	ID                 string
	ARN                string
	Type               string // AMAZON_ISSUED, IMPORTED, PRIVATE
	Status             string
	Domain             string
	SANs               []string // every name on the certificate, the domain first
	ValidationMethod   string
	KeyAlgorithm       string
	DVOs               []dvo
	CTLogging          string
	Export             string
	CertPEM            string
	ChainPEM           string
	KeyPEM             string
	Serial             string
	Subject            string
	Issuer             string
	SignatureAlgorithm string
	NotBefore          time.Time
	NotAfter           time.Time
	CreatedAt          time.Time
	IssuedAt           time.Time
	ImportedAt         time.Time
	InUseBy            []string
	Tags               map[string]string
	Version            int64 // bumped on every change, for refresh's compare-and-set
}

// names are the names the certificate is for, the domain first.
func (c certRec) names() []string {
	return append([]string(nil), c.SANs...)
}

// AWS: a tag key is at most 128 characters, a value 256; at most 50 tags.
const maxTags = 50

func scope(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	return state.Scope{Account: info.Account, Region: info.Region}
}

// idOf extracts the certificate id from an ARN of the caller's scope.
func idOf(ctx context.Context, certARN string) (string, error) {
	a, err := arn.Parse(certARN)
	if err != nil || a.Service != "acm" || !strings.HasPrefix(a.Resource, "certificate/") {
		return "", awserr.New("InvalidArnException", 0, "String '%s' is not a valid ARN.", certARN)
	}
	sc := scope(ctx)
	if a.Account != sc.Account || a.Region != sc.Region {
		return "", notFound(certARN)
	}
	return strings.TrimPrefix(a.Resource, "certificate/"), nil
}

func notFound(certARN string) error {
	return awserr.New("ResourceNotFoundException", 0, "Could not find certificate %s.", certARN)
}

// get reads a certificate by ARN, refreshed.
func (s *Service) get(ctx context.Context, certARN string) (certRec, error) {
	id, err := idOf(ctx, certARN)
	if err != nil {
		return certRec{}, err
	}
	c, err := s.refresh(ctx, scope(ctx), id)
	if err != nil {
		return c, err
	}
	if c.ID == "" {
		return c, notFound(certARN)
	}
	return c, nil
}

// supportedKeys are the algorithms RequestCertificate accepts.
var supportedKeys = map[string]bool{"RSA_2048": true, "EC_prime256v1": true, "EC_secp384r1": true}

// RequestCertificate requests a certificate for a domain and its subject
// alternative names. With DNS validation it waits for the CNAME records its
// DomainValidationOptions name; with EMAIL validation (the default) haneul
// issues it at once, as if every owner had approved.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
func (s *Service) RequestCertificate(ctx context.Context, in *RequestCertificateRequest) (*RequestCertificateResponse, error) {
	sc := scope(ctx)
	now := s.clock.Now().UTC()
	alg := ptr.Or(in.KeyAlgorithm, "RSA_2048")
	if !supportedKeys[alg] && in.CertificateAuthorityArn == nil {
		return nil, awserr.New("ValidationException", 0, "The key algorithm %s is not supported for public certificates. Supported: RSA_2048, EC_prime256v1, EC_secp384r1.", alg)
	}
	method := ptr.Or(in.ValidationMethod, "EMAIL")
	domain := strings.ToLower(strings.TrimSuffix(*in.DomainName, "."))
	names := []string{domain}
	for _, n := range in.SubjectAlternativeNames {
		n = strings.ToLower(strings.TrimSuffix(n, "."))
		if !contains(names, n) {
			names = append(names, n)
		}
	}
	for _, n := range names {
		if strings.Count(n, ".") < 1 || strings.Contains(strings.TrimPrefix(n, "*."), "*") {
			return nil, awserr.New("InvalidDomainValidationOptionsException", 0, "Domain name %s is not valid.", n)
		}
	}
	validationDomains := map[string]string{}
	for _, o := range in.DomainValidationOptions {
		d := strings.ToLower(ptr.Val(o.DomainName))
		if !contains(names, d) {
			return nil, awserr.New("InvalidDomainValidationOptionsException", 0, "DomainValidationOption %s is not one of the certificate's names.", d)
		}
		validationDomains[d] = strings.ToLower(ptr.Val(o.ValidationDomain))
	}
	if len(in.Tags) > maxTags {
		return nil, awserr.New("TooManyTagsException", 0, "the TagSet: %d tags exceeds the limit of %d", len(in.Tags), maxTags)
	}
	id := ids.UUID()
	c := certRec{
		ID:               id,
		ARN:              arn.New("acm", sc.Region, sc.Account, "certificate/"+id),
		Type:             "AMAZON_ISSUED",
		Status:           statusPending,
		Domain:           domain,
		SANs:             names,
		ValidationMethod: method,
		KeyAlgorithm:     alg,
		CTLogging:        "ENABLED",
		CreatedAt:        now,
		Tags:             tagMap(in.Tags),
	}
	if in.Options != nil {
		c.CTLogging = ptr.Or(in.Options.CertificateTransparencyLoggingPreference, "ENABLED")
		c.Export = ptr.Val(in.Options.Export)
	}
	for _, n := range names {
		d := dvo{Domain: n, ValidationDomain: n, Method: method, Status: statusPending}
		if vd := validationDomains[n]; vd != "" {
			d.ValidationDomain = vd
		}
		if method == "DNS" {
			d.RecordName, d.RecordValue = validationRecord(sc.Account, n)
		} else {
			// AWS waits for an owner to click the link; haneul has nobody to ask.
			d.Emails, d.Status = validationEmails(d.ValidationDomain), "SUCCESS"
		}
		c.DVOs = append(c.DVOs, d)
	}
	if in.CertificateAuthorityArn != nil {
		c.Type = "PRIVATE"
		for i := range c.DVOs {
			c.DVOs[i].Status = "SUCCESS"
		}
	}
	token := ptr.Val(in.IdempotencyToken)
	var out string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		// AWS: the same idempotency token within an hour returns the same certificate.
		if token != "" {
			if t, ok := s.tokens.Get(tx, sc, token); ok && now.Before(t.At.Add(time.Hour)) {
				if _, exists := s.certs.Get(tx, sc, t.ARN[strings.LastIndex(t.ARN, "/")+1:]); exists {
					out = t.ARN
					return nil
				}
			}
			s.tokens.Put(tx, sc, token, tokenRec{ARN: c.ARN, At: now})
		}
		s.certs.Put(tx, sc, c.ID, c)
		out = c.ARN
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == c.ARN && (method == "EMAIL" || c.Type == "PRIVATE") {
		if _, err := s.refresh(ctx, sc, c.ID); err != nil {
			return nil, err
		}
	}
	return &RequestCertificateResponse{CertificateArn: ptr.To(out)}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// renewalEligibility: AWS renews certificates it issued that are in use.
func (c certRec) renewalEligibility() string {
	if c.Type != "IMPORTED" && c.Status == statusIssued && len(c.InUseBy) > 0 {
		return "ELIGIBLE"
	}
	return "INELIGIBLE"
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

var (
	keyUsages = []string{"DIGITAL_SIGNATURE", "KEY_ENCIPHERMENT"}
	extUsages = []ExtendedKeyUsage{
		{Name: ptr.To("TLS_WEB_SERVER_AUTHENTICATION"), OID: ptr.To("1.3.6.1.5.5.7.3.1")},
		{Name: ptr.To("TLS_WEB_CLIENT_AUTHENTICATION"), OID: ptr.To("1.3.6.1.5.5.7.3.2")},
	}
)

// detail is the CertificateDetail shape.
func (c certRec) detail() *CertificateDetail {
	d := &CertificateDetail{
		CertificateArn:          ptr.To(c.ARN),
		DomainName:              ptr.To(c.Domain),
		SubjectAlternativeNames: c.names(),
		Status:                  ptr.To(c.Status),
		Type:                    ptr.To(c.Type),
		KeyAlgorithm:            ptr.To(c.KeyAlgorithm),
		InUseBy:                 append([]string{}, c.InUseBy...),
		RenewalEligibility:      ptr.To(c.renewalEligibility()),
		CreatedAt:               timePtr(c.CreatedAt),
		IssuedAt:                timePtr(c.IssuedAt),
		ImportedAt:              timePtr(c.ImportedAt),
		NotBefore:               timePtr(c.NotBefore),
		NotAfter:                timePtr(c.NotAfter),
		Options:                 &CertificateOptions{CertificateTransparencyLoggingPreference: ptr.To(c.CTLogging)},
	}
	if c.Export != "" {
		d.Options.Export = ptr.To(c.Export)
	}
	if c.Type != "IMPORTED" {
		for _, v := range c.DVOs {
			d.DomainValidationOptions = append(d.DomainValidationOptions, v.out())
		}
	}
	if c.Serial != "" {
		d.Serial, d.Subject, d.Issuer, d.SignatureAlgorithm = ptr.To(c.Serial), ptr.To(c.Subject), ptr.To(c.Issuer), ptr.To(c.SignatureAlgorithm)
		for _, u := range keyUsages {
			d.KeyUsages = append(d.KeyUsages, KeyUsage{Name: ptr.To(u)})
		}
		d.ExtendedKeyUsages = extUsages
	}
	if c.Status == statusTimedOut || c.Status == statusFailed {
		d.FailureReason = ptr.To("NO_AVAILABLE_CONTACTS")
	}
	return d
}

// DescribeCertificate returns a certificate's details; a certificate
// awaiting DNS validation is checked against Route 53 first.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html
func (s *Service) DescribeCertificate(ctx context.Context, in *DescribeCertificateRequest) (*DescribeCertificateResponse, error) {
	c, err := s.get(ctx, *in.CertificateArn)
	if err != nil {
		return nil, err
	}
	return &DescribeCertificateResponse{Certificate: c.detail()}, nil
}

// GetCertificate returns an issued certificate and its chain, in PEM.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_GetCertificate.html
func (s *Service) GetCertificate(ctx context.Context, in *GetCertificateRequest) (*GetCertificateResponse, error) {
	c, err := s.get(ctx, *in.CertificateArn)
	if err != nil {
		return nil, err
	}
	if c.CertPEM == "" {
		return nil, awserr.New("RequestInProgressException", 0, "Certificate arn %s is not yet issued.", c.ARN)
	}
	out := &GetCertificateResponse{Certificate: ptr.To(c.CertPEM)}
	if c.ChainPEM != "" {
		out.CertificateChain = ptr.To(c.ChainPEM)
	}
	return out, nil
}

// DeleteCertificate deletes a certificate no AWS resource uses.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_DeleteCertificate.html
func (s *Service) DeleteCertificate(ctx context.Context, in *DeleteCertificateRequest) (*DeleteCertificateOutput, error) {
	id, err := idOf(ctx, *in.CertificateArn)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		c, ok := s.certs.Get(tx, sc, id)
		if !ok {
			return notFound(*in.CertificateArn)
		}
		if len(c.InUseBy) > 0 {
			// AWS: a certificate associated with a load balancer or distribution cannot be deleted.
			return awserr.New("ResourceInUseException", 0, "Certificate %s in account %s is in use.", c.ARN, sc.Account)
		}
		s.certs.Delete(tx, sc, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteCertificateOutput{}, nil
}

// ListCertificates lists certificates, filtered by status and (by default,
// as AWS does, RSA_1024 and RSA_2048 only) key type, MaxItems at a time.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_ListCertificates.html
func (s *Service) ListCertificates(ctx context.Context, in *ListCertificatesRequest) (*ListCertificatesResponse, error) {
	n := int(ptr.Or(in.MaxItems, 1000))
	keyTypes := []string{"RSA_1024", "RSA_2048"}
	var usage, extUsage []string
	var managedBy string
	if inc := in.Includes; inc != nil {
		if len(inc.KeyTypes) > 0 {
			keyTypes = inc.KeyTypes
		}
		usage, extUsage, managedBy = inc.KeyUsage, inc.ExtendedKeyUsage, ptr.Val(inc.ManagedBy)
	}
	sc := scope(ctx)
	var ids []string
	_ = s.db.View(func(tx *state.Tx) error {
		s.certs.Ascend(tx, sc, "", func(id string, _ certRec) bool {
			ids = append(ids, id)
			return true
		})
		return nil
	})
	var list []certRec
	for _, id := range ids {
		c, err := s.refresh(ctx, sc, id)
		if err != nil {
			return nil, err
		}
		if c.ID == "" || !contains(keyTypes, c.KeyAlgorithm) {
			continue
		}
		if len(in.CertificateStatuses) > 0 && !contains(in.CertificateStatuses, c.Status) {
			continue
		}
		if managedBy != "" || !usageMatch(c, usage, extUsage) {
			continue
		}
		list = append(list, c)
	}
	desc := ptr.Val(in.SortOrder) == "DESCENDING"
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt) != desc
		}
		return (a.ID < b.ID) != desc
	})
	start := 0
	if tok := ptr.Val(in.NextToken); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return nil, awserr.New("InvalidArgsException", 0, "The NextToken is not valid.")
		}
		start = len(list)
		for i, c := range list {
			if c.ID == string(b) {
				start = i
				break
			}
		}
	}
	out := &ListCertificatesResponse{CertificateSummaryList: []CertificateSummary{}}
	for i := start; i < len(list); i++ {
		if len(out.CertificateSummaryList) == n {
			out.NextToken = ptr.To(base64.RawURLEncoding.EncodeToString([]byte(list[i].ID)))
			break
		}
		out.CertificateSummaryList = append(out.CertificateSummaryList, list[i].summary())
	}
	return out, nil
}

func usageMatch(c certRec, usage, ext []string) bool {
	if len(usage) == 0 && len(ext) == 0 {
		return true
	}
	if c.Serial == "" {
		return false
	}
	for _, u := range usage {
		if u != "ANY" && !contains(keyUsages, u) {
			return false
		}
	}
	for _, u := range ext {
		if u != "ANY" && u != "TLS_WEB_SERVER_AUTHENTICATION" && u != "TLS_WEB_CLIENT_AUTHENTICATION" {
			return false
		}
	}
	return true
}

// summary is the CertificateSummary shape.
func (c certRec) summary() CertificateSummary {
	sans := c.names()
	s := CertificateSummary{
		CertificateArn:                       ptr.To(c.ARN),
		DomainName:                           ptr.To(c.Domain),
		SubjectAlternativeNameSummaries:      sans,
		HasAdditionalSubjectAlternativeNames: ptr.To(false),
		Status:                               ptr.To(c.Status),
		Type:                                 ptr.To(c.Type),
		KeyAlgorithm:                         ptr.To(c.KeyAlgorithm),
		InUse:                                ptr.To(len(c.InUseBy) > 0),
		Exported:                             ptr.To(false),
		RenewalEligibility:                   ptr.To(c.renewalEligibility()),
		CreatedAt:                            timePtr(c.CreatedAt),
		IssuedAt:                             timePtr(c.IssuedAt),
		ImportedAt:                           timePtr(c.ImportedAt),
		NotBefore:                            timePtr(c.NotBefore),
		NotAfter:                             timePtr(c.NotAfter),
	}
	if c.Serial != "" {
		s.KeyUsages = append([]string(nil), keyUsages...)
		s.ExtendedKeyUsages = []string{"TLS_WEB_SERVER_AUTHENTICATION", "TLS_WEB_CLIENT_AUTHENTICATION"}
	}
	return s
}

// ImportCertificate imports a certificate with its private key (and
// chain), or reimports over an imported certificate's ARN.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_ImportCertificate.html
func (s *Service) ImportCertificate(ctx context.Context, in *ImportCertificateRequest) (*ImportCertificateResponse, error) {
	cert, keyAlg, err := parseImport(in.Certificate, in.PrivateKey, in.CertificateChain)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	now := s.clock.Now().UTC()
	c := certRec{
		Type:               "IMPORTED",
		Status:             statusIssued,
		KeyAlgorithm:       keyAlg,
		CTLogging:          "DISABLED",
		CertPEM:            string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
		ChainPEM:           strings.TrimSpace(string(in.CertificateChain)),
		KeyPEM:             string(in.PrivateKey),
		Serial:             colonHex(cert.SerialNumber.Bytes()),
		Subject:            subject(cert),
		Issuer:             issuerName(cert),
		SignatureAlgorithm: strings.ToUpper(strings.ReplaceAll(cert.SignatureAlgorithm.String(), "-", "WITH")),
		NotBefore:          cert.NotBefore.UTC(),
		NotAfter:           cert.NotAfter.UTC(),
		ImportedAt:         now,
		CreatedAt:          now,
		Tags:               tagMap(in.Tags),
	}
	if c.ChainPEM != "" {
		c.ChainPEM += "\n"
	}
	c.Domain = cert.Subject.CommonName
	if c.Domain == "" && len(cert.DNSNames) > 0 {
		c.Domain = cert.DNSNames[0]
	}
	c.SANs = []string{c.Domain}
	for _, n := range cert.DNSNames {
		if !contains(c.SANs, n) {
			c.SANs = append(c.SANs, n)
		}
	}
	if now.After(c.NotAfter) {
		c.Status = statusExpired
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if in.CertificateArn != nil {
			id, err := idOf(ctx, *in.CertificateArn)
			if err != nil {
				return err
			}
			old, ok := s.certs.Get(tx, sc, id)
			if !ok {
				return notFound(*in.CertificateArn)
			}
			if old.Type != "IMPORTED" {
				return awserr.New("ValidationException", 400, "Certificate %s is not an imported certificate and cannot be reimported.", old.ARN)
			}
			if len(in.Tags) > 0 {
				// AWS: tags cannot be given when reimporting.
				return awserr.New("InvalidParameterException", 0, "Tags can only be specified when importing a new certificate.")
			}
			c.ID, c.ARN, c.Tags, c.InUseBy, c.CreatedAt, c.Version = old.ID, old.ARN, old.Tags, old.InUseBy, old.CreatedAt, old.Version+1
		} else {
			c.ID = ids.UUID()
			c.ARN = arn.New("acm", sc.Region, sc.Account, "certificate/"+c.ID)
		}
		s.certs.Put(tx, sc, c.ID, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ImportCertificateResponse{CertificateArn: ptr.To(c.ARN)}, nil
}

// parseImport checks an imported certificate, key and chain as ACM does.
func parseImport(certPEM, keyPEM, chainPEM []byte) (*x509.Certificate, string, error) {
	invalid := func(format string, args ...any) error {
		return awserr.New("ValidationException", 400, format, args...)
	}
	block, rest := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, "", invalid("Could not decode the certificate. It must be PEM encoded.")
	}
	if b, _ := pem.Decode(rest); b != nil {
		return nil, "", invalid("The certificate field contains more than one certificate. You can specify only one certificate in this field.")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, "", invalid("Could not parse the certificate: %v", err)
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, "", invalid("Could not decode the private key. It must be PEM encoded.")
	}
	var key crypto.Signer
	if k, err := x509.ParsePKCS8PrivateKey(kb.Bytes); err == nil {
		key, _ = k.(crypto.Signer)
	} else if k, err := x509.ParsePKCS1PrivateKey(kb.Bytes); err == nil {
		key = k
	} else if k, err := x509.ParseECPrivateKey(kb.Bytes); err == nil {
		key = k
	}
	if key == nil {
		return nil, "", invalid("The private key is not supported.")
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, "", invalid("The private key does not match the public key in the certificate.")
	}
	for rest := chainPEM; len(strings.TrimSpace(string(rest))) > 0; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, "", invalid("Could not decode the certificate chain. It must be PEM encoded.")
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return nil, "", invalid("Could not parse the certificate chain: %v", err)
		}
	}
	var alg string
	switch k := key.(type) {
	case *rsa.PrivateKey:
		alg = "RSA_" + strconv.Itoa(k.N.BitLen())
	case *ecdsa.PrivateKey:
		switch k.Curve.Params().Name {
		case "P-256":
			alg = "EC_prime256v1"
		case "P-384":
			alg = "EC_secp384r1"
		case "P-521":
			alg = "EC_secp521r1"
		}
	}
	if alg == "" {
		return nil, "", invalid("The private key algorithm is not supported.")
	}
	return cert, alg, nil
}

func subject(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return "CN=" + c.Subject.CommonName
	}
	return c.Subject.String()
}

func issuerName(c *x509.Certificate) string {
	if len(c.Issuer.Organization) > 0 {
		return c.Issuer.Organization[0]
	}
	return c.Issuer.CommonName
}

// UpdateCertificateOptions sets a certificate's transparency logging preference.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_UpdateCertificateOptions.html
func (s *Service) UpdateCertificateOptions(ctx context.Context, in *UpdateCertificateOptionsRequest) (*UpdateCertificateOptionsOutput, error) {
	return &UpdateCertificateOptionsOutput{}, s.update(ctx, *in.CertificateArn, func(c *certRec) error {
		if in.Options != nil {
			c.CTLogging = ptr.Or(in.Options.CertificateTransparencyLoggingPreference, c.CTLogging)
		}
		return nil
	})
}

// ResendValidationEmail is accepted and does nothing: haneul sends no mail,
// and email-validated certificates are issued at once.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_ResendValidationEmail.html
func (s *Service) ResendValidationEmail(ctx context.Context, in *ResendValidationEmailRequest) (*ResendValidationEmailOutput, error) {
	c, err := s.get(ctx, *in.CertificateArn)
	if err != nil {
		return nil, err
	}
	if c.Status != statusPending || c.ValidationMethod != "EMAIL" {
		return nil, awserr.New("InvalidStateException", 0, "Certificate %s is in state %s, not pending email validation.", c.ARN, c.Status)
	}
	return &ResendValidationEmailOutput{}, nil
}

// update changes a certificate of the caller's scope.
func (s *Service) update(ctx context.Context, certARN string, fn func(*certRec) error) error {
	id, err := idOf(ctx, certARN)
	if err != nil {
		return err
	}
	sc := scope(ctx)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		c, ok := s.certs.Get(tx, sc, id)
		if !ok {
			return notFound(certARN)
		}
		c.InUseBy = append([]string(nil), c.InUseBy...)
		tags := make(map[string]string, len(c.Tags))
		for k, v := range c.Tags {
			tags[k] = v
		}
		c.Tags = tags
		if err := fn(&c); err != nil {
			return err
		}
		c.Version++
		s.certs.Put(tx, sc, id, c)
		return nil
	})
}

// GetAccountConfiguration returns the account's expiry event settings.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_GetAccountConfiguration.html
func (s *Service) GetAccountConfiguration(context.Context, *GetAccountConfigurationInput) (*GetAccountConfigurationResponse, error) {
	// AWS: expiry events start 45 days before expiry unless configured.
	return &GetAccountConfigurationResponse{ExpiryEvents: &ExpiryEventsConfiguration{DaysBeforeExpiry: ptr.To(int64(45))}}, nil
}

// String makes certRec print usefully in test failures.
func (c certRec) String() string { return fmt.Sprintf("%s %s %s", c.ARN, c.Domain, c.Status) }
