package mail

import (
	"context"
	"testing"
	"time"

	"haneul/internal/clock"
	"haneul/internal/state"
)

func newInbox(t *testing.T) *Inbox {
	t.Helper()
	store := state.New(state.Options{})
	b := New(store, clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
	if err := store.Open(); err != nil {
		t.Fatal(err)
	}
	return b
}

func subjects(ms []Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}

func TestInbox(t *testing.T) {
	b := newInbox(t)
	ctx := context.Background()
	for _, m := range []Message{
		{Source: "sns", From: "no-reply@sns.localhost", To: []string{"Ana <Ana@Example.com>"}, Subject: "one", Text: "1"},
		{Source: "sns", From: "no-reply@sns.localhost", To: []string{"bo@example.com"}, Subject: "two", Text: "2"},
		{Source: "ses", From: "app@example.com", To: []string{"ana@example.com", "bo@example.com"}, Subject: "three", Text: "3"},
	} {
		if _, err := b.Deliver(ctx, "111111111111", "ap-northeast-2", m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Deliver(ctx, "222222222222", "ap-northeast-2", Message{To: []string{"ana@example.com"}, Subject: "elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Deliver(ctx, "111111111111", "ap-northeast-2", Message{Subject: "nobody"}); err == nil {
		t.Error("a message without recipients was delivered")
	}

	cases := []struct {
		q    Query
		want []string
		next bool
	}{
		{Query{}, []string{"three", "two", "one"}, false},
		{Query{To: "ANA@example.com"}, []string{"three", "one"}, false},
		{Query{To: "bo@example.com", Limit: 1}, []string{"three"}, true},
		{Query{To: "nobody@example.com"}, nil, false},
	}
	for _, tc := range cases {
		got, next := b.List("111111111111", "ap-northeast-2", tc.q)
		if len(got) != len(tc.want) || (next != "") != tc.next {
			t.Errorf("%+v: got %v next %q, want %v", tc.q, subjects(got), next, tc.want)
			continue
		}
		for i := range got {
			if got[i].Subject != tc.want[i] {
				t.Errorf("%+v: got %v, want %v", tc.q, subjects(got), tc.want)
			}
		}
	}

	// Paging through one recipient's mail with Before.
	page, next := b.List("111111111111", "ap-northeast-2", Query{To: "bo@example.com", Limit: 1})
	rest, end := b.List("111111111111", "ap-northeast-2", Query{To: "bo@example.com", Limit: 1, Before: next})
	if len(page) != 1 || len(rest) != 1 || rest[0].Subject != "two" || page[0].ID != next {
		t.Fatalf("pages %v / %v (next %q)", subjects(page), subjects(rest), next)
	}
	if last, _ := b.List("111111111111", "ap-northeast-2", Query{To: "bo@example.com", Limit: 1, Before: rest[0].ID}); len(last) != 0 || end != "" {
		t.Fatalf("past the end: %v (end token %q)", subjects(last), end)
	}

	m, ok := b.Get("111111111111", "ap-northeast-2", page[0].ID)
	if !ok || m.Text != "3" || m.Time.IsZero() || m.Source != "ses" {
		t.Fatalf("get %+v %v", m, ok)
	}
	if n, err := b.Clear(ctx, "111111111111", "ap-northeast-2"); err != nil || n != 3 {
		t.Fatalf("clear: %d %v", n, err)
	}
	if got, _ := b.List("111111111111", "ap-northeast-2", Query{To: "ana@example.com"}); len(got) != 0 {
		t.Fatalf("after clear: %v", subjects(got))
	}
	if got, _ := b.List("222222222222", "ap-northeast-2", Query{}); len(got) != 1 {
		t.Fatalf("another account's inbox: %v", subjects(got))
	}
}

func TestAddress(t *testing.T) {
	for in, want := range map[string]string{
		"ana@example.com":            "ana@example.com",
		" Ana <Ana@Example.COM> ":    "ana@example.com",
		`"Bo, Jr." <bo@example.com>`: "bo@example.com",
	} {
		if got := address(in); got != want {
			t.Errorf("address(%q) = %q, want %q", in, got, want)
		}
	}
}
