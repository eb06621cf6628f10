//! An independent SigV4 verifier: recomputes a request's signature from
//! what arrived on the wire, with nothing shared with the client's signer.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// RFC 3986 unreserved characters stay; everything else is encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Requests signed further than this from the server's clock are refused, as AWS does.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// The key pair requests must be signed with, and the signing name.
#[derive(Debug, Clone)]
pub struct Verifier {
    pub access_key: String,
    pub secret_key: String,
    pub service: String,
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No `Authorization` header.
    Missing,
    /// The header or a signed value is not what SigV4 requires.
    Malformed(String),
    /// Signed with another access key.
    UnknownAccessKey(String),
    /// Signed too long ago or too far ahead.
    Expired,
    /// A bearer token (API key) the server does not know.
    UnknownBearerToken,
    /// The recomputed signature differs.
    Mismatch {
        /// What the server computed, for debugging failed signatures.
        canonical_request: String,
    },
}

impl Rejection {
    /// The error code AWS answers with.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Missing => "MissingAuthenticationTokenException",
            Rejection::UnknownAccessKey(_) | Rejection::UnknownBearerToken => {
                "UnrecognizedClientException"
            }
            Rejection::Malformed(_) | Rejection::Expired | Rejection::Mismatch { .. } => {
                "InvalidSignatureException"
            }
        }
    }

    /// The message AWS answers with.
    pub fn message(&self) -> String {
        match self {
            Rejection::Missing => "Missing Authentication Token".to_owned(),
            Rejection::Malformed(what) => format!("Authorization header requires {what}"),
            Rejection::UnknownAccessKey(_) => "The security token included in the request is invalid.".to_owned(),
            Rejection::Expired => "Signature expired".to_owned(),
            Rejection::UnknownBearerToken => "The API key in the request is invalid.".to_owned(),
            Rejection::Mismatch { .. } => "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
                .to_owned(),
        }
    }
}

/// What the verifier needs of a request.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as sent, still percent-encoded.
    pub path: &'a str,
    /// The query as sent, without `?`.
    pub query: &'a str,
    /// The `Host` header, or the authority of an HTTP/2 request.
    pub host: &'a str,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

/// What a verified request gives the events that follow it: each event's
/// signature chains from the previous one, the first from the request's.
#[derive(Debug, Clone)]
pub struct EventChain {
    signing_key: Vec<u8>,
    scope: String,
    last_signature: String,
}

/// The payload hash of a request whose events are signed one by one.
pub const SIGNED_EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

impl EventChain {
    /// Checks an event's envelope: `date_millis` (its `:date` header),
    /// `signature` (its `:chunk-signature`) and `payload` (the inner
    /// message, empty for the last). Advances the chain when it verifies.
    pub fn verify(
        &mut self,
        date_millis: i64,
        signature: &[u8],
        payload: &[u8],
    ) -> Result<(), String> {
        // The `:date` header as the event-stream format encodes it: name
        // length, name, type 8 (timestamp), milliseconds big-endian.
        let mut date_header = vec![5u8];
        date_header.extend_from_slice(b":date");
        date_header.push(8);
        date_header.extend_from_slice(&date_millis.to_be_bytes());
        let seconds = u64::try_from(date_millis.div_euclid(1000))
            .map_err(|_| "a :date before 1970".to_owned())?;
        let amz_date = format_amz_date(seconds);
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{amz_date}\n{}\n{}\n{}\n{}",
            self.scope,
            self.last_signature,
            hex::encode(Sha256::digest(&date_header)),
            hex::encode(Sha256::digest(payload)),
        );
        let expected = hmac(&self.signing_key, string_to_sign.as_bytes());
        if !constant_time_eq(&expected, signature) {
            return Err(format!(
                "the event signature does not match (string to sign {string_to_sign:?})"
            ));
        }
        self.last_signature = hex::encode(expected);
        Ok(())
    }
}

impl Verifier {
    /// Verifies `request` against the configured key pair at time `now`.
    pub fn verify(&self, request: &SignedRequest<'_>, now: SystemTime) -> Result<(), Rejection> {
        self.verify_chain(request, now).map(drop)
    }

