package logs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// aws-sdk-go-v2's cloudwatchlogs module is not among haneul's dependencies,
// so these tests speak the JSON 1.1 protocol as that client does: POST /
// with X-Amz-Target Logs_20140328.<Operation>, errors as {"__type", "message"}.
// boto3 and aws-cli drive the service in test/e2e.

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

type obj = map[string]any

// apiError is an error answer: the exception's name and message.
type apiError struct {
	Type    string
	Message string
	Status  int
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Message) }

type client struct {
	t   *testing.T
	url string
}

func newClient(t *testing.T) *client {
	t.Helper()
	_, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clock.NewFake(t0))))
	return &client{t: t, url: srv.URL}
}

// call runs one operation; a non-2xx answer is an *apiError.
func (c *client) call(op string, in obj) (obj, error) {
	c.t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequestWithContext(context.Background(), "POST", c.url+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Logs_20140328."+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250301/ap-northeast-2/logs/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := obj{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s: %v: %s", op, err, raw)
		}
	}
	if resp.StatusCode/100 != 2 {
		typ, _ := out["__type"].(string)
		if i := strings.LastIndexByte(typ, '#'); i >= 0 {
			typ = typ[i+1:]
		}
		msg, _ := out["message"].(string)
		return nil, &apiError{Type: typ, Message: msg, Status: resp.StatusCode}
	}
	return out, nil
}

// must runs an operation that has to succeed.
func (c *client) must(op string, in obj) obj {
	c.t.Helper()
	out, err := c.call(op, in)
	if err != nil {
		c.t.Fatalf("%s: %v", op, err)
	}
	return out
}

func msAt(d time.Duration) int64 { return t0.Add(d).UnixMilli() }

// list returns the objects of a list member.
func list(o obj, key string) []obj {
	var out []obj
	for _, v := range o[key].([]any) {
		out = append(out, v.(obj))
	}
	return out
}

// names returns member key of each object of list member of o, joined by spaces.
func names(o obj, listKey, key string) string {
	var out []string
	for _, v := range list(o, listKey) {
		out = append(out, fmt.Sprint(v[key]))
	}
	return strings.Join(out, " ")
}

func errType(err error) string {
	if e, ok := err.(*apiError); ok {
		return e.Type
	}
	return fmt.Sprint(err)
}

