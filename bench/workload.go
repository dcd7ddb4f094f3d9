package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// An Op is one unit of work repeated under load: usually one API call,
// sometimes a short sequence (create, read, delete). It must be safe for
// concurrent use; worker is the calling goroutine's index.
type Op func(ctx context.Context, worker int) error

// A Workload is one API call pattern measured against every server.
//
// Each service adds its workloads in its own file, workload_<svc>.go, by
// calling register from an init function.
type Workload struct {
	// Name is the identifier used by -workloads, e.g. "sts-get-caller-identity".
	Name string
	// Title labels the workload in tables, e.g. "STS GetCallerIdentity".
	Title string
	// Order sorts workloads in the report; lower comes first.
	Order int
	// Setup prepares one server (creating fixtures if the workload reads
	// them) and returns the Op to repeat. It runs once per server before
	// any round.
	Setup func(ctx context.Context, cfg aws.Config, s Scale) (Op, error)
}

// Scale sizes workload fixtures; -smoke shrinks them.
type Scale struct {
	// Fixtures is how many items a listing workload creates first (1000
	// normally).
	Fixtures int
}

var registry []Workload

// register adds a workload; call it from init.
func register(w Workload) {
	for _, o := range registry {
		if o.Name == w.Name {
			panic("bench: workload registered twice: " + w.Name)
		}
	}
	registry = append(registry, w)
}

// selectWorkloads returns the registered workloads named in list, a comma
// separated list of names, or all of them for "all" or "".
func selectWorkloads(list string) ([]Workload, error) {
	all := append([]Workload(nil), registry...)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Order != all[j].Order {
			return all[i].Order < all[j].Order
		}
		return all[i].Name < all[j].Name
	})
	if list == "" || list == "all" {
		return all, nil
	}
	var out []Workload
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, w := range all {
			if w.Name == name {
				out = append(out, w)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown workload %q (have %s)", name, strings.Join(names(all), ", "))
		}
	}
	return out, nil
}

func names(ws []Workload) []string {
	var s []string
	for _, w := range ws {
		s = append(s, w.Name)
	}
	return s
}
