# The WordPress HA system's network (seed 003) as Terraform declares it: the
# sw-vpc with a public and a private subnet in each of two zones, an internet
# gateway, one NAT gateway (its Elastic IP in the first public subnet) that
# both private subnets route through, a bastion host in the first public
# subnet, and the WordPress instance in a private subnet that only the
# bastion's ssh-allow group may reach over SSH. As in seed 001 the instance
# is then baked into an AMI (aws_ami_from_instance) and launched again from
# it in the second zone; an extra EBS volume is attached for uploads.
# Applied against haneul by TestTerraformEC2WordPress.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type = string
}

provider "aws" {
  region                      = "ap-northeast-2"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = false
  skip_metadata_api_check     = true

  endpoints {
    ec2 = var.endpoint
    iam = var.endpoint
    sts = var.endpoint
  }
}

locals {
  zones = ["ap-northeast-2a", "ap-northeast-2c"]
}

data "aws_ami" "amzn2" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }
}

resource "aws_vpc" "sw" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "sw-vpc-1" }
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.sw.id
  cidr_block              = cidrsubnet(aws_vpc.sw.cidr_block, 8, count.index)
  availability_zone       = local.zones[count.index]
  map_public_ip_on_launch = true
  tags                    = { Name = "sw-vpc-1-public-${local.zones[count.index]}" }
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.sw.id
  cidr_block        = cidrsubnet(aws_vpc.sw.cidr_block, 8, count.index + 128)
  availability_zone = local.zones[count.index]
  tags              = { Name = "sw-vpc-1-private-${local.zones[count.index]}" }
}

resource "aws_internet_gateway" "sw" {
  vpc_id = aws_vpc.sw.id
  tags   = { Name = "sw-vpc-1-igw" }
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "sw-vpc-1-nat-eip" }
}

resource "aws_nat_gateway" "sw" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = "sw-vpc-1-nat" }
  depends_on    = [aws_internet_gateway.sw]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.sw.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.sw.id
  }
  tags = { Name = "sw-vpc-1-rtb-public" }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.sw.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.sw.id
  }
  tags = { Name = "sw-vpc-1-rtb-private" }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "ssh_allow" {
  name        = "ssh-allow"
  description = "SSH to the bastion host"
  vpc_id      = aws_vpc.sw.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "wordpress" {
  name        = "wordpress"
  description = "WordPress web servers"
  vpc_id      = aws_vpc.sw.id

  ingress {
    description     = "SSH from the bastion"
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = [aws_security_group.ssh_allow.id]
  }
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.sw.cidr_block]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_key_pair" "sw" {
  key_name   = "sw-key"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMXbUkV1YlSCX7qlpvP0jCvlQ1aGH5QZ0f0oxSx0Vn2Q sw@example"
}

resource "aws_instance" "bastion" {
  ami                    = data.aws_ami.amzn2.id
  instance_type          = "t2.micro"
  subnet_id              = aws_subnet.public[0].id
  vpc_security_group_ids = [aws_security_group.ssh_allow.id]
  key_name               = aws_key_pair.sw.key_name
  tags                   = { Name = "Bastion Host" }
}

resource "aws_instance" "wordpress" {
  ami                    = data.aws_ami.amzn2.id
  instance_type          = "t2.micro"
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.wordpress.id]
  key_name               = aws_key_pair.sw.key_name
  user_data              = <<-EOT
    #!/bin/bash
    amazon-linux-extras install -y lamp-mariadb10.2-php7.2 php7.2
    yum install -y httpd amazon-efs-utils
    systemctl enable --now httpd
  EOT
  tags = { Name = "wordpress-1" }
}

resource "aws_ebs_volume" "uploads" {
  availability_zone = aws_instance.wordpress.availability_zone
  size              = 20
  type              = "gp3"
  tags              = { Name = "wordpress-uploads" }
}

resource "aws_volume_attachment" "uploads" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.uploads.id
  instance_id = aws_instance.wordpress.id

  # Attach after the AMI is baked: the image holds the root volume only.
  depends_on = [aws_ami_from_instance.wordpress]
}

resource "aws_ami_from_instance" "wordpress" {
  name               = "wordpress-ami-v1"
  description        = "WordPress on Amazon Linux 2, baked from wordpress-1"
  source_instance_id = aws_instance.wordpress.id
  tags               = { Name = "wordpress-ami" }
}

resource "aws_instance" "wordpress_2" {
  ami                    = aws_ami_from_instance.wordpress.id
  instance_type          = "t2.micro"
  subnet_id              = aws_subnet.private[1].id
  vpc_security_group_ids = [aws_security_group.wordpress.id]
  key_name               = aws_key_pair.sw.key_name
  tags                   = { Name = "wordpress-2" }
}

output "bastion_public_ip" {
  value = aws_instance.bastion.public_ip
}

output "ami_id" {
  value = aws_ami_from_instance.wordpress.id
}
