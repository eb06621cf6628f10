//! InvokeModel against the mock: the bytes on the wire, signatures, errors, retries.

use bedrock_runtime::error::SdkError;
use bedrock_runtime::operation::invoke_model::InvokeModelError;
use integration_tests::{client, mock};

#[tokio::test]
async fn echo_round_trip() {
    let server = mock().await;
    let out = client(&server)
        .invoke_model()
        .model_id("mock.echo")
        .content_type("application/json")
        .accept("application/json")
        .body(r#"{"hello":"world"}"#)
        .send()
        .await
        .expect("echo succeeds");
    assert_eq!(out.body.as_bytes(), br#"{"hello":"world"}"#);
    assert_eq!(out.content_type, "application/json");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].signature, Ok(()));
}

#[tokio::test]
async fn modeled_error_is_typed() {
    let server = mock().await;
    let err = client(&server)
        .invoke_model()
        .model_id("mock.error.ModelErrorException")
        .body("{}")
        .send()
        .await
        .unwrap_err();
    println!("{err}");
    match err.as_service_error() {
        Some(InvokeModelError::ModelErrorException(e)) => {
            assert_eq!(e.original_status_code, Some(500));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(err, SdkError::Service(_)));
}
