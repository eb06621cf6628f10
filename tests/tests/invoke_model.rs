//! InvokeModel against bedrock-mock: the bytes on the wire, signatures,
//! every modeled error, retries, timeouts and validation.

use std::time::{Duration, Instant};

use bedrock_mock::RecordedRequest;
use bedrock_runtime::error::{SdkError, TimeoutKind};
use bedrock_runtime::operation::invoke_model::{InvokeModelError, InvokeModelOutput};
use bedrock_runtime::transport::{HttpClient, HttpFuture, HyperClient, RequestBody};
use bedrock_runtime::{Client, RetryConfig, TimeoutConfig};
use integration_tests::{client, config, mock, unique};

/// InvokeModel with an empty JSON body, what the behaviour tests send: the
/// mock's model id alone chooses the answer.
async fn invoke(
    client: &Client,
    model_id: impl Into<String>,
) -> Result<InvokeModelOutput, SdkError<InvokeModelError>> {
    client
        .invoke_model()
        .model_id(model_id)
        .body("{}")
        .send()
        .await
}

const BODY: &str = r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"hello"}]}"#;

#[tokio::test]
async fn the_request_on_the_wire_for_a_plain_model_id() {
    let server = mock().await;
    let out = client(&server)
        .invoke_model()
        .model_id("mock.echo")
        .content_type("application/json")
        .accept("application/json")
        .body(BODY)
        .send()
        .await
        .expect("echo succeeds");
    assert_eq!(out.body.as_bytes(), BODY.as_bytes());
    assert_eq!(out.content_type, "application/json");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/model/mock.echo/invoke");
    assert_eq!(r.query, "");
    assert_eq!(
        r.body.as_ref(),
        BODY.as_bytes(),
        "the blob payload is sent raw"
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(
        r.header("content-length"),
        Some(BODY.len().to_string().as_str())
    );
    assert_eq!(r.header("host"), Some(server.addr().to_string().as_str()));
    assert_eq!(r.header("amz-sdk-request"), Some("attempt=1; max=3"));
    let invocation_id = r.header("amz-sdk-invocation-id").expect("an invocation id");
    assert_eq!(invocation_id.len(), 36, "a UUID: {invocation_id}");
    assert!(
        r.header("user-agent")
            .is_some_and(|ua| ua.starts_with("bedrock-runtime/"))
    );
    assert!(r.header("x-amz-date").is_some());
    let authorization = r.header("authorization").expect("signed");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && authorization.contains("/us-east-1/bedrock/aws4_request"),
        "the signing name is `bedrock`, not the endpoint prefix: {authorization}"
    );
    assert_eq!(
        r.signature,
        Ok(()),
        "the mock's independent verifier accepts the signature"
    );
}

