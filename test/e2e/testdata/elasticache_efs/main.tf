# The caches and shared files of three seed systems, as Terraform declares
# them, inside one VPC with private subnets in two Availability Zones:
# - coupon (seed 002): a Redis cluster on cache.t3.micro in a cache subnet group;
# - chat-app (seed 000): two Redis clusters (cache.t2.micro for the Laravel
#   app, cache.t2.small for the chat server) with a security group for 6379,
#   and a small replication group (primary + replica) for the chat sessions;
# - wordpress-ha (seed 003): an encrypted EFS file system with mount targets
#   in both private subnets behind an NFS security group, and an access point.
# Applied against haneul by TestTerraformElastiCacheEFS.
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
    ec2         = var.endpoint
    elasticache = var.endpoint
    efs         = var.endpoint
    sts         = var.endpoint
  }
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "wordpress-vpc" }
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.11.0/24"
  availability_zone = "ap-northeast-2a"
  tags              = { Name = "private-a" }
}

resource "aws_subnet" "private_c" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.12.0/24"
  availability_zone = "ap-northeast-2c"
  tags              = { Name = "private-c" }
}

# --- ElastiCache ----------------------------------------------------------

resource "aws_security_group" "redis" {
  name        = "redis-6379"
  description = "Redis from the VPC"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_elasticache_subnet_group" "coupon" {
  name       = "coupon-subnet-group"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_c.id]
}

resource "aws_elasticache_cluster" "coupon" {
  cluster_id         = "coupon-redis"
  engine             = "redis"
  node_type          = "cache.t3.micro"
  num_cache_nodes    = 1
  subnet_group_name  = aws_elasticache_subnet_group.coupon.name
  security_group_ids = [aws_security_group.redis.id]
  tags               = { Name = "coupon-redis" }
}

resource "aws_elasticache_cluster" "laravel" {
  cluster_id           = "chat-laravel"
  engine               = "redis"
  engine_version       = "7.0"
  parameter_group_name = "default.redis7"
  node_type            = "cache.t2.micro"
  num_cache_nodes      = 1
  port                 = 6379
  subnet_group_name    = aws_elasticache_subnet_group.coupon.name
  security_group_ids   = [aws_security_group.redis.id]
}

resource "aws_elasticache_cluster" "chat" {
  cluster_id         = "chat-server"
  engine             = "redis"
  node_type          = "cache.t2.small"
  num_cache_nodes    = 1
  subnet_group_name  = aws_elasticache_subnet_group.coupon.name
  security_group_ids = [aws_security_group.redis.id]
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "chat-sessions"
  description                = "chat sessions"
  engine                     = "redis"
  node_type                  = "cache.t3.micro"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  subnet_group_name          = aws_elasticache_subnet_group.coupon.name
  security_group_ids         = [aws_security_group.redis.id]
}

# --- EFS ------------------------------------------------------------------

resource "aws_security_group" "efs" {
  name        = "efs-nfs"
  description = "NFS from the WordPress instances"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 2049
    to_port     = 2049
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_efs_file_system" "wordpress" {
  creation_token   = "wordpress-efs"
  encrypted        = true
  performance_mode = "generalPurpose"
  throughput_mode  = "bursting"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = { Name = "wordpress-efs" }
}

resource "aws_efs_mount_target" "a" {
  file_system_id  = aws_efs_file_system.wordpress.id
  subnet_id       = aws_subnet.private_a.id
  security_groups = [aws_security_group.efs.id]
}

resource "aws_efs_mount_target" "c" {
  file_system_id  = aws_efs_file_system.wordpress.id
  subnet_id       = aws_subnet.private_c.id
  security_groups = [aws_security_group.efs.id]
}

resource "aws_efs_access_point" "wordpress" {
  file_system_id = aws_efs_file_system.wordpress.id

  posix_user {
    uid = 48
    gid = 48
  }

  root_directory {
    path = "/wordpress"
    creation_info {
      owner_uid   = 48
      owner_gid   = 48
      permissions = "0755"
    }
  }

  tags = { Name = "wordpress" }
}

resource "aws_efs_backup_policy" "wordpress" {
  file_system_id = aws_efs_file_system.wordpress.id
  backup_policy {
    status = "ENABLED"
  }
}

output "coupon_redis" {
  value = aws_elasticache_cluster.coupon.cache_nodes[0].address
}

output "sessions_primary" {
  value = aws_elasticache_replication_group.sessions.primary_endpoint_address
}

output "efs_mount_ip_a" {
  value = aws_efs_mount_target.a.ip_address
}
