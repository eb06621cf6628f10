//! The hand-written runtime: real Rust files under `codegen/runtime/`,
//! compiled and tested as part of each generated crate, copied verbatim.

use super::Files;
use crate::ir::{Service, ShapeKind};

/// A runtime file and the module it becomes at the crate root.
pub(crate) struct RuntimeModule {
    /// Module name, also the file name under `src/`.
    pub(crate) module: &'static str,
    pub(crate) visibility: Visibility,
    /// The cargo feature the module needs, if any.
    pub(crate) feature: Option<&'static str>,
    /// Whether a service uses the module at all; unused modules are not
    /// copied, so that no crate carries dead code.
    needed: fn(&Service) -> bool,
    source: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visibility {
    /// Part of the crate's API.
    Public,
    /// Public so that every model's generated code can use it, but not
    /// meant for applications: hidden from the documentation.
    Hidden,
    /// Used inside the crate only; what users need is re-exported.
    Private,
}

macro_rules! runtime {
    ($($module:literal: $visibility:ident $(if $feature:literal)? $(when $needed:ident)?),* $(,)?) => {
        &[$(RuntimeModule {
            module: $module,
            visibility: Visibility::$visibility,
            feature: feature(&[$($feature)?]),
            needed: needed(&[$($needed)?]),
            source: include_str!(concat!("../../runtime/", $module, ".rs")),
        }),*]
    };
}

/// The condition named in a `runtime!` entry, or always.
const fn needed(named: &[fn(&Service) -> bool]) -> fn(&Service) -> bool {
    match named {
        [needed] => *needed,
        _ => always,
    }
}

fn always(_: &Service) -> bool {
    true
}

/// Whether `Debug` has anything to redact: a sensitive shape, or a
/// sensitive member of a structure or union.
fn redacts(service: &Service) -> bool {
    service.shapes.values().any(|shape| {
        shape.sensitive
            || match &shape.kind {
                ShapeKind::Structure(s) => s.sensitive || s.members.iter().any(|m| m.sensitive),
                ShapeKind::Union(u) => u.sensitive || u.members.iter().any(|m| m.sensitive),
                _ => false,
            }
    }) || service.operations.iter().any(|op| {
        [&op.input, &op.output]
            .into_iter()
            .any(|s| s.sensitive || s.members.iter().any(|m| m.sensitive))
    })
}

/// The feature named in a `runtime!` entry, if any.
const fn feature(named: &[&'static str]) -> Option<&'static str> {
    match named {
        [feature] => Some(feature),
        _ => None,
    }
}

/// Submodules of runtime modules: copied, declared by their parent file.
const SUBMODULES: &[(&str, &str)] = &[
    (
        "credentials/chain",
        include_str!("../../runtime/credentials/chain.rs"),
    ),
    (
        "credentials/container",
        include_str!("../../runtime/credentials/container.rs"),
    ),
    (
        "credentials/http",
        include_str!("../../runtime/credentials/http.rs"),
    ),
    (
        "credentials/imds",
        include_str!("../../runtime/credentials/imds.rs"),
    ),
    (
        "credentials/process",
        include_str!("../../runtime/credentials/process.rs"),
    ),
    (
        "credentials/profile_chain",
        include_str!("../../runtime/credentials/profile_chain.rs"),
    ),
    (
        "credentials/sso",
        include_str!("../../runtime/credentials/sso.rs"),
    ),
    (
        "credentials/sso_token",
        include_str!("../../runtime/credentials/sso_token.rs"),
    ),
    (
        "credentials/sts",
        include_str!("../../runtime/credentials/sts.rs"),
    ),
    (
        "transport/connector",
        include_str!("../../runtime/transport/connector.rs"),
    ),
    (
        "transport/proxy",
        include_str!("../../runtime/transport/proxy.rs"),
    ),
    (
        "transport/tls",
        include_str!("../../runtime/transport/tls.rs"),
    ),
    (
        "event_stream/decoder",
        include_str!("../../runtime/event_stream/decoder.rs"),
    ),
    (
        "event_stream/encoder",
        include_str!("../../runtime/event_stream/encoder.rs"),
    ),
    (
        "event_stream/message",
        include_str!("../../runtime/event_stream/message.rs"),
    ),
    (
        "event_stream/receiver",
        include_str!("../../runtime/event_stream/receiver.rs"),
    ),
    (
        "event_stream/sender",
        include_str!("../../runtime/event_stream/sender.rs"),
    ),
];

const MODULES: &[RuntimeModule] = runtime![
    "cli_support": Hidden if "cli",
    "config": Public,
    "credentials": Public,
    "dispatch": Hidden,
    "endpoint": Private,
    "endpoint_rules": Hidden,
    "event_stream": Public,
    "json": Hidden,
    "pagination": Public,
    "primitives": Public,
    "protocol": Hidden,
    "redact": Hidden when redacts,
    "retry": Public,
    "sdk_error": Private,
    "signing": Private,
    "transport": Public,
    "validation": Public,
];

/// Crates the runtime uses, with the features it needs beyond the workspace's.
pub(crate) const DEPENDENCIES: &[(&str, &[&str])] = &[
    ("aws-credential-types", &[]),
    ("aws-sigv4", &[]),
    ("aws-smithy-eventstream", &[]),
    ("aws-smithy-runtime-api", &[]),
    ("aws-smithy-types", &[]),
    ("base64", &[]),
    ("bytes", &[]),
    ("crc32fast", &[]),
    ("fastrand", &[]),
    ("futures-core", &[]),
    ("h2", &[]),
    ("http", &[]),
    ("http-body", &[]),
    ("http-body-util", &[]),
    ("httparse", &[]),
    ("httpdate", &[]),
    ("hyper", &[]),
    ("hyper-util", &[]),
    ("percent-encoding", &[]),
    ("quick-xml", &[]),
    ("ring", &[]),
    ("regress", &[]),
    ("rustls", &[]),
    ("rustls-native-certs", &[]),
    ("serde_json", &[]),
    ("tokio", &[]),
    ("tokio-rustls", &[]),
    ("tower-service", &[]),
    ("tracing", &[]),
    ("uuid", &[]),
    ("webpki-roots", &[]),
];

/// The runtime modules `service` uses.
pub(crate) fn modules(service: &Service) -> impl Iterator<Item = &'static RuntimeModule> {
    MODULES.iter().filter(|m| (m.needed)(service))
}

pub(crate) fn copy_all(service: &Service, out: &mut Files<'_>) {
    let files = modules(service)
        .map(|m| (m.module, m.source))
        .chain(SUBMODULES.iter().copied());
    for (path, source) in files {
        let header = format!(
            "// @generated by `cargo xtask codegen`: a copy of codegen/runtime/{path}.rs.\n// Do not edit by hand: change the original, then regenerate.\n\n"
        );
        out.text(&format!("src/{path}.rs"), header + source);
    }
}
