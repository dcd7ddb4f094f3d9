// Package dynamodbstreams is Amazon DynamoDB Streams: the change records of
// DynamoDB tables with a stream enabled, read by shard iterators.
//
// The records themselves are DynamoDB's: package dynamodb writes each one in
// the same state transaction as the item change it describes, and this
// package reads them through dynamodb.Service. Each stream has one shard,
// open while the stream is enabled and closed (with an ending sequence
// number) once it is disabled.
package dynamodbstreams

//go:generate go run ../../../codegen -model dynamodbstreams -pkg dynamodbstreams -out api_gen.go

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/services/dynamodb"
)

// Service is the DynamoDB Streams service.
type Service struct {
	ddb *dynamodb.Service
}

// New returns the DynamoDB Streams service over ddb's records.
func New(_ service.Deps, ddb *dynamodb.Service) *Service { return &Service{ddb: ddb} }

// Name implements service.Service.
func (s *Service) Name() string { return "dynamodbstreams" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

func streamNotFound(arn string) error {
	return awserr.New("ResourceNotFoundException", 0, "Requested resource not found: Stream: %s not found", arn)
}

// ListStreams lists the streams of the account and region, or of one table.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_ListStreams.html
func (s *Service) ListStreams(ctx context.Context, in *ListStreamsInput) (*ListStreamsOutput, error) {
	info := reqctx.From(ctx)
	table := ptr.Val(in.TableName)
	if i := strings.Index(table, ":table/"); i >= 0 {
		table = table[i+len(":table/"):]
	}
	limit := int(ptr.Val(in.Limit))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	out := &ListStreamsOutput{Streams: []Stream{}}
	start := ptr.Val(in.ExclusiveStartStreamArn)
	started := start == ""
	for _, st := range s.ddb.Streams(info.Account, info.Region, table) {
		if !started {
			started = st.ARN == start
			continue
		}
		if len(out.Streams) == limit {
			out.LastEvaluatedStreamArn = out.Streams[limit-1].StreamArn
			break
		}
		out.Streams = append(out.Streams, Stream{StreamArn: ptr.To(st.ARN), StreamLabel: ptr.To(st.Label), TableName: ptr.To(st.Table)})
	}
	return out, nil
}

// DescribeStream describes a stream and its shard.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_DescribeStream.html
func (s *Service) DescribeStream(ctx context.Context, in *DescribeStreamInput) (*DescribeStreamOutput, error) {
	info := reqctx.From(ctx)
	st, ok := s.ddb.Stream(info.Account, info.Region, ptr.Val(in.StreamArn))
	if !ok {
		return nil, streamNotFound(ptr.Val(in.StreamArn))
	}
	status := "ENABLED"
	shard := Shard{ShardId: ptr.To(st.ShardID), SequenceNumberRange: &SequenceNumberRange{}}
	if st.First != "" {
		shard.SequenceNumberRange.StartingSequenceNumber = ptr.To(st.First)
	} else {
		shard.SequenceNumberRange.StartingSequenceNumber = ptr.To(strings.Repeat("0", 20) + "1")
	}
	if !st.Enabled {
		// AWS: a disabled stream's shard is closed at its last record.
		status = "DISABLED"
		end := st.Last
		if end == "" {
			end = *shard.SequenceNumberRange.StartingSequenceNumber
		}
		shard.SequenceNumberRange.EndingSequenceNumber = ptr.To(end)
	}
	keys := []KeySchemaElement{{AttributeName: ptr.To(st.PartitionKey), KeyType: ptr.To("HASH")}}
	if st.SortKey != "" {
		keys = append(keys, KeySchemaElement{AttributeName: ptr.To(st.SortKey), KeyType: ptr.To("RANGE")})
	}
	d := &StreamDescription{
		StreamArn: ptr.To(st.ARN), StreamLabel: ptr.To(st.Label), StreamStatus: ptr.To(status), StreamViewType: ptr.To(st.ViewType),
		TableName: ptr.To(st.Table), CreationRequestDateTime: ptr.To(st.Created), KeySchema: keys, Shards: []Shard{},
	}
	if in.ExclusiveStartShardId == nil || *in.ExclusiveStartShardId < st.ShardID {
		d.Shards = append(d.Shards, shard)
	}
	return &DescribeStreamOutput{StreamDescription: d}, nil
}

// iterator is a decoded shard iterator: a position in one stream's shard.
type iterator struct {
	arn, shard string
	seq        string // position; "" is the start of the shard
	inclusive  bool   // whether the record at seq is included
}

func (it iterator) encode() string {
	mode := "after"
	if it.inclusive {
		mode = "at"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join([]string{it.arn, it.shard, mode, it.seq}, "|")))
}

