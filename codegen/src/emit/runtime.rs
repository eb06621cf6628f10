//! The runtime crate (`sdk-runtime`, in `runtime/`): which of its modules a
//! generated crate re-exports, which of its features the model needs, and
//! the crates generated code names itself.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::ident;
use crate::ir::{Service, ShapeKind};

/// The runtime's package name, as generated manifests name it.
pub(crate) const PACKAGE: &str = "sdk-runtime";

/// A runtime module and how the generated crate re-exports it at its root,
/// so that generated code reaches it as `crate::<module>`.
struct RuntimeModule {
    module: &'static str,
    /// Part of the crate's API, or the interface of generated code only
    /// (hidden from the documentation).
    public: bool,
    /// The generated crate's feature the module needs, if any.
    feature: Option<&'static str>,
    /// Whether the service uses the module at all.
    needed: fn(&Service) -> bool,
}

const MODULES: &[RuntimeModule] = &[
    RuntimeModule {
        module: "cli_support",
        public: false,
        feature: Some("cli"),
        needed: always,
    },
    RuntimeModule {
        module: "credentials",
        public: true,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "dispatch",
        public: false,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "event_stream",
        public: true,
        feature: None,
        needed: has_event_streams,
    },
    RuntimeModule {
        module: "json",
        public: false,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "pagination",
        public: true,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "primitives",
        public: true,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "protocol",
        public: false,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "redact",
        public: false,
        feature: None,
        needed: redacts,
    },
    RuntimeModule {
        module: "retry",
        public: true,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "transport",
        public: true,
        feature: None,
        needed: always,
    },
    RuntimeModule {
        module: "validation",
        public: true,
        feature: None,
        needed: always,
    },
];

fn always(_: &Service) -> bool {
    true
}

/// Whether an operation has an event stream, either way: the runtime's
/// `event-stream` feature is then needed.
pub(crate) fn has_event_streams(service: &Service) -> bool {
    service.shapes.values().any(|shape| match &shape.kind {
        ShapeKind::Union(u) => u.event_stream,
        _ => false,
    })
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

/// The root's re-exports of the runtime's modules.
pub(crate) fn reexports(service: &Service) -> TokenStream {
    let items = MODULES.iter().filter(|m| (m.needed)(service)).map(|m| {
        let name = ident(m.module);
        let gate = m
            .feature
            .map(|feature| quote! { #[cfg(feature = #feature)] });
        if m.public {
            quote! { #gate pub use sdk_runtime::#name; }
        } else {
            quote! { #gate #[doc(hidden)] pub use sdk_runtime::#name; }
        }
    });
    quote! { #(#items)* }
}

/// The runtime's features the generated crate always needs.
pub(crate) fn features(service: &Service) -> Vec<&'static str> {
    let mut features = Vec::new();
    if has_event_streams(service) {
        features.push("event-stream");
    }
    features
}

/// Crates generated code names itself (beyond the runtime), with the
/// generated crate's feature that needs them (`None`: always).
pub(crate) const DEPENDENCIES: &[(&str, Option<&str>)] = &[
    ("bytes", None),
    ("http", None),
    ("serde_json", None),
    ("clap", Some("cli")),
    ("serde", Some("serde")),
    ("tokio", Some("cli")),
    ("tracing", Some("cli")),
];
