//! The model-independent parts of the generated command-line interface
//! (the `cli` feature): global options, argument forms (`file://`,
//! `fileb://`, JSON), output, exit codes as the AWS CLI uses them, and
//! `decode-event-stream`.

use std::fmt;
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::config::{Config, Service};
use crate::error::SdkError;
use crate::event_stream::{Decoder, HeaderValue, ReceiveError};
use crate::primitives::{Blob, DateTime};

/// A failure, with the AWS CLI's exit code for it.
#[derive(Debug)]
pub struct CliError {
    code: u8,
    message: String,
}

impl CliError {
    /// Invalid parameters, constraint violations included (exit code 252).
    pub fn parameter(message: impl Into<String>) -> Self {
        CliError {
            code: 252,
            message: message.into(),
        }
    }

    /// A configuration or credentials problem (exit code 253).
    pub fn config(message: impl Into<String>) -> Self {
        CliError {
            code: 253,
            message: message.into(),
        }
    }

    /// The service answered with an error (exit code 254).
    pub fn service(message: impl Into<String>) -> Self {
        CliError {
            code: 254,
            message: message.into(),
        }
    }

    /// Anything else: connection, timeout, local I/O (exit code 255).
    pub fn other(message: impl Into<String>) -> Self {
        CliError {
            code: 255,
            message: message.into(),
        }
    }

    /// A captured stream that is not valid event-stream framing (exit code 1).
    pub fn invalid_stream(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }

    /// The exit code.
    pub fn code(&self) -> u8 {
        self.code
    }

    /// The error of a call to `operation`, in the AWS CLI's words.
    pub fn from_sdk<E: fmt::Display>(err: SdkError<E>, operation: &str) -> Self {
        match &err {
            SdkError::InvalidInput(violations) => {
                CliError::parameter(format!("Parameter validation failed: {violations}"))
            }
            SdkError::Credentials(_) | SdkError::Config(_) => CliError::config(err.to_string()),
            SdkError::Service(service) => CliError::service(format!(
                "An error occurred ({}) when calling the {operation} operation: {}",
                service.code().unwrap_or("Unknown"),
                service.message().unwrap_or("")
            )),
            _ => CliError::other(err.to_string()),
        }
    }

    /// The error that ended an event stream.
    pub fn from_stream<E: fmt::Display>(err: ReceiveError<E>, operation: &str) -> Self {
        match &err {
            ReceiveError::Exception(_)
            | ReceiveError::UnknownException { .. }
            | ReceiveError::ErrorMessage { .. } => CliError::service(format!(
                "An error occurred during the {operation} event stream: {err}"
            )),
            _ => CliError::other(err.to_string()),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        CliError::other(err.to_string())
    }
}

impl From<serde_json::Error> for CliError {
    fn from(err: serde_json::Error) -> Self {
        CliError::other(format!("cannot write JSON: {err}"))
    }
}

/// Options every command takes, named as in the AWS CLI.
const GLOBAL_OPTIONS: &[(&str, &str)] = &[
    (
        "region",
        "The region to use; overrides AWS_REGION and the profile",
    ),
    (
        "profile",
        "A profile from the shared credentials and config files",
    ),
    (
        "endpoint-url",
        "Send requests to this URL (e.g. http://127.0.0.1:4010 for bedrock-mock)",
    ),
    (
        "ca-bundle",
        "A PEM file of certificate authorities to trust besides the bundled ones; overrides AWS_CA_BUNDLE and the profile's ca_bundle",
    ),
];

/// The root command with the global options.
pub fn root(name: &'static str, about: &'static str) -> Command {
    let mut command = Command::new(name)
        .about(about)
        .subcommand_required(true)
        .arg_required_else_help(true);
    for (option, help) in GLOBAL_OPTIONS {
        command = command.arg(
            Arg::new(*option)
                .long(*option)
                .global(true)
                .value_name("VALUE")
                .help(*help),
        );
    }
    command.arg(
        Arg::new("no-paginate")
            .long("no-paginate")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Return only the first page of a paginated operation"),
    )
}

/// Whether `--no-paginate` was given.
pub fn no_paginate(global: &ArgMatches) -> bool {
    global.get_flag("no-paginate")
}

/// The service's client configuration: the environment and shared files,
/// then the global options on top.
pub fn config<S: Service>(global: &ArgMatches) -> Result<Config<S>, CliError> {
    let mut builder = Config::<S>::env_builder();
    if let Some(profile) = global.get_one::<String>("profile") {
        builder = builder.profile_name(profile);
    }
    if let Some(region) = global.get_one::<String>("region") {
        builder = builder.region(region);
    }
    if let Some(url) = global.get_one::<String>("endpoint-url") {
        builder = builder.endpoint_url(url);
    }
    if let Some(path) = global.get_one::<String>("ca-bundle") {
        let tls = crate::transport::TlsConfig::new()
            .with_ca_bundle_file(path)
            .map_err(|e| CliError::config(e.to_string()))?;
        builder = builder.tls_config(tls);
    }
    builder.build().map_err(|e| CliError::config(e.to_string()))
}

/// A text argument; `file://PATH` reads the file.
pub fn text(value: &str) -> Result<String, CliError> {
    match value.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::parameter(format!("cannot read {path}: {e}"))),
        None => Ok(value.to_owned()),
    }
}

