//! Our default credentials chain beside aws-config's, on the same fixtures.
//!
//! `credentials-parity` writes each scenario's shared files, starts one
//! fake endpoint on 127.0.0.1 (container credentials, IMDSv2, STS, the SSO
//! portal), and runs itself once per scenario with only that scenario's
//! variables (`credentials-parity resolve`), where both chains read the
//! process environment. It prints a table and exits non-zero when the two
//! disagree.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::UNIX_EPOCH;

use aws_credential_types::provider::ProvideCredentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Every credential set the fake endpoint hands out expires then.
const EXPIRATION: &str = "2099-01-02T03:04:05Z";
const EXPIRATION_MILLIS: u64 = 4_071_006_245_000;

#[tokio::main]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("resolve") {
        resolve().await;
        return;
    }
    let dir = std::env::temp_dir().join(format!("credentials-parity-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".aws/sso/cache")).expect("a fixture directory");
    let endpoint = fake_endpoint().await;
    let mut disagreements = 0;
    println!("| scenario | ours | aws-config | same |");
    println!("|---|---|---|---|");
    for (name, setup) in SCENARIOS {
        let case = dir.join(name);
        std::fs::create_dir_all(case.join(".aws/sso/cache")).expect("a scenario directory");
        let mut vars = base_variables(&case, &endpoint);
        setup(&case, &endpoint, &mut vars);
        let output = Command::new(std::env::current_exe().expect("this binary"))
            .arg("resolve")
            .env_clear()
            .envs(&vars)
            .output()
            .expect("the resolver runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let line = |who: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{who} ")))
                .unwrap_or("(nothing)")
                .to_owned()
        };
        let (ours, theirs) = (line("ours"), line("theirs"));
        let same = ours == theirs && !ours.starts_with("error");
        if !same {
            disagreements += 1;
        }
        println!(
            "| {name} | {ours} | {theirs} | {} |",
            if same { "yes" } else { "NO" }
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    if disagreements > 0 {
        eprintln!("{disagreements} scenario(s) disagree");
        std::process::exit(1);
    }
}

/// Resolves with both chains from the process environment and prints one
/// line each: key, secret, token, expiry in seconds.
async fn resolve() {
    // Both chains may renew the SSO token and rewrite its cache: each
    // starts from the same files.
    let cache = std::env::var("HOME")
        .map(|home| Path::new(&home).join(".aws/sso/cache"))
        .unwrap_or_default();
    let snapshot = read_dir_files(&cache);
    let ours = bedrock_runtime::credentials::DefaultChain::new(None)
        .provide_credentials()
        .await;
    for (path, bytes) in &snapshot {
        std::fs::write(path, bytes).expect("the cache restored");
    }
    let config = aws_config::load_from_env().await;
    let theirs = match config.credentials_provider() {
        Some(provider) => provider.provide_credentials().await,
        None => {
            Err(aws_credential_types::provider::error::CredentialsError::not_loaded("no provider"))
        }
    };
    for (who, result) in [("ours", ours), ("theirs", theirs)] {
        match result {
            Ok(c) => println!(
                "{who} {} {} {} {}",
                c.access_key_id(),
                c.secret_access_key(),
                c.session_token().unwrap_or("-"),
                c.expiry()
                    .and_then(|e| e.duration_since(UNIX_EPOCH).ok())
                    .map_or("-".to_owned(), |d| d.as_secs().to_string())
            ),
            Err(e) => println!("{who} error: {}", chain(&e)),
        }
    }
}

fn read_dir_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.path(), std::fs::read(e.path()).ok()?)))
        .collect()
}

fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.replace('|', "/")
}

type Setup = fn(&Path, &str, &mut BTreeMap<String, String>);

