package ec2

import (
	"math/big"
	"net/netip"

	"haneul/internal/awsproto/awserr"
)

// parseCIDR parses an IPv4 CIDR block as EC2 takes it, masked to its network.
//
// AWS: a malformed block is InvalidParameterValue.
func parseCIDR(param, s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", s, param)
	}
	return p.Masked(), nil
}

// overlaps reports whether two prefixes share an address.
func overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// contains reports whether outer holds all of inner.
func contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// size is the number of addresses of an IPv4 prefix.
func size(p netip.Prefix) int64 { return int64(1) << (32 - p.Bits()) }

// nth returns the address n places after the prefix's network address.
func nth(p netip.Prefix, n int64) netip.Addr {
	b := p.Addr().As4()
	v := new(big.Int).SetBytes(b[:])
	v.Add(v, big.NewInt(n))
	var out [4]byte
	v.FillBytes(out[:])
	return netip.AddrFrom4(out)
}

// reserved reports whether ip is one of the five addresses AWS keeps in every subnet.
//
// AWS: the network address, .1 (router), .2 (DNS), .3 (future use) and the
// broadcast address are never assigned.
func reserved(p netip.Prefix, ip netip.Addr) bool {
	for _, n := range []int64{0, 1, 2, 3, size(p) - 1} {
		if nth(p, n) == ip {
			return true
		}
	}
	return false
}
