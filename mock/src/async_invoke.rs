//! StartAsyncInvoke, GetAsyncInvoke and ListAsyncInvokes, in memory: a job
//! is `InProgress` when started and `Completed` once it has been read back.
//! Lists page by `maxResults`, newest first unless `sortOrder=Ascending`.

use std::sync::Mutex;
use std::time::SystemTime;

use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::RecordedRequest;
use crate::behaviour::Reply;

/// One asynchronous invocation.
#[derive(Debug, Clone)]
struct Job {
    arn: String,
    model_arn: String,
    token: Option<String>,
    completed: bool,
    submitted: String,
    output_data_config: Value,
}

impl Job {
    fn summary(&self) -> Value {
        let mut summary = json!({
            "invocationArn": self.arn,
            "modelArn": self.model_arn,
            "status": if self.completed { "Completed" } else { "InProgress" },
            "submitTime": self.submitted,
            "lastModifiedTime": self.submitted,
            "outputDataConfig": self.output_data_config,
        });
        if let Some(token) = &self.token {
            summary["clientRequestToken"] = json!(token);
        }
        if self.completed {
            summary["endTime"] = json!(self.submitted);
        }
        summary
    }
}

/// The jobs of one server.
#[derive(Debug, Default)]
pub(crate) struct Jobs {
    jobs: Mutex<Vec<Job>>,
}

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// StartAsyncInvoke; the same `clientRequestToken` starts nothing new.
    pub(crate) fn start(&self, request: &RecordedRequest) -> Reply {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return Reply::error(400, "ValidationException", "Malformed input request");
        };
        let (Some(model_id), Some(output)) = (
            body.get("modelId").and_then(Value::as_str),
            body.get("outputDataConfig"),
        ) else {
            return Reply::error(
                400,
                "ValidationException",
                "modelId and outputDataConfig are required",
            );
        };
        let token = body
            .get("clientRequestToken")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut jobs = self.lock();
        if let Some(existing) = token
            .as_ref()
            .and_then(|t| jobs.iter().find(|j| j.token.as_ref() == Some(t)))
        {
            return Reply::json(200, &json!({ "invocationArn": existing.arn }));
        }
        let arn = format!(
            "arn:aws:bedrock:us-east-1:123456789012:async-invoke/mock{:08}",
            jobs.len() + 1
        );
        let submitted = rfc3339_now(jobs.len());
        jobs.push(Job {
            arn: arn.clone(),
            model_arn: format!("arn:aws:bedrock:us-east-1::foundation-model/{model_id}"),
            token,
            completed: false,
            submitted,
            output_data_config: output.clone(),
        });
        Reply::json(200, &json!({ "invocationArn": arn }))
    }

    /// GetAsyncInvoke.
    pub(crate) fn get(&self, encoded_arn: &str) -> Reply {
        let arn = percent_decode_str(encoded_arn).decode_utf8_lossy();
        let mut jobs = self.lock();
        match jobs.iter_mut().find(|j| j.arn == arn) {
            Some(job) => {
                let reply = job.summary();
                job.completed = true;
                Reply::json(200, &reply)
            }
            None => Reply::error(
                404,
                "ResourceNotFoundException",
                &format!("no asynchronous invocation {arn}"),
            ),
        }
    }

    /// ListAsyncInvokes; `nextToken` is the index of the next job.
    pub(crate) fn list(&self, query: &str) -> Reply {
        let params: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (
                    percent_decode_str(k).decode_utf8_lossy().into_owned(),
                    percent_decode_str(v).decode_utf8_lossy().into_owned(),
                )
            })
            .collect();
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let max: usize = param("maxResults")
            .and_then(|m| m.parse().ok())
            .unwrap_or(1000)
            .max(1);
        let start: usize = match param("nextToken") {
            None => 0,
            Some(token) => match token.strip_prefix("page-").and_then(|n| n.parse().ok()) {
                Some(start) => start,
                None => return Reply::error(400, "ValidationException", "invalid nextToken"),
            },
        };
        let mut jobs: Vec<Job> = self.lock().clone();
        if param("sortOrder") != Some("Ascending") {
            jobs.reverse();
        }
        if let Some(status) = param("statusEquals") {
            jobs.retain(|j| {
                (if j.completed {
                    "Completed"
                } else {
                    "InProgress"
                }) == status
            });
        }
        let page: Vec<Value> = jobs
            .iter()
            .skip(start)
            .take(max)
            .map(Job::summary)
            .collect();
        let mut reply = json!({ "asyncInvokeSummaries": page });
        if start + max < jobs.len() {
            reply["nextToken"] = json!(format!("page-{}", start + max));
        }
        Reply::json(200, &reply)
    }
}

/// Now, as ISO 8601 with `offset` seconds added so that jobs sort by start.
pub(crate) fn rfc3339_now(offset: usize) -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        + offset as u64;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}
