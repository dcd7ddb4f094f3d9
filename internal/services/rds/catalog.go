package rds

import (
	"slices"
	"strings"
)

// engineSpec is one database engine RDS offers.
type engineSpec struct {
	name        string
	description string
	port        int64
	versions    []string // oldest first; the default is defaultVersion
	defaultVer  string
	logTypes    []string // what EnableCloudwatchLogsExports accepts
	aurora      bool
	userMax     int // longest master user name
	passwordMax int // longest master password
	dbNameMax   int // longest initial database name
	license     string
}

// catalog is the engines, versions and classes haneul knows: a small subset
// of AWS's, chosen to cover what the seed systems and Terraform examples use.
var catalog = []engineSpec{
	{
		name: "aurora-mysql", description: "Aurora MySQL", port: 3306, aurora: true,
		versions:   []string{"8.0.mysql_aurora.3.05.2", "8.0.mysql_aurora.3.07.1", "8.0.mysql_aurora.3.08.0"},
		defaultVer: "8.0.mysql_aurora.3.08.0",
		logTypes:   []string{"audit", "error", "general", "instance", "slowquery"},
		userMax:    16, passwordMax: 41, dbNameMax: 64, license: "general-public-license",
	},
	{
		name: "aurora-postgresql", description: "Aurora (PostgreSQL)", port: 5432, aurora: true,
		versions:   []string{"15.10", "16.6", "16.8"},
		defaultVer: "16.6",
		logTypes:   []string{"instance", "postgresql"},
		userMax:    63, passwordMax: 99, dbNameMax: 63, license: "postgresql-license",
	},
	{
		name: "mariadb", description: "MariaDB Community Edition", port: 3306,
		versions:   []string{"10.6.19", "10.6.20", "10.11.9", "10.11.10", "11.4.4", "11.4.5"},
		defaultVer: "11.4.5",
		logTypes:   []string{"audit", "error", "general", "slowquery"},
		userMax:    16, passwordMax: 41, dbNameMax: 64, license: "general-public-license",
	},
	{
		name: "mysql", description: "MySQL Community Edition", port: 3306,
		versions:   []string{"5.7.44", "8.0.35", "8.0.36", "8.0.39", "8.0.40", "8.0.41", "8.4.3", "8.4.4"},
		defaultVer: "8.0.41",
		logTypes:   []string{"audit", "error", "general", "iam-db-auth-error", "slowquery"},
		userMax:    16, passwordMax: 41, dbNameMax: 64, license: "general-public-license",
	},
	{
		name: "postgres", description: "PostgreSQL", port: 5432,
		versions:   []string{"13.18", "14.15", "15.10", "16.6", "16.8", "17.2", "17.4"},
		defaultVer: "17.4",
		logTypes:   []string{"iam-db-auth-error", "postgresql", "upgrade"},
		userMax:    63, passwordMax: 128, dbNameMax: 63, license: "postgresql-license",
	},
}

// instanceClasses are the classes haneul offers; auroraClasses those Aurora accepts.
var (
	instanceClasses = []string{
		"db.m5.large", "db.m5.xlarge", "db.m6g.large", "db.m6g.xlarge", "db.m6i.large", "db.m6i.xlarge",
		"db.m7g.large", "db.m7g.xlarge", "db.r5.large", "db.r5.xlarge", "db.r6g.large", "db.r6g.xlarge",
		"db.r6i.large", "db.r7g.large", "db.t3.large", "db.t3.medium", "db.t3.micro", "db.t3.small",
		"db.t4g.large", "db.t4g.medium", "db.t4g.micro", "db.t4g.small",
	}
	auroraClasses = []string{
		"db.r5.large", "db.r5.xlarge", "db.r6g.large", "db.r6g.xlarge", "db.r6i.large", "db.r7g.large",
		"db.serverless", "db.t3.medium", "db.t4g.medium",
	}
)

// storageLimits are AWS's allocated storage bounds in GiB per storage type
// (MySQL, MariaDB and PostgreSQL).
var storageLimits = map[string][2]int64{
	"standard": {5, 3072},
	"gp2":      {20, 65536},
	"gp3":      {20, 65536},
	"io1":      {100, 65536},
	"io2":      {100, 65536},
}

func findEngine(name string) (engineSpec, bool) {
	for _, e := range catalog {
		if e.name == name {
			return e, true
		}
	}
	return engineSpec{}, false
}

