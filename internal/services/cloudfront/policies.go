package cloudfront

import (
	"context"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
)

// managedPolicyTime is the LastModifiedTime of the managed policies.
var managedPolicyTime = time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)

// managedCachePolicies are the AWS-managed cache policies most
// configurations name, with AWS's ids (the same in every account), names
// and TTLs.
var managedCachePolicies = []CachePolicyConfig{
	managed("658327ea-f89d-4fab-a63d-7e88639e58f6", "Managed-CachingOptimized", "Policy with caching enabled. Supports Gzip and Brotli compression.", 1, 86400, 31536000, true, nil),
	managed("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "Managed-CachingDisabled", "Policy with caching disabled", 0, 0, 0, false, nil),
	managed("b2884449-e4de-46a7-ac36-70bc7f1ddd6d", "Managed-CachingOptimizedForUncompressedObjects", "Default policy when compression is disabled", 1, 86400, 31536000, false, nil),
	managed("83da9c7e-98b4-4e11-a168-04f0df8e2c65", "Managed-UseOriginCacheControlHeaders", "Policy for origins that return Cache-Control headers. Query strings are not included in the cache key.", 0, 0, 31536000, true,
		[]string{"host", "origin", "x-http-method-override", "x-http-method", "x-method-override"}),
}

// managedIDs maps a managed policy's name to its id.
var managedIDs = map[string]string{}

func managed(id, name, comment string, minTTL, defTTL, maxTTL int64, compress bool, headers []string) CachePolicyConfig {
	managedIDs[name] = id
	h := &CachePolicyHeadersConfig{HeaderBehavior: ptr.To("none")}
	if len(headers) > 0 {
		h = &CachePolicyHeadersConfig{HeaderBehavior: ptr.To("whitelist"), Headers: &Headers{Quantity: ptr.To(int64(len(headers))), Items: headers}}
	}
	return CachePolicyConfig{
		Name: ptr.To(name), Comment: ptr.To(comment), MinTTL: ptr.To(minTTL), DefaultTTL: ptr.To(defTTL), MaxTTL: ptr.To(maxTTL),
		ParametersInCacheKeyAndForwardedToOrigin: &ParametersInCacheKeyAndForwardedToOrigin{
			EnableAcceptEncodingGzip:   ptr.To(compress),
			EnableAcceptEncodingBrotli: ptr.To(compress),
			HeadersConfig:              h,
			CookiesConfig:              &CachePolicyCookiesConfig{CookieBehavior: ptr.To("none")},
			QueryStringsConfig:         &CachePolicyQueryStringsConfig{QueryStringBehavior: ptr.To("none")},
		},
	}
}

// managedCachePolicy returns the managed cache policy with id.
func managedCachePolicy(id string) (CachePolicyConfig, bool) {
	for _, c := range managedCachePolicies {
		if managedIDs[*c.Name] == id {
			return c, true
		}
	}
	return CachePolicyConfig{}, false
}

// managedETag is the (unchanging) version of a managed policy.
const managedETag = "E23ZP02F085DFQ"

func cachePolicy(c CachePolicyConfig) *CachePolicy {
	return &CachePolicy{Id: ptr.To(managedIDs[*c.Name]), LastModifiedTime: ptr.To(managedPolicyTime), CachePolicyConfig: &c}
}

func errNoSuchCachePolicy() error {
	return awserr.New("NoSuchCachePolicy", 0, "The cache policy does not exist.")
}

// ListCachePolicies lists the managed cache policies (haneul has no custom
// ones yet).
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListCachePolicies.html
func (s *Service) ListCachePolicies(ctx context.Context, in *ListCachePoliciesRequest) (*ListCachePoliciesResult, error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	list := &CachePolicyList{MaxItems: ptr.To(int64(limit))}
	if t := ptr.Val(in.Type); t == "" || t == "managed" {
		for _, c := range managedCachePolicies {
			list.Items = append(list.Items, CachePolicySummary{Type: ptr.To("managed"), CachePolicy: cachePolicy(c)})
		}
	}
	list.Quantity = ptr.To(int64(len(list.Items)))
	return &ListCachePoliciesResult{CachePolicyList: list}, nil
}

// GetCachePolicy returns a cache policy.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetCachePolicy.html
func (s *Service) GetCachePolicy(ctx context.Context, in *GetCachePolicyRequest) (*GetCachePolicyResult, error) {
	c, ok := managedCachePolicy(*in.Id)
	if !ok {
		return nil, errNoSuchCachePolicy()
	}
	return &GetCachePolicyResult{CachePolicy: cachePolicy(c), ETag: ptr.To(managedETag)}, nil
}

// GetCachePolicyConfig returns a cache policy's configuration.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetCachePolicyConfig.html
func (s *Service) GetCachePolicyConfig(ctx context.Context, in *GetCachePolicyConfigRequest) (*GetCachePolicyConfigResult, error) {
	c, ok := managedCachePolicy(*in.Id)
	if !ok {
		return nil, errNoSuchCachePolicy()
	}
	return &GetCachePolicyConfigResult{CachePolicyConfig: &c, ETag: ptr.To(managedETag)}, nil
}
