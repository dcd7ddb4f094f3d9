package s3

import (
	"context"
	"encoding/json"
	"net/http"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
)

// This file holds the bucket sub-resources: each is kept as sent, returned
// by its Get, and removed by its Delete; a Get of one never set answers
// AWS's NoSuch*/…NotFoundError code, which Terraform's provider relies on.

// getConf reads the bucket and returns what get picks from it.
func getConf[T any](s *Service, bucket string, get func(b bucketRec) (*T, error)) (*T, error) {
	b, err := s.viewBucket(bucket)
	if err != nil {
		return nil, err
	}
	return get(b)
}

// setConf changes the bucket with set.
func setConf[T any](ctx context.Context, s *Service, bucket string, set func(b *bucketRec) error) (*T, error) {
	if err := s.updateBucket(ctx, bucket, set); err != nil {
		return nil, err
	}
	return new(T), nil
}

// PutBucketTagging replaces the bucket's tags.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
func (s *Service) PutBucketTagging(ctx context.Context, in *PutBucketTaggingRequest) (*PutBucketTaggingOutput, error) {
	if err := checkTags(in.Tagging.TagSet); err != nil {
		return nil, err
	}
	return setConf[PutBucketTaggingOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Tags = in.Tagging.TagSet; return nil })
}

// GetBucketTagging returns the bucket's tags.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
func (s *Service) GetBucketTagging(ctx context.Context, in *GetBucketTaggingRequest) (*GetBucketTaggingOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketTaggingOutput, error) {
		if len(b.Tags) == 0 {
			return nil, notFound("NoSuchTagSet", "The TagSet does not exist")
		}
		return &GetBucketTaggingOutput{TagSet: b.Tags}, nil
	})
}

// DeleteBucketTagging removes the bucket's tags.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketTagging.html
func (s *Service) DeleteBucketTagging(ctx context.Context, in *DeleteBucketTaggingRequest) (*DeleteBucketTaggingOutput, error) {
	return setConf[DeleteBucketTaggingOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Tags = nil; return nil })
}

// checkTags applies S3's tag rules.
// AWS: at most 50 tags, keys unique, keys ≤ 128 and values ≤ 256 characters.
func checkTags(tags []Tag) error {
	if len(tags) > 50 {
		return errInvalidArgument("Object tags cannot be greater than 50")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k := ptr.Val(t.Key)
		if seen[k] {
			return errInvalidArgument("Cannot provide multiple Tags with the same key")
		}
		seen[k] = true
		if len(k) == 0 || len([]rune(k)) > 128 {
			return awserr.New("InvalidTag", http.StatusBadRequest, "The TagKey you have provided is invalid")
		}
		if len([]rune(ptr.Val(t.Value))) > 256 {
			return awserr.New("InvalidTag", http.StatusBadRequest, "The TagValue you have provided is invalid")
		}
	}
	return nil
}

// PutBucketVersioning enables or suspends versioning.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
func (s *Service) PutBucketVersioning(ctx context.Context, in *PutBucketVersioningRequest) (*PutBucketVersioningOutput, error) {
	st := ptr.Val(in.VersioningConfiguration.Status)
	return setConf[PutBucketVersioningOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		if st == "" {
			return errMalformedXML()
		}
		if b.ObjectLock != nil && st == "Suspended" {
			return awserr.New("InvalidBucketState", http.StatusConflict, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
		}
		b.Versioning = st
		if m := in.VersioningConfiguration.MFADelete; m != nil {
			b.MFADelete = *m
		}
		return nil
	})
}

// GetBucketVersioning returns the versioning state ("" before it was ever set).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
func (s *Service) GetBucketVersioning(ctx context.Context, in *GetBucketVersioningRequest) (*GetBucketVersioningOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketVersioningOutput, error) {
		out := &GetBucketVersioningOutput{}
		if b.Versioning != "" {
			out.Status = ptr.To(b.Versioning)
		}
		if b.MFADelete != "" {
			out.MFADelete = ptr.To(b.MFADelete)
		}
		return out, nil
	})
}

