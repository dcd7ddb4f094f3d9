package elbv2_test

import (
	"strings"
	"testing"
)

// TestCapacityReservation reads, sets and resets a load balancer's minimum
// capacity, as Terraform's aws_lb does on every refresh.
func TestCapacityReservation(t *testing.T) {
	c := newClient(t)
	_, subnets := c.subnets()
	lb := first(c.must("CreateLoadBalancer", map[string]string{"Name": "cap", "Subnets.member.1": subnets[0], "Subnets.member.2": subnets[1]}), "LoadBalancerArn")

	none := c.must("DescribeCapacityReservation", map[string]string{"LoadBalancerArn": lb})
	if strings.Contains(none, "<MinimumLoadBalancerCapacity>") || first(none, "DecreaseRequestsRemaining") != "4" {
		t.Fatalf("no reservation:\n%s", none)
	}
	set := c.must("ModifyCapacityReservation", map[string]string{"LoadBalancerArn": lb, "MinimumLoadBalancerCapacity.CapacityUnits": "100"})
	if first(set, "CapacityUnits") != "100" || len(all(set, "AvailabilityZone")) != 2 {
		t.Fatalf("set:\n%s", set)
	}
	got := c.must("DescribeCapacityReservation", map[string]string{"LoadBalancerArn": lb})
	if first(got, "CapacityUnits") != "100" || first(got, "Code") != "provisioned" || first(got, "LastModifiedTime") == "" {
		t.Fatalf("after set:\n%s", got)
	}
	c.must("ModifyCapacityReservation", map[string]string{"LoadBalancerArn": lb, "ResetCapacityReservation": "true"})
	if got := c.must("DescribeCapacityReservation", map[string]string{"LoadBalancerArn": lb}); strings.Contains(got, "<CapacityUnits>") {
		t.Fatalf("after reset:\n%s", got)
	}
	for _, tc := range []struct {
		params map[string]string
		code   string
	}{
		{map[string]string{"LoadBalancerArn": lb}, "ValidationError"},
		{map[string]string{"LoadBalancerArn": lb, "ResetCapacityReservation": "true", "MinimumLoadBalancerCapacity.CapacityUnits": "5"}, "ValidationError"},
		{map[string]string{"LoadBalancerArn": lb + "x", "ResetCapacityReservation": "true"}, "LoadBalancerNotFound"},
	} {
		if _, code := c.call("ModifyCapacityReservation", tc.params); code != tc.code {
			t.Errorf("%v: got %s, want %s", tc.params, code, tc.code)
		}
	}
}

// TestListenerAttributes reads an HTTP listener's defaults, changes one,
// and refuses keys the protocol does not have.
func TestListenerAttributes(t *testing.T) {
	c := newClient(t)
	vpc, subnets := c.subnets()
	lb := first(c.must("CreateLoadBalancer", map[string]string{"Name": "attrs", "Subnets.member.1": subnets[0], "Subnets.member.2": subnets[1]}), "LoadBalancerArn")
	tg := first(c.must("CreateTargetGroup", map[string]string{"Name": "attrs", "Protocol": "HTTP", "Port": "80", "VpcId": vpc}), "TargetGroupArn")
	l := first(c.must("CreateListener", map[string]string{"LoadBalancerArn": lb, "Protocol": "HTTP", "Port": "80",
		"DefaultActions.member.1.Type": "forward", "DefaultActions.member.1.TargetGroupArn": tg}), "ListenerArn")
	got := c.must("DescribeListenerAttributes", map[string]string{"ListenerArn": l})
	if !strings.Contains(got, "<Key>routing.http.response.server.enabled</Key>") || strings.Contains(got, "tcp.idle_timeout") {
		t.Fatalf("defaults:\n%s", got)
	}
	c.must("ModifyListenerAttributes", map[string]string{"ListenerArn": l,
		"Attributes.member.1.Key": "routing.http.response.server.enabled", "Attributes.member.1.Value": "false"})
	if got := c.must("DescribeListenerAttributes", map[string]string{"ListenerArn": l}); !strings.Contains(got, "<Value>false</Value>") {
		t.Fatalf("after modify:\n%s", got)
	}
	if _, code := c.call("ModifyListenerAttributes", map[string]string{"ListenerArn": l,
		"Attributes.member.1.Key": "tcp.idle_timeout.seconds", "Attributes.member.1.Value": "100"}); code != "ValidationError" {
		t.Errorf("a TCP attribute on an HTTP listener: %s", code)
	}
	if _, code := c.call("DescribeListenerAttributes", map[string]string{"ListenerArn": l + "x"}); code != "ListenerNotFound" {
		t.Errorf("unknown listener: %s", code)
	}
}
