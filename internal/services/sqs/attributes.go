package sqs

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/state"
)

// Queue attribute names.
const (
	attrDelay           = "DelaySeconds"
	attrMaxSize         = "MaximumMessageSize"
	attrRetention       = "MessageRetentionPeriod"
	attrPolicy          = "Policy"
	attrWait            = "ReceiveMessageWaitTimeSeconds"
	attrVisibility      = "VisibilityTimeout"
	attrRedrive         = "RedrivePolicy"
	attrRedriveAllow    = "RedriveAllowPolicy"
	attrKmsKey          = "KmsMasterKeyId"
	attrKmsReuse        = "KmsDataKeyReusePeriodSeconds"
	attrSqsSSE          = "SqsManagedSseEnabled"
	attrFifo            = "FifoQueue"
	attrContentDedup    = "ContentBasedDeduplication"
	attrDedupScope      = "DeduplicationScope"
	attrThroughputLimit = "FifoThroughputLimit"
)

// AWS: the limits of queue attributes
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
// The maximum message size is 1 MiB since 2025 (the model's documentation
// and default); the 256 KiB predates that, and the model wins.
const (
	maxMessageSize     = 1 << 20
	maxVisibility      = 43200
	maxDelay           = 900
	maxWait            = 20
	defaultVisibility  = 30
	defaultRetention   = 345600
	maxInflightStd     = 120000
	maxInflightFifo    = 20000
	dedupWindow        = 5 * time.Minute
	maxBatchEntries    = 10
	maxMessageAttrs    = 10
	defaultKmsReuse    = "300"
	defaultMaxReceives = 0
)

// intRange is the valid range of an integer attribute.
type intRange struct{ min, max int64 }

var intAttributes = map[string]intRange{
	attrDelay:      {0, maxDelay},
	attrMaxSize:    {1024, maxMessageSize},
	attrRetention:  {60, 1209600},
	attrWait:       {0, maxWait},
	attrVisibility: {0, maxVisibility},
	attrKmsReuse:   {60, 86400},
}

// fifoOnly are the attributes only FIFO queues have.
var fifoOnly = map[string]bool{attrContentDedup: true, attrDedupScope: true, attrThroughputLimit: true}

// readOnlyAttributes are the attributes GetQueueAttributes computes.
var readOnlyAttributes = []string{
	"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
	"CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
}

// defaultAttributes are a new queue's attributes before the request's.
func defaultAttributes(fifo bool) map[string]string {
	a := map[string]string{
		attrDelay:      "0",
		attrMaxSize:    strconv.Itoa(maxMessageSize),
		attrRetention:  strconv.Itoa(defaultRetention),
		attrWait:       "0",
		attrVisibility: strconv.Itoa(defaultVisibility),
		// AWS: new queues have SSE-SQS on unless they ask for SSE-KMS (since 2022).
		attrSqsSSE: "true",
	}
	if fifo {
		a[attrContentDedup] = "false"
		a[attrDedupScope] = "queue"
		a[attrThroughputLimit] = "perQueue"
	}
	return a
}

// queueConfig is a queue's attributes parsed for the data plane.
type queueConfig struct {
	visibility   time.Duration
	delay        time.Duration
	retention    time.Duration
	wait         time.Duration
	maxSize      int
	maxReceives  int    // 0: no redrive policy
	dlqARN       string // the redrive policy's target
	contentDedup bool
	dedupByGroup bool
}

func parseConfig(rec *queueRec) queueConfig {
	a := rec.Attributes
	secs := func(name string) time.Duration {
		n, _ := strconv.Atoi(a[name])
		return time.Duration(n) * time.Second
	}
	c := queueConfig{
		visibility:   secs(attrVisibility),
		delay:        secs(attrDelay),
		retention:    secs(attrRetention),
		wait:         secs(attrWait),
		contentDedup: a[attrContentDedup] == "true",
		dedupByGroup: a[attrDedupScope] == "messageGroup",
	}
	c.maxSize, _ = strconv.Atoi(a[attrMaxSize])
	if rp, ok := a[attrRedrive]; ok {
		if p, err := parseRedrive(rp); err == nil {
			c.maxReceives, c.dlqARN = p.MaxReceiveCount, p.DeadLetterTargetArn
		}
	}
	return c
}