#[tokio::test]
async fn an_arn_model_id_is_encoded_as_one_label() {
    let server = mock().await;
    let arn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1";
    let out = client(&server)
        .invoke_model()
        .model_id(arn)
        .content_type("application/json")
        .body(r#"{"prompt":"\n\nHuman: hi\n\nAssistant:","max_tokens_to_sample":10}"#)
        .send()
        .await
        .expect("the mock answers for the Anthropic family");
    let reply: serde_json::Value = serde_json::from_slice(out.body.as_bytes()).unwrap();
    assert_eq!(reply["type"], "completion");
    let r = &server.requests()[0];
    assert_eq!(
        r.path,
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fanthropic.claude-v2%3A1/invoke"
    );
    assert_eq!(
        r.signature,
        Ok(()),
        "the double-encoded canonical path verifies"
    );
}

#[tokio::test]
async fn a_blob_payload_without_content_type_is_octet_stream() {
    let server = mock().await;
    client(&server)
        .invoke_model()
        .model_id("mock.echo")
        .body(vec![0u8, 159, 146, 150])
        .send()
        .await
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert_eq!(r.body.as_ref(), &[0u8, 159, 146, 150]);
}

/// Sends through the default client, but changes the request after it was signed.
#[derive(Debug)]
struct Tamper {
    inner: HyperClient,
}

impl HttpClient for Tamper {
    fn send(&self, mut request: http::Request<RequestBody>) -> HttpFuture {
        *request.body_mut() = RequestBody::from(r#"{"tampered":true}"#);
        request
            .headers_mut()
            .insert("content-length", "17".parse().unwrap());
        self.inner.send(request)
    }
}

#[tokio::test]
async fn a_tampered_request_is_refused_by_the_verifier() {
    let server = mock().await;
    let tampering = config(&server)
        .http_client(Tamper {
            inner: HyperClient::new(None).unwrap(),
        })
        .build()
        .unwrap();
    let err = Client::from_conf(tampering)
        .invoke_model()
        .model_id("mock.echo")
        .body(BODY)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    assert_eq!(err.status(), Some(403));
    assert!(matches!(
        err.as_service_error(),
        Some(InvokeModelError::Unhandled(_))
    ));
    assert!(matches!(
        server.requests()[0].signature,
        Err(bedrock_mock::Rejection::Mismatch { .. })
    ));
    assert_eq!(server.requests().len(), 1, "a 403 is not retried");
}

#[tokio::test]
async fn a_wrong_secret_key_is_refused() {
    let server = mock().await;
    let wrong = config(&server)
        .credentials(bedrock_runtime::credentials::Credentials::new(
            bedrock_mock::DEFAULT_ACCESS_KEY,
            "not-the-secret",
            None,
            None,
            "test",
        ))
        .build()
        .unwrap();
    let err = invoke(&Client::from_conf(wrong), "mock.echo")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    assert!(
        err.to_string()
            .starts_with("InvalidSignatureException (HTTP 403, request id mock-"),
        "{err}"
    );
}

#[tokio::test]
async fn session_tokens_are_signed_and_verified() {
    let server = mock().await;
    let with_token = config(&server)
        .credentials(bedrock_runtime::credentials::Credentials::new(
            bedrock_mock::DEFAULT_ACCESS_KEY,
            bedrock_mock::DEFAULT_SECRET_KEY,
            Some("session-token".to_owned()),
            None,
            "test",
        ))
        .build()
        .unwrap();
    invoke(&Client::from_conf(with_token), "mock.echo")
        .await
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("x-amz-security-token"), Some("session-token"));
    assert_eq!(r.signature, Ok(()));
}

fn no_retries(server: &bedrock_mock::MockServer) -> Client {
    Client::from_conf(
        config(server)
            .retry_config(RetryConfig::disabled())
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn every_modeled_error_is_typed_with_its_members() {
    let server = mock().await;
    let client = no_retries(&server);
    let cases: &[(&str, u16)] = &[
        ("AccessDeniedException", 403),
        ("InternalServerException", 500),
        ("ModelErrorException", 424),
        ("ModelNotReadyException", 429),
        ("ModelTimeoutException", 408),
        ("ResourceNotFoundException", 404),
        ("ServiceQuotaExceededException", 400),
        ("ServiceUnavailableException", 503),
        ("ThrottlingException", 429),
        ("ValidationException", 400),
    ];
    for (code, status) in cases {
        for in_header in [true, false] {
            let kind = if in_header { "error" } else { "error-body" };
            let err = invoke(&client, format!("mock.{kind}.{code}"))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Some(*code), "{err}");
            assert_eq!(err.status(), Some(*status));
            assert_eq!(err.message(), Some(format!("mock {code}").as_str()));
            assert!(err.request_id().is_some_and(|id| id.starts_with("mock-")));
            let typed = err.as_service_error().expect("a service error");
            assert_eq!(typed.code(), Some(*code));
            assert_eq!(typed.message(), Some(format!("mock {code}").as_str()));
            assert!(
                !matches!(typed, InvokeModelError::Unhandled(_)),
                "{code} is modeled"
            );
            let expected_display = format!(
                "{code} (HTTP {status}, request id {}): mock {code}",
                err.request_id().unwrap()
            );
            assert_eq!(err.to_string(), expected_display);
        }
    }
    let err = invoke(&client, "mock.error.ModelErrorException")
        .await
        .unwrap_err();
    match err.into_service_error() {
        Some(InvokeModelError::ModelErrorException(e)) => {
            assert_eq!(e.original_status_code, Some(500));
            assert_eq!(e.resource_name.as_deref(), Some("mock-model-runner"));
        }
        other => panic!("expected ModelErrorException, got {other:?}"),
    }
}

#[tokio::test]
async fn retryability_follows_the_error() {
    let server = mock().await;
    let client = no_retries(&server);
    for (code, retryable) in [
        ("ThrottlingException", true),
        ("ModelNotReadyException", true),
        ("InternalServerException", true),
        ("ServiceUnavailableException", true),
        ("ValidationException", false),
        ("AccessDeniedException", false),
        ("ResourceNotFoundException", false),
        ("ServiceQuotaExceededException", false),
        ("ModelTimeoutException", false),
        ("ModelErrorException", false),
    ] {
        let err = invoke(&client, format!("mock.error.{code}"))
            .await
            .unwrap_err();
        assert_eq!(err.is_retryable(), retryable, "{code}");
    }
}

#[tokio::test]
async fn an_unknown_error_code_is_unhandled_but_complete() {
    let server = mock().await;
    let err = invoke(&client(&server), "mock.unknown-error")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SomethingNewException"));
    assert_eq!(err.status(), Some(400));
    match err.as_service_error() {
        Some(InvokeModelError::Unhandled(u)) => {
            assert_eq!(u.code(), Some("SomethingNewException"));
            assert_eq!(u.message(), Some("mock: an error no model lists"));
            assert_eq!(u.status(), 400);
            assert!(String::from_utf8_lossy(u.body()).contains("an error no model lists"));
        }
        other => panic!("expected Unhandled, got {other:?}"),
    }
}

#[tokio::test]
async fn a_non_json_error_body_is_kept() {
    let server = mock().await;
    let err = invoke(&no_retries(&server), "mock.status.502")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.code(), None);
    assert!(err.is_retryable());
    match err.as_service_error() {
        Some(InvokeModelError::Unhandled(u)) => {
            assert_eq!(
                u.body().as_ref(),
                b"<html><body>mock gateway error</body></html>"
            );
        }
        other => panic!("expected Unhandled, got {other:?}"),
    }
    assert!(
        err.to_string().starts_with("UnknownError (HTTP 502"),
        "{err}"
    );
}

fn attempts(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.header("amz-sdk-request").unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn throttled_twice_then_success_takes_three_attempts() {
    let server = mock().await;
    let model = format!("mock.throttle.2.{}", unique());
    let out = client(&server)
        .invoke_model()
        .model_id(&model)
        .body(BODY)
        .send()
        .await
        .expect("third attempt succeeds");
    assert_eq!(out.body.as_bytes(), BODY.as_bytes());
    let requests = server.requests();
    assert_eq!(
        attempts(&requests),
        ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]
    );
    let ids: Vec<&str> = requests
        .iter()
        .map(|r| r.header("amz-sdk-invocation-id").unwrap())
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one invocation id for every attempt"
    );
    assert!(
        requests.iter().all(|r| r.body.as_ref() == BODY.as_bytes()),
        "the body is replayed"
    );
    assert!(
        requests.iter().all(|r| r.signature == Ok(())),
        "each attempt is signed"
    );
}

