//! SQS (awsJson 1.0 with `awsQueryCompatible`) answers with its old query
//! error codes in `x-amzn-query-error` and the shape's name in `__type`.
//! The modeled error is found by either, and `code()` keeps the query code,
//! as boto3 and the AWS SDK for JavaScript v3 do.

use integration_tests::{credentials, fake_with_headers};
use sqs::operation::get_queue_url::GetQueueUrlError;
use sqs::operation::send_message::SendMessageError;
use sqs::{Client, Config};

/// A fake SQS answering every request with `query_error` and `__type`.
async fn sqs_answering(query_error: &'static str, type_name: &'static str) -> Client {
    let (url, _) = fake_with_headers(Box::new(move |_| {
        (
            400,
            vec![
                ("x-amzn-query-error".to_owned(), query_error.to_owned()),
                ("content-type".to_owned(), "application/x-amz-json-1.0".to_owned()),
            ],
            format!(
                r#"{{"__type":"com.amazonaws.sqs#{type_name}","message":"The specified queue does not exist."}}"#
            ),
        )
    }))
    .await;
    Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials(credentials())
            .endpoint_url(url)
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn a_missing_queue_is_the_modeled_error_and_keeps_its_query_code() {
    let client = sqs_answering(
        "AWS.SimpleQueueService.NonExistentQueue;Sender",
        "QueueDoesNotExist",
    )
    .await;
    let err = client
        .get_queue_url()
        .queue_name("missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    assert!(
        matches!(
            err.as_service_error(),
            Some(GetQueueUrlError::QueueDoesNotExist(_))
        ),
        "{err:?}"
    );
    assert_eq!(err.message(), Some("The specified queue does not exist."));

    let err = client
        .send_message()
        .queue_url("https://sqs.us-east-1.amazonaws.com/123456789012/missing")
        .message_body("hi")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err.into_service_error(),
        Some(SendMessageError::QueueDoesNotExist(_))
    ),);
}

#[tokio::test]
async fn codes_that_match_the_shape_name_and_unknown_codes_still_work() {
    let client = sqs_answering("InvalidMessageContents;Sender", "InvalidMessageContents").await;
    let err = client
        .send_message()
        .queue_url("https://sqs.us-east-1.amazonaws.com/123456789012/q")
        .message_body("hi")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_service_error(),
            Some(SendMessageError::InvalidMessageContents(_))
        ),
        "{err:?}"
    );

    let client = sqs_answering("AWS.SimpleQueueService.Brandnew;Sender", "Brandnew").await;
    let err = client
        .get_queue_url()
        .queue_name("q")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.as_service_error(), Some(GetQueueUrlError::Unhandled(_))),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("AWS.SimpleQueueService.Brandnew"));
}
