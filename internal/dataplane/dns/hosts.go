package dns

import (
	"bufio"
	"io"
	"net/netip"
	"sort"
	"strings"
)

// Hosts writes every name haneul answers for — the A, AAAA, CNAME and alias
// records of every hosted zone, and the names services registered — as
// /etc/hosts lines. Each name maps to the IPv4 address it resolves to
// through haneul, or to 127.0.0.1 when it resolves to none (haneul's data
// planes listen on loopback). Wildcard records are left out: hosts files
// have no wildcards.
func (a *Authority) Hosts(w io.Writer) error {
	seen := map[string]bool{}
	a.src.Walk(func(z Zone, rs RecordSet) {
		switch rs.Type {
		case "A", "AAAA", "CNAME":
			if !strings.Contains(rs.Name, `\`) {
				seen[rs.Name] = true
			}
		}
	})
	for _, n := range a.names.Names() {
		seen[n] = true
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	bw := bufio.NewWriter(w)
	bw.WriteString("# haneul DNS names (haneul hosts); add to /etc/hosts, or point a resolver at haneul's DNS server\n")
	for _, n := range names {
		addr := loopback
		for _, rr := range a.Answer(Question{Name: n, Type: TypeA, Class: classINET}).Answer {
			if rr.Type == TypeA {
				addr = netip.AddrFrom4([4]byte(rr.Data.(rawData)))
				break
			}
		}
		bw.WriteString(addr.String() + "\t" + strings.TrimSuffix(n, ".") + "\n")
	}
	return bw.Flush()
}
