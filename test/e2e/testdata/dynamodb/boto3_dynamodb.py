"""boto3 checks for DynamoDB, run by TestDynamoDBBoto3 against a haneul whose
endpoint is in AWS_ENDPOINT_URL: the low-level client and the resource layer
with Key/Attr conditions, batch writers, transactions and TTL."""
import decimal
import sys

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

ddb = boto3.resource("dynamodb")
client = boto3.client("dynamodb")

table = ddb.create_table(
    TableName="orders",
    KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "order_id", "KeyType": "RANGE"}],
    AttributeDefinitions=[
        {"AttributeName": "customer", "AttributeType": "S"},
        {"AttributeName": "order_id", "AttributeType": "N"},
        {"AttributeName": "state", "AttributeType": "S"},
    ],
    GlobalSecondaryIndexes=[{
        "IndexName": "by-state",
        "KeySchema": [{"AttributeName": "state", "KeyType": "HASH"}, {"AttributeName": "order_id", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
    }],
    BillingMode="PAY_PER_REQUEST",
)
table.wait_until_exists()
table.reload()
assert table.table_status == "ACTIVE", table.table_status

with table.batch_writer() as batch:
    for i in range(60):
        batch.put_item(Item={
            "customer": "c%d" % (i % 3), "order_id": i, "state": "open" if i % 2 else "shipped",
            "total": decimal.Decimal("%d.25" % i), "lines": [{"sku": "s%d" % i, "qty": 1}], "tags": {"a", "b"},
        })

# Key conditions: begins_with is for strings, so range on numbers.
r = table.query(KeyConditionExpression=Key("customer").eq("c1") & Key("order_id").between(10, 30))
ids = [int(it["order_id"]) for it in r["Items"]]
assert ids == [10, 13, 16, 19, 22, 25, 28], ids

r = table.query(KeyConditionExpression=Key("customer").eq("c0"), FilterExpression=Attr("total").gt(50) & Attr("tags").contains("a"),
                ScanIndexForward=False)
ids = [int(it["order_id"]) for it in r["Items"]]
assert ids == [57, 54, 51], ids
assert r["ScannedCount"] == 20, r["ScannedCount"]

# GSI with an INCLUDE projection returns keys and the included attribute only.
r = table.query(IndexName="by-state", KeyConditionExpression=Key("state").eq("open") & Key("order_id").lt(6))
assert [int(it["order_id"]) for it in r["Items"]] == [1, 3, 5], r["Items"]
assert set(r["Items"][0]) == {"customer", "order_id", "state", "total"}, r["Items"][0]

# Scan pagination with a filter.
seen, kwargs = 0, {"FilterExpression": Attr("lines[0].sku").begins_with("s1"), "Limit": 7}
while True:
    page = table.scan(**kwargs)
    seen += len(page["Items"])
    if "LastEvaluatedKey" not in page:
        break
    kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
assert seen == 11, seen  # s1, s10..s19

# Update with ReturnValues and a failing condition carrying the old item.
out = table.update_item(Key={"customer": "c0", "order_id": 0}, UpdateExpression="SET #t = #t + :d, #l[0].qty = :q REMOVE tags",
                        ExpressionAttributeNames={"#t": "total", "#l": "lines"},  # both are reserved words
                        ExpressionAttributeValues={":d": decimal.Decimal("0.75"), ":q": 5}, ReturnValues="UPDATED_NEW")
assert out["Attributes"]["total"] == decimal.Decimal("1"), out
assert out["Attributes"]["lines"] == [{"qty": 5}], out
try:
    table.put_item(Item={"customer": "c0", "order_id": 0}, ConditionExpression=Attr("customer").not_exists(),
                   ReturnValuesOnConditionCheckFailure="ALL_OLD")
    sys.exit("conditional put succeeded")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ConditionalCheckFailedException", e.response
    assert e.response["Item"]["total"] == {"N": "1"}, e.response

try:
    table.update_item(Key={"customer": "c0", "order_id": 0}, UpdateExpression="SET #s = :s", ExpressionAttributeValues={":s": "x", ":unused": 1},
                      ExpressionAttributeNames={"#s": "state"})
    sys.exit("unused value accepted")
except ClientError as e:
    assert e.response["Error"]["Message"] == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}", e.response

# Transactions through the client.
try:
    client.transact_write_items(TransactItems=[
        {"Put": {"TableName": "orders", "Item": {"customer": {"S": "c9"}, "order_id": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": "orders", "Key": {"customer": {"S": "c0"}, "order_id": {"N": "0"}},
                            "ConditionExpression": "attribute_not_exists(customer)"}},
    ])
    sys.exit("transaction succeeded")
except ClientError as e:
    assert e.response["Error"]["Code"] == "TransactionCanceledException", e.response
    assert [r["Code"] for r in e.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"], e.response
assert "Item" not in table.get_item(Key={"customer": "c9", "order_id": 1})

got = ddb.batch_get_item(RequestItems={"orders": {"Keys": [{"customer": "c1", "order_id": 1}, {"customer": "c2", "order_id": 2}],
                                                  "ProjectionExpression": "order_id"}})
assert sorted(int(i["order_id"]) for i in got["Responses"]["orders"]) == [1, 2], got
assert got["UnprocessedKeys"] == {}, got

client.update_time_to_live(TableName="orders", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
assert client.describe_time_to_live(TableName="orders")["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"

# DynamoDB Streams: the record of each change, with both images.
client.update_table(TableName="orders", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
table.put_item(Item={"customer": "c5", "order_id": 500, "total": 1})
table.update_item(Key={"customer": "c5", "order_id": 500}, UpdateExpression="SET #t = :t", ExpressionAttributeNames={"#t": "total"},
                  ExpressionAttributeValues={":t": 2})
streams = boto3.client("dynamodbstreams")
arn = streams.list_streams(TableName="orders")["Streams"][0]["StreamArn"]
shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
recs = streams.get_records(ShardIterator=it)["Records"]
assert [r["eventName"] for r in recs] == ["INSERT", "MODIFY"], recs
assert recs[1]["dynamodb"]["OldImage"]["total"] == {"N": "1"} and recs[1]["dynamodb"]["NewImage"]["total"] == {"N": "2"}, recs

# PartiQL through the client: INSERT, a parameterised SELECT, a batch.
client.execute_statement(Statement="INSERT INTO \"orders\" VALUE {'customer': 'q1', 'order_id': 7, 'total': 70}")
got = client.execute_statement(Statement='SELECT total FROM "orders" WHERE customer = ? AND order_id = ?',
                               Parameters=[{"S": "q1"}, {"N": "7"}])
assert got["Items"] == [{"total": {"N": "70"}}], got
batch = client.batch_execute_statement(Statements=[
    {"Statement": "INSERT INTO \"orders\" VALUE {'customer': 'q1', 'order_id': 7}"},
    {"Statement": "DELETE FROM \"orders\" WHERE customer = 'q1' AND order_id = 7"},
])["Responses"]
assert batch[0]["Error"]["Code"] == "DuplicateItem" and "Error" not in batch[1], batch
assert "Item" not in table.get_item(Key={"customer": "q1", "order_id": 7})

table.delete()
table.wait_until_not_exists()
print("boto3 dynamodb: all checks passed")
