package acm

import (
	"context"
	"sort"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
)

func tagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[ptr.Val(t.Key)] = ptr.Val(t.Value)
	}
	return m
}

// AddTagsToCertificate adds or replaces tags.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_AddTagsToCertificate.html
func (s *Service) AddTagsToCertificate(ctx context.Context, in *AddTagsToCertificateRequest) (*AddTagsToCertificateOutput, error) {
	return &AddTagsToCertificateOutput{}, s.update(ctx, *in.CertificateArn, func(c *certRec) error {
		for _, t := range in.Tags {
			c.Tags[ptr.Val(t.Key)] = ptr.Val(t.Value)
		}
		if len(c.Tags) > maxTags {
			return awserr.New("TooManyTagsException", 0, "the TagSet: %d tags exceeds the limit of %d", len(c.Tags), maxTags)
		}
		return nil
	})
}

// RemoveTagsFromCertificate removes tags: by key, or by key and value when
// a value is given.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_RemoveTagsFromCertificate.html
func (s *Service) RemoveTagsFromCertificate(ctx context.Context, in *RemoveTagsFromCertificateRequest) (*RemoveTagsFromCertificateOutput, error) {
	return &RemoveTagsFromCertificateOutput{}, s.update(ctx, *in.CertificateArn, func(c *certRec) error {
		for _, t := range in.Tags {
			k := ptr.Val(t.Key)
			if v, ok := c.Tags[k]; ok && (t.Value == nil || *t.Value == v) {
				delete(c.Tags, k)
			}
		}
		return nil
	})
}

// ListTagsForCertificate lists a certificate's tags.
//
// https://docs.aws.amazon.com/acm/latest/APIReference/API_ListTagsForCertificate.html
func (s *Service) ListTagsForCertificate(ctx context.Context, in *ListTagsForCertificateRequest) (*ListTagsForCertificateResponse, error) {
	c, err := s.get(ctx, *in.CertificateArn)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(c.Tags))
	for k := range c.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := &ListTagsForCertificateResponse{Tags: []Tag{}}
	for _, k := range keys {
		out.Tags = append(out.Tags, Tag{Key: ptr.To(k), Value: ptr.To(c.Tags[k])})
	}
	return out, nil
}
