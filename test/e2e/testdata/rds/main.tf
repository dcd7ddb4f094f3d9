# The databases of three seed systems, as Terraform declares them, inside one
# VPC with private subnets in two Availability Zones:
# - coupon (seed 002): RDS MySQL 8.0.35 on db.t4g.micro (free tier, 20 GiB)
#   in a DB subnet group of the private and db subnets;
# - wordpress-ha (seed 003): RDS MariaDB in the private subnets, whose
#   security group admits only the wordpress-allow group on 3306;
# - chat-app (seed 000): RDS MySQL on db.t3.small with 20 GiB and the audit,
#   error, general and slow query logs exported to CloudWatch Logs, with a
#   custom parameter group (utf8mb4, slow query log on).
# Applied against haneul by TestTerraformRDS.
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
    ec2 = var.endpoint
    rds = var.endpoint
    sts = var.endpoint
  }
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "db-vpc" }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "ap-northeast-2a"
  tags              = { Name = "private-subnet" }
}

resource "aws_subnet" "db" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "ap-northeast-2c"
  tags              = { Name = "db-subnet" }
}

resource "aws_security_group" "wordpress" {
  name        = "wordpress-allow"
  description = "WordPress web servers"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "db" {
  name        = "db-allow"
  description = "MySQL/MariaDB from the application tier only"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port       = 3306
    to_port         = 3306
    protocol        = "tcp"
    security_groups = [aws_security_group.wordpress.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_subnet_group" "coupon" {
  name       = "coupon-db-subnet-group"
  subnet_ids = [aws_subnet.private.id, aws_subnet.db.id]
  tags       = { Name = "coupon-db-subnet-group" }
}

# coupon (seed 002): MySQL 8.0.35, free-tier template.
resource "aws_db_instance" "coupon" {
  identifier             = "coupon-mysql"
  engine                 = "mysql"
  engine_version         = "8.0.35"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  storage_type           = "gp2"
  username               = "admin"
  password               = "coupon-password-1"
  db_name                = "coupon"
  db_subnet_group_name   = aws_db_subnet_group.coupon.name
  vpc_security_group_ids = [aws_security_group.db.id]
  skip_final_snapshot    = true
  tags                   = { Name = "coupon-mysql" }
}

# wordpress-ha (seed 003): MariaDB in the private subnets.
resource "aws_db_instance" "wordpress" {
  identifier             = "wordpress-db"
  engine                 = "mariadb"
  engine_version         = "10.11"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "wordpress"
  password               = "wordpress-password-1"
  db_name                = "wordpress"
  db_subnet_group_name   = aws_db_subnet_group.coupon.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  skip_final_snapshot    = true
}

resource "aws_db_parameter_group" "chat" {
  name   = "chat-mysql8"
  family = "mysql8.0"

  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }

  parameter {
    name  = "slow_query_log"
    value = "1"
  }
}

# chat-app (seed 000): MySQL with its logs exported to CloudWatch Logs.
resource "aws_db_instance" "chat" {
  identifier                      = "chat-mysql"
  engine                          = "mysql"
  instance_class                  = "db.t3.small"
  allocated_storage               = 20
  username                        = "admin"
  password                        = "chat-password-1"
  db_subnet_group_name            = aws_db_subnet_group.coupon.name
  parameter_group_name            = aws_db_parameter_group.chat.name
  enabled_cloudwatch_logs_exports = ["audit", "error", "general", "slowquery"]
  backup_retention_period         = 7
  skip_final_snapshot             = true
}

output "coupon_endpoint" {
  value = aws_db_instance.coupon.address
}
