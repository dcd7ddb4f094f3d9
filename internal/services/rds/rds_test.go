package rds_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/internal/service"
	rdssvc "haneul/internal/services/rds"
	"haneul/internal/state"
	"haneul/test/testutil"
)

type env struct {
	rds *rds.Client
	ec2 *ec2.Client
	clk *clock.Fake
	vpc string
	sub []string // subnets in two zones
	one string   // a third subnet, in the first zone
	sg  string
}

func setup(t *testing.T) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, _ := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	e := &env{rds: rds.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), clk: clk}
	ctx := context.Background()
	v, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	e.vpc = *v.Vpc.VpcId
	for i, z := range []string{"ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2a"} {
		s, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &e.vpc, CidrBlock: aws.String([]string{"10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}[i]), AvailabilityZone: aws.String(z)})
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			e.sub = append(e.sub, *s.Subnet.SubnetId)
		} else {
			e.one = *s.Subnet.SubnetId
		}
	}
	g, err := e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("db"), Description: aws.String("db"), VpcId: &e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	e.sg = *g.GroupId
	if _, err := e.rds.CreateDBSubnetGroup(ctx, &rds.CreateDBSubnetGroupInput{
		DBSubnetGroupName: aws.String("Coupon-DB-Subnet-Group"), DBSubnetGroupDescription: aws.String("coupon"), SubnetIds: e.sub,
		Tags: []types.Tag{{Key: aws.String("app"), Value: aws.String("coupon")}},
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func mysqlInput(id string) *rds.CreateDBInstanceInput {
	return &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(id), Engine: aws.String("mysql"), EngineVersion: aws.String("8.0.35"),
		DBInstanceClass: aws.String("db.t4g.micro"), AllocatedStorage: aws.Int32(20),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("coupon1234!"), DBName: aws.String("coupon"),
		DBSubnetGroupName: aws.String("coupon-db-subnet-group"),
	}
}

func (e *env) status(t *testing.T, id string) types.DBInstance {
	t.Helper()
	out, err := e.rds.DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return out.DBInstances[0]
}

// Every exported operation method must be bound (a wrong signature would
// silently answer 501).
func TestMethodsAreBound(t *testing.T) {
	svc := rdssvc.New(service.Deps{Store: state.New(state.Options{})}, nil, nil, nil)
	h := svc.Handlers()
	typ := reflect.TypeOf(svc)
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if m.Type.NumIn() == 3 && m.Type.In(1).String() == "context.Context" && m.Type.NumOut() == 2 {
			if _, ok := h[m.Name]; !ok {
				t.Errorf("method %s is not bound to an operation", m.Name)
			}
		}
	}
}

func TestSubnetGroups(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	out, err := e.rds.DescribeDBSubnetGroups(ctx, &rds.DescribeDBSubnetGroupsInput{DBSubnetGroupName: aws.String("coupon-db-subnet-group")})
	if err != nil {
		t.Fatal(err)
	}
	g := out.DBSubnetGroups[0]
	if *g.DBSubnetGroupName != "coupon-db-subnet-group" || *g.VpcId != e.vpc || len(g.Subnets) != 2 || *g.SubnetGroupStatus != "Complete" {
		t.Fatalf("group = %+v", g)
	}
	if !strings.HasSuffix(*g.DBSubnetGroupArn, ":subgrp:coupon-db-subnet-group") {
		t.Errorf("arn = %s", *g.DBSubnetGroupArn)
	}
	tags, err := e.rds.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: g.DBSubnetGroupArn})
	if err != nil || len(tags.TagList) != 1 || *tags.TagList[0].Value != "coupon" {
		t.Fatalf("tags = %+v, %v", tags, err)
	}
	cases := []struct {
		name    string
		in      rds.CreateDBSubnetGroupInput
		wantErr string
	}{
		{"one zone", rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("a"), DBSubnetGroupDescription: aws.String("a"), SubnetIds: []string{e.sub[0], e.one}}, "DBSubnetGroupDoesNotCoverEnoughAZs"},
		{"missing subnet", rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("b"), DBSubnetGroupDescription: aws.String("b"), SubnetIds: []string{e.sub[0], "subnet-0123456789abcdef0"}}, "InvalidSubnet"},
		{"duplicate", rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("COUPON-db-subnet-group"), DBSubnetGroupDescription: aws.String("c"), SubnetIds: e.sub}, "DBSubnetGroupAlreadyExists"},
		{"reserved name", rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("default"), DBSubnetGroupDescription: aws.String("d"), SubnetIds: e.sub}, "InvalidParameterValue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.rds.CreateDBSubnetGroup(ctx, &c.in)
			if code(err) != c.wantErr {
				t.Fatalf("err = %v, want %s", err, c.wantErr)
			}
		})
	}
	if _, err := e.rds.ModifyDBSubnetGroup(ctx, &rds.ModifyDBSubnetGroupInput{DBSubnetGroupName: aws.String("coupon-db-subnet-group"), SubnetIds: append([]string{e.one}, e.sub...)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rds.CreateDBInstance(ctx, mysqlInput("coupon-db")); err != nil {
		t.Fatal(err)
	}
	_, err = e.rds.DeleteDBSubnetGroup(ctx, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: aws.String("coupon-db-subnet-group")})
	if code(err) != "InvalidDBSubnetGroupStateFault" {
		t.Fatalf("delete in use: %v", err)
	}
	if _, err := e.rds.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db"), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rds.DeleteDBSubnetGroup(ctx, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: aws.String("coupon-db-subnet-group")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.rds.DescribeDBSubnetGroups(ctx, &rds.DescribeDBSubnetGroupsInput{DBSubnetGroupName: aws.String("coupon-db-subnet-group")})
	if code(err) != "DBSubnetGroupNotFoundFault" {
		t.Fatalf("describe deleted: %v", err)
	}
}