// PutBucketEncryption sets the default encryption.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
func (s *Service) PutBucketEncryption(ctx context.Context, in *PutBucketEncryptionRequest) (*PutBucketEncryptionOutput, error) {
	return setConf[PutBucketEncryptionOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		b.Encryption = in.ServerSideEncryptionConfiguration
		return nil
	})
}

// GetBucketEncryption returns the default encryption.
//
// AWS: every bucket has SSE-S3 (AES256) default encryption since January 2023.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
func (s *Service) GetBucketEncryption(ctx context.Context, in *GetBucketEncryptionRequest) (*GetBucketEncryptionOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketEncryptionOutput, error) {
		if b.Encryption == nil {
			return &GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: defaultEncryption()}, nil
		}
		return &GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: b.Encryption}, nil
	})
}

func defaultEncryption() *ServerSideEncryptionConfiguration {
	return &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: ptr.To("AES256")},
		BucketKeyEnabled:                   ptr.To(false),
	}}}
}

// DeleteBucketEncryption resets the default encryption to SSE-S3.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html
func (s *Service) DeleteBucketEncryption(ctx context.Context, in *DeleteBucketEncryptionRequest) (*DeleteBucketEncryptionOutput, error) {
	return setConf[DeleteBucketEncryptionOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Encryption = nil; return nil })
}

// PutBucketOwnershipControls sets object ownership.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
func (s *Service) PutBucketOwnershipControls(ctx context.Context, in *PutBucketOwnershipControlsRequest) (*PutBucketOwnershipControlsOutput, error) {
	if len(in.OwnershipControls.Rules) != 1 {
		return nil, errMalformedXML()
	}
	return setConf[PutBucketOwnershipControlsOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		if ptr.Val(in.OwnershipControls.Rules[0].ObjectOwnership) == "BucketOwnerEnforced" && !ownerOnly(b.ACL, b.Owner) {
			// AWS: ACLs must be reduced to the owner's before they can be disabled.
			return awserr.New("InvalidBucketAclWithObjectOwnership", http.StatusBadRequest, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
		}
		b.Ownership = in.OwnershipControls
		return nil
	})
}

// GetBucketOwnershipControls returns object ownership.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html
func (s *Service) GetBucketOwnershipControls(ctx context.Context, in *GetBucketOwnershipControlsRequest) (*GetBucketOwnershipControlsOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketOwnershipControlsOutput, error) {
		if b.Ownership == nil {
			return nil, notFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
		}
		return &GetBucketOwnershipControlsOutput{OwnershipControls: b.Ownership}, nil
	})
}

// DeleteBucketOwnershipControls removes object ownership controls.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketOwnershipControls.html
func (s *Service) DeleteBucketOwnershipControls(ctx context.Context, in *DeleteBucketOwnershipControlsRequest) (*DeleteBucketOwnershipControlsOutput, error) {
	return setConf[DeleteBucketOwnershipControlsOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Ownership = nil; return nil })
}

// PutPublicAccessBlock sets the bucket's Block Public Access settings.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
func (s *Service) PutPublicAccessBlock(ctx context.Context, in *PutPublicAccessBlockRequest) (*PutPublicAccessBlockOutput, error) {
	c := *in.PublicAccessBlockConfiguration
	for _, p := range []**bool{&c.BlockPublicAcls, &c.BlockPublicPolicy, &c.IgnorePublicAcls, &c.RestrictPublicBuckets} {
		if *p == nil {
			*p = ptr.To(false)
		}
	}
	return setConf[PutPublicAccessBlockOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.PublicAccess = &c; return nil })
}

// GetPublicAccessBlock returns the bucket's Block Public Access settings.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html
func (s *Service) GetPublicAccessBlock(ctx context.Context, in *GetPublicAccessBlockRequest) (*GetPublicAccessBlockOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetPublicAccessBlockOutput, error) {
		if b.PublicAccess == nil {
			return nil, notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		}
		return &GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b.PublicAccess}, nil
	})
}