func decodeIterator(s string) (iterator, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return iterator{}, false
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 4 {
		return iterator{}, false
	}
	return iterator{arn: parts[0], shard: parts[1], inclusive: parts[2] == "at", seq: parts[3]}, true
}

// GetShardIterator returns an iterator at a position of a stream's shard.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html
func (s *Service) GetShardIterator(ctx context.Context, in *GetShardIteratorInput) (*GetShardIteratorOutput, error) {
	info := reqctx.From(ctx)
	arn := ptr.Val(in.StreamArn)
	st, ok := s.ddb.Stream(info.Account, info.Region, arn)
	if !ok {
		return nil, streamNotFound(arn)
	}
	if ptr.Val(in.ShardId) != st.ShardID {
		return nil, awserr.New("ResourceNotFoundException", 0, "Requested resource not found: Shard does not exist")
	}
	it := iterator{arn: arn, shard: st.ShardID}
	seq := ptr.Val(in.SequenceNumber)
	switch typ := ptr.Val(in.ShardIteratorType); typ {
	case "TRIM_HORIZON":
	case "LATEST":
		it.seq = st.Last
	case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
		if seq == "" {
			return nil, awserr.New("ValidationException", 400, "SequenceNumber must be provided for %s", typ)
		}
		if st.First != "" && seq < st.First && len(seq) == len(st.First) {
			return nil, awserr.New("TrimmedDataAccessException", 0, "The operation attempted to read past the oldest stream record in a shard.")
		}
		it.seq, it.inclusive = seq, typ == "AT_SEQUENCE_NUMBER"
	}
	return &GetShardIteratorOutput{ShardIterator: ptr.To(it.encode())}, nil
}

// GetRecords returns the records after an iterator's position, and the next iterator.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html
func (s *Service) GetRecords(ctx context.Context, in *GetRecordsInput) (*GetRecordsOutput, error) {
	info := reqctx.From(ctx)
	it, ok := decodeIterator(ptr.Val(in.ShardIterator))
	if !ok {
		return nil, awserr.New("ValidationException", 400, "Invalid ShardIterator")
	}
	st, ok := s.ddb.Stream(info.Account, info.Region, it.arn)
	if !ok {
		return nil, streamNotFound(it.arn)
	}
	limit := int(ptr.Val(in.Limit))
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	recs := s.ddb.StreamRecords(info.Account, info.Region, it.arn, it.seq, it.inclusive, limit)
	out := &GetRecordsOutput{Records: []Record{}}
	for _, r := range recs {
		out.Records = append(out.Records, record(info.Region, r))
	}
	next := it
	if n := len(recs); n > 0 {
		next = iterator{arn: it.arn, shard: it.shard, seq: recs[n-1].Seq}
	}
	// AWS: a closed shard's iterator ends (no NextShardIterator) once it has
	// been read to the end.
	if st.Enabled || len(recs) > 0 && (st.Last == "" || next.seq < st.Last) {
		out.NextShardIterator = ptr.To(next.encode())
	}
	return out, nil
}

func record(region string, r dynamodb.StreamRecord) Record {
	sum := sha256.Sum256([]byte(r.Seq))
	rec := Record{
		AwsRegion: ptr.To(region), EventID: ptr.To(hex.EncodeToString(sum[:16])), EventName: ptr.To(r.Event),
		EventSource: ptr.To("aws:dynamodb"), EventVersion: ptr.To("1.1"),
		Dynamodb: &StreamRecord{
			ApproximateCreationDateTime: ptr.To(r.At.Truncate(1e9)), Keys: item(r.Keys), SequenceNumber: ptr.To(r.Seq),
			SizeBytes: ptr.To(int64(r.Size)), StreamViewType: ptr.To(r.ViewType),
		},
	}
	if r.New != nil {
		rec.Dynamodb.NewImage = item(r.New)
	}
	if r.Old != nil {
		rec.Dynamodb.OldImage = item(r.Old)
	}
	if r.ByTTL {
		// AWS: deletions by TTL carry the DynamoDB service as their identity.
		rec.UserIdentity = &Identity{Type: ptr.To("Service"), PrincipalId: ptr.To("dynamodb.amazonaws.com")}
	}
	return rec
}

func item(it dynamodb.Item) map[string]AttributeValue {
	out := make(map[string]AttributeValue, len(it))
	for k, v := range it {
		out[k] = value(v)
	}
	return out
}

func value(v dynamodb.AttributeValue) AttributeValue {
	out := AttributeValue{B: v.B, BOOL: v.BOOL, BS: v.BS, N: v.N, NS: v.NS, NULL: v.NULL, S: v.S, SS: v.SS}
	if v.L != nil {
		out.L = make([]AttributeValue, len(v.L))
		for i, e := range v.L {
			out.L[i] = value(e)
		}
	}
	if v.M != nil {
		out.M = item(v.M)
	}
	return out
}