/// A blob argument: the text's bytes, or a file's bytes with `fileb://PATH`
/// (or `file://PATH`).
pub fn blob(value: &str) -> Result<Blob, CliError> {
    match value
        .strip_prefix("fileb://")
        .or_else(|| value.strip_prefix("file://"))
    {
        Some(path) => std::fs::read(path)
            .map(Blob::new)
            .map_err(|e| CliError::parameter(format!("cannot read {path}: {e}"))),
        None => Ok(Blob::new(value.as_bytes().to_vec())),
    }
}

/// A structure, list, map or document argument: JSON in the wire form,
/// as text or `file://PATH`.
pub fn json<T: serde::de::DeserializeOwned>(member: &str, value: &str) -> Result<T, CliError> {
    let text = text(value)?;
    serde_json::from_str(&text).map_err(|e| CliError::parameter(format!("--{member}: {e}")))
}

/// A number argument.
pub fn parsed<T: std::str::FromStr>(member: &str, value: &str) -> Result<T, CliError> {
    value
        .trim()
        .parse()
        .map_err(|_| CliError::parameter(format!("--{member}: {value:?} is not a valid number")))
}

/// A timestamp argument: ISO 8601, or seconds since the epoch.
pub fn timestamp(member: &str, value: &str) -> Result<DateTime, CliError> {
    DateTime::parse_rfc3339(value)
        .or_else(|| {
            value
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(DateTime::from_secs_f64)
        })
        .ok_or_else(|| {
            CliError::parameter(format!(
                "--{member}: {value:?} is not an ISO 8601 date or epoch seconds"
            ))
        })
}

/// Where a response body goes, written as it arrives.
pub struct Outfile {
    file: std::fs::File,
    path: String,
}

impl Outfile {
    /// Creates (or truncates) the file named by the `outfile` argument.
    pub fn create(args: &ArgMatches) -> Result<Self, CliError> {
        let path = args
            .get_one::<String>("outfile")
            .cloned()
            .ok_or_else(|| CliError::parameter("OUTFILE is required"))?;
        let file = std::fs::File::create(&path)
            .map_err(|e| CliError::other(format!("cannot create {path}: {e}")))?;
        Ok(Outfile { file, path })
    }

    /// Appends bytes and a line break (unless they end with one), then
    /// flushes them: one event per line.
    pub fn write_line(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        if bytes.ends_with(b"\n") {
            self.write(bytes)
        } else {
            let mut line = Vec::with_capacity(bytes.len() + 1);
            line.extend_from_slice(bytes);
            line.push(b'\n');
            self.write(&line)
        }
    }

    /// Appends bytes and flushes them.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.file
            .write_all(bytes)
            .and_then(|()| self.file.flush())
            .map_err(|e| CliError::other(format!("cannot write {}: {e}", self.path)))
    }
}

/// The `--input-events FILE|-` option of operations that send events.
pub fn input_events_arg() -> Arg {
    Arg::new("input-events")
        .long("input-events")
        .value_name("FILE|-")
        .default_value("-")
        .help("Where to read the events to send, one per line (standard input by default)")
}

