variable "endpoint" {
  type = string
}

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  region                      = "ap-northeast-2"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {
    s3  = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

# The chat-app's private configuration bucket.
resource "aws_s3_bucket" "config" {
  bucket = "tf-environment"
  tags = {
    app = "chat"
  }
}

resource "aws_s3_bucket_versioning" "config" {
  bucket = aws_s3_bucket.config.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "config" {
  bucket = aws_s3_bucket.config.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_object" "env" {
  bucket  = aws_s3_bucket.config.id
  key     = ".env"
  content = "APP_ENV=production\n"
  depends_on = [aws_s3_bucket_versioning.config]
}

# The public image bucket: Block Public Access off, ACLs on, public-read.
resource "aws_s3_bucket" "images" {
  bucket = "tf-pub-images"
}

resource "aws_s3_bucket_public_access_block" "images" {
  bucket                  = aws_s3_bucket.images.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_ownership_controls" "images" {
  bucket = aws_s3_bucket.images.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "images" {
  bucket     = aws_s3_bucket.images.id
  acl        = "public-read"
  depends_on = [aws_s3_bucket_ownership_controls.images, aws_s3_bucket_public_access_block.images]
}

resource "aws_s3_bucket_policy" "images" {
  bucket = aws_s3_bucket.images.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.images.arn}/*"
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.images]
}

resource "aws_s3_bucket_cors_configuration" "images" {
  bucket = aws_s3_bucket.images.id
  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "PUT"]
    allowed_origins = ["https://example.com"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_website_configuration" "images" {
  bucket = aws_s3_bucket.images.id
  index_document {
    suffix = "index.html"
  }
  error_document {
    key = "error.html"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "images" {
  bucket = aws_s3_bucket.images.id
  rule {
    id     = "expire-tmp"
    status = "Enabled"
    filter {
      prefix = "tmp/"
    }
    expiration {
      days = 7
    }
  }
}

resource "aws_s3_object" "cat" {
  bucket       = aws_s3_bucket.images.id
  key          = "cat.png"
  content      = "not really a png"
  content_type = "image/png"
  depends_on   = [aws_s3_bucket_policy.images]
}

output "images_arn" {
  value = aws_s3_bucket.images.arn
}
