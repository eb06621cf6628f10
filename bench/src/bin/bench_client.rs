//! Our client against a local Bedrock Runtime endpoint, with the command
//! line and output of `../shared/peers/aws-sdk-client`, for side-by-side runs.
//!
//! usage: bench_client ENDPOINT_URL invoke N CONCURRENCY
//!        bench_client ENDPOINT_URL stream MODEL_ID
//!        bench_client ENDPOINT_URL roundtrip N     (bidirectional: send one event, await its echo, N times)
//!        bench_client ENDPOINT_URL duplex N SIZE   (bidirectional: N events of SIZE bytes each way at once)
//! Prints one line: the figure and what it counts.

use std::process::ExitCode;
use std::time::Instant;

use bedrock_runtime::credentials::Credentials;
use bedrock_runtime::types::{
    BidirectionalInputPayloadPart, InvokeModelWithBidirectionalStreamInput,
    InvokeModelWithBidirectionalStreamOutput, ResponseStream,
};
use bedrock_runtime::{Client, Config};

const BODY: &[u8] = br#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"hello"}]}"#;

fn client(url: &str) -> Result<Client, String> {
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "static",
        ))
        .endpoint_url(url)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(Client::from_conf(config))
}

async fn invoke(client: Client, n: usize, concurrency: usize) -> Result<String, String> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for _ in (worker..n).step_by(concurrency) {
                let out = client
                    .invoke_model()
                    .model_id("anthropic.claude-3-haiku-20240307-v1:0")
                    .content_type("application/json")
                    .body(BODY)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if out.body.is_empty() {
                    return Err("an empty body".to_owned());
                }
            }
            Ok::<(), String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    let secs = start.elapsed().as_secs_f64();
    Ok(format!(
        "{:.0} requests/s ({n} requests, concurrency {concurrency}, {secs:.3} s)",
        n as f64 / secs
    ))
}

async fn stream(client: Client, model: &str) -> Result<String, String> {
    let start = Instant::now();
    let mut out = client
        .invoke_model_with_response_stream()
        .model_id(model)
        .body(BODY)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let (mut events, mut bytes) = (0u64, 0u64);
    while let Some(event) = out.body.recv().await.map_err(|e| e.to_string())? {
        if let ResponseStream::Chunk(part) = event {
            events += 1;
            bytes += part.bytes.map_or(0, |b| b.len()) as u64;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    Ok(format!(
        "{:.1} MB/s payload ({events} events, {bytes} bytes, {secs:.3} s)",
        bytes as f64 / secs / 1e6
    ))
}

fn event(bytes: Vec<u8>) -> Result<InvokeModelWithBidirectionalStreamInput, String> {
    let part = BidirectionalInputPayloadPart::builder()
        .bytes(bytes)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(InvokeModelWithBidirectionalStreamInput::Chunk(part))
}

fn echoed_len(event: &InvokeModelWithBidirectionalStreamOutput) -> usize {
    match event {
        InvokeModelWithBidirectionalStreamOutput::Chunk(part) => {
            part.bytes.as_ref().map_or(0, |b| b.len())
        }
        _ => 0,
    }
}

/// One event out, its echo back, `n` times on one stream: the median and
/// 99th percentile of the round trip.
async fn roundtrip(client: Client, n: usize) -> Result<String, String> {
    let (sender, mut out) = client
        .invoke_model_with_bidirectional_stream()
        .model_id("mock.echo")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        sender
            .send(event(format!("{{\"n\":{i}}}").into_bytes())?)
            .await
            .map_err(|e| e.to_string())?;
        match out.body.recv().await.map_err(|e| e.to_string())? {
            Some(_) => times.push(start.elapsed()),
            None => return Err("the stream ended early".to_owned()),
        }
    }
    drop(sender);
    while out.body.recv().await.map_err(|e| e.to_string())?.is_some() {}
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(format!(
        "{:.1} us median, {:.1} us p99 round trip ({n} events)",
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6
    ))
}

/// `n` events of `size` bytes sent while their echoes are read.
async fn duplex(client: Client, n: usize, size: usize) -> Result<String, String> {
    let start = Instant::now();
    let (sender, mut out) = client
        .invoke_model_with_bidirectional_stream()
        .model_id("mock.echo")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let payload: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
    let sending = tokio::spawn(async move {
        for _ in 0..n {
            sender
                .send(event(payload.clone())?)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok::<(), String>(())
    });
    let mut bytes = 0usize;
    while let Some(e) = out.body.recv().await.map_err(|e| e.to_string())? {
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
    let usage = "usage: bench_client URL invoke N CONCURRENCY | URL stream MODEL_ID | URL roundtrip N | URL duplex N SIZE";
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [_, url, "invoke", n, c] => match (n.parse(), c.parse(), client(url)) {
            (Ok(n), Ok(c), Ok(client)) => invoke(client, n, c).await,
            (_, _, Err(e)) => Err(e),
            _ => Err(usage.to_owned()),
        },
        [_, url, "stream", model] => match client(url) {
            Ok(client) => stream(client, model).await,
            Err(e) => Err(e),
        },
        [_, url, "roundtrip", n] => match (n.parse(), client(url)) {
            (Ok(n), Ok(client)) => roundtrip(client, n).await,
            (_, Err(e)) => Err(e),
            _ => Err(usage.to_owned()),
        },
        [_, url, "duplex", n, size] => match (n.parse(), size.parse(), client(url)) {
            (Ok(n), Ok(size), Ok(client)) => duplex(client, n, size).await,
            (_, _, Err(e)) => Err(e),
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