const SCENARIOS: &[(&str, Setup)] = &[
    ("environment", |_, _, vars| {
        set(vars, "AWS_ACCESS_KEY_ID", "AKIDENV");
        set(vars, "AWS_SECRET_ACCESS_KEY", "env-secret");
        set(vars, "AWS_SESSION_TOKEN", "env-token");
    }),
    ("environment before profile", |dir, _, vars| {
        write(
            dir,
            "credentials",
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n",
        );
        set(vars, "AWS_ACCESS_KEY_ID", "AKIDENV");
        set(vars, "AWS_SECRET_ACCESS_KEY", "env-secret");
    }),
    ("profile keys", |dir, _, vars| {
        write(dir, "credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\naws_session_token = dev-token\n");
        set(vars, "AWS_PROFILE", "dev");
    }),
    ("credential_process", |dir, _, vars| {
        let script = dir.join("process.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"process-secret\", \"SessionToken\": \"process-token\", \"Expiration\": \"{EXPIRATION}\"}}'\n"
            ),
        )
        .expect("the script");
        make_executable(&script);
        write(
            dir,
            "config",
            &format!("[default]\ncredential_process = {}\n", script.display()),
        );
        let _ = vars;
    }),
    ("container (full URI, token file)", |dir, endpoint, vars| {
        let token = dir.join("token");
        // Without a newline: aws-config sends the file's bytes as they are
        // and refuses a token ending in one (ours trims it).
        std::fs::write(&token, "container-token").expect("the token");
        set(
            vars,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{endpoint}/container"),
        );
        set(
            vars,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            &token.display().to_string(),
        );
    }),
    ("IMDSv2", |_, _, _| {}),
    (
        "role_arn + source_profile (STS AssumeRole)",
        |dir, endpoint, vars| {
            write(
            dir,
            "config",
            "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\nrole_session_name = parity\n\n[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
        );
            set(vars, "AWS_PROFILE", "app");
            set(vars, "AWS_ENDPOINT_URL_STS", endpoint);
        },
    ),
    ("web identity (EKS IRSA)", |dir, endpoint, vars| {
        let token = dir.join("web-token");
        std::fs::write(&token, "eyJ.web.identity").expect("the token");
        set(
            vars,
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &token.display().to_string(),
        );
        set(vars, "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa");
        set(vars, "AWS_ROLE_SESSION_NAME", "parity");
        set(vars, "AWS_ENDPOINT_URL_STS", endpoint);
    }),
    ("SSO (sso_session, cached token)", |dir, endpoint, vars| {
        write(
            dir,
            "config",
            "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
        );
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, b"corp");
        let name: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(
            dir.join(format!(".aws/sso/cache/{name}.json")),
            "{\"accessToken\": \"sso-access-token\", \"expiresAt\": \"2099-01-01T00:00:00Z\", \"region\": \"us-east-1\", \"startUrl\": \"https://corp.awsapps.com/start\"}",
        )
        .expect("the cached token");
        set(vars, "AWS_PROFILE", "sso");
        set(vars, "AWS_ENDPOINT_URL_SSO", endpoint);
    }),
    (
        "SSO, expired token renewed through SSO OIDC",
        |dir, endpoint, vars| {
            write(
            dir,
            "config",
            "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
        );
            let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, b"corp");
            let name: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
            std::fs::write(
            dir.join(format!(".aws/sso/cache/{name}.json")),
            "{\"accessToken\": \"expired-token\", \"expiresAt\": \"2020-01-01T00:00:00Z\", \"refreshToken\": \"refresh-token\", \"clientId\": \"client-id\", \"clientSecret\": \"client-secret\", \"registrationExpiresAt\": \"2099-01-01T00:00:00Z\", \"region\": \"us-east-1\", \"startUrl\": \"https://corp.awsapps.com/start\"}",
        )
        .expect("the cached token");
            set(vars, "AWS_PROFILE", "sso");
            set(vars, "AWS_ENDPOINT_URL_SSO", endpoint);
            set(vars, "AWS_ENDPOINT_URL_SSO_OIDC", endpoint);
        },
    ),
];