// DeletePublicAccessBlock removes the bucket's Block Public Access settings.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html
func (s *Service) DeletePublicAccessBlock(ctx context.Context, in *DeletePublicAccessBlockRequest) (*DeletePublicAccessBlockOutput, error) {
	return setConf[DeletePublicAccessBlockOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.PublicAccess = nil; return nil })
}

// aclFromRequest builds the grants of a Put*Acl request: a canned ACL,
// grant headers, or an AccessControlPolicy body.
func aclFromRequest(account string, acl *string, policy *AccessControlPolicy, full, read, readACP, write, writeACP *string) ([]Grant, error) {
	if policy != nil && acl == nil && full == nil && read == nil && readACP == nil && write == nil && writeACP == nil {
		return policy.Grants, nil
	}
	return requestGrants(account, acl, full, read, readACP, write, writeACP)
}

// PutBucketAcl sets the bucket's ACL.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
func (s *Service) PutBucketAcl(ctx context.Context, in *PutBucketAclRequest) (*PutBucketAclOutput, error) {
	return setConf[PutBucketAclOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		grants, err := aclFromRequest(b.Owner, in.ACL, in.AccessControlPolicy, in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWrite, in.GrantWriteACP)
		if err != nil {
			return err
		}
		if !aclsEnabled(*b) && !ownerOnly(grants, b.Owner) {
			return awserr.New("AccessControlListNotSupported", http.StatusBadRequest, "The bucket does not allow ACLs")
		}
		if publicGrant(grants) && ptr.Val(ptr.Val(b.PublicAccess).BlockPublicAcls) {
			return errAccessDenied()
		}
		b.ACL = grants
		return nil
	})
}

// GetBucketAcl returns the bucket's ACL.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
func (s *Service) GetBucketAcl(ctx context.Context, in *GetBucketAclRequest) (*GetBucketAclOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketAclOutput, error) {
		grants := b.ACL
		if len(grants) == 0 {
			grants, _ = cannedGrants(b.Owner, "private")
		}
		return &GetBucketAclOutput{Owner: owner(b.Owner), Grants: grants}, nil
	})
}

// PutBucketPolicy sets the bucket policy.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
func (s *Service) PutBucketPolicy(ctx context.Context, in *PutBucketPolicyRequest) (*PutBucketPolicyOutput, error) {
	policy := ptr.Val(in.Policy)
	var doc map[string]any
	if err := json.Unmarshal([]byte(policy), &doc); err != nil || doc["Statement"] == nil {
		return nil, awserr.New("MalformedPolicy", http.StatusBadRequest, "Policies must be valid JSON and the first byte must be '{'")
	}
	return setConf[PutBucketPolicyOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		if publicPolicy(policy) && ptr.Val(ptr.Val(b.PublicAccess).BlockPublicPolicy) {
			// AWS: BlockPublicPolicy refuses a public policy with AccessDenied.
			return errAccessDenied()
		}
		b.Policy = policy
		return nil
	})
}

// GetBucketPolicy returns the bucket policy as it was sent.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html
func (s *Service) GetBucketPolicy(ctx context.Context, in *GetBucketPolicyRequest) (*GetBucketPolicyOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketPolicyOutput, error) {
		if b.Policy == "" {
			return nil, notFound("NoSuchBucketPolicy", "The bucket policy does not exist")
		}
		return &GetBucketPolicyOutput{Policy: ptr.To(b.Policy)}, nil
	})
}

// DeleteBucketPolicy removes the bucket policy.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html
func (s *Service) DeleteBucketPolicy(ctx context.Context, in *DeleteBucketPolicyRequest) (*DeleteBucketPolicyOutput, error) {
	return setConf[DeleteBucketPolicyOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Policy = ""; return nil })
}

