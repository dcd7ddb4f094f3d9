package server

import (
	"haneul/internal/service"
	"haneul/internal/services/acm"
	"haneul/internal/services/autoscaling"
	"haneul/internal/services/budgets"
	"haneul/internal/services/cloudfront"
	"haneul/internal/services/cloudwatch"
	"haneul/internal/services/dynamodb"
	"haneul/internal/services/dynamodbstreams"
	"haneul/internal/services/ec2"
	"haneul/internal/services/efs"
	"haneul/internal/services/elasticache"
	"haneul/internal/services/elb"
	"haneul/internal/services/elbv2"
	"haneul/internal/services/iam"
	"haneul/internal/services/logs"
	"haneul/internal/services/rds"
	"haneul/internal/services/route53"
	"haneul/internal/services/s3"
	"haneul/internal/services/sns"
	"haneul/internal/services/sqs"
	"haneul/internal/services/ssm"
	"haneul/internal/services/sts"
)

// services builds every service haneul runs. Adding a service means adding it here.
func services(deps service.Deps) []service.Service {
	iamSvc := iam.New(deps)
	ddb := dynamodb.New(deps)
	sqsSvc := sqs.New(deps)
	snsSvc := sns.New(deps, sqsSvc)           // SNS delivers to SQS subscriptions
	s3Svc := s3.MustNew(deps, sqsSvc, snsSvc) // S3 sends event notifications to SQS queues and SNS topics
	ec2Svc := ec2.New(deps)
	r53 := route53.New(deps)                         // its DNS names registry is for other services; ACM validates through it
	elbv2Svc := elbv2.New(deps, ec2Svc, r53.Names()) // ELBv2 checks EC2 subnets/instances, publishes DNS names
	elbSvc := elb.New(deps, ec2Svc, r53.Names())     // Classic ELB checks EC2 subnets/instances, publishes DNS names
	asg := autoscaling.New(deps, ec2Svc, elbv2Svc)   // groups launch EC2 instances into ELBv2 target groups
	asg.SetClassicELB(elbSvc)                        // … and register them with Classic Load Balancers
	cw := cloudwatch.New(deps)
	asg.SetAlarms(cw)          // target tracking policies create CloudWatch alarms
	cw.SetTargets(asg, snsSvc) // alarm actions run Auto Scaling policies and notify SNS topics; group metrics
	return []service.Service{
		iamSvc,
		sts.New(deps, iamSvc), // STS assumes IAM's roles
		ssm.New(deps),
		budgets.New(deps),
		sqsSvc,
		snsSvc,
		s3Svc,
		ddb,
		dynamodbstreams.New(deps, ddb),
		ec2Svc,
		elbv2Svc,
		asg,
		elbSvc,
		cw,
		logs.New(deps),
		r53,
		acm.New(deps, r53),                       // DNS validation reads Route 53's zones
		cloudfront.New(deps, s3Svc, r53.Names()), // the edge reads S3 origins; distribution domains go to DNS
		elasticache.New(deps, ec2Svc, r53.Names(), nil), // subnet groups check EC2 subnets; endpoints go to DNS; no engine yet
		efs.New(deps, ec2Svc, r53.Names()),              // mount targets take EC2 subnet addresses; DNS names
		rds.New(deps, ec2Svc, r53.Names(), nil),         // subnet groups check EC2 subnets; endpoints go to DNS; no engine yet
	}
}