    /// Verifies `request` as [`Verifier::verify`] does, and returns the
    /// chain its events' signatures continue.
    pub fn verify_chain(
        &self,
        request: &SignedRequest<'_>,
        now: SystemTime,
    ) -> Result<EventChain, Rejection> {
        let authorization = request
            .headers
            .get("authorization")
            .ok_or(Rejection::Missing)?
            .to_str()
            .map_err(|_| Rejection::Malformed("a text Authorization header".into()))?;
        let auth = parse_authorization(authorization)?;
        let (access_key, date, region, service, terminator) =
            match auth.credential.split('/').collect::<Vec<_>>()[..] {
                [a, d, r, s, t] => (a, d, r, s, t),
                _ => {
                    return Err(Rejection::Malformed(
                        "a Credential of the form key/date/region/service/aws4_request".into(),
                    ));
                }
            };
        if access_key != self.access_key {
            return Err(Rejection::UnknownAccessKey(access_key.to_owned()));
        }
        if terminator != "aws4_request" || service != self.service {
            return Err(Rejection::Malformed(format!(
                "the service {:?} in the credential scope",
                self.service
            )));
        }
        let amz_date = header_text(request.headers, "x-amz-date")
            .ok_or_else(|| Rejection::Malformed("an X-Amz-Date header".into()))?;
        if !amz_date.starts_with(date) {
            return Err(Rejection::Malformed(
                "a credential date matching X-Amz-Date".into(),
            ));
        }
        let signed_at = parse_amz_date(&amz_date)
            .ok_or_else(|| Rejection::Malformed("a valid X-Amz-Date".into()))?;
        let skew = now
            .duration_since(signed_at)
            .unwrap_or_else(|e| e.duration());
        if skew > MAX_SKEW {
            return Err(Rejection::Expired);
        }
        // Over HTTP/2 the AWS SDK for JavaScript v3 signs `:authority`
        // in place of `host`, and the service accepts it.
        if !auth
            .signed_headers
            .iter()
            .any(|h| h == "host" || h == ":authority")
        {
            return Err(Rejection::Malformed(
                "host (or :authority) among the signed headers".into(),
            ));
        }
        if request.headers.contains_key("x-amz-security-token")
            && !auth
                .signed_headers
                .iter()
                .any(|h| h == "x-amz-security-token")
        {
            return Err(Rejection::Malformed(
                "the session token among the signed headers".into(),
            ));
        }

        let canonical_request = canonical_request(request, &auth.signed_headers)?;
        let scope = format!("{date}/{region}/{service}/aws4_request");
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical_request.as_bytes()))
        );
        let mut key = hmac(
            format!("AWS4{}", self.secret_key).as_bytes(),
            date.as_bytes(),
        );
        for part in [region, service, "aws4_request"] {
            key = hmac(&key, part.as_bytes());
        }
        let expected = hex::encode(hmac(&key, string_to_sign.as_bytes()));
        if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
            Ok(EventChain {
                signing_key: key,
                scope,
                last_signature: expected,
            })
        } else {
            Err(Rejection::Mismatch { canonical_request })
        }
    }
}

struct Authorization {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(header: &str) -> Result<Authorization, Rejection> {
    let rest = header
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| Rejection::Malformed("the AWS4-HMAC-SHA256 algorithm".into()))?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v.to_owned());
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed_headers = Some(v.split(';').map(str::to_owned).collect());
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v.to_owned());
        }
    }
    match (credential, signed_headers, signature) {
        (Some(credential), Some(signed_headers), Some(signature)) => Ok(Authorization {
            credential,
            signed_headers,
            signature,
        }),
        _ => Err(Rejection::Malformed(
            "Credential, SignedHeaders and Signature".into(),
        )),
    }
}

/// The canonical request of SigV4 for services other than S3: each path
/// segment encoded again, query parameters sorted, signed headers with
/// trimmed values, and the SHA-256 of the payload.
fn canonical_request(
    request: &SignedRequest<'_>,
    signed_headers: &[String],
) -> Result<String, Rejection> {
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    let canonical_path: Vec<String> = path
        .split('/')
        .map(|segment| utf8_percent_encode(segment, UNRESERVED).to_string())
        .collect();
    let mut query: Vec<(String, String)> = request
        .query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (reencode(k), reencode(v))
        })
        .collect();
    query.sort();
    let canonical_query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();

    let mut headers = String::new();
    for name in signed_headers {
        let value = if name == "host" || name == ":authority" {
            header_text(request.headers, "host").unwrap_or_else(|| request.host.to_owned())
        } else {
            let values: Vec<String> = request
                .headers
                .get_all(name.as_str())
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            if values.is_empty() {
                return Err(Rejection::Malformed(format!(
                    "the signed header {name} in the request"
                )));
            }
            values.join(",")
        };
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&value.split_whitespace().collect::<Vec<_>>().join(" "));
        headers.push('\n');
    }
    let payload_hash = header_text(request.headers, "x-amz-content-sha256")
        .unwrap_or_else(|| hex::encode(Sha256::digest(request.body)));
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_path.join("/"),
        canonical_query.join("&"),
        headers,
        signed_headers.join(";"),
        payload_hash
    ))
}

