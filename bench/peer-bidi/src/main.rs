//! The official AWS SDK for Rust (`aws-sdk-bedrockruntime`) driving
//! InvokeModelWithBidirectionalStream against a local endpoint, with the
//! command line and output of our `bench_client`, for side-by-side runs.
//!
//! usage: peer-bidi ENDPOINT_URL roundtrip N
//!        peer-bidi ENDPOINT_URL duplex N SIZE
//!
//! The SDK's default HTTP client offers HTTP/2 only by ALPN over TLS; a
//! plain-HTTP loopback endpoint needs prior knowledge, so this program
//! plugs in a hyper-util client with `http2_only`, adapted to the SDK's
//! `HttpClient` interface.

use std::process::ExitCode;
use std::time::Instant;

use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_bedrockruntime::types::error::InvokeModelWithBidirectionalStreamInputError;
use aws_sdk_bedrockruntime::types::{
    BidirectionalInputPayloadPart, InvokeModelWithBidirectionalStreamInput,
    InvokeModelWithBidirectionalStreamOutput,
};
use aws_sdk_bedrockruntime::Client;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::Blob;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::BodyExt;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

type Body = UnsyncBoxBody<bytes::Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// HTTP/2 by prior knowledge, for a plain-HTTP endpoint.
#[derive(Debug, Clone)]
struct Http2Only {
    inner: hyper_util::client::legacy::Client<TcpConnector, Body>,
}

impl Http2Only {
    fn new() -> Self {
        let mut tcp = TcpConnector::new();
        tcp.set_nodelay(true);
        let inner = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .http2_only(true)
            .build(tcp);
        Http2Only { inner }
    }
}

impl HttpConnector for Http2Only {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::user(e.into()))?;
            let request = request.map(|body: SdkBody| {
                let body: Body = BodyExt::boxed_unsync(body);
                body
            });
            let response = inner
                .request(request)
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            let response = response.map(|body| {
                SdkBody::from_body_1_x(
                    body.map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>),
                )
            });
            HttpResponse::try_from(response).map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

impl HttpClient for Http2Only {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

fn client(url: &str) -> Client {
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "static",
        ))
        .endpoint_url(url)
        .http_client(SharedHttpClient::new(Http2Only::new()))
        .build();
    Client::from_conf(config)
}

type Item =
    Result<InvokeModelWithBidirectionalStreamInput, InvokeModelWithBidirectionalStreamInputError>;

fn event(bytes: Vec<u8>) -> Item {
    Ok(InvokeModelWithBidirectionalStreamInput::Chunk(
        BidirectionalInputPayloadPart::builder()
            .bytes(Blob::new(bytes))
            .build(),
    ))
}

fn echoed_len(event: &InvokeModelWithBidirectionalStreamOutput) -> usize {
    match event {
        InvokeModelWithBidirectionalStreamOutput::Chunk(part) => {
            part.bytes.as_ref().map_or(0, |b| b.as_ref().len())
        }
        _ => 0,
    }
}

async fn roundtrip(client: Client, n: usize) -> Result<String, String> {
    let (sender, receiver) = mpsc::channel::<Item>(8);
    let mut out = client
        .invoke_model_with_bidirectional_stream()
        .model_id("mock.echo")
        .body(ReceiverStream::new(receiver).into())
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        sender
            .send(event(format!("{{\"n\":{i}}}").into_bytes()))
            .await
            .map_err(|e| e.to_string())?;
        match out.body.recv().await.map_err(|e| format!("{e:?}"))? {
            Some(_) => times.push(start.elapsed()),
            None => return Err("the stream ended early".to_owned()),
        }
    }
    drop(sender);
    while out
        .body
        .recv()
        .await
        .map_err(|e| format!("{e:?}"))?
        .is_some()
    {}
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(format!(
        "{:.1} us median, {:.1} us p99 round trip ({n} events)",
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6
    ))
}

async fn duplex(client: Client, n: usize, size: usize) -> Result<String, String> {
    let start = Instant::now();
    let (sender, receiver) = mpsc::channel::<Item>(8);
    let mut out = client
        .invoke_model_with_bidirectional_stream()
        .model_id("mock.echo")
        .body(ReceiverStream::new(receiver).into())
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let payload: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
    let sending = tokio::spawn(async move {
        for _ in 0..n {
            sender
                .send(event(payload.clone()))
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok::<(), String>(())
    });
    let mut bytes = 0usize;
    while let Some(e) = out.body.recv().await.map_err(|e| format!("{e:?}"))? {
        bytes += echoed_len(&e);
    }
    sending.await.map_err(|e| e.to_string())??;
    let secs = start.elapsed().as_secs_f64();
    Ok(format!(
        "{:.1} MB/s each way ({n} events of {size} bytes, {secs:.3} s)",
        bytes as f64 / secs / 1e6
    ))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: peer-bidi URL roundtrip N | URL duplex N SIZE";
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [_, url, "roundtrip", n] => match n.parse() {
            Ok(n) => roundtrip(client(url), n).await,
            Err(_) => Err(usage.to_owned()),
        },
        [_, url, "duplex", n, size] => match (n.parse(), size.parse()) {
            (Ok(n), Ok(size)) => duplex(client(url), n, size).await,
            _ => Err(usage.to_owned()),
        },
        _ => Err(usage.to_owned()),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
