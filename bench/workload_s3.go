package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func init() {
	register(Workload{
		Name:  "s3-put-get-4k",
		Title: "S3 PutObject+GetObject 4 KiB",
		Order: 60,
		Setup: setupS3PutGet,
	})
	register(Workload{
		Name:  "s3-list-prefix",
		Title: "S3 ListObjectsV2 first page under a prefix, 10k keys",
		Order: 70,
		Setup: setupS3List,
	})
}

func s3Bench(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// benchBucket creates a bucket (cfg is in us-east-1: no location constraint).
func benchBucket(ctx context.Context, c *s3.Client, name string) error {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	var owned *types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("create bucket %s: %w", name, err)
	}
	return nil
}

// setupS3PutGet returns an Op that writes a 4 KiB object and reads it back.
func setupS3PutGet(ctx context.Context, cfg aws.Config, _ Scale) (Op, error) {
	c := s3Bench(cfg)
	bucket := fmt.Sprintf("bench-putget-%d", time.Now().UnixNano()%1e9)
	if err := benchBucket(ctx, c, bucket); err != nil {
		return nil, err
	}
	payload := bytes.Repeat([]byte("haneul!!"), 512)
	var seq atomic.Int64
	return func(ctx context.Context, _ int) error {
		key := aws.String(fmt.Sprintf("obj/%d", seq.Add(1)%10000))
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: key, Body: bytes.NewReader(payload)}); err != nil {
			return fmt.Errorf("put: %w", err)
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: key})
		if err != nil {
			return fmt.Errorf("get: %w", err)
		}
		n, err := io.Copy(io.Discard, out.Body)
		out.Body.Close()
		if err != nil || n != int64(len(payload)) {
			return fmt.Errorf("get: read %d bytes: %v", n, err)
		}
		return nil
	}, nil
}

// setupS3List fills a bucket with 10×Fixtures keys spread over ten prefixes
// (8 writers at a time) and returns an Op listing the first page under one.
func setupS3List(ctx context.Context, cfg aws.Config, s Scale) (Op, error) {
	c := s3Bench(cfg)
	const bucket = "bench-list"
	if err := benchBucket(ctx, c, bucket); err != nil {
		return nil, err
	}
	if err := putKeys(ctx, c, bucket, 0, 10*s.Fixtures); err != nil {
		return nil, err
	}
	return listFirstPage(c, bucket), nil
}

// putKeys writes one-byte objects number from+1..to, keys spread over ten
// prefixes ("p7/0000017"), 8 writers at a time.
func putKeys(ctx context.Context, c *s3.Client, bucket string, from, to int) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     atomic.Int64
	)
	next.Store(int64(from))
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(to) || ctx.Err() != nil {
					return
				}
				key := fmt.Sprintf("p%d/%07d", i%10, i)
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader([]byte("x"))}); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("put %s: %w", key, err)
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// listFirstPage is an Op listing the first 100 keys under one of putKeys' prefixes.
func listFirstPage(c *s3.Client, bucket string) Op {
	return func(ctx context.Context, _ int) error {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("p7/"), MaxKeys: aws.Int32(100)})
		if err != nil {
			return err
		}
		if len(out.Contents) == 0 {
			return errors.New("empty listing")
		}
		return nil
	}
}

func init() {
	registerCurve(Curve{
		Name:    "s3-list",
		Title:   "S3 ListObjectsV2, first 100 keys under a prefix",
		Size:    "keys in the bucket",
		Order:   100,
		Sizes:   []int{1_000, 10_000, 100_000, 1_000_000},
		MotoMax: 10_000,
		Fixture: func(ctx context.Context, cfg aws.Config) (func(context.Context, int) (Op, error), error) {
			c := s3Bench(cfg)
			bucket := fmt.Sprintf("bench-curve-%d", time.Now().UnixNano()%1e9)
			if err := benchBucket(ctx, c, bucket); err != nil {
				return nil, err
			}
			have := 0
			return func(ctx context.Context, n int) (Op, error) {
				if err := putKeys(ctx, c, bucket, have, n); err != nil {
					return nil, err
				}
				have = n
				return listFirstPage(c, bucket), nil
			}, nil
		},
	})
}
