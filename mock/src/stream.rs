//! InvokeModelWithResponseStream answers: event-stream bodies built with
//! the generated crate's encoder and sent as they are produced.
//!
//! | model id | answer |
//! |---|---|
//! | `mock.stream.<N>.<S>` | N `chunk` events of S payload bytes each |
//! | `mock.stream-exception.<K>[.<member>]` | K chunks, then an exception event (default `modelStreamErrorException`) |
//! | `mock.stream-error.<K>` | K chunks, then an `error` message |
//! | `mock.stream-cut.<K>` | K chunks, then half a message, then the connection drops |
//! | `mock.stream-slow.<N>.<ms>` | N chunks, `<ms>` apart |
//! | `mock.stream-plain-json` | HTTP 200 with a JSON body, not a stream |
//! | other `mock.*` | the request body as one chunk |
//! | `anthropic.*` | Anthropic Messages streaming events, one per chunk |

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use bedrock_runtime::event_stream::{HeaderValue, Message, encode};
use bytes::{Bytes, BytesMut};
use http_body::Frame;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::behaviour::{Reply, modeled_error};
use crate::families::{self, Family};
use crate::{Body, RecordedRequest, State};

/// What the producer sends down the channel.
pub(crate) type Item = Result<Frame<Bytes>, std::io::Error>;

/// A response body fed by a channel.
pub(crate) struct ChannelBody {
    receiver: mpsc::Receiver<Item>,
}

impl ChannelBody {
    pub(crate) fn new(receiver: mpsc::Receiver<Item>) -> Self {
        ChannelBody { receiver }
    }
}

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        self.receiver.poll_recv(cx)
    }
}

/// What the stream sends, in order.
pub(crate) enum Step {
    Message(Message),
    Bytes(Bytes),
    Pause(Duration),
    Fail,
}

/// A `chunk` event whose `bytes` are `data`.
pub fn chunk(data: &[u8]) -> Message {
    let payload = json!({ "bytes": base64::engine::general_purpose::STANDARD.encode(data) });
    event_message("chunk", payload.to_string())
}

/// An event of type `event_type` with a JSON payload.
pub(crate) fn event_message(event_type: &str, payload: String) -> Message {
    Message::new(Vec::new(), payload)
        .with_header(
            ":event-type",
            HeaderValue::String(event_type.to_owned().into()),
        )
        .with_header(
            ":content-type",
            HeaderValue::String("application/json".into()),
        )
        .with_header(":message-type", HeaderValue::String("event".into()))
}

/// An exception event of the `ResponseStream` union member `member`.
pub fn exception(member: &str) -> Message {
    let code = format!("{}{}", member[..1].to_ascii_uppercase(), &member[1..]);
    let mut payload = modeled_error(&code)
        .map(|(_, body)| body)
        .unwrap_or_else(|| json!({}));
    payload["message"] = json!(format!("mock {code} mid-stream"));
    Message::new(Vec::new(), payload.to_string())
        .with_header(
            ":exception-type",
            HeaderValue::String(member.to_owned().into()),
        )
        .with_header(
            ":content-type",
            HeaderValue::String("application/json".into()),
        )
        .with_header(":message-type", HeaderValue::String("exception".into()))
}

/// An `error` message.
pub fn error_message(code: &str, text: &str) -> Message {
    Message::new(Vec::new(), Bytes::new())
        .with_header(":message-type", HeaderValue::String("error".into()))
        .with_header(":error-code", HeaderValue::String(code.to_owned().into()))
        .with_header(
            ":error-message",
            HeaderValue::String(text.to_owned().into()),
        )
}

/// Frames a message.
pub fn frame(message: &Message) -> Bytes {
    let mut out = BytesMut::new();
    // The mock only builds messages with short, valid headers.
    match encode(message, &mut out) {
        Ok(()) => out.freeze(),
        Err(err) => Bytes::from(format!("mock could not encode a message: {err}")),
    }
}

