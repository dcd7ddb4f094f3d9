"""boto3 against haneul's CloudWatch (JSON 1.0, query-compatible errors) and
CloudWatch Logs (JSON 1.1): run by TestCloudWatchBoto3."""
import datetime
import time

import boto3

cw = boto3.client("cloudwatch")
logs = boto3.client("logs")
now = datetime.datetime.now(datetime.timezone.utc)

cw.put_metric_data(Namespace="App", MetricData=[
    {"MetricName": "Requests", "Dimensions": [{"Name": "Service", "Value": "api"}], "Value": v, "Unit": "Count"}
    for v in (1, 2, 3)
])
st = cw.get_metric_statistics(
    Namespace="App", MetricName="Requests", Dimensions=[{"Name": "Service", "Value": "api"}],
    StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=1),
    Period=3600, Statistics=["Sum", "Average"])
assert st["Datapoints"][0]["Sum"] == 6, st
assert isinstance(st["Datapoints"][0]["Timestamp"], datetime.datetime), st

md = cw.get_metric_data(StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=1), MetricDataQueries=[
    {"Id": "r", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Requests", "Dimensions": [{"Name": "Service", "Value": "api"}]}, "Period": 60, "Stat": "Sum"}},
])
assert md["MetricDataResults"][0]["Values"] == [6.0], md

cw.put_metric_alarm(AlarmName="req", Namespace="App", MetricName="Requests", Statistic="Sum", Period=60,
                    EvaluationPeriods=1, Threshold=100, ComparisonOperator="GreaterThanThreshold")
alarms = cw.describe_alarms(AlarmNamePrefix="re")["MetricAlarms"]
assert [a["AlarmName"] for a in alarms] == ["req"], alarms

try:
    cw.get_dashboard(DashboardName="nope")
    raise SystemExit("get_dashboard nope succeeded")
except cw.exceptions.ResourceNotFound as e:
    # DashboardNotFoundError and ResourceNotFound share the query code
    # ResourceNotFound, and botocore raises the class of that code, as with AWS.
    assert e.response["Error"]["Code"] == "ResourceNotFound", e.response
try:
    cw.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "x", "Value": 1}])
    raise SystemExit("AWS/ namespace accepted")
except cw.exceptions.InvalidParameterValueException as e:
    assert e.response["Error"]["Code"] == "InvalidParameterValue", e.response
try:
    cw.delete_alarms(AlarmNames=["nope"])
    raise SystemExit("delete_alarms nope succeeded")
except cw.exceptions.ResourceNotFound:
    pass

logs.create_log_group(logGroupName="/b3", tags={"k": "v"})
logs.create_log_stream(logGroupName="/b3", logStreamName="s")
ms = int(time.time() * 1000)
logs.put_log_events(logGroupName="/b3", logStreamName="s", logEvents=[
    {"timestamp": ms - 1000, "message": '{"level":"ERROR","code":500}'},
    {"timestamp": ms, "message": '{"level":"INFO","code":200}'},
])
got = logs.filter_log_events(logGroupName="/b3", filterPattern="{ $.code >= 500 }")["events"]
assert [e["message"] for e in got] == ['{"level":"ERROR","code":500}'], got
ev = logs.get_log_events(logGroupName="/b3", logStreamName="s", startFromHead=True)["events"]
assert len(ev) == 2, ev
assert logs.list_tags_for_resource(resourceArn="arn:aws:logs:ap-northeast-2:000000000000:log-group:/b3")["tags"] == {"k": "v"}
try:
    logs.create_log_group(logGroupName="/b3")
    raise SystemExit("duplicate group created")
except logs.exceptions.ResourceAlreadyExistsException:
    pass
try:
    logs.get_log_events(logGroupName="/b3", logStreamName="nope")
    raise SystemExit("missing stream read")
except logs.exceptions.ResourceNotFoundException:
    pass
print("boto3 CloudWatch and Logs checks passed")
