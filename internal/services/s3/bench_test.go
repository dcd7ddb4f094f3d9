package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"haneul/test/testutil"
)

// BenchmarkPutGet4K is one 4 KiB PutObject and GetObject through the real server.
func BenchmarkPutGet4K(b *testing.B) {
	cfg, _ := testutil.NewServer(b)
	c := client(cfg)
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench"), CreateBucketConfiguration: nil}); err != nil && code(err) != "IllegalLocationConstraintException" {
		b.Fatal(err)
	}
	east := cfg.Copy()
	east.Region = "us-east-1"
	c = client(east)
	c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")})
	payload := bytes.Repeat([]byte("x"), 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key := aws.String(fmt.Sprintf("k%d", i%1000))
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: key, Body: bytes.NewReader(payload)}); err != nil {
			b.Fatal(err)
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: key})
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
}