#[tokio::test]
async fn attempts_run_out() {
    let server = mock().await;
    let model = format!("mock.throttle.10.{}", unique());
    let err = invoke(&client(&server), &model).await.unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"));
    assert_eq!(server.requests().len(), 3);

    let server = mock().await;
    let five = Client::from_conf(
        config(&server)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(5)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .build()
            .unwrap(),
    );
    let model = format!("mock.unavailable.10.{}", unique());
    let err = invoke(&five, &model).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        attempts(&server.requests()).last().map(String::as_str),
        Some("attempt=5; max=5")
    );
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = mock().await;
    let err = invoke(&client(&server), "mock.error.ValidationException")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(server.requests().len(), 1);
    for code in [
        "ModelTimeoutException",
        "ModelErrorException",
        "ServiceQuotaExceededException",
    ] {
        let server = mock().await;
        invoke(&client(&server), format!("mock.error.{code}"))
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1, "{code} is not retried");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = mock().await;
    let patient = Client::from_conf(
        config(&server)
            .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
            .build()
            .unwrap(),
    );
    let model = format!("mock.retry-after.150.{}", unique());
    let started = Instant::now();
    invoke(&patient, &model).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);

    // The wait is bounded by the maximum backoff.
    let server = mock().await;
    let model = format!("mock.retry-after.60000.{}", unique());
    let started = Instant::now();
    invoke(&client(&server), &model).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let server = mock().await;
    let model = format!("mock.reset.2.{}", unique());
    client(&server)
        .invoke_model()
        .model_id(&model)
        .body(BODY)
        .send()
        .await
        .expect("third attempt succeeds");
    assert_eq!(server.requests().len(), 3);

    let server = mock().await;
    let err = invoke(&client(&server), "mock.reset").await.unwrap_err();
    assert!(matches!(err, SdkError::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let server = mock().await;
    // A pattern is only refused in Strict mode; the default lets the
    // service judge it (see `validation_modes`).
    let strict = Client::from_conf(
        config(&server)
            .validation_mode(bedrock_runtime::ValidationMode::Strict)
            .build()
            .unwrap(),
    );
    let err = invoke(&strict, "!!!").await.unwrap_err();
    let SdkError::InvalidInput(violations) = &err else {
        panic!("expected invalid input, got {err:?}");
    };
    assert_eq!(
        violations.violations()[0].path(),
        "InvokeModelInput.modelId"
    );
    assert!(
        err.to_string()
            .starts_with("invalid input, nothing was sent: "),
        "{err}"
    );

    let err = client(&server)
        .invoke_model()
        .body("{}")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid input, nothing was sent: InvokeModelInput.modelId: required member is missing"
    );

    let err = client(&server)
        .invoke_model()
        .model_id("mock.echo")
        .content_type("text/plain\r\nx-injected: 1")
        .body("{}")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("InvokeModelInput.contentType: value cannot be sent"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 0, "nothing reached the server");
}

