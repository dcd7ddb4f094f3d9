package sns

import (
	"context"
	"testing"
	"time"

	"haneul/internal/clock"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// TestDeliveriesRecorded checks that e-mail, SMS and push messages land in
// the recorded deliveries, in order, with the message each endpoint gets.
func TestDeliveriesRecorded(t *testing.T) {
	store := state.New(state.Options{})
	s := New(service.Deps{Store: store, Clock: clock.NewFake(time.Unix(1e9, 0))}, nil)
	if err := store.Open(); err != nil {
		t.Fatal(err)
	}
	ctx := reqctx.With(context.Background(), &reqctx.Info{Account: "000000000000", Region: "ap-northeast-2"})
	topic, err := s.CreateTopic(ctx, &CreateTopicInput{Name: ptr.To("mail")})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Subscribe(ctx, &SubscribeInput{TopicArn: topic.TopicArn, Protocol: ptr.To("email"), Endpoint: ptr.To("a@example.com"), ReturnSubscriptionArn: ptr.To(true)})
	if err != nil {
		t.Fatal(err)
	}
	ds := s.Deliveries("000000000000", "ap-northeast-2")
	if len(ds) != 1 || ds[0].Type != "SubscriptionConfirmation" || ds[0].Token == "" {
		t.Fatalf("deliveries %+v", ds)
	}
	if _, err := s.ConfirmSubscription(ctx, &ConfirmSubscriptionInput{TopicArn: topic.TopicArn, Token: ptr.To(ds[0].Token)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, &PublishInput{TopicArn: topic.TopicArn, MessageStructure: ptr.To("json"), Message: ptr.To(`{"default":"d","email":"hello by mail"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, &PublishInput{PhoneNumber: ptr.To("+821012345678"), Message: ptr.To("code 1234")}); err != nil {
		t.Fatal(err)
	}
	ds = s.Deliveries("000000000000", "ap-northeast-2")
	want := []struct{ typ, protocol, message string }{
		{"SubscriptionConfirmation", "email", ""},
		{"Notification", "email", "hello by mail"},
		{"SMS", "sms", "code 1234"},
	}
	if len(ds) != len(want) {
		t.Fatalf("deliveries %+v", ds)
	}
	for i, w := range want {
		if ds[i].Type != w.typ || ds[i].Protocol != w.protocol || (w.message != "" && ds[i].Message != w.message) || ds[i].Seq != uint64(i+1) {
			t.Errorf("delivery %d: %+v, want %+v", i, ds[i], w)
		}
	}
	if ds[1].SubscriptionArn != ptr.Val(sub.SubscriptionArn) {
		t.Errorf("subscription %s", ds[1].SubscriptionArn)
	}
}
