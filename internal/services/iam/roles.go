package iam

import (
	"context"
	"strings"
	"time"
	"unicode"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// roleRec is a stored IAM role.
type roleRec struct {
	Name, Path, ID string
	Created        time.Time
	TrustPolicy    string
	Description    string `json:",omitempty"`
	MaxSession     int64
	Boundary       string    `json:",omitempty"`
	Tags           []tag     `json:",omitempty"`
	LastUsed       time.Time `json:",omitzero"`
	LastUsedRegion string    `json:",omitempty"`
}

// taskRec is a service-linked role deletion task.
type taskRec struct {
	Status string
}

// AWS: MaxSessionDuration is 1–12 hours, 1 hour by default.
const (
	minSession     = 3600
	maxSession     = 43200
	defaultSession = 3600
	// AWS: a role, user or group has at most 10 managed policies attached.
	maxAttached = 10
)

// slrPathPrefix is where service-linked roles live.
const slrPathPrefix = "/aws-service-role/"

func noRole(name string) error {
	return noSuchEntity("The role with name %s cannot be found.", name)
}

func (r roleRec) serviceLinked() bool { return strings.HasPrefix(r.Path, slrPathPrefix) }

// protected is AWS's refusal to let customers change a service-linked role.
func protected(name string) error {
	return awserr.New("UnmodifiableEntity", 400, "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", name)
}

func (s *Service) apiRole(account string, r roleRec) *Role {
	out := &Role{
		Arn:                      ptr.To(roleARN(account, r.Path, r.Name)),
		AssumeRolePolicyDocument: ptr.To(encodeDocument(r.TrustPolicy)),
		CreateDate:               ptr.To(r.Created),
		MaxSessionDuration:       ptr.To(r.MaxSession),
		Path:                     ptr.To(r.Path),
		RoleId:                   ptr.To(r.ID),
		RoleName:                 ptr.To(r.Name),
		Tags:                     apiTags(r.Tags),
		RoleLastUsed:             &RoleLastUsed{},
	}
	if r.Description != "" {
		out.Description = ptr.To(r.Description)
	}
	if r.Boundary != "" {
		out.PermissionsBoundary = boundary(r.Boundary)
	}
	if !r.LastUsed.IsZero() {
		out.RoleLastUsed = &RoleLastUsed{LastUsedDate: ptr.To(r.LastUsed), Region: ptr.To(r.LastUsedRegion)}
	}
	return out
}

func (s *Service) getRole(ctx context.Context, name string) (roleRec, error) {
	var r roleRec
	err := s.view(func(tx *state.Tx) error {
		var err error
		r, err = s.mustRole(tx, scope(ctx), name)
		return err
	})
	return r, err
}

func (s *Service) mustRole(tx *state.Tx, sc state.Scope, name string) (roleRec, error) {
	r, ok := s.roles.Get(tx, sc, name)
	if !ok {
		return r, noRole(name)
	}
	return r, nil
}

func checkSession(d *int64) (int64, error) {
	if d == nil {
		return defaultSession, nil
	}
	if *d < minSession || *d > maxSession {
		return 0, awserr.New("ValidationError", 400, "The requested MaxSessionDuration %d exceeds the valid range: Member must have value between %d and %d.", *d, minSession, maxSession)
	}
	return *d, nil
}

func checkDescription(d string) error {
	if len(d) > 1000 {
		return awserr.New("ValidationError", 400, "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	}
	return nil
}

// CreateRole creates a role with a trust policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
func (s *Service) CreateRole(ctx context.Context, in *CreateRoleRequest) (*CreateRoleResponse, error) {
	name := ptr.Val(in.RoleName)
	if err := checkName("roleName", name, 64); err != nil {
		return nil, err
	}
	path, err := pathOf("path", in.Path)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(path, slrPathPrefix) {
		return nil, invalidInput("Paths beginning with /aws-service-role/ are reserved for service-linked roles.")
	}
	doc := ptr.Val(in.AssumeRolePolicyDocument)
	if err := checkDocument(doc, trustPolicy, trustPolicySize, "ACLSizePerRole"); err != nil {
		return nil, err
	}
	session, err := checkSession(in.MaxSessionDuration)
	if err != nil {
		return nil, err
	}
	if err := checkDescription(ptr.Val(in.Description)); err != nil {
		return nil, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	r := roleRec{
		Name: name, Path: path, ID: ids.Unique("AROA", 17), Created: s.now(),
		TrustPolicy: doc, Description: ptr.Val(in.Description), MaxSession: session, Tags: tags,
	}
	sc := scope(ctx)
	err = s.update(ctx, func(tx *state.Tx) error {
		if _, ok := s.roles.Get(tx, sc, name); ok {
			return alreadyExists("Role with name %s already exists.", name)
		}
		if b := ptr.Val(in.PermissionsBoundary); b != "" {
			if err := s.checkBoundary(tx, sc, b); err != nil {
				return err
			}
			r.Boundary = b
		}
		s.roles.Put(tx, sc, name, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateRoleResponse{Role: s.apiRole(sc.Account, r)}, nil
}

// GetRole returns a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
func (s *Service) GetRole(ctx context.Context, in *GetRoleRequest) (*GetRoleResponse, error) {
	r, err := s.getRole(ctx, ptr.Val(in.RoleName))
	if err != nil {
		return nil, err
	}
	return &GetRoleResponse{Role: s.apiRole(account(ctx), r)}, nil
}

// changeRole applies change to a role in one transaction.
func (s *Service) changeRole(ctx context.Context, name string, change func(tx *state.Tx, r roleRec) (roleRec, error)) (roleRec, error) {
	sc := scope(ctx)
	var out roleRec
	err := s.update(ctx, func(tx *state.Tx) error {
		r, err := s.mustRole(tx, sc, name)
		if err != nil {
			return err
		}
		if out, err = change(tx, r); err != nil {
			return err
		}
		s.roles.Put(tx, sc, name, out)
		return nil
	})
	return out, err
}

// UpdateRole changes a role's description or maximum session duration.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html
func (s *Service) UpdateRole(ctx context.Context, in *UpdateRoleRequest) (*UpdateRoleResponse, error) {
	_, err := s.changeRole(ctx, ptr.Val(in.RoleName), func(_ *state.Tx, r roleRec) (roleRec, error) {
		if in.MaxSessionDuration != nil {
			d, err := checkSession(in.MaxSessionDuration)
			if err != nil {
				return r, err
			}
			r.MaxSession = d
		}
		if in.Description != nil {
			if err := checkDescription(*in.Description); err != nil {
				return r, err
			}
			r.Description = *in.Description
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateRoleResponse{}, nil
}

// UpdateRoleDescription changes a role's description.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRoleDescription.html
func (s *Service) UpdateRoleDescription(ctx context.Context, in *UpdateRoleDescriptionRequest) (*UpdateRoleDescriptionResponse, error) {
	r, err := s.changeRole(ctx, ptr.Val(in.RoleName), func(_ *state.Tx, r roleRec) (roleRec, error) {
		if err := checkDescription(ptr.Val(in.Description)); err != nil {
			return r, err
		}
		r.Description = ptr.Val(in.Description)
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateRoleDescriptionResponse{Role: s.apiRole(account(ctx), r)}, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, in *UpdateAssumeRolePolicyRequest) (*UpdateAssumeRolePolicyOutput, error) {
	doc := ptr.Val(in.PolicyDocument)
	_, err := s.changeRole(ctx, ptr.Val(in.RoleName), func(_ *state.Tx, r roleRec) (roleRec, error) {
		if r.serviceLinked() {
			return r, protected(r.Name)
		}
		if err := checkDocument(doc, trustPolicy, trustPolicySize, "ACLSizePerRole"); err != nil {
			return r, err
		}
		r.TrustPolicy = doc
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateAssumeRolePolicyOutput{}, nil
}

// PutRolePermissionsBoundary sets a role's permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, in *PutRolePermissionsBoundaryRequest) (*PutRolePermissionsBoundaryOutput, error) {
	b := ptr.Val(in.PermissionsBoundary)
	_, err := s.changeRole(ctx, ptr.Val(in.RoleName), func(tx *state.Tx, r roleRec) (roleRec, error) {
		if r.serviceLinked() {
			return r, protected(r.Name)
		}
		if err := s.checkBoundary(tx, scope(ctx), b); err != nil {
			return r, err
		}
		r.Boundary = b
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return &PutRolePermissionsBoundaryOutput{}, nil
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePermissionsBoundary.html
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, in *DeleteRolePermissionsBoundaryRequest) (*DeleteRolePermissionsBoundaryOutput, error) {
	_, err := s.changeRole(ctx, ptr.Val(in.RoleName), func(_ *state.Tx, r roleRec) (roleRec, error) {
		r.Boundary = ""
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteRolePermissionsBoundaryOutput{}, nil
}

// DeleteRole deletes a role with no policies and no instance profiles.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html
func (s *Service) DeleteRole(ctx context.Context, in *DeleteRoleRequest) (*DeleteRoleOutput, error) {
	name := ptr.Val(in.RoleName)
	sc := scope(ctx)
	return &DeleteRoleOutput{}, s.update(ctx, func(tx *state.Tx) error {
		r, err := s.mustRole(tx, sc, name)
		if err != nil {
			return err
		}
		if r.serviceLinked() {
			return protected(name)
		}
		// AWS: checks instance profiles, then managed, then inline policies.
		switch {
		case has(tx, s.roleProf, sc, key(name, "")):
			return deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		case has(tx, s.attached, sc, key(kindRole, name, "")):
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		case has(tx, s.inline, sc, key(kindRole, name, "")):
			return deleteConflict("Cannot delete entity, must delete policies first.")
		}
		s.roles.Delete(tx, sc, name)
		return nil
	})
}

// ListRoles lists the account's roles, by name.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html
func (s *Service) ListRoles(ctx context.Context, in *ListRolesRequest) (*ListRolesResponse, error) {
	prefix, err := prefixOf(in.PathPrefix)
	if err != nil {
		return nil, err
	}
	p, err := newPage(in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListRolesResponse{Roles: []Role{}}
	err = s.view(func(tx *state.Tx) error {
		r := walk(tx, s.roles, sc, "", p, func(_ string, r roleRec) bool { return strings.HasPrefix(r.Path, prefix) },
			func(_ string, r roleRec) {
				ar := s.apiRole(sc.Account, r)
				// AWS: ListRoles leaves out tags, RoleLastUsed and the boundary.
				ar.Tags, ar.RoleLastUsed, ar.PermissionsBoundary = nil, nil, nil
				out.Roles = append(out.Roles, *ar)
			})
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	return out, err
}

// slrSuffix is the role-name suffix of the services whose service-linked
// role name is not derived from the service principal.
func slrSuffix(service string) (string, bool) {
	switch service {
	case "autoscaling.amazonaws.com":
		return "AutoScaling", true
	case "elasticloadbalancing.amazonaws.com":
		return "ElasticLoadBalancing", true
	case "ecs.amazonaws.com":
		return "ECS", true
	case "rds.amazonaws.com":
		return "RDS", true
	case "spot.amazonaws.com":
		return "EC2Spot", true
	case "spotfleet.amazonaws.com":
		return "EC2SpotFleet", true
	case "eks.amazonaws.com":
		return "AmazonEKS", true
	case "eks-nodegroup.amazonaws.com":
		return "AmazonEKSNodegroup", true
	case "eks-fargate.amazonaws.com":
		return "AmazonEKSForFargate", true
	case "es.amazonaws.com":
		return "AmazonElasticsearchService", true
	case "opensearchservice.amazonaws.com":
		return "AmazonOpenSearchService", true
	case "elasticbeanstalk.amazonaws.com":
		return "ElasticBeanstalk", true
	case "organizations.amazonaws.com":
		return "Organizations", true
	case "ssm.amazonaws.com":
		return "AmazonSSM", true
	case "config.amazonaws.com":
		return "Config", true
	case "cloudtrail.amazonaws.com":
		return "CloudTrail", true
	case "guardduty.amazonaws.com":
		return "AmazonGuardDuty", true
	case "transitgateway.amazonaws.com":
		return "VPCTransitGateway", true
	case "replicator.lambda.amazonaws.com":
		return "LambdaReplicator", true
	case "elasticache.amazonaws.com":
		return "ElastiCache", true
	case "dynamodb.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_DynamoDBTable", true
	case "ecs.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_ECSService", true
	case "ec2.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_EC2SpotFleetRequest", true
	case "rds.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_RDSCluster", true
	case "lambda.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_LambdaConcurrency", true
	case "sagemaker.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_SageMakerEndpoint", true
	case "cassandra.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_CassandraTable", true
	case "elasticmapreduce.application-autoscaling.amazonaws.com":
		return "ApplicationAutoScaling_EMRInstanceGroup", true
	}
	return "", false
}

// slrName is the role name AWS gives a service's service-linked role.
func slrName(service string) string {
	if n, ok := slrSuffix(service); ok {
		return "AWSServiceRoleFor" + n
	}
	var b strings.Builder
	for _, part := range strings.FieldsFunc(strings.TrimSuffix(service, ".amazonaws.com"), func(r rune) bool { return r == '.' || r == '-' }) {
		rs := []rune(part)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return "AWSServiceRoleFor" + b.String()
}

// CreateServiceLinkedRole creates the role a service uses on the account's behalf.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
func (s *Service) CreateServiceLinkedRole(ctx context.Context, in *CreateServiceLinkedRoleRequest) (*CreateServiceLinkedRoleResponse, error) {
	service := ptr.Val(in.AWSServiceName)
	if !strings.HasSuffix(service, ".amazonaws.com") || strings.ContainsAny(service, "/ ") {
		return nil, invalidInput("Invalid service name: %s", service)
	}
	name := slrName(service)
	if sfx := ptr.Val(in.CustomSuffix); sfx != "" {
		// AWS: the suffix is appended after an underscore.
		name += "_" + sfx
	}
	if err := checkName("roleName", name, 64); err != nil {
		return nil, err
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["` + service + `"]},"Action":["sts:AssumeRole"]}]}`
	r := roleRec{
		Name: name, Path: slrPathPrefix + service + "/", ID: ids.Unique("AROA", 17), Created: s.now(),
		TrustPolicy: trust, Description: ptr.Val(in.Description), MaxSession: defaultSession,
	}
	sc := scope(ctx)
	err := s.update(ctx, func(tx *state.Tx) error {
		if _, ok := s.roles.Get(tx, sc, name); ok {
			// AWS: the service's role exists already.
			return invalidInput("Service role name %s has been taken in this account, please try a different suffix.", name)
		}
		s.roles.Put(tx, sc, name, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateServiceLinkedRoleResponse{Role: s.apiRole(sc.Account, r)}, nil
}

// DeleteServiceLinkedRole deletes a service-linked role. haneul's services
// never hold on to one, so the deletion task succeeds at once.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteServiceLinkedRole.html
func (s *Service) DeleteServiceLinkedRole(ctx context.Context, in *DeleteServiceLinkedRoleRequest) (*DeleteServiceLinkedRoleResponse, error) {
	name := ptr.Val(in.RoleName)
	sc := scope(ctx)
	var task string
	err := s.update(ctx, func(tx *state.Tx) error {
		r, err := s.mustRole(tx, sc, name)
		if err != nil {
			return err
		}
		if !r.serviceLinked() {
			return awserr.New("ValidationError", 400, "Role %s is not a service-linked role.", name)
		}
		task = "task" + r.Path + name + "/" + ids.UUID()
		// The service cleans up its role: policies and instance profiles go with it.
		for _, k := range keys(tx, s.attached, sc, key(kindRole, name, "")) {
			s.detach(tx, sc, kindRole, name, suffix(k))
		}
		for _, k := range keys(tx, s.inline, sc, key(kindRole, name, "")) {
			s.inline.Delete(tx, sc, k)
		}
		for _, p := range collect(tx, s.roleProf, sc, key(name, "")) {
			s.removeRoleFromProfile(tx, sc, p, name)
		}
		s.roles.Delete(tx, sc, name)
		s.tasks.Put(tx, sc, task, taskRec{Status: "SUCCEEDED"})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteServiceLinkedRoleResponse{DeletionTaskId: ptr.To(task)}, nil
}

// keys returns the keys of t under prefix.
func keys[T any](tx *state.Tx, t *state.Table[T], sc state.Scope, prefix string) []string {
	var out []string
	t.AscendPrefix(tx, sc, prefix, func(k string, _ T) bool {
		out = append(out, k)
		return true
	})
	return out
}

// GetServiceLinkedRoleDeletionStatus reports on a deletion task.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLinkedRoleDeletionStatus.html
func (s *Service) GetServiceLinkedRoleDeletionStatus(ctx context.Context, in *GetServiceLinkedRoleDeletionStatusRequest) (*GetServiceLinkedRoleDeletionStatusResponse, error) {
	id := ptr.Val(in.DeletionTaskId)
	var t taskRec
	err := s.view(func(tx *state.Tx) error {
		var ok bool
		if t, ok = s.tasks.Get(tx, scope(ctx), id); !ok {
			return noSuchEntity("Deletion task %s cannot be found.", id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetServiceLinkedRoleDeletionStatusResponse{Status: ptr.To(t.Status)}, nil
}
