package ec2

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/amicatalog"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
)

// instanceType is one entry of the instance type catalog.
type instanceType struct {
	Name      string
	VCPUs     int64
	MemoryMiB int64
	Arch      string // x86_64 or arm64
	Burstable bool
}

// instanceTypes is the catalog: the common sizes of the t2, t3, t3a, t4g,
// m5, m6i, c5 and r5 families, with AWS's vCPU and memory figures.
var instanceTypes = func() []instanceType {
	var out []instanceType
	add := func(family, arch string, burst bool, sizes ...any) {
		for i := 0; i < len(sizes); i += 3 {
			out = append(out, instanceType{
				Name: family + "." + sizes[i].(string), VCPUs: int64(sizes[i+1].(int)),
				MemoryMiB: int64(sizes[i+2].(int)), Arch: arch, Burstable: burst,
			})
		}
	}
	add("t2", "x86_64", true, "nano", 1, 512, "micro", 1, 1024, "small", 1, 2048, "medium", 2, 4096, "large", 2, 8192, "xlarge", 4, 16384, "2xlarge", 8, 32768)
	for _, f := range []string{"t3", "t3a"} {
		add(f, "x86_64", true, "nano", 2, 512, "micro", 2, 1024, "small", 2, 2048, "medium", 2, 4096, "large", 2, 8192, "xlarge", 4, 16384, "2xlarge", 8, 32768)
	}
	add("t4g", "arm64", true, "nano", 2, 512, "micro", 2, 1024, "small", 2, 2048, "medium", 2, 4096, "large", 2, 8192, "xlarge", 4, 16384, "2xlarge", 8, 32768)
	for _, f := range []string{"m5", "m6i"} {
		add(f, "x86_64", false, "large", 2, 8192, "xlarge", 4, 16384, "2xlarge", 8, 32768, "4xlarge", 16, 65536, "8xlarge", 32, 131072)
	}
	add("c5", "x86_64", false, "large", 2, 4096, "xlarge", 4, 8192, "2xlarge", 8, 16384, "4xlarge", 16, 32768, "9xlarge", 36, 73728)
	add("r5", "x86_64", false, "large", 2, 16384, "xlarge", 4, 32768, "2xlarge", 8, 65536, "4xlarge", 16, 131072)
	slices.SortFunc(out, func(a, b instanceType) int { return strings.Compare(a.Name, b.Name) })
	return out
}()

func lookupType(name string) (instanceType, bool) {
	i := slices.IndexFunc(instanceTypes, func(t instanceType) bool { return t.Name == name })
	if i < 0 {
		return instanceType{}, false
	}
	return instanceTypes[i], true
}

// defaultCredits is the CPU credit option a burstable type starts with.
//
// AWS: t2 launches "standard", t3/t3a/t4g "unlimited".
func defaultCredits(t string) string {
	if strings.HasPrefix(t, "t2.") {
		return "standard"
	}
	if strings.HasPrefix(t, "t") {
		return "unlimited"
	}
	return ""
}

func typeInfo(t instanceType) InstanceTypeInfo {
	threads := int64(2)
	if t.VCPUs == 1 || t.Arch == "arm64" {
		threads = 1
	}
	return InstanceTypeInfo{
		InstanceType: ptr.To(t.Name), CurrentGeneration: ptr.To(!strings.HasPrefix(t.Name, "t2.")),
		FreeTierEligible: ptr.To(t.Name == "t2.micro" || t.Name == "t3.micro"), BurstablePerformanceSupported: ptr.To(t.Burstable),
		BareMetal: ptr.To(false), Hypervisor: ptr.To("nitro"), InstanceStorageSupported: ptr.To(false),
		SupportedUsageClasses: []string{"on-demand", "spot"}, SupportedRootDeviceTypes: []string{"ebs"},
		SupportedVirtualizationTypes: []string{"hvm"},
		VCpuInfo:                     &VCpuInfo{DefaultVCpus: ptr.To(t.VCPUs), DefaultCores: ptr.To(t.VCPUs / threads), DefaultThreadsPerCore: ptr.To(threads)},
		MemoryInfo:                   &MemoryInfo{SizeInMiB: ptr.To(t.MemoryMiB)},
		ProcessorInfo:                &ProcessorInfo{SupportedArchitectures: []string{t.Arch}},
		EbsInfo:                      &EbsInfo{EbsOptimizedSupport: ptr.To("default"), EncryptionSupport: ptr.To("supported"), NvmeSupport: ptr.To("required")},
	}
}