/// Answers InvokeModelWithResponseStream.
pub(crate) async fn invoke_with_response_stream(
    state: &State,
    model_id: &str,
    request: &RecordedRequest,
) -> Reply {
    if let Some(reply) = crate::behaviour::mock_behaviour(state, model_id).await {
        return reply;
    }
    let mut parts = model_id.split('.');
    let steps = if parts.next() == Some("mock") {
        let kind = parts.next().unwrap_or_default();
        let a: Option<usize> = parts.next().and_then(|n| n.parse().ok());
        let b = parts.next();
        let chunks = |n: usize, size: usize| {
            (0..n).map(move |i| Step::Message(chunk(&payload_bytes(i, size))))
        };
        match kind {
            "stream" => {
                chunks(a.unwrap_or(3), b.and_then(|s| s.parse().ok()).unwrap_or(64)).collect()
            }
            "stream-exception" => {
                let member = b.unwrap_or("modelStreamErrorException");
                chunks(a.unwrap_or(1), 16)
                    .chain([Step::Message(exception(member))])
                    .collect()
            }
            "stream-error" => chunks(a.unwrap_or(1), 16)
                .chain([Step::Message(error_message(
                    "InternalFailure",
                    "mock error message mid-stream",
                ))])
                .collect(),
            "stream-cut" => {
                let whole = frame(&chunk(b"this message never ends"));
                // The pause lets what was sent reach the client before the
                // connection is torn down.
                chunks(a.unwrap_or(1), 16)
                    .chain([
                        Step::Bytes(whole.slice(..whole.len() / 2)),
                        Step::Pause(Duration::from_millis(50)),
                        Step::Fail,
                    ])
                    .collect()
            }
            "stream-plain-json" => return Reply::json(200, &json!({"not": "a stream"})),
            "stream-slow" => {
                let pause = Duration::from_millis(b.and_then(|ms| ms.parse().ok()).unwrap_or(100));
                chunks(a.unwrap_or(3), 16)
                    .flat_map(|step| [Step::Pause(pause), step])
                    .collect()
            }
            _ => vec![Step::Message(chunk(&request.body))],
        }
    } else {
        match families::family(model_id) {
            Some(Family::Anthropic) => anthropic_events(model_id, &request.body),
            Some(family) => {
                let Ok(value) = serde_json::from_slice::<Value>(&request.body) else {
                    return Reply::error(
                        400,
                        "ValidationException",
                        "Malformed input request, please reformat your input and try again.",
                    );
                };
                let text = format!("Echo: {}", families::prompt_text(family, &value));
                vec![Step::Message(chunk(
                    json!({"outputText": text, "index": 0, "completionReason": "FINISH"})
                        .to_string()
                        .as_bytes(),
                ))]
            }
            None => {
                return Reply::error(
                    400,
                    "ValidationException",
                    "The provided model identifier is invalid.",
                );
            }
        }
    };
    Reply::stream(
        200,
        "application/vnd.amazon.eventstream",
        spawn(state, steps),
    )
    .with_header("x-amzn-bedrock-content-type", "application/json")
}

/// Deterministic printable payload bytes.
fn payload_bytes(index: usize, size: usize) -> Vec<u8> {
    (0..size).map(|i| b'a' + ((index + i) % 26) as u8).collect()
}

/// Sends the steps in the background, as the client reads them; counts the
/// streams the client abandons.
pub(crate) fn spawn(state: &State, steps: Vec<Step>) -> Body {
    let (sender, receiver) = mpsc::channel::<Item>(16);
    let abandoned = state.abandoned.clone();
    tokio::spawn(async move {
        for step in steps {
            let item = match step {
                Step::Message(message) => Ok(Frame::data(frame(&message))),
                Step::Bytes(bytes) => Ok(Frame::data(bytes)),
                Step::Pause(pause) => {
                    tokio::time::sleep(pause).await;
                    continue;
                }
                Step::Fail => Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "mock cut the stream",
                )),
            };
            if sender.send(item).await.is_err() {
                abandoned.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return;
            }
        }
    });
    http_body_util::BodyExt::boxed(ChannelBody { receiver })
}

/// The events of Anthropic's Messages streaming API, each inside a chunk.
fn anthropic_events(model_id: &str, body: &Bytes) -> Vec<Step> {
    let request = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
    let prompt = families::prompt_text(Family::Anthropic, &request);
    let reply = format!("Echo: {prompt}");
    let input_tokens = families::tokens(&prompt);
    let output_tokens = families::tokens(&reply);
    let mut events = vec![
        json!({"type": "message_start", "message": {
            "id": "msg_mock_01", "type": "message", "role": "assistant", "model": model_id,
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": input_tokens, "output_tokens": 1}
        }}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ];
    let words: Vec<&str> = reply.split_inclusive(' ').collect();
    events.extend(
        words
            .iter()
            .map(|word| json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}})),
    );
    events.push(json!({"type": "content_block_stop", "index": 0}));
    events.push(json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": output_tokens}}));
    events.push(
        json!({"type": "message_stop", "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": input_tokens, "outputTokenCount": output_tokens,
            "invocationLatency": 42, "firstByteLatency": 7
        }}),
    );
    events
        .into_iter()
        .map(|event| Step::Message(chunk(event.to_string().as_bytes())))
        .collect()
}
