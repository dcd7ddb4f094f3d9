package cbor

import (
	"testing"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
)

// FuzzDecode feeds arbitrary bodies to CloudWatch operations: decoding must
// answer a value or an *awserr.Error, never panic, and what it decodes must
// encode again.
func FuzzDecode(f *testing.F) {
	c := New()
	svc, _ := loader.Load("cloudwatch")
	seed, _ := c.enc.Marshal(map[string]any{"Namespace": "n", "MetricData": []any{map[string]any{"MetricName": "m", "Value": 1.5, "Dimensions": []any{map[string]any{"Name": "a", "Value": "b"}}}}})
	f.Add("PutMetricData", seed)
	f.Add("GetMetricStatistics", []byte{0xbf, 0x69, 'S', 't', 'a', 'r', 't', 'T', 'i', 'm', 'e', 0xc1, 0xfb, 0x41, 0xd9, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add("PutDashboard", []byte{0xa0})
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		o, ok := svc.Operations[op]
		if !ok {
			o = svc.Operations["PutMetricData"]
		}
		in, err := c.Decode(&awsproto.Request{Service: svc, Operation: o, Body: body})
		if err != nil {
			if _, ok := awserr.As(err); !ok {
				t.Fatalf("non-AWS error %T: %v", err, err)
			}
			return
		}
		if o.Input != nil {
			if _, err := toCBOR(o.Input, in, ""); err != nil {
				t.Fatalf("decoded value does not encode: %v", err)
			}
		}
	})
}