// DescribeInstanceTypes lists the instance type catalog.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypes.html
func (s *Service) DescribeInstanceTypes(ctx context.Context, in *DescribeInstanceTypesRequest) (*DescribeInstanceTypesResult, error) {
	var all []InstanceTypeInfo
	for _, t := range instanceTypes {
		if len(in.InstanceTypes) == 0 || slices.Contains(in.InstanceTypes, t.Name) {
			all = append(all, typeInfo(t))
		}
	}
	for _, n := range in.InstanceTypes {
		if _, ok := lookupType(n); !ok {
			return nil, awserr.New("InvalidInstanceType", 400, "The following supplied instance types do not exist: [%s]", n)
		}
	}
	one := func(f func(InstanceTypeInfo) string) func(InstanceTypeInfo) []string {
		return func(t InstanceTypeInfo) []string { return []string{f(t)} }
	}
	all, err := filterSlice(all, in.Filters, map[string]func(InstanceTypeInfo) []string{
		"instance-type":                         one(func(t InstanceTypeInfo) string { return *t.InstanceType }),
		"current-generation":                    one(func(t InstanceTypeInfo) string { return strconv.FormatBool(*t.CurrentGeneration) }),
		"free-tier-eligible":                    one(func(t InstanceTypeInfo) string { return strconv.FormatBool(*t.FreeTierEligible) }),
		"burstable-performance-supported":       one(func(t InstanceTypeInfo) string { return strconv.FormatBool(*t.BurstablePerformanceSupported) }),
		"vcpu-info.default-vcpus":               one(func(t InstanceTypeInfo) string { return strconv.FormatInt(*t.VCpuInfo.DefaultVCpus, 10) }),
		"memory-info.size-in-mib":               one(func(t InstanceTypeInfo) string { return strconv.FormatInt(*t.MemoryInfo.SizeInMiB, 10) }),
		"processor-info.supported-architecture": func(t InstanceTypeInfo) []string { return t.ProcessorInfo.SupportedArchitectures },
	})
	if err != nil {
		return nil, err
	}
	types, next, err := page(all, func(t InstanceTypeInfo) string { return *t.InstanceType }, query{MaxResults: in.MaxResults, NextToken: in.NextToken})
	if err != nil {
		return nil, err
	}
	return &DescribeInstanceTypesResult{InstanceTypes: types, NextToken: next}, nil
}

// DescribeInstanceTypeOfferings lists where each catalog type is offered: every zone of the region.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html
func (s *Service) DescribeInstanceTypeOfferings(ctx context.Context, in *DescribeInstanceTypeOfferingsRequest) (*DescribeInstanceTypeOfferingsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	lt := ptr.Val(in.LocationType)
	if lt == "" {
		lt = "region"
	}
	var all []InstanceTypeOffering
	for _, t := range instanceTypes {
		switch lt {
		case "region":
			all = append(all, InstanceTypeOffering{InstanceType: ptr.To(t.Name), Location: ptr.To(sc.Region), LocationType: ptr.To(lt)})
		default:
			for _, z := range zones(sc.Region) {
				loc := z.Name
				if lt == "availability-zone-id" {
					loc = z.ID
				}
				all = append(all, InstanceTypeOffering{InstanceType: ptr.To(t.Name), Location: ptr.To(loc), LocationType: ptr.To(lt)})
			}
		}
	}
	all, err = filterSlice(all, in.Filters, map[string]func(InstanceTypeOffering) []string{
		"instance-type": func(o InstanceTypeOffering) []string { return []string{*o.InstanceType} },
		"location":      func(o InstanceTypeOffering) []string { return []string{*o.Location} },
	})
	if err != nil {
		return nil, err
	}
	offs, next, err := page(all, func(o InstanceTypeOffering) string { return *o.InstanceType + "\x00" + *o.Location }, query{MaxResults: in.MaxResults, NextToken: in.NextToken})
	if err != nil {
		return nil, err
	}
	return &DescribeInstanceTypeOfferingsResult{InstanceTypeOfferings: offs, NextToken: next}, nil
}

