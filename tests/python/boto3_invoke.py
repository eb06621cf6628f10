#!/usr/bin/env python3
"""Calls a local Bedrock Runtime endpoint with boto3, to show that boto3's
requests pass bedrock-mock's SigV4 verifier and that the mock's answers
parse in the official Python SDK.

usage: boto3_invoke.py ENDPOINT_URL
Prints one JSON object: what each call returned.
"""
import json
import sys

import boto3
import botocore.config
from botocore.exceptions import ClientError

url = sys.argv[1]
client = boto3.client(
    "bedrock-runtime",
    region_name="us-east-1",
    endpoint_url=url,
    aws_access_key_id="AKIDEXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 1}),
)
body = b'{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"hello from boto3"}]}'
result = {}

echo = client.invoke_model(modelId="mock.echo", body=body, contentType="application/json", accept="application/json")
result["echo"] = echo["body"].read().decode()

arn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
reply = client.invoke_model(modelId=arn, body=body, contentType="application/json")
result["anthropic"] = json.loads(reply["body"].read())

try:
    client.invoke_model(modelId="mock.error.ModelErrorException", body=body)
except ClientError as err:
    result["error"] = {
        "code": err.response["Error"]["Code"],
        "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
        "originalStatusCode": err.response.get("originalStatusCode"),
    }

stream = client.invoke_model_with_response_stream(modelId="mock.stream.3.16", body=body)
result["chunks"] = [len(event["chunk"]["bytes"]) for event in stream["body"] if "chunk" in event]

print(json.dumps(result))
