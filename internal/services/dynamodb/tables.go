package dynamodb

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// keySchema is a table's or index's key: partition key and optional sort key.
type keySchema struct {
	PK, PKType string
	SK, SKType string `json:",omitempty"`
}

// indexRec is a global or local secondary index.
type indexRec struct {
	Name       string
	Key        keySchema
	Projection string   // ALL, KEYS_ONLY, INCLUDE
	NonKey     []string `json:",omitempty"`
	RCU, WCU   int64
	Local      bool
}

// streamSpec is one stream of a table; a table keeps its disabled streams
// (their records stay readable) and at most one enabled one, the last.
type streamSpec struct {
	Label    string
	ARN      string
	ViewType string
	Enabled  bool
	Created  time.Time
}

// tableRec is a table's definition.
type tableRec struct {
	Name, ID, ARN      string
	Created            time.Time
	Key                keySchema
	Attrs              map[string]string // attribute definitions: name → S, N or B
	Billing            string            // PROVISIONED or PAY_PER_REQUEST
	BillingChanged     time.Time         `json:",omitzero"`
	RCU, WCU           int64
	GSIs               []indexRec   `json:",omitempty"`
	LSIs               []indexRec   `json:",omitempty"`
	Streams            []streamSpec `json:",omitempty"`
	TTLAttr            string       `json:",omitempty"`
	TTLEnabled         bool         `json:",omitempty"`
	PITR               bool         `json:",omitempty"`
	DeletionProtection bool         `json:",omitempty"`
	Tags               map[string]string
	TableClass         string
	SSE                bool   `json:",omitempty"`
	SSEKey             string `json:",omitempty"`
}

// stream returns the table's enabled stream, if any.
func (t *tableRec) stream() *streamSpec {
	if n := len(t.Streams); n > 0 && t.Streams[n-1].Enabled {
		return &t.Streams[n-1]
	}
	return nil
}

// index returns the named GSI or LSI.
func (t *tableRec) index(name string) *indexRec {
	for i := range t.GSIs {
		if t.GSIs[i].Name == name {
			return &t.GSIs[i]
		}
	}
	for i := range t.LSIs {
		if t.LSIs[i].Name == name {
			return &t.LSIs[i]
		}
	}
	return nil
}

func (t *tableRec) allIndexes() []indexRec {
	return append(slices.Clone(t.GSIs), t.LSIs...)
}

