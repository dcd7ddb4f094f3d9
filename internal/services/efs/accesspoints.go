package efs

import (
	"context"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// apRec is an access point, its tags and when it was created.
type apRec struct {
	AccessPointDescription
	TagMap  map[string]string
	Created time.Time
}

func (r apRec) out(now time.Time) AccessPointDescription {
	d := r.AccessPointDescription
	if *d.LifeCycleState == "creating" && !now.Before(r.Created.Add(createDelay)) {
		d.LifeCycleState = ptr.To("available")
	}
	d.Tags = tagList(r.TagMap)
	d.Name = nil
	if n, ok := r.TagMap["Name"]; ok {
		d.Name = ptr.To(n)
	}
	return d
}

// maxAccessPoints is AWS's limit of access points per file system.
const maxAccessPoints = 10000

// CreateAccessPoint creates an access point: a POSIX identity and root
// directory applied to NFS clients that mount through it. The client token
// makes it idempotent.
// https://docs.aws.amazon.com/efs/latest/ug/API_CreateAccessPoint.html
func (s *Service) CreateAccessPoint(ctx context.Context, in *CreateAccessPointRequest) (*AccessPointDescription, error) {
	sc := s.scope(ctx)
	fsID := *in.FileSystemId
	root := in.RootDirectory
	if root == nil {
		root = &RootDirectory{}
	}
	rootCopy := *root
	if rootCopy.Path == nil {
		rootCopy.Path = ptr.To("/")
	}
	// AWS: the path is absolute and at most 100 characters.
	if p := *rootCopy.Path; !strings.HasPrefix(p, "/") || len(p) > 100 {
		return nil, badRequest("RootDirectory.Path must be an absolute path of at most 100 characters.")
	}
	if c := rootCopy.CreationInfo; c != nil {
		if p := ptr.Val(c.Permissions); len(p) < 3 || len(p) > 4 || strings.Trim(p, "01234567") != "" {
			return nil, badRequest("CreationInfo.Permissions must be an octal mode such as 0755.")
		}
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	id := ids.Hex("fsap", 17)
	r := apRec{TagMap: tags, Created: s.now(), AccessPointDescription: AccessPointDescription{
		AccessPointId:  ptr.To(id),
		AccessPointArn: ptr.To(arn.New("elasticfilesystem", sc.Region, sc.Account, "access-point/"+id)),
		ClientToken:    in.ClientToken,
		FileSystemId:   ptr.To(fsID),
		OwnerId:        ptr.To(sc.Account),
		LifeCycleState: ptr.To("creating"),
		PosixUser:      in.PosixUser,
		RootDirectory:  &rootCopy,
	}}
	var out apRec
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if other, ok := s.tokens.Get(tx, sc, "ap:"+*in.ClientToken); ok {
			a, _ := s.aps.Get(tx, sc, other)
			if *a.FileSystemId != fsID {
				return efsErr("AccessPointAlreadyExists", "Access point with client token '%s' already exists.", *in.ClientToken).WithField("AccessPointId", other)
			}
			out = a // AWS: the same request again returns the same access point
			return nil
		}
		f, err := s.getFS(tx, sc, fsID)
		if err != nil {
			return err
		}
		if st := *f.out(s.clock.Now()).LifeCycleState; st != "available" {
			return efsErr("IncorrectFileSystemLifeCycleState", "File system '%s' is in state '%s'.", fsID, st)
		}
		n := 0
		s.byFS.AscendPrefix(tx, sc, fsID+"\x00fsap-", func(string, bool) bool { n++; return n < maxAccessPoints })
		if n >= maxAccessPoints {
			return efsErr("AccessPointLimitExceeded", "File system '%s' has reached the limit of %d access points.", fsID, maxAccessPoints)
		}
		s.tokens.Put(tx, sc, "ap:"+*in.ClientToken, id)
		s.aps.Put(tx, sc, id, r)
		s.byFS.Put(tx, sc, fsID+"\x00"+id, true)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := out.out(s.clock.Now())
	return &d, nil
}

// DescribeAccessPoints lists a file system's access points, all of them, or one.
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeAccessPoints.html
func (s *Service) DescribeAccessPoints(ctx context.Context, in *DescribeAccessPointsRequest) (*DescribeAccessPointsResponse, error) {
	sc := s.scope(ctx)
	now := s.clock.Now()
	if in.AccessPointId != nil && in.FileSystemId != nil {
		return nil, badRequest("Specify either AccessPointId or FileSystemId, not both.")
	}
	all := []AccessPointDescription{}
	err := s.db.View(func(tx *state.Tx) error {
		if id := ptr.Val(in.AccessPointId); id != "" {
			a, ok := s.aps.Get(tx, sc, id)
			if !ok {
				return errAPNotFound(id)
			}
			all = append(all, a.out(now))
			return nil
		}
		if fsID := ptr.Val(in.FileSystemId); fsID != "" {
			if _, err := s.getFS(tx, sc, fsID); err != nil {
				return err
			}
			s.byFS.AscendPrefix(tx, sc, fsID+"\x00fsap-", func(k string, _ bool) bool {
				if a, ok := s.aps.Get(tx, sc, k[len(fsID)+1:]); ok {
					all = append(all, a.out(now))
				}
				return true
			})
			return nil
		}
		s.aps.Ascend(tx, sc, "", func(_ string, a apRec) bool {
			all = append(all, a.out(now))
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.NextToken, in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	return &DescribeAccessPointsResponse{AccessPoints: items, NextToken: next}, nil
}

// DeleteAccessPoint deletes an access point.
// https://docs.aws.amazon.com/efs/latest/ug/API_DeleteAccessPoint.html
func (s *Service) DeleteAccessPoint(ctx context.Context, in *DeleteAccessPointRequest) (*DeleteAccessPointOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		a, ok := s.aps.Get(tx, sc, *in.AccessPointId)
		if !ok {
			return errAPNotFound(*in.AccessPointId)
		}
		s.tokens.Delete(tx, sc, "ap:"+*a.ClientToken)
		s.byFS.Delete(tx, sc, *a.FileSystemId+"\x00"+*a.AccessPointId)
		s.aps.Delete(tx, sc, *a.AccessPointId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteAccessPointOutput{}, nil
}
