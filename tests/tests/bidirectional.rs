//! InvokeModelWithBidirectionalStream against bedrock-mock over HTTP/2
//! (prior knowledge on loopback): full duplex, the events' signature chain
//! as the mock verifies it on its own, clean and abrupt ends, exceptions,
//! cut frames, retries before the stream, timeouts, large and many events.

use std::time::Duration;

use bedrock_runtime::error::{SdkError, TimeoutKind, TransportErrorKind};
use bedrock_runtime::event_stream::{EventSender, ReceiveError, SendError};
use bedrock_runtime::operation::invoke_model_with_bidirectional_stream::{
    InvokeModelWithBidirectionalStreamError, InvokeModelWithBidirectionalStreamOutput,
};
use bedrock_runtime::transport::{HttpClient, HttpFuture, HyperClient, RequestBody};
use bedrock_runtime::types::{
    BidirectionalInputPayloadPart, InvokeModelWithBidirectionalStreamInput as Event,
    InvokeModelWithBidirectionalStreamOutput as OutputEvent,
    InvokeModelWithBidirectionalStreamOutputError as StreamError,
};
use bedrock_runtime::{Client, TimeoutConfig};
use integration_tests::{client, config, mock, unique};
use serde_json::{Value, json};
use tokio::time::timeout;

/// Long enough for a loaded machine, short enough that a hang fails.
const PATIENCE: Duration = Duration::from_secs(20);

fn event(bytes: impl Into<Vec<u8>>) -> Event {
    Event::Chunk(
        BidirectionalInputPayloadPart::builder()
            .bytes(bytes.into())
            .build()
            .unwrap(),
    )
}

fn bytes_of(event: &OutputEvent) -> Vec<u8> {
    match event {
        OutputEvent::Chunk(part) => part
            .bytes
            .as_ref()
            .map(|b| b.as_bytes().to_vec())
            .unwrap_or_default(),
        other => panic!("expected a chunk, got {other:?}"),
    }
}

async fn open(
    client: &Client,
    model: &str,
) -> (EventSender<Event>, InvokeModelWithBidirectionalStreamOutput) {
    timeout(
        PATIENCE,
        client
            .invoke_model_with_bidirectional_stream()
            .model_id(model)
            .send(),
    )
    .await
    .expect("the stream opens in time")
    .expect("the stream opens")
}

async fn next(out: &mut InvokeModelWithBidirectionalStreamOutput) -> Option<OutputEvent> {
    timeout(PATIENCE, out.body.recv())
        .await
        .expect("an event or the end arrives in time")
        .expect("a valid event")
}

