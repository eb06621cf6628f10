//! SigV4 signing with the `aws-sigv4` crate: headers-based signatures,
//! session tokens, and the double-encoded canonical path of non-S3 services.
//! The signature of a request that sends an event stream seeds the chain
//! of the events' own signatures (`event_stream::sender`).

use std::time::SystemTime;

use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::credentials::Credentials;
use crate::error::BoxError;

/// What a request's signature covers of its body.
#[derive(Clone, Copy)]
pub(crate) enum Payload<'a> {
    /// These bytes, hashed.
    Bytes(&'a [u8]),
    /// Signed events that follow (`STREAMING-AWS4-HMAC-SHA256-EVENTS`, also
    /// sent as `X-Amz-Content-Sha256`); each event carries its own signature.
    SignedEvents,
}

/// The payload hash of a request whose body is signed event by event.
const SIGNED_EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

/// Adds `Authorization`, `X-Amz-Date` and, for temporary credentials,
/// `X-Amz-Security-Token` to `request`, signing every header it already has
/// (but `User-Agent`, which proxies may rewrite) and `payload`. Returns the
/// signature.
pub(crate) fn sign_request<B>(
    request: &mut http::Request<B>,
    payload: Payload<'_>,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<String, BoxError> {
    let identity: Identity = credentials.clone().into();
    // Defaults: double percent-encoding of the path, path normalization,
    // no x-amz-content-sha256 header, User-Agent excluded from signing.
    let mut settings = SigningSettings::default();
    let body = match payload {
        Payload::Bytes(bytes) => SignableBody::Bytes(bytes),
        Payload::SignedEvents => {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            SignableBody::Precomputed(SIGNED_EVENTS.to_owned())
        }
    };
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(settings)
        .build()?
        .into();
    let uri = request.uri().to_string();
    let headers = request
        .headers()
        .iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)));
    let signable = SignableRequest::new(request.method().as_str(), uri, headers, body)?;
    let (instructions, signature) = sign(signable, &params)?.into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(signature)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    /// The `get-vanilla` case of AWS's SigV4 test suite: known credentials,
    /// time and request give a known signature.
    #[test]
    fn matches_the_sigv4_test_suite() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        );
        let mut request = http::Request::builder()
            .method("GET")
            .uri("https://example.amazonaws.com/")
            .header("host", "example.amazonaws.com")
            .header("x-amz-date", "20150830T123600Z")
            .body(())
            .unwrap();
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        sign_request(
            &mut request,
            Payload::Bytes(b""),
            &credentials,
            "us-east-1",
            "service",
            time,
        )
        .unwrap();
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert_eq!(
            authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn event_streams_sign_the_streaming_payload_hash() {
        let credentials = Credentials::new("AKID", "SECRET", None, None, "test");
        let mut request = http::Request::builder()
            .method("POST")
            .uri("https://bedrock-runtime.us-east-1.amazonaws.com/model/x/invoke-with-bidirectional-stream")
            .header("host", "bedrock-runtime.us-east-1.amazonaws.com")
            .body(())
            .unwrap();
        let signature = sign_request(
            &mut request,
            Payload::SignedEvents,
            &credentials,
            "us-east-1",
            "bedrock",
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(
            request.headers()["x-amz-content-sha256"],
            "STREAMING-AWS4-HMAC-SHA256-EVENTS"
        );
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(
            authorization.ends_with(&format!("Signature={signature}")),
            "the returned signature seeds the events' chain: {authorization}"
        );
        assert!(
            authorization.contains("x-amz-content-sha256"),
            "{authorization}"
        );
    }

    #[test]
    fn session_tokens_are_sent_and_signed() {
        let credentials =
            Credentials::new("AKID", "SECRET", Some("TOKEN".to_owned()), None, "test");
        let mut request = http::Request::builder()
            .method("POST")
            .uri("https://bedrock-runtime.us-east-1.amazonaws.com/model/x/invoke")
            .header("host", "bedrock-runtime.us-east-1.amazonaws.com")
            .body(())
            .unwrap();
        sign_request(
            &mut request,
            Payload::Bytes(b"{}"),
            &credentials,
            "us-east-1",
            "bedrock",
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(request.headers()["x-amz-security-token"], "TOKEN");
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(
            authorization.contains("x-amz-security-token"),
            "{authorization}"
        );
        assert!(
            authorization.contains("/us-east-1/bedrock/aws4_request"),
            "{authorization}"
        );
    }
}
