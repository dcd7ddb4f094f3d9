package logs

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// streamRec is a log stream as stored.
type streamRec struct {
	Name          string
	Created       int64  // unix ms
	First         int64  `json:",omitempty"` // first event timestamp
	Last          int64  `json:",omitempty"` // last event timestamp
	LastIngestion int64  `json:",omitempty"`
	Bytes         int64  `json:",omitempty"`
	Seq           uint64 // sequence of the next event
	HasEvents     bool   `json:",omitempty"`
}

func errStreamNotFound() error {
	return awserr.New("ResourceNotFoundException", 0, "The specified log stream does not exist.")
}

// streamARN is a log stream's ARN.
func streamARN(region, account, group, stream string) string {
	return arn.New("logs", region, account, "log-group:"+group+":log-stream:"+stream)
}

// groupName resolves logGroupName / logGroupIdentifier, requiring exactly one.
func groupName(name, identifier *string) (string, error) {
	switch {
	case name != nil && identifier != nil:
		return "", awserr.New("InvalidParameterException", 0, "LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name != nil:
		return *name, nil
	case identifier != nil:
		return groupFromIdentifier(*identifier), nil
	}
	return "", awserr.New("InvalidParameterException", 0, "Either logGroupName or logGroupIdentifier must be specified.")
}

// CreateLogStream creates a log stream in a group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html
func (s *Service) CreateLogStream(ctx context.Context, in *CreateLogStreamRequest) (*CreateLogStreamOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group, name := ptr.Val(in.LogGroupName), ptr.Val(in.LogStreamName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, group); !ok {
			return errGroupNotFound()
		}
		k := streamKey(group, name)
		if _, ok := s.streams.Get(tx, sc, k); ok {
			return awserr.New("ResourceAlreadyExistsException", 0, "The specified log stream already exists")
		}
		s.streams.Put(tx, sc, k, streamRec{Name: name, Created: ms(s.clock.Now())})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateLogStreamOutput{}, nil
}

// DeleteLogStream deletes a log stream and its events.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogStream.html
func (s *Service) DeleteLogStream(ctx context.Context, in *DeleteLogStreamRequest) (*DeleteLogStreamOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group, name := ptr.Val(in.LogGroupName), ptr.Val(in.LogStreamName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, group); !ok {
			return errGroupNotFound()
		}
		k := streamKey(group, name)
		if !s.streams.Delete(tx, sc, k) {
			return errStreamNotFound()
		}
		deletePrefix(tx, s.events, sc, k+"\x00")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteLogStreamOutput{}, nil
}

// DescribeLogStreams lists a group's streams by name or by last event time.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html
func (s *Service) DescribeLogStreams(ctx context.Context, in *DescribeLogStreamsRequest) (*DescribeLogStreamsResponse, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	byTime := ptr.Val(in.OrderBy) == "LastEventTime"
	if byTime && in.LogStreamNamePrefix != nil {
		// AWS: orderBy LastEventTime excludes logStreamNamePrefix.
		return nil, awserr.New("InvalidParameterException", 0, "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	desc := ptr.Val(in.Descending)
	limit := int(ptr.Or(in.Limit, describePage))
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	var all []streamRec
	found := false
	_ = s.db.View(func(tx *state.Tx) error {
		if _, found = s.groups.Get(tx, sc, group); !found {
			return nil
		}
		s.streams.AscendPrefix(tx, sc, streamKey(group, ptr.Val(in.LogStreamNamePrefix)), func(_ string, st streamRec) bool {
			all = append(all, st)
			return true
		})
		return nil
	})
	if !found {
		return nil, errGroupNotFound()
	}
	if byTime {
		sort.SliceStable(all, func(i, j int) bool { return all[i].Last < all[j].Last })
	}
	if desc {
		for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
			all[i], all[j] = all[j], all[i]
		}
	}
	offset := 0
	if tok := ptr.Val(in.NextToken); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "s/"))
		if err != nil || n < 0 || !strings.HasPrefix(tok, "s/") {
			return nil, awserr.New("InvalidParameterException", 0, "The specified nextToken is invalid.")
		}
		offset = n
	}
	out := &DescribeLogStreamsResponse{LogStreams: []LogStream{}}
	for i := offset; i < len(all); i++ {
		if len(out.LogStreams) == limit {
			out.NextToken = ptr.To("s/" + strconv.Itoa(i))
			break
		}
		st := all[i]
		ls := LogStream{
			LogStreamName: ptr.To(st.Name), Arn: ptr.To(streamARN(info.Region, info.Account, group, st.Name)),
			CreationTime: ptr.To(st.Created), StoredBytes: ptr.To(st.Bytes),
			UploadSequenceToken: ptr.To(sequenceToken(st.Seq)),
		}
		if st.HasEvents {
			ls.FirstEventTimestamp, ls.LastEventTimestamp, ls.LastIngestionTime = ptr.To(st.First), ptr.To(st.Last), ptr.To(st.LastIngestion)
		}
		out.LogStreams = append(out.LogStreams, ls)
	}
	return out, nil
}

// sequenceToken is the (no longer required) upload sequence token after seq events.
func sequenceToken(seq uint64) string {
	return fmt.Sprintf("49%054d", seq+1) // AWS's tokens are 56 digits
}
