package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func init() {
	register(Workload{
		Name:  "iam-role-lifecycle",
		Title: "IAM CreateRole+GetRole+DeleteRole",
		Order: 30,
		Setup: setupRoleLifecycle,
	})
	register(Workload{
		Name:  "iam-list-roles",
		Title: "IAM ListRoles first page, 1k roles",
		Order: 40,
		Setup: setupListRoles,
	})
}

// setupRoleLifecycle returns an Op that creates a role, reads it back and
// deletes it: three writes-and-reads against IAM's role store.
func setupRoleLifecycle(_ context.Context, cfg aws.Config, _ Scale) (Op, error) {
	c := iam.NewFromConfig(cfg)
	prefix := fmt.Sprintf("bench-life-%d", time.Now().UnixNano()%1e9)
	var seq atomic.Int64
	return func(ctx context.Context, _ int) error {
		name := aws.String(fmt.Sprintf("%s-%d", prefix, seq.Add(1)))
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: aws.String(trustAnyone)}); err != nil {
			return fmt.Errorf("create role: %w", err)
		}
		if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: name}); err != nil {
			return fmt.Errorf("get role: %w", err)
		}
		if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name}); err != nil {
			return fmt.Errorf("delete role: %w", err)
		}
		return nil
	}, nil
}

// setupListRoles creates s.Fixtures roles (8 at a time) and returns an Op
// that lists the first page (100 roles, the API's default).
func setupListRoles(ctx context.Context, cfg aws.Config, s Scale) (Op, error) {
	c := iam.NewFromConfig(cfg)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     atomic.Int64
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(s.Fixtures) || ctx.Err() != nil {
					return
				}
				var err error
				// moto_server sometimes answers concurrent CreateRole with a
				// 500; try each role up to three times.
				for range 3 {
					_, err = c.CreateRole(ctx, &iam.CreateRoleInput{
						RoleName:                 aws.String(fmt.Sprintf("bench-list-%04d", i)),
						AssumeRolePolicyDocument: aws.String(trustAnyone),
					})
					var exists *types.EntityAlreadyExistsException
					if err == nil || errors.As(err, &exists) {
						err = nil
						break
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("create role %d of %d: %w", i, s.Fixtures, err)
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return func(ctx context.Context, _ int) error {
		out, err := c.ListRoles(ctx, &iam.ListRolesInput{})
		if err != nil {
			return err
		}
		if len(out.Roles) == 0 {
			return errors.New("list roles: empty first page")
		}
		return nil
	}, nil
}
