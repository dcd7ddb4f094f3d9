package elb

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// instRec is an instance registered with a load balancer.
type instRec struct {
	ID         string
	Registered time.Time
}

func instKey(lb, id string) string { return lb + "\x00" + id }

// healthTarget is the syntax of a health check target: PROTOCOL:PORT for TCP
// and SSL, PROTOCOL:PORT/PATH for HTTP and HTTPS.
var healthTarget = regexp.MustCompile(`^(?i)(TCP|SSL|HTTP|HTTPS):(\d+)(/.*)?$`)

// checkTarget validates a health check target. AWS: the protocol is one of
// TCP, SSL, HTTP, HTTPS; the port 1–65535; HTTP(S) needs a path (at most 1024
// characters) and TCP/SSL must not have one.
func checkTarget(t string) error {
	m := healthTarget.FindStringSubmatch(t)
	if m == nil {
		return validation("Invalid HealthCheck Target '%s': it must be PROTOCOL:PORT (TCP, SSL) or PROTOCOL:PORT/PATH (HTTP, HTTPS)", t)
	}
	if p, err := strconv.Atoi(m[2]); err != nil || p < 1 || p > 65535 {
		return validation("Invalid HealthCheck Target '%s': the port must be between 1 and 65535", t)
	}
	web := strings.EqualFold(m[1], "HTTP") || strings.EqualFold(m[1], "HTTPS")
	switch {
	case web && m[3] == "":
		return validation("Invalid HealthCheck Target '%s': an %s target needs a path", t, strings.ToUpper(m[1]))
	case !web && m[3] != "":
		return validation("Invalid HealthCheck Target '%s': a %s target cannot have a path", t, strings.ToUpper(m[1]))
	case len(m[3]) > 1024:
		return validation("Invalid HealthCheck Target '%s': the path is longer than 1024 characters", t)
	}
	return nil
}

// ConfigureHealthCheck sets a load balancer's health check.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_ConfigureHealthCheck.html
func (s *Service) ConfigureHealthCheck(ctx context.Context, in *ConfigureHealthCheckInput) (*ConfigureHealthCheckOutput, error) {
	hc := *in.HealthCheck
	if err := checkTarget(*hc.Target); err != nil {
		return nil, err
	}
	// AWS: the timeout must be smaller than the interval.
	if *hc.Timeout >= *hc.Interval {
		return nil, validation("HealthCheck Timeout must be less than Interval")
	}
	m := healthTarget.FindStringSubmatch(*hc.Target)
	hc.Target = ptr.To(strings.ToUpper(m[1]) + ":" + m[2] + m[3])
	if _, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error { r.HealthCheck = &hc; return nil }); err != nil {
		return nil, err
	}
	return &ConfigureHealthCheckOutput{HealthCheck: &hc}, nil
}

// checkInstances verifies that instances exist and share the load balancer's VPC.
func (s *Service) checkInstances(ctx context.Context, vpc string, ins []Instance) error {
	for _, i := range ins {
		_, v, ok := s.ec2.InstanceState(ctx, ptr.Val(i.InstanceId))
		if !ok {
			return awserr.New("InvalidInstance", 400, "Could not find EC2 instance %s.", ptr.Val(i.InstanceId))
		}
		if vpc != "" && v != vpc {
			// AWS: a VPC load balancer takes instances of its VPC only.
			return awserr.New("InvalidInstance", 400, "EC2 instance %s is not in the same VPC as ELB.", ptr.Val(i.InstanceId))
		}
	}
	return nil
}

// RegisterInstancesWithLoadBalancer registers instances; registering one
// again is a no-op. The answer lists every registered instance.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_RegisterInstancesWithLoadBalancer.html
func (s *Service) RegisterInstancesWithLoadBalancer(ctx context.Context, in *RegisterEndPointsInput) (*RegisterEndPointsOutput, error) {
	sc := s.scope(ctx)
	name := *in.LoadBalancerName
	var vpc string
	if err := s.db.View(func(tx *state.Tx) error { r, err := s.getLB(tx, sc, name); vpc = ptr.Val(r.VPCId); return err }); err != nil {
		return nil, err
	}
	if err := s.checkInstances(ctx, vpc, in.Instances); err != nil {
		return nil, err
	}
	var out []Instance
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, name)
		if err != nil {
			return err
		}
		now := s.now()
		for _, i := range in.Instances {
			k := instKey(name, *i.InstanceId)
			if _, ok := s.instances.Get(tx, sc, k); !ok {
				s.instances.Put(tx, sc, k, instRec{ID: *i.InstanceId, Registered: now})
			}
		}
		out = s.describe(tx, sc, r).Instances
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RegisterEndPointsOutput{Instances: out}, nil
}

