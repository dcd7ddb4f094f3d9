# CloudWatch and CloudWatch Logs as seed 001 and a typical service declare
# them, applied against haneul by TestTerraformCloudWatch: the billing alarm
# (AWS/Billing EstimatedCharges, which AWS publishes in us-east-1 only), an
# application alarm, a log group with retention and a log stream.
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
  skip_region_validation      = true

  endpoints {
    cloudwatch     = var.endpoint
    cloudwatchlogs = var.endpoint
    sts            = var.endpoint
    iam            = var.endpoint
  }
}

provider "aws" {
  alias                       = "billing"
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    cloudwatch = var.endpoint
    sts        = var.endpoint
  }
}

resource "aws_cloudwatch_metric_alarm" "billing" {
  provider            = aws.billing
  alarm_name          = "billing-over-10-usd"
  alarm_description   = "Estimated charges are over 10 USD"
  namespace           = "AWS/Billing"
  metric_name         = "EstimatedCharges"
  dimensions          = { Currency = "USD" }
  statistic           = "Maximum"
  period              = 21600
  evaluation_periods  = 1
  threshold           = 10
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = ["arn:aws:sns:us-east-1:000000000000:billing-alerts"]
  tags                = { Purpose = "billing" }
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "web-cpu-high"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  dimensions          = { AutoScalingGroupName = "web" }
  statistic           = "Average"
  period              = 120
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  ok_actions          = ["arn:aws:sns:ap-northeast-2:000000000000:ops"]
}

resource "aws_cloudwatch_metric_alarm" "errors_ratio" {
  alarm_name          = "error-ratio"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  threshold           = 5

  metric_query {
    id          = "ratio"
    expression  = "errors / requests * 100"
    label       = "Error ratio"
    return_data = true
  }
  metric_query {
    id = "errors"
    metric {
      namespace   = "App"
      metric_name = "Errors"
      period      = 60
      stat        = "Sum"
    }
  }
  metric_query {
    id = "requests"
    metric {
      namespace   = "App"
      metric_name = "Requests"
      period      = 60
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/haneul/app"
  retention_in_days = 14
  tags              = { Env = "dev" }
}

resource "aws_cloudwatch_log_stream" "web" {
  name           = "web-1"
  log_group_name = aws_cloudwatch_log_group.app.name
}

resource "aws_cloudwatch_log_metric_filter" "errors" {
  name           = "errors"
  pattern        = "ERROR"
  log_group_name = aws_cloudwatch_log_group.app.name

  metric_transformation {
    name      = "Errors"
    namespace = "App"
    value     = "1"
  }
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = "haneul-main"
  dashboard_body = jsonencode({
    widgets = [{
      type   = "metric"
      x      = 0
      y      = 0
      width  = 12
      height = 6
      properties = {
        metrics = [["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", "web"]]
        period  = 300
        stat    = "Average"
        region  = "ap-northeast-2"
        title   = "CPU"
      }
    }]
  })
}
