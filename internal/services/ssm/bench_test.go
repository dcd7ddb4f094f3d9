package ssm_test

import (
	"fmt"
	"testing"
)

// BenchmarkGetParametersByPath lists one level of ten parameters under a
// path among 5,000 (500 sibling subtrees of ten): a range walk that seeks
// past each subtree, whatever else the account holds.
func BenchmarkGetParametersByPath(b *testing.B) {
	c := newClient(b)
	for i := range 500 {
		for j := range 10 {
			c.must("PutParameter", m{"Name": fmt.Sprintf("/bench/svc%03d/p%d", i, j), "Type": "String", "Value": "v"}, nil)
		}
	}
	for i := range 10 {
		c.must("PutParameter", m{"Name": fmt.Sprintf("/bench/p%d", i), "Type": "String", "Value": "v"}, nil)
	}
	b.ResetTimer()
	for b.Loop() {
		var out struct{ Parameters []parameter }
		c.must("GetParametersByPath", m{"Path": "/bench"}, &out)
		if len(out.Parameters) != 10 {
			b.Fatalf("got %d", len(out.Parameters))
		}
	}
}

// BenchmarkGetParameter reads one parameter among 1,000.
func BenchmarkGetParameter(b *testing.B) {
	c := newClient(b)
	for i := range 1000 {
		c.must("PutParameter", m{"Name": fmt.Sprintf("/bench/p%04d", i), "Type": "SecureString", "Value": "v"}, nil)
	}
	b.ResetTimer()
	for b.Loop() {
		c.must("GetParameter", m{"Name": "/bench/p0500", "WithDecryption": true}, nil)
	}
}