func (t tableRec) clone() tableRec {
	t.Attrs = cloneMap(t.Attrs)
	t.Tags = cloneMap(t.Tags)
	t.GSIs = slices.Clone(t.GSIs)
	t.LSIs = slices.Clone(t.LSIs)
	t.Streams = slices.Clone(t.Streams)
	return t
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Errors about tables, in AWS's words.
func tableNotFound(name string) error {
	return awserr.New("ResourceNotFoundException", 0, "Requested resource not found: Table: %s not found", name)
}

var errNoResource = awserr.New("ResourceNotFoundException", 0, "Requested resource not found")

// getTable returns a table or ResourceNotFoundException with the item operations' message.
func (s *Service) getTable(tx *state.Tx, sc state.Scope, name string) (tableRec, error) {
	t, ok := s.tables.Get(tx, sc, name)
	if !ok {
		return t, errNoResource
	}
	return t, nil
}

// keySchemaOf validates a KeySchema against attribute definitions.
func keySchemaOf(elems []KeySchemaElement, attrs map[string]string) (keySchema, error) {
	var k keySchema
	if len(elems) == 0 || len(elems) > 2 {
		return k, validation("1 validation error detected: Value '%d' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2", len(elems))
	}
	if ptr.Val(elems[0].KeyType) != "HASH" {
		return k, validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	k.PK = ptr.Val(elems[0].AttributeName)
	if len(elems) == 2 {
		if ptr.Val(elems[1].KeyType) != "RANGE" {
			return k, validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
		}
		k.SK = ptr.Val(elems[1].AttributeName)
		if k.SK == k.PK {
			return k, validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
		}
	}
	var missing []string
	for _, n := range []string{k.PK, k.SK} {
		if n != "" && attrs[n] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		var defs []string
		for n := range attrs {
			defs = append(defs, n)
		}
		sort.Strings(defs)
		return k, validation("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]", strings.Join(missing, ", "), strings.Join(defs, ", "))
	}
	k.PKType = attrs[k.PK]
	if k.SK != "" {
		k.SKType = attrs[k.SK]
	}
	return k, nil
}

func projectionOf(p *Projection, index string) (string, []string, error) {
	if p == nil {
		return "", nil, validation("One or more parameter values were invalid: Projection must be specified for index: %s", index)
	}
	typ := ptr.Val(p.ProjectionType)
	if typ == "" {
		typ = "ALL"
	}
	switch {
	case typ == "INCLUDE" && len(p.NonKeyAttributes) == 0:
		return "", nil, validation("One or more parameter values were invalid: NonKeyAttributes must be specified when ProjectionType is INCLUDE for index: %s", index)
	case typ != "INCLUDE" && len(p.NonKeyAttributes) > 0:
		return "", nil, validation("One or more parameter values were invalid: ProjectionType is %s, but NonKeyAttributes is specified", typ)
	}
	return typ, p.NonKeyAttributes, nil
}

func throughputOf(billing string, pt *ProvisionedThroughput, index string) (int64, int64, error) {
	if billing == "PAY_PER_REQUEST" {
		if pt != nil && (ptr.Val(pt.ReadCapacityUnits) != 0 || ptr.Val(pt.WriteCapacityUnits) != 0) {
			return 0, 0, validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		return 0, 0, nil
	}
	if pt == nil {
		if index != "" {
			return 0, 0, validation("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: %s", index)
		}
		return 0, 0, validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	r, w := ptr.Val(pt.ReadCapacityUnits), ptr.Val(pt.WriteCapacityUnits)
	if r < 1 || w < 1 {
		return 0, 0, validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	return r, w, nil
}

func attrDefs(defs []AttributeDefinition) (map[string]string, error) {
	attrs := map[string]string{}
	for _, d := range defs {
		n := ptr.Val(d.AttributeName)
		if _, dup := attrs[n]; dup {
			return nil, validation("Cannot have two attributes with the same name")
		}
		attrs[n] = ptr.Val(d.AttributeType)
	}
	return attrs, nil
}

func newGSI(name string, ks []KeySchemaElement, proj *Projection, pt *ProvisionedThroughput, attrs map[string]string, billing string) (indexRec, error) {
	k, err := keySchemaOf(ks, attrs)
	if err != nil {
		return indexRec{}, err
	}
	typ, nonKey, err := projectionOf(proj, name)
	if err != nil {
		return indexRec{}, err
	}
	r, w, err := throughputOf(billing, pt, name)
	if err != nil {
		return indexRec{}, err
	}
	return indexRec{Name: name, Key: k, Projection: typ, NonKey: nonKey, RCU: r, WCU: w}, nil
}

// checkAttrDefsUsed rejects attribute definitions no key uses, as AWS does.
func checkAttrDefsUsed(t *tableRec) error {
	used := map[string]bool{t.Key.PK: true, t.Key.SK: true}
	for _, ix := range t.allIndexes() {
		used[ix.Key.PK], used[ix.Key.SK] = true, true
	}
	for n := range t.Attrs {
		if !used[n] {
			return validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
		}
	}
	return nil
}

func newStream(t *tableRec, viewType string, now time.Time) streamSpec {
	label := now.UTC().Format("2006-01-02T15:04:05.000")
	for _, st := range t.Streams {
		if st.Label == label {
			now = now.Add(time.Millisecond)
			label = now.UTC().Format("2006-01-02T15:04:05.000")
		}
	}
	return streamSpec{Label: label, ARN: t.ARN + "/stream/" + label, ViewType: viewType, Enabled: true, Created: now}
}

func streamViewType(spec *StreamSpecification) (string, error) {
	vt := ptr.Val(spec.StreamViewType)
	if vt == "" {
		return "", validation("One or more parameter values were invalid: StreamViewType is required when StreamEnabled is true")
	}
	return vt, nil
}

// CreateTable creates a table; it is ACTIVE as soon as the call returns
// (the response says CREATING, as AWS's does).
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
func (s *Service) CreateTable(ctx context.Context, in *CreateTableInput) (*CreateTableOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(ctx)
	name := ptr.Val(in.TableName)
	attrs, err := attrDefs(in.AttributeDefinitions)
	if err != nil {
		return nil, err
	}
	key, err := keySchemaOf(in.KeySchema, attrs)
	if err != nil {
		return nil, err
	}
	billing := ptr.Val(in.BillingMode)
	if billing == "" {
		billing = "PROVISIONED"
	}
	rcu, wcu, err := throughputOf(billing, in.ProvisionedThroughput, "")
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	t := tableRec{
		Name: name, ID: ids.UUID(), ARN: arn.New("dynamodb", info.Region, info.Account, "table/"+name),
		Created: now, Key: key, Attrs: attrs, Billing: billing, RCU: rcu, WCU: wcu,
		DeletionProtection: ptr.Val(in.DeletionProtectionEnabled), Tags: map[string]string{},
		TableClass: ptr.Val(in.TableClass),
	}
	if t.TableClass == "" {
		t.TableClass = "STANDARD"
	}
	seen := map[string]bool{}
	for _, g := range in.GlobalSecondaryIndexes {
		n := ptr.Val(g.IndexName)
		if seen[n] {
			return nil, validation("One or more parameter values were invalid: Duplicate index name: %s", n)
		}
		seen[n] = true
		ix, err := newGSI(n, g.KeySchema, g.Projection, g.ProvisionedThroughput, attrs, billing)
		if err != nil {
			return nil, err
		}
		t.GSIs = append(t.GSIs, ix)
	}
	for _, l := range in.LocalSecondaryIndexes {
		n := ptr.Val(l.IndexName)
		if seen[n] {
			return nil, validation("One or more parameter values were invalid: Duplicate index name: %s", n)
		}
		seen[n] = true
		k, err := keySchemaOf(l.KeySchema, attrs)
		if err != nil {
			return nil, err
		}
		if key.SK == "" {
			return nil, validation("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		if k.PK != key.PK {
			return nil, validation("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s", n, k.PK, key.PK)
		}
		if k.SK == "" {
			return nil, validation("One or more parameter values were invalid: Index KeySchema does not have a range key for index: %s", n)
		}
		typ, nonKey, err := projectionOf(l.Projection, n)
		if err != nil {
			return nil, err
		}
		t.LSIs = append(t.LSIs, indexRec{Name: n, Key: k, Projection: typ, NonKey: nonKey, Local: true})
	}
	if err := checkAttrDefsUsed(&t); err != nil {
		return nil, err
	}
	if spec := in.StreamSpecification; spec != nil && ptr.Val(spec.StreamEnabled) {
		vt, err := streamViewType(spec)
		if err != nil {
			return nil, err
		}
		t.Streams = append(t.Streams, newStream(&t, vt, now))
	}
	if sse := in.SSESpecification; sse != nil && ptr.Val(sse.Enabled) {
		t.SSE, t.SSEKey = true, ptr.Val(sse.KMSMasterKeyId)
	}
	for _, tag := range in.Tags {
		t.Tags[ptr.Val(tag.Key)] = ptr.Val(tag.Value)
	}
	var desc *TableDescription
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, exists := s.tables.Get(tx, sc, name); exists {
			return awserr.New("ResourceInUseException", 0, "Table already exists: %s", name)
		}
		s.tables.Put(tx, sc, name, t)
		desc = s.describe(tx, sc, &t, "CREATING")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateTableOutput{TableDescription: desc}, nil
}

// describe renders a table. status overrides the stored state (ACTIVE) in
// the answers to CreateTable, UpdateTable and DeleteTable, as AWS's do.
func (s *Service) describe(tx *state.Tx, sc state.Scope, t *tableRec, status string) *TableDescription {
	if status == "" {
		status = "ACTIVE"
	}
	var count, size int64
	if status != "CREATING" {
		st := s.statsOf(tx, sc, tableStatsKey(t.Name))
		count, size = st.Count, st.Bytes
	}
	d := &TableDescription{
		TableName:                 ptr.To(t.Name),
		TableId:                   ptr.To(t.ID),
		TableArn:                  ptr.To(t.ARN),
		TableStatus:               ptr.To(status),
		CreationDateTime:          ptr.To(t.Created),
		KeySchema:                 keySchemaElems(t.Key),
		ItemCount:                 ptr.To(count),
		TableSizeBytes:            ptr.To(size),
		DeletionProtectionEnabled: ptr.To(t.DeletionProtection),
		ProvisionedThroughput: &ProvisionedThroughputDescription{
			ReadCapacityUnits: ptr.To(t.RCU), WriteCapacityUnits: ptr.To(t.WCU), NumberOfDecreasesToday: ptr.To(int64(0)),
		},
		TableClassSummary: &TableClassSummary{TableClass: ptr.To(t.TableClass)},
	}
	names := make([]string, 0, len(t.Attrs))
	for n := range t.Attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d.AttributeDefinitions = append(d.AttributeDefinitions, AttributeDefinition{AttributeName: ptr.To(n), AttributeType: ptr.To(t.Attrs[n])})
	}
	if t.Billing == "PAY_PER_REQUEST" {
		d.BillingModeSummary = &BillingModeSummary{BillingMode: ptr.To(t.Billing), LastUpdateToPayPerRequestDateTime: ptr.To(t.Created)}
		if !t.BillingChanged.IsZero() {
			d.BillingModeSummary.LastUpdateToPayPerRequestDateTime = ptr.To(t.BillingChanged)
		}
	}
	indexStatus := "ACTIVE"
	if status == "CREATING" {
		indexStatus = "CREATING"
	}
	for _, ix := range t.GSIs {
		c, sz := s.indexStats(tx, sc, t, &ix, status)
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, GlobalSecondaryIndexDescription{
			IndexName: ptr.To(ix.Name), IndexArn: ptr.To(t.ARN + "/index/" + ix.Name), IndexStatus: ptr.To(indexStatus),
			KeySchema: keySchemaElems(ix.Key), Projection: projectionDesc(&ix), ItemCount: ptr.To(c), IndexSizeBytes: ptr.To(sz),
			ProvisionedThroughput: &ProvisionedThroughputDescription{
				ReadCapacityUnits: ptr.To(ix.RCU), WriteCapacityUnits: ptr.To(ix.WCU), NumberOfDecreasesToday: ptr.To(int64(0)),
			},
		})
	}
	for _, ix := range t.LSIs {
		c, sz := s.indexStats(tx, sc, t, &ix, status)
		d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, LocalSecondaryIndexDescription{
			IndexName: ptr.To(ix.Name), IndexArn: ptr.To(t.ARN + "/index/" + ix.Name),
			KeySchema: keySchemaElems(ix.Key), Projection: projectionDesc(&ix), ItemCount: ptr.To(c), IndexSizeBytes: ptr.To(sz),
		})
	}
	if st := t.stream(); st != nil {
		d.StreamSpecification = &StreamSpecification{StreamEnabled: ptr.To(true), StreamViewType: ptr.To(st.ViewType)}
	}
	if n := len(t.Streams); n > 0 {
		d.LatestStreamArn, d.LatestStreamLabel = ptr.To(t.Streams[n-1].ARN), ptr.To(t.Streams[n-1].Label)
	}
	if t.SSE {
		key := t.SSEKey
		if key == "" {
			key = arn.New("kms", sc.Region, sc.Account, "key/"+t.ID)
		}
		d.SSEDescription = &SSEDescription{Status: ptr.To("ENABLED"), SSEType: ptr.To("KMS"), KMSMasterKeyArn: ptr.To(key)}
	}
	return d
}

func (s *Service) indexStats(tx *state.Tx, sc state.Scope, t *tableRec, ix *indexRec, status string) (int64, int64) {
	if status == "CREATING" {
		return 0, 0
	}
	st := s.statsOf(tx, sc, indexStatsKey(t.Name, ix.Name))
	return st.Count, st.Bytes
}

func keySchemaElems(k keySchema) []KeySchemaElement {
	out := []KeySchemaElement{{AttributeName: ptr.To(k.PK), KeyType: ptr.To("HASH")}}
	if k.SK != "" {
		out = append(out, KeySchemaElement{AttributeName: ptr.To(k.SK), KeyType: ptr.To("RANGE")})
	}
	return out
}

func projectionDesc(ix *indexRec) *Projection {
	return &Projection{ProjectionType: ptr.To(ix.Projection), NonKeyAttributes: ix.NonKey}
}

// DescribeTable describes a table.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
func (s *Service) DescribeTable(ctx context.Context, in *DescribeTableInput) (*DescribeTableOutput, error) {
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	var out *DescribeTableOutput
	err := s.db.View(func(tx *state.Tx) error {
		t, ok := s.tables.Get(tx, sc, name)
		if !ok {
			return tableNotFound(name)
		}
		out = &DescribeTableOutput{Table: s.describe(tx, sc, &t, "")}
		return nil
	})
	return out, err
}

// tableNameOf accepts a table name or ARN, as AWS's TableName members do.
func tableNameOf(s string) string {
	if strings.HasPrefix(s, "arn:") {
		if i := strings.Index(s, ":table/"); i >= 0 {
			s = s[i+len(":table/"):]
			if j := strings.IndexByte(s, '/'); j >= 0 {
				s = s[:j]
			}
		}
	}
	return s
}

// ListTables lists table names in order, a page at a time.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html
func (s *Service) ListTables(ctx context.Context, in *ListTablesInput) (*ListTablesOutput, error) {
	sc := scopeOf(ctx)
	limit := int(ptr.Val(in.Limit))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	out := &ListTablesOutput{TableNames: []string{}}
	start := ptr.Val(in.ExclusiveStartTableName)
	_ = s.db.View(func(tx *state.Tx) error {
		s.tables.Ascend(tx, sc, start, func(name string, _ tableRec) bool {
			if name == start {
				return true
			}
			if len(out.TableNames) == limit {
				out.LastEvaluatedTableName = ptr.To(out.TableNames[limit-1])
				return false
			}
			out.TableNames = append(out.TableNames, name)
			return true
		})
		return nil
	})
	return out, nil
}

// DeleteTable deletes a table and its items at once (the response says DELETING).
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html
func (s *Service) DeleteTable(ctx context.Context, in *DeleteTableInput) (*DeleteTableOutput, error) {
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	var desc *TableDescription
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		t, ok := s.tables.Get(tx, sc, name)
		if !ok {
			return tableNotFound(name)
		}
		if t.DeletionProtection {
			// AWS: a protected table cannot be deleted.
			return validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
		}
		desc = s.describe(tx, sc, &t, "DELETING")
		s.tables.Delete(tx, sc, name)
		for _, tbl := range []interface {
			deletePrefix(tx *state.Tx, sc state.Scope, prefix string)
		}{prefixDeleter[Item]{s.items}, prefixDeleter[string]{s.indexes}, prefixDeleter[string]{s.expiry}, prefixDeleter[streamRecord]{s.records}, prefixDeleter[sizeStats]{s.stats}} {
			tbl.deletePrefix(tx, sc, name+sep)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteTableOutput{TableDescription: desc}, nil
}

type prefixDeleter[T any] struct{ t *state.Table[T] }

func (d prefixDeleter[T]) deletePrefix(tx *state.Tx, sc state.Scope, prefix string) {
	var keys []string
	d.t.AscendPrefix(tx, sc, prefix, func(k string, _ T) bool {
		keys = append(keys, k)
		return true
	})
	for _, k := range keys {
		d.t.Delete(tx, sc, k)
	}
}

// UpdateTable changes throughput, billing mode, indexes, streams, deletion
// protection or table class.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
func (s *Service) UpdateTable(ctx context.Context, in *UpdateTableInput) (*UpdateTableOutput, error) {
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	var desc *TableDescription
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		old, ok := s.tables.Get(tx, sc, name)
		if !ok {
			return tableNotFound(name)
		}
		t := old.clone()
		now := s.clock.Now()
		if b := ptr.Val(in.BillingMode); b != "" && b != t.Billing {
			t.Billing = b
			if b == "PAY_PER_REQUEST" {
				t.RCU, t.WCU, t.BillingChanged = 0, 0, now
				for i := range t.GSIs {
					t.GSIs[i].RCU, t.GSIs[i].WCU = 0, 0
				}
			} else if in.ProvisionedThroughput == nil {
				return validation("One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
			}
		}
		if in.ProvisionedThroughput != nil {
			r, w, err := throughputOf(t.Billing, in.ProvisionedThroughput, "")
			if err != nil {
				return err
			}
			t.RCU, t.WCU = r, w
		}
		if in.AttributeDefinitions != nil {
			defs, err := attrDefs(in.AttributeDefinitions)
			if err != nil {
				return err
			}
			for n, typ := range defs {
				if cur, ok := t.Attrs[n]; ok && cur != typ {
					return validation("One or more parameter values were invalid: Attribute %s is already defined as %s", n, cur)
				}
				t.Attrs[n] = typ
			}
		}
		var created []indexRec
		for _, u := range in.GlobalSecondaryIndexUpdates {
			switch {
			case u.Create != nil:
				n := ptr.Val(u.Create.IndexName)
				if t.index(n) != nil {
					return validation("One or more parameter values were invalid: Index already exists: %s", n)
				}
				ix, err := newGSI(n, u.Create.KeySchema, u.Create.Projection, u.Create.ProvisionedThroughput, t.Attrs, t.Billing)
				if err != nil {
					return err
				}
				t.GSIs = append(t.GSIs, ix)
				created = append(created, ix)
			case u.Delete != nil:
				n := ptr.Val(u.Delete.IndexName)
				i := slices.IndexFunc(t.GSIs, func(ix indexRec) bool { return ix.Name == n })
				if i < 0 {
					return awserr.New("ResourceNotFoundException", 0, "Requested resource not found: Index: %s not found", n)
				}
				t.GSIs = slices.Delete(t.GSIs, i, i+1)
				prefixDeleter[string]{s.indexes}.deletePrefix(tx, sc, name+sep+n+sep)
				s.stats.Delete(tx, sc, indexStatsKey(name, n))
			case u.Update != nil:
				n := ptr.Val(u.Update.IndexName)
				ix := t.index(n)
				if ix == nil || ix.Local {
					return awserr.New("ResourceNotFoundException", 0, "Requested resource not found: Index: %s not found", n)
				}
				if u.Update.ProvisionedThroughput != nil {
					r, w, err := throughputOf(t.Billing, u.Update.ProvisionedThroughput, n)
					if err != nil {
						return err
					}
					ix.RCU, ix.WCU = r, w
				}
			}
		}
		// AWS: attribute definitions must be exactly the key attributes in use.
		used := map[string]bool{t.Key.PK: true, t.Key.SK: true}
		for _, ix := range t.allIndexes() {
			used[ix.Key.PK], used[ix.Key.SK] = true, true
		}
		for n := range t.Attrs {
			if !used[n] {
				delete(t.Attrs, n)
			}
		}
		if spec := in.StreamSpecification; spec != nil {
			cur := t.stream()
			switch {
			case ptr.Val(spec.StreamEnabled) && cur != nil:
				return validation("Table already has an enabled stream: TableName: %s", name)
			case ptr.Val(spec.StreamEnabled):
				vt, err := streamViewType(spec)
				if err != nil {
					return err
				}
				t.Streams = append(t.Streams, newStream(&t, vt, now))
			case cur == nil:
				return validation("Table already has stream disabled: TableName: %s", name)
			default:
				cur.Enabled = false
			}
		}
		if in.DeletionProtectionEnabled != nil {
			t.DeletionProtection = *in.DeletionProtectionEnabled
		}
		if c := ptr.Val(in.TableClass); c != "" {
			t.TableClass = c
		}
		if sse := in.SSESpecification; sse != nil {
			t.SSE, t.SSEKey = ptr.Val(sse.Enabled), ptr.Val(sse.KMSMasterKeyId)
		}
		s.tables.Put(tx, sc, name, t)
		// Backfill new indexes from the table's items.
		for _, ix := range created {
			s.items.AscendPrefix(tx, sc, name+sep, func(key string, it Item) bool {
				if ik, ok := indexKey(&ix, it); ok {
					pk := strings.TrimPrefix(key, name+sep)
					s.indexes.Put(tx, sc, name+sep+ix.Name+sep+ik+pk, pk)
				}
				return true
			})
			s.backfillIndexStats(tx, sc, &t, &ix)
		}
		desc = s.describe(tx, sc, &t, "UPDATING")
		for i := range desc.GlobalSecondaryIndexes {
			if slices.ContainsFunc(created, func(ix indexRec) bool { return ix.Name == *desc.GlobalSecondaryIndexes[i].IndexName }) {
				desc.GlobalSecondaryIndexes[i].IndexStatus = ptr.To("CREATING")
				desc.GlobalSecondaryIndexes[i].Backfilling = ptr.To(false)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateTableOutput{TableDescription: desc}, nil
}

// DescribeLimits returns the account's capacity limits (AWS's defaults).
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeLimits.html
func (s *Service) DescribeLimits(ctx context.Context, _ *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	return &DescribeLimitsOutput{
		AccountMaxReadCapacityUnits: ptr.To(int64(80000)), AccountMaxWriteCapacityUnits: ptr.To(int64(80000)),
		TableMaxReadCapacityUnits: ptr.To(int64(40000)), TableMaxWriteCapacityUnits: ptr.To(int64(40000)),
	}, nil
}

// DescribeEndpoints returns the endpoint to use: this one.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeEndpoints.html
func (s *Service) DescribeEndpoints(ctx context.Context, _ *DescribeEndpointsRequest) (*DescribeEndpointsResponse, error) {
	info := reqctx.From(ctx)
	addr := info.Host
	if addr == "" {
		addr = fmt.Sprintf("dynamodb.%s.amazonaws.com", info.Region)
	}
	return &DescribeEndpointsResponse{Endpoints: []Endpoint{{Address: ptr.To(addr), CachePeriodInMinutes: ptr.To(int64(1440))}}}, nil
}

// tableByARN finds the table a resource ARN names.
func (s *Service) tableByARN(tx *state.Tx, sc state.Scope, resourceARN string) (tableRec, error) {
	a, err := arn.Parse(resourceARN)
	if err == nil && strings.HasPrefix(a.Resource, "table/") {
		name := strings.SplitN(strings.TrimPrefix(a.Resource, "table/"), "/", 2)[0]
		if t, ok := s.tables.Get(tx, sc, name); ok && t.ARN == resourceARN {
			return t, nil
		}
	}
	if err != nil {
		return tableRec{}, validation("Invalid TableArn: Invalid ResourceArn provided as input %s", resourceARN)
	}
	return tableRec{}, awserr.New("ResourceNotFoundException", 0, "Requested resource not found: ResourcArn: %s not found", resourceARN)
}

// TagResource adds tags to a table.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	sc := scopeOf(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		t, err := s.tableByARN(tx, sc, ptr.Val(in.ResourceArn))
		if err != nil {
			return err
		}
		t = t.clone()
		for _, tag := range in.Tags {
			t.Tags[ptr.Val(tag.Key)] = ptr.Val(tag.Value)
		}
		if len(t.Tags) > 50 {
			return validation("One or more parameter values were invalid: The number of tags exceeds the limit of 50")
		}
		s.tables.Put(tx, sc, t.Name, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResource removes tags from a table.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	sc := scopeOf(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		t, err := s.tableByARN(tx, sc, ptr.Val(in.ResourceArn))
		if err != nil {
			return err
		}
		t = t.clone()
		for _, k := range in.TagKeys {
			delete(t.Tags, k)
		}
		s.tables.Put(tx, sc, t.Name, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsOfResource lists a table's tags in key order.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html
func (s *Service) ListTagsOfResource(ctx context.Context, in *ListTagsOfResourceInput) (*ListTagsOfResourceOutput, error) {
	sc := scopeOf(ctx)
	out := &ListTagsOfResourceOutput{Tags: []Tag{}}
	err := s.db.View(func(tx *state.Tx) error {
		t, err := s.tableByARN(tx, sc, ptr.Val(in.ResourceArn))
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(t.Tags))
		for k := range t.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.Tags = append(out.Tags, Tag{Key: ptr.To(k), Value: ptr.To(t.Tags[k])})
		}
		return nil
	})
	return out, err
}

// DescribeContinuousBackups reports the point-in-time-recovery flag.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeContinuousBackups.html
func (s *Service) DescribeContinuousBackups(ctx context.Context, in *DescribeContinuousBackupsInput) (*DescribeContinuousBackupsOutput, error) {
	sc := scopeOf(ctx)
	var out *DescribeContinuousBackupsOutput
	err := s.db.View(func(tx *state.Tx) error {
		name := tableNameOf(ptr.Val(in.TableName))
		t, ok := s.tables.Get(tx, sc, name)
		if !ok {
			return awserr.New("TableNotFoundException", 0, "Table not found: %s", name)
		}
		out = &DescribeContinuousBackupsOutput{ContinuousBackupsDescription: s.backups(&t)}
		return nil
	})
	return out, err
}

func (s *Service) backups(t *tableRec) *ContinuousBackupsDescription {
	pitr := &PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: ptr.To("DISABLED")}
	if t.PITR {
		now := s.clock.Now()
		earliest := t.Created
		if w := now.Add(-35 * 24 * time.Hour); w.After(earliest) {
			earliest = w
		}
		pitr = &PointInTimeRecoveryDescription{
			PointInTimeRecoveryStatus: ptr.To("ENABLED"), RecoveryPeriodInDays: ptr.To(int64(35)),
			EarliestRestorableDateTime: ptr.To(earliest), LatestRestorableDateTime: ptr.To(now.Add(-5 * time.Minute)),
		}
	}
	return &ContinuousBackupsDescription{ContinuousBackupsStatus: ptr.To("ENABLED"), PointInTimeRecoveryDescription: pitr}
}

// UpdateContinuousBackups turns point-in-time recovery on or off (a flag: no backups are taken).
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateContinuousBackups.html
func (s *Service) UpdateContinuousBackups(ctx context.Context, in *UpdateContinuousBackupsInput) (*UpdateContinuousBackupsOutput, error) {
	sc := scopeOf(ctx)
	var out *UpdateContinuousBackupsOutput
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		name := tableNameOf(ptr.Val(in.TableName))
		t, ok := s.tables.Get(tx, sc, name)
		if !ok {
			return awserr.New("TableNotFoundException", 0, "Table not found: %s", name)
		}
		t = t.clone()
		t.PITR = ptr.Val(in.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled)
		s.tables.Put(tx, sc, name, t)
		out = &UpdateContinuousBackupsOutput{ContinuousBackupsDescription: s.backups(&t)}
		return nil
	})
	return out, err
}