#[tokio::test]
async fn each_event_is_answered_before_the_input_ends() {
    let server = mock().await;
    let (tx, mut out) = open(&client(&server), "mock.echo").await;
    for i in 0..5 {
        let text = format!("event {i}");
        tx.send(event(text.clone())).await.unwrap();
        // The echo arrives while the input is still open: full duplex.
        let echo = next(&mut out).await.expect("an echo");
        assert_eq!(bytes_of(&echo), text.as_bytes());
    }
    drop(tx);
    assert!(next(&mut out).await.is_none(), "the stream ends cleanly");
    let request = &server.requests()[0];
    assert_eq!(request.version, "HTTP/2.0");
    assert_eq!(request.signature, Ok(()));
    assert_eq!(
        request.path,
        "/model/mock.echo/invoke-with-bidirectional-stream"
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(
        request.header("x-amz-content-sha256"),
        Some("STREAMING-AWS4-HMAC-SHA256-EVENTS")
    );
}

#[tokio::test]
async fn events_given_with_the_input_go_first() {
    let server = mock().await;
    let (tx, mut out) = timeout(
        PATIENCE,
        client(&server)
            .invoke_model_with_bidirectional_stream()
            .model_id("mock.echo")
            .body(event("first"))
            .body(event("second"))
            .send(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.send(event("third")).await.unwrap();
    drop(tx);
    let mut echoes = Vec::new();
    while let Some(e) = next(&mut out).await {
        echoes.push(String::from_utf8(bytes_of(&e)).unwrap());
    }
    assert_eq!(echoes, ["first", "second", "third"]);
}

/// Changes the first event's bytes after they were signed.
#[derive(Debug)]
struct TamperEvents {
    inner: HyperClient,
}

impl HttpClient for TamperEvents {
    fn send(&self, request: http::Request<RequestBody>) -> HttpFuture {
        self.inner.send(request)
    }

    fn send_duplex(&self, request: http::Request<RequestBody>) -> HttpFuture {
        use http_body_util::BodyExt;
        let (parts, body) = request.into_parts();
        let tampered = body.map_frame(|frame| {
            frame.map_data(|data| {
                let mut bytes = data.to_vec();
                // A byte of the inner message's payload, inside the
                // envelope: the CRCs are recomputed below, the signature
                // cannot be.
                let at = bytes.len() - 10;
                bytes[at] ^= 1;
                refresh_crcs(&mut bytes);
                bytes::Bytes::from(bytes)
            })
        });
        self.inner.send_duplex(http::Request::from_parts(
            parts,
            RequestBody::from_body(tampered),
        ))
    }
}

/// Recomputes the prelude and message CRCs of an envelope and of the
/// message inside it, so that only the signature can tell.
fn refresh_crcs(envelope: &mut [u8]) {
    fn fix(message: &mut [u8]) {
        let total = message.len();
        let prelude = crc32fast::hash(&message[..8]);
        message[8..12].copy_from_slice(&prelude.to_be_bytes());
        let whole = crc32fast::hash(&message[..total - 4]);
        message[total - 4..].copy_from_slice(&whole.to_be_bytes());
    }
    let headers_len = u32::from_be_bytes(envelope[4..8].try_into().unwrap()) as usize;
    let inner_start = 12 + headers_len;
    let inner_end = envelope.len() - 4;
    if inner_end > inner_start {
        fix(&mut envelope[inner_start..inner_end]);
    }
    fix(envelope);
}

#[tokio::test]
async fn the_mock_refuses_a_tampered_event_with_an_exception() {
    let server = mock().await;
    let tampering = config(&server)
        .http_client(TamperEvents {
            inner: HyperClient::new(None).unwrap(),
        })
        .build()
        .unwrap();
    let (tx, mut out) = open(&Client::from_conf(tampering), "mock.echo").await;
    tx.send(event("to be tampered with")).await.unwrap();
    let err = timeout(PATIENCE, out.body.recv())
        .await
        .unwrap()
        .expect_err("the mock refuses the event");
    match err {
        ReceiveError::Exception(StreamError::ValidationException(e)) => {
            let message = e.message.unwrap_or_default();
            assert!(message.contains("signature"), "{message}");
        }
        other => panic!("expected a validationException, got {other:?}"),
    }
    assert!(out.body.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn dropping_the_receiver_ends_the_call_and_the_sender_sees_it() {
    let server = mock().await;
    let (tx, out) = open(&client(&server), "mock.duplex-silent").await;
    tx.send(event("hello")).await.unwrap();
    drop(out);
    let closed = timeout(PATIENCE, async {
        loop {
            match tx.send(event("more")).await {
                Ok(()) => tokio::time::sleep(Duration::from_millis(5)).await,
                Err(err) => return err,
            }
        }
    })
    .await
    .expect("the sender learns that the call ended");
    assert!(matches!(closed, SendError::Closed), "{closed:?}");
    assert!(tx.is_closed());
}

#[tokio::test]
async fn an_exception_event_ends_the_stream_with_its_typed_error() {
    let server = mock().await;
    let (tx, mut out) = open(&client(&server), "mock.duplex-exception.2").await;
    for i in 0..3 {
        // The third may find the call over already.
        let _ = tx.send(event(format!("e{i}"))).await;
    }
    assert!(next(&mut out).await.is_some());
    assert!(next(&mut out).await.is_some());
    let err = timeout(PATIENCE, out.body.recv())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReceiveError::Exception(StreamError::ModelStreamErrorException(_))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_error_message_and_a_cut_frame_end_the_stream_with_errors() {
    let server = mock().await;
    let (tx, mut out) = open(&client(&server), "mock.duplex-error.1").await;
    tx.send(event("a")).await.unwrap();
    assert!(next(&mut out).await.is_some());
    let _ = tx.send(event("b")).await;
    let err = timeout(PATIENCE, out.body.recv())
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, ReceiveError::ErrorMessage { .. }), "{err:?}");

    let (tx, mut out) = open(&client(&server), "mock.duplex-cut.1").await;
    tx.send(event("a")).await.unwrap();
    assert!(next(&mut out).await.is_some());
    let _ = tx.send(event("b")).await;
    let err = timeout(PATIENCE, out.body.recv())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReceiveError::Truncated { .. } | ReceiveError::Transport(_)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_throttled_start_is_retried_with_the_events_given() {
    let server = mock().await;
    let model = format!("mock.throttle.2.{}", unique());
    let (tx, mut out) = timeout(
        PATIENCE,
        client(&server)
            .invoke_model_with_bidirectional_stream()
            .model_id(&model)
            .body(event("kept for the retry"))
            .send(),
    )
    .await
    .unwrap()
    .expect("the third attempt opens the stream");
    let echo = next(&mut out).await.unwrap();
    assert_eq!(bytes_of(&echo), b"kept for the retry");
    drop(tx);
    assert!(next(&mut out).await.is_none());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_error_before_the_stream_is_the_operations_typed_error() {
    let server = mock().await;
    let err = client(&server)
        .invoke_model_with_bidirectional_stream()
        .model_id("mock.error.ValidationException")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err.as_service_error(),
        Some(InvokeModelWithBidirectionalStreamError::ValidationException(_))
    ));
}

#[tokio::test]
async fn a_silent_stream_hits_the_idle_timeout() {
    let server = mock().await;
    let config = config(&server)
        .timeout_config(TimeoutConfig::new().with_idle(Some(Duration::from_millis(300))))
        .build()
        .unwrap();
    let (tx, mut out) = open(&Client::from_conf(config), "mock.duplex-silent").await;
    tx.send(event("anyone there?")).await.unwrap();
    let err = timeout(PATIENCE, out.body.recv())
        .await
        .unwrap()
        .unwrap_err();
    match err {
        ReceiveError::Timeout(t) => assert_eq!(t.kind(), TimeoutKind::Idle),
        other => panic!("expected the idle timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn megabyte_events_cross_both_ways() {
    let server = mock().await;
    let (tx, mut out) = open(&client(&server), "mock.echo").await;
    let big: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let sending = {
        let tx = tx.clone();
        let big = big.clone();
        tokio::spawn(async move {
            for _ in 0..4 {
                tx.send(event(big.clone())).await.unwrap();
            }
        })
    };
    drop(tx);
    for _ in 0..4 {
        let echo = next(&mut out).await.unwrap();
        assert_eq!(bytes_of(&echo), big);
    }
    sending.await.unwrap();
    assert!(next(&mut out).await.is_none());
}

#[tokio::test]
async fn an_oversized_event_is_refused_before_it_is_sent() {
    let server = mock().await;
    // Above a maximum: refused in Strict mode (the default sends it and
    // lets the service judge).
    let strict = bedrock_runtime::Client::from_conf(
        config(&server)
            .validation_mode(bedrock_runtime::ValidationMode::Strict)
            .build()
            .unwrap(),
    );
    let (tx, mut out) = open(&strict, "mock.echo").await;
    let err = tx.send(event(vec![0u8; 1_000_001])).await.unwrap_err();
    match err {
        SendError::Invalid(violations) => {
            assert!(violations.to_string().contains("bytes"), "{violations}");
        }
        other => panic!("expected the constraint violation, got {other:?}"),
    }
    // The stream goes on.
    tx.send(event("fine")).await.unwrap();
    assert_eq!(bytes_of(&next(&mut out).await.unwrap()), b"fine");
}

#[tokio::test]
async fn ten_thousand_small_events_are_all_answered_in_order() {
    let server = mock().await;
    let (tx, mut out) = open(&client(&server), "mock.echo").await;
    let sending = tokio::spawn(async move {
        for i in 0..10_000u32 {
            tx.send(event(i.to_string())).await.unwrap();
        }
    });
    for i in 0..10_000u32 {
        let echo = next(&mut out).await.unwrap();
        assert_eq!(bytes_of(&echo), i.to_string().as_bytes());
    }
    sending.await.unwrap();
    assert!(next(&mut out).await.is_none());
}

#[tokio::test]
async fn a_nova_sonic_session_gets_nova_sonic_events() {
    let server = mock().await;
    let (tx, mut out) = open(&client(&server), "amazon.nova-sonic-v1:0").await;
    let audio = base64_of(&[1u8, 2, 3, 4, 5, 6, 7, 8]);
    for e in [
        json!({"event": {"sessionStart": {"inferenceConfiguration": {"maxTokens": 1024}}}}),
        json!({"event": {"promptStart": {"promptName": "p1"}}}),
        json!({"event": {"contentStart": {"promptName": "p1", "contentName": "c1", "type": "AUDIO", "role": "USER"}}}),
        json!({"event": {"audioInput": {"promptName": "p1", "contentName": "c1", "content": audio}}}),
        json!({"event": {"contentEnd": {"promptName": "p1", "contentName": "c1"}}}),
        json!({"event": {"promptEnd": {"promptName": "p1"}}}),
        json!({"event": {"sessionEnd": {}}}),
    ] {
        tx.send(event(e.to_string())).await.unwrap();
    }
    let mut names = Vec::new();
    while let Some(e) = next(&mut out).await {
        let value: Value = serde_json::from_slice(&bytes_of(&e)).unwrap();
        let name = value["event"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone();
        if name == "audioOutput" {
            assert_eq!(value["event"]["audioOutput"]["content"], audio);
        }
        names.push(name);
    }
    assert_eq!(
        names,
        [
            "completionStart",
            "contentStart",
            "textOutput",
            "contentEnd",
            "contentStart",
            "audioOutput",
            "contentEnd",
            "completionEnd"
        ]
    );
}

#[tokio::test]
async fn an_http1_only_endpoint_is_a_clear_error_not_a_hang() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Answers anything with an HTTP/1.1 error and closes.
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
            // Closes as a server does: output first, then lingering input.
            let _ = socket.shutdown().await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let config = bedrock_runtime::Config::builder()
        .region("us-east-1")
        .credentials(integration_tests::credentials())
        .endpoint_url(format!("http://{addr}"))
        .build()
        .unwrap();
    let err = timeout(
        PATIENCE,
        Client::from_conf(config)
            .invoke_model_with_bidirectional_stream()
            .model_id("mock.echo")
            .send(),
    )
    .await
    .expect("no hang")
    .unwrap_err();
    match &err {
        SdkError::Transport(t) => {
            assert_eq!(t.kind(), TransportErrorKind::Http2Required, "{err} {t:?}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn with_a_bearer_token_events_travel_unsigned() {
    let server = mock().await;
    let config = bedrock_runtime::Config::builder()
        .region("us-east-1")
        .bearer_token(bedrock_mock::DEFAULT_BEARER_TOKEN)
        .endpoint_url(server.url())
        .build()
        .unwrap();
    let (tx, mut out) = open(&Client::from_conf(config), "mock.echo").await;
    tx.send(event("plain")).await.unwrap();
    assert_eq!(bytes_of(&next(&mut out).await.unwrap()), b"plain");
    drop(tx);
    assert!(next(&mut out).await.is_none());
    let request = &server.requests()[0];
    assert_eq!(request.header("x-amz-content-sha256"), None);
    assert!(
        request
            .header("authorization")
            .is_some_and(|a| a.starts_with("Bearer "))
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