#[tokio::test]
async fn validation_modes() {
    let server = mock().await;
    // `mock.` ids are valid; a too-long guardrail identifier is not. The
    // default (Standard) and Warn log it and send, since only the service
    // knows its current maximum; Off sends without checking; Strict refuses.
    let strict = Client::from_conf(
        config(&server)
            .validation_mode(bedrock_runtime::ValidationMode::Strict)
            .build()
            .unwrap(),
    );
    let err = strict
        .invoke_model()
        .model_id("mock.echo")
        .guardrail_identifier("x".repeat(2049))
        .body("{}")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "InvokeModelInput.guardrailIdentifier: length 2049 is above the maximum 2048"
        ),
        "{err}"
    );
    assert_eq!(server.requests().len(), 0);
    let mut sent = 0;
    for mode in [
        bedrock_runtime::ValidationMode::Standard,
        bedrock_runtime::ValidationMode::Warn,
        bedrock_runtime::ValidationMode::Off,
    ] {
        let client = Client::from_conf(config(&server).validation_mode(mode).build().unwrap());
        client
            .invoke_model()
            .model_id("mock.echo")
            .guardrail_identifier("x".repeat(2049))
            .body("{}")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{mode:?} sends despite the violation: {e}"));
        sent += 1;
        assert_eq!(server.requests().len(), sent, "{mode:?}");
    }
    let off = Client::from_conf(
        config(&server)
            .validation_mode(bedrock_runtime::ValidationMode::Off)
            .build()
            .unwrap(),
    );
    let err = off.invoke_model().body("{}").send().await.unwrap_err();
    assert!(
        matches!(err, SdkError::InvalidInput(_)),
        "a missing required member cannot be built"
    );
    assert_eq!(server.requests().len(), 3);
    // The default still refuses what is surely wrong: an empty model id is
    // below its minimum length.
    let err = invoke(&client(&server), "").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("InvokeModelInput.modelId: length 0 is below the minimum 1"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn time_to_first_byte_timeout_is_its_own_error_and_not_retried_for_costly_calls() {
    let server = mock().await;
    let impatient = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig::new().with_first_byte(Some(Duration::from_millis(100))))
            .build()
            .unwrap(),
    );
    let err = invoke(&impatient, "mock.slow.1000").await.unwrap_err();
    let SdkError::Timeout(timeout) = &err else {
        panic!("expected a timeout, got {err:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::FirstByte);
    assert_eq!(
        server.requests().len(),
        1,
        "InvokeModel is not idempotent: a timed-out attempt is not retried"
    );

    let server = mock().await;
    let opted_in = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig::new().with_first_byte(Some(Duration::from_millis(100))))
            .retry_config(
                RetryConfig::standard()
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5))
                    .with_retry_timed_out_non_idempotent(true),
            )
            .build()
            .unwrap(),
    );
    invoke(&opted_in, "mock.slow.1000").await.unwrap_err();
    assert_eq!(server.requests().len(), 3, "retried when the user opts in");
}