func TestInstanceLifecycle(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	in := mysqlInput("Coupon-DB")
	in.VpcSecurityGroupIds = []string{e.sg}
	in.EnableCloudwatchLogsExports = []string{"slowquery", "audit", "error", "general"}
	in.Tags = []types.Tag{{Key: aws.String("Name"), Value: aws.String("coupon")}}
	out, err := e.rds.CreateDBInstance(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	d := out.DBInstance
	if *d.DBInstanceIdentifier != "coupon-db" || *d.DBInstanceStatus != "creating" || d.Endpoint != nil {
		t.Fatalf("created = %s %s %+v", *d.DBInstanceIdentifier, *d.DBInstanceStatus, d.Endpoint)
	}
	if !strings.HasPrefix(*d.DbiResourceId, "db-") || *d.DBSubnetGroup.VpcId != e.vpc || *d.VpcSecurityGroups[0].VpcSecurityGroupId != e.sg {
		t.Fatalf("created = %+v", d)
	}
	if got := d.EnabledCloudwatchLogsExports; !reflect.DeepEqual(got, []string{"audit", "error", "general", "slowquery"}) {
		t.Errorf("log exports = %v", got)
	}
	if *d.DBParameterGroups[0].DBParameterGroupName != "default.mysql8.0" || *d.OptionGroupMemberships[0].OptionGroupName != "default:mysql-8-0" {
		t.Errorf("groups = %s %s", *d.DBParameterGroups[0].DBParameterGroupName, *d.OptionGroupMemberships[0].OptionGroupName)
	}
	e.clk.Advance(5 * time.Second)
	d = ptrTo(e.status(t, "coupon-db"))
	if *d.DBInstanceStatus != "available" || *d.Endpoint.Port != 3306 ||
		!regexp.MustCompile(`^coupon-db\.c[a-z0-9]{11}\.ap-northeast-2\.rds\.localhost$`).MatchString(*d.Endpoint.Address) {
		t.Fatalf("available = %s %+v", *d.DBInstanceStatus, d.Endpoint)
	}
	if *d.PubliclyAccessible || *d.MultiAZ || *d.StorageType != "gp2" || *d.AllocatedStorage != 20 || len(d.TagList) != 1 {
		t.Errorf("settings = %+v", d)
	}
	// Terraform looks instances up by resource id.
	byRes, err := e.rds.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{Filters: []types.Filter{{Name: aws.String("dbi-resource-id"), Values: []string{*d.DbiResourceId}}}})
	if err != nil || len(byRes.DBInstances) != 1 {
		t.Fatalf("by resource id: %v %v", byRes, err)
	}

	// Modify: the class waits for the maintenance window unless applied immediately.
	mod, err := e.rds.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db"), DBInstanceClass: aws.String("db.t4g.small"), BackupRetentionPeriod: aws.Int32(7)})
	if err != nil {
		t.Fatal(err)
	}
	if *mod.DBInstance.DBInstanceClass != "db.t4g.micro" || *mod.DBInstance.PendingModifiedValues.DBInstanceClass != "db.t4g.small" || *mod.DBInstance.BackupRetentionPeriod != 7 {
		t.Fatalf("deferred modify = %+v", mod.DBInstance)
	}
	mod, err = e.rds.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db"), AllocatedStorage: aws.Int32(50), ApplyImmediately: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if *mod.DBInstance.DBInstanceClass != "db.t4g.small" || *mod.DBInstance.AllocatedStorage != 50 || *mod.DBInstance.DBInstanceStatus != "modifying" {
		t.Fatalf("immediate modify = %+v", mod.DBInstance)
	}
	_, err = e.rds.RebootDBInstance(ctx, &rds.RebootDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db")})
	if code(err) != "InvalidDBInstanceState" {
		t.Fatalf("reboot while modifying: %v", err)
	}
	e.clk.Advance(5 * time.Second)
	if _, err := e.rds.RebootDBInstance(ctx, &rds.RebootDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db")}); err != nil {
		t.Fatal(err)
	}
	if s := *e.status(t, "coupon-db").DBInstanceStatus; s != "rebooting" {
		t.Fatalf("status = %s", s)
	}
	e.clk.Advance(5 * time.Second)

	// Stop and start.
	if _, err := e.rds.StartDBInstance(ctx, &rds.StartDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db")}); code(err) != "InvalidDBInstanceState" {
		t.Fatalf("start available: %v", err)
	}
	if _, err := e.rds.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db")}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(5 * time.Second)
	if s := *e.status(t, "coupon-db").DBInstanceStatus; s != "stopped" {
		t.Fatalf("status = %s", s)
	}
	if _, err := e.rds.StartDBInstance(ctx, &rds.StartDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db")}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(5 * time.Second)

	// Delete: deletion protection, then the final snapshot rules.
	if _, err := e.rds.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db"), DeletionProtection: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.rds.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db"), SkipFinalSnapshot: aws.Bool(true)})
	if code(err) != "InvalidParameterCombination" {
		t.Fatalf("delete protected: %v", err)
	}
	if _, err := e.rds.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db"), DeletionProtection: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.rds.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db")})
	if code(err) != "InvalidParameterCombination" {
		t.Fatalf("delete without snapshot choice: %v", err)
	}
	del, err := e.rds.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("coupon-db"), FinalDBSnapshotIdentifier: aws.String("coupon-final")})
	if err != nil || *del.DBInstance.DBInstanceStatus != "deleting" {
		t.Fatalf("delete: %v", err)
	}
	_, err = e.rds.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("coupon-db")})
	if code(err) != "DBInstanceNotFound" {
		t.Fatalf("describe deleted: %v", err)
	}

	// Restore from the final snapshot keeps engine, storage and user.
	snaps, err := e.rds.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{DBInstanceIdentifier: aws.String("coupon-db")})
	if err != nil || len(snaps.DBSnapshots) != 1 || *snaps.DBSnapshots[0].Status != "available" || *snaps.DBSnapshots[0].AllocatedStorage != 50 {
		t.Fatalf("snapshots = %+v, %v", snaps, err)
	}
	res, err := e.rds.RestoreDBInstanceFromDBSnapshot(ctx, &rds.RestoreDBInstanceFromDBSnapshotInput{DBInstanceIdentifier: aws.String("coupon-restored"), DBSnapshotIdentifier: aws.String("coupon-final")})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.DBInstance; *r.Engine != "mysql" || *r.EngineVersion != "8.0.35" || *r.MasterUsername != "admin" || *r.DBName != "coupon" || *r.DBSubnetGroup.DBSubnetGroupName != "coupon-db-subnet-group" {
		t.Fatalf("restored = %+v", r)
	}
	if _, err := e.rds.DeleteDBSnapshot(ctx, &rds.DeleteDBSnapshotInput{DBSnapshotIdentifier: aws.String("coupon-final")}); err != nil {
		t.Fatal(err)
	}
	ev, err := e.rds.DescribeEvents(ctx, &rds.DescribeEventsInput{SourceType: types.SourceTypeDbInstance, SourceIdentifier: aws.String("coupon-db")})
	if err != nil || len(ev.Events) < 5 {
		t.Fatalf("events = %+v, %v", ev, err)
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestCreateInstanceErrors(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.rds.CreateDBInstance(ctx, mysqlInput("taken")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		edit    func(*rds.CreateDBInstanceInput)
		wantErr string
	}{
		{"bad engine", func(in *rds.CreateDBInstanceInput) { in.Engine = aws.String("oracle-xe") }, "InvalidParameterValue"},
		{"bad version", func(in *rds.CreateDBInstanceInput) { in.EngineVersion = aws.String("8.0.99") }, "InvalidParameterCombination"},
		{"bad class", func(in *rds.CreateDBInstanceInput) { in.DBInstanceClass = aws.String("db.t2.nano") }, "InvalidParameterCombination"},
		{"password too short", func(in *rds.CreateDBInstanceInput) { in.MasterUserPassword = aws.String("short") }, "InvalidParameterValue"},
		{"password with @", func(in *rds.CreateDBInstanceInput) { in.MasterUserPassword = aws.String("pass@word123") }, "InvalidParameterValue"},
		{"password too long for mysql", func(in *rds.CreateDBInstanceInput) { in.MasterUserPassword = aws.String(strings.Repeat("x", 42)) }, "InvalidParameterValue"},
		{"no password", func(in *rds.CreateDBInstanceInput) { in.MasterUserPassword = nil }, "InvalidParameterValue"},
		{"no user", func(in *rds.CreateDBInstanceInput) { in.MasterUsername = nil }, "InvalidParameterValue"},
		{"storage too small", func(in *rds.CreateDBInstanceInput) { in.AllocatedStorage = aws.Int32(10) }, "InvalidParameterValue"},
		{"no storage", func(in *rds.CreateDBInstanceInput) { in.AllocatedStorage = nil }, "InvalidParameterValue"},
		{"bad identifier", func(in *rds.CreateDBInstanceInput) { in.DBInstanceIdentifier = aws.String("1db--x") }, "InvalidParameterValue"},
		{"duplicate identifier", func(in *rds.CreateDBInstanceInput) { in.DBInstanceIdentifier = aws.String("TAKEN") }, "DBInstanceAlreadyExists"},
		{"missing subnet group", func(in *rds.CreateDBInstanceInput) { in.DBSubnetGroupName = aws.String("nope") }, "DBSubnetGroupNotFoundFault"},
		{"missing parameter group", func(in *rds.CreateDBInstanceInput) { in.DBParameterGroupName = aws.String("nope") }, "DBParameterGroupNotFound"},
		{"wrong family parameter group", func(in *rds.CreateDBInstanceInput) { in.DBParameterGroupName = aws.String("default.postgres16") }, "InvalidParameterCombination"},
		{"bad log type", func(in *rds.CreateDBInstanceInput) { in.EnableCloudwatchLogsExports = []string{"postgresql"} }, "InvalidParameterCombination"},
		{"zone outside group", func(in *rds.CreateDBInstanceInput) { in.AvailabilityZone = aws.String("ap-northeast-2b") }, "InvalidParameterCombination"},
		{"zone with multi-az", func(in *rds.CreateDBInstanceInput) {
			in.AvailabilityZone, in.MultiAZ = aws.String("ap-northeast-2a"), aws.Bool(true)
		}, "InvalidParameterCombination"},
		{"security group of another vpc", func(in *rds.CreateDBInstanceInput) {
			in.DBSubnetGroupName = nil
			in.VpcSecurityGroupIds = []string{e.sg}
		}, "InvalidParameterCombination"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := mysqlInput("db-" + strings.ReplaceAll(c.name, " ", "-"))
			if len(*in.DBInstanceIdentifier) > 60 {
				in.DBInstanceIdentifier = aws.String((*in.DBInstanceIdentifier)[:60])
			}
			c.edit(in)
			_, err := e.rds.CreateDBInstance(ctx, in)
			if code(err) != c.wantErr {
				t.Fatalf("err = %v, want %s", err, c.wantErr)
			}
		})
	}
	_, err := e.rds.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
	if code(err) != "DBInstanceNotFound" {
		t.Fatalf("describe missing: %v", err)
	}
}