// DeregisterInstancesFromLoadBalancer deregisters instances; the answer lists
// the instances still registered. AWS: an instance that does not exist is
// InvalidInstance; one that exists but is not registered has no effect.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DeregisterInstancesFromLoadBalancer.html
func (s *Service) DeregisterInstancesFromLoadBalancer(ctx context.Context, in *DeregisterEndPointsInput) (*DeregisterEndPointsOutput, error) {
	sc := s.scope(ctx)
	name := *in.LoadBalancerName
	var out []Instance
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getLB(tx, sc, name)
		if err != nil {
			return err
		}
		for _, i := range in.Instances {
			k := instKey(name, *i.InstanceId)
			if _, ok := s.instances.Get(tx, sc, k); ok {
				s.instances.Delete(tx, sc, k)
				continue
			}
			if _, _, ok := s.ec2.InstanceState(ctx, *i.InstanceId); !ok {
				return awserr.New("InvalidInstance", 400, "Could not find EC2 instance %s.", *i.InstanceId)
			}
		}
		out = s.describe(tx, sc, r).Instances
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeregisterEndPointsOutput{Instances: out}, nil
}

// DescribeInstanceHealth reports the state of the named instances, or of every registered one.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeInstanceHealth.html
func (s *Service) DescribeInstanceHealth(ctx context.Context, in *DescribeEndPointStateInput) (*DescribeEndPointStateOutput, error) {
	sc := s.scope(ctx)
	name := *in.LoadBalancerName
	var r lbRec
	var regs []instRec
	err := s.db.View(func(tx *state.Tx) (err error) {
		if r, err = s.getLB(tx, sc, name); err != nil {
			return err
		}
		s.instances.AscendPrefix(tx, sc, name+"\x00", func(_ string, i instRec) bool { regs = append(regs, i); return true })
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []InstanceState{}
	if len(in.Instances) == 0 {
		for _, i := range regs {
			out = append(out, s.health(ctx, r, i))
		}
		return &DescribeEndPointStateOutput{InstanceStates: out}, nil
	}
	for _, want := range in.Instances {
		id := ptr.Val(want.InstanceId)
		j := slices.IndexFunc(regs, func(i instRec) bool { return i.ID == id })
		if j >= 0 {
			out = append(out, s.health(ctx, r, regs[j]))
			continue
		}
		if _, _, ok := s.ec2.InstanceState(ctx, id); !ok {
			return nil, awserr.New("InvalidInstance", 400, "Could not find EC2 instance %s.", id)
		}
		out = append(out, instState(id, "OutOfService", "N/A", "Instance is not currently registered with the LoadBalancer."))
	}
	return &DescribeEndPointStateOutput{InstanceStates: out}, nil
}

func instState(id, st, reason, desc string) InstanceState {
	return InstanceState{InstanceId: ptr.To(id), State: ptr.To(st), ReasonCode: ptr.To(reason), Description: ptr.To(desc)}
}

// health is one registered instance's state, with AWS's reason codes
// ("ELB" for the load balancer's side, "Instance" for the instance's, "N/A").
//
// TEMPORARY (issue 10, point 5), as ELBv2's target health: until the data
// plane runs health checks, a running instance is InService once
// HealthyThreshold × Interval has passed since registration. Real health
// checks plug in here.
func (s *Service) health(ctx context.Context, r lbRec, i instRec) InstanceState {
	st, _, ok := s.ec2.InstanceState(ctx, i.ID)
	switch {
	case !ok || st == "terminated" || st == "shutting-down":
		return instState(i.ID, "OutOfService", "Instance", "Instance is in terminated state.")
	case st == "stopped" || st == "stopping":
		return instState(i.ID, "OutOfService", "Instance", "Instance is in stopped state.")
	case st == "pending":
		return instState(i.ID, "OutOfService", "ELB", "Instance registration is still in progress.")
	}
	hc := r.HealthCheck
	settle := time.Duration(ptr.Val(hc.HealthyThreshold)*ptr.Val(hc.Interval)) * time.Second
	if s.clock.Now().Before(i.Registered.Add(settle)) {
		return instState(i.ID, "OutOfService", "ELB", "Instance registration is still in progress.")
	}
	return instState(i.ID, "InService", "N/A", "N/A")
}