// GetBucketPolicyStatus tells whether the bucket policy makes the bucket public.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicyStatus.html
func (s *Service) GetBucketPolicyStatus(ctx context.Context, in *GetBucketPolicyStatusRequest) (*GetBucketPolicyStatusOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketPolicyStatusOutput, error) {
		if b.Policy == "" {
			return nil, notFound("NoSuchBucketPolicy", "The bucket policy does not exist")
		}
		return &GetBucketPolicyStatusOutput{PolicyStatus: &PolicyStatus{IsPublic: ptr.To(publicPolicy(b.Policy))}}, nil
	})
}

// PutBucketCors sets the CORS rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
func (s *Service) PutBucketCors(ctx context.Context, in *PutBucketCorsRequest) (*PutBucketCorsOutput, error) {
	if len(in.CORSConfiguration.CORSRules) == 0 || len(in.CORSConfiguration.CORSRules) > 100 {
		return nil, errMalformedXML()
	}
	return setConf[PutBucketCorsOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.CORS = in.CORSConfiguration; return nil })
}

// GetBucketCors returns the CORS rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html
func (s *Service) GetBucketCors(ctx context.Context, in *GetBucketCorsRequest) (*GetBucketCorsOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketCorsOutput, error) {
		if b.CORS == nil {
			return nil, notFound("NoSuchCORSConfiguration", "The CORS configuration does not exist")
		}
		return &GetBucketCorsOutput{CORSRules: b.CORS.CORSRules}, nil
	})
}

// DeleteBucketCors removes the CORS rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketCors.html
func (s *Service) DeleteBucketCors(ctx context.Context, in *DeleteBucketCorsRequest) (*DeleteBucketCorsOutput, error) {
	return setConf[DeleteBucketCorsOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.CORS = nil; return nil })
}

// PutBucketWebsite sets the website configuration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
func (s *Service) PutBucketWebsite(ctx context.Context, in *PutBucketWebsiteRequest) (*PutBucketWebsiteOutput, error) {
	w := in.WebsiteConfiguration
	if err := checkWebsite(w); err != nil {
		return nil, err
	}
	return setConf[PutBucketWebsiteOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Website = w; return nil })
}

// GetBucketWebsite returns the website configuration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketWebsite.html
func (s *Service) GetBucketWebsite(ctx context.Context, in *GetBucketWebsiteRequest) (*GetBucketWebsiteOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketWebsiteOutput, error) {
		w := b.Website
		if w == nil {
			return nil, notFound("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")
		}
		return &GetBucketWebsiteOutput{ErrorDocument: w.ErrorDocument, IndexDocument: w.IndexDocument, RedirectAllRequestsTo: w.RedirectAllRequestsTo, RoutingRules: w.RoutingRules}, nil
	})
}

// DeleteBucketWebsite removes the website configuration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketWebsite.html
func (s *Service) DeleteBucketWebsite(ctx context.Context, in *DeleteBucketWebsiteRequest) (*DeleteBucketWebsiteOutput, error) {
	return setConf[DeleteBucketWebsiteOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Website = nil; return nil })
}

// PutBucketLifecycleConfiguration sets the lifecycle rules, which the
// sweeper in lifecycle.go applies.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
func (s *Service) PutBucketLifecycleConfiguration(ctx context.Context, in *PutBucketLifecycleConfigurationRequest) (*PutBucketLifecycleConfigurationOutput, error) {
	lc := in.LifecycleConfiguration
	if err := checkLifecycle(lc); err != nil {
		return nil, err
	}
	_, err := setConf[PutBucketLifecycleConfigurationOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		b.Lifecycle, b.LifecycleGen = lc, s.nextSeq()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutBucketLifecycleConfigurationOutput{TransitionDefaultMinimumObjectSize: ptr.To(ptr.Or(in.TransitionDefaultMinimumObjectSize, "all_storage_classes_128K"))}, nil
}

// GetBucketLifecycleConfiguration returns the lifecycle rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
func (s *Service) GetBucketLifecycleConfiguration(ctx context.Context, in *GetBucketLifecycleConfigurationRequest) (*GetBucketLifecycleConfigurationOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketLifecycleConfigurationOutput, error) {
		if b.Lifecycle == nil {
			return nil, notFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
		}
		return &GetBucketLifecycleConfigurationOutput{Rules: b.Lifecycle.Rules, TransitionDefaultMinimumObjectSize: ptr.To("all_storage_classes_128K")}, nil
	})
}

