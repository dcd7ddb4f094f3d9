package acm

import (
	"context"
	"crypto/tls"
	"fmt"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/reqctx"
)

// Use records that resource (a load balancer or distribution ARN) uses the
// certificate, so that it cannot be deleted (ResourceInUseException) until
// Release. Load balancer listeners and CloudFront call it with the caller's
// request context.
func (s *Service) Use(ctx context.Context, certARN, resource string) error {
	return s.update(ctx, certARN, func(c *certRec) error {
		if c.Status != statusIssued {
			return awserr.New("CertificateNotFound", 400, "Certificate '%s' not found", certARN)
		}
		if !contains(c.InUseBy, resource) {
			c.InUseBy = append(c.InUseBy, resource)
		}
		return nil
	})
}

// Release undoes Use.
func (s *Service) Release(ctx context.Context, certARN, resource string) error {
	return s.update(ctx, certARN, func(c *certRec) error {
		var keep []string
		for _, r := range c.InUseBy {
			if r != resource {
				keep = append(keep, r)
			}
		}
		c.InUseBy = keep
		return nil
	})
}

// TLSCertificate returns an issued or imported certificate with its chain
// and key, for data planes that terminate TLS (HTTPS listeners, CloudFront).
func (s *Service) TLSCertificate(ctx context.Context, account, region, certARN string) (tls.Certificate, error) {
	ctx = reqctx.With(ctx, &reqctx.Info{Account: account, Region: region})
	c, err := s.get(ctx, certARN)
	if err != nil {
		return tls.Certificate{}, err
	}
	if c.CertPEM == "" || c.KeyPEM == "" {
		return tls.Certificate{}, fmt.Errorf("acm: certificate %s is %s", certARN, c.Status)
	}
	return tls.X509KeyPair([]byte(c.CertPEM+c.ChainPEM), []byte(c.KeyPEM))
}
