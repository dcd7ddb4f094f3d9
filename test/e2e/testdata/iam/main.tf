# IAM as a typical application stack declares it, applied against haneul by
# TestTerraformIAM.
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
  skip_region_validation      = true

  endpoints {
    iam = var.endpoint
    sts = var.endpoint
  }
}

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name                 = "haneul-app"
  path                 = "/apps/"
  description          = "application role"
  assume_role_policy   = data.aws_iam_policy_document.assume_ec2.json
  max_session_duration = 7200
  tags = {
    Team = "platform"
  }
}

resource "aws_iam_role_policy" "app_inline" {
  name = "read-bucket"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:ListBucket"]
      Resource = ["arn:aws:s3:::app-bucket", "arn:aws:s3:::app-bucket/*"]
    }]
  })
}

resource "aws_iam_policy" "queue" {
  name        = "haneul-queue-access"
  path        = "/apps/"
  description = "send and receive on the app queue"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "Queue"
      Effect   = "Allow"
      Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
      Resource = "arn:aws:sqs:ap-northeast-2:*:app-queue"
    }]
  })
  tags = {
    Team = "platform"
  }
}

resource "aws_iam_role_policy_attachment" "queue" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.queue.arn
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "app" {
  name = "haneul-app"
  role = aws_iam_role.app.name
}

resource "aws_iam_user" "deployer" {
  name = "haneul-deployer"
  path = "/ci/"
  tags = {
    Purpose = "deploys"
  }
}

resource "aws_iam_access_key" "deployer" {
  user = aws_iam_user.deployer.name
}

resource "aws_iam_user_policy" "deployer" {
  name = "deploy"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = aws_iam_role.app.arn
    }]
  })
}

resource "aws_iam_group" "deployers" {
  name = "haneul-deployers"
  path = "/ci/"
}

resource "aws_iam_group_membership" "deployers" {
  name  = "haneul-deployers-membership"
  group = aws_iam_group.deployers.name
  users = [aws_iam_user.deployer.name]
}

output "role_arn" {
  value = aws_iam_role.app.arn
}

output "access_key_id" {
  value = aws_iam_access_key.deployer.id
}
