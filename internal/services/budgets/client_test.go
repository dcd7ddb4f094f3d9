package budgets_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"haneul/test/testutil"
)

// client speaks AWS JSON 1.1 to Budgets, signed with aws-sdk-go-v2's SigV4
// signer, as the SDK's budgets client does. (go.mod has no
// aws-sdk-go-v2/service/budgets; this is the same wire.)
type client struct {
	t      testing.TB
	cfg    aws.Config
	url    string
	header map[string]string
}

// apiError is an error response.
type apiError struct {
	Status  int
	Code    string `json:"__type"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func newClient(t testing.TB) *client {
	cfg, srv := testutil.NewServer(t)
	return &client{t: t, cfg: cfg, url: srv.URL}
}

// call runs op with in and decodes the answer into out; a non-2xx answer is an *apiError.
func (c *client) call(op string, in, out any) error {
	c.t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url+"/", bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSBudgetServiceGateway."+op)
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	creds, err := c.cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "budgets", "us-east-1", time.Now()); err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode/100 != 2 {
		e := &apiError{Status: resp.StatusCode}
		if err := json.Unmarshal(data, e); err != nil {
			c.t.Fatalf("%s: undecodable error %d: %s", op, resp.StatusCode, data)
		}
		if i := strings.LastIndex(e.Code, "#"); i >= 0 {
			e.Code = e.Code[i+1:]
		}
		if e.Message == "" {
			var alt struct{ Message string }
			_ = json.Unmarshal(data, &alt)
			e.Message = alt.Message
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s: %v: %s", op, err, data)
		}
	}
	return nil
}

// must is call that fails the test on error.
func (c *client) must(op string, in, out any) {
	c.t.Helper()
	if err := c.call(op, in, out); err != nil {
		c.t.Fatalf("%s: %v", op, err)
	}
}

// code is the error code of err ("" for nil).
func code(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(*apiError); ok {
		return e.Code
	}
	return err.Error()
}

// m is a JSON object.
type m = map[string]any
