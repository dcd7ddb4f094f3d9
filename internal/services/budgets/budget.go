package budgets

import (
	"context"
	"slices"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// budgetRec is a stored budget: the Budget as AWS describes it (less the
// computed spend) and its tags.
type budgetRec struct {
	Budget Budget
	Tags   []tag `json:",omitempty"`
}

// tag is a stored tag.
type tag struct {
	Key, Value string
}

// defaultEnd is the end of a budget created without one.
// AWS: budgets without an end date end on 2087-06-15 00:00 UTC.
func defaultEnd() time.Time { return time.Date(2087, 6, 15, 0, 0, 0, 0, time.UTC) }

// periodStart is the start of the period t falls in.
// AWS: a budget without a start date starts at the beginning of the current
// day, month, quarter or year of its TimeUnit, in UTC.
func periodStart(unit string, t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	switch unit {
	case "DAILY":
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case "QUARTERLY":
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, time.UTC)
	case "ANNUALLY":
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

// defaultCostTypes is what AWS reports for a budget created without CostTypes.
func defaultCostTypes() *CostTypes {
	t, f := ptr.To(true), ptr.To(false)
	return &CostTypes{
		IncludeCredit: t, IncludeDiscount: t, IncludeOtherSubscription: t, IncludeRecurring: t,
		IncludeRefund: t, IncludeSubscription: t, IncludeSupport: t, IncludeTax: t, IncludeUpfront: t,
		UseAmortized: f, UseBlended: f,
	}
}

// normalize checks a budget from a request and fills in AWS's defaults.
// old is the stored budget for an update (nil on create).
func (s *Service) normalize(in Budget, old *Budget) (Budget, error) {
	b := in
	if name := ptr.Val(b.BudgetName); strings.ContainsAny(name, ":\\") || strings.Contains(name, "/action/") {
		// The model's pattern for BudgetName uses a look-ahead Go's regexp
		// lacks, so the front end's check is made here.
		return b, awserr.New("ValidationException", 400, `1 validation error detected: Value '%s' at 'budget.budgetName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?![^:\\]*/action/|(?i).*<script>.*</script>.*)[^:\\]+$`, name)
	}
	b.CalculatedSpend = nil
	b.HealthStatus = nil
	b.LastUpdatedTime = ptr.To(s.now())
	typ := ptr.Val(b.BudgetType)
	hasLimit := b.BudgetLimit != nil && ptr.Val(b.BudgetLimit.Amount) != ""
	if b.BudgetLimit != nil && !hasLimit {
		b.BudgetLimit = nil
	}
	if hasLimit && len(b.PlannedBudgetLimits) > 0 {
		return b, invalidParameter("A budget can have either a BudgetLimit or PlannedBudgetLimits, not both.")
	}
	switch typ {
	case "COST", "USAGE":
		if !hasLimit && len(b.PlannedBudgetLimits) == 0 && b.AutoAdjustData == nil {
			return b, invalidParameter("Request must contain either BudgetLimit or PlannedBudgetLimits.")
		}
	default:
		// AWS: RI and Savings Plans budgets track a percentage; their limit is 100 PERCENTAGE.
		if !hasLimit {
			b.BudgetLimit = &Spend{Amount: ptr.To("100.0"), Unit: ptr.To("PERCENTAGE")}
		}
	}
	if b.BudgetLimit != nil && ptr.Val(b.BudgetLimit.Unit) == "" {
		return b, invalidParameter("The budget limit unit is required.")
	}
	tp := TimePeriod{}
	if old != nil && old.TimePeriod != nil {
		tp = *old.TimePeriod
	}
	if b.TimePeriod != nil {
		if b.TimePeriod.Start != nil {
			tp.Start = b.TimePeriod.Start
		}
		if b.TimePeriod.End != nil {
			tp.End = b.TimePeriod.End
		}
	}
	if tp.Start == nil {
		tp.Start = ptr.To(periodStart(ptr.Val(b.TimeUnit), s.now()))
	}
	if tp.End == nil {
		tp.End = ptr.To(defaultEnd())
	}
	if !tp.End.After(*tp.Start) {
		return b, invalidParameter("The end date of the budget must be after the start date.")
	}
	b.TimePeriod = &tp
	if b.CostTypes == nil && (typ == "COST" || typ == "USAGE") {
		if old != nil && old.CostTypes != nil {
			b.CostTypes = old.CostTypes
		} else {
			b.CostTypes = defaultCostTypes()
		}
	}
	if len(b.CostFilters) == 0 {
		b.CostFilters = nil
	}
	if len(b.PlannedBudgetLimits) == 0 {
		b.PlannedBudgetLimits = nil
	}
	return b, nil
}

// apiBudget renders a stored budget with its computed spend.
// haneul bills nothing: actual and forecasted spend are zero.
func apiBudget(b Budget) Budget {
	unit := "USD"
	if b.BudgetLimit != nil {
		unit = ptr.Val(b.BudgetLimit.Unit)
	}
	b.CalculatedSpend = &CalculatedSpend{
		ActualSpend:     &Spend{Amount: ptr.To("0"), Unit: ptr.To(unit)},
		ForecastedSpend: &Spend{Amount: ptr.To("0"), Unit: ptr.To(unit)},
	}
	return b
}

// CreateBudget creates a budget, optionally with notifications and their subscribers.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_CreateBudget.html
func (s *Service) CreateBudget(ctx context.Context, in *CreateBudgetRequest) (*CreateBudgetResponse, error) {
	b, err := s.normalize(*in.Budget, nil)
	if err != nil {
		return nil, err
	}
	name := ptr.Val(b.BudgetName)
	tags, err := mergeTags(nil, in.ResourceTags)
	if err != nil {
		return nil, err
	}
	var notes []notificationRec
	for _, nw := range in.NotificationsWithSubscribers {
		n, err := newNotification(*nw.Notification, nw.Subscribers)
		if err != nil {
			return nil, err
		}
		notes = append(notes, n)
	}
	sc := scope(in.AccountId)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.budgets.Get(tx, sc, name); ok {
			return duplicate("Error creating budget: %s - the budget already exists.", name)
		}
		s.budgets.Put(tx, sc, name, budgetRec{Budget: b, Tags: tags})
		for _, n := range notes {
			k := noteKey(name, n.Notification)
			if _, ok := s.notifications.Get(tx, sc, k); ok {
				return duplicate("Error creating notification: the notification already exists for budget %s.", name)
			}
			s.notifications.Put(tx, sc, k, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateBudgetResponse{}, nil
}

// getBudget reads a budget or answers AWS's NotFoundException with verb ("get", "update", …).
func (s *Service) getBudget(tx *state.Tx, sc state.Scope, name, verb string) (budgetRec, error) {
	b, ok := s.budgets.Get(tx, sc, name)
	if !ok {
		return b, notFound("Unable to %s budget: %s - the budget doesn't exist.", verb, name)
	}
	return b, nil
}

// DescribeBudget returns one budget.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeBudget.html
func (s *Service) DescribeBudget(ctx context.Context, in *DescribeBudgetRequest) (*DescribeBudgetResponse, error) {
	var out DescribeBudgetResponse
	err := s.db.View(func(tx *state.Tx) error {
		b, err := s.getBudget(tx, scope(in.AccountId), ptr.Val(in.BudgetName), "get")
		if err != nil {
			return err
		}
		ab := apiBudget(b.Budget)
		out.Budget = &ab
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DescribeBudgets lists an account's budgets in name order.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeBudgets.html
func (s *Service) DescribeBudgets(ctx context.Context, in *DescribeBudgetsRequest) (*DescribeBudgetsResponse, error) {
	pg, err := newPage(in.NextToken, in.MaxResults, 100, "")
	if err != nil {
		return nil, err
	}
	out := DescribeBudgetsResponse{Budgets: []Budget{}}
	err = s.db.View(func(tx *state.Tx) error {
		s.budgets.Ascend(tx, scope(in.AccountId), pg.from, func(k string, b budgetRec) bool {
			if len(out.Budgets) == pg.max {
				out.NextToken = encodeToken(k)
				return false
			}
			out.Budgets = append(out.Budgets, apiBudget(b.Budget))
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateBudget replaces a budget's settings; its notifications and tags stay.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateBudget.html
func (s *Service) UpdateBudget(ctx context.Context, in *UpdateBudgetRequest) (*UpdateBudgetResponse, error) {
	sc := scope(in.AccountId)
	name := ptr.Val(in.NewBudget.BudgetName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		old, err := s.getBudget(tx, sc, name, "update")
		if err != nil {
			return err
		}
		b, err := s.normalize(*in.NewBudget, &old.Budget)
		if err != nil {
			return err
		}
		s.budgets.Put(tx, sc, name, budgetRec{Budget: b, Tags: old.Tags})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateBudgetResponse{}, nil
}

// DeleteBudget deletes a budget with its notifications and subscribers.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DeleteBudget.html
func (s *Service) DeleteBudget(ctx context.Context, in *DeleteBudgetRequest) (*DeleteBudgetResponse, error) {
	sc := scope(in.AccountId)
	name := ptr.Val(in.BudgetName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if !s.budgets.Delete(tx, sc, name) {
			return notFound("Unable to delete budget: %s - the budget doesn't exist. Try creating it first.", name)
		}
		var keys []string
		s.notifications.AscendPrefix(tx, sc, name+sep, func(k string, _ notificationRec) bool {
			keys = append(keys, k)
			return true
		})
		for _, k := range keys {
			s.notifications.Delete(tx, sc, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteBudgetResponse{}, nil
}

// mergeTags returns old with in applied, sorted by key. old is not modified.
func mergeTags(old []tag, in []ResourceTag) ([]tag, error) {
	out := slices.Clone(old)
	for _, t := range in {
		k, v := ptr.Val(t.Key), ptr.Val(t.Value)
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, invalidParameter("Tag keys beginning with aws: are reserved.")
		}
		if i := slices.IndexFunc(out, func(t tag) bool { return t.Key == k }); i >= 0 {
			out[i].Value = v
		} else {
			out = append(out, tag{Key: k, Value: v})
		}
	}
	// AWS: a budget has at most 200 tags.
	if len(out) > 200 {
		return nil, quotaExceeded("You've reached the limit of 200 tags for this resource.")
	}
	slices.SortFunc(out, func(a, b tag) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// TagResource adds or replaces tags on a budget.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_TagResource.html
func (s *Service) TagResource(ctx context.Context, in *TagResourceRequest) (*TagResourceResponse, error) {
	account, name, err := parseBudgetARN(ptr.Val(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	sc := state.Scope{Account: account}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		b, err := s.getBudget(tx, sc, name, "get")
		if err != nil {
			return err
		}
		tags, err := mergeTags(b.Tags, in.ResourceTags)
		if err != nil {
			return err
		}
		b.Tags = tags
		s.budgets.Put(tx, sc, name, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagResourceResponse{}, nil
}

// UntagResource removes tags from a budget by key.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceRequest) (*UntagResourceResponse, error) {
	account, name, err := parseBudgetARN(ptr.Val(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	sc := state.Scope{Account: account}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		b, err := s.getBudget(tx, sc, name, "get")
		if err != nil {
			return err
		}
		b.Tags = slices.DeleteFunc(slices.Clone(b.Tags), func(t tag) bool { return slices.Contains(in.ResourceTagKeys, t.Key) })
		s.budgets.Put(tx, sc, name, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UntagResourceResponse{}, nil
}

// ListTagsForResource lists a budget's tags.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResponse, error) {
	account, name, err := parseBudgetARN(ptr.Val(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	out := ListTagsForResourceResponse{ResourceTags: []ResourceTag{}}
	err = s.db.View(func(tx *state.Tx) error {
		b, err := s.getBudget(tx, state.Scope{Account: account}, name, "get")
		if err != nil {
			return err
		}
		for _, t := range b.Tags {
			out.ResourceTags = append(out.ResourceTags, ResourceTag{Key: ptr.To(t.Key), Value: ptr.To(t.Value)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
