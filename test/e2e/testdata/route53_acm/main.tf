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
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {
    route53 = var.endpoint
    acm     = var.endpoint
    sts     = var.endpoint
    iam     = var.endpoint
  }
}

# chat-app's and wordpress-ha's public zone.
resource "aws_route53_zone" "main" {
  name    = "seongwoo.shop"
  comment = "chat-app"
  tags = {
    Project = "chat-app"
  }
}

resource "aws_route53_record" "apex" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "seongwoo.shop"
  type    = "A"
  ttl     = 300
  records = ["203.0.113.10"]
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www"
  type    = "CNAME"
  ttl     = 300
  records = ["seongwoo.shop"]
}

# wordpress-ha's dev. CNAME, TTL 300.
resource "aws_route53_record" "dev" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "dev.seongwoo.shop"
  type    = "CNAME"
  ttl     = 300
  records = ["www.seongwoo.shop"]
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "seongwoo.shop"
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 -all"]
}

# An alias A record to an S3 website endpoint (its hosted zone in ap-northeast-2).
resource "aws_route53_record" "static" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "static.seongwoo.shop"
  type    = "A"
  alias {
    name                   = "s3-website.ap-northeast-2.amazonaws.com"
    zone_id                = "Z3W03O7B5YMIYP"
    evaluate_target_health = false
  }
}

resource "aws_acm_certificate" "cert" {
  domain_name               = "seongwoo.shop"
  subject_alternative_names = ["*.seongwoo.shop"]
  validation_method         = "DNS"
  tags = {
    Project = "chat-app"
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.cert.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }
  allow_overwrite = true
  zone_id         = aws_route53_zone.main.zone_id
  name            = each.value.name
  type            = each.value.type
  ttl             = 60
  records         = [each.value.record]
}

resource "aws_acm_certificate_validation" "cert" {
  certificate_arn         = aws_acm_certificate.cert.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

output "zone_id" {
  value = aws_route53_zone.main.zone_id
}

output "name_servers" {
  value = aws_route53_zone.main.name_servers
}

output "certificate_arn" {
  value = aws_acm_certificate_validation.cert.certificate_arn
}
