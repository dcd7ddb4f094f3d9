package elasticache

import (
	"slices"
	"strings"
)

// engineVersion is one version of an engine ElastiCache offers.
type engineVersion struct {
	Engine  string
	Version string // as DescribeCacheEngineVersions lists it and clients ask for it ("7.1")
	Full    string // as a cluster reports it ("7.1.0")
	Family  string // its cache parameter group family
	Desc    string
}

// engineVersions is the catalog haneul offers, newest last per engine; the
// last of an engine is its default. AWS: "Supported engines and versions" in
// the ElastiCache user guide.
var engineVersions = []engineVersion{
	{"memcached", "1.6.17", "1.6.17", "memcached1.6", "memcached version 1.6.17"},
	{"memcached", "1.6.22", "1.6.22", "memcached1.6", "memcached version 1.6.22"},
	{"redis", "5.0.6", "5.0.6", "redis5.0", "redis version 5.0.6"},
	{"redis", "6.0", "6.0.5", "redis6.x", "redis version 6.0.5"},
	{"redis", "6.2", "6.2.6", "redis6.x", "redis version 6.2.6"},
	{"redis", "7.0", "7.0.7", "redis7", "redis version 7.0.7"},
	{"redis", "7.1", "7.1.0", "redis7", "redis version 7.1.0"},
	{"valkey", "7.2", "7.2.6", "valkey7", "valkey version 7.2.6"},
	{"valkey", "8.0", "8.0.1", "valkey8", "valkey version 8.0.1"},
}

// engineNames is how DescribeCacheEngineVersions describes each engine.
var engineNames = map[string]string{
	"memcached": "memcached",
	"redis":     "Redis",
	"valkey":    "Valkey",
}

// findVersion resolves the version a client asked for ("" for the default,
// "6.x" for the newest 6, "7.0", "7.0.7") to the catalog's entry.
func findVersion(engine, want string) (engineVersion, bool) {
	var found engineVersion
	ok := false
	for _, v := range engineVersions {
		if v.Engine != engine {
			continue
		}
		switch {
		case want == "",
			strings.HasSuffix(want, ".x") && strings.HasPrefix(v.Full, strings.TrimSuffix(want, "x")),
			want == v.Version, want == v.Full:
			found, ok = v, true // later entries are newer: keep the last match
		}
	}
	return found, ok
}

// familyVersion is the newest version of a parameter group family.
func familyVersion(family string) (engineVersion, bool) {
	var found engineVersion
	ok := false
	for _, v := range engineVersions {
		if v.Family == family {
			found, ok = v, true
		}
	}
	return found, ok
}

// nodeTypes are the cache node types haneul accepts. AWS: "Supported node
// types" in the ElastiCache user guide.
var nodeTypes = []string{
	"cache.t2.micro", "cache.t2.small", "cache.t2.medium",
	"cache.t3.micro", "cache.t3.small", "cache.t3.medium",
	"cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium",
	"cache.m5.large", "cache.m5.xlarge", "cache.m5.2xlarge",
	"cache.m6g.large", "cache.m6g.xlarge", "cache.m7g.large", "cache.m7g.xlarge",
	"cache.r5.large", "cache.r5.xlarge", "cache.r6g.large", "cache.r6g.xlarge",
	"cache.r7g.large", "cache.r7g.xlarge",
}

func validNodeType(t string) bool { return slices.Contains(nodeTypes, t) }

// defaultPort is the port an engine listens on unless told otherwise.
func defaultPort(engine string) int64 {
	if engine == "memcached" {
		return 11211
	}
	return 6379
}

// regionShort is the region's abbreviation in ElastiCache endpoints
// ("use1" in mycluster.abc123.0001.use1.cache.amazonaws.com).
var regionShort = map[string]string{
	"us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2",
	"ap-northeast-1": "apne1", "ap-northeast-2": "apn2", "ap-northeast-3": "apn3",
	"ap-southeast-1": "apse1", "ap-southeast-2": "apse2", "ap-south-1": "aps1",
	"eu-west-1": "euw1", "eu-west-2": "euw2", "eu-west-3": "euw3", "eu-central-1": "euc1",
	"eu-north-1": "eun1", "ca-central-1": "cac1", "sa-east-1": "sae1",
}

func shortRegion(region string) string {
	if s, ok := regionShort[region]; ok {
		return s
	}
	// Elsewhere: the initials of each part, and the number.
	var b strings.Builder
	for _, p := range strings.Split(region, "-") {
		if p == "" {
			continue
		}
		if p[0] >= '0' && p[0] <= '9' {
			b.WriteString(p)
		} else {
			b.WriteByte(p[0])
		}
	}
	return b.String()
}

// endpointSuffix ends every endpoint name: AWS's is cache.amazonaws.com.
func endpointSuffix(region string) string { return "." + shortRegion(region) + ".cache.localhost" }