func TestEnginesDefaultsAndPostgres(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	// MariaDB in the default VPC: public by default, default security group.
	out, err := e.rds.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("wordpress"), Engine: aws.String("mariadb"), DBInstanceClass: aws.String("db.t3.micro"),
		AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("wordpress123"),
		EngineVersion: aws.String("10.11"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.DBInstance; *d.EngineVersion != "10.11.10" || !*d.PubliclyAccessible || len(d.VpcSecurityGroups) != 1 || *d.DBSubnetGroup.DBSubnetGroupName != "default" {
		t.Fatalf("mariadb = %+v", d)
	}
	pg, err := e.rds.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("tasks"), Engine: aws.String("postgres"), EngineVersion: aws.String("16.6"), DBInstanceClass: aws.String("db.t4g.micro"),
		AllocatedStorage: aws.Int32(20), StorageType: aws.String("gp3"), MasterUsername: aws.String("postgres"), MasterUserPassword: aws.String(strings.Repeat("p", 60)),
		DBSubnetGroupName: aws.String("coupon-db-subnet-group"), MultiAZ: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := pg.DBInstance; *d.DBParameterGroups[0].DBParameterGroupName != "default.postgres16" || *d.Iops != 3000 || *d.SecondaryAvailabilityZone == *d.AvailabilityZone {
		t.Fatalf("postgres = %+v", d)
	}
	e.clk.Advance(5 * time.Second)
	if p := *e.status(t, "tasks").Endpoint.Port; p != 5432 {
		t.Fatalf("port = %d", p)
	}

	ev, err := e.rds.DescribeDBEngineVersions(ctx, &rds.DescribeDBEngineVersionsInput{Engine: aws.String("mysql"), EngineVersion: aws.String("8.0"), DefaultOnly: aws.Bool(true)})
	if err != nil || len(ev.DBEngineVersions) != 1 || *ev.DBEngineVersions[0].DBParameterGroupFamily != "mysql8.0" {
		t.Fatalf("engine versions = %+v, %v", ev, err)
	}
	ord, err := e.rds.DescribeOrderableDBInstanceOptions(ctx, &rds.DescribeOrderableDBInstanceOptionsInput{Engine: aws.String("mysql"), EngineVersion: aws.String("8.0.35"), DBInstanceClass: aws.String("db.t4g.micro")})
	if err != nil || len(ord.OrderableDBInstanceOptions) == 0 || len(ord.OrderableDBInstanceOptions[0].AvailabilityZones) == 0 {
		t.Fatalf("orderable = %+v, %v", ord, err)
	}

	// Parameter groups.
	if _, err := e.rds.CreateDBParameterGroup(ctx, &rds.CreateDBParameterGroupInput{DBParameterGroupName: aws.String("coupon-mysql"), DBParameterGroupFamily: aws.String("mysql8.0"), Description: aws.String("coupon")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.rds.ModifyDBParameterGroup(ctx, &rds.ModifyDBParameterGroupInput{DBParameterGroupName: aws.String("coupon-mysql"), Parameters: []types.Parameter{
		{ParameterName: aws.String("character_set_server"), ParameterValue: aws.String("utf8mb4"), ApplyMethod: types.ApplyMethodImmediate},
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.rds.ModifyDBParameterGroup(ctx, &rds.ModifyDBParameterGroupInput{DBParameterGroupName: aws.String("coupon-mysql"), Parameters: []types.Parameter{
		{ParameterName: aws.String("innodb_buffer_pool_size"), ParameterValue: aws.String("1000"), ApplyMethod: types.ApplyMethodImmediate},
	}})
	if code(err) != "InvalidParameterCombination" {
		t.Fatalf("static immediate: %v", err)
	}
	_, err = e.rds.ModifyDBParameterGroup(ctx, &rds.ModifyDBParameterGroupInput{DBParameterGroupName: aws.String("default.mysql8.0"), Parameters: []types.Parameter{
		{ParameterName: aws.String("time_zone"), ParameterValue: aws.String("Asia/Seoul"), ApplyMethod: types.ApplyMethodImmediate},
	}})
	if code(err) != "InvalidDBParameterGroupState" {
		t.Fatalf("modify default: %v", err)
	}
	ps, err := e.rds.DescribeDBParameters(ctx, &rds.DescribeDBParametersInput{DBParameterGroupName: aws.String("coupon-mysql"), Source: aws.String("user")})
	if err != nil || len(ps.Parameters) != 1 || *ps.Parameters[0].ParameterValue != "utf8mb4" || ps.Parameters[0].ApplyMethod != types.ApplyMethodImmediate {
		t.Fatalf("user parameters = %+v, %v", ps, err)
	}
}

func TestAuroraCluster(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	c, err := e.rds.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String("tasks"), Engine: aws.String("aurora-mysql"), MasterUsername: aws.String("admin"),
		MasterUserPassword: aws.String("taskmanager1"), DBSubnetGroupName: aws.String("coupon-db-subnet-group"), DatabaseName: aws.String("tasks"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(*c.DBCluster.Endpoint, "tasks.cluster-c") || !strings.HasPrefix(*c.DBCluster.ReaderEndpoint, "tasks.cluster-ro-c") || *c.DBCluster.Port != 3306 {
		t.Fatalf("cluster = %+v", c.DBCluster)
	}
	for _, id := range []string{"tasks-1", "tasks-2"} {
		if _, err := e.rds.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(id), Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.t4g.medium"), DBClusterIdentifier: aws.String("tasks"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.rds.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("tasks-3"), Engine: aws.String("aurora-mysql"), DBInstanceClass: aws.String("db.t3.micro"), DBClusterIdentifier: aws.String("tasks")})
	if code(err) != "InvalidParameterCombination" {
		t.Fatalf("micro aurora: %v", err)
	}
	e.clk.Advance(5 * time.Second)
	out, err := e.rds.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("tasks")})
	if err != nil {
		t.Fatal(err)
	}
	m := out.DBClusters[0].DBClusterMembers
	if *out.DBClusters[0].Status != "available" || len(m) != 2 || !*m[0].IsClusterWriter || *m[1].IsClusterWriter {
		t.Fatalf("members = %+v", m)
	}
	if _, err := e.rds.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String("tasks"), SkipFinalSnapshot: aws.Bool(true)}); code(err) != "InvalidDBClusterStateFault" {
		t.Fatalf("delete with members: %v", err)
	}
	// Deleting the writer promotes the reader; cluster members need no final snapshot.
	if _, err := e.rds.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("tasks-1")}); err != nil {
		t.Fatal(err)
	}
	out, _ = e.rds.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("tasks")})
	if m := out.DBClusters[0].DBClusterMembers; len(m) != 1 || !*m[0].IsClusterWriter {
		t.Fatalf("after writer deleted = %+v", m)
	}
	if _, err := e.rds.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("tasks-2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rds.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String("tasks"), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rds.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("tasks")}); code(err) != "DBClusterNotFoundFault" {
		t.Fatalf("describe deleted: %v", err)
	}
}