// resolveVersion finds the full version a requested one names: "" is the
// default, "8.0" the newest 8.0.x.
//
// AWS: a major version alone selects that major version's default minor version.
func (e engineSpec) resolveVersion(v string) (string, bool) {
	if v == "" {
		return e.defaultVer, true
	}
	if slices.Contains(e.versions, v) {
		return v, true
	}
	best := ""
	for _, x := range e.versions {
		if strings.HasPrefix(x, v+".") {
			best = x
		}
	}
	return best, best != ""
}

// major is a version's major version as RDS names it: "8.0" for MySQL 8.0.35,
// "10.11" for MariaDB, "16" for PostgreSQL 16.6, "8.0" for Aurora MySQL 3.
func (e engineSpec) major(v string) string {
	parts := strings.Split(v, ".")
	switch e.name {
	case "postgres", "aurora-postgresql":
		return parts[0]
	default:
		if len(parts) < 2 {
			return v
		}
		return parts[0] + "." + parts[1]
	}
}

// family is the parameter group family of a version: "mysql8.0", "postgres16".
func (e engineSpec) family(v string) string { return e.name + e.major(v) }

// defaultParamGroup is the name of a version's default parameter group.
func (e engineSpec) defaultParamGroup(v string) string { return "default." + e.family(v) }

// defaultOptionGroup is the name of a version's default option group.
//
// AWS: "default:" + engine + "-" + major version with dots as dashes.
func (e engineSpec) defaultOptionGroup(v string) string {
	return "default:" + e.name + "-" + strings.ReplaceAll(e.major(v), ".", "-")
}

func (e engineSpec) classes() []string {
	if e.aurora {
		return auroraClasses
	}
	return instanceClasses
}

// familyEngine finds the engine and a version of a parameter group family.
func familyEngine(family string) (engineSpec, string, bool) {
	for _, e := range catalog {
		for _, v := range e.versions {
			if e.family(v) == family {
				return e, v, true
			}
		}
	}
	return engineSpec{}, "", false
}

// families lists every parameter group family of the catalog.
func families() []string {
	var out []string
	for _, e := range catalog {
		for _, v := range e.versions {
			if f := e.family(v); !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// paramSpec is one engine parameter with its default.
type paramSpec struct {
	name, value, dataType, applyType, allowed, description string
}

// engineParams are the parameters DescribeDBParameters lists for a family's
// default group: a small set of the ones applications tune most.
func engineParams(family string) []paramSpec {
	if strings.Contains(family, "postgres") {
		return []paramSpec{
			{"log_min_duration_statement", "", "integer", "dynamic", "-1-2147483647", "Sets the minimum execution time above which statements will be logged."},
			{"log_statement", "", "string", "dynamic", "none,ddl,mod,all", "Sets the type of statements logged."},
			{"max_connections", "", "integer", "static", "6-8388607", "Sets the maximum number of concurrent connections."},
			{"rds.force_ssl", "1", "boolean", "dynamic", "0,1", "Force SSL connections."},
			{"shared_buffers", "", "integer", "static", "16-1073741823", "Sets the number of shared memory buffers used by the server."},
			{"timezone", "UTC", "string", "dynamic", "", "Sets the time zone for displaying and interpreting time stamps."},
		}
	}
	return []paramSpec{
		{"character_set_server", "", "string", "dynamic", "big5,dec8,cp850,hp8,koi8r,latin1,latin2,swe7,ascii,ujis,sjis,hebrew,tis620,euckr,koi8u,gb2312,greek,cp1250,gbk,latin5,armscii8,utf8,ucs2,cp866,keybcs2,macce,macroman,cp852,latin7,utf8mb4,cp1251,utf16,cp1256,cp1257,utf32,binary,geostd8,cp932,eucjpms", "The server's default character set."},
		{"collation_server", "", "string", "dynamic", "", "The server's default collation."},
		{"general_log", "", "boolean", "dynamic", "0,1", "Whether the general query log is enabled"},
		{"innodb_buffer_pool_size", "{DBInstanceClassMemory*3/4}", "integer", "static", "0-18446744073709551615", "The size in bytes of the buffer pool."},
		{"long_query_time", "", "float", "dynamic", "0-31536000", "Defines what MySQL considers long queries"},
		{"max_allowed_packet", "", "integer", "dynamic", "1024-1073741824", "The maximum size of one packet or any generated intermediate string."},
		{"max_connections", "{DBInstanceClassMemory/12582880}", "integer", "dynamic", "1-100000", "The number of simultaneous client connections allowed."},
		{"require_secure_transport", "", "boolean", "dynamic", "0,1", "Whether client connections must use an encrypted connection."},
		{"slow_query_log", "", "boolean", "dynamic", "0,1", "Enable or disable the slow query log"},
		{"time_zone", "", "string", "dynamic", "", "Sets the database system time zone."},
	}
}
