# The qvic production tier (seed 001) as Terraform declares it: an IAM role
# and instance profile for the instances, a security group with the Express
# port 3000 open, a Classic Load Balancer in the default VPC forwarding port
# 80 to 3000 with its health check on 3000, a launch configuration whose user
# data runs /home/ubuntu/auto_start.sh, an Auto Scaling group behind the load
# balancer with explicit termination policies, and a simple scaling policy
# driven by a CPU alarm. Applied against haneul by TestTerraformQvic.
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
    autoscaling = var.endpoint
    cloudwatch  = var.endpoint
    ec2         = var.endpoint
    elb         = var.endpoint
    iam         = var.endpoint
    sts         = var.endpoint
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
}

resource "aws_iam_role" "ec2" {
  name = "qvic-ec2"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_instance_profile" "ec2" {
  name = "qvic-ec2"
  role = aws_iam_role.ec2.name
}

resource "aws_security_group" "express" {
  name        = "qvic-express"
  description = "Express on 3000 and HTTP on 80" # in the default VPC, as the console makes it

  ingress {
    from_port   = 3000
    to_port     = 3000
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 80
    to_port     = 80
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

resource "aws_elb" "prod" {
  name               = "qvic-prod"
  availability_zones = slice(data.aws_availability_zones.available.names, 0, 2)
  security_groups    = [aws_security_group.express.id]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 3000
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:3000/"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  cross_zone_load_balancing   = true
  connection_draining         = true
  connection_draining_timeout = 60
  idle_timeout                = 60

  tags = {
    Name = "qvic-prod"
  }
}

resource "aws_launch_configuration" "prod" {
  name                 = "qvic-prod"
  image_id             = data.aws_ami.ubuntu.id
  instance_type        = "t2.micro"
  iam_instance_profile = aws_iam_instance_profile.ec2.name
  security_groups      = [aws_security_group.express.id]
  user_data            = "#!/bin/bash\n/home/ubuntu/auto_start.sh\n"
}

resource "aws_autoscaling_group" "prod" {
  name                      = "qvic-prod"
  launch_configuration      = aws_launch_configuration.prod.name
  availability_zones        = slice(data.aws_availability_zones.available.names, 0, 2)
  min_size                  = 2
  max_size                  = 4
  desired_capacity          = 2
  load_balancers            = [aws_elb.prod.name]
  health_check_type         = "ELB"
  health_check_grace_period = 300
  termination_policies      = ["OldestLaunchConfiguration", "OldestInstance", "Default"]

  tag {
    key                 = "Name"
    value               = "qvic-prod"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_policy" "scale_out" {
  name                   = "qvic-scale-out"
  autoscaling_group_name = aws_autoscaling_group.prod.name
  policy_type            = "SimpleScaling"
  adjustment_type        = "ChangeInCapacity"
  scaling_adjustment     = 1
  cooldown               = 300
}

resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  alarm_name          = "qvic-cpu-high"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 120
  statistic           = "Average"
  threshold           = 70
  alarm_description   = "Scale out when the group's CPU stays high"
  alarm_actions       = [aws_autoscaling_policy.scale_out.arn]
  dimensions = {
    AutoScalingGroupName = aws_autoscaling_group.prod.name
  }
}

output "elb_dns_name" {
  value = aws_elb.prod.dns_name
}
