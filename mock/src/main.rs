//! `bedrock-mock`: serve a local Amazon Bedrock Runtime on 127.0.0.1.
//!
//! ```text
//! bedrock-mock [--port 4010] [--access-key KEY --secret-key SECRET] [--bearer-token TOKEN]...
//!              [--tls [--ca-file PATH]] [--verbose] [--record-last N]
//! ```
//!
//! It keeps no request once answered (`--record-last N` keeps the last N,
//! for a debugger), so that its memory stays flat however long it runs.
//!
//! With `--tls` it serves HTTPS (HTTP/2 and HTTP/1.1 by ALPN) at
//! `https://localhost:PORT`, with a certificate from an authority made at
//! start-up, whose certificate it writes to `--ca-file` (by default
//! `bedrock-mock-ca.pem` in the temporary directory) and names.

use std::path::PathBuf;
use std::process::ExitCode;

use bedrock_mock::{MockConfig, MockServer, Recording, TlsIdentity};

const USAGE: &str = "usage: bedrock-mock [--port PORT] [--access-key KEY] [--secret-key SECRET] [--bearer-token TOKEN] [--tls [--ca-file PATH]] [--verbose] [--record-last N]";

/// What the command line asks for.
struct Args {
    config: MockConfig,
    /// Where the test authority's certificate goes, with `--tls`.
    ca_file: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut config = MockConfig {
        port: 4010,
        recording: Recording::Off,
        ..MockConfig::default()
    };
    let mut tls = false;
    let mut ca_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--port" => {
                let port = value("--port")?;
                config.port = port
                    .parse()
                    .map_err(|_| format!("--port: {port:?} is not a port number"))?;
            }
            "--access-key" => config.access_key = value("--access-key")?,
            "--secret-key" => config.secret_key = value("--secret-key")?,
            "--bearer-token" => config.bearer_tokens.push(value("--bearer-token")?),
            "--tls" => tls = true,
            "--ca-file" => ca_file = Some(PathBuf::from(value("--ca-file")?)),
            "--verbose" | "-v" => config.verbose = true,
            "--record-last" => {
                let n = value("--record-last")?;
                config.recording = Recording::Last(
                    n.parse()
                        .map_err(|_| format!("--record-last: {n:?} is not a number"))?,
                );
            }
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if ca_file.is_some() && !tls {
        return Err(format!("--ca-file needs --tls\n{USAGE}"));
    }
    if !tls {
        return Ok(Args {
            config,
            ca_file: None,
        });
    }
    config.tls = Some(TlsIdentity::generate()?);
    let ca_file = ca_file.unwrap_or_else(|| std::env::temp_dir().join("bedrock-mock-ca.pem"));
    Ok(Args {
        config,
        ca_file: Some(ca_file),
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let Args { config, ca_file } = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let (Some(path), Some(identity)) = (&ca_file, &config.tls) {
        if let Err(err) = std::fs::write(path, identity.ca_pem()) {
            eprintln!(
                "bedrock-mock: cannot write the CA certificate to {}: {err}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        println!(
            "bedrock-mock: CA certificate written to {} (trust it with AWS_CA_BUNDLE or --ca-bundle)",
            path.display()
        );
    }
    let server = match MockServer::start(config.clone()).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!(
                "bedrock-mock: cannot listen on 127.0.0.1:{}: {err}",
                config.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "bedrock-mock listening on {} (access key {})",
        server.url(),
        config.access_key
    );
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("bedrock-mock: cannot wait for Ctrl-C: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