/// The lines of `--input-events`, read on a thread and handed over as they
/// arrive, so that a pipe feeds the stream while it runs.
pub fn input_lines(
    args: &ArgMatches,
) -> Result<tokio::sync::mpsc::Receiver<Result<String, CliError>>, CliError> {
    let path = args
        .get_one::<String>("input-events")
        .cloned()
        .unwrap_or_else(|| "-".to_owned());
    let reader: Box<dyn std::io::BufRead + Send> = if path == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(&path)
            .map_err(|e| CliError::parameter(format!("--input-events: cannot open {path}: {e}")))?;
        Box::new(std::io::BufReader::new(file))
    };
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    std::thread::spawn(move || {
        for line in reader.lines() {
            let line = line.map_err(|e| CliError::other(format!("cannot read {path}: {e}")));
            let failed = line.is_err();
            if sender.blocking_send(line).is_err() || failed {
                return;
            }
        }
    });
    Ok(receiver)
}

/// Sends an event made by `make` from each non-blank line, then ends the
/// input by dropping the sender.
pub async fn feed_lines<T: crate::event_stream::Marshal>(
    mut lines: tokio::sync::mpsc::Receiver<Result<String, CliError>>,
    sender: crate::event_stream::EventSender<T>,
    make: impl Fn(String) -> Result<T, CliError>,
) -> Result<(), CliError> {
    while let Some(line) = lines.recv().await {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match sender.send(make(line)?).await {
            Ok(()) => {}
            // The call ended; the receiver reports why.
            Err(crate::event_stream::SendError::Closed) => return Ok(()),
            Err(err) => return Err(CliError::parameter(err.to_string())),
        }
    }
    Ok(())
}

/// The outcome of [`feed_lines`] once the output has ended: its error if
/// it failed, nothing if it is still waiting for input (it is stopped).
pub async fn fed(feeding: tokio::task::JoinHandle<Result<(), CliError>>) -> Result<(), CliError> {
    if !feeding.is_finished() {
        feeding.abort();
        return Ok(());
    }
    match feeding.await {
        Ok(outcome) => outcome,
        Err(err) => Err(CliError::other(format!("sending events failed: {err}"))),
    }
}

/// The positional OUTFILE argument.
pub fn outfile_arg() -> Arg {
    Arg::new("outfile")
        .value_name("OUTFILE")
        .required(true)
        .help("Where to write the response body")
}

/// Prints JSON as the AWS CLI does: indented by four spaces.
pub fn print(value: &serde_json::Value) -> Result<(), CliError> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut serializer)?;
    out.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}

/// Prints one JSON value on one line, for streamed events.
pub fn print_line(value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, value)?;
    stdout.write_all(b"\n")?;
    stdout.flush()?;
    Ok(())
}

/// Any value as its JSON wire form.
pub fn to_json(value: &impl serde::Serialize) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(value).map_err(CliError::from)
}

/// One output of a paginated operation from several pages: the items of
/// `result_key` concatenated, the token left out, as the AWS CLI prints it.
pub fn merge_pages(
    pages: Vec<serde_json::Value>,
    result_key: Option<&str>,
    token_key: &str,
) -> serde_json::Value {
    let mut pages = pages.into_iter();
    let Some(mut merged) = pages.next() else {
        return serde_json::Value::Object(serde_json::Map::new());
    };
    for page in pages {
        if let (Some(key), Some(items)) = (
            result_key,
            page.get(result_key.unwrap_or_default()).cloned(),
        ) {
            if let (Some(serde_json::Value::Array(all)), serde_json::Value::Array(more)) =
                (merged.get_mut(key), items)
            {
                all.extend(more);
            } else if let Some(object) = merged.as_object_mut() {
                object.insert(key.to_owned(), page[key].clone());
            }
        }
    }
    if let Some(object) = merged.as_object_mut() {
        object.remove(token_key);
    }
    merged
}

/// Prints clap's message; help and version are not errors.
pub fn usage_error(err: clap::Error) -> ExitCode {
    let _ = err.print();
    match err.kind() {
        clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
            ExitCode::SUCCESS
        }
        clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => ExitCode::from(252),
        _ => ExitCode::from(252),
    }
}

/// The exit code of a command; errors are printed on stderr.
pub fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(err.code())
        }
    }
}

