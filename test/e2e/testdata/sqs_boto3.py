"""boto3 against haneul's SQS: queues, messages with attributes, FIFO, batches and errors.

Run by TestSQSBoto3 with AWS_ENDPOINT_URL pointing at a haneul; exits non-zero on the first failure.
"""
import hashlib

import boto3
import botocore.exceptions

checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise SystemExit("FAIL: " + what)
    checks += 1


sqs = boto3.client("sqs")
url = sqs.create_queue(QueueName="py-work", Attributes={"VisibilityTimeout": "5"}, tags={"lang": "python"})["QueueUrl"]
check(url.endswith("/000000000000/py-work"), "queue url %s" % url)
check(sqs.get_queue_url(QueueName="py-work")["QueueUrl"] == url, "get_queue_url")
check(sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"lang": "python"}, "tags")

body = "hello from boto3 \u2603"
sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
    "n": {"DataType": "Number", "StringValue": "42"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
})
check(sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), "body md5")
check("MD5OfMessageAttributes" in sent, "attribute md5 on send")

got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                          AttributeNames=["All"], MessageAttributeNames=["All"])["Messages"]
check(len(got) == 1 and got[0]["Body"] == body, "received body")
m = got[0]
check(m["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\x01", "binary attribute")
check(m["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"], "attribute md5 on receive")
check(m["Attributes"]["ApproximateReceiveCount"] == "1", "receive count")
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
again = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"]
check(again[0]["Attributes"]["ApproximateReceiveCount"] == "2", "receive count after release")
sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])

res = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m%d" % i} for i in range(10)])
check(len(res["Successful"]) == 10, "batch send")
seen = []
while len(seen) < 10:
    r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    msgs = r.get("Messages", [])
    seen += [x["Body"] for x in msgs]
    if msgs:
        d = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": x["ReceiptHandle"]} for i, x in enumerate(msgs)])
        check(len(d["Successful"]) == len(msgs), "batch delete")
check(sorted(seen) == sorted("m%d" % i for i in range(10)), "batch bodies")

fifo = sqs.create_queue(QueueName="py.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
for i in range(5):
    sqs.send_message(QueueUrl=fifo, MessageBody="f%d" % i, MessageGroupId="g")
sqs.send_message(QueueUrl=fifo, MessageBody="f0", MessageGroupId="g")  # a duplicate within five minutes
order = [x["Body"] for x in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]]
check(order == ["f0", "f1", "f2", "f3", "f4"], "fifo order %s" % order)

try:
    sqs.get_queue_url(QueueName="missing")
    check(False, "missing queue found")
except sqs.exceptions.QueueDoesNotExist as e:
    check(e.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue", "query-compatible code: %s" % e.response["Error"])

try:
    sqs.send_message_batch(QueueUrl=url, Entries=[])
    check(False, "empty batch accepted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "AWS.SimpleQueueService.EmptyBatchRequest", "empty batch: %s" % e.response["Error"])

try:
    sqs.create_queue(QueueName="py-work", Attributes={"VisibilityTimeout": "6"})
    check(False, "differing re-create accepted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "QueueAlreadyExists", "re-create: %s" % e.response["Error"])

sqs.delete_queue(QueueUrl=url)
sqs.delete_queue(QueueUrl=fifo)
check(sqs.list_queues().get("QueueUrls", []) == [], "queues deleted")
print("%d boto3 SQS checks passed" % checks)
