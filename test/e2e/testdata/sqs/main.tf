# SQS as the seed systems declare it: a work queue with a dead-letter queue,
# a FIFO queue, and a queue policy. Applied against haneul by TestTerraformSQS.
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
    sqs = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

resource "aws_sqs_queue" "dlq" {
  name                      = "haneul-orders-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "orders" {
  name                       = "haneul-orders"
  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 20
  delay_seconds              = 5
  max_message_size           = 262144
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 4
  })
  tags = {
    app = "coupon"
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.orders.arn]
  })
}

resource "aws_sqs_queue" "chat" {
  name                        = "haneul-chat.fifo"
  fifo_queue                  = true
  content_based_deduplication = true
  deduplication_scope         = "messageGroup"
  fifo_throughput_limit       = "perMessageGroupId"
}

resource "aws_sqs_queue" "encrypted" {
  name                              = "haneul-sealed"
  kms_master_key_id                 = "alias/aws/sqs"
  kms_data_key_reuse_period_seconds = 600
}

data "aws_iam_policy_document" "senders" {
  statement {
    sid     = "AllowSend"
    actions = ["sqs:SendMessage"]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    resources = [aws_sqs_queue.orders.arn]
  }
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy    = data.aws_iam_policy_document.senders.json
}

output "orders_url" {
  value = aws_sqs_queue.orders.url
}
