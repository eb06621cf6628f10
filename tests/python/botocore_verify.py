#!/usr/bin/env python3
"""Recomputes the SigV4 signature of a recorded request with botocore's
signer, independently of the Rust client that signed it.

Reads one JSON object on stdin: method, url, headers (a list of [name,
value]), body (base64), access_key, secret_key. Prints the signature
botocore computes over the headers the request says it signed.
"""
import base64
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

req = json.load(sys.stdin)
headers = {name: value for name, value in req["headers"]}
authorization = headers["authorization"]
scope = authorization.split("Credential=")[1].split(",")[0].split("/")
signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
region, service = scope[2], scope[3]

request = AWSRequest(
    method=req["method"],
    url=req["url"],
    data=base64.b64decode(req["body"]),
    headers={name: value for name, value in headers.items() if name in signed},
)
token = headers.get("x-amz-security-token")
signer = SigV4Auth(Credentials(req["access_key"], req["secret_key"], token), service, region)
request.context["timestamp"] = headers["x-amz-date"]
canonical = signer.canonical_request(request)
string_to_sign = signer.string_to_sign(request, canonical)
print(json.dumps({"signature": signer.signature(string_to_sign, request), "canonical_request": canonical}))
