# The coupon system's network (seed 002) as Terraform declares it: a custom
# VPC with public, private and db subnets, an internet gateway, a NAT gateway
# with an Elastic IP, three route tables with explicit associations, security
# groups, a key pair, and bastion + API instances from an Ubuntu AMI lookup.
# Applied against haneul by TestTerraformEC2Coupon.
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
  skip_requesting_account_id  = false # rule references compare owner ids with it
  skip_metadata_api_check     = true

  endpoints {
    ec2 = var.endpoint
    iam = var.endpoint
    sts = var.endpoint
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"]
  }
  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

resource "aws_vpc" "hello" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "hello-vpc" }
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.hello.id
  cidr_block              = "10.0.0.0/24"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = true
  tags                    = { Name = "hello-public-subnet" }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.hello.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = data.aws_availability_zones.available.names[0]
  tags              = { Name = "hello-private-subnet" }
}

resource "aws_subnet" "db" {
  vpc_id            = aws_vpc.hello.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = data.aws_availability_zones.available.names[2]
  tags              = { Name = "hello-db-subnet" }
}

resource "aws_internet_gateway" "hello" {
  vpc_id = aws_vpc.hello.id
  tags   = { Name = "hello-ig" }
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "hello-nat-eip" }
}

resource "aws_nat_gateway" "hello" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags          = { Name = "hello-nat" }
  depends_on    = [aws_internet_gateway.hello]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.hello.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.hello.id
  }
  tags = { Name = "public-subnet-rt" }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.hello.id
  tags   = { Name = "private-subnet-rt" }
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.hello.id
}

resource "aws_route_table" "db" {
  vpc_id = aws_vpc.hello.id
  tags   = { Name = "db-subnet-rt" }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "db" {
  subnet_id      = aws_subnet.db.id
  route_table_id = aws_route_table.db.id
}

resource "aws_security_group" "bastion" {
  name        = "ssh-allow"
  description = "SSH from home"
  vpc_id      = aws_vpc.hello.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.7/32"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "api" {
  name        = "coupon-api"
  description = "Tomcat ports from home and SSH from the bastion"
  vpc_id      = aws_vpc.hello.id
  tags        = { Name = "coupon-api" }
}

resource "aws_vpc_security_group_ingress_rule" "api_8080" {
  security_group_id = aws_security_group.api.id
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8081
  cidr_ipv4         = "203.0.113.7/32"
}

resource "aws_vpc_security_group_ingress_rule" "api_ssh" {
  security_group_id            = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.bastion.id
}

resource "aws_vpc_security_group_egress_rule" "api_all" {
  security_group_id = aws_security_group.api.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_key_pair" "hello" {
  key_name   = "helloAWS"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICagcebqcbnIbJ3zD0H6JE7OtuxD2v3wyKcmF3R9OS7E hello@coupon"
}

resource "aws_instance" "bastion" {
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = "t2.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.bastion.id]
  key_name               = aws_key_pair.hello.key_name
  tags                   = { Name = "redis-test" }
}

resource "aws_instance" "api" {
  count                  = 2
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = "t2.medium"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.api.id]
  key_name               = aws_key_pair.hello.key_name
  user_data              = "#!/bin/bash\napt-get update\n"

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
  }

  tags = { Name = count.index == 0 ? "coupon-api" : "coupon-consumer" }
}

output "api_public_ips" {
  value = aws_instance.api[*].public_ip
}

output "nat_public_ip" {
  value = aws_nat_gateway.hello.public_ip
}
