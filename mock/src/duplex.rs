//! InvokeModelWithBidirectionalStream: events in and out at once, over
//! HTTP/2.
//!
//! The request's signature is checked with the payload hash
//! `STREAMING-AWS4-HMAC-SHA256-EVENTS`; then every event's envelope
//! (`:date`, `:chunk-signature`) is checked against the chain that starts
//! at the request's signature, by this module's own framing and
//! [`crate::sigv4::EventChain`] (nothing shared with the client). A bad
//! signature or frame is answered with a `validationException` event, and
//! the stream ends. Requests with a bearer token send their events
//! unwrapped.
//!
//! | model id | answer |
//! |---|---|
//! | `mock.*` (echo) | each `chunk` event echoed as a `chunk` as soon as it arrives; the stream ends after the input ends |
//! | `mock.duplex-exception.<K>[.<member>]` | K echoes, then an exception event (default `modelStreamErrorException`) |
//! | `mock.duplex-error.<K>` | K echoes, then an `error` message |
//! | `mock.duplex-cut.<K>` | K echoes, then half a message, then the stream is cut |
//! | `mock.duplex-silent` | reads every event, answers none, never ends |
//! | `amazon.nova-sonic*` | Nova Sonic's events: `completionStart` for `promptStart`; for each user audio content, `contentStart`/`textOutput`/`contentEnd` and `contentStart`/`audioOutput` (the audio back)/`contentEnd`; `completionEnd` for `promptEnd`; the end for `sessionEnd` |
//!
//! The `mock.*` behaviours before a stream (`throttle`, `error`, `reset`,
//! ...) apply as for the other operations.

use base64::Engine as _;
use bytes::{Buf, Bytes, BytesMut};
use http_body::Frame;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::sigv4::EventChain;
use crate::stream::{ChannelBody, Item, chunk, error_message, exception, frame};
use crate::{Body, State};

/// The longest message the mock reads; longer is a framing error.
const MAX_MESSAGE: usize = 24 << 20;

/// What the answering task does, from the model id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Script {
    Echo,
    Exception { after: usize, member: String },
    Error { after: usize },
    Cut { after: usize },
    Silent,
    NovaSonic,
}

impl Script {
    pub(crate) fn for_model(model_id: &str) -> Script {
        if model_id.starts_with("amazon.nova-sonic") {
            return Script::NovaSonic;
        }
        let mut parts = model_id.split('.');
        parts.next();
        let kind = parts.next().unwrap_or_default();
        let after = parts.next().and_then(|k| k.parse().ok()).unwrap_or(0);
        match kind {
            "duplex-exception" => Script::Exception {
                after,
                member: parts
                    .next()
                    .unwrap_or("modelStreamErrorException")
                    .to_owned(),
            },
            "duplex-error" => Script::Error { after },
            "duplex-cut" => Script::Cut { after },
            "duplex-silent" => Script::Silent,
            _ => Script::Echo,
        }
    }
}

