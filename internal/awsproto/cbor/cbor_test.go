package cbor

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

var loader = model.NewLoader()

type exchange struct {
	op    string
	input map[string]any
	out   map[string]any
	err   *awserr.Error
}

func server(t *testing.T, ex *exchange) *httptest.Server {
	t.Helper()
	svc, err := loader.Load("cloudwatch")
	if err != nil {
		t.Fatal(err)
	}
	codec := New()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &awsproto.Request{HTTP: r, Service: svc, Protocol: awsproto.CBOR, RequestID: "req-1", Body: body}
		if r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
			t.Errorf("smithy-protocol header %q", r.Header.Get("Smithy-Protocol"))
		}
		op, err := codec.Operation(req)
		if err != nil {
			e, _ := awserr.As(err)
			codec.EncodeError(w, req, e)
			return
		}
		req.Operation = op
		if op.Name != ex.op {
			t.Errorf("operation = %s, want %s", op.Name, ex.op)
		}
		in, err := codec.Decode(req)
		if err != nil {
			t.Errorf("decode: %v\n% x", err, body)
		} else if !reflect.DeepEqual(normalize(in), normalize(ex.input)) {
			t.Errorf("decoded input\n got %#v\nwant %#v", normalize(in), normalize(ex.input))
		}
		if ex.err != nil {
			codec.EncodeError(w, req, ex.err)
			return
		}
		if err := codec.Encode(w, req, ex.out); err != nil {
			t.Errorf("encode: %v", err)
		}
	}))
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case time.Time:
		return "time:" + x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return "bytes:" + base64.StdEncoding.EncodeToString(x)
	}
	return v
}

func TestCloudWatch(t *testing.T) {
	ex := &exchange{}
	srv := server(t, ex)
	defer srv.Close()
	client := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	ctx := context.Background()
	ts := time.Date(2024, 5, 6, 7, 8, 9, 250e6, time.UTC)

	*ex = exchange{
		op: "PutMetricData",
		input: map[string]any{
			"Namespace": "App",
			"MetricData": []any{map[string]any{
				"MetricName": "Latency",
				"Timestamp":  ts,
				"Value":      12.5,
				"Unit":       "Milliseconds",
				"Dimensions": []any{map[string]any{"Name": "Host", "Value": "a"}},
				"Values":     []any{1.0, 2.0},
				"Counts":     []any{3.0, 4.0},
			}},
		},
		out: map[string]any{},
	}
	if _, err := client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("App"),
		MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String("Latency"), Timestamp: aws.Time(ts), Value: aws.Float64(12.5), Unit: cwtypes.StandardUnitMilliseconds,
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Host"), Value: aws.String("a")}},
			Values:     []float64{1, 2}, Counts: []float64{3, 4},
		}},
	}); err != nil {
		t.Fatal(err)
	}

	start, end := ts.Add(-time.Hour), ts
	*ex = exchange{
		op: "GetMetricStatistics",
		input: map[string]any{
			"Namespace": "App", "MetricName": "Latency", "StartTime": start, "EndTime": end,
			"Period": int64(60), "Statistics": []any{"Average", "Sum"},
			"Dimensions": []any{map[string]any{"Name": "Host", "Value": "a"}},
		},
		out: map[string]any{"Label": "Latency", "Datapoints": []any{
			map[string]any{"Timestamp": ts, "Average": 12.5, "Sum": 25.0, "Unit": "Milliseconds", "SampleCount": 2.0},
		}},
	}
	stats, err := client.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("Latency"), StartTime: aws.Time(start), EndTime: aws.Time(end),
		Period: aws.Int32(60), Statistics: []cwtypes.Statistic{cwtypes.StatisticAverage, cwtypes.StatisticSum},
		Dimensions: []cwtypes.Dimension{{Name: aws.String("Host"), Value: aws.String("a")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(stats.Label) != "Latency" || len(stats.Datapoints) != 1 {
		t.Fatalf("GetMetricStatistics output %+v", stats)
	}
	dp := stats.Datapoints[0]
	if !aws.ToTime(dp.Timestamp).Equal(ts) || aws.ToFloat64(dp.Average) != 12.5 || aws.ToFloat64(dp.Sum) != 25 || dp.Unit != cwtypes.StandardUnitMilliseconds {
		t.Errorf("datapoint %+v (timestamp %v)", dp, aws.ToTime(dp.Timestamp))
	}

	*ex = exchange{
		op:    "DescribeAlarms",
		input: map[string]any{"AlarmNames": []any{"high"}, "MaxRecords": int64(10)},
		out: map[string]any{"MetricAlarms": []any{map[string]any{
			"AlarmName": "high", "StateValue": "ALARM", "Threshold": 5.0, "EvaluationPeriods": int64(3),
			"StateUpdatedTimestamp": ts, "ActionsEnabled": true, "AlarmActions": []any{"arn:aws:sns:us-east-1:0:t"},
			"Dimensions": []any{map[string]any{"Name": "Host", "Value": "a"}},
		}}, "NextToken": "nt"},
	}
	alarms, err := client.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"high"}, MaxRecords: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(alarms.MetricAlarms) != 1 || aws.ToString(alarms.NextToken) != "nt" {
		t.Fatalf("DescribeAlarms output %+v", alarms)
	}
	a := alarms.MetricAlarms[0]
	if aws.ToString(a.AlarmName) != "high" || a.StateValue != cwtypes.StateValueAlarm || aws.ToInt32(a.EvaluationPeriods) != 3 ||
		!aws.ToBool(a.ActionsEnabled) || !aws.ToTime(a.StateUpdatedTimestamp).Equal(ts) || aws.ToString(a.Dimensions[0].Value) != "a" {
		t.Errorf("alarm %+v", a)
	}

	*ex = exchange{
		op:    "GetDashboard",
		input: map[string]any{"DashboardName": "nope"},
		err:   awserr.New("ResourceNotFound", 0, "Dashboard nope does not exist"),
	}
	_, err = client.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String("nope")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ResourceNotFound" || api.ErrorMessage() != "Dashboard nope does not exist" {
		t.Fatalf("GetDashboard error %T %v", err, err)
	}
	var rnf *cwtypes.ResourceNotFound
	var dnf *cwtypes.DashboardNotFoundError
	if !errors.As(err, &rnf) && !errors.As(err, &dnf) {
		t.Errorf("error %T is not a typed CloudWatch error", err)
	}

	*ex = exchange{op: "PutMetricData", input: map[string]any{"Namespace": "x"}, err: awserr.New("InvalidParameterValueException", 0, "bad")}
	_, err = client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("x")})
	var ipv *cwtypes.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		t.Errorf("error %T %v, want InvalidParameterValueException", err, err)
	}
}

