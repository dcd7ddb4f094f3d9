// Package sns is Amazon Simple Notification Service: standard and FIFO
// topics, subscriptions with their confirmation flow and filter policies,
// and Publish/PublishBatch fanning out to the subscribers. Deliveries to SQS
// queues go through the Queues interface (SQS provides it) and are in the
// queue before Publish answers; deliveries haneul cannot make for real
// (SMS, mobile push, e-mail, Lambda, Firehose, HTTP) are recorded and
// readable through Deliveries.
package sns

//go:generate go run ../../../codegen -model sns -pkg sns -out api_gen.go

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"haneul/internal/clock"
	"haneul/internal/mail"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Queues lets SNS deliver to SQS subscriptions (SQS provides it).
type Queues interface {
	// DeliverFromSNS sends body to the queue queueARN names, durably, with
	// attrs as message attributes (name → {DataType, value}); groupID and
	// dedupID are for FIFO queues.
	DeliverFromSNS(ctx context.Context, queueARN, body string, attrs map[string][2]string, groupID, dedupID string) error
}

// Service is the SNS service.
type Service struct {
	db         *state.DB
	topics     *state.Table[topicRec]    // topic name → topic
	subs       *state.Table[subRec]      // "topic name/subscription id" → subscription
	dedups     *state.Table[dedupRec]    // "topic name/dedup id" → first message (FIFO topics)
	apps       *state.Table[appRec]      // "platform/name" → platform application
	endpoints  *state.Table[endpointRec] // "platform/app/id" → platform endpoint
	deliveries *state.Table[Delivery]    // zero-padded sequence → a recorded delivery
	queues     Queues
	clock      clock.Clock
	log        *slog.Logger
	http       *http.Client
	signer     *signer
	mail       *mail.Inbox // where e-mail subscriptions' messages land; may be nil

	bgMu sync.Mutex
	bg   context.Context // ends with the server; HTTP deliveries run under it
}

// New returns the SNS service; queues may be nil (SQS deliveries then fail and are recorded).
func New(deps service.Deps, queues Queues) *Service {
	db := deps.Store.DB("sns")
	deps = deps.WithDefaults()
	log := deps.Logger
	return &Service{
		db:         db,
		topics:     state.NewTable[topicRec](db, "topics"),
		subs:       state.NewTable[subRec](db, "subscriptions"),
		dedups:     state.NewTable[dedupRec](db, "dedup"),
		apps:       state.NewTable[appRec](db, "platformapps"),
		endpoints:  state.NewTable[endpointRec](db, "endpoints"),
		deliveries: state.NewTable[Delivery](db, "deliveries"),
		queues:     queues,
		clock:      deps.Clock,
		log:        log,
		http:       &http.Client{Timeout: 15 * time.Second},
		bg:         context.Background(),
		mail:       deps.Mail,
		signer:     &signer{db: db, keys: state.NewTable[signingRec](db, "signingKey"), now: deps.Clock.Now},
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "sns" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: HTTP deliveries, which outlive the
// Publish that makes them, end with ctx.
func (s *Service) Start(ctx context.Context) error {
	s.bgMu.Lock()
	s.bg = ctx
	s.bgMu.Unlock()
	return nil
}

func (s *Service) background() context.Context {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	return s.bg
}
