package ec2query_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/ec2query"
	"haneul/internal/awsproto/model"
)

var _ awsproto.Codec = ec2query.New()

type exchange struct {
	op  string
	in  map[string]any
	out map[string]any
	err *awserr.Error
}

// serve plays the gateway for one exchange and checks the decoded input.
func serve(t *testing.T, svc *model.Service, ex *exchange) *httptest.Server {
	codec := ec2query.New()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form := r.URL.Query()
		if bf, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range bf {
				form[k] = append(form[k], v...)
			}
		}
		req := &awsproto.Request{HTTP: r, Service: svc, Protocol: awsproto.EC2, RequestID: "req-ec2", Body: body, Form: form}
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
			t.Errorf("decode: %v", err)
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

func client(srv *httptest.Server) *ec2.Client {
	return ec2.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !equal(v, w) {
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
	}
	return a == b
}

func loadEC2(t testing.TB) *model.Service {
	svc, err := model.NewLoader().Load("ec2")
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

var ctx = context.Background()

func TestEC2(t *testing.T) {
	svc := loadEC2(t)
	launch := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tag := func(k, v string) map[string]any { return map[string]any{"Key": k, "Value": v} }

	t.Run("RunInstances", func(t *testing.T) {
		srv := serve(t, svc, &exchange{op: "RunInstances",
			in: map[string]any{"ImageId": "ami-1", "MinCount": int64(1), "MaxCount": int64(2), "InstanceType": "t3.micro", "DryRun": false, "ClientToken": "tok",
				"SecurityGroupIds": []any{"sg-1", "sg-2"},
				"BlockDeviceMappings": []any{map[string]any{"DeviceName": "/dev/xvda",
					"Ebs": map[string]any{"VolumeSize": int64(20), "DeleteOnTermination": true, "VolumeType": "gp3"}}},
				"TagSpecifications": []any{map[string]any{"ResourceType": "instance", "Tags": []any{tag("Name", "web"), tag("env", "dev")}}},
			},
			out: map[string]any{"ReservationId": "r-1", "OwnerId": "000000000000", "Instances": []any{
				map[string]any{"InstanceId": "i-1", "ImageId": "ami-1", "State": map[string]any{"Code": int64(0), "Name": "pending"}, "LaunchTime": launch},
			}}})
		out, err := client(srv).RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-1"), MinCount: aws.Int32(1), MaxCount: aws.Int32(2),
			InstanceType: ec2types.InstanceTypeT3Micro, DryRun: aws.Bool(false), ClientToken: aws.String("tok"), SecurityGroupIds: []string{"sg-1", "sg-2"},
			BlockDeviceMappings: []ec2types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"),
				Ebs: &ec2types.EbsBlockDevice{VolumeSize: aws.Int32(20), DeleteOnTermination: aws.Bool(true), VolumeType: ec2types.VolumeTypeGp3}}},
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
				Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("dev")}}}},
		})
		if err != nil || aws.ToString(out.ReservationId) != "r-1" || len(out.Instances) != 1 ||
			out.Instances[0].State.Name != ec2types.InstanceStateNamePending || !out.Instances[0].LaunchTime.Equal(launch) {
			t.Fatalf("%+v %v", out, err)
		}
	})

	t.Run("DescribeInstances", func(t *testing.T) {
		inst := func(id string) map[string]any {
			return map[string]any{"InstanceId": id, "InstanceType": "t3.micro", "LaunchTime": launch,
				"State":            map[string]any{"Code": int64(16), "Name": "running"},
				"Tags":             []any{tag("Name", id), tag("team", "a&b")},
				"SecurityGroups":   []any{map[string]any{"GroupId": "sg-1", "GroupName": "default"}},
				"EbsOptimized":     true,
				"PrivateIpAddress": "10.0.0.1"}
		}
		srv := serve(t, svc, &exchange{op: "DescribeInstances",
			in: map[string]any{"InstanceIds": []any{"i-1", "i-2"}, "MaxResults": int64(5), "NextToken": "n0",
				"Filters": []any{map[string]any{"Name": "instance-state-name", "Values": []any{"running", "pending"}}, map[string]any{"Name": "tag:Name", "Values": []any{"web"}}}},
			out: map[string]any{"NextToken": "n1", "Reservations": []any{
				map[string]any{"ReservationId": "r-1", "OwnerId": "000000000000", "Instances": []any{inst("i-1"), inst("i-2")}},
			}}})
		out, err := client(srv).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-1", "i-2"}, MaxResults: aws.Int32(5), NextToken: aws.String("n0"),
			Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running", "pending"}}, {Name: aws.String("tag:Name"), Values: []string{"web"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.NextToken) != "n1" || len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 2 {
			t.Fatalf("%+v", out)
		}
		i := out.Reservations[0].Instances[1]
		if aws.ToString(i.InstanceId) != "i-2" || i.State.Name != ec2types.InstanceStateNameRunning || aws.ToInt32(i.State.Code) != 16 ||
			len(i.Tags) != 2 || aws.ToString(i.Tags[1].Value) != "a&b" || !aws.ToBool(i.EbsOptimized) ||
			aws.ToString(i.SecurityGroups[0].GroupId) != "sg-1" || !i.LaunchTime.Equal(launch) {
			t.Fatalf("%+v", i)
		}
	})

	t.Run("InvalidInstanceID.NotFound", func(t *testing.T) {
		srv := serve(t, svc, &exchange{op: "DescribeInstances", in: map[string]any{"InstanceIds": []any{"i-x"}},
			err: awserr.New("InvalidInstanceID.NotFound", 400, "The instance ID 'i-x' does not exist")})
		_, err := client(srv).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-x"}})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidInstanceID.NotFound" || ae.ErrorMessage() != "The instance ID 'i-x' does not exist" {
			t.Fatalf("%T %v", err, err)
		}
	})

	t.Run("boolean output", func(t *testing.T) {
		srv := serve(t, svc, &exchange{op: "DeleteKeyPair", in: map[string]any{"KeyName": "k"}, out: map[string]any{"Return": true, "KeyPairId": "key-1"}})
		out, err := client(srv).DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String("k")})
		if err != nil || !aws.ToBool(out.Return) || aws.ToString(out.KeyPairId) != "key-1" {
			t.Fatalf("%+v %v", out, err)
		}
	})
}

