// Package mail is haneul's inbox. E-mail that haneul's services send —
// SNS e-mail subscriptions today, SES and others as they arrive — is kept
// here, per account and region, instead of leaving the machine, and users
// and tests read it through GET /_haneul/mail.
//
// Messages are kept in the state store (so with --data-dir they survive a
// restart) under ids that sort in delivery order, with an index by
// recipient, so listing the newest mail of one address reads only that
// address's messages.
package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"haneul/internal/clock"
	"haneul/internal/ids"
	"haneul/internal/state"
)

// Message is one e-mail in the inbox.
type Message struct {
	ID      string            `json:"Id"`
	Source  string            `json:"Source"` // the service that sent it: "sns", "ses"
	From    string            `json:"From"`
	To      []string          `json:"To"`
	Subject string            `json:"Subject"`
	Text    string            `json:"Text"`
	HTML    string            `json:"Html,omitempty"`
	Headers map[string]string `json:"Headers,omitempty"` // further headers the sender set
	Time    time.Time         `json:"Time"`
}

// Inbox holds the mail of every account and region. It is safe for
// concurrent use.
type Inbox struct {
	db    *state.DB
	clock clock.Clock
	msgs  *state.Table[Message] // id → message
	byTo  *state.Table[string]  // "<address>\x00<id>" → id
}

// New returns the inbox, kept in store.
func New(store *state.Store, clk clock.Clock) *Inbox {
	if clk == nil {
		clk = clock.Real{}
	}
	db := store.DB("mail")
	return &Inbox{db: db, clock: clk, msgs: state.NewTable[Message](db, "messages"), byTo: state.NewTable[string](db, "byRecipient")}
}

// Deliver puts m in the inbox of account and region, giving it its id and
// time, and returns it as stored.
func (b *Inbox) Deliver(ctx context.Context, account, region string, m Message) (Message, error) {
	if len(m.To) == 0 {
		return Message{}, fmt.Errorf("mail: a message needs a recipient")
	}
	sc := state.Scope{Account: account, Region: region}
	m.Time = b.clock.Now().UTC()
	err := b.db.Update(ctx, func(tx *state.Tx) error {
		var last uint64
		b.msgs.Descend(tx, sc, "\xff", func(id string, _ Message) bool {
			fmt.Sscanf(id, "%016x", &last)
			return false
		})
		// The id sorts in delivery order; its tail keeps ids unique across resets.
		m.ID = fmt.Sprintf("%016x-%s", last+1, ids.Hex("", 12))
		b.msgs.Put(tx, sc, m.ID, m)
		for _, to := range m.To {
			b.byTo.Put(tx, sc, address(to)+"\x00"+m.ID, m.ID)
		}
		return nil
	})
	if err != nil {
		return Message{}, fmt.Errorf("mail: deliver: %w", err)
	}
	return m, nil
}

// Query selects messages for List.
type Query struct {
	To     string // only messages to this address (case-insensitive); all when empty
	Before string // only messages older than this id (the NextToken of a previous page)
	Limit  int    // at most this many (100 when 0; at most 1,000)
}

// List returns the messages of account and region matching q, newest
// first, and the id to pass as Before for the next page ("" at the end).
func (b *Inbox) List(account, region string, q Query) ([]Message, string) {
	sc := state.Scope{Account: account, Region: region}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	out := []Message{}
	next := ""
	_ = b.db.View(func(tx *state.Tx) error {
		take := func(id string) bool {
			if len(out) == limit {
				next = out[len(out)-1].ID
				return false
			}
			if m, ok := b.msgs.Get(tx, sc, id); ok {
				out = append(out, m)
			}
			return true
		}
		if q.To == "" {
			from := "\xff"
			if q.Before != "" {
				from = q.Before
			}
			b.msgs.Descend(tx, sc, from, func(id string, _ Message) bool {
				if id == q.Before {
					return true
				}
				return take(id)
			})
			return nil
		}
		prefix := address(q.To) + "\x00"
		from := prefix + "\xff"
		if q.Before != "" {
			from = prefix + q.Before
		}
		b.byTo.Descend(tx, sc, from, func(key, id string) bool {
			if !strings.HasPrefix(key, prefix) {
				return false
			}
			if id == q.Before {
				return true
			}
			return take(id)
		})
		return nil
	})
	return out, next
}

// Get returns one message.
func (b *Inbox) Get(account, region, id string) (Message, bool) {
	var m Message
	var ok bool
	_ = b.db.View(func(tx *state.Tx) error {
		m, ok = b.msgs.Get(tx, state.Scope{Account: account, Region: region}, id)
		return nil
	})
	return m, ok
}

// Clear empties the inbox of account and region and says how many
// messages it held.
func (b *Inbox) Clear(ctx context.Context, account, region string) (int, error) {
	sc := state.Scope{Account: account, Region: region}
	n := 0
	err := b.db.Update(ctx, func(tx *state.Tx) error {
		var msgKeys, toKeys []string
		b.msgs.Ascend(tx, sc, "", func(id string, _ Message) bool { msgKeys = append(msgKeys, id); return true })
		b.byTo.Ascend(tx, sc, "", func(k, _ string) bool { toKeys = append(toKeys, k); return true })
		for _, k := range msgKeys {
			b.msgs.Delete(tx, sc, k)
		}
		for _, k := range toKeys {
			b.byTo.Delete(tx, sc, k)
		}
		n = len(msgKeys)
		return nil
	})
	return n, err
}

// address is the form of an address the index keys on: the bare address,
// lower case ("Ana <Ana@Example.com>" → "ana@example.com").
func address(a string) string {
	a = strings.TrimSpace(a)
	if i := strings.LastIndexByte(a, '<'); i >= 0 {
		if j := strings.IndexByte(a[i:], '>'); j > 0 {
			a = a[i+1 : i+j]
		}
	}
	return strings.ToLower(strings.TrimSpace(a))
}
