//! Bedrock Data Automation Runtime, which speaks awsJson 1.1: every request
//! is `POST /` naming its operation in `X-Amz-Target`
//! (`AmazonBedrockKeystoneRuntimeService.<Operation>`), and errors are a
//! status with `{"__type": ..., "message": ...}`.
//!
//! Jobs live in memory: `InvokeDataAutomationAsync` starts one (the same
//! `clientToken` starts nothing new), `GetDataAutomationStatus` reads it
//! (`InProgress` the first time, `Success` after), and the tag operations
//! keep tags per ARN. `InvokeDataAutomation` answers at once with one
//! segment echoing its input. A `dataAutomationProfileArn` ending in
//! `/mock.error.<Code>` answers with that modeled error.

use std::collections::BTreeMap;
use std::sync::Mutex;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::RecordedRequest;
use crate::behaviour::Reply;

/// The `X-Amz-Target` prefix of the service.
pub const TARGET_PREFIX: &str = "AmazonBedrockKeystoneRuntimeService";

const MEDIA_TYPE: &str = "application/x-amz-json-1.1";

/// One asynchronous job.
#[derive(Debug, Clone)]
struct Job {
    arn: String,
    client_token: Option<String>,
    output_configuration: Value,
    submitted: String,
    reads: u32,
}

/// The jobs and tags of one server.
#[derive(Debug, Default)]
pub(crate) struct DataAutomation {
    jobs: Mutex<Vec<Job>>,
    tags: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
}

impl DataAutomation {
    /// Answers a request whose `X-Amz-Target` names one of the service's
    /// operations.
    pub(crate) fn handle(&self, operation: &str, request: &RecordedRequest) -> Reply {
        if request.header("content-type") != Some(MEDIA_TYPE) {
            return error(
                400,
                "SerializationException",
                &format!("mock: Content-Type must be {MEDIA_TYPE}"),
            );
        }
        let Ok(input) = serde_json::from_slice::<Value>(&request.body) else {
            return error(400, "SerializationException", "mock: the body is not JSON");
        };
        match operation {
            "InvokeDataAutomationAsync" => self.start(&input),
            "GetDataAutomationStatus" => self.status(&input),
            "InvokeDataAutomation" => invoke(&input),
            "TagResource" => self.tag(&input),
            "UntagResource" => self.untag(&input),
            "ListTagsForResource" => self.list_tags(&input),
            other => error(
                400,
                "UnknownOperationException",
                &format!("mock: no operation {TARGET_PREFIX}.{other}"),
            ),
        }
    }

    fn start(&self, input: &Value) -> Reply {
        if let Some(reply) = requested_error(input) {
            return reply;
        }
        let (Some(_), Some(output)) = (
            input.pointer("/inputConfiguration/s3Uri"),
            input.get("outputConfiguration"),
        ) else {
            return error(
                400,
                "ValidationException",
                "inputConfiguration.s3Uri and outputConfiguration are required",
            );
        };
        let token = input
            .get("clientToken")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut jobs = lock(&self.jobs);
        if let Some(job) = jobs
            .iter()
            .find(|job| token.is_some() && job.client_token == token)
        {
            return ok(&json!({ "invocationArn": job.arn }));
        }
        let arn = format!(
            "arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/mock-{:08}",
            jobs.len() + 1
        );
        jobs.push(Job {
            arn: arn.clone(),
            client_token: token,
            output_configuration: output.clone(),
            submitted: crate::async_invoke::rfc3339_now(0),
            reads: 0,
        });
        ok(&json!({ "invocationArn": arn }))
    }

    fn status(&self, input: &Value) -> Reply {
        let arn = input
            .get("invocationArn")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut jobs = lock(&self.jobs);
        let Some(job) = jobs.iter_mut().find(|job| job.arn == arn) else {
            return error(
                400,
                "ResourceNotFoundException",
                &format!("no invocation {arn}"),
            );
        };
        job.reads += 1;
        let done = job.reads > 1;
        let mut status = json!({
            "status": if done { "Success" } else { "InProgress" },
            "outputConfiguration": job.output_configuration,
            "jobSubmissionTime": job.submitted,
        });
        if done {
            status["jobCompletionTime"] = json!(job.submitted);
            status["jobDurationInSeconds"] = json!(1);
        }
        ok(&status)
    }

    fn tag(&self, input: &Value) -> Reply {
        let Some(arn) = input.get("resourceARN").and_then(Value::as_str) else {
            return error(400, "ValidationException", "resourceARN is required");
        };
        let mut tags = lock(&self.tags);
        let entry = tags.entry(arn.to_owned()).or_default();
        for tag in input
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(key), Some(value)) = (
                tag.get("key").and_then(Value::as_str),
                tag.get("value").and_then(Value::as_str),
            ) {
                entry.insert(key.to_owned(), value.to_owned());
            }
        }
        ok(&json!({}))
    }

    fn untag(&self, input: &Value) -> Reply {
        let arn = input
            .get("resourceARN")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut tags = lock(&self.tags);
        let Some(entry) = tags.get_mut(arn) else {
            return error(
                400,
                "ResourceNotFoundException",
                &format!("no resource {arn}"),
            );
        };
        for key in input
            .get("tagKeys")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            entry.remove(key);
        }
        ok(&json!({}))
    }

    fn list_tags(&self, input: &Value) -> Reply {
        let arn = input
            .get("resourceARN")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let tags = lock(&self.tags);
        let Some(entry) = tags.get(arn) else {
            return error(
                400,
                "ResourceNotFoundException",
                &format!("no resource {arn}"),
            );
        };
        let tags: Vec<Value> = entry
            .iter()
            .map(|(key, value)| json!({ "key": key, "value": value }))
            .collect();
        ok(&json!({ "tags": tags }))
    }
}

/// InvokeDataAutomation: one document segment describing the input.
fn invoke(input: &Value) -> Reply {
    if let Some(reply) = requested_error(input) {
        return reply;
    }
    let described = match input.get("inputConfiguration") {
        Some(config) if config.get("bytes").is_some() => "inline bytes",
        Some(config) if config.get("s3Uri").is_some() => "an S3 object",
        _ => {
            return error(
                400,
                "ValidationException",
                "inputConfiguration must give bytes or s3Uri",
            );
        }
    };
    ok(&json!({
        "semanticModality": "DOCUMENT",
        "outputSegments": [{
            "standardOutput": json!({ "mock": format!("processed {described}") }).to_string(),
        }],
    }))
}

/// The modeled error a profile ARN ending in `/mock.error.<Code>` asks for.
fn requested_error(input: &Value) -> Option<Reply> {
    let profile = input.get("dataAutomationProfileArn")?.as_str()?;
    let code = profile.rsplit('/').next()?.strip_prefix("mock.error.")?;
    let status = match code {
        "AccessDeniedException" => 403,
        "InternalServerException" => 500,
        "ServiceUnavailableException" => 503,
        "ThrottlingException" => 429,
        "ResourceNotFoundException" => 404,
        _ => 400,
    };
    Some(error(status, code, &format!("mock: {code} as requested")))
}

fn ok(value: &Value) -> Reply {
    Reply::bytes(200, MEDIA_TYPE, Bytes::from(value.to_string()))
}

/// An awsJson error: the code in `__type`, with a namespace as AWS sends it.
fn error(status: u16, code: &str, message: &str) -> Reply {
    let body = json!({
        "__type": format!("com.amazonaws.bedrockdataautomationruntime#{code}"),
        "message": message,
    });
    Reply::bytes(status, MEDIA_TYPE, Bytes::from(body.to_string()))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
