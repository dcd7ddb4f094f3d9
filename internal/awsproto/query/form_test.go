package query_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/query"
)

func form(s string) url.Values {
	v, err := url.ParseQuery(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestDecodeForm(t *testing.T) {
	iam, sqs := load(t, "iam"), load(t, "sqs")
	tests := []struct {
		svc  string
		form string
		want map[string]any
		code string // expected error code
	}{
		{"iam", "Action=CreateRole&Version=2010-05-08&RoleName=r&Unknown=1&Tags.member.3.Key=c&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.x.Key=bad",
			map[string]any{"RoleName": "r", "Tags": []any{map[string]any{"Key": "a", "Value": "1"}, map[string]any{"Key": "c"}}}, ""},
		{"iam", "Action=CreateRole&Tags=", map[string]any{"Tags": []any{}}, ""},
		{"iam", "Action=CreateRole&MaxSessionDuration=abc", nil, "InvalidParameterValue"},
		{"iam", "Action=CreateRole&MaxSessionDuration=99999999999", nil, "InvalidParameterValue"},
		{"iam", "Action=CreateRole&Tags.member.99999999.Key=a", nil, "InvalidParameterValue"},
		{"iam", "Action=CreateRole&Tags.member.0.Key=a&Tags.member.-1.Key=b", map[string]any{"Tags": []any{}}, ""},
		{"iam", "Action=CreateRole&RoleName.member.1=x", map[string]any{}, ""},
		{"iam", "Action=ListRoles&MaxItems=5", map[string]any{"MaxItems": int64(5)}, ""},
		{"iam", "Action=GetAccountAuthorizationDetails&Filter.member.1=Role&Filter.member.2=User",
			map[string]any{"Filter": []any{"Role", "User"}}, ""},
		{"iam", "Action=CreateRole&" + strings.Repeat("a.", 100) + "b=1", nil, "InvalidParameterValue"},
		// SQS query-compatible names.
		{"sqs", "Action=SetQueueAttributes&QueueUrl=u&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30&Attribute.2.Name=Policy&Attribute.2.Value=p",
			map[string]any{"QueueUrl": "u", "Attributes": map[string]any{"VisibilityTimeout": "30", "Policy": "p"}}, ""},
		{"sqs", "Action=ReceiveMessage&QueueUrl=u&AttributeName.1=All&MessageAttributeName.1=a&MaxNumberOfMessages=10&WaitTimeSeconds=0",
			map[string]any{"QueueUrl": "u", "AttributeNames": []any{"All"}, "MessageAttributeNames": []any{"a"}, "MaxNumberOfMessages": int64(10), "WaitTimeSeconds": int64(0)}, ""},
		{"sqs", "Action=SendMessage&QueueUrl=u&MessageBody=b&DelaySeconds=1&MessageAttribute.1.Name=n&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v&MessageAttribute.2.Name=bin&MessageAttribute.2.Value.DataType=Binary&MessageAttribute.2.Value.BinaryValue=AAEC",
			map[string]any{"QueueUrl": "u", "MessageBody": "b", "DelaySeconds": int64(1), "MessageAttributes": map[string]any{
				"n":   map[string]any{"DataType": "String", "StringValue": "v"},
				"bin": map[string]any{"DataType": "Binary", "BinaryValue": []byte{0, 1, 2}}}}, ""},
		{"sqs", "Action=SendMessageBatch&QueueUrl=u&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y",
			map[string]any{"QueueUrl": "u", "Entries": []any{map[string]any{"Id": "a", "MessageBody": "x"}, map[string]any{"Id": "b", "MessageBody": "y"}}}, ""},
		{"sqs", "Action=TagQueue&QueueUrl=u&Tag.1.Key=k&Tag.1.Value=v",
			map[string]any{"QueueUrl": "u", "Tags": map[string]any{"k": "v"}}, ""},
		{"sqs", "Action=CreateQueue&QueueName=q&Attribute.1.Name=FifoQueue&Attribute.1.Value=true&Tag.1.Key=k&Tag.1.Value=v",
			map[string]any{"QueueName": "q", "Attributes": map[string]any{"FifoQueue": "true"}, "tags": map[string]any{"k": "v"}}, ""},
		{"sqs", "Action=UntagQueue&QueueUrl=u&TagKey.1=a&TagKey.2=b",
			map[string]any{"QueueUrl": "u", "TagKeys": []any{"a", "b"}}, ""},
	}
	for _, tt := range tests {
		svc := iam
		if tt.svc == "sqs" {
			svc = sqs
		}
		c := query.New()
		req := &awsproto.Request{Service: svc, Form: form(tt.form)}
		got, err := c.Decode(req)
		if tt.code != "" {
			e, ok := awserr.As(err)
			if !ok || e.Code != tt.code || awsproto.ErrorStatus(svc, e) != 400 {
				t.Errorf("%s: error %v, want %s", tt.form, err, tt.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.form, err)
			continue
		}
		if !equal(got, tt.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.form, got, tt.want)
		}
	}
	// The JSON view of the SQS model is untouched by the query view.
	if ln := sqs.Shapes["SetQueueAttributesRequest"].Members["Attributes"].LocationName; ln != "" {
		t.Errorf("query view leaked into the SQS model: %q", ln)
	}
}

func TestDecodeTimestampsAndBlobs(t *testing.T) {
	svc := load(t, "cloudwatch")
	c := query.New()
	req := &awsproto.Request{Service: svc, Form: form("Action=GetMetricStatistics&Namespace=n&MetricName=m&StartTime=2024-01-02T03:04:05Z&EndTime=1704168245&Period=60&Statistics.member.1=Sum")}
	got, err := c.Decode(req)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	want := map[string]any{"Namespace": "n", "MetricName": "m", "StartTime": start, "EndTime": start.Add(time.Hour), "Period": int64(60), "Statistics": []any{"Sum"}}
	if !equal(got, want) {
		t.Fatalf("got %#v", got)
	}
	req.Form.Set("StartTime", "soon")
	if _, err := c.Decode(req); err == nil {
		t.Fatal("bad timestamp accepted")
	}
}

func TestOperation(t *testing.T) {
	svc := load(t, "iam")
	c := query.New()
	for form, code := range map[string]string{"": "MissingAction", "Action=Nope": "InvalidAction"} {
		_, err := c.Operation(&awsproto.Request{Service: svc, Form: url.Values(formOrEmpty(form))})
		if e, ok := awserr.As(err); !ok || e.Code != code || awsproto.ErrorStatus(svc, e) != 400 {
			t.Errorf("%q: %v, want %s", form, err, code)
		}
	}
}

func formOrEmpty(s string) url.Values {
	if s == "" {
		return url.Values{}
	}
	return form(s)
}

func TestSQSQueryResponses(t *testing.T) {
	svc := load(t, "sqs")
	c := query.New()
	req := &awsproto.Request{Service: svc, RequestID: "rid", Form: form("Action=ReceiveMessage&QueueUrl=u")}
	op, err := c.Operation(req)
	if err != nil {
		t.Fatal(err)
	}
	req.Operation = op
	w := httptest.NewRecorder()
	err = c.Encode(w, req, map[string]any{"Messages": []any{map[string]any{
		"MessageId": "m", "Body": "b", "Attributes": map[string]any{"SenderId": "1"},
		"MessageAttributes": map[string]any{"a": map[string]any{"DataType": "String", "StringValue": "v"}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult>` +
		`<Message><Attribute><Name>SenderId</Name><Value>1</Value></Attribute><Body>b</Body>` +
		`<MessageAttribute><Name>a</Name><Value><DataType>String</DataType><StringValue>v</StringValue></Value></MessageAttribute>` +
		`<MessageId>m</MessageId></Message>` +
		`</ReceiveMessageResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ReceiveMessageResponse>`
	if got := w.Body.String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/xml" || w.Header().Get("X-Amzn-Requestid") != "rid" {
		t.Fatalf("headers %v", w.Header())
	}

	w = httptest.NewRecorder()
	c.EncodeError(w, req, awserr.New("QueueDoesNotExist", 0, "no <queue>"))
	want = `<ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>` +
		`<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>no &lt;queue&gt;</Message></Error><RequestId>rid</RequestId></ErrorResponse>`
	if got := w.Body.String(); got != want || w.Code != 400 {
		t.Fatalf("%d %s\nwant %s", w.Code, got, want)
	}
	w = httptest.NewRecorder()
	c.EncodeError(w, req, awserr.ErrInternal)
	if !strings.Contains(w.Body.String(), "<Type>Receiver</Type>") || w.Code != 500 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

func FuzzDecodeForm(f *testing.F) {
	iam, sqs, sns := loadF(f, "iam"), loadF(f, "sqs"), loadF(f, "sns")
	f.Add("Action=CreateRole&RoleName=r&Tags.member.1.Key=a&Tags.member.1.Value=b&MaxSessionDuration=3600")
	f.Add("Action=SendMessage&MessageAttribute.1.Name=n&MessageAttribute.1.Value.StringListValue.1=x&DelaySeconds=1")
	f.Add("Action=Publish&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.BinaryValue=AAE=")
	f.Add("Action=CreateTopic&Attributes.entry.2.key=k&Attributes.entry.2.value=v&Tags=")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		c := query.New()
		for _, svc := range []*model.Service{iam, sqs, sns} {
			req := &awsproto.Request{Service: svc, Form: v}
			if _, err := c.Decode(req); err != nil {
				if _, ok := awserr.As(err); !ok {
					t.Fatalf("error is not an *awserr.Error: %v", err)
				}
			}
		}
	})
}

func loadF(f *testing.F, name string) *model.Service {
	svc, err := model.NewLoader().Load(name)
	if err != nil {
		f.Fatal(err)
	}
	return svc
}