/// `decode-event-stream FILE`: prints each message of a captured stream.
pub fn decode_event_stream_command() -> Command {
    Command::new("decode-event-stream")
        .about("Print each message of a captured event stream as one JSON line")
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .required(true)
                .help("The captured stream, or - for standard input"),
        )
}

/// Prints `{"headers":[{"name","type","value"}],"payload":"<base64>"}` per
/// message; the first invalid message ends it with exit code 1.
pub fn decode_event_stream(args: &ArgMatches) -> Result<(), CliError> {
    use base64::Engine as _;
    let path = args
        .get_one::<String>("file")
        .map(String::as_str)
        .unwrap_or("-");
    let mut input: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| CliError::other(format!("cannot open {path}: {e}")))?,
        )
    };
    let mut decoder = Decoder::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            return decoder
                .finish()
                .map_err(|e| CliError::invalid_stream(e.to_string()));
        }
        decoder.feed(bytes::Bytes::copy_from_slice(&buffer[..read]));
        while let Some(message) = decoder
            .decode()
            .map_err(|e| CliError::invalid_stream(e.to_string()))?
        {
            let headers: Vec<serde_json::Value> = message
                .headers()
                .iter()
                .map(|h| {
                    let value = match h.value() {
                        HeaderValue::Bool(b) => serde_json::json!(b),
                        HeaderValue::Byte(v) => serde_json::json!(v),
                        HeaderValue::Short(v) => serde_json::json!(v),
                        HeaderValue::Int(v) => serde_json::json!(v),
                        HeaderValue::Long(v) => serde_json::json!(v),
                        HeaderValue::Timestamp(v) => serde_json::json!(v),
                        HeaderValue::ByteArray(b) => serde_json::json!(base64::engine::general_purpose::STANDARD.encode(b)),
                        HeaderValue::String(s) => serde_json::json!(s.as_str()),
                        HeaderValue::Uuid(u) => serde_json::json!(uuid::Uuid::from_u128(*u).hyphenated().to_string()),
                    };
                    serde_json::json!({"name": h.name(), "type": h.value().type_name(), "value": value})
                })
                .collect();
            let line = serde_json::json!({
                "headers": headers,
                "payload": base64::engine::general_purpose::STANDARD.encode(message.payload()),
            });
            print_line(&line)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pages_merge_their_items_and_drop_the_token() {
        let pages = vec![
            json!({"items": [1, 2], "nextToken": "a", "other": true}),
            json!({"items": [3], "nextToken": "b"}),
            json!({"items": []}),
        ];
        assert_eq!(
            merge_pages(pages, Some("items"), "nextToken"),
            json!({"items": [1, 2, 3], "other": true})
        );
    }

    #[test]
    fn sdk_errors_map_to_the_aws_cli_exit_codes() {
        let mut violations = crate::validation::Violations::default();
        violations.missing(&crate::validation::Path::root("Input"));
        let invalid: SdkError<String> = SdkError::InvalidInput(violations.into_error());
        assert_eq!(CliError::from_sdk(invalid, "Op").code(), 252);
        let timeout: SdkError<String> = SdkError::Timeout(crate::error::TimeoutError::new(
            crate::error::TimeoutKind::Operation,
            std::time::Duration::from_secs(1),
        ));
        assert_eq!(CliError::from_sdk(timeout, "Op").code(), 255);
    }

    #[test]
    fn arguments_read_files_when_asked() {
        let dir = std::env::temp_dir().join(format!("cli-args-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("body.bin");
        std::fs::write(&path, [0u8, 1, 2]).unwrap();
        assert_eq!(
            blob(&format!("fileb://{}", path.display()))
                .unwrap()
                .as_bytes(),
            &[0, 1, 2]
        );
        assert_eq!(blob("plain").unwrap().as_bytes(), b"plain");
        assert_eq!(text("plain").unwrap(), "plain");
        assert!(text("file:///definitely/missing").unwrap_err().code() == 252);
        assert_eq!(parsed::<i32>("max", "42").unwrap(), 42);
        assert_eq!(parsed::<i32>("max", "x").unwrap_err().code(), 252);
        assert_eq!(
            timestamp("t", "1970-01-01T00:00:10Z").unwrap(),
            DateTime::from_secs(10)
        );
        assert_eq!(timestamp("t", "10").unwrap(), DateTime::from_secs(10));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
