// Package amicatalog is haneul's catalog of public base images: the AMIs that
// exist in every account and region, as AWS and Canonical publish them.
//
// EC2 answers DescribeImages for them, and SSM's public parameters
// (/aws/service/...) point at them, so that
// `data "aws_ssm_parameter"` → `aws_instance.ami` resolves to an image EC2
// knows. The ids are fixed: the same in every region, every account and every
// run, so state files and tests can name them.
package amicatalog

import "time"

// Image is one public base image.
type Image struct {
	// ID is the image id: "ami-0" followed by 16 lower-case hex digits.
	ID string
	// Name is the image name as its publisher writes it.
	Name string
	// Description is the image description as its publisher writes it.
	Description string
	// OwnerID is the publisher's account: 137112412989 (Amazon Linux),
	// 591542846629 (ECS-optimized) or 099720109477 (Canonical).
	OwnerID string
	// OwnerAlias is DescribeImages' ImageOwnerAlias: "amazon" for Amazon's
	// images, "" for Canonical's (AWS reports none for them).
	OwnerAlias string
	// Architecture is "x86_64" or "arm64".
	Architecture string
	// CreationDate is when the image was published.
	CreationDate time.Time
	// RootDeviceName is the root volume's device: /dev/xvda (Amazon Linux), /dev/sda1 (Ubuntu).
	RootDeviceName string
	// RootVolumeSize is the root snapshot's size in GiB.
	RootVolumeSize int
	// RootVolumeType is the root volume's default type: "gp2" or "gp3".
	RootVolumeType string
	// PlatformDetails is DescribeImages' PlatformDetails ("Linux/UNIX").
	PlatformDetails string
	// OS is the operating system as ECS's image metadata names it
	// ("Amazon Linux 2", "Amazon Linux 2023", "Ubuntu").
	OS string
	// Parameters are the SSM public parameter names whose value is ID.
	Parameters []string
}

// AWS: every public image here is HVM, EBS-backed, ENA-enabled; ImageType "machine".
const (
	VirtualizationType = "hvm"
	RootDeviceType     = "ebs"
	Hypervisor         = "xen"
	ImageType          = "machine"
)

// Publishers' accounts.
const (
	OwnerAmazon    = "137112412989"
	OwnerAmazonECS = "591542846629"
	OwnerCanonical = "099720109477"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic("amicatalog: bad date " + s)
	}
	return t
}

