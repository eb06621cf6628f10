//! SigV4 signing with the `aws-sigv4` crate: headers-based signatures,
//! session tokens, and the double-encoded canonical path of non-S3 services.

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::credentials::Credentials;
use crate::sdk_error::BoxError;

/// Adds `Authorization`, `X-Amz-Date` and, for temporary credentials,
/// `X-Amz-Security-Token` to `request`, signing every header it already has
/// (but `User-Agent`, which proxies may rewrite) and `body`.
pub(crate) fn sign_request<B>(
    request: &mut http::Request<B>,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<(), BoxError> {
    let identity: Identity = credentials.clone().into();
    // Defaults: double percent-encoding of the path, path normalization,
    // no x-amz-content-sha256 header, User-Agent excluded from signing.
    let settings = SigningSettings::default();
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
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers,
        SignableBody::Bytes(body),
    )?;
    let (instructions, _signature) = sign(signable, &params)?.into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
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
            b"",
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
            b"{}",
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
