//! InvokeModelWithResponseStream against bedrock-mock: events, exceptions,
//! `error` messages, cut connections, timeouts, and error responses that
//! arrive before any stream.

use std::time::Duration;

use bedrock_runtime::error::{SdkError, TimeoutKind};
use bedrock_runtime::event_stream::ReceiveError;
use bedrock_runtime::operation::invoke_model_with_response_stream::{
    InvokeModelWithResponseStreamError, InvokeModelWithResponseStreamOutput,
};
use bedrock_runtime::types::{ResponseStream, ResponseStreamError};
use bedrock_runtime::{Client, TimeoutConfig};
use integration_tests::{client, config, mock};

async fn start(client: &Client, model: &str) -> InvokeModelWithResponseStreamOutput {
    client
        .invoke_model_with_response_stream()
        .model_id(model)
        .body(r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"stream me"}]}"#)
        .send()
        .await
        .expect("the stream starts")
}

fn chunk_bytes(event: &ResponseStream) -> Vec<u8> {
    match event {
        ResponseStream::Chunk(part) => part
            .bytes
            .as_ref()
            .map(|b| b.as_bytes().to_vec())
            .unwrap_or_default(),
        other => panic!("expected a chunk, got {other:?}"),
    }
}

#[tokio::test]
async fn chunks_arrive_in_order_then_the_stream_ends_cleanly() {
    let server = mock().await;
    let mut out = start(&client(&server), "mock.stream.5.100").await;
    assert_eq!(out.content_type, "application/json");
    let mut chunks = Vec::new();
    while let Some(event) = out.body.recv().await.expect("valid events") {
        chunks.push(chunk_bytes(&event));
    }
    assert_eq!(chunks.len(), 5);
    assert!(chunks.iter().all(|c| c.len() == 100));
    assert_eq!(&chunks[1][..3], b"bcd");
    assert!(
        out.body.recv().await.unwrap().is_none(),
        "None again after the end"
    );
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        "/model/mock.stream.5.100/invoke-with-response-stream"
    );
    assert_eq!(request.signature, Ok(()));
}

#[tokio::test]
async fn the_receiver_is_a_stream() {
    use std::future::poll_fn;
    use std::pin::Pin;

    use futures_core::Stream;

    let server = mock().await;
    let mut out = start(&client(&server), "mock.stream.3.10").await;
    let mut count = 0;
    while let Some(item) = poll_fn(|cx| Pin::new(&mut out.body).poll_next(cx)).await {
        item.expect("a valid event");
        count += 1;
    }
    assert_eq!(count, 3);
}

