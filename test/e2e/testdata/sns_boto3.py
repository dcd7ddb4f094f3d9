"""boto3 against haneul's SNS: topics, subscriptions, fan-out to SQS with filter policies, FIFO, errors.

Run by TestSNSBoto3 with AWS_ENDPOINT_URL pointing at a haneul; exits non-zero on the first failure.
"""
import json

import boto3
import botocore.exceptions

checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise SystemExit("FAIL: " + what)
    checks += 1


def error_code(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None


sns = boto3.client("sns")
sqs = boto3.client("sqs")

topic = sns.create_topic(Name="py-events", Attributes={"DisplayName": "Py"}, Tags=[{"Key": "lang", "Value": "python"}])["TopicArn"]
check(topic == "arn:aws:sns:ap-northeast-2:000000000000:py-events", "topic arn %s" % topic)
attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
check(attrs["DisplayName"] == "Py" and attrs["Owner"] == "000000000000", "topic attributes %s" % attrs)
check(sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "lang", "Value": "python"}], "tags")
check(topic in [t["TopicArn"] for t in sns.list_topics()["Topics"]], "list_topics")

code, msg = error_code(sns.get_topic_attributes, TopicArn=topic + "-gone")
check(code == "NotFound" and msg == "Topic does not exist", "not found %s %s" % (code, msg))
code, msg = error_code(sns.create_topic, Name="bad name")
check(code == "InvalidParameter", "bad name %s" % code)
code, msg = error_code(sns.publish, TopicArn=topic, Message="x" * 262145)
check(code == "InvalidParameter" and msg == "Invalid parameter: Message too long", "too long %s %s" % (code, msg))
code, msg = error_code(sns.publish, TopicArn=topic, Message='{"email":"x"}', MessageStructure="json")
check(code == "InvalidParameter" and "No default entry" in msg, "no default %s %s" % (code, msg))

q_url = sqs.create_queue(QueueName="py-inbox")["QueueUrl"]
q_arn = sqs.get_queue_attributes(QueueUrl=q_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=q_arn, ReturnSubscriptionArn=True,
                    Attributes={"FilterPolicy": json.dumps({"kind": [{"anything-but": "spam"}]})})["SubscriptionArn"]
sub_attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
check(sub_attrs["PendingConfirmation"] == "false" and sub_attrs["FilterPolicyScope"] == "MessageAttributes", "sub attributes %s" % sub_attrs)

for kind in ["spam", "mail"]:
    sns.publish(TopicArn=topic, Message="hello " + kind, Subject="greeting",
                MessageAttributes={"kind": {"DataType": "String", "StringValue": kind}})
msgs = sqs.receive_message(QueueUrl=q_url, MaxNumberOfMessages=10).get("Messages", [])
check(len(msgs) == 1, "filtered fan-out delivered %d" % len(msgs))
env = json.loads(msgs[0]["Body"])
check(env["Type"] == "Notification" and env["Message"] == "hello mail" and env["Subject"] == "greeting" and env["TopicArn"] == topic,
      "envelope %s" % env)
check(env["MessageAttributes"]["kind"] == {"Type": "String", "Value": "mail"}, "envelope attributes %s" % env)

sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="true")
batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
    {"Id": "a", "Message": "raw one", "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "mail"}}},
    {"Id": "b", "Message": "raw two", "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "push"}}}])
check(len(batch["Successful"]) == 2 and not batch["Failed"], "publish_batch %s" % batch)
bodies = set()
for _ in range(3):
    for m in sqs.receive_message(QueueUrl=q_url, MaxNumberOfMessages=10).get("Messages", []):
        bodies.add(m["Body"])
check(bodies == {"raw one", "raw two"}, "raw bodies %s" % bodies)

fifo = sns.create_topic(Name="py.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
r1 = sns.publish(TopicArn=fifo, Message="m", MessageGroupId="g")
r2 = sns.publish(TopicArn=fifo, Message="m", MessageGroupId="g")
check(r1["MessageId"] == r2["MessageId"] and r1["SequenceNumber"] == r2["SequenceNumber"], "fifo dedup %s %s" % (r1, r2))

sns.unsubscribe(SubscriptionArn=sub)
check(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == [], "unsubscribed")
sns.delete_topic(TopicArn=topic)
code, _ = error_code(sns.get_topic_attributes, TopicArn=topic)
check(code == "NotFound", "deleted")
print("sns boto3: %d checks passed" % checks)
