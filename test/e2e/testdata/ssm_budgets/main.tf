# SSM Parameter Store and AWS Budgets against haneul: the public AMI
# parameters, String and SecureString parameters, and a monthly cost budget
# with an e-mail alert (a billing alarm).

variable "endpoint" {
  type = string
}

provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  region                      = "ap-northeast-2"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  # The account id comes from haneul's STS, as it would from AWS's: the
  # budget resource needs it.

  endpoints {
    ssm     = var.endpoint
    budgets = var.endpoint
    sts     = var.endpoint
    iam     = var.endpoint
  }
}

data "aws_ssm_parameter" "ecs_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
}

data "aws_ssm_parameter" "ubuntu_ami" {
  name = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
}

resource "aws_ssm_parameter" "config" {
  name        = "/haneul/app/config"
  type        = "String"
  value       = "feature=on"
  description = "application settings"
  tags = {
    app = "haneul"
  }
}

resource "aws_ssm_parameter" "db_password" {
  name  = "/haneul/app/db-password"
  type  = "SecureString"
  value = "s3cr3t-pa55"
}

resource "aws_ssm_parameter" "ami" {
  name      = "/haneul/app/ami"
  type      = "String"
  data_type = "aws:ec2:image"
  value     = data.aws_ssm_parameter.ubuntu_ami.value
}

resource "aws_budgets_budget" "billing_alarm" {
  name         = "monthly-billing-alarm"
  budget_type  = "COST"
  limit_amount = "10"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = ["billing@example.com"]
  }

  tags = {
    purpose = "billing-alarm"
  }
}

output "ecs_ami" {
  value     = data.aws_ssm_parameter.ecs_ami.value
  sensitive = true
}

output "ubuntu_ami" {
  value     = data.aws_ssm_parameter.ubuntu_ami.value
  sensitive = true
}

output "budget_arn" {
  value = aws_budgets_budget.billing_alarm.arn
}
