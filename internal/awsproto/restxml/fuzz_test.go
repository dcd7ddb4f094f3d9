package restxml

import (
	"testing"

	"haneul/internal/awsproto/awserr"
)

// FuzzBody parses arbitrary XML bodies as Route 53 and S3 request documents.
func FuzzBody(f *testing.F) {
	r53, _ := loader.Load("route53")
	s3, _ := loader.Load("s3")
	f.Add([]byte(`<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>a</Name><TTL>60</TTL></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`))
	f.Add([]byte(`<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`))
	f.Add([]byte(`<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, op := range []struct{ svc, op string }{{"route53", "ChangeResourceRecordSets"}, {"route53", "CreateHostedZone"}, {"s3", "CreateBucket"}, {"s3", "DeleteObjects"}} {
			svc := r53
			if op.svc == "s3" {
				svc = s3
			}
			o := svc.Operations[op.op]
			ref := o.Input
			if p := ref.Shape.Payload; p != "" {
				ref = ref.Shape.Members[p]
			}
			_, err := Format{}.DecodeDocument(body, ref)
			if err != nil {
				if _, ok := awserr.As(err); !ok {
					t.Fatalf("non-AWS error %T: %v", err, err)
				}
			}
		}
	})
}
