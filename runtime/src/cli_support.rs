//! The model-independent parts of the generated command-line interface
//! (the `cli` feature): global options, argument forms (`file://`,
//! `fileb://`, JSON) checked against the model's shapes ([`schema`]),
//! `--cli-input-json` ([`options`]), output with `--query` and `--output`
//! ([`output`]), errors in the AWS CLI's words and exit codes, and
//! `decode-event-stream`.

pub mod options;
pub mod output;
pub mod schema;

pub use options::{Options, input_args, print_skeleton};
pub use output::Context;

use std::fmt;
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::config::{Config, Service};
use crate::error::{ConfigError, ConfigErrorKind, SdkError, TransportErrorKind};
use crate::event_stream::{Decoder, HeaderValue, ReceiveError};
use crate::primitives::Blob;

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
            SdkError::Credentials(e) => CliError::config(no_credentials(e)),
            SdkError::Config(e) => config_error(e),
            SdkError::Transport(e) if e.kind() == TransportErrorKind::Certificate => {
                CliError::other(format!(
                    "{err}\nTo trust a private certificate authority, pass --ca-bundle FILE (a PEM file), or set AWS_CA_BUNDLE or the profile's ca_bundle."
                ))
            }
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
        "query",
        "A JMESPath expression that picks what to print, e.g. 'modelSummaries[].modelId'",
    ),
    (
        "output",
        "How to print the output: json (default), text or table",
    ),
    (
        "validation",
        "What to refuse before sending: standard (default: missing members, values below a minimum; maximums and patterns are warned about and sent), strict (every constraint, and enum values the model does not list), warn, off; overrides SDK_RS_VALIDATION_MODE",
    ),
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

/// The heading of the global options in every command's help, below the
/// command's own.
const GLOBAL_HEADING: &str = "Global options";

