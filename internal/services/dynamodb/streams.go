package dynamodb

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"haneul/internal/state"
)

// streamRecord is one change of an item, written in the same transaction as
// the change itself.
type streamRecord struct {
	Seq      string
	Event    string // INSERT, MODIFY or REMOVE
	At       time.Time
	Keys     Item
	New      Item `json:",omitempty"`
	Old      Item `json:",omitempty"`
	Size     int
	ViewType string
	ByTTL    bool `json:",omitempty"`
}

// streamRetention is how long stream records stay readable.
// AWS: stream records are kept for 24 hours.
const streamRetention = 24 * time.Hour

// nextSeq returns a new stream sequence number: 21 digits, increasing.
// The caller holds the DB's write lock.
func (s *Service) nextSeq() string {
	n := s.clock.Now().UnixNano()
	if last := s.lastSeq.Load(); n <= last {
		n = last + 1
	}
	s.lastSeq.Store(n)
	return fmt.Sprintf("%021d", n)
}

func recordKey(table, label, seq string) string { return table + sep + label + sep + seq }

// emit writes the stream record of one item change.
func (s *Service) emit(tx *state.Tx, sc state.Scope, t *tableRec, st *streamSpec, old, nu Item, byTTL bool) {
	r := streamRecord{Seq: s.nextSeq(), At: s.clock.Now(), ViewType: st.ViewType, ByTTL: byTTL}
	src := nu
	switch {
	case old == nil:
		r.Event = "INSERT"
	case nu == nil:
		r.Event, src = "REMOVE", old
	default:
		r.Event = "MODIFY"
	}
	r.Keys = keyOf(&t.Key, src)
	switch st.ViewType {
	case "NEW_IMAGE":
		r.New = nu
	case "OLD_IMAGE":
		r.Old = old
	case "NEW_AND_OLD_IMAGES":
		r.New, r.Old = nu, old
	}
	r.Size = itemSize(r.Keys) + itemSize(r.New) + itemSize(r.Old)
	s.records.Put(tx, sc, recordKey(t.Name, st.Label, r.Seq), r)
}

// StreamInfo describes one stream of a table, for DynamoDB Streams.
type StreamInfo struct {
	ARN, Label, Table, ViewType string
	Enabled                     bool
	Created                     time.Time
	// KeySchema is the table's key: partition key and optional sort key names.
	PartitionKey, SortKey string
	// ShardID is the stream's one shard.
	ShardID string
	// First and Last are the sequence numbers of the oldest and newest record, "" if none.
	First, Last string
}

// StreamRecord is one change record, for DynamoDB Streams.
type StreamRecord struct {
	Seq, Event, ViewType string
	At                   time.Time
	Keys, New, Old       Item
	Size                 int
	ByTTL                bool
}

func shardID(st *streamSpec) string {
	h := fnv.New32a()
	h.Write([]byte(st.ARN))
	return fmt.Sprintf("shardId-%020d-%08x", st.Created.UnixMilli(), h.Sum32())
}

// Streams lists the streams of an account and region (of one table if table
// is not ""), including disabled ones, in table and creation order.
func (s *Service) Streams(account, region, table string) []StreamInfo {
	sc := state.Scope{Account: account, Region: region}
	var out []StreamInfo
	_ = s.db.View(func(tx *state.Tx) error {
		s.tables.Ascend(tx, sc, table, func(name string, t tableRec) bool {
			if table != "" && name != table {
				return false
			}
			for i := range t.Streams {
				st := &t.Streams[i]
				info := StreamInfo{
					ARN: st.ARN, Label: st.Label, Table: t.Name, ViewType: st.ViewType, Enabled: st.Enabled,
					Created: st.Created, PartitionKey: t.Key.PK, SortKey: t.Key.SK, ShardID: shardID(st),
				}
				prefix := t.Name + sep + st.Label + sep
				s.records.AscendPrefix(tx, sc, prefix, func(k string, r streamRecord) bool {
					info.First = r.Seq
					return false
				})
				if info.First != "" {
					s.records.AscendPrefix(tx, sc, prefix, func(k string, r streamRecord) bool {
						info.Last = r.Seq
						return true
					})
				}
				out = append(out, info)
			}
			return true
		})
		return nil
	})
	return out
}

// Stream returns the stream with the given ARN.
func (s *Service) Stream(account, region, streamARN string) (StreamInfo, bool) {
	table := streamTable(streamARN)
	if table == "" {
		return StreamInfo{}, false
	}
	for _, st := range s.Streams(account, region, table) {
		if st.ARN == streamARN {
			return st, true
		}
	}
	return StreamInfo{}, false
}

// streamTable returns the table name of a stream ARN (…:table/NAME/stream/LABEL).
func streamTable(streamARN string) string {
	i := strings.Index(streamARN, ":table/")
	if i < 0 {
		return ""
	}
	rest := streamARN[i+len(":table/"):]
	name, _, ok := strings.Cut(rest, "/stream/")
	if !ok {
		return ""
	}
	return name
}

// StreamRecords returns up to limit records of a stream after sequence
// number after ("" for the oldest), or at it when inclusive is true.
func (s *Service) StreamRecords(account, region, streamARN, after string, inclusive bool, limit int) []StreamRecord {
	sc := state.Scope{Account: account, Region: region}
	table := streamTable(streamARN)
	label := streamARN[strings.LastIndex(streamARN, "/")+1:]
	prefix := recordKey(table, label, "")
	var out []StreamRecord
	_ = s.db.View(func(tx *state.Tx) error {
		s.records.Ascend(tx, sc, prefix+after, func(k string, r streamRecord) bool {
			if !strings.HasPrefix(k, prefix) || len(out) >= limit {
				return false
			}
			if r.Seq == after && !inclusive {
				return true
			}
			out = append(out, StreamRecord{Seq: r.Seq, Event: r.Event, ViewType: r.ViewType, At: r.At, Keys: r.Keys, New: r.New, Old: r.Old, Size: r.Size, ByTTL: r.ByTTL})
			return true
		})
		return nil
	})
	return out
}

// trimStreams drops stream records older than the retention period, and
// disabled streams with no records left.
func (s *Service) trimStreams(ctx context.Context, sc state.Scope, t tableRec) error {
	cutoff := s.clock.Now().Add(-streamRetention)
	for _, st := range t.Streams {
		var old []string
		_ = s.db.View(func(tx *state.Tx) error {
			s.records.AscendPrefix(tx, sc, t.Name+sep+st.Label+sep, func(k string, r streamRecord) bool {
				if !r.At.Before(cutoff) || len(old) >= 1000 {
					return false
				}
				old = append(old, k)
				return true
			})
			return nil
		})
		if len(old) == 0 {
			continue
		}
		if err := s.db.Update(ctx, func(tx *state.Tx) error {
			for _, k := range old {
				s.records.Delete(tx, sc, k)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