#[tokio::test]
async fn the_operation_deadline_covers_retries() {
    let server = mock().await;
    let deadline = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig::new().with_operation(Some(Duration::from_millis(300))))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(100)
                    .with_initial_backoff(Duration::from_millis(50))
                    .with_max_backoff(Duration::from_millis(50)),
            )
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let model = format!("mock.throttle.1000.{}", unique());
    let err = invoke(&deadline, &model).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::Timeout(t) if t.kind() == TimeoutKind::Operation),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let server = mock().await;
    let url = server.url();
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let gone = Client::from_conf(
        bedrock_runtime::Config::builder()
            .region("us-east-1")
            .credentials(integration_tests::credentials())
            .endpoint_url(url)
            .retry_config(RetryConfig::disabled())
            .build()
            .unwrap(),
    );
    let err = invoke(&gone, "mock.echo").await.unwrap_err();
    let SdkError::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert_eq!(
        transport.kind(),
        bedrock_runtime::error::TransportErrorKind::Connect
    );
    assert!(err.to_string().starts_with("could not connect"), "{err}");
}

#[tokio::test]
async fn debug_output_holds_no_secrets_or_body_bytes() {
    let input = bedrock_runtime::operation::invoke_model::InvokeModelInput::builder()
        .model_id("anthropic.claude-v2")
        .body("my confidential prompt")
        .build()
        .unwrap();
    let debug = format!("{input:?}");
    assert!(!debug.contains("confidential"), "{debug}");

    let server = mock().await;
    let client = client(&server);
    let fluent = client
        .invoke_model()
        .model_id("mock.echo")
        .body("my confidential prompt");
    let debug = format!("{fluent:?} {client:?} {:?}", client.config());
    assert!(!debug.contains("confidential"), "{debug}");
    assert!(!debug.contains(bedrock_mock::DEFAULT_SECRET_KEY), "{debug}");

    let credentials = integration_tests::credentials();
    assert!(!format!("{credentials:?}").contains(bedrock_mock::DEFAULT_SECRET_KEY));
    let with_token = bedrock_runtime::credentials::Credentials::new(
        "AKID",
        "SECRET",
        Some("TOKEN".into()),
        None,
        "t",
    );
    let debug = format!("{with_token:?}");
    assert!(
        !debug.contains("SECRET") && !debug.contains("TOKEN"),
        "{debug}"
    );

    let out = client
        .invoke_model()
        .model_id("mock.echo")
        .body("my confidential prompt")
        .send()
        .await
        .unwrap();
    assert!(!format!("{out:?}").contains("confidential"));
}

#[test]
fn endpoints_follow_the_region_partition() {
    for (region, endpoint) in [
        (
            "us-east-1",
            "https://bedrock-runtime.us-east-1.amazonaws.com",
        ),
        (
            "eu-west-3",
            "https://bedrock-runtime.eu-west-3.amazonaws.com",
        ),
        (
            "cn-north-1",
            "https://bedrock-runtime.cn-north-1.amazonaws.com.cn",
        ),
        (
            "us-gov-west-1",
            "https://bedrock-runtime.us-gov-west-1.amazonaws.com",
        ),
    ] {
        let config = bedrock_runtime::Config::builder()
            .region(region)
            .credentials(integration_tests::credentials())
            .build()
            .unwrap();
        assert_eq!(config.endpoint().unwrap(), endpoint, "{region}");
    }
    let overridden = bedrock_runtime::Config::builder()
        .region("us-east-1")
        .credentials(integration_tests::credentials())
        .endpoint_url("http://127.0.0.1:4010")
        .build()
        .unwrap();
    assert_eq!(overridden.endpoint().unwrap(), "http://127.0.0.1:4010");
}