func TestEncodeWire(t *testing.T) {
	svc := loadEC2(t)
	c := ec2query.New()
	req := &awsproto.Request{Service: svc, RequestID: "rid", Form: url.Values{"Action": {"DescribeTags"}}}
	w := httptest.NewRecorder()
	if err := c.Encode(w, req, map[string]any{"Tags": []any{map[string]any{"Key": "k", "ResourceId": "i-1"}}}); err != nil {
		t.Fatal(err)
	}
	want := `<DescribeTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>rid</requestId>` +
		`<tagSet><item><key>k</key><resourceId>i-1</resourceId></item></tagSet></DescribeTagsResponse>`
	if w.Body.String() != want || w.Header().Get("Content-Type") != "text/xml;charset=UTF-8" {
		t.Fatalf("%s %v", w.Body, w.Header())
	}
	w = httptest.NewRecorder()
	c.EncodeError(w, req, awserr.New("InvalidParameterValue", 400, "bad <value>"))
	want = `<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>bad &lt;value&gt;</Message></Error></Errors><RequestID>rid</RequestID></Response>`
	if w.Body.String() != want || w.Code != 400 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

func TestDecodeErrors(t *testing.T) {
	svc := loadEC2(t)
	c := ec2query.New()
	for _, f := range []string{
		"Action=RunInstances&MinCount=one",
		"Action=RunInstances&SecurityGroupId.100001=sg",
		"Action=RunInstances&DryRun=maybe",
		"Action=RunInstances&" + strings.Repeat("x.", 80) + "y=1",
	} {
		v, _ := url.ParseQuery(f)
		_, err := c.Decode(&awsproto.Request{Service: svc, Form: v})
		if e, ok := awserr.As(err); !ok || awsproto.ErrorStatus(svc, e) != 400 {
			t.Errorf("%s: %v", f, err)
		}
	}
	for form, code := range map[string]string{"": "MissingAction", "Action=Nope": "InvalidAction"} {
		v, _ := url.ParseQuery(form)
		_, err := c.Operation(&awsproto.Request{Service: svc, Form: v})
		if e, ok := awserr.As(err); !ok || e.Code != code {
			t.Errorf("%q: %v", form, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	svc := loadEC2(f)
	c := ec2query.New()
	f.Add("Action=RunInstances&ImageId=ami&MinCount=1&SecurityGroupId.1=sg&BlockDeviceMapping.1.Ebs.VolumeSize=8&TagSpecification.1.Tag.1.Key=k")
	f.Add("Action=DescribeInstances&Filter.1.Name=n&Filter.1.Value.1=v&InstanceId.2=i&MaxResults=5")
	f.Add("Action=ImportKeyPair&KeyName=k&PublicKeyMaterial=AAEC")
	f.Add("Action=CreateLaunchTemplate&LaunchTemplateData.NetworkInterface.1.Ipv6Addresses.1.Ipv6Address=x")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		req := &awsproto.Request{Service: svc, Form: v}
		op, err := c.Operation(req)
		if err != nil {
			return
		}
		req.Operation = op
		if _, err := c.Decode(req); err != nil {
			if _, ok := awserr.As(err); !ok {
				t.Fatalf("not an *awserr.Error: %v", err)
			}
		}
	})
}