/// The root command with the global options. `service_crate` and
/// `service_version` (the generated crate's) go into `--version`.
pub fn root(
    name: &'static str,
    about: &'static str,
    service_crate: &'static str,
    service_version: &'static str,
) -> Command {
    let version = format!(
        "{service_version} ({service_crate}/{service_version} sdk-runtime/{} os/{} arch/{})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let mut command = Command::new(name)
        .about(about)
        .version(version)
        .subcommand_required(true)
        .arg_required_else_help(true);
    for (option, help) in GLOBAL_OPTIONS {
        command = command.arg(
            Arg::new(*option)
                .long(*option)
                .global(true)
                .value_name("VALUE")
                .help_heading(GLOBAL_HEADING)
                .help(*help),
        );
    }
    command.arg(
        Arg::new("no-paginate")
            .long("no-paginate")
            .global(true)
            .action(ArgAction::SetTrue)
            .help_heading(GLOBAL_HEADING)
            .help("Return only the first page of a paginated operation"),
    )
}

/// The help of a member's option: its summary, `[required]` when the
/// input needs it, the values an enum lists, and for JSON-valued options
/// (in `--help`, not `-h`) the syntax of the value.
pub fn member_help(
    arg: Arg,
    summary: &'static str,
    schema: &schema::Schema,
    field: &schema::Field,
) -> Arg {
    let shape = schema.shapes.get(field.target);
    let mut short = summary.to_owned();
    if field.required {
        short.push_str(" [required]");
    }
    let mut long = short.clone();
    match shape.map(|s| &s.kind) {
        Some(schema::Kind::Enum(values)) => {
            let listed = format!("\n\nValues: {}", values.join(", "));
            long.push_str(&listed);
        }
        Some(
            schema::Kind::Structure(_)
            | schema::Kind::Union(_)
            | schema::Kind::List(_)
            | schema::Kind::Map(_),
        ) => {
            long.push_str("\n\nJSON syntax:\n");
            long.push_str(&schema.syntax(field.target));
        }
        _ => {}
    }
    arg.help(short).long_help(long)
}

/// The service's client configuration as `SdkConfig::load_from_env` makes
/// it (the environment, the shared files, and on EC2 the instance's
/// region), with the global options on top.
pub async fn config<S: Service>(global: &ArgMatches) -> Result<Config<S>, CliError> {
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
    if let Some(mode) = global.get_one::<String>("validation") {
        builder = builder.validation_mode(validation_mode(mode)?);
    }
    if let Some(path) = global.get_one::<String>("ca-bundle") {
        let tls = crate::transport::TlsConfig::new()
            .with_ca_bundle_file(path)
            .map_err(|e| CliError::config(format!("--ca-bundle: {}", e.message())))?;
        builder = builder.tls_config(tls);
    }
    builder.load().await.map_err(|e| config_error(&e))
}

/// `--validation`'s value.
fn validation_mode(value: &str) -> Result<crate::validation::ValidationMode, CliError> {
    use crate::validation::ValidationMode as Mode;
    match value.to_ascii_lowercase().as_str() {
        "standard" => Ok(Mode::Standard),
        "strict" => Ok(Mode::Strict),
        "warn" => Ok(Mode::Warn),
        "off" => Ok(Mode::Off),
        _ => Err(CliError::parameter(format!(
            "--validation: {value:?} is not one of standard, strict, warn, off"
        ))),
    }
}

/// Prints, as warnings, the violations the validation `mode` lets through
/// (the service judges them), so that a command-line user sees them
/// without a logger. What the mode refuses is reported by the call itself.
pub fn warn_violations(
    mode: crate::validation::ValidationMode,
    outcome: Result<(), crate::validation::ValidationError>,
) {
    use crate::validation::{ValidationMode as Mode, ViolationKind};
    let Err(err) = outcome else { return };
    let shown: Vec<_> = match mode {
        Mode::Warn => err.violations().iter().collect(),
        Mode::Standard if !err.violations().iter().any(|v| v.is_certain()) => err
            .violations()
            .iter()
            .filter(|v| !matches!(v.kind(), ViolationKind::UnlistedValue { .. }))
            .collect(),
        _ => Vec::new(),
    };
    for violation in shown {
        eprintln!("warning: {violation} (sent; the service decides)");
    }
}

/// A configuration error in the command line's words.
fn config_error(err: &ConfigError) -> CliError {
    match err.kind() {
        ConfigErrorKind::NoRegion => CliError::config(
            "You must specify a region: pass --region (e.g. --region us-east-1), set AWS_REGION, or set `region` in the profile (~/.aws/config; the profile is --profile or AWS_PROFILE, else default). On EC2 the instance's region is used when its metadata answers.",
        ),
        _ => CliError::config(err.to_string()),
    }
}

/// The credentials error in the command line's words: each source of the
/// default chain once, in order, with why it gave nothing, and how to fix
/// the most likely one.
fn no_credentials(err: &crate::error::CredentialsError) -> String {
    let Some(found) = std::error::Error::source(err)
        .and_then(|s| s.downcast_ref::<crate::credentials::NoCredentialsFound>())
    else {
        return err.to_string();
    };
    let mut message = String::from("Unable to locate credentials. Tried, in order:\n");
    for skipped in found.tried() {
        message.push_str(&format!("  {}: {}\n", skipped.source(), skipped.why()));
    }
    let missing_profile = found.tried().iter().find(|s| {
        s.source() == "profile"
            && s.why().contains("is not in the shared")
            && !s.why().contains("\"default\"")
    });
    message.push_str(match missing_profile {
        Some(_) => "To fix it: check the profile's name (--profile or AWS_PROFILE), or add it to ~/.aws/config or ~/.aws/credentials (`aws configure --profile NAME` writes one).",
        None => "To fix it: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put credentials in a profile (`aws configure`, or `aws configure sso` for IAM Identity Center) and pick it with --profile.",
    });
    message
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

/// A value in its JSON wire form, such as a line of `--input-events`.
pub fn json<T: serde::de::DeserializeOwned>(option: &str, value: &str) -> Result<T, CliError> {
    serde_json::from_str(value).map_err(|e| CliError::parameter(format!("--{option}: {e}")))
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
        .required_unless_present("generate-cli-skeleton")
        .help("Where to write the response body")
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
            output::print_json_line(&line)?;
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
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
