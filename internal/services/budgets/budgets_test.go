package budgets_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

const acct = "000000000000"

// now is the fake clock's time in these tests: 2026-05-20 (Q2).
var now = time.Date(2026, 5, 20, 13, 45, 0, 0, time.UTC)

func newFakeClient(t *testing.T) *client {
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clock.NewFake(now))))
	return &client{t: t, cfg: cfg, url: srv.URL}
}

type budget struct {
	BudgetName, BudgetType, TimeUnit string
	BudgetLimit                      struct{ Amount, Unit string }
	TimePeriod                       struct{ Start, End float64 }
	CalculatedSpend                  struct {
		ActualSpend, ForecastedSpend struct{ Amount, Unit string }
	}
	CostTypes   map[string]bool
	CostFilters map[string][]string
}

func costBudget(name string) m {
	return m{"BudgetName": name, "BudgetType": "COST", "TimeUnit": "MONTHLY", "BudgetLimit": m{"Amount": "100", "Unit": "USD"}}
}

func TestCreateBudget(t *testing.T) {
	c := newFakeClient(t)
	cases := []struct {
		name string
		in   m
		code string
	}{
		{"monthly cost", m{"AccountId": acct, "Budget": costBudget("monthly")}, ""},
		{"duplicate", m{"AccountId": acct, "Budget": costBudget("monthly")}, "DuplicateRecordException"},
		{"usage with filters", m{"AccountId": acct, "Budget": m{"BudgetName": "ec2-hours", "BudgetType": "USAGE", "TimeUnit": "DAILY",
			"BudgetLimit": m{"Amount": "24", "Unit": "Hrs"}, "CostFilters": m{"UsageType": []string{"BoxUsage:t3.micro"}}}}, ""},
		{"with notifications", m{"AccountId": acct, "Budget": costBudget("alarm"), "NotificationsWithSubscribers": []m{{
			"Notification": m{"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80},
			"Subscribers":  []m{{"SubscriptionType": "EMAIL", "Address": "ops@example.com"}},
		}}, "ResourceTags": []m{{"Key": "team", "Value": "billing"}}}, ""},
		{"no limit", m{"AccountId": acct, "Budget": m{"BudgetName": "nolimit", "BudgetType": "COST", "TimeUnit": "MONTHLY"}}, "InvalidParameterException"},
		{"bad type", m{"AccountId": acct, "Budget": m{"BudgetName": "x", "BudgetType": "MONEY", "TimeUnit": "MONTHLY"}}, "ValidationException"},
		{"bad account", m{"AccountId": "123", "Budget": costBudget("x")}, "ValidationException"},
		{"colon in name", m{"AccountId": acct, "Budget": costBudget("a:b")}, "ValidationException"},
		{"bad email", m{"AccountId": acct, "Budget": costBudget("bad-email"), "NotificationsWithSubscribers": []m{{
			"Notification": m{"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80},
			"Subscribers":  []m{{"SubscriptionType": "EMAIL", "Address": "nobody"}},
		}}}, "InvalidParameterException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.call("CreateBudget", tc.in, nil); code(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
		})
	}

	starts := []struct {
		name, unit string
		want       time.Time
	}{
		{"d", "DAILY", time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)},
		{"m", "MONTHLY", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"q", "QUARTERLY", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"a", "ANNUALLY", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, st := range starts {
		t.Run("default start "+st.unit, func(t *testing.T) {
			b := costBudget("period-" + st.name)
			b["TimeUnit"] = st.unit
			c.must("CreateBudget", m{"AccountId": acct, "Budget": b}, nil)
			var out struct{ Budget budget }
			c.must("DescribeBudget", m{"AccountId": acct, "BudgetName": "period-" + st.name}, &out)
			if got := time.Unix(int64(out.Budget.TimePeriod.Start), 0).UTC(); !got.Equal(st.want) {
				t.Errorf("start %v, want %v", got, st.want)
			}
			if got := time.Unix(int64(out.Budget.TimePeriod.End), 0).UTC(); !got.Equal(time.Date(2087, 6, 15, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("end %v", got)
			}
		})
	}

	var out struct{ Budget budget }
	c.must("DescribeBudget", m{"AccountId": acct, "BudgetName": "monthly"}, &out)
	b := out.Budget
	if b.BudgetLimit.Amount != "100" || b.BudgetLimit.Unit != "USD" || b.CalculatedSpend.ActualSpend.Amount != "0" ||
		b.CalculatedSpend.ActualSpend.Unit != "USD" || !b.CostTypes["IncludeTax"] || b.CostTypes["UseBlended"] {
		t.Errorf("budget: %+v", b)
	}
	c.must("DescribeBudget", m{"AccountId": acct, "BudgetName": "ec2-hours"}, &out)
	if !slices.Equal(out.Budget.CostFilters["UsageType"], []string{"BoxUsage:t3.micro"}) {
		t.Errorf("cost filters: %+v", out.Budget.CostFilters)
	}
	if err := c.call("DescribeBudget", m{"AccountId": acct, "BudgetName": "none"}, nil); code(err) != "NotFoundException" {
		t.Errorf("describe missing: %v", err)
	}
	// Another account sees none of these.
	if err := c.call("DescribeBudget", m{"AccountId": "123456789012", "BudgetName": "monthly"}, nil); code(err) != "NotFoundException" {
		t.Errorf("other account: %v", err)
	}
}

func TestDescribeBudgetsPaging(t *testing.T) {
	c := newFakeClient(t)
	for i := range 7 {
		c.must("CreateBudget", m{"AccountId": acct, "Budget": costBudget(fmt.Sprintf("b%d", i))}, nil)
	}
	var names []string
	token, pages := "", 0
	for {
		in := m{"AccountId": acct, "MaxResults": 3}
		if token != "" {
			in["NextToken"] = token
		}
		var out struct {
			Budgets   []budget
			NextToken string
		}
		c.must("DescribeBudgets", in, &out)
		pages++
		for _, b := range out.Budgets {
			names = append(names, b.BudgetName)
		}
		if token = out.NextToken; token == "" {
			break
		}
	}
	if len(names) != 7 || pages != 3 || !slices.IsSorted(names) {
		t.Errorf("%d budgets in %d pages: %v", len(names), pages, names)
	}
	if err := c.call("DescribeBudgets", m{"AccountId": acct, "NextToken": "%%"}, nil); code(err) != "InvalidNextTokenException" {
		t.Errorf("bad token: %v", err)
	}
}

func TestUpdateAndDeleteBudget(t *testing.T) {
	c := newFakeClient(t)
	c.must("CreateBudget", m{"AccountId": acct, "Budget": costBudget("b"), "NotificationsWithSubscribers": []m{{
		"Notification": m{"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80},
		"Subscribers":  []m{{"SubscriptionType": "EMAIL", "Address": "ops@example.com"}},
	}}}, nil)
	nb := costBudget("b")
	nb["BudgetLimit"] = m{"Amount": "250.5", "Unit": "USD"}
	c.must("UpdateBudget", m{"AccountId": acct, "NewBudget": nb}, nil)
	var out struct{ Budget budget }
	c.must("DescribeBudget", m{"AccountId": acct, "BudgetName": "b"}, &out)
	if out.Budget.BudgetLimit.Amount != "250.5" || out.Budget.TimePeriod.Start == 0 {
		t.Errorf("updated: %+v", out.Budget)
	}
	if err := c.call("UpdateBudget", m{"AccountId": acct, "NewBudget": costBudget("none")}, nil); code(err) != "NotFoundException" {
		t.Errorf("update missing: %v", err)
	}
	var notes struct{ Notifications []m }
	c.must("DescribeNotificationsForBudget", m{"AccountId": acct, "BudgetName": "b"}, &notes)
	if len(notes.Notifications) != 1 {
		t.Errorf("notifications kept by update: %v", notes)
	}
	c.must("DeleteBudget", m{"AccountId": acct, "BudgetName": "b"}, nil)
	if err := c.call("DeleteBudget", m{"AccountId": acct, "BudgetName": "b"}, nil); code(err) != "NotFoundException" {
		t.Errorf("delete twice: %v", err)
	}
	// Recreated, the budget has no notifications from before.
	c.must("CreateBudget", m{"AccountId": acct, "Budget": costBudget("b")}, nil)
	c.must("DescribeNotificationsForBudget", m{"AccountId": acct, "BudgetName": "b"}, &notes)
	if len(notes.Notifications) != 0 {
		t.Errorf("notifications survived delete: %v", notes)
	}
}

func TestNotificationsAndSubscribers(t *testing.T) {
	c := newFakeClient(t)
	c.must("CreateBudget", m{"AccountId": acct, "Budget": costBudget("b")}, nil)
	actual80 := m{"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80, "ThresholdType": "PERCENTAGE"}
	forecast100 := m{"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 100}
	email := m{"SubscriptionType": "EMAIL", "Address": "ops@example.com"}
	sns := m{"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:000000000000:billing"}
	steps := []struct {
		name, op string
		in       m
		code     string
	}{
		{"create", "CreateNotification", m{"Notification": actual80, "Subscribers": []m{email}}, ""},
		{"create duplicate", "CreateNotification", m{"Notification": actual80, "Subscribers": []m{email}}, "DuplicateRecordException"},
		{"create on missing budget", "CreateNotification", m{"BudgetName": "none", "Notification": forecast100, "Subscribers": []m{email}}, "NotFoundException"},
		{"add sns subscriber", "CreateSubscriber", m{"Notification": actual80, "Subscriber": sns}, ""},
		{"add subscriber twice", "CreateSubscriber", m{"Notification": actual80, "Subscriber": sns}, "DuplicateRecordException"},
		{"second sns subscriber", "CreateSubscriber", m{"Notification": actual80, "Subscriber": m{"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:000000000000:other"}}, "CreationLimitExceededException"},
		{"subscriber on missing notification", "CreateSubscriber", m{"Notification": forecast100, "Subscriber": email}, "NotFoundException"},
		{"update subscriber", "UpdateSubscriber", m{"Notification": actual80, "OldSubscriber": email, "NewSubscriber": m{"SubscriptionType": "EMAIL", "Address": "finance@example.com"}}, ""},
		{"update missing subscriber", "UpdateSubscriber", m{"Notification": actual80, "OldSubscriber": email, "NewSubscriber": email}, "NotFoundException"},
		{"update notification", "UpdateNotification", m{"OldNotification": actual80, "NewNotification": forecast100}, ""},
		{"old notification gone", "DeleteNotification", m{"Notification": actual80}, "NotFoundException"},
		{"delete subscriber", "DeleteSubscriber", m{"Notification": forecast100, "Subscriber": sns}, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			in := m{"AccountId": acct, "BudgetName": "b"}
			for k, v := range st.in {
				in[k] = v
			}
			if err := c.call(st.op, in, nil); code(err) != st.code {
				t.Fatalf("%s: got %v, want %q", st.op, err, st.code)
			}
		})
	}
	var notes struct {
		Notifications []struct {
			NotificationType, ComparisonOperator, ThresholdType, NotificationState string
			Threshold                                                              float64
		}
	}
	c.must("DescribeNotificationsForBudget", m{"AccountId": acct, "BudgetName": "b"}, &notes)
	if len(notes.Notifications) != 1 || notes.Notifications[0].NotificationType != "FORECASTED" || notes.Notifications[0].ThresholdType != "PERCENTAGE" || notes.Notifications[0].Threshold != 100 {
		t.Errorf("notifications: %+v", notes)
	}
	var subs struct {
		Subscribers []struct{ SubscriptionType, Address string }
	}
	c.must("DescribeSubscribersForNotification", m{"AccountId": acct, "BudgetName": "b", "Notification": forecast100}, &subs)
	if len(subs.Subscribers) != 1 || subs.Subscribers[0].Address != "finance@example.com" {
		t.Errorf("subscribers: %+v", subs)
	}
	c.must("DeleteNotification", m{"AccountId": acct, "BudgetName": "b", "Notification": forecast100}, nil)
	c.must("DescribeNotificationsForBudget", m{"AccountId": acct, "BudgetName": "b"}, &notes)
	if len(notes.Notifications) != 0 {
		t.Errorf("after delete: %+v", notes)
	}
}

func TestBudgetTags(t *testing.T) {
	c := newFakeClient(t)
	c.must("CreateBudget", m{"AccountId": acct, "Budget": costBudget("b"), "ResourceTags": []m{{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}}}, nil)
	arn := "arn:aws:budgets::000000000000:budget/b"
	list := func() []string {
		var out struct{ ResourceTags []struct{ Key, Value string } }
		c.must("ListTagsForResource", m{"ResourceARN": arn}, &out)
		var kv []string
		for _, t := range out.ResourceTags {
			kv = append(kv, t.Key+"="+t.Value)
		}
		return kv
	}
	if got := list(); !slices.Equal(got, []string{"a=1", "b=2"}) {
		t.Errorf("create tags: %v", got)
	}
	c.must("TagResource", m{"ResourceARN": arn, "ResourceTags": []m{{"Key": "c", "Value": "3"}, {"Key": "a", "Value": "9"}}}, nil)
	c.must("UntagResource", m{"ResourceARN": arn, "ResourceTagKeys": []string{"b"}}, nil)
	if got := list(); !slices.Equal(got, []string{"a=9", "c=3"}) {
		t.Errorf("tags: %v", got)
	}
	if err := c.call("ListTagsForResource", m{"ResourceARN": "arn:aws:budgets::000000000000:budget/none"}, nil); code(err) != "NotFoundException" {
		t.Errorf("tags of nothing: %v", err)
	}
	if err := c.call("ListTagsForResource", m{"ResourceARN": "not-an-arn"}, nil); code(err) != "InvalidParameterException" {
		t.Errorf("bad ARN: %v", err)
	}
}
