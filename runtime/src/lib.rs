//! The runtime every generated AWS service crate shares.
//!
//! A generated crate holds only what its model says: types, builders,
//! validators, serializers, parsers, errors and operations. Everything that
//! does not depend on the model lives here, compiled once for all of a
//! program's services: the shared configuration ([`SdkConfig`]), the
//! credentials chain and its cache, SigV4, the HTTP client and its
//! connection pool, retries, endpoint rules, the JSON protocols' codecs,
//! pagination and event streams.
//!
//! What differs between services reaches the runtime as data: each
//! generated crate hands it a [`ServiceInfo`](dispatch::ServiceInfo) (signing
//! name, endpoint rules, the model's SDK id, the crate's name and version for
//! the User-Agent). Nothing here keeps per-service state of its own.
//!
//! Applications meet this crate through the service crates, which re-export
//! what they need (`bedrock_runtime::SdkConfig`, `bedrock_runtime::primitives`,
//! ...); the modules marked hidden are the interface of generated code.
//!
//! Features: `event-stream` (both directions, and the HTTP/2 duplex path),
//! `serde` (wire-form serde for the primitives), `cli` (the generated
//! command-line interfaces' plumbing) and `protocol-tests` (what the
//! generated protocol-test crates compare with). A service crate enables
//! what its model needs; a crate without event streams compiles none of
//! that code.

#![warn(missing_docs)]

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli_support;
pub mod config;
pub mod credentials;
#[doc(hidden)]
pub mod dispatch;
mod endpoint;
#[doc(hidden)]
pub mod endpoint_rules;
pub mod error;
#[cfg(feature = "event-stream")]
pub mod event_stream;
#[doc(hidden)]
pub mod json;
pub mod pagination;
pub mod primitives;
#[doc(hidden)]
pub mod protocol;
#[cfg(feature = "protocol-tests")]
#[doc(hidden)]
pub mod protocol_test_support;
#[doc(hidden)]
pub mod redact;
pub mod retry;
mod signing;
pub mod transport;
pub mod validation;

pub use crate::config::{SdkConfig, SdkConfigBuilder, TimeoutConfig};
pub use crate::retry::{RetryConfig, RetryMode};
pub use crate::validation::ValidationMode;