func TestGroupsAndStreams(t *testing.T) {
	c := newClient(t)
	for _, g := range []string{"/app/web", "/app/worker", "/sys/audit"} {
		c.must("CreateLogGroup", obj{"logGroupName": g, "tags": obj{"team": "core"}})
	}
	c.must("PutRetentionPolicy", obj{"logGroupName": "/app/web", "retentionInDays": 7})
	cases := []struct {
		name string
		in   obj
		want string
	}{
		{"all", obj{}, "/app/web /app/worker /sys/audit"},
		{"prefix", obj{"logGroupNamePrefix": "/app/"}, "/app/web /app/worker"},
		{"pattern", obj{"logGroupNamePattern": "WORK"}, "/app/worker"},
		{"identifiers", obj{"logGroupIdentifiers": []string{"arn:aws:logs:ap-northeast-2:000000000000:log-group:/sys/audit"}}, "/sys/audit"},
		{"class", obj{"logGroupClass": "INFREQUENT_ACCESS"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(c.must("DescribeLogGroups", tc.in), "logGroups", "logGroupName"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	page := c.must("DescribeLogGroups", obj{"limit": 2})
	page2 := c.must("DescribeLogGroups", obj{"limit": 2, "nextToken": page["nextToken"]})
	if names(page, "logGroups", "logGroupName") != "/app/web /app/worker" || names(page2, "logGroups", "logGroupName") != "/sys/audit" || page2["nextToken"] != nil {
		t.Errorf("pages: %v / %v", page, page2)
	}
	g := list(c.must("DescribeLogGroups", obj{"logGroupNamePrefix": "/app/web"}), "logGroups")[0]
	if g["retentionInDays"] != 7.0 || g["arn"] != "arn:aws:logs:ap-northeast-2:000000000000:log-group:/app/web:*" ||
		g["logGroupArn"] != "arn:aws:logs:ap-northeast-2:000000000000:log-group:/app/web" || g["logGroupClass"] != "STANDARD" || g["creationTime"] != float64(t0.UnixMilli()) {
		t.Errorf("group: %v", g)
	}

	// Tags, new and legacy APIs.
	c.must("TagResource", obj{"resourceArn": g["logGroupArn"], "tags": obj{"env": "dev"}})
	c.must("UntagLogGroup", obj{"logGroupName": "/app/web", "tags": []string{"team"}})
	if tags := c.must("ListTagsForResource", obj{"resourceArn": g["logGroupArn"]}); fmt.Sprint(tags["tags"]) != "map[env:dev]" {
		t.Errorf("tags: %v", tags)
	}
	if tags := c.must("ListTagsLogGroup", obj{"logGroupName": "/app/web"}); fmt.Sprint(tags["tags"]) != "map[env:dev]" {
		t.Errorf("legacy tags: %v", tags)
	}

	for _, s := range []string{"b", "a", "c"} {
		c.must("CreateLogStream", obj{"logGroupName": "/app/web", "logStreamName": s})
	}
	// Events make c the stream with the latest event, then a.
	c.must("PutLogEvents", obj{"logGroupName": "/app/web", "logStreamName": "a", "logEvents": []obj{{"message": "x", "timestamp": msAt(-2 * time.Minute)}}})
	c.must("PutLogEvents", obj{"logGroupName": "/app/web", "logStreamName": "c", "logEvents": []obj{{"message": "x", "timestamp": msAt(-time.Minute)}}})
	streams := func(in obj) string {
		t.Helper()
		in["logGroupName"] = "/app/web"
		return names(c.must("DescribeLogStreams", in), "logStreams", "logStreamName")
	}
	if got := streams(obj{}); got != "a b c" {
		t.Errorf("by name: %s", got)
	}
	if got := streams(obj{"orderBy": "LastEventTime", "descending": true}); got != "c a b" {
		t.Errorf("by last event: %s", got)
	}
	if got := streams(obj{"logStreamNamePrefix": "b"}); got != "b" {
		t.Errorf("by prefix: %s", got)
	}
	st := list(c.must("DescribeLogStreams", obj{"logGroupName": "/app/web", "logStreamNamePrefix": "a"}), "logStreams")[0]
	if st["arn"] != "arn:aws:logs:ap-northeast-2:000000000000:log-group:/app/web:log-stream:a" || st["lastEventTimestamp"] != float64(msAt(-2*time.Minute)) {
		t.Errorf("stream: %v", st)
	}

	errCases := []struct {
		name string
		op   string
		in   obj
		want string
	}{
		{"group exists", "CreateLogGroup", obj{"logGroupName": "/app/web"}, "ResourceAlreadyExistsException"},
		{"stream exists", "CreateLogStream", obj{"logGroupName": "/app/web", "logStreamName": "a"}, "ResourceAlreadyExistsException"},
		{"no group", "DeleteLogGroup", obj{"logGroupName": "/nope"}, "ResourceNotFoundException"},
		{"no stream", "PutLogEvents", obj{"logGroupName": "/app/web", "logStreamName": "nope", "logEvents": []obj{{"message": "x", "timestamp": msAt(0)}}}, "ResourceNotFoundException"},
		{"bad retention", "PutRetentionPolicy", obj{"logGroupName": "/app/web", "retentionInDays": 2}, "InvalidParameterException"},
		{"bad group name", "CreateLogGroup", obj{"logGroupName": "a b"}, "ValidationException"},
		{"prefix with pattern", "DescribeLogGroups", obj{"logGroupNamePrefix": "a", "logGroupNamePattern": "b"}, "InvalidParameterException"},
		{"order by time with prefix", "DescribeLogStreams", obj{"logGroupName": "/app/web", "orderBy": "LastEventTime", "logStreamNamePrefix": "a"}, "InvalidParameterException"},
		{"out of order", "PutLogEvents", obj{"logGroupName": "/app/web", "logStreamName": "a", "logEvents": []obj{{"message": "x", "timestamp": msAt(0)}, {"message": "y", "timestamp": msAt(-time.Second)}}}, "InvalidParameterException"},
		{"span over a day", "PutLogEvents", obj{"logGroupName": "/app/web", "logStreamName": "a", "logEvents": []obj{{"message": "x", "timestamp": msAt(-25 * time.Hour)}, {"message": "y", "timestamp": msAt(0)}}}, "InvalidParameterException"},
		{"too large", "PutLogEvents", obj{"logGroupName": "/app/web", "logStreamName": "a", "logEvents": []obj{{"message": strings.Repeat("x", 1<<20), "timestamp": msAt(0)}}}, "InvalidParameterException"},
		{"tags of unknown ARN", "ListTagsForResource", obj{"resourceArn": "arn:aws:logs:ap-northeast-2:000000000000:log-group:/nope"}, "ResourceNotFoundException"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.call(tc.op, tc.in)
			if errType(err) != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}

	c.must("DeleteLogStream", obj{"logGroupName": "/app/web", "logStreamName": "a"})
	c.must("DeleteLogGroup", obj{"logGroupName": "/app/web"})
	if _, err := c.call("DescribeLogStreams", obj{"logGroupName": "/app/web"}); errType(err) != "ResourceNotFoundException" {
		t.Errorf("streams of a deleted group: %v", err)
	}
	c.must("CreateLogGroup", obj{"logGroupName": "/app/web"})
	if got := streams(obj{}); got != "" {
		t.Errorf("streams survived their group: %s", got)
	}
}

func TestEvents(t *testing.T) {
	c := newClient(t)
	c.must("CreateLogGroup", obj{"logGroupName": "/app"})
	for _, s := range []string{"s1", "s2"} {
		c.must("CreateLogStream", obj{"logGroupName": "/app", "logStreamName": s})
	}
	var evs []obj
	for i := range 10 {
		evs = append(evs, obj{"message": fmt.Sprintf("event %d", i), "timestamp": msAt(time.Duration(i-10) * time.Minute)})
	}
	out := c.must("PutLogEvents", obj{"logGroupName": "/app", "logStreamName": "s1", "logEvents": evs, "sequenceToken": "ignored"})
	if out["rejectedLogEventsInfo"] != nil || out["nextSequenceToken"] == "" {
		t.Fatalf("PutLogEvents: %v", out)
	}
	// Too old and too new events are rejected, the rest accepted.
	out = c.must("PutLogEvents", obj{"logGroupName": "/app", "logStreamName": "s2", "logEvents": []obj{
		{"message": "ancient", "timestamp": msAt(-14*24*time.Hour - 2*time.Hour)},
		{"message": "older", "timestamp": msAt(-14*24*time.Hour - time.Hour)},
		{"message": "kept", "timestamp": msAt(-13*24*time.Hour - 12*time.Hour)},
	}})
	if r, _ := out["rejectedLogEventsInfo"].(obj); r == nil || r["tooOldLogEventEndIndex"] != 1.0 {
		t.Errorf("rejected: %v", out)
	}
	out = c.must("PutLogEvents", obj{"logGroupName": "/app", "logStreamName": "s2", "logEvents": []obj{
		{"message": `{"level":"ERROR","latency":250,"user":{"id":"u1"}}`, "timestamp": msAt(-5*time.Minute - 30*time.Second)},
		{"message": `{"level":"INFO","latency":20}`, "timestamp": msAt(-30 * time.Second)},
		{"message": "from the future", "timestamp": msAt(3 * time.Hour)},
	}})
	if r, _ := out["rejectedLogEventsInfo"].(obj); r == nil || r["tooNewLogEventStartIndex"] != 2.0 {
		t.Errorf("rejected: %v", out)
	}

	// GetLogEvents: the tail by default, then backward and forward by token.
	get := func(in obj) (obj, string) {
		t.Helper()
		in["logGroupName"], in["logStreamName"] = "/app", "s1"
		out := c.must("GetLogEvents", in)
		var msgs []string
		for _, e := range list(out, "events") {
			msgs = append(msgs, strings.TrimPrefix(e["message"].(string), "event "))
		}
		return out, strings.Join(msgs, "")
	}
	steps := []struct {
		name string
		in   func(prev obj) obj
		want string
	}{
		{"tail", func(obj) obj { return obj{"limit": 3} }, "789"},
		{"backward", func(p obj) obj { return obj{"limit": 3, "nextToken": p["nextBackwardToken"]} }, "456"},
		{"backward again", func(p obj) obj { return obj{"limit": 3, "nextToken": p["nextBackwardToken"]} }, "123"},
		{"forward from there", func(p obj) obj { return obj{"limit": 2, "nextToken": p["nextForwardToken"]} }, "45"},
		{"head", func(obj) obj { return obj{"limit": 4, "startFromHead": true} }, "0123"},
		{"forward", func(p obj) obj { return obj{"limit": 4, "nextToken": p["nextForwardToken"]} }, "4567"},
		{"forward to the end", func(p obj) obj { return obj{"nextToken": p["nextForwardToken"]} }, "89"},
		{"at the end", func(p obj) obj { return obj{"nextToken": p["nextForwardToken"]} }, ""},
		{"time range", func(obj) obj {
			return obj{"startTime": msAt(-7 * time.Minute), "endTime": msAt(-4 * time.Minute), "startFromHead": true}
		}, "345"},
	}
	var prev obj
	for _, st := range steps {
		in := st.in(prev)
		out, got := get(in)
		if got != st.want {
			t.Errorf("%s: got %q, want %q", st.name, got, st.want)
		}
		if st.name == "at the end" && out["nextForwardToken"] != in["nextToken"] {
			t.Errorf("at the end the forward token changed: %v -> %v", in["nextToken"], out["nextForwardToken"])
		}
		prev = out
	}

	filter := func(in obj) []string {
		t.Helper()
		in["logGroupName"] = "/app"
		var msgs []string
		for i := 0; i < 20; i++ {
			out := c.must("FilterLogEvents", in)
			for _, e := range list(out, "events") {
				msgs = append(msgs, e["logStreamName"].(string)+":"+e["message"].(string))
			}
			if out["nextToken"] == nil {
				break
			}
			in["nextToken"] = out["nextToken"]
		}
		return msgs
	}
	cases := []struct {
		name string
		in   obj
		want int
		one  string
	}{
		{"all", obj{}, 13, ""},
		{"paged", obj{"limit": 2}, 13, ""},
		{"phrase", obj{"filterPattern": `"event 3"`}, 1, "s1:event 3"},
		{"terms and exclusions", obj{"filterPattern": `event -1 -2 -3 -4 -5 -6 -7 -8 -9`}, 1, "s1:event 0"},
		{"any term", obj{"filterPattern": `?INFO ?"event 9"`}, 2, ""},
		{"regex", obj{"filterPattern": `%event [78]%`}, 2, ""},
		{"json", obj{"filterPattern": `{ $.level = "ERROR" && $.latency > 100 }`}, 1, ""},
		{"json or", obj{"filterPattern": `{ $.level = "INFO" || $.latency >= 250 }`}, 2, ""},
		{"json nested wildcard", obj{"filterPattern": `{ $.user.id = "u*" }`}, 1, ""},
		{"stream names", obj{"logStreamNames": []string{"s2"}}, 3, ""},
		{"time range", obj{"startTime": msAt(-6 * time.Minute), "endTime": msAt(-5 * time.Minute)}, 3, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := filter(tc.in)
			if len(got) != tc.want || (tc.one != "" && got[0] != tc.one) {
				t.Errorf("got %d %q, want %d", len(got), got, tc.want)
			}
		})
	}
	// Interleaved in time order across streams, and paged without loss.
	all := filter(obj{"startTime": msAt(-7 * time.Minute), "limit": 3})
	if len(all) != 9 || all[0] != "s1:event 3" || all[2] != "s2:"+`{"level":"ERROR","latency":250,"user":{"id":"u1"}}` {
		t.Errorf("interleaved: %q", all)
	}
	if _, err := c.call("FilterLogEvents", obj{"logGroupName": "/app", "filterPattern": `{ $.x > "a" }`}); errType(err) != "InvalidParameterException" {
		t.Errorf("bad pattern: %v", err)
	}
}

func TestFilters(t *testing.T) {
	c := newClient(t)
	c.must("CreateLogGroup", obj{"logGroupName": "/app"})
	tr := []obj{{"metricName": "Errors", "metricNamespace": "App", "metricValue": "1", "defaultValue": 0}}
	c.must("PutMetricFilter", obj{"logGroupName": "/app", "filterName": "errors", "filterPattern": "ERROR", "metricTransformations": tr})
	mf := c.must("DescribeMetricFilters", obj{"metricName": "Errors", "metricNamespace": "App"})
	if names(mf, "metricFilters", "filterPattern") != "ERROR" {
		t.Errorf("metric filters: %v", mf)
	}
	if g := list(c.must("DescribeLogGroups", obj{}), "logGroups")[0]; g["metricFilterCount"] != 1.0 {
		t.Errorf("metric filter count: %v", g)
	}
	dest := "arn:aws:lambda:ap-northeast-2:000000000000:function:ship"
	for _, n := range []string{"one", "two"} {
		c.must("PutSubscriptionFilter", obj{"logGroupName": "/app", "filterName": n, "filterPattern": "", "destinationArn": dest})
	}
	if _, err := c.call("PutSubscriptionFilter", obj{"logGroupName": "/app", "filterName": "three", "filterPattern": "", "destinationArn": dest}); errType(err) != "LimitExceededException" {
		t.Errorf("third subscription filter: %v", err)
	}
	sf := c.must("DescribeSubscriptionFilters", obj{"logGroupName": "/app"})
	if names(sf, "subscriptionFilters", "filterName") != "one two" || list(sf, "subscriptionFilters")[0]["distribution"] != "ByLogStream" {
		t.Errorf("subscription filters: %v", sf)
	}
	if _, err := c.call("DeleteMetricFilter", obj{"logGroupName": "/app", "filterName": "nope"}); errType(err) != "ResourceNotFoundException" {
		t.Errorf("delete a missing metric filter: %v", err)
	}
	c.must("DeleteSubscriptionFilter", obj{"logGroupName": "/app", "filterName": "one"})
	c.must("DeleteMetricFilter", obj{"logGroupName": "/app", "filterName": "errors"})
	tm := c.must("TestMetricFilter", obj{"filterPattern": "ERROR -timeout", "logEventMessages": []string{"ERROR x", "ERROR timeout", "ok"}})
	if names(tm, "matches", "eventNumber") != "1" {
		t.Errorf("TestMetricFilter: %v", tm)
	}
}
