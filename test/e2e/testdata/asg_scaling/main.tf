# Seed 003's Auto Scaling group as Terraform declares it: a launch
# configuration and a group of two in two zones, scaled by a
# target tracking policy on the group's average CPU (80 %, with a warm-up),
# a step scaling policy driven by its own CPU alarm, and a recurring
# schedule. Applied against haneul by TestTerraformAutoScalingPolicies.
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
    iam         = var.endpoint
    sts         = var.endpoint
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
  filter {
    name   = "name"
    values = ["al2023-ami-*-x86_64"]
  }
}

resource "aws_launch_configuration" "app" {
  name_prefix   = "app-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "t3.micro"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_autoscaling_group" "app" {
  name                 = "app"
  launch_configuration = aws_launch_configuration.app.name
  availability_zones   = slice(data.aws_availability_zones.available.names, 0, 2)
  min_size             = 1
  max_size             = 4
  desired_capacity     = 2
  termination_policies = ["NewestInstance"]
}

resource "aws_autoscaling_policy" "cpu" {
  name                      = "app-cpu-80"
  autoscaling_group_name    = aws_autoscaling_group.app.name
  policy_type               = "TargetTrackingScaling"
  estimated_instance_warmup = 120

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 80
  }
}

resource "aws_autoscaling_policy" "steps" {
  name                      = "app-steps"
  autoscaling_group_name    = aws_autoscaling_group.app.name
  policy_type               = "StepScaling"
  adjustment_type           = "ChangeInCapacity"
  metric_aggregation_type   = "Average"
  estimated_instance_warmup = 60

  step_adjustment {
    metric_interval_lower_bound = 0
    metric_interval_upper_bound = 20
    scaling_adjustment          = 1
  }
  step_adjustment {
    metric_interval_lower_bound = 20
    scaling_adjustment          = 2
  }
}

resource "aws_cloudwatch_metric_alarm" "steps" {
  alarm_name          = "app-cpu-steps"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = 70
  alarm_actions       = [aws_autoscaling_policy.steps.arn]
  dimensions = {
    AutoScalingGroupName = aws_autoscaling_group.app.name
  }
}

resource "aws_autoscaling_schedule" "night" {
  scheduled_action_name  = "night"
  autoscaling_group_name = aws_autoscaling_group.app.name
  recurrence             = "0 22 * * *"
  time_zone              = "Asia/Seoul"
  min_size               = 1
  max_size               = 2
  desired_capacity       = 1
}

output "cpu_policy_arn" {
  value = aws_autoscaling_policy.cpu.arn
}
