package ec2

// kinds holds every resource family's description for the shared Describe machinery.
type kinds struct {
	vpc      *kind[vpcRec]
	subnet   *kind[subnetRec]
	igw      *kind[igwRec]
	rtb      *kind[rtbRec]
	sg       *kind[sgRec]
	nacl     *kind[naclRec]
	eip      *kind[eipRec]
	nat      *kind[natRec]
	vpce     *kind[vpceRec]
	key      *kind[keyRec]
	instance *kind[instanceRec]
	volume   *kind[volumeRec]
	snapshot *kind[snapshotRec]
	peering  *kind[peeringRec]
}

func (s *Service) newKinds() kinds {
	return kinds{
		vpc: s.vpcKind(), subnet: s.subnetKind(), igw: s.igwKind(), rtb: s.rtbKind(), sg: s.sgKind(),
		nacl: s.naclKind(), eip: s.eipKind(), nat: s.natKind(), vpce: s.vpceKind(), key: s.keyKind(),
		instance: s.instanceKind(), volume: s.volumeKind(),
		snapshot: s.snapshotKind(), peering: s.peeringKind(),
	}
}