// DeleteBucketLifecycle removes the lifecycle rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketLifecycle.html
func (s *Service) DeleteBucketLifecycle(ctx context.Context, in *DeleteBucketLifecycleRequest) (*DeleteBucketLifecycleOutput, error) {
	return setConf[DeleteBucketLifecycleOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Lifecycle = nil; return nil })
}

// PutBucketNotificationConfiguration sets the event notifications, after
// checking that their queues and topics exist, and sends each an
// s3:TestEvent (see notify.go).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
func (s *Service) PutBucketNotificationConfiguration(ctx context.Context, in *PutBucketNotificationConfigurationRequest) (*PutBucketNotificationConfigurationOutput, error) {
	nc := in.NotificationConfiguration
	if _, err := s.viewBucket(*in.Bucket); err != nil {
		return nil, err
	}
	if err := s.checkNotification(ctx, nc, ptr.Val(in.SkipDestinationValidation)); err != nil {
		return nil, err
	}
	for i := range nc.QueueConfigurations {
		if nc.QueueConfigurations[i].Id == nil {
			nc.QueueConfigurations[i].Id = ptr.To(newBlobID())
		}
	}
	for i := range nc.TopicConfigurations {
		if nc.TopicConfigurations[i].Id == nil {
			nc.TopicConfigurations[i].Id = ptr.To(newBlobID())
		}
	}
	for i := range nc.LambdaFunctionConfigurations {
		if nc.LambdaFunctionConfigurations[i].Id == nil {
			nc.LambdaFunctionConfigurations[i].Id = ptr.To(newBlobID())
		}
	}
	out, err := setConf[PutBucketNotificationConfigurationOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Notification = nc; return nil })
	if err != nil {
		return nil, err
	}
	if !ptr.Val(in.SkipDestinationValidation) {
		s.sendTestEvents(ctx, *in.Bucket, nc)
	}
	return out, nil
}

// GetBucketNotificationConfiguration returns the event notifications (empty when none).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html
func (s *Service) GetBucketNotificationConfiguration(ctx context.Context, in *GetBucketNotificationConfigurationRequest) (*NotificationConfiguration, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*NotificationConfiguration, error) {
		if b.Notification == nil {
			return &NotificationConfiguration{}, nil
		}
		return b.Notification, nil
	})
}

// PutBucketAccelerateConfiguration sets transfer acceleration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAccelerateConfiguration.html
func (s *Service) PutBucketAccelerateConfiguration(ctx context.Context, in *PutBucketAccelerateConfigurationRequest) (*PutBucketAccelerateConfigurationOutput, error) {
	return setConf[PutBucketAccelerateConfigurationOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		b.Accelerate = ptr.Val(in.AccelerateConfiguration.Status)
		return nil
	})
}

// GetBucketAccelerateConfiguration returns transfer acceleration (no Status when never set).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAccelerateConfiguration.html
func (s *Service) GetBucketAccelerateConfiguration(ctx context.Context, in *GetBucketAccelerateConfigurationRequest) (*GetBucketAccelerateConfigurationOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketAccelerateConfigurationOutput, error) {
		out := &GetBucketAccelerateConfigurationOutput{}
		if b.Accelerate != "" {
			out.Status = ptr.To(b.Accelerate)
		}
		return out, nil
	})
}

