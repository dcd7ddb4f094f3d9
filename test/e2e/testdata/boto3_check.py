"""boto3 against haneul: results parse, and errors raise the modelled exception classes.

Run by TestBoto3 with AWS_ENDPOINT_URL pointing at a haneul; exits non-zero on the first failure.
"""
import boto3
import botocore.exceptions

checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise SystemExit("FAIL: " + what)
    checks += 1


sts = boto3.client("sts")
me = sts.get_caller_identity()
check(me["Account"] == "000000000000", "default account")

role = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/app", RoleSessionName="py")
check(role["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/app/py", "assumed role arn")
check(role["Credentials"]["Expiration"].tzinfo is not None, "expiration parsed as a timestamp")

try:
    sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/app", RoleSessionName="bad name")
    check(False, "bad session name accepted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "ValidationError", "ValidationError code: %s" % e.response["Error"])
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "400 status")

try:
    sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/app", RoleSessionName="py", WebIdentityToken="x" * 10)
    check(False, "bad token accepted")
except sts.exceptions.InvalidIdentityTokenException:
    checks += 1

print("%d boto3 checks passed" % checks)