/// What every scenario has: its own home and shared files, a region, and
/// instance metadata at the fake endpoint (never this machine's).
fn base_variables(dir: &Path, endpoint: &str) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    set(&mut vars, "HOME", &dir.display().to_string());
    set(
        &mut vars,
        "AWS_CONFIG_FILE",
        &dir.join("config").display().to_string(),
    );
    set(
        &mut vars,
        "AWS_SHARED_CREDENTIALS_FILE",
        &dir.join("credentials").display().to_string(),
    );
    set(&mut vars, "AWS_REGION", "us-east-1");
    set(&mut vars, "AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint);
    if let Ok(path) = std::env::var("PATH") {
        set(&mut vars, "PATH", &path);
    }
    vars
}

fn set(vars: &mut BTreeMap<String, String>, name: &str, value: &str) {
    vars.insert(name.to_owned(), value.to_owned());
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).expect("a fixture file");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// One HTTP/1.1 endpoint on 127.0.0.1 playing the container endpoint,
/// IMDSv2, STS and the SSO portal, each answer naming where it came from.
async fn fake_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut socket).await else {
                    return;
                };
                let (status, content_type, answer) = answer(&head, &body);
                // IMDS says how long its session token lives.
                let ttl = header(&head, "x-aws-ec2-metadata-token-ttl-seconds")
                    .map(|ttl| format!("x-aws-ec2-metadata-token-ttl-seconds: {ttl}\r\n"))
                    .unwrap_or_default();
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\n{ttl}content-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
    Some((head, body))
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

fn answer(head: &str, body: &str) -> (u16, &'static str, String) {
    let mut line = head.lines().next().unwrap_or_default().split(' ');
    let (method, path) = (line.next().unwrap_or(""), line.next().unwrap_or(""));
    let json = |key: &str, secret: &str, token: &str| {
        format!(
            "{{\"Code\": \"Success\", \"AccessKeyId\": \"{key}\", \"SecretAccessKey\": \"{secret}\", \"Token\": \"{token}\", \"Expiration\": \"{EXPIRATION}\"}}"
        )
    };
    match (method, path) {
        ("GET", "/container") if header(head, "authorization") == Some("container-token") => {
            (200, "application/json", json("AKIDCONTAINER", "container-secret", "container-token-session"))
        }
        ("GET", "/container") => (401, "text/plain", String::new()),
        ("PUT", "/latest/api/token") => (200, "text/plain", "imds-session-token".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "text/plain", "instance-role".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/instance-role") => {
            (200, "application/json", json("AKIDIMDS", "imds-secret", "imds-token"))
        }
        ("POST", "/token") if body.contains("\"refreshToken\":\"refresh-token\"") => (
            200,
            "application/json",
            "{\"accessToken\": \"renewed-token\", \"expiresIn\": 3600, \"tokenType\": \"Bearer\"}".into(),
        ),
        ("GET", p) if p.starts_with("/federation/credentials")
            && matches!(
                header(head, "x-amz-sso_bearer_token"),
                Some("sso-access-token" | "renewed-token")
            ) =>
        {
            (
                200,
                "application/json",
                format!(
                    "{{\"roleCredentials\": {{\"accessKeyId\": \"AKIDSSO\", \"secretAccessKey\": \"sso-secret\", \"sessionToken\": \"sso-token\", \"expiration\": {EXPIRATION_MILLIS}}}}}"
                ),
            )
        }
        ("POST", "/") if body.contains("Action=AssumeRole") => {
            let action = if body.contains("Action=AssumeRoleWithWebIdentity") {
                "AssumeRoleWithWebIdentity"
            } else {
                "AssumeRole"
            };
            let key = if action == "AssumeRole" { "AKIDROLE" } else { "AKIDWEB" };
            (
                200,
                "text/xml",
                format!(
                    "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result><Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{key}-secret</SecretAccessKey><SessionToken>{key}-token</SessionToken><Expiration>{EXPIRATION}</Expiration></Credentials></{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
                ),
            )
        }
        _ => (404, "text/plain", String::new()),
    }
}
