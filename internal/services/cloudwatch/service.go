// Package cloudwatch is Amazon CloudWatch: custom metrics (PutMetricData and
// the statistics read back from them), metric and composite alarms with an
// evaluator that moves them between OK, ALARM and INSUFFICIENT_DATA as AWS
// documents, alarm history, and dashboards.
//
// CloudWatch is served in the three protocols its model lists: Smithy RPC v2
// CBOR (aws-sdk-go-v2), JSON 1.0 in query-compatible mode (aws-cli, boto3)
// and query (Terraform's provider 5.x). The handlers are written once; the
// codecs render the same values and errors in each.
//
// Datapoints are kept in the "data" table, one record per metric per minute
// keyed "<metric id>/<minute>", so a statistics query over a time range is a
// range walk of that metric's minutes and nothing else. Every acknowledged
// PutMetricData is in that table before the answer leaves. Data older than
// the retention (15 days, AWS's for one-minute data) is pruned through the
// "expiry" index, again by range walk.
package cloudwatch

//go:generate go run ../../../codegen -model cloudwatch -pkg cloudwatch -out api_gen.go

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"haneul/internal/clock"
	"haneul/internal/ptr"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Service is the CloudWatch service.
type Service struct {
	db         *state.DB
	metrics    *state.Table[metricRec]    // canonical metric key → metric
	data       *state.Table[bucketRec]    // "<id>/<minute>" → the metric's samples of that minute
	expiry     *state.Table[struct{}]     // "<minute>/<id>" → present; the retention pruner walks it
	alarms     *state.Table[alarmRec]     // alarm name → metric or composite alarm
	history    *state.Table[historyRec]   // "<alarm>\x00<unix ms>/<seq>" → history item
	dashboards *state.Table[dashboardRec] // name → dashboard
	clock      clock.Clock
	log        *slog.Logger

	sinkMu      sync.RWMutex
	sink        ActionSink
	autoscaling AutoScaling // runs scaling policies; lists groups for their metrics
	topics      Topics      // SNS topics alarm actions notify

	cpu *state.Table[cpuRec] // "i/<instance>" or "g/<group>" → the CPUUtilization haneul reports

	ev *evaluator
	// seq orders history items recorded in the same millisecond; seeded
	// from the wall clock so keys stay unique across restarts.
	seq atomic.Int64
}

// New returns the CloudWatch service.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("cloudwatch")
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		db:         db,
		metrics:    state.NewTable[metricRec](db, "metrics"),
		data:       state.NewTable[bucketRec](db, "data"),
		expiry:     state.NewTable[struct{}](db, "expiry"),
		alarms:     state.NewTable[alarmRec](db, "alarms"),
		history:    state.NewTable[historyRec](db, "history"),
		dashboards: state.NewTable[dashboardRec](db, "dashboards"),
		cpu:        state.NewTable[cpuRec](db, "cpu"),
		clock:      deps.Clock,
		log:        log,
	}
	s.ev = newEvaluator(s)
	s.seq.Store(time.Now().UnixNano())
	return s
}

// Name implements service.Service.
func (s *Service) Name() string { return "cloudwatch" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it schedules every stored metric alarm
// for evaluation and runs the evaluator and the retention pruner until ctx
// ends.
func (s *Service) Start(ctx context.Context) error {
	if err := s.ev.load(); err != nil {
		return err
	}
	go s.ev.run(ctx)
	go s.pruneLoop(ctx)
	go s.publishLoop(ctx)
	return nil
}

// Reset implements service.Resetter: the evaluator's schedule is derived
// from the alarms table, which a reset empties.
func (s *Service) Reset() { s.ev.reset() }

// scope is the (account, region) of a request.
func scopeOf(account, region string) state.Scope {
	return state.Scope{Account: account, Region: region}
}

// dim is one dimension of a metric.
type dim struct {
	Name  string
	Value string
}

// metricRec is a metric as ListMetrics shows it: it exists once data was put.
type metricRec struct {
	ID         string // hex hash of the canonical key; the data table's key prefix
	Namespace  string
	MetricName string
	Dimensions []dim `json:",omitempty"` // sorted by name
	LastPut    int64 // unix seconds of the latest PutMetricData
}

// metricKey is the canonical key of a metric: namespace, name and its
// dimensions sorted by name. Metrics sort by namespace, then name.
func metricKey(ns, name string, dims []dim) string {
	var b strings.Builder
	b.WriteString(ns)
	b.WriteByte(0)
	b.WriteString(name)
	for _, d := range dims {
		b.WriteByte(0)
		b.WriteString(d.Name)
		b.WriteByte(1)
		b.WriteString(d.Value)
	}
	return b.String()
}

// metricID is the fixed-length id of a metric key: data keys of one metric
// can never be a prefix of another's.
func metricID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}

// sortDims returns dims sorted by name (a copy).
func sortDims(dims []dim) []dim {
	out := append([]dim(nil), dims...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// toDims converts the wire dimensions.
func toDims(in []Dimension) []dim {
	out := make([]dim, 0, len(in))
	for _, d := range in {
		out = append(out, dim{Name: ptr.Val(d.Name), Value: ptr.Val(d.Value)})
	}
	return sortDims(out)
}

// fromDims converts to wire dimensions.
func fromDims(in []dim) []Dimension {
	out := make([]Dimension, 0, len(in))
	for _, d := range in {
		out = append(out, Dimension{Name: ptr.To(d.Name), Value: ptr.To(d.Value)})
	}
	return out
}

// ms converts unix milliseconds to a time.
func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

// encodeToken makes a pagination token of the last key a page returned.
func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// decodeToken reverses encodeToken.
func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", fmt.Errorf("cloudwatch: bad token: %w", err)
	}
	return string(b), nil
}