func TestOperationRouting(t *testing.T) {
	svc, _ := loader.Load("cloudwatch")
	c := New()
	for _, tc := range []struct {
		method, path, op string
		status           int
	}{
		{"POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", "ListMetrics", 0},
		{"POST", "/service/CloudWatch/operation/ListMetrics", "ListMetrics", 0},
		{"POST", "/prefix/service/CloudWatch/operation/ListMetrics", "ListMetrics", 0},
		{"POST", "/service/Other/operation/ListMetrics", "", 404},
		{"POST", "/service/CloudWatch/operation/Nope", "", 404},
		{"POST", "/service/CloudWatch/operation/", "", 404},
		{"POST", "/", "", 404},
		{"GET", "/service/CloudWatch/operation/ListMetrics", "", 405},
	} {
		req := &awsproto.Request{HTTP: httptest.NewRequest(tc.method, tc.path, nil), Service: svc}
		op, err := c.Operation(req)
		if tc.op != "" {
			if err != nil || op.Name != tc.op {
				t.Errorf("%s %s: %v %v", tc.method, tc.path, op, err)
			}
			continue
		}
		e, ok := awserr.As(err)
		if !ok || e.Code != "UnknownOperationException" || e.Status != tc.status {
			t.Errorf("%s %s: err %v, want UnknownOperationException %d", tc.method, tc.path, err, tc.status)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	svc, _ := loader.Load("cloudwatch")
	c := New()
	op := svc.Operations["PutMetricData"]
	for name, body := range map[string][]byte{
		"truncated":       {0xa1, 0x69},
		"not a map":       {0x01},
		"string for list": append([]byte{0xa1, 0x6a}, append([]byte("MetricData"), 0x61, 'x')...),
		"int key":         {0xa1, 0x01, 0x01},
		"deep":            append(bytesRepeat(0x81, 200), 0x01),
		"huge array":      {0xa1, 0x6a, 'M', 'e', 't', 'r', 'i', 'c', 'D', 'a', 't', 'a', 0x9b, 0x7f, 0, 0, 0, 0, 0, 0, 0},
	} {
		_, err := c.Decode(&awsproto.Request{Service: svc, Operation: op, Body: body})
		if e, ok := awserr.As(err); !ok || e.Code != "SerializationException" {
			t.Errorf("%s: err %v, want SerializationException", name, err)
		}
	}
}

func bytesRepeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}