// PutBucketRequestPayment sets who pays for requests.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketRequestPayment.html
func (s *Service) PutBucketRequestPayment(ctx context.Context, in *PutBucketRequestPaymentRequest) (*PutBucketRequestPaymentOutput, error) {
	return setConf[PutBucketRequestPaymentOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		b.RequestPayer = ptr.Val(in.RequestPaymentConfiguration.Payer)
		return nil
	})
}

// GetBucketRequestPayment returns who pays for requests (BucketOwner by default).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketRequestPayment.html
func (s *Service) GetBucketRequestPayment(ctx context.Context, in *GetBucketRequestPaymentRequest) (*GetBucketRequestPaymentOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketRequestPaymentOutput, error) {
		p := b.RequestPayer
		if p == "" {
			p = "BucketOwner"
		}
		return &GetBucketRequestPaymentOutput{Payer: ptr.To(p)}, nil
	})
}

// PutBucketLogging sets server access logging (kept; no logs are written).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
func (s *Service) PutBucketLogging(ctx context.Context, in *PutBucketLoggingRequest) (*PutBucketLoggingOutput, error) {
	return setConf[PutBucketLoggingOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		b.Logging = in.BucketLoggingStatus.LoggingEnabled
		return nil
	})
}

// GetBucketLogging returns server access logging (empty when off).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLogging.html
func (s *Service) GetBucketLogging(ctx context.Context, in *GetBucketLoggingRequest) (*GetBucketLoggingOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketLoggingOutput, error) {
		return &GetBucketLoggingOutput{LoggingEnabled: b.Logging}, nil
	})
}

// PutBucketReplication sets replication (kept; nothing is replicated).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
func (s *Service) PutBucketReplication(ctx context.Context, in *PutBucketReplicationRequest) (*PutBucketReplicationOutput, error) {
	return setConf[PutBucketReplicationOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		if b.Versioning != "Enabled" {
			return awserr.New("InvalidRequest", http.StatusBadRequest, "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
		}
		b.Replication = in.ReplicationConfiguration
		return nil
	})
}

// GetBucketReplication returns replication.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketReplication.html
func (s *Service) GetBucketReplication(ctx context.Context, in *GetBucketReplicationRequest) (*GetBucketReplicationOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetBucketReplicationOutput, error) {
		if b.Replication == nil {
			return nil, notFound("ReplicationConfigurationNotFoundError", "The replication configuration was not found")
		}
		return &GetBucketReplicationOutput{ReplicationConfiguration: b.Replication}, nil
	})
}

// DeleteBucketReplication removes replication.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketReplication.html
func (s *Service) DeleteBucketReplication(ctx context.Context, in *DeleteBucketReplicationRequest) (*DeleteBucketReplicationOutput, error) {
	return setConf[DeleteBucketReplicationOutput](ctx, s, *in.Bucket, func(b *bucketRec) error { b.Replication = nil; return nil })
}

// PutObjectLockConfiguration sets the Object Lock configuration (kept; not enforced).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
func (s *Service) PutObjectLockConfiguration(ctx context.Context, in *PutObjectLockConfigurationRequest) (*PutObjectLockConfigurationOutput, error) {
	return setConf[PutObjectLockConfigurationOutput](ctx, s, *in.Bucket, func(b *bucketRec) error {
		if b.Versioning != "Enabled" {
			return awserr.New("InvalidBucketState", http.StatusConflict, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
		}
		b.ObjectLock = in.ObjectLockConfiguration
		return nil
	})
}

// GetObjectLockConfiguration returns the Object Lock configuration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
func (s *Service) GetObjectLockConfiguration(ctx context.Context, in *GetObjectLockConfigurationRequest) (*GetObjectLockConfigurationOutput, error) {
	return getConf(s, *in.Bucket, func(b bucketRec) (*GetObjectLockConfigurationOutput, error) {
		if b.ObjectLock == nil {
			return nil, notFound("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
		}
		return &GetObjectLockConfigurationOutput{ObjectLockConfiguration: b.ObjectLock}, nil
	})
}
