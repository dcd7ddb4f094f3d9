# SNS as the seed systems declare it: a topic fanned out to a queue with raw
# delivery and a filter policy, the queue policy letting the topic send, and
# a FIFO topic. Applied against haneul by TestTerraformSNS.
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
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true

  endpoints {
    sns = var.endpoint
    sqs = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

resource "aws_sns_topic" "events" {
  name         = "haneul-events"
  display_name = "Events"
  tags = {
    team = "chat"
  }
}

resource "aws_sns_topic" "orders" {
  name                        = "haneul-orders.fifo"
  fifo_topic                  = true
  content_based_deduplication = true
}

resource "aws_sqs_queue" "notify" {
  name = "haneul-notify"
}

resource "aws_sqs_queue_policy" "notify" {
  queue_url = aws_sqs_queue.notify.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowTopic"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.notify.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.events.arn } }
    }]
  })
}

resource "aws_sns_topic_subscription" "notify" {
  topic_arn            = aws_sns_topic.events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.notify.arn
  raw_message_delivery = true
  filter_policy = jsonencode({
    kind = ["push", "email"]
  })
}

resource "aws_sns_platform_application" "fcm" {
  name                = "haneul-chat-fcm"
  platform            = "GCM"
  platform_credential = "fcm-server-key"
}
