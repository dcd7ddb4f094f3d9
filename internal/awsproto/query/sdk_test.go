package query_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/query"
)

// exchange is one request the test server expects and the answer it gives.
type exchange struct {
	op  string         // expected operation
	in  map[string]any // expected decoded input
	out map[string]any // canned output
	err *awserr.Error  // canned error, instead of out
}

// serve starts a server that plays the gateway for one exchange, decoding
// with the codec and checking the input against ex.
func serve(t *testing.T, svc *model.Service, codec awsproto.Codec, ex *exchange) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form := r.URL.Query()
		if bf, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range bf {
				form[k] = append(form[k], v...)
			}
		}
		req := &awsproto.Request{HTTP: r, Service: svc, Protocol: svc.Metadata.Protocol, RequestID: "req-1234", Body: body, Form: form}
		op, err := codec.Operation(req)
		if err != nil {
			e, _ := awserr.As(err)
			codec.EncodeError(w, req, e)
			return
		}
		req.Operation = op
		if op.Name != ex.op {
			t.Errorf("operation %s, want %s", op.Name, ex.op)
		}
		in, err := codec.Decode(req)
		if err != nil {
			t.Errorf("decode %s: %v", form.Encode(), err)
		} else if !equal(in, ex.in) {
			t.Errorf("decoded input\n got %#v\nwant %#v\nform %s", in, ex.in, form.Encode())
		}
		if ex.err != nil {
			codec.EncodeError(w, req, ex.err)
			return
		}
		if err := codec.Encode(w, req, ex.out); err != nil {
			t.Errorf("encode: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sdkConfig points an SDK client at srv without retries.
func sdkConfig(srv *httptest.Server) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// equal compares model-shaped values, timestamps by instant.
func equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []byte:
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	}
	return a == b
}

var ctx = context.Background()

func load(t *testing.T, name string) *model.Service {
	t.Helper()
	svc, err := model.NewLoader().Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

var _ awsproto.Codec = query.New()