// Images returns the catalog, in a fixed order. The slice is the caller's.
func Images() []Image {
	return []Image{
		{
			ID:              "ami-0c5539f14f145c743",
			Name:            "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64",
			Description:     "Amazon Linux 2023 AMI 2023.6.20250115.0 x86_64 HVM kernel-6.1",
			OwnerID:         OwnerAmazon,
			OwnerAlias:      "amazon",
			Architecture:    "x86_64",
			CreationDate:    date("2025-01-15T21:39:41Z"),
			RootDeviceName:  "/dev/xvda",
			RootVolumeSize:  8,
			RootVolumeType:  "gp3",
			PlatformDetails: "Linux/UNIX",
			OS:              "Amazon Linux 2023",
			Parameters: []string{
				"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
				"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64",
			},
		},
		{
			ID:              "ami-04b459dae0ccb03dd",
			Name:            "al2023-ami-2023.6.20250115.0-kernel-6.1-arm64",
			Description:     "Amazon Linux 2023 AMI 2023.6.20250115.0 arm64 HVM kernel-6.1",
			OwnerID:         OwnerAmazon,
			OwnerAlias:      "amazon",
			Architecture:    "arm64",
			CreationDate:    date("2025-01-15T21:39:44Z"),
			RootDeviceName:  "/dev/xvda",
			RootVolumeSize:  8,
			RootVolumeType:  "gp3",
			PlatformDetails: "Linux/UNIX",
			OS:              "Amazon Linux 2023",
			Parameters: []string{
				"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
				"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64",
			},
		},
		{
			ID:              "ami-0e124cefabed7d79c",
			Name:            "amzn2-ami-hvm-2.0.20250116.0-x86_64-gp2",
			Description:     "Amazon Linux 2 AMI 2.0.20250116.0 x86_64 HVM gp2",
			OwnerID:         OwnerAmazon,
			OwnerAlias:      "amazon",
			Architecture:    "x86_64",
			CreationDate:    date("2025-01-16T22:54:37Z"),
			RootDeviceName:  "/dev/xvda",
			RootVolumeSize:  8,
			RootVolumeType:  "gp2",
			PlatformDetails: "Linux/UNIX",
			OS:              "Amazon Linux 2",
			Parameters: []string{
				"/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
			},
		},
		{
			ID:              "ami-07d9049a094c57205",
			Name:            "amzn2-ami-ecs-hvm-2.0.20250115-x86_64-ebs",
			Description:     "Amazon Linux AMI 2.0.20250115 x86_64 ECS HVM GP2",
			OwnerID:         OwnerAmazonECS,
			OwnerAlias:      "amazon",
			Architecture:    "x86_64",
			CreationDate:    date("2025-01-15T19:12:03Z"),
			RootDeviceName:  "/dev/xvda",
			RootVolumeSize:  30,
			RootVolumeType:  "gp2",
			PlatformDetails: "Linux/UNIX",
			OS:              "Amazon Linux 2",
			Parameters: []string{
				"/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
			},
		},
		{
			ID:              "ami-07b7f070588ba23db",
			Name:            "al2023-ami-ecs-hvm-2023.0.20250115-kernel-6.1-x86_64",
			Description:     "Amazon Linux AMI 2023.0.20250115 x86_64 ECS HVM EBS",
			OwnerID:         OwnerAmazonECS,
			OwnerAlias:      "amazon",
			Architecture:    "x86_64",
			CreationDate:    date("2025-01-15T19:20:45Z"),
			RootDeviceName:  "/dev/xvda",
			RootVolumeSize:  30,
			RootVolumeType:  "gp3",
			PlatformDetails: "Linux/UNIX",
			OS:              "Amazon Linux 2023",
			Parameters: []string{
				"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
			},
		},
		{
			// AWS: Canonical names 22.04 images under hvm-ssd/ (gp2 root volumes).
			ID:              "ami-0648438d3b845a590",
			Name:            "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207",
			Description:     "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-02-07",
			OwnerID:         OwnerCanonical,
			Architecture:    "x86_64",
			CreationDate:    date("2024-02-07T08:52:07Z"),
			RootDeviceName:  "/dev/sda1",
			RootVolumeSize:  8,
			RootVolumeType:  "gp2",
			PlatformDetails: "Linux/UNIX",
			OS:              "Ubuntu",
			Parameters: []string{
				"/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id",
			},
		},
		{
			// AWS: Canonical names 24.04 images under hvm-ssd-gp3/ (gp3 root volumes).
			ID:              "ami-059cc84421ce08c08",
			Name:            "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115",
			Description:     "Canonical, Ubuntu, 24.04, amd64 noble image",
			OwnerID:         OwnerCanonical,
			Architecture:    "x86_64",
			CreationDate:    date("2025-01-15T07:41:27Z"),
			RootDeviceName:  "/dev/sda1",
			RootVolumeSize:  8,
			RootVolumeType:  "gp3",
			PlatformDetails: "Linux/UNIX",
			OS:              "Ubuntu",
			Parameters: []string{
				"/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
			},
		},
	}
}

// ByID returns the image with the given id.
func ByID(id string) (Image, bool) {
	for _, im := range Images() {
		if im.ID == id {
			return im, true
		}
	}
	return Image{}, false
}

// ByParameter returns the image an SSM public parameter points at.
func ByParameter(name string) (Image, bool) {
	for _, im := range Images() {
		for _, p := range im.Parameters {
			if p == name {
				return im, true
			}
		}
	}
	return Image{}, false
}
