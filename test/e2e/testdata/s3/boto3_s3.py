"""boto3 against haneul's S3: buckets, objects, checksums, multipart,
versioning, presigned URLs and the modelled exceptions."""
import hashlib
import io
import urllib.request
import urllib.error

import boto3
from botocore.config import Config

s3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}))

s3.create_bucket(Bucket="py-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
assert s3.get_bucket_location(Bucket="py-bucket")["LocationConstraint"] == "ap-northeast-2"
try:
    s3.create_bucket(Bucket="py-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    raise SystemExit("re-create should fail")
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass

body = b"hello from boto3 " * 100
put = s3.put_object(Bucket="py-bucket", Key="dir/file.txt", Body=body, Metadata={"k": "v"}, ChecksumAlgorithm="SHA256")
assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), put["ETag"]
got = s3.get_object(Bucket="py-bucket", Key="dir/file.txt", ChecksumMode="ENABLED")
assert got["Body"].read() == body
assert got["Metadata"] == {"k": "v"}
assert got["ChecksumSHA256"] == put["ChecksumSHA256"]
rng = s3.get_object(Bucket="py-bucket", Key="dir/file.txt", Range="bytes=0-4")
assert rng["Body"].read() == b"hello" and rng["ResponseMetadata"]["HTTPStatusCode"] == 206

try:
    s3.get_object(Bucket="py-bucket", Key="missing")
    raise SystemExit("missing key should fail")
except s3.exceptions.NoSuchKey:
    pass
try:
    s3.head_bucket(Bucket="no-such-bucket-here")
    raise SystemExit("missing bucket should fail")
except s3.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "404", e.response

# upload_fileobj goes multipart above its threshold.
data = b"x" * (12 << 20)
cfg = boto3.s3.transfer.TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
s3.upload_fileobj(io.BytesIO(data), "py-bucket", "big.bin", Config=cfg)
head = s3.head_object(Bucket="py-bucket", Key="big.bin")
assert head["ContentLength"] == len(data) and head["ETag"].endswith('-3"'), head
out = io.BytesIO()
s3.download_fileobj("py-bucket", "big.bin", out, Config=cfg)
assert out.getvalue() == data

keys = [o["Key"] for o in s3.list_objects_v2(Bucket="py-bucket")["Contents"]]
assert keys == ["big.bin", "dir/file.txt"], keys
pages = s3.get_paginator("list_objects_v2").paginate(Bucket="py-bucket", Delimiter="/")
prefixes = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
assert prefixes == ["dir/"], prefixes

s3.put_bucket_versioning(Bucket="py-bucket", VersioningConfiguration={"Status": "Enabled"})
v1 = s3.put_object(Bucket="py-bucket", Key="v", Body=b"1")["VersionId"]
v2 = s3.put_object(Bucket="py-bucket", Key="v", Body=b"2")["VersionId"]
assert s3.get_object(Bucket="py-bucket", Key="v", VersionId=v1)["Body"].read() == b"1"
s3.delete_object(Bucket="py-bucket", Key="v")
vs = s3.list_object_versions(Bucket="py-bucket", Prefix="v")
assert len(vs["Versions"]) == 2 and len(vs["DeleteMarkers"]) == 1, vs

url = s3.generate_presigned_url("get_object", Params={"Bucket": "py-bucket", "Key": "dir/file.txt"}, ExpiresIn=60)
assert urllib.request.urlopen(url).read() == body
try:
    urllib.request.urlopen(url.split("?")[0])
    raise SystemExit("anonymous read of a private object should fail")
except urllib.error.HTTPError as e:
    assert e.code == 403, e.code

print("boto3 S3 checks passed")