// catalogImage is a base image as EC2 shows it in a region.
type catalogImage struct {
	amicatalog.Image
	AMI string // the image's id in the region
	// RootSnapshot is the root volume's snapshot of an account's own image
	// ("" for catalog images: see snapshotID).
	RootSnapshot string
	// Extra are an own image's mappings besides the root device.
	Extra []BlockDeviceMapping
}

// rootSnapshot is the snapshot the image's root volume is made from.
func (im catalogImage) rootSnapshot(region string) string {
	if im.RootSnapshot != "" {
		return im.RootSnapshot
	}
	return snapshotID(region, im.AMI)
}

func regionImages(region string) []catalogImage {
	var out []catalogImage
	for _, im := range amicatalog.Images() {
		out = append(out, catalogImage{Image: im, AMI: im.ID})
	}
	slices.SortFunc(out, func(a, b catalogImage) int { return strings.Compare(a.AMI, b.AMI) })
	return out
}

// snapshotID is the id of a catalog image's root snapshot in a region.
func snapshotID(region, ami string) string {
	h := sha256.Sum256([]byte(region + "/" + ami))
	return "snap-0" + hex.EncodeToString(h[:])[:16]
}

// findImage returns a catalog image of the region by id.
func findImage(region, id string) (catalogImage, bool) {
	for _, im := range regionImages(region) {
		if im.AMI == id {
			return im, true
		}
	}
	return catalogImage{}, false
}

func imageOut(im catalogImage, region string) Image {
	out := Image{
		ImageId: ptr.To(im.AMI), Name: ptr.To(im.Name), Description: ptr.To(im.Description), OwnerId: ptr.To(im.OwnerID),
		Architecture: ptr.To(im.Architecture), CreationDate: ptr.To(im.CreationDate.UTC().Format("2006-01-02T15:04:05.000Z")),
		ImageLocation: ptr.To(im.OwnerID + "/" + im.Name), ImageType: ptr.To("machine"), Public: ptr.To(true),
		State: ptr.To("available"), RootDeviceName: ptr.To(im.RootDeviceName), RootDeviceType: ptr.To("ebs"),
		VirtualizationType: ptr.To("hvm"), Hypervisor: ptr.To("xen"), EnaSupport: ptr.To(true), SriovNetSupport: ptr.To("simple"),
		PlatformDetails: ptr.To(im.PlatformDetails), UsageOperation: ptr.To("RunInstances"), BootMode: ptr.To("uefi-preferred"),
		BlockDeviceMappings: []BlockDeviceMapping{{
			DeviceName: ptr.To(im.RootDeviceName),
			Ebs: &EbsBlockDevice{
				DeleteOnTermination: ptr.To(true), SnapshotId: ptr.To(snapshotID(region, im.AMI)), VolumeSize: ptr.To(int64(im.RootVolumeSize)),
				VolumeType: ptr.To(im.RootVolumeType), Encrypted: ptr.To(false),
			},
		}},
	}
	if im.OwnerAlias != "" {
		out.ImageOwnerAlias = ptr.To(im.OwnerAlias)
	}
	return out
}
