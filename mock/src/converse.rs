//! Converse, ConverseStream and CountTokens: echo-style replies shaped like
//! the real API. When the request offers tools and the last user message
//! asks to "use" one (or `toolChoice` names one), the reply is a `toolUse`
//! block; a `toolResult` in the last message gets a text reply about it.

use serde_json::{Value, json};

use crate::behaviour::Reply;
use crate::families::tokens;
use crate::stream::{Step, event_message, spawn};
use crate::{RecordedRequest, State};

/// What the assistant says back.
enum Answer {
    Text(String),
    ToolUse { name: String, input: Value },
}

fn last_user_message(request: &Value) -> Option<&Value> {
    request
        .get("messages")?
        .as_array()?
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
}

fn text_of(message: &Value) -> String {
    message
        .get("content")
        .and_then(Value::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn answer(request: &Value) -> Answer {
    let Some(message) = last_user_message(request) else {
        return Answer::Text("Echo: ".to_owned());
    };
    let text = text_of(message);
    let has_tool_result = message
        .get("content")
        .and_then(Value::as_array)
        .is_some_and(|blocks| blocks.iter().any(|b| b.get("toolResult").is_some()));
    if has_tool_result {
        return Answer::Text("Echo: received the tool result".to_owned());
    }
    let tools: Vec<&str> = request
        .pointer("/toolConfig/tools")
        .and_then(Value::as_array)
        .map(|tools| {
            tools
                .iter()
                .filter_map(|t| t.pointer("/toolSpec/name").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let chosen = request
        .pointer("/toolConfig/toolChoice/tool/name")
        .and_then(Value::as_str);
    let wants_tool = chosen.is_some() || text.to_lowercase().contains("use");
    match (tools.first(), wants_tool) {
        (Some(first), true) => Answer::ToolUse {
            name: chosen.unwrap_or(first).to_owned(),
            input: json!({ "query": text }),
        },
        _ => Answer::Text(format!("Echo: {text}")),
    }
}

/// The request's JSON body, unless a `mock.` model id chooses a scripted
/// reply (an error, a throttle) or the body is not JSON.
async fn json_request(
    state: &State,
    model_id: &str,
    request: &RecordedRequest,
) -> Result<Value, Reply> {
    if let Some(reply) = crate::behaviour::mock_behaviour(state, model_id).await {
        return Err(reply);
    }
    serde_json::from_slice(&request.body).map_err(|_| bad_request())
}

fn bad_request() -> Reply {
    Reply::error(
        400,
        "ValidationException",
        "Malformed input request, please reformat your input and try again.",
    )
}

fn usage(request: &Value, output: &str) -> Value {
    let input_tokens = request
        .get("messages")
        .and_then(Value::as_array)
        .map(|ms| ms.iter().map(|m| tokens(&text_of(m))).sum::<usize>())
        .unwrap_or(1);
    let output_tokens = tokens(output);
    json!({"inputTokens": input_tokens, "outputTokens": output_tokens, "totalTokens": input_tokens + output_tokens})
}

/// Converse.
pub(crate) async fn converse(state: &State, model_id: &str, request: &RecordedRequest) -> Reply {
    let body = match json_request(state, model_id, request).await {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let (content, stop_reason, said) = match answer(&body) {
        Answer::Text(text) => (json!([{ "text": text }]), "end_turn", text),
        Answer::ToolUse { name, input } => {
            let said = input.to_string();
            (
                json!([
                    {"text": format!("Calling {name}.")},
                    {"toolUse": {"toolUseId": "tooluse_mock_01", "name": name, "input": input}}
                ]),
                "tool_use",
                said,
            )
        }
    };
    Reply::json(
        200,
        &json!({
            "output": {"message": {"role": "assistant", "content": content}},
            "stopReason": stop_reason,
            "usage": usage(&body, &said),
            "metrics": {"latencyMs": 42}
        }),
    )
}

/// ConverseStream: the same answer as events.
pub(crate) async fn converse_stream(
    state: &State,
    model_id: &str,
    request: &RecordedRequest,
) -> Reply {
    let body = match json_request(state, model_id, request).await {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut events = vec![("messageStart", json!({"role": "assistant"}))];
    let (stop_reason, said) = match answer(&body) {
        Answer::Text(text) => {
            for word in text.split_inclusive(' ') {
                events.push((
                    "contentBlockDelta",
                    json!({"delta": {"text": word}, "contentBlockIndex": 0}),
                ));
            }
            events.push(("contentBlockStop", json!({"contentBlockIndex": 0})));
            ("end_turn", text)
        }
        Answer::ToolUse { name, input } => {
            let input = input.to_string();
            events.push((
                "contentBlockStart",
                json!({"start": {"toolUse": {"toolUseId": "tooluse_mock_01", "name": name}}, "contentBlockIndex": 0}),
            ));
            let (first, second) = input.split_at(input.len() / 2);
            for part in [first, second] {
                events.push((
                    "contentBlockDelta",
                    json!({"delta": {"toolUse": {"input": part}}, "contentBlockIndex": 0}),
                ));
            }
            events.push(("contentBlockStop", json!({"contentBlockIndex": 0})));
            ("tool_use", input)
        }
    };
    events.push(("messageStop", json!({"stopReason": stop_reason})));
    events.push((
        "metadata",
        json!({"usage": usage(&body, &said), "metrics": {"latencyMs": 42}}),
    ));
    let steps = events
        .into_iter()
        .map(|(event_type, payload)| Step::Message(event_message(event_type, payload.to_string())))
        .collect();
    Reply::stream(
        200,
        "application/vnd.amazon.eventstream",
        spawn(state, steps),
    )
}

/// CountTokens: words of the messages or of the InvokeModel body.
pub(crate) async fn count_tokens(
    state: &State,
    model_id: &str,
    request: &RecordedRequest,
) -> Reply {
    let body = match json_request(state, model_id, request).await {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let count = if let Some(converse) = body.pointer("/input/converse") {
        converse
            .get("messages")
            .and_then(Value::as_array)
            .map(|ms| ms.iter().map(|m| tokens(&text_of(m))).sum::<usize>())
            .unwrap_or(0)
    } else if let Some(encoded) = body
        .pointer("/input/invokeModel/body")
        .and_then(Value::as_str)
    {
        use base64::Engine as _;
        match base64::engine::general_purpose::STANDARD.decode(encoded) {
            Ok(bytes) => tokens(&String::from_utf8_lossy(&bytes)),
            Err(_) => return bad_request(),
        }
    } else {
        return bad_request();
    };
    Reply::json(200, &json!({ "inputTokens": count }))
}
