// Package model loads the AWS API models that drive haneul's wire layer.
//
// The models are botocore's service-2.json files, vendored as data under data/
// (see codegen/vendor-models.py; data/VERSION records the botocore release).
// They are embedded in the binary and parsed lazily, one service at a time, on
// first use, so start-up does not pay for services nobody calls.
package model

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:embed data/*.json.gz data/VERSION data/index.json
var data embed.FS

// Version names the botocore release the vendored models come from.
func Version() string {
	b, _ := data.ReadFile("data/VERSION")
	return strings.TrimSpace(string(b))
}

// Service is one AWS service's API model.
type Service struct {
	// Name is the botocore data directory name ("sqs", "elbv2", ...): haneul's name for the service.
	Name       string
	Metadata   Metadata
	Operations map[string]*Operation
	Shapes     map[string]*Shape

	errOnce   sync.Once
	errByCode map[string]*Shape
}

// Metadata is the model's metadata block.
type Metadata struct {
	APIVersion         string          `json:"apiVersion"`
	EndpointPrefix     string          `json:"endpointPrefix"`
	SigningName        string          `json:"signingName"`
	Protocol           string          `json:"protocol"`
	Protocols          []string        `json:"protocols"`
	JSONVersion        string          `json:"jsonVersion"`
	TargetPrefix       string          `json:"targetPrefix"`
	XMLNamespace       string          `json:"xmlNamespace"`
	ServiceID          string          `json:"serviceId"`
	ServiceFullName    string          `json:"serviceFullName"`
	GlobalEndpoint     string          `json:"globalEndpoint"`
	AWSQueryCompatible json.RawMessage `json:"awsQueryCompatible"`
	UID                string          `json:"uid"`
}

// SigningService is the service name in SigV4 credential scopes.
func (m *Metadata) SigningService() string {
	if m.SigningName != "" {
		return m.SigningName
	}
	return m.EndpointPrefix
}

// AllProtocols lists every protocol the model says the service speaks, preferred first.
func (m *Metadata) AllProtocols() []string {
	if len(m.Protocols) > 0 {
		return m.Protocols
	}
	return []string{m.Protocol}
}

// QueryCompatible reports whether the service's JSON errors carry query-protocol
// error codes in the x-amzn-query-error header (the awsQueryCompatible trait).
func (m *Metadata) QueryCompatible() bool { return len(m.AWSQueryCompatible) > 0 }

// Operation is one API operation.
type Operation struct {
	Name   string      `json:"name"`
	HTTP   HTTP        `json:"http"`
	Input  *ShapeRef   `json:"input"`
	Output *ShapeRef   `json:"output"`
	Errors []*ShapeRef `json:"errors"`
	// Deprecated marks an operation superseded by another, possibly on the
	// same route (S3's GetBucketLifecycle by GetBucketLifecycleConfiguration).
	Deprecated bool `json:"deprecated"`
	// Endpoint carries a host prefix some operations are sent to.
	Endpoint *struct {
		HostPrefix string `json:"hostPrefix"`
	} `json:"endpoint"`
	HTTPChecksum *struct {
		RequestChecksumRequired bool   `json:"requestChecksumRequired"`
		RequestAlgorithmMember  string `json:"requestAlgorithmMember"`
	} `json:"httpChecksum"`

	// Service is the service the operation belongs to.
	Service *Service `json:"-"`
}

// HTTP is an operation's HTTP binding.
type HTTP struct {
	Method       string `json:"method"`
	RequestURI   string `json:"requestUri"`
	ResponseCode int    `json:"responseCode"`
}

// ShapeRef is a reference to a shape with the traits the reference adds.
type ShapeRef struct {
	ShapeName        string        `json:"shape"`
	Location         string        `json:"location"` // "", "uri", "querystring", "header", "headers", "statusCode"
	LocationName     string        `json:"locationName"`
	QueryName        string        `json:"queryName"`
	ResultWrapper    string        `json:"resultWrapper"`
	XMLNamespace     *XMLNamespace `json:"xmlNamespace"`
	XMLAttribute     bool          `json:"xmlAttribute"`
	Flattened        bool          `json:"flattened"`
	TimestampFormat  string        `json:"timestampFormat"`
	IdempotencyToken bool          `json:"idempotencyToken"`
	JSONValue        bool          `json:"jsonvalue"`
	HostLabel        bool          `json:"hostLabel"`
	Streaming        bool          `json:"streaming"`
	EventPayload     bool          `json:"eventpayload"`
	Box              bool          `json:"box"`

	Shape *Shape `json:"-"`
}

// XMLNamespace is an xmlNamespace trait; the models write it as a string or an object.
type XMLNamespace struct {
	Prefix string `json:"prefix"`
	URI    string `json:"uri"`
}

// UnmarshalJSON accepts both spellings of the trait.
func (x *XMLNamespace) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &x.URI)
	}
	type plain XMLNamespace
	return json.Unmarshal(b, (*plain)(x))
}

// Shape is a named type in a model.
type Shape struct {
	Name            string
	Type            string               `json:"type"` // structure list map string integer long float double boolean timestamp blob
	Members         map[string]*ShapeRef `json:"members"`
	Required        []string             `json:"required"`
	Member          *ShapeRef            `json:"member"` // list element
	Key             *ShapeRef            `json:"key"`    // map key
	Value           *ShapeRef            `json:"value"`  // map value
	Payload         string               `json:"payload"`
	Enum            []string             `json:"enum"`
	Min             *float64             `json:"min"`
	Max             *float64             `json:"max"`
	Pattern         string               `json:"pattern"`
	Flattened       bool                 `json:"flattened"`
	LocationName    string               `json:"locationName"`
	XMLNamespace    *XMLNamespace        `json:"xmlNamespace"`
	TimestampFormat string               `json:"timestampFormat"`
	Streaming       bool                 `json:"streaming"`
	RequiresLength  bool                 `json:"requiresLength"`
	Document        bool                 `json:"document"`
	Union           bool                 `json:"union"`
	Event           bool                 `json:"event"`
	EventStream     bool                 `json:"eventstream"`
	Sensitive       bool                 `json:"sensitive"`
	Exception       bool                 `json:"exception"`
	Fault           bool                 `json:"fault"`
	Error           *ErrorTrait          `json:"error"`

	// MemberNames lists Members in the model's order... JSON objects have none, so sorted.
	MemberNames []string `json:"-"`
	required    map[string]bool
	enum        map[string]bool
}

// ErrorTrait describes how an exception shape appears on the wire.
type ErrorTrait struct {
	Code           string `json:"code"`
	HTTPStatusCode int    `json:"httpStatusCode"`
	SenderFault    bool   `json:"senderFault"`
}

// IsRequired reports whether member is required in the structure.
func (s *Shape) IsRequired(member string) bool { return s.required[member] }

// HasEnum reports whether v is one of the shape's enum values.
func (s *Shape) HasEnum(v string) bool { return s.enum[v] }

// ErrorCode is the code clients see for an exception shape.
func (s *Shape) ErrorCode() string {
	if s.Error != nil && s.Error.Code != "" {
		return s.Error.Code
	}
	return s.Name
}

// Loader parses embedded models on demand. It is safe for concurrent use.
type Loader struct {
	mu       sync.Mutex
	services map[string]*Service
}

// NewLoader returns a loader over the embedded models.
func NewLoader() *Loader { return &Loader{services: map[string]*Service{}} }

// Names lists the services with a vendored model.
func Names() []string {
	entries, _ := data.ReadDir("data")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".json.gz"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Load returns the named service's model, parsing it on first use.
func (l *Loader) Load(name string) (*Service, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.services[name]; ok {
		return s, nil
	}
	raw, err := data.ReadFile("data/" + name + ".json.gz")
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	s, err := Parse(name, raw)
	if err != nil {
		return nil, err
	}
	l.services[name] = s
	return s, nil
}

// Parse decodes a (optionally gzip-compressed) model and links its references.
func Parse(name string, raw []byte) (*Service, error) {
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", name, err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("model %s: %w", name, err)
		}
	}
	var doc struct {
		Metadata   Metadata              `json:"metadata"`
		Operations map[string]*Operation `json:"operations"`
		Shapes     map[string]*Shape     `json:"shapes"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	s := &Service{Name: name, Metadata: doc.Metadata, Operations: doc.Operations, Shapes: doc.Shapes}
	applyOverrides(s)
	for n, sh := range s.Shapes {
		sh.Name = n
		sh.required = make(map[string]bool, len(sh.Required))
		for _, r := range sh.Required {
			sh.required[r] = true
		}
		if len(sh.Enum) > 0 {
			sh.enum = make(map[string]bool, len(sh.Enum))
			for _, e := range sh.Enum {
				sh.enum[e] = true
			}
		}
		for mn := range sh.Members {
			sh.MemberNames = append(sh.MemberNames, mn)
		}
		sort.Strings(sh.MemberNames)
	}
	link := func(r *ShapeRef) error {
		if r == nil {
			return nil
		}
		sh, ok := s.Shapes[r.ShapeName]
		if !ok {
			return fmt.Errorf("model %s: unknown shape %q", name, r.ShapeName)
		}
		r.Shape = sh
		return nil
	}
	for _, sh := range s.Shapes {
		for _, r := range sh.Members {
			if err := link(r); err != nil {
				return nil, err
			}
		}
		for _, r := range []*ShapeRef{sh.Member, sh.Key, sh.Value} {
			if err := link(r); err != nil {
				return nil, err
			}
		}
	}
	for n, op := range s.Operations {
		op.Name = n
		op.Service = s
		if op.HTTP.Method == "" {
			op.HTTP.Method = "POST"
		}
		if op.HTTP.RequestURI == "" {
			op.HTTP.RequestURI = "/"
		}
		for _, r := range append([]*ShapeRef{op.Input, op.Output}, op.Errors...) {
			if err := link(r); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// ErrorShape finds the exception shape for code, by shape name or by its error code trait.
func (s *Service) ErrorShape(code string) *Shape {
	if sh, ok := s.Shapes[code]; ok && (sh.Exception || sh.Error != nil) {
		return sh
	}
	s.errOnce.Do(func() {
		s.errByCode = map[string]*Shape{}
		for _, sh := range s.Shapes {
			if sh.Error != nil && sh.Error.Code != "" {
				s.errByCode[sh.Error.Code] = sh
			}
		}
	})
	return s.errByCode[code]
}