fn reencode(text: &str) -> String {
    let decoded = percent_decode_str(&text.replace('+', "%20"))
        .decode_utf8_lossy()
        .into_owned();
    utf8_percent_encode(&decoded, UNRESERVED).to_string()
}

fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `20150830T123600Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> { text.get(range)?.parse().ok() };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    u64::try_from(seconds)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// Seconds since the epoch as `20150830T123600Z`.
fn format_amz_date(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX / 2);
    let (year, month, day) = civil_from_days(days);
    let rest = seconds % 86_400;
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's algorithm, the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verifier() -> Verifier {
        Verifier {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            service: "service".into(),
        }
    }

    fn vanilla_headers(signature: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert("host", "example.amazonaws.com".parse().unwrap());
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        headers.insert(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature={signature}"
            )
            .parse()
            .unwrap(),
        );
        headers
    }

    fn at_signing_time() -> SystemTime {
        parse_amz_date("20150830T123600Z").unwrap()
    }

    /// `get-vanilla` from AWS's SigV4 test suite.
    #[test]
    fn accepts_the_test_suite_signature() {
        let headers =
            vanilla_headers("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: "",
            host: "example.amazonaws.com",
            headers: &headers,
            body: b"",
        };
        assert_eq!(verifier().verify(&request, at_signing_time()), Ok(()));
    }

    /// `get-vanilla` signed as the AWS SDK for JavaScript v3 signs over
    /// HTTP/2: `:authority` in place of `host` (signature computed with
    /// Python's `hmac`, independently of this code).
    #[test]
    fn accepts_authority_signed_in_place_of_host() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=:authority;x-amz-date, \
             Signature=f4f76e64657334fd8315f9078b5e4f85a30d60d44c6341dcbe8018821ff7c80a"
                .parse()
                .unwrap(),
        );
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: "",
            host: "example.amazonaws.com",
            headers: &headers,
            body: b"",
        };
        assert_eq!(verifier().verify(&request, at_signing_time()), Ok(()));
        let elsewhere = SignedRequest {
            host: "other.amazonaws.com",
            ..request
        };
        assert!(verifier().verify(&elsewhere, at_signing_time()).is_err());
    }

    #[test]
    fn refuses_tampering_wrong_keys_and_old_signatures() {
        let headers =
            vanilla_headers("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        let tampered = SignedRequest {
            method: "GET",
            path: "/other",
            query: "",
            host: "example.amazonaws.com",
            headers: &headers,
            body: b"",
        };
        assert!(matches!(
            verifier().verify(&tampered, at_signing_time()),
            Err(Rejection::Mismatch { .. })
        ));
        let request = SignedRequest {
            path: "/",
            ..tampered
        };
        let wrong_key = Verifier {
            access_key: "OTHER".into(),
            ..verifier()
        };
        assert!(matches!(
            wrong_key.verify(&request, at_signing_time()),
            Err(Rejection::UnknownAccessKey(_))
        ));
        let later = at_signing_time() + Duration::from_secs(3600);
        assert_eq!(verifier().verify(&request, later), Err(Rejection::Expired));
        let empty = http::HeaderMap::new();
        let unsigned = SignedRequest {
            headers: &empty,
            ..request
        };
        assert_eq!(
            verifier().verify(&unsigned, at_signing_time()),
            Err(Rejection::Missing)
        );
    }

    #[test]
    fn dates_format_back_from_unix_time() {
        for seconds in [0u64, 951_782_400, 1_440_938_160, 4_102_444_799] {
            let text = format_amz_date(seconds);
            let parsed = parse_amz_date(&text).unwrap();
            assert_eq!(parsed, UNIX_EPOCH + Duration::from_secs(seconds), "{text}");
        }
        assert_eq!(format_amz_date(1_440_938_160), "20150830T123600Z");
    }

    #[test]
    fn dates_convert_to_unix_time() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(UNIX_EPOCH));
        assert_eq!(
            parse_amz_date("20150830T123600Z")
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_440_938_160
        );
        assert_eq!(parse_amz_date("2015-08-30T12:36:00Z"), None);
    }
}
