package rds

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// paramGroupRec is a stored DB parameter group and the values set in it.
type paramGroupRec struct {
	DBParameterGroup
	Values  map[string]string // parameter name → value set by the user
	Methods map[string]string // parameter name → the ApplyMethod it was set with
}

// groupName is what AWS accepts as a parameter or option group name.
var groupName = regexp.MustCompile(`^[a-zA-Z](-?[a-zA-Z0-9.])*$`)

// defaultParamGroup returns the default parameter group record of a name
// such as "default.mysql8.0", if the name is one.
func defaultParamGroup(sc state.Scope, name string) (paramGroupRec, bool) {
	family, ok := strings.CutPrefix(name, "default.")
	if !ok {
		return paramGroupRec{}, false
	}
	e, _, ok := familyEngine(family)
	if !ok {
		return paramGroupRec{}, false
	}
	return paramGroupRec{DBParameterGroup: DBParameterGroup{
		DBParameterGroupName: ptr.To(name), DBParameterGroupFamily: ptr.To(family),
		Description:         ptr.To("Default parameter group for " + family),
		DBParameterGroupArn: ptr.To(arnOf(sc, "pg", name)),
	}, Values: nil}, e.name != ""
}

// getParamGroup finds a parameter group; default groups always exist.
//
// AWS: every account has the default parameter group of every family.
func (s *Service) getParamGroup(tx *state.Tx, sc state.Scope, name string) (paramGroupRec, error) {
	name = strings.ToLower(name)
	if g, ok := s.paramGroups.Get(tx, sc, name); ok {
		return g, nil
	}
	if g, ok := defaultParamGroup(sc, name); ok {
		return g, nil
	}
	return paramGroupRec{}, errParamGroupNotFound(name)
}

// checkParamGroup checks that an instance of family can use the group.
func (s *Service) checkParamGroup(tx *state.Tx, sc state.Scope, name, family string) error {
	g, err := s.getParamGroup(tx, sc, name)
	if err != nil {
		return err
	}
	if f := ptr.Val(g.DBParameterGroupFamily); f != family {
		return invalidCombination("The parameter group %s with DBParameterGroupFamily %s can't be used for this instance. Use a parameter group with DBParameterGroupFamily %s.", name, f, family)
	}
	return nil
}

