//! `bedrock-mock`: serve a local Amazon Bedrock Runtime on 127.0.0.1.
//!
//! ```text
//! bedrock-mock [--port 4010] [--access-key KEY --secret-key SECRET] [--bearer-token TOKEN]... [--verbose]
//! ```

use std::process::ExitCode;

use bedrock_mock::{MockConfig, MockServer};

const USAGE: &str =
    "usage: bedrock-mock [--port PORT] [--access-key KEY] [--secret-key SECRET] [--verbose]";

fn parse_args() -> Result<MockConfig, String> {
    let mut config = MockConfig {
        port: 4010,
        ..MockConfig::default()
    };
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
            "--verbose" | "-v" => config.verbose = true,
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
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
