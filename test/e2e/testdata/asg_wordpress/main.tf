# The wordpress-ha tier (seed 003) as Terraform declares it: a VPC over two
# zones with a public and a private subnet each, an internet gateway and a
# NAT gateway, a launch template with cloud-init user data, an Auto Scaling
# group in the private subnets launching from it, and an internet-facing
# ALB in the public subnets forwarding to the group's target group.
# Applied against haneul by TestTerraformASGWordpress.
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
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    ec2         = var.endpoint
    autoscaling = var.endpoint
    elbv2       = var.endpoint
    sts         = var.endpoint
  }
}

data "aws_ami" "al2" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_vpc" "sw" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "sw-vpc-1" }
}

resource "aws_subnet" "public_a" {
  vpc_id                  = aws_vpc.sw.id
  cidr_block              = "10.0.0.0/24"
  availability_zone       = "ap-northeast-2a"
  map_public_ip_on_launch = true
  tags                    = { Name = "sw-public-2a" }
}

resource "aws_subnet" "public_b" {
  vpc_id                  = aws_vpc.sw.id
  cidr_block              = "10.0.1.0/24"
  availability_zone       = "ap-northeast-2b"
  map_public_ip_on_launch = true
  tags                    = { Name = "sw-public-2b" }
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.sw.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "ap-northeast-2a"
  tags              = { Name = "sw-private-2a" }
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.sw.id
  cidr_block        = "10.0.3.0/24"
  availability_zone = "ap-northeast-2b"
  tags              = { Name = "sw-private-2b" }
}

resource "aws_internet_gateway" "sw" {
  vpc_id = aws_vpc.sw.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "sw" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public_a.id
  depends_on    = [aws_internet_gateway.sw]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.sw.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.sw.id
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.sw.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.sw.id
  }
}

resource "aws_route_table_association" "public_a" {
  subnet_id      = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "public_b" {
  subnet_id      = aws_subnet.public_b.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private_a" {
  subnet_id      = aws_subnet.private_a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "alb" {
  name        = "alb-allow"
  description = "HTTP and HTTPS from the internet"
  vpc_id      = aws_vpc.sw.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
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
  name        = "wordpress-allow"
  description = "HTTP from the load balancer"
  vpc_id      = aws_vpc.sw.id

  ingress {
    from_port       = 80
    to_port         = 80
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "wordpress" {
  name                   = "wordpress"
  image_id               = data.aws_ami.al2.id
  instance_type          = "t2.micro"
  vpc_security_group_ids = [aws_security_group.wordpress.id]
  user_data = base64encode(<<-CLOUD
    #cloud-config
    package_update: true
    runcmd:
    - yum install -y httpd
    - amazon-linux-extras install -y lamp-mariadb10.2-php7.2 php7.2
    - systemctl start httpd
    - systemctl enable httpd
    CLOUD
  )

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "wordpress" }
  }
}

resource "aws_lb" "wordpress" {
  name               = "wordpress-alb"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = [aws_subnet.public_a.id, aws_subnet.public_b.id]
}

resource "aws_lb_target_group" "wordpress" {
  name     = "wordpress-tg"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.sw.id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.wordpress.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.wordpress.arn
  }
}

resource "aws_autoscaling_group" "wordpress" {
  name                      = "wordpress-asg"
  min_size                  = 2
  max_size                  = 4
  desired_capacity          = 2
  vpc_zone_identifier       = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  target_group_arns         = [aws_lb_target_group.wordpress.arn]
  health_check_type         = "EC2"
  health_check_grace_period = 30

  launch_template {
    id      = aws_launch_template.wordpress.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "wordpress-asg"
    propagate_at_launch = true
  }
}

output "group" {
  value = aws_autoscaling_group.wordpress.name
}

output "target_group" {
  value = aws_lb_target_group.wordpress.arn
}
