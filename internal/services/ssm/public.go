package ssm

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"haneul/internal/amicatalog"
)

// publicPrefix is where AWS publishes its read-only public parameters.
const publicPrefix = "/aws/service/"

// isPublic reports whether a name lies in the public namespace.
func isPublic(name string) bool { return strings.HasPrefix(name, publicPrefix) }

// publicParam is one AWS public parameter: the same in every account and region.
type publicParam struct {
	Name     string
	Value    string
	Version  int64
	Modified time.Time
}

// version renders p as a parameter version seen from region.
func (p publicParam) version(region string) version {
	return version{
		Name: p.Name, Type: typeString, Value: p.Value, Version: p.Version,
		Tier: tierStandard, DataType: dataText, Modified: p.Modified,
	}
}

// publicStore holds the public parameters sorted by name, so a lookup is a
// binary search and a path listing is a range walk. It is built once and
// never changed.
type publicStore struct {
	params []publicParam
}

// ecsAgent is what the ECS-optimized images' metadata says of their agent and runtime.
type ecsAgent struct {
	agent, runtime, source string
}

// ecsAgentFor is what AWS's ECS-optimized recommended metadata documents say
// of the images for an operating system.
func ecsAgentFor(os string) ecsAgent {
	if os == "Amazon Linux 2023" {
		return ecsAgent{"1.89.2", "Docker version 25.0.6", "al2023-ami-minimal-2023.6.20250107.0-kernel-6.1-x86_64"}
	}
	return ecsAgent{"1.89.2", "Docker version 25.0.6", "amzn2-ami-minimal-hvm-2.0.20250108.0-x86_64-ebs"}
}

// newPublicStore builds the public parameters from the AMI catalog: each
// image's parameters hold its id, and each ECS-optimized "recommended"
// parameter also gets the JSON metadata document AWS publishes beside it
// (…/recommended) and that document's fields as parameters of their own.
func newPublicStore() publicStore {
	var ps []publicParam
	add := func(name, value string, at time.Time) {
		ps = append(ps, publicParam{Name: name, Value: value, Version: 1, Modified: at})
	}
	for _, im := range amicatalog.Images() {
		for _, name := range im.Parameters {
			base, ok := strings.CutSuffix(name, "/recommended/image_id")
			if !ok {
				add(name, im.ID, im.CreationDate)
				continue
			}
			agent := ecsAgentFor(im.OS)
			doc := map[string]any{
				"ecs_agent_version":   agent.agent,
				"ecs_runtime_version": agent.runtime,
				"image_id":            im.ID,
				"image_name":          im.Name,
				"image_version":       imageVersion(im.Name),
				"os":                  im.OS,
				"schema_version":      1,
				"source_image_name":   agent.source,
			}
			text, _ := json.Marshal(doc) // a map of strings and ints always marshals
			add(base+"/recommended", string(text), im.CreationDate)
			for k, v := range doc {
				s, ok := v.(string)
				if !ok {
					s = "1"
				}
				add(base+"/recommended/"+k, s, im.CreationDate)
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return publicStore{params: ps}
}

// imageVersion is the version part of an ECS-optimized image name
// ("amzn2-ami-ecs-hvm-2.0.20250115-x86_64-ebs" → "2.0.20250115").
func imageVersion(name string) string {
	_, rest, ok := strings.Cut(name, "-hvm-")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, "-")
	return v
}

// get returns the public parameter with the given name.
func (s publicStore) get(name string) (publicParam, bool) {
	i := sort.Search(len(s.params), func(i int) bool { return s.params[i].Name >= name })
	if i < len(s.params) && s.params[i].Name == name {
		return s.params[i], true
	}
	return publicParam{}, false
}

// ascend calls fn for each public parameter name >= from, in order, until fn returns false.
func (s publicStore) ascend(from string, fn func(name string) bool) {
	i := sort.Search(len(s.params), func(i int) bool { return s.params[i].Name >= from })
	for ; i < len(s.params); i++ {
		if !fn(s.params[i].Name) {
			return
		}
	}
}
