//! The two STS calls the chain makes, in STS's query protocol (a form
//! `POST /`, an XML answer): `AssumeRoleWithWebIdentity` (unsigned: the
//! token is the proof) and `AssumeRole` (signed with the source
//! credentials). The endpoint is `AWS_ENDPOINT_URL_STS`, else
//! `AWS_ENDPOINT_URL`, else the region's `https://sts.{region}.{dnsSuffix}`
//! in the region's partition (`amazonaws.com.cn` in China, ...).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use quick_xml::events::Event;

use super::http::{ProviderHttp, expiration};
use super::{Credentials, Environment};
use crate::transport::{Network, RequestBody};

/// Form values keep only RFC 3986 unreserved characters.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How long STS has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// STS, where the environment and region put it.
#[derive(Debug, Clone)]
pub(crate) struct Sts {
    endpoint: String,
    region: String,
    network: Network,
}

impl Sts {
    pub(crate) fn new(
        env: &Environment,
        network: &Network,
        region: Option<&str>,
    ) -> Result<Self, String> {
        let region = region.unwrap_or("us-east-1").to_owned();
        let endpoint = env
            .get("AWS_ENDPOINT_URL_STS")
            .or_else(|| env.get("AWS_ENDPOINT_URL"))
            .map_or_else(|| crate::endpoint::regional_url("sts", &region), Ok)?;
        Ok(Sts {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region,
            network: network.clone(),
        })
    }

    /// `AssumeRoleWithWebIdentity` with the token read from `token_file`.
    pub(crate) async fn assume_role_with_web_identity(
        &self,
        role_arn: &str,
        session_name: &str,
        token_file: &str,
    ) -> Result<Credentials, String> {
        let token = std::fs::read_to_string(token_file)
            .map_err(|e| format!("cannot read the web identity token file {token_file}: {e}"))?;
        let form = form(&[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", role_arn),
            ("RoleSessionName", session_name),
            ("WebIdentityToken", token.trim()),
        ]);
        let request = self.request(form)?;
        self.call(request, "web_identity").await
    }

    /// `AssumeRole`, signed with `source`.
    pub(crate) async fn assume_role(
        &self,
        role_arn: &str,
        session_name: &str,
        external_id: Option<&str>,
        source: &Credentials,
    ) -> Result<Credentials, String> {
        let mut fields = vec![
            ("Action", "AssumeRole"),
            ("Version", "2011-06-15"),
            ("RoleArn", role_arn),
            ("RoleSessionName", session_name),
        ];
        if let Some(external_id) = external_id {
            fields.push(("ExternalId", external_id));
        }
        let body = form(&fields);
        let mut request = self.request(body.clone())?;
        crate::signing::sign_request(
            &mut request,
            crate::signing::Payload::Bytes(&body),
            source,
            &self.region,
            "sts",
            SystemTime::now(),
        )
        .map_err(|e| format!("signing AssumeRole failed: {e}"))?;
        self.call(request, "assume_role").await
    }

    fn request(&self, body: Bytes) -> Result<http::Request<RequestBody>, String> {
        let uri: http::Uri = format!("{}/", self.endpoint)
            .parse()
            .map_err(|_| format!("the STS endpoint {:?} is not a URI", self.endpoint))?;
        let host = uri
            .authority()
            .map(|a| a.to_string())
            .ok_or_else(|| format!("the STS endpoint {:?} has no host", self.endpoint))?;
        http::Request::builder()
            .method("POST")
            .uri(uri)
            .header(http::header::HOST, host)
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header(http::header::CONTENT_LENGTH, body.len())
            .body(RequestBody::from(body))
            .map_err(|e| e.to_string())
    }

    async fn call(
        &self,
        request: http::Request<RequestBody>,
        provider: &'static str,
    ) -> Result<Credentials, String> {
        let (status, body) = ProviderHttp::new(&self.network, TIMEOUT)?
            .call(request)
            .await?;
        let fields = read_xml(&body)?;
        if !status.is_success() {
            return Err(format!(
                "STS answered HTTP {status}: {} {}",
                field(&fields, "Code").unwrap_or("(no code)"),
                field(&fields, "Message").unwrap_or("")
            ));
        }
        let (Some(key), Some(secret)) = (
            field(&fields, "AccessKeyId"),
            field(&fields, "SecretAccessKey"),
        ) else {
            return Err("STS's answer lacks AccessKeyId or SecretAccessKey".to_owned());
        };
        let expiry = field(&fields, "Expiration")
            .map(expiration)
            .transpose()
            .map_err(|e| format!("STS's answer: {e}"))?;
        Ok(Credentials::new(
            key,
            secret,
            field(&fields, "SessionToken").map(str::to_owned),
            expiry,
            provider,
        ))
    }
}

/// An `application/x-www-form-urlencoded` body.
fn form(fields: &[(&str, &str)]) -> Bytes {
    let encoded: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, FORM)))
        .collect();
    Bytes::from(encoded.join("&"))
}

/// The text of every leaf element, by its local name, in document order:
/// STS's answers and errors are shallow, with unique leaf names.
fn read_xml(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let invalid = |e: &dyn std::fmt::Display| format!("STS's answer is not valid XML: {e}");
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut fields = Vec::new();
    // The element being read, and its text so far (entities arrive apart).
    let mut open: Option<(String, String)> = None;
    loop {
        match reader.read_event().map_err(|e| invalid(&e))? {
            Event::Start(start) => {
                open = Some((start.local_name().as_ref().to_owned(), String::new()));
            }
            Event::Text(text) => {
                if let Some((_, value)) = &mut open {
                    value.push_str(&text.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, value)) = &mut open {
                    let resolved = match reference.resolve_char_ref().map_err(|e| invalid(&e))? {
                        Some(c) => c,
                        None => match reference.xml10_content().as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => return Err(invalid(&format!("unknown entity &{other};"))),
                        },
                    };
                    value.push(resolved);
                }
            }
            Event::End(_) => {
                if let Some((name, value)) = open.take() {
                    fields.push((name, value.trim().to_owned()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if fields.is_empty() {
        return Err("STS's answer holds no XML fields".to_owned());
    }
    Ok(fields)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
