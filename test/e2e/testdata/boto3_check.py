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


iam = boto3.client("iam")
trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
created = iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust)
check(created["Role"]["Arn"] == "arn:aws:iam::000000000000:role/app", "role arn")
check(created["Role"]["CreateDate"].tzinfo is not None, "create date parsed")
try:
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust)
    check(False, "duplicate role accepted")
except iam.exceptions.EntityAlreadyExistsException:
    checks += 1
try:
    iam.get_role(RoleName="nope")
    check(False, "missing role found")
except iam.exceptions.NoSuchEntityException as e:
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, "NoSuchEntity is a 404")
try:
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument="{not json")
    check(False, "malformed policy accepted")
except iam.exceptions.MalformedPolicyDocumentException:
    checks += 1
iam.attach_role_policy(RoleName="app", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
attached = iam.list_attached_role_policies(RoleName="app")["AttachedPolicies"]
check([p["PolicyName"] for p in attached] == ["AmazonSSMManagedInstanceCore"], "managed policy attached")
paginator = iam.get_paginator("list_roles")
for i in range(7):
    iam.create_role(RoleName="paged-%d" % i, AssumeRolePolicyDocument=trust)
names = [r["RoleName"] for page in paginator.paginate(PaginationConfig={"PageSize": 3}) for r in page["Roles"]]
check(len(names) == 8 and names == sorted(names), "paginated list_roles: %s" % names)

sts = boto3.client("sts")
me = sts.get_caller_identity()
check(me["Account"] == "000000000000", "default account")

role = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/app", RoleSessionName="py")
check(role["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/app/py", "assumed role arn")
check(role["Credentials"]["Expiration"].tzinfo is not None, "expiration parsed as a timestamp")

try:
    sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/app", RoleSessionName="bad name")
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