// redrivePolicy is the RedrivePolicy attribute.
type redrivePolicy struct {
	DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	MaxReceiveCount     int    `json:"maxReceiveCount"`
}

// parseRedrive reads a RedrivePolicy; AWS accepts maxReceiveCount as a
// number or a numeric string.
func parseRedrive(s string) (redrivePolicy, error) {
	var raw struct {
		Target any `json:"deadLetterTargetArn"`
		Max    any `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return redrivePolicy{}, err
	}
	var p redrivePolicy
	p.DeadLetterTargetArn, _ = raw.Target.(string)
	switch v := raw.Max.(type) {
	case float64:
		p.MaxReceiveCount = int(v)
	case string:
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, err
		}
		p.MaxReceiveCount = n
	}
	return p, nil
}

// redriveAllowPolicy is the RedriveAllowPolicy attribute.
type redriveAllowPolicy struct {
	RedrivePermission string   `json:"redrivePermission"`
	SourceQueueArns   []string `json:"sourceQueueArns,omitempty"`
}

func invalidAttrValue(name string) *awserr.Error {
	return awserr.New("InvalidAttributeValue", 400, "Invalid value for the parameter %s.", name)
}

func invalidAttrName(name string) *awserr.Error {
	return awserr.New("InvalidAttributeName", 400, "Unknown Attribute %s.", name)
}

func invalidParam(value, param, reason string) *awserr.Error {
	return awserr.New("InvalidParameterValue", 400, "Value %s for parameter %s is invalid. Reason: %s", value, param, reason)
}

// normalizeAttributes checks the attributes a CreateQueue or
// SetQueueAttributes request sets on the queue sc/name and returns them in
// their stored form ("" for an attribute the request removes).
func (s *Service) normalizeAttributes(tx *state.Tx, sc state.Scope, name string, fifo, create bool, in map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for k, v := range in {
		switch {
		case k == attrFifo:
			b, ok := parseBool(v)
			if !ok {
				return nil, invalidAttrValue(k)
			}
			// AWS: a queue's type is fixed when it is created.
			if b != fifo {
				if create {
					return nil, invalidQueueName(fifo || b)
				}
				return nil, invalidAttrName(k)
			}
		case fifoOnly[k] && !fifo:
			// AWS: standard queues do not know the FIFO attributes.
			return nil, invalidAttrName(k)
		case intAttributes[k] != intRange{}:
			r := intAttributes[k]
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < r.min || n > r.max {
				return nil, invalidAttrValue(k)
			}
			out[k] = strconv.FormatInt(n, 10)
		case k == attrContentDedup || k == attrSqsSSE:
			b, ok := parseBool(v)
			if !ok {
				return nil, invalidAttrValue(k)
			}
			out[k] = strconv.FormatBool(b)
		case k == attrDedupScope:
			if v != "messageGroup" && v != "queue" {
				return nil, invalidAttrValue(k)
			}
			out[k] = v
		case k == attrThroughputLimit:
			if v != "perQueue" && v != "perMessageGroupId" {
				return nil, invalidAttrValue(k)
			}
			out[k] = v
		case k == attrPolicy:
			if v != "" && !json.Valid([]byte(v)) {
				return nil, invalidAttrValue(k)
			}
			out[k] = v
		case k == attrKmsKey:
			out[k] = v
		case k == attrRedrive:
			if v == "" {
				out[k] = ""
				continue
			}
			norm, err := s.checkRedrive(tx, sc, name, fifo, v)
			if err != nil {
				return nil, err
			}
			out[k] = norm
		case k == attrRedriveAllow:
			if v == "" {
				out[k] = ""
				continue
			}
			var p redriveAllowPolicy
			if err := json.Unmarshal([]byte(v), &p); err != nil {
				return nil, invalidAttrValue(k)
			}
			switch p.RedrivePermission {
			case "allowAll", "denyAll":
				if len(p.SourceQueueArns) > 0 {
					return nil, invalidParam(v, k, "Only byQueue redrivePermission can have sourceQueueArns.")
				}
			case "byQueue":
				if len(p.SourceQueueArns) == 0 || len(p.SourceQueueArns) > 10 {
					return nil, invalidParam(v, k, "byQueue redrivePermission needs 1 to 10 sourceQueueArns.")
				}
			default:
				return nil, invalidParam(v, k, "Invalid value for redrivePermission.")
			}
			out[k] = v
		default:
			return nil, invalidAttrName(k)
		}
	}
	// AWS: SSE-KMS and SSE-SQS exclude each other.
	if out[attrKmsKey] != "" && out[attrSqsSSE] == "true" {
		return nil, awserr.New("InvalidAttributeName", 400, "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
	}
	return out, nil
}

// merge applies normalised attributes to a queue's current ones.
func merge(cur, set map[string]string) map[string]string {
	a := make(map[string]string, len(cur)+len(set))
	for k, v := range cur {
		a[k] = v
	}
	for k, v := range set {
		if v == "" && (k == attrPolicy || k == attrRedrive || k == attrRedriveAllow || k == attrKmsKey) {
			delete(a, k)
			continue
		}
		a[k] = v
	}
	if _, on := set[attrKmsKey]; on && a[attrKmsKey] != "" {
		a[attrSqsSSE] = "false"
		if a[attrKmsReuse] == "" {
			a[attrKmsReuse] = defaultKmsReuse
		}
	}
	if set[attrSqsSSE] == "true" {
		delete(a, attrKmsKey)
		delete(a, attrKmsReuse)
	}
	return a
}

// checkFifoCombination checks attribute values that depend on each other.
func checkFifoCombination(a map[string]string) error {
	// AWS: high-throughput FIFO needs deduplication per message group.
	if a[attrThroughputLimit] == "perMessageGroupId" && a[attrDedupScope] != "messageGroup" {
		return invalidParam(a[attrThroughputLimit], attrThroughputLimit, "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup")
	}
	return nil
}

// checkRedrive validates a RedrivePolicy for the queue sc/name and returns
// it as AWS returns it.
func (s *Service) checkRedrive(tx *state.Tx, sc state.Scope, name string, fifo bool, v string) (string, error) {
	p, err := parseRedrive(v)
	if err != nil || p.DeadLetterTargetArn == "" {
		return "", invalidParam(v, attrRedrive, "Redrive policy is not a valid JSON map.")
	}
	if p.MaxReceiveCount < 1 || p.MaxReceiveCount > 1000 {
		return "", invalidParam(v, attrRedrive, "Invalid value for maxReceiveCount: "+strconv.Itoa(p.MaxReceiveCount)+", valid values are from 1 to 1000 both inclusive.")
	}
	dsc, dname, ok := parseQueueARN(p.DeadLetterTargetArn)
	if !ok {
		return "", invalidParam(v, attrRedrive, "Invalid value for deadLetterTargetArn.")
	}
	dlq, ok := s.queues.Get(tx, dsc, dname)
	if !ok {
		return "", invalidParam(v, attrRedrive, "Dead letter target does not exist.")
	}
	if dlq.Fifo != fifo {
		return "", invalidParam(v, attrRedrive, "Dead-letter queue must be same type of queue as the source.")
	}
	if rap, ok := dlq.Attributes[attrRedriveAllow]; ok {
		var allow redriveAllowPolicy
		_ = json.Unmarshal([]byte(rap), &allow)
		src := queueARN(sc, name)
		permitted := allow.RedrivePermission != "denyAll"
		if allow.RedrivePermission == "byQueue" {
			permitted = false
			for _, a := range allow.SourceQueueArns {
				permitted = permitted || a == src
			}
		}
		if !permitted {
			return "", invalidParam(v, attrRedrive, "Queue "+src+" is not allowed to use "+p.DeadLetterTargetArn+" as its dead-letter queue.")
		}
	}
	b, _ := json.Marshal(p)
	return string(b), nil
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