/// Starts answering: the response body streams what the task sends while
/// it reads the request's events.
pub(crate) fn answer(
    state: &State,
    body: Incoming,
    chain: Option<EventChain>,
    script: Script,
) -> Body {
    let (sender, receiver) = mpsc::channel::<Item>(16);
    let abandoned = state.abandoned.clone();
    tokio::spawn(async move {
        let mut conversation = Conversation {
            sender,
            script,
            answered: 0,
            nova: NovaState::default(),
        };
        if conversation.run(body, chain).await.is_err() {
            abandoned.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    http_body_util::BodyExt::boxed(ChannelBody::new(receiver))
}

/// The client went away (the response was dropped).
struct Gone;

/// Whether the conversation goes on after an event.
enum Next {
    Continue,
    End,
}

struct Conversation {
    sender: mpsc::Sender<Item>,
    script: Script,
    answered: usize,
    nova: NovaState,
}

impl Conversation {
    async fn run(&mut self, mut body: Incoming, mut chain: Option<EventChain>) -> Result<(), Gone> {
        let mut buffer = BytesMut::new();
        loop {
            let data = match body.frame().await {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => data,
                    Err(_) => continue,
                },
                // The client reset the stream: nothing more to answer.
                Some(Err(_)) => return Ok(()),
                None => break,
            };
            buffer.extend_from_slice(&data);
            loop {
                let message = match take_message(&mut buffer) {
                    Ok(Some(message)) => message,
                    Ok(None) => break,
                    Err(why) => return self.refuse(&format!("malformed event frame: {why}")).await,
                };
                let inner = match &mut chain {
                    None => message,
                    Some(chain) => {
                        let envelope = match parse_message(message) {
                            Ok(envelope) => envelope,
                            Err(why) => {
                                return self.refuse(&format!("malformed envelope: {why}")).await;
                            }
                        };
                        if let Err(why) = verify_envelope(chain, &envelope) {
                            return self.refuse(&why).await;
                        }
                        if envelope.payload.is_empty() {
                            // The signed end of the input.
                            return self.input_ended().await;
                        }
                        envelope.payload
                    }
                };
                let event = match parse_message(inner) {
                    Ok(event) => event,
                    Err(why) => return self.refuse(&format!("malformed event: {why}")).await,
                };
                if let Next::End = self.on_event(&event).await? {
                    return Ok(());
                }
            }
        }
        if !buffer.is_empty() {
            return self.refuse("the input ended inside a message").await;
        }
        if chain.is_some() {
            return self
                .refuse("the input ended without its signed empty message")
                .await;
        }
        self.input_ended().await
    }

    async fn send(&self, item: Item) -> Result<(), Gone> {
        self.sender.send(item).await.map_err(|_| Gone)
    }

    async fn send_chunk(&self, bytes: &[u8]) -> Result<(), Gone> {
        self.send(Ok(Frame::data(frame(&chunk(bytes))))).await
    }

    /// Answers a bad event with a `validationException`; the stream ends.
    async fn refuse(&self, why: &str) -> Result<(), Gone> {
        let mut message = exception("validationException");
        let payload = json!({ "message": format!("mock: {why}") });
        message = bedrock_runtime::event_stream::Message::new(
            message.headers().to_vec(),
            payload.to_string(),
        );
        self.send(Ok(Frame::data(frame(&message)))).await
    }

    async fn input_ended(&mut self) -> Result<(), Gone> {
        match self.script {
            // Holds the stream open until the client gives up.
            Script::Silent => {
                self.sender.closed().await;
                Err(Gone)
            }
            Script::NovaSonic if !self.nova.completion_ended => {
                let end = self.nova.completion_end();
                self.send_event_json(end).await
            }
            _ => Ok(()),
        }
    }

    async fn send_event_json(&self, event: Value) -> Result<(), Gone> {
        self.send_chunk(event.to_string().as_bytes()).await
    }

    async fn on_event(&mut self, event: &Message) -> Result<Next, Gone> {
        if event.header_text(":message-type") != Some("event") {
            self.refuse("a message whose :message-type is not event")
                .await?;
            return Ok(Next::End);
        }
        if event.header_text(":event-type") != Some("chunk") {
            self.refuse("an event whose :event-type is not chunk")
                .await?;
            return Ok(Next::End);
        }
        let bytes = serde_json::from_slice::<Value>(&event.payload)
            .ok()
            .and_then(|v| v.get("bytes").and_then(Value::as_str).map(str::to_owned))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
        let Some(bytes) = bytes else {
            self.refuse("a chunk whose payload is not {\"bytes\": base64}")
                .await?;
            return Ok(Next::End);
        };
        match self.script.clone() {
            Script::Silent => Ok(Next::Continue),
            Script::NovaSonic => self.nova_event(&bytes).await,
            Script::Exception { after, member } if self.answered == after => {
                self.send(Ok(Frame::data(frame(&exception(&member)))))
                    .await?;
                Ok(Next::End)
            }
            Script::Error { after } if self.answered == after => {
                let message = error_message("InternalFailure", "mock error mid-stream");
                self.send(Ok(Frame::data(frame(&message)))).await?;
                Ok(Next::End)
            }
            Script::Cut { after } if self.answered == after => {
                let whole = frame(&chunk(&bytes));
                self.send(Ok(Frame::data(whole.slice(..whole.len() / 2))))
                    .await?;
                self.send(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "mock cut the stream",
                )))
                .await?;
                Ok(Next::End)
            }
            _ => {
                self.send_chunk(&bytes).await?;
                self.answered += 1;
                Ok(Next::Continue)
            }
        }
    }

    async fn nova_event(&mut self, bytes: &[u8]) -> Result<Next, Gone> {
        let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
            self.refuse("a Nova Sonic event that is not JSON").await?;
            return Ok(Next::End);
        };
        let Some((name, body)) = value
            .get("event")
            .and_then(Value::as_object)
            .and_then(|event| event.iter().next())
        else {
            self.refuse("a Nova Sonic event without an event member")
                .await?;
            return Ok(Next::End);
        };
        let replies = self.nova.on(name, body);
        for reply in replies {
            self.send_event_json(reply).await?;
        }
        self.answered += 1;
        Ok(if name == "sessionEnd" {
            Next::End
        } else {
            Next::Continue
        })
    }
}

