//! `credential_process`: a command from the profile that prints
//! credentials as JSON (`Version` 1, `AccessKeyId`, `SecretAccessKey`,
//! `SessionToken`, `Expiration`), run by the shell as the AWS CLI does.

use std::process::{Command, Stdio};

use super::Credentials;
use super::http::parse_credentials_json;

/// Runs `command` and reads its credentials.
pub(crate) async fn run(command: &str) -> Result<Credentials, String> {
    let command = command.to_owned();
    let output = tokio::task::spawn_blocking(move || shell(&command).output())
        .await
        .map_err(|e| format!("the credential process could not run: {e}"))?
        .map_err(|e| format!("the credential process could not start: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "the credential process exited with {}: {}",
            output.status,
            stderr.trim().chars().take(500).collect::<String>()
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("the credential process printed invalid JSON: {e}"))?;
    match value.get("Version").and_then(serde_json::Value::as_u64) {
        Some(1) => {}
        other => {
            return Err(format!(
                "the credential process printed Version {other:?}; only 1 is defined"
            ));
        }
    }
    parse_credentials_json(&output.stdout, "credential_process")
        .map_err(|e| format!("the credential process's output: {e}"))
}

#[cfg(unix)]
fn shell(command: &str) -> Command {
    let mut shell = Command::new("sh");
    shell.arg("-c").arg(command).stdin(Stdio::null());
    shell
}

#[cfg(not(unix))]
fn shell(command: &str) -> Command {
    let mut shell = Command::new("cmd");
    shell.arg("/C").arg(command).stdin(Stdio::null());
    shell
}
