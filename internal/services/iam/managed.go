package iam

import (
	"slices"
	"sort"
	"strings"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// managedPolicy is a policy AWS manages: it exists in every account under
// arn:aws:iam::aws:policy/…, can be attached, and cannot be changed.
type managedPolicy struct {
	Name, Path, ID string
	Description    string
	Version        string
	Created        time.Time
	Updated        time.Time
	Document       string
}

func (m managedPolicy) arn() string { return policyARN("aws", m.Path, m.Name) }

// awsPolicy finds an AWS managed policy by ARN.
func (s *Service) awsPolicy(arn string) (managedPolicy, bool) {
	acct, path, name, ok := parsePolicyARN(arn)
	if !ok || acct != "aws" {
		return managedPolicy{}, false
	}
	i := sort.Search(len(s.managed), func(i int) bool { return s.managed[i].Name >= name })
	if i == len(s.managed) || s.managed[i].Name != name || s.managed[i].Path != path {
		return managedPolicy{}, false
	}
	return s.managed[i], true
}

func (s *Service) apiManaged(tx *state.Tx, sc state.Scope, m managedPolicy) Policy {
	return Policy{
		Arn:                           ptr.To(m.arn()),
		AttachmentCount:               ptr.To(s.attachments(tx, sc, m.arn())),
		CreateDate:                    ptr.To(m.Created),
		DefaultVersionId:              ptr.To(m.Version),
		Description:                   ptr.To(m.Description),
		IsAttachable:                  ptr.To(true),
		Path:                          ptr.To(m.Path),
		PermissionsBoundaryUsageCount: ptr.To(int64(0)),
		PolicyId:                      ptr.To(m.ID),
		PolicyName:                    ptr.To(m.Name),
		UpdateDate:                    ptr.To(m.Updated),
	}
}

// awsManagedPolicies returns the AWS managed policies haneul knows, sorted by name.
// Their documents are short stand-ins written for haneul, shaped like AWS's.
func awsManagedPolicies() []managedPolicy {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	stmt := func(actions ...string) string {
		return `{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}`
	}
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	ps := []managedPolicy{
		{Name: "AdministratorAccess", Path: "/", ID: "ANPAIWMBCKSKIEE64ZLYK", Version: "v1",
			Description: "Provides full access to AWS services and resources.",
			Created:     day(2015, 2, 6), Updated: day(2015, 2, 6), Document: doc(stmt("*"))},
		{Name: "ReadOnlyAccess", Path: "/", ID: "ANPAILL3HVNFSB6DCOWYQ", Version: "v1",
			Description: "Provides read-only access to AWS services and resources.",
			Created:     day(2015, 2, 6), Updated: day(2024, 1, 9),
			Document: doc(stmt("ec2:Describe*", "iam:Get*", "iam:List*", "s3:Get*", "s3:List*", "dynamodb:Describe*", "dynamodb:Get*", "dynamodb:Query", "dynamodb:Scan", "sqs:Get*", "sqs:List*", "sns:Get*", "sns:List*", "lambda:Get*", "lambda:List*", "logs:Describe*", "logs:Get*", "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"))},
		{Name: "AmazonSSMManagedInstanceCore", Path: "/", ID: "ANPAIXSHM2BNB2D3AXXRU", Version: "v1",
			Description: "The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.",
			Created:     day(2019, 3, 15), Updated: day(2019, 3, 15),
			Document: doc(
				stmt("ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory", "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"),
				stmt("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"),
				stmt("ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"))},
		{Name: "AmazonEC2ContainerServiceforEC2Role", Path: "/service-role/", ID: "ANPAJLYJCVHC7TQHCSQDS", Version: "v1",
			Description: "Default policy for the Amazon EC2 Role for Amazon EC2 Container Service.",
			Created:     day(2015, 3, 19), Updated: day(2023, 5, 4),
			Document: doc(stmt("ec2:DescribeTags", "ecs:CreateCluster", "ecs:DeregisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:RegisterContainerInstance", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState", "ecs:Submit*", "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"))},
		{Name: "AmazonECSTaskExecutionRolePolicy", Path: "/service-role/", ID: "ANPAJG4T4G4PV56DE72PY", Version: "v1",
			Description: "Provides access to other AWS service resources that are required to run Amazon ECS tasks",
			Created:     day(2017, 11, 16), Updated: day(2017, 11, 16),
			Document: doc(stmt("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"))},
		{Name: "AWSLambdaBasicExecutionRole", Path: "/service-role/", ID: "ANPAJNCQGXC42545SKXIK", Version: "v1",
			Description: "Provides write permissions to CloudWatch Logs.",
			Created:     day(2015, 4, 9), Updated: day(2015, 4, 9),
			Document: doc(stmt("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"))},
		{Name: "AWSLambdaVPCAccessExecutionRole", Path: "/service-role/", ID: "ANPAJVTME3YLVNL72YR2K", Version: "v1",
			Description: "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs. ",
			Created:     day(2016, 2, 11), Updated: day(2024, 1, 5),
			Document: doc(stmt("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))},
		{Name: "AmazonDynamoDBFullAccess", Path: "/", ID: "ANPAINUGF2JSOSUY76KYA", Version: "v1",
			Description: "Provides full access to Amazon DynamoDB via the AWS Management Console.",
			Created:     day(2015, 2, 6), Updated: day(2019, 5, 8),
			Document: doc(stmt("dynamodb:*", "dax:*", "application-autoscaling:*", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:GetMetricStatistics", "cloudwatch:PutMetricAlarm", "iam:GetRole", "iam:ListRoles", "kms:DescribeKey", "kms:ListAliases", "sns:ListTopics", "lambda:ListFunctions"))},
		{Name: "AmazonS3ReadOnlyAccess", Path: "/", ID: "ANPAIZTJ4DXE7G6AGAE6M", Version: "v1",
			Description: "Provides read only access to all buckets via the AWS Management Console.",
			Created:     day(2015, 2, 6), Updated: day(2023, 8, 10),
			Document: doc(stmt("s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"))},
		{Name: "AmazonS3FullAccess", Path: "/", ID: "ANPAIFIR6V6BVTRAHWINE", Version: "v1",
			Description: "Provides full access to all buckets via the AWS Management Console.",
			Created:     day(2015, 2, 6), Updated: day(2021, 9, 27),
			Document: doc(stmt("s3:*", "s3-object-lambda:*"))},
		{Name: "AmazonSQSFullAccess", Path: "/", ID: "ANPAI65L554VRJ33ECQS6", Version: "v1",
			Description: "Provides full access to Amazon SQS via the AWS Management Console.",
			Created:     day(2015, 2, 6), Updated: day(2015, 2, 6), Document: doc(stmt("sqs:*"))},
		{Name: "AmazonSESFullAccess", Path: "/", ID: "ANPAJ2P4NXCHAT7NDPNR4", Version: "v1",
			Description: "Provides full access to Amazon SES via the AWS Management Console.",
			Created:     day(2015, 2, 6), Updated: day(2015, 2, 6), Document: doc(stmt("ses:*"))},
		{Name: "CloudWatchAgentServerPolicy", Path: "/", ID: "ANPAIGOPKN7KRDAKTLG4I", Version: "v1",
			Description: "Permissions required to use AmazonCloudWatchAgent on servers",
			Created:     day(2018, 9, 17), Updated: day(2019, 1, 11),
			Document: doc(
				stmt("cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups", "logs:CreateLogStream", "logs:CreateLogGroup"),
				`{"Effect":"Allow","Action":["ssm:GetParameter"],"Resource":"arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"}`)},
		{Name: "AmazonEC2ContainerRegistryReadOnly", Path: "/", ID: "ANPAIFYZPA37OOHVIH7KQ", Version: "v1",
			Description: "Provides read-only access to Amazon EC2 Container Registry repositories.",
			Created:     day(2015, 12, 21), Updated: day(2019, 12, 5),
			Document: doc(stmt("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings"))},
		{Name: "AWSElasticBeanstalkWebTier", Path: "/", ID: "ANPAIUF4325SJYOREKW3A", Version: "v1",
			Description: "Provide the instances in your web server environment access to upload log files to Amazon S3.",
			Created:     day(2016, 2, 8), Updated: day(2020, 7, 22),
			Document: doc(
				`{"Sid":"BucketAccess","Effect":"Allow","Action":["s3:Get*","s3:List*","s3:PutObject"],"Resource":["arn:aws:s3:::elasticbeanstalk-*","arn:aws:s3:::elasticbeanstalk-*/*"]}`,
				`{"Sid":"XRayAccess","Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":"*"}`,
				`{"Sid":"CloudWatchLogsAccess","Effect":"Allow","Action":["logs:PutLogEvents","logs:CreateLogStream","logs:DescribeLogStreams","logs:DescribeLogGroups"],"Resource":["arn:aws:logs:*:*:log-group:/aws/elasticbeanstalk*"]}`)},
		{Name: "AWSElasticBeanstalkWorkerTier", Path: "/", ID: "ANPAJQDLBRSJVKVF4JMSK", Version: "v1",
			Description: "Provide the instances in your worker environment access to upload log files to Amazon S3, to use Amazon SQS to monitor your application's job queue, to use Amazon DynamoDB to perform leader election, and to Amazon CloudWatch to publish metrics for health monitoring.",
			Created:     day(2016, 2, 8), Updated: day(2020, 7, 22),
			Document: doc(
				`{"Sid":"MetricsAccess","Effect":"Allow","Action":["cloudwatch:PutMetricData"],"Resource":"*"}`,
				`{"Sid":"QueueAccess","Effect":"Allow","Action":["sqs:ChangeMessageVisibility","sqs:DeleteMessage","sqs:ReceiveMessage","sqs:SendMessage"],"Resource":"*"}`,
				`{"Sid":"BucketAccess","Effect":"Allow","Action":["s3:Get*","s3:List*","s3:PutObject"],"Resource":["arn:aws:s3:::elasticbeanstalk-*","arn:aws:s3:::elasticbeanstalk-*/*"]}`,
				`{"Sid":"DynamoPeriodicTasks","Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:BatchWriteItem","dynamodb:DeleteItem","dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query","dynamodb:Scan","dynamodb:UpdateItem"],"Resource":["arn:aws:dynamodb:*:*:table/*-stack-AWSEBWorkerCronLeaderRegistry*"]}`)},
		{Name: "AmazonEKSClusterPolicy", Path: "/", ID: "ANPAIBTLDQMIC6UOIGFWA", Version: "v1",
			Description: "This policy provides Kubernetes the permissions it requires to manage resources on your behalf.",
			Created:     day(2018, 5, 27), Updated: day(2024, 4, 26),
			Document: doc(stmt("autoscaling:DescribeAutoScalingGroups", "autoscaling:UpdateAutoScalingGroup", "ec2:*", "elasticloadbalancing:*", "kms:DescribeKey", "iam:CreateServiceLinkedRole"))},
		{Name: "AmazonEKSWorkerNodePolicy", Path: "/", ID: "ANPAIBVMOY52IPQ6HD3PO", Version: "v1",
			Description: "This policy allows Amazon EKS worker nodes to connect to Amazon EKS Clusters.",
			Created:     day(2018, 5, 27), Updated: day(2024, 3, 1),
			Document: doc(stmt("ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs", "eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity"))},
	}
	slices.SortFunc(ps, func(a, b managedPolicy) int { return strings.Compare(a.Name, b.Name) })
	return ps
}