/// What a Nova Sonic session has seen.
#[derive(Default)]
struct NovaState {
    prompt_name: String,
    completions: usize,
    audio: Vec<u8>,
    contents: usize,
    completion_ended: bool,
}

impl NovaState {
    fn ids(&self) -> Value {
        json!({
            "sessionId": "mock-session",
            "promptName": self.prompt_name,
            "completionId": format!("mock-completion-{}", self.completions),
        })
    }

    fn with_ids(&self, extra: Value) -> Value {
        let mut value = self.ids();
        if let (Some(object), Value::Object(extra)) = (value.as_object_mut(), extra) {
            object.extend(extra);
        }
        value
    }

    fn completion_end(&mut self) -> Value {
        self.completion_ended = true;
        json!({"event": {"completionEnd": self.with_ids(json!({"stopReason": "END_TURN"}))}})
    }

    /// The events Nova Sonic answers `name` with.
    fn on(&mut self, name: &str, body: &Value) -> Vec<Value> {
        let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or_default();
        match name {
            "promptStart" => {
                self.prompt_name = text("promptName").to_owned();
                self.completions += 1;
                self.completion_ended = false;
                vec![json!({"event": {"completionStart": self.ids()}})]
            }
            "audioInput" => {
                if let Ok(audio) = base64::engine::general_purpose::STANDARD.decode(text("content"))
                {
                    self.audio.extend_from_slice(&audio);
                }
                Vec::new()
            }
            "textInput" => {
                let reply = format!("You said: {}", text("content"));
                self.reply_text(&reply)
            }
            "contentEnd" if !self.audio.is_empty() => {
                let heard = std::mem::take(&mut self.audio);
                let mut events =
                    self.reply_text(&format!("mock heard {} bytes of audio", heard.len()));
                self.contents += 1;
                let content_id = format!("mock-content-{}", self.contents);
                let audio = base64::engine::general_purpose::STANDARD.encode(&heard);
                events.push(json!({"event": {"contentStart": self.with_ids(json!({
                    "contentId": content_id, "type": "AUDIO", "role": "ASSISTANT",
                    "audioOutputConfiguration": {"mediaType": "audio/lpcm", "sampleRateHertz": 24000, "sampleSizeBits": 16, "channelCount": 1}
                }))}}));
                events.push(json!({"event": {"audioOutput": self.with_ids(json!({
                    "contentId": content_id, "content": audio, "role": "ASSISTANT"
                }))}}));
                events.push(json!({"event": {"contentEnd": self.with_ids(json!({
                    "contentId": content_id, "type": "AUDIO", "stopReason": "END_TURN"
                }))}}));
                events
            }
            "promptEnd" => vec![self.completion_end()],
            _ => Vec::new(),
        }
    }

    fn reply_text(&mut self, text: &str) -> Vec<Value> {
        self.contents += 1;
        let content_id = format!("mock-content-{}", self.contents);
        vec![
            json!({"event": {"contentStart": self.with_ids(json!({
                "contentId": content_id, "type": "TEXT", "role": "ASSISTANT",
                "additionalModelFields": "{\"generationStage\":\"FINAL\"}"
            }))}}),
            json!({"event": {"textOutput": self.with_ids(json!({
                "contentId": content_id, "content": text, "role": "ASSISTANT"
            }))}}),
            json!({"event": {"contentEnd": self.with_ids(json!({
                "contentId": content_id, "type": "TEXT", "stopReason": "END_TURN"
            }))}}),
        ]
    }
}

/// A message as this module reads it: its own framing, not the client's.
struct Message {
    headers: Vec<(String, HeaderValue)>,
    payload: Bytes,
}

enum HeaderValue {
    Text(String),
    Bytes(Bytes),
    Timestamp(i64),
    Other,
}