// CreateDBParameterGroup creates a DB parameter group of a family.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html
func (s *Service) CreateDBParameterGroup(ctx context.Context, in *CreateDBParameterGroupMessage) (*CreateDBParameterGroupResult, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(ptr.Val(in.DBParameterGroupName))
	if len(name) > 255 || !groupName.MatchString(name) || strings.HasPrefix(name, "default.") {
		return nil, invalidValue("The parameter DBParameterGroupName is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.")
	}
	family := ptr.Val(in.DBParameterGroupFamily)
	if _, _, ok := familyEngine(family); !ok {
		return nil, invalidValue("Invalid DB parameter group family: %s", family)
	}
	g := paramGroupRec{DBParameterGroup: DBParameterGroup{
		DBParameterGroupName: ptr.To(name), DBParameterGroupFamily: ptr.To(family),
		Description: in.Description, DBParameterGroupArn: ptr.To(arnOf(sc, "pg", name)),
	}}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.paramGroups.Get(tx, sc, name); ok {
			return awserr.New("DBParameterGroupAlreadyExistsFault", 0, "Parameter group %s already exists", name)
		}
		m, err := tagMap(nil, in.Tags)
		if err != nil {
			return err
		}
		s.paramGroups.Put(tx, sc, name, g)
		s.setTags(tx, sc, *g.DBParameterGroupArn, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateDBParameterGroupResult{DBParameterGroup: &g.DBParameterGroup}, nil
}

// DescribeDBParameterGroups lists the custom parameter groups and the default
// groups in use, or the one named.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBParameterGroups.html
func (s *Service) DescribeDBParameterGroups(ctx context.Context, in *DescribeDBParameterGroupsMessage) (*DBParameterGroupsMessage, error) {
	sc := s.scope(ctx)
	out := []DBParameterGroup{}
	err := s.db.View(func(tx *state.Tx) error {
		if in.DBParameterGroupName != nil {
			g, err := s.getParamGroup(tx, sc, *in.DBParameterGroupName)
			if err != nil {
				return err
			}
			out = append(out, g.DBParameterGroup)
			return nil
		}
		for _, f := range families() {
			if g, _ := defaultParamGroup(sc, "default."+f); s.inUse(tx, sc, "pg", "default."+f) != "" {
				out = append(out, g.DBParameterGroup)
			}
		}
		s.paramGroups.Ascend(tx, sc, "", func(_ string, g paramGroupRec) bool {
			out = append(out, g.DBParameterGroup)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DBParameterGroupsMessage{DBParameterGroups: items, Marker: next}, nil
}

// params lists a group's parameters: the family's defaults with the user's values over them.
func params(g paramGroupRec) []Parameter {
	family := ptr.Val(g.DBParameterGroupFamily)
	var out []Parameter
	known := map[string]bool{}
	for _, p := range engineParams(family) {
		known[p.name] = true
		par := Parameter{
			ParameterName: ptr.To(p.name), DataType: ptr.To(p.dataType), ApplyType: ptr.To(p.applyType),
			Description: ptr.To(p.description), IsModifiable: ptr.To(true), Source: ptr.To("engine-default"),
			ApplyMethod: ptr.To("pending-reboot"),
		}
		if p.allowed != "" {
			par.AllowedValues = ptr.To(p.allowed)
		}
		if p.value != "" {
			par.ParameterValue = ptr.To(p.value)
			par.Source = ptr.To("system")
		}
		if v, ok := g.Values[p.name]; ok {
			par.ParameterValue, par.Source = ptr.To(v), ptr.To("user")
			par.ApplyMethod = ptr.To(methodOf(g, p.name))
		}
		out = append(out, par)
	}
	for _, k := range slices.Sorted(maps.Keys(g.Values)) {
		if !known[k] {
			out = append(out, Parameter{
				ParameterName: ptr.To(k), ParameterValue: ptr.To(g.Values[k]), Source: ptr.To("user"),
				DataType: ptr.To("string"), ApplyType: ptr.To("dynamic"), IsModifiable: ptr.To(true), ApplyMethod: ptr.To(methodOf(g, k)),
			})
		}
	}
	slices.SortFunc(out, func(a, b Parameter) int { return strings.Compare(*a.ParameterName, *b.ParameterName) })
	return out
}

// methodOf is the ApplyMethod a user-set parameter was set with.
//
// AWS: DescribeDBParameters reports a modified parameter with the apply
// method of its modification.
func methodOf(g paramGroupRec, name string) string {
	if m := g.Methods[name]; m != "" {
		return m
	}
	return "pending-reboot"
}

// DescribeDBParameters lists the parameters of a DB parameter group.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBParameters.html
func (s *Service) DescribeDBParameters(ctx context.Context, in *DescribeDBParametersMessage) (*DBParameterGroupDetails, error) {
	sc := s.scope(ctx)
	var g paramGroupRec
	err := s.db.View(func(tx *state.Tx) error {
		var err error
		g, err = s.getParamGroup(tx, sc, ptr.Val(in.DBParameterGroupName))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []Parameter{}
	for _, p := range params(g) {
		if in.Source == nil || *in.Source == ptr.Val(p.Source) {
			if match(in.Filters, "parameter-name", ptr.Val(p.ParameterName)) {
				out = append(out, p)
			}
		}
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DBParameterGroupDetails{Parameters: items, Marker: next}, nil
}

// DescribeEngineDefaultParameters lists a family's default parameters.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeEngineDefaultParameters.html
func (s *Service) DescribeEngineDefaultParameters(ctx context.Context, in *DescribeEngineDefaultParametersMessage) (*DescribeEngineDefaultParametersResult, error) {
	family := ptr.Val(in.DBParameterGroupFamily)
	if _, _, ok := familyEngine(family); !ok {
		return nil, invalidValue("Invalid DB parameter group family: %s", family)
	}
	ps := params(paramGroupRec{DBParameterGroup: DBParameterGroup{DBParameterGroupFamily: ptr.To(family)}})
	items, next, err := page(ps, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DescribeEngineDefaultParametersResult{EngineDefaults: &EngineDefaults{DBParameterGroupFamily: ptr.To(family), Parameters: items, Marker: next}}, nil
}

// ModifyDBParameterGroup sets parameters of a custom DB parameter group.
//
// AWS: default groups cannot be changed; at most 20 parameters per call; a
// static parameter only takes ApplyMethod pending-reboot.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html
func (s *Service) ModifyDBParameterGroup(ctx context.Context, in *ModifyDBParameterGroupMessage) (*DBParameterGroupNameMessage, error) {
	return s.editParams(ctx, ptr.Val(in.DBParameterGroupName), in.Parameters, false, false)
}

// ResetDBParameterGroup returns parameters (or all) to their defaults.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ResetDBParameterGroup.html
func (s *Service) ResetDBParameterGroup(ctx context.Context, in *ResetDBParameterGroupMessage) (*DBParameterGroupNameMessage, error) {
	return s.editParams(ctx, ptr.Val(in.DBParameterGroupName), in.Parameters, true, ptr.Val(in.ResetAllParameters))
}

func (s *Service) editParams(ctx context.Context, name string, ps []Parameter, reset, all bool) (*DBParameterGroupNameMessage, error) {
	sc := s.scope(ctx)
	name = strings.ToLower(name)
	if !reset && len(ps) == 0 {
		return nil, invalidValue("The parameter Parameters must be provided and must not be empty.")
	}
	if len(ps) > 20 {
		return nil, invalidValue("A maximum of 20 parameters can be modified in a single request.")
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.paramGroups.Get(tx, sc, name)
		if !ok {
			if _, isDefault := defaultParamGroup(sc, name); isDefault {
				return awserr.New("InvalidDBParameterGroupStateFault", 0, "Default parameter groups cannot be modified or reset: %s", name)
			}
			return errParamGroupNotFound(name)
		}
		apply := map[string]string{}
		for _, p := range engineParams(ptr.Val(g.DBParameterGroupFamily)) {
			apply[p.name] = p.applyType
		}
		vals, methods := maps.Clone(g.Values), maps.Clone(g.Methods)
		if vals == nil || all {
			vals = map[string]string{}
		}
		if methods == nil || all {
			methods = map[string]string{}
		}
		for _, p := range ps {
			n := ptr.Val(p.ParameterName)
			if n == "" {
				return invalidValue("The parameter ParameterName must be provided.")
			}
			if reset {
				delete(vals, n)
				delete(methods, n)
				continue
			}
			if m := ptr.Val(p.ApplyMethod); m != "immediate" && m != "pending-reboot" {
				return invalidValue("The parameter ApplyMethod for %s must be immediate or pending-reboot.", n)
			} else if m == "immediate" && apply[n] == "static" {
				return invalidCombination("cannot use immediate apply method for static parameter")
			}
			if p.ParameterValue == nil {
				return invalidValue("The parameter value for parameter name %s must be provided.", n)
			}
			vals[n] = *p.ParameterValue
			methods[n] = ptr.Val(p.ApplyMethod)
		}
		g.Values, g.Methods = vals, methods
		s.paramGroups.Put(tx, sc, name, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DBParameterGroupNameMessage{DBParameterGroupName: ptr.To(name)}, nil
}

// DeleteDBParameterGroup deletes a custom DB parameter group no instance uses.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBParameterGroup.html
func (s *Service) DeleteDBParameterGroup(ctx context.Context, in *DeleteDBParameterGroupMessage) (*DeleteDBParameterGroupOutput, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(ptr.Val(in.DBParameterGroupName))
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.paramGroups.Get(tx, sc, name)
		if !ok {
			if _, isDefault := defaultParamGroup(sc, name); isDefault {
				return awserr.New("InvalidDBParameterGroupStateFault", 0, "Default parameter group cannot be deleted: %s", name)
			}
			return errParamGroupNotFound(name)
		}
		if user := s.inUse(tx, sc, "pg", name); user != "" {
			return awserr.New("InvalidDBParameterGroupStateFault", 0, "One or more database instances are still members of this parameter group %s, so the group cannot be deleted", name)
		}
		s.paramGroups.Delete(tx, sc, name)
		s.tags.Delete(tx, sc, ptr.Val(g.DBParameterGroupArn))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteDBParameterGroupOutput{}, nil
}

// defaultOptionGroup returns the default option group record of a name such
// as "default:mysql-8-0", if the name is one.
func defaultOptionGroup(sc state.Scope, name string) (OptionGroup, bool) {
	for _, e := range catalog {
		for _, v := range e.versions {
			if e.defaultOptionGroup(v) == name {
				return OptionGroup{
					OptionGroupName: ptr.To(name), OptionGroupDescription: ptr.To("Default option group for " + e.name + " " + e.major(v)),
					EngineName: ptr.To(e.name), MajorEngineVersion: ptr.To(e.major(v)), Options: []Option{},
					AllowsVpcAndNonVpcInstanceMemberships: ptr.To(true), OptionGroupArn: ptr.To(arnOf(sc, "og", name)),
				}, true
			}
		}
	}
	return OptionGroup{}, false
}

func (s *Service) getOptionGroup(tx *state.Tx, sc state.Scope, name string) (OptionGroup, error) {
	name = strings.ToLower(name)
	if g, ok := s.optionGroups.Get(tx, sc, name); ok {
		return g, nil
	}
	if g, ok := defaultOptionGroup(sc, name); ok {
		return g, nil
	}
	return OptionGroup{}, errOptionGroupNotFound(name)
}

// checkOptionGroup checks that an instance of engine e at version can use the group.
func (s *Service) checkOptionGroup(tx *state.Tx, sc state.Scope, name string, e engineSpec, version string) error {
	g, err := s.getOptionGroup(tx, sc, name)
	if err != nil {
		return err
	}
	if ptr.Val(g.EngineName) != e.name || ptr.Val(g.MajorEngineVersion) != e.major(version) {
		return invalidCombination("The option group %s is for %s %s and can't be used with %s %s.", name, ptr.Val(g.EngineName), ptr.Val(g.MajorEngineVersion), e.name, version)
	}
	return nil
}

// CreateOptionGroup creates an option group for an engine's major version.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateOptionGroup.html
func (s *Service) CreateOptionGroup(ctx context.Context, in *CreateOptionGroupMessage) (*CreateOptionGroupResult, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(ptr.Val(in.OptionGroupName))
	if len(name) > 255 || !groupName.MatchString(name) || strings.HasPrefix(name, "default") {
		return nil, invalidValue("The parameter OptionGroupName is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.")
	}
	e, ok := findEngine(ptr.Val(in.EngineName))
	if !ok {
		return nil, invalidValue("Invalid DB engine: %s", ptr.Val(in.EngineName))
	}
	major := ptr.Val(in.MajorEngineVersion)
	found := false
	for _, v := range e.versions {
		found = found || e.major(v) == major
	}
	if !found {
		return nil, invalidCombination("Cannot find major version %s for %s", major, e.name)
	}
	g := OptionGroup{
		OptionGroupName: ptr.To(name), OptionGroupDescription: in.OptionGroupDescription, EngineName: ptr.To(e.name),
		MajorEngineVersion: ptr.To(major), Options: []Option{}, AllowsVpcAndNonVpcInstanceMemberships: ptr.To(true),
		OptionGroupArn: ptr.To(arnOf(sc, "og", name)),
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.optionGroups.Get(tx, sc, name); ok {
			return awserr.New("OptionGroupAlreadyExistsFault", 0, "Option group %s already exists.", name)
		}
		m, err := tagMap(nil, in.Tags)
		if err != nil {
			return err
		}
		s.optionGroups.Put(tx, sc, name, g)
		s.setTags(tx, sc, *g.OptionGroupArn, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateOptionGroupResult{OptionGroup: &g}, nil
}

// DescribeOptionGroups lists option groups, or the one named.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeOptionGroups.html
func (s *Service) DescribeOptionGroups(ctx context.Context, in *DescribeOptionGroupsMessage) (*OptionGroups, error) {
	sc := s.scope(ctx)
	out := []OptionGroup{}
	err := s.db.View(func(tx *state.Tx) error {
		if in.OptionGroupName != nil {
			g, err := s.getOptionGroup(tx, sc, *in.OptionGroupName)
			if err != nil {
				return err
			}
			out = append(out, g)
			return nil
		}
		s.optionGroups.Ascend(tx, sc, "", func(_ string, g OptionGroup) bool {
			if (in.EngineName == nil || *in.EngineName == ptr.Val(g.EngineName)) &&
				(in.MajorEngineVersion == nil || *in.MajorEngineVersion == ptr.Val(g.MajorEngineVersion)) {
				out = append(out, g)
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &OptionGroups{OptionGroupsList: items, Marker: next}, nil
}

// ModifyOptionGroup adds and removes options (by name; option settings are kept as given).
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyOptionGroup.html
func (s *Service) ModifyOptionGroup(ctx context.Context, in *ModifyOptionGroupMessage) (*ModifyOptionGroupResult, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(ptr.Val(in.OptionGroupName))
	var g OptionGroup
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if g, ok = s.optionGroups.Get(tx, sc, name); !ok {
			if _, isDefault := defaultOptionGroup(sc, name); isDefault {
				return invalidValue("Default option groups cannot be modified: %s", name)
			}
			return errOptionGroupNotFound(name)
		}
		opts := slices.DeleteFunc(slices.Clone(g.Options), func(o Option) bool { return slices.Contains(in.OptionsToRemove, ptr.Val(o.OptionName)) })
		for _, c := range in.OptionsToInclude {
			opts = slices.DeleteFunc(opts, func(o Option) bool { return ptr.Val(o.OptionName) == ptr.Val(c.OptionName) })
			opts = append(opts, Option{
				OptionName: c.OptionName, OptionVersion: c.OptionVersion, Port: c.Port, OptionSettings: c.OptionSettings,
				Permanent: ptr.To(false), Persistent: ptr.To(false), OptionDescription: c.OptionName,
				VpcSecurityGroupMemberships: sgMemberships(c.VpcSecurityGroupMemberships), DBSecurityGroupMemberships: []DBSecurityGroupMembership{},
			})
		}
		g.Options = opts
		s.optionGroups.Put(tx, sc, name, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyOptionGroupResult{OptionGroup: &g}, nil
}

// DeleteOptionGroup deletes an option group no instance uses.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteOptionGroup.html
func (s *Service) DeleteOptionGroup(ctx context.Context, in *DeleteOptionGroupMessage) (*DeleteOptionGroupOutput, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(ptr.Val(in.OptionGroupName))
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.optionGroups.Get(tx, sc, name)
		if !ok {
			if _, isDefault := defaultOptionGroup(sc, name); isDefault {
				return invalidValue("Default option groups cannot be deleted: %s", name)
			}
			return errOptionGroupNotFound(name)
		}
		if user := s.inUse(tx, sc, "og", name); user != "" {
			return awserr.New("InvalidOptionGroupStateFault", 0, "The option group '%s' cannot be deleted because it is in use.", name)
		}
		s.optionGroups.Delete(tx, sc, name)
		s.tags.Delete(tx, sc, ptr.Val(g.OptionGroupArn))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteOptionGroupOutput{}, nil
}