#[tokio::test]
async fn anthropic_streaming_events_arrive_inside_chunks() {
    let server = mock().await;
    let mut out = start(&client(&server), "anthropic.claude-3-haiku-20240307-v1:0").await;
    let mut types = Vec::new();
    let mut text = String::new();
    while let Some(event) = out.body.recv().await.unwrap() {
        let json: serde_json::Value = serde_json::from_slice(&chunk_bytes(&event)).unwrap();
        if json["type"] == "content_block_delta" {
            text.push_str(json["delta"]["text"].as_str().unwrap());
        }
        types.push(json["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(text, "Echo: stream me");
    assert_eq!(types.first().map(String::as_str), Some("message_start"));
    assert_eq!(types.last().map(String::as_str), Some("message_stop"));
}

#[tokio::test]
async fn a_modeled_exception_ends_the_stream_with_its_typed_error() {
    let server = mock().await;
    let mut out = start(&client(&server), "mock.stream-exception.2").await;
    assert!(out.body.recv().await.unwrap().is_some());
    assert!(out.body.recv().await.unwrap().is_some());
    let err = out.body.recv().await.unwrap_err();
    match &err {
        ReceiveError::Exception(ResponseStreamError::ModelStreamErrorException(e)) => {
            assert_eq!(
                e.message.as_deref(),
                Some("mock ModelStreamErrorException mid-stream")
            );
            assert_eq!(e.original_status_code, Some(500));
            assert_eq!(e.original_message.as_deref(), Some("the model stopped"));
        }
        other => panic!("expected ModelStreamErrorException, got {other:?}"),
    }
    assert!(
        err.to_string().contains("ModelStreamErrorException"),
        "{err}"
    );
    assert!(
        out.body.recv().await.unwrap().is_none(),
        "later calls return None"
    );

    let mut out = start(
        &client(&server),
        "mock.stream-exception.0.throttlingException",
    )
    .await;
    assert!(matches!(
        out.body.recv().await,
        Err(ReceiveError::Exception(
            ResponseStreamError::ThrottlingException(_)
        ))
    ));
}

#[tokio::test]
async fn an_unknown_exception_keeps_its_type_and_message() {
    let server = mock().await;
    let mut out = start(
        &client(&server),
        "mock.stream-exception.0.someFutureException",
    )
    .await;
    match out.body.recv().await {
        Err(ReceiveError::UnknownException {
            exception_type,
            message,
            ..
        }) => {
            assert_eq!(exception_type, "someFutureException");
            assert_eq!(
                message.as_deref(),
                Some("mock SomeFutureException mid-stream")
            );
        }
        other => panic!("expected an unknown exception, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_message_keeps_its_code_and_message() {
    let server = mock().await;
    let mut out = start(&client(&server), "mock.stream-error.1").await;
    assert!(out.body.recv().await.unwrap().is_some());
    match out.body.recv().await {
        Err(err @ ReceiveError::ErrorMessage { .. }) => {
            assert_eq!(err.code(), Some("InternalFailure"));
            assert_eq!(
                err.to_string(),
                "the stream ended with an error: InternalFailure: mock error message mid-stream"
            );
        }
        other => panic!("expected an error message, got {other:?}"),
    }
    assert!(out.body.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn a_connection_cut_inside_a_frame_is_a_truncation_error() {
    let server = mock().await;
    let mut out = start(&client(&server), "mock.stream-cut.2").await;
    assert!(out.body.recv().await.unwrap().is_some());
    assert!(out.body.recv().await.unwrap().is_some());
    let result = tokio::time::timeout(Duration::from_secs(10), out.body.recv())
        .await
        .expect("no hang");
    match result {
        Err(ReceiveError::Truncated { buffered, .. }) => assert!(buffered > 0),
        other => panic!("expected a truncation error, got {other:?}"),
    }
}

#[tokio::test]
async fn errors_before_the_stream_are_the_operations_typed_errors() {
    let server = mock().await;
    let err = client(&server)
        .invoke_model_with_response_stream()
        .model_id("mock.error.ModelTimeoutException")
        .body("{}")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err.as_service_error(),
        Some(InvokeModelWithResponseStreamError::ModelTimeoutException(_))
    ));
    assert_eq!(err.status(), Some(408));
}

#[tokio::test]
async fn a_response_that_is_not_an_event_stream_is_refused() {
    let server = mock().await;
    let err = client(&server)
        .invoke_model_with_response_stream()
        .model_id("mock.stream-plain-json")
        .body("{}")
        .send()
        .await
        .unwrap_err();
    let SdkError::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert_eq!(err.status(), Some(200));
    let message = format!("{response}: {:?}", std::error::Error::source(response));
    assert!(
        message.contains("application/vnd.amazon.eventstream"),
        "{message}"
    );
}

#[tokio::test]
async fn the_idle_timeout_ends_a_stalled_stream() {
    let server = mock().await;
    let impatient = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig::new().with_idle(Some(Duration::from_millis(100))))
            .build()
            .unwrap(),
    );
    let mut out = start(&impatient, "mock.stream-slow.3.500").await;
    match out.body.recv().await {
        Err(ReceiveError::Timeout(t)) => assert_eq!(t.kind(), TimeoutKind::Idle),
        other => panic!("expected an idle timeout, got {other:?}"),
    }
    assert!(out.body.recv().await.unwrap().is_none());

    // A slow drip within the idle timeout is fine.
    let patient = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig::new().with_idle(Some(Duration::from_secs(5))))
            .build()
            .unwrap(),
    );
    let mut out = start(&patient, "mock.stream-slow.3.50").await;
    let mut count = 0;
    while out.body.recv().await.unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 3);
}

#[tokio::test]
async fn the_operation_deadline_covers_the_stream() {
    let server = mock().await;
    let deadline = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig::new().with_operation(Some(Duration::from_millis(300))))
            .build()
            .unwrap(),
    );
    let mut out = start(&deadline, "mock.stream-slow.20.100").await;
    let mut received = 0;
    let err = loop {
        match out.body.recv().await {
            Ok(Some(_)) => received += 1,
            Ok(None) => panic!("the stream ended before the deadline"),
            Err(err) => break err,
        }
    };
    assert!(
        matches!(&err, ReceiveError::Timeout(t) if t.kind() == TimeoutKind::Operation),
        "{err:?}"
    );
    assert!(received < 20);
}

#[tokio::test]
async fn dropping_the_receiver_closes_the_connection() {
    let server = mock().await;
    let client = client(&server);
    let mut out = start(&client, "mock.stream-slow.50.20").await;
    assert!(out.body.recv().await.unwrap().is_some());
    drop(out);
    // The server notices: its next send finds the connection gone.
    let mut waited = Duration::ZERO;
    while server.abandoned_streams() == 0 && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    assert_eq!(server.abandoned_streams(), 1);
    // The client goes on working on fresh connections.
    let mut again = start(&client, "mock.stream.1.10").await;
    assert!(again.body.recv().await.unwrap().is_some());
}