impl Message {
    fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    fn header_text(&self, name: &str) -> Option<&str> {
        match self.header(name)? {
            HeaderValue::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// Takes one whole message off the front of `buffer`, checking both CRCs,
/// or `None` until all of it has arrived.
fn take_message(buffer: &mut BytesMut) -> Result<Option<Bytes>, String> {
    if buffer.len() < 12 {
        return Ok(None);
    }
    let total = u32::from_be_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]) as usize;
    let prelude_crc = u32::from_be_bytes([buffer[8], buffer[9], buffer[10], buffer[11]]);
    if crc32fast::hash(&buffer[..8]) != prelude_crc {
        return Err("the prelude CRC does not match".to_owned());
    }
    if !(16..=MAX_MESSAGE).contains(&total) {
        return Err(format!("a message of {total} bytes"));
    }
    if buffer.len() < total {
        return Ok(None);
    }
    let message = buffer.split_to(total).freeze();
    let crc = u32::from_be_bytes([
        message[total - 4],
        message[total - 3],
        message[total - 2],
        message[total - 1],
    ]);
    if crc32fast::hash(&message[..total - 4]) != crc {
        return Err("the message CRC does not match".to_owned());
    }
    Ok(Some(message))
}

/// Reads a whole message, framed (its CRCs checked by [`take_message`]
/// for envelopes; checked here for inner messages).
fn parse_message(message: Bytes) -> Result<Message, String> {
    let mut buffer = BytesMut::from(&message[..]);
    let whole = take_message(&mut buffer)?.ok_or("a truncated message")?;
    if !buffer.is_empty() {
        return Err("bytes after the message".to_owned());
    }
    let headers_len = u32::from_be_bytes([whole[4], whole[5], whole[6], whole[7]]) as usize;
    let total = whole.len();
    if 12 + headers_len > total - 4 {
        return Err("headers longer than the message".to_owned());
    }
    let mut headers_bytes = whole.slice(12..12 + headers_len);
    let payload = whole.slice(12 + headers_len..total - 4);
    let mut headers = Vec::new();
    while headers_bytes.has_remaining() {
        let name_len = headers_bytes.get_u8() as usize;
        if headers_bytes.remaining() < name_len + 1 {
            return Err("a truncated header".to_owned());
        }
        let name = String::from_utf8(headers_bytes.split_to(name_len).to_vec())
            .map_err(|_| "a header name that is not UTF-8".to_owned())?;
        let fixed = |len: usize, bytes: &mut Bytes| -> Result<Bytes, String> {
            if bytes.remaining() < len {
                return Err(format!("a truncated value of header {name}"));
            }
            Ok(bytes.split_to(len))
        };
        let value = match headers_bytes.get_u8() {
            0 | 1 => HeaderValue::Other,
            2 => fixed(1, &mut headers_bytes).map(|_| HeaderValue::Other)?,
            3 => fixed(2, &mut headers_bytes).map(|_| HeaderValue::Other)?,
            4 => fixed(4, &mut headers_bytes).map(|_| HeaderValue::Other)?,
            5 => fixed(8, &mut headers_bytes).map(|_| HeaderValue::Other)?,
            8 => {
                let mut raw = fixed(8, &mut headers_bytes)?;
                HeaderValue::Timestamp(raw.get_i64())
            }
            9 => fixed(16, &mut headers_bytes).map(|_| HeaderValue::Other)?,
            kind @ (6 | 7) => {
                let mut len = fixed(2, &mut headers_bytes)?;
                let len = len.get_u16() as usize;
                let raw = fixed(len, &mut headers_bytes)?;
                if kind == 6 {
                    HeaderValue::Bytes(raw)
                } else {
                    HeaderValue::Text(
                        String::from_utf8(raw.to_vec())
                            .map_err(|_| format!("header {name} is not UTF-8"))?,
                    )
                }
            }
            other => return Err(format!("header {name} has unknown type {other}")),
        };
        headers.push((name, value));
    }
    Ok(Message { headers, payload })
}

/// Checks an envelope's `:date` and `:chunk-signature` against the chain.
fn verify_envelope(chain: &mut EventChain, envelope: &Message) -> Result<(), String> {
    let Some(HeaderValue::Timestamp(date)) = envelope.header(":date") else {
        return Err("an envelope without a :date timestamp header".to_owned());
    };
    let Some(HeaderValue::Bytes(signature)) = envelope.header(":chunk-signature") else {
        return Err("an envelope without a :chunk-signature bytes header".to_owned());
    };
    chain.verify(*date, signature, &envelope.payload)
}
