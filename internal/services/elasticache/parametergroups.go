package elasticache

import (
	"context"
	"maps"
	"slices"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// paramGroupRec is a cache parameter group a customer created, with the
// values set on it (parameters not set keep the family's defaults).
type paramGroupRec struct {
	CacheParameterGroup
	Values map[string]string
}

// paramDef is one parameter of a family, with its default value.
type paramDef struct {
	Name, Value, DataType, Allowed, Desc string
	Modifiable                           bool
}

// redisParams are the parameters haneul models for Redis OSS and Valkey
// families (a subset of AWS's; unknown names are rejected). AWS: "Redis OSS
// specific parameters" in the ElastiCache user guide.
var redisParams = []paramDef{
	{"activerehashing", "yes", "string", "yes,no", "Apply rehashing or not.", true},
	{"appendonly", "no", "string", "yes,no", "Enable Redis persistence.", true},
	{"cluster-enabled", "no", "string", "yes,no", "Enable cluster mode", false},
	{"databases", "16", "integer", "1-1200000", "Set the number of databases.", true},
	{"maxmemory-policy", "volatile-lru", "string", "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction", "Max memory policy.", true},
	{"maxmemory-samples", "3", "integer", "1-", "Max memory samples.", true},
	{"notify-keyspace-events", "", "string", "", "The keyspace events for Redis to notify Pub/Sub clients about.", true},
	{"timeout", "0", "integer", "0,20-", "Close connection if client is idle for a given number of seconds, or never if 0.", true},
	{"tcp-keepalive", "300", "integer", "0-", "If non-zero, send ACKs every given number of seconds.", true},
}

// memcachedParams are the parameters haneul models for Memcached families.
var memcachedParams = []paramDef{
	{"binding_protocol", "auto", "string", "auto,binary,ascii", "Binding protocol.", true},
	{"chunk_size", "48", "integer", "1-", "Minimum space allocated for key+value+flags.", true},
	{"max_item_size", "1048576", "integer", "1024-134217728", "The size of the largest item storable in the cache, in bytes.", true},
	{"max_simultaneous_connections", "65000", "integer", "3-65000", "Maximum number of simultaneous connections.", false},
}

func familyParams(family string) []paramDef {
	if strings.HasPrefix(family, "memcached") {
		return memcachedParams
	}
	return redisParams
}

// families are the parameter group families, each with its default groups:
// "default.<family>", and for Redis OSS ≥ 3.2 and Valkey also "default.<family>.cluster.on".
func families() []string {
	var out []string
	for _, v := range engineVersions {
		if !slices.Contains(out, v.Family) {
			out = append(out, v.Family)
		}
	}
	return out
}

// defaultGroup returns the default parameter group called name ("default.redis7").
func defaultGroup(sc state.Scope, name string) (paramGroupRec, bool) {
	rest, ok := strings.CutPrefix(name, "default.")
	if !ok {
		return paramGroupRec{}, false
	}
	family, cluster := strings.CutSuffix(rest, ".cluster.on")
	if _, ok := familyVersion(family); !ok || (cluster && strings.HasPrefix(family, "memcached")) {
		return paramGroupRec{}, false
	}
	r := paramGroupRec{CacheParameterGroup: CacheParameterGroup{
		CacheParameterGroupName:   ptr.To(name),
		CacheParameterGroupFamily: ptr.To(family),
		Description:               ptr.To("Default parameter group for " + family),
		IsGlobal:                  ptr.To(false),
		ARN:                       ptr.To(arn.New("elasticache", sc.Region, sc.Account, "parametergroup:"+name)),
	}}
	if cluster {
		r.Values = map[string]string{"cluster-enabled": "yes"}
	}
	return r, true
}

func defaultGroupNames() []string {
	var out []string
	for _, f := range families() {
		out = append(out, "default."+f)
		if !strings.HasPrefix(f, "memcached") {
			out = append(out, "default."+f+".cluster.on")
		}
	}
	return out
}

// defaultGroupFor is the default parameter group of an engine version.
func defaultGroupFor(v engineVersion, clusterMode bool) string {
	if clusterMode {
		return "default." + v.Family + ".cluster.on"
	}
	return "default." + v.Family
}

func errParamGroupNotFound(name string) error {
	return awserr.New("CacheParameterGroupNotFound", 0, "CacheParameterGroup %s not found.", name)
}

// getParamGroup finds a default or customer parameter group.
func (s *Service) getParamGroup(tx *state.Tx, sc state.Scope, name string) (paramGroupRec, error) {
	if r, ok := defaultGroup(sc, name); ok {
		return r, nil
	}
	if r, ok := s.paramGroups.Get(tx, sc, name); ok {
		return r, nil
	}
	return paramGroupRec{}, errParamGroupNotFound(name)
}

// CreateCacheParameterGroup creates a cache parameter group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html
func (s *Service) CreateCacheParameterGroup(ctx context.Context, in *CreateCacheParameterGroupMessage) (*CreateCacheParameterGroupResult, error) {
	sc := s.scope(ctx)
	// AWS: parameter group names are stored in lowercase.
	name := strings.ToLower(*in.CacheParameterGroupName)
	family := *in.CacheParameterGroupFamily
	if _, ok := familyVersion(family); !ok {
		return nil, invalidValue("The parameter CacheParameterGroupFamily is not a valid family: %s", family)
	}
	if strings.HasPrefix(name, "default.") {
		return nil, invalidValue("CacheParameterGroupName cannot start with 'default.'")
	}
	r := paramGroupRec{CacheParameterGroup: CacheParameterGroup{
		CacheParameterGroupName:   ptr.To(name),
		CacheParameterGroupFamily: ptr.To(family),
		Description:               in.Description,
		IsGlobal:                  ptr.To(false),
		ARN:                       ptr.To(arn.New("elasticache", sc.Region, sc.Account, "parametergroup:"+name)),
	}, Values: map[string]string{}}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.paramGroups.Get(tx, sc, name); ok {
			return awserr.New("CacheParameterGroupAlreadyExists", 0, "Parameter group %s already exists.", name)
		}
		s.paramGroups.Put(tx, sc, name, r)
		s.setTags(tx, sc, *r.ARN, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateCacheParameterGroupResult{CacheParameterGroup: &r.CacheParameterGroup}, nil
}

// DescribeCacheParameterGroups lists the default and customer parameter groups.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheParameterGroups.html
func (s *Service) DescribeCacheParameterGroups(ctx context.Context, in *DescribeCacheParameterGroupsMessage) (*CacheParameterGroupsMessage, error) {
	sc := s.scope(ctx)
	var all []CacheParameterGroup
	err := s.db.View(func(tx *state.Tx) error {
		if n := ptr.Val(in.CacheParameterGroupName); n != "" {
			r, err := s.getParamGroup(tx, sc, n)
			all = append(all, r.CacheParameterGroup)
			return err
		}
		for _, n := range defaultGroupNames() {
			r, _ := defaultGroup(sc, n)
			all = append(all, r.CacheParameterGroup)
		}
		s.paramGroups.Ascend(tx, sc, "", func(_ string, r paramGroupRec) bool {
			all = append(all, r.CacheParameterGroup)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &CacheParameterGroupsMessage{CacheParameterGroups: items, Marker: next}, nil
}

// params lists a group's parameters; source filters by "user" (set on the group) or "engine-default".
func params(r paramGroupRec, source string) []Parameter {
	var out []Parameter
	for _, d := range familyParams(*r.CacheParameterGroupFamily) {
		v, set := r.Values[d.Name]
		src := "user"
		if !set {
			v, src = d.Value, "engine-default"
		}
		if source != "" && source != src {
			continue
		}
		p := Parameter{
			ParameterName: ptr.To(d.Name), ParameterValue: ptr.To(v), Source: ptr.To(src),
			DataType: ptr.To(d.DataType), Description: ptr.To(d.Desc), IsModifiable: ptr.To(d.Modifiable),
			ChangeType: ptr.To("immediate"), MinimumEngineVersion: ptr.To("2.6.13"),
		}
		if d.Allowed != "" {
			p.AllowedValues = ptr.To(d.Allowed)
		}
		out = append(out, p)
	}
	return out
}

// DescribeCacheParameters lists the parameters of a parameter group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheParameters.html
func (s *Service) DescribeCacheParameters(ctx context.Context, in *DescribeCacheParametersMessage) (*CacheParameterGroupDetails, error) {
	sc := s.scope(ctx)
	var r paramGroupRec
	err := s.db.View(func(tx *state.Tx) error {
		var err error
		r, err = s.getParamGroup(tx, sc, *in.CacheParameterGroupName)
		return err
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(params(r, ptr.Val(in.Source)), in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &CacheParameterGroupDetails{Parameters: items, Marker: next, CacheNodeTypeSpecificParameters: []CacheNodeTypeSpecificParameter{}}, nil
}

// DescribeEngineDefaultParameters lists a family's parameters and their defaults.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeEngineDefaultParameters.html
func (s *Service) DescribeEngineDefaultParameters(ctx context.Context, in *DescribeEngineDefaultParametersMessage) (*DescribeEngineDefaultParametersResult, error) {
	family := *in.CacheParameterGroupFamily
	if _, ok := familyVersion(family); !ok {
		return nil, invalidValue("The parameter CacheParameterGroupFamily is not a valid family: %s", family)
	}
	r := paramGroupRec{CacheParameterGroup: CacheParameterGroup{CacheParameterGroupFamily: &family}}
	items, next, err := page(params(r, ""), in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DescribeEngineDefaultParametersResult{EngineDefaults: &EngineDefaults{
		CacheParameterGroupFamily: &family, Parameters: items, Marker: next,
		CacheNodeTypeSpecificParameters: []CacheNodeTypeSpecificParameter{},
	}}, nil
}

// ModifyCacheParameterGroup sets parameters of a customer parameter group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheParameterGroup.html
func (s *Service) ModifyCacheParameterGroup(ctx context.Context, in *ModifyCacheParameterGroupMessage) (*CacheParameterGroupNameMessage, error) {
	return s.changeParams(ctx, *in.CacheParameterGroupName, in.ParameterNameValues, false)
}

// ResetCacheParameterGroup returns parameters of a customer parameter group to their defaults.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ResetCacheParameterGroup.html
func (s *Service) ResetCacheParameterGroup(ctx context.Context, in *ResetCacheParameterGroupMessage) (*CacheParameterGroupNameMessage, error) {
	all := ptr.Val(in.ResetAllParameters)
	if all == (len(in.ParameterNameValues) > 0) {
		return nil, invalidCombination("Either ResetAllParameters must be true or ParameterNameValues must be provided, but not both.")
	}
	return s.changeParams(ctx, *in.CacheParameterGroupName, in.ParameterNameValues, true)
}

func (s *Service) changeParams(ctx context.Context, name string, values []ParameterNameValue, reset bool) (*CacheParameterGroupNameMessage, error) {
	sc := s.scope(ctx)
	name = strings.ToLower(name)
	if _, ok := defaultGroup(sc, name); ok {
		// AWS: default parameter groups cannot be changed.
		return nil, awserr.New("InvalidCacheParameterGroupState", 0, "Default parameter group %s cannot be modified.", name)
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.paramGroups.Get(tx, sc, name)
		if !ok {
			return errParamGroupNotFound(name)
		}
		defs := familyParams(*r.CacheParameterGroupFamily)
		vals := maps.Clone(r.Values)
		if vals == nil {
			vals = map[string]string{}
		}
		if reset && len(values) == 0 {
			clear(vals)
		}
		for _, p := range values {
			n := ptr.Val(p.ParameterName)
			i := slices.IndexFunc(defs, func(d paramDef) bool { return d.Name == n })
			if i < 0 {
				return invalidValue("Unknown parameter: %s", n)
			}
			if !defs[i].Modifiable {
				return invalidValue("The parameter %s cannot be modified.", n)
			}
			if reset {
				delete(vals, n)
			} else {
				vals[n] = ptr.Val(p.ParameterValue)
			}
		}
		r.Values = vals
		s.paramGroups.Put(tx, sc, name, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CacheParameterGroupNameMessage{CacheParameterGroupName: &name}, nil
}

// DeleteCacheParameterGroup deletes a customer parameter group no cluster uses.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheParameterGroup.html
func (s *Service) DeleteCacheParameterGroup(ctx context.Context, in *DeleteCacheParameterGroupMessage) (*DeleteCacheParameterGroupOutput, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(*in.CacheParameterGroupName)
	if _, ok := defaultGroup(sc, name); ok {
		return nil, awserr.New("InvalidCacheParameterGroupState", 0, "Default parameter group %s cannot be deleted.", name)
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.paramGroups.Get(tx, sc, name)
		if !ok {
			return errParamGroupNotFound(name)
		}
		if s.inUse(tx, sc, "pg:"+name) {
			// AWS: a parameter group a cluster uses cannot be deleted.
			return awserr.New("InvalidCacheParameterGroupState", 0, "One or more cache clusters are still members of parameter group %s.", name)
		}
		s.paramGroups.Delete(tx, sc, name)
		s.tags.Delete(tx, sc, *r.ARN)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteCacheParameterGroupOutput{}, nil
}

// DescribeCacheEngineVersions lists the engine versions haneul offers.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheEngineVersions.html
func (s *Service) DescribeCacheEngineVersions(ctx context.Context, in *DescribeCacheEngineVersionsMessage) (*CacheEngineVersionMessage, error) {
	engine, version, family := ptr.Val(in.Engine), ptr.Val(in.EngineVersion), ptr.Val(in.CacheParameterGroupFamily)
	var all []CacheEngineVersion
	for i, v := range engineVersions {
		if engine != "" && v.Engine != engine || version != "" && version != v.Version && version != v.Full || family != "" && family != v.Family {
			continue
		}
		// AWS: DefaultOnly lists each engine's default version only.
		if ptr.Val(in.DefaultOnly) && i+1 < len(engineVersions) && engineVersions[i+1].Engine == v.Engine {
			continue
		}
		all = append(all, CacheEngineVersion{
			Engine: ptr.To(v.Engine), EngineVersion: ptr.To(v.Version), CacheParameterGroupFamily: ptr.To(v.Family),
			CacheEngineDescription: ptr.To(engineNames[v.Engine]), CacheEngineVersionDescription: ptr.To(v.Desc),
		})
	}
	items, next, err := page(all, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &CacheEngineVersionMessage{CacheEngineVersions: items, Marker: next}, nil
}
