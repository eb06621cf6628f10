//! The resolved intermediate representation that every emitter reads.
//!
//! Resolution ([`resolve`]) is the only code that reads [`crate::model`];
//! emitters read only these types. Names are already Rust names, references
//! are checked, bindings are parsed, and botocore's spellings (a union is a
//! `structure` with `union: true`, ...) are gone.
//!
//! Invariants the emitters may rely on:
//! - every `target` names a shape in [`Service::shapes`];
//! - every Rust name is a valid identifier and unique in its scope;
//! - collections are in a deterministic order (model order for members,
//!   name order for shapes and operations).

mod check;
mod docs;
mod endpoint;
mod http;
pub mod names;
mod pattern;
mod resolve;
mod size;

use std::collections::BTreeMap;

pub use check::{Problem, ProblemKind};
pub use http::{PathPart, UriTemplate};
pub use resolve::{ERROR_MODULE_RUNTIME_EXPORTS, Sources, resolve, resolve_sources};

/// A service, resolved.
#[derive(Debug, Clone)]
pub struct Service {
    /// Cargo package name of the generated crate, e.g. `bedrock-runtime`.
    pub crate_name: String,
    /// Library name, e.g. `bedrock_runtime`.
    pub lib_name: String,
    /// The model file as named in generated headers, e.g. `models/bedrock-runtime.json`.
    pub model_file: String,
    /// `serviceFullName`, e.g. `Amazon Bedrock Runtime`.
    pub title: String,
    /// Service documentation as Markdown.
    pub docs: Option<String>,
    pub protocol: Protocol,
    pub api_version: String,
    pub endpoint_prefix: String,
    /// The SigV4 signing name (`metadata.signingName`, else the endpoint prefix).
    pub signing_name: String,
    pub service_id: String,
    /// The service's auth schemes.
    pub auth: Auth,
    /// Operations in name order.
    pub operations: Vec<Operation>,
    /// Every shape reachable from an operation, by model name.
    pub shapes: BTreeMap<String, Shape>,
    /// The service's endpoint rule set, when the model comes with one.
    pub endpoint_rules: Option<EndpointRules>,
    /// What the crate cannot enforce as the model says (a `pattern` no
    /// ECMA-262 engine accepts, ...), each at its path.
    pub warnings: Vec<Problem>,
    /// A crate of botocore's protocol tests: it gets their test module and
    /// the runtime's comparison helpers as a dev-dependency.
    pub protocol_tests: bool,
}

/// A Smithy endpoint rule set, checked, with the partitions it consults and
/// the cases it must resolve.
#[derive(Debug, Clone)]
pub struct EndpointRules {
    /// The rule set, as compact JSON.
    pub rule_set: String,
    /// AWS's partitions, as compact JSON.
    pub partitions: String,
    pub parameters: Vec<EndpointParameter>,
    pub tests: Vec<EndpointTest>,
}

/// A parameter the rules declare.
#[derive(Debug, Clone)]
pub struct EndpointParameter {
    pub name: String,
    /// `AWS::Region`, `AWS::UseFIPS`, `AWS::UseDualStack`, `SDK::Endpoint`.
    pub built_in: Option<String>,
}

/// One case of `endpoint-tests-1.json`.
#[derive(Debug, Clone)]
pub struct EndpointTest {
    pub docs: String,
    pub params: Vec<(String, EndpointValue)>,
    /// The URL, or the error message.
    pub expect: Result<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointValue {
    Bool(bool),
    String(String),
    /// A `stringArray` parameter.
    StringList(Vec<String>),
}

impl EndpointValue {
    /// The value of a JSON boolean, string or array of strings.
    pub fn from_json(value: &serde_json::Value) -> Option<EndpointValue> {
        match value {
            serde_json::Value::Bool(b) => Some(EndpointValue::Bool(*b)),
            serde_json::Value::String(s) => Some(EndpointValue::String(s.clone())),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(EndpointValue::StringList),
            _ => None,
        }
    }
}

/// How an operation's results continue on the next page.
#[derive(Debug, Clone)]
pub struct Paginator {
    /// Input member that carries the token (model name).
    pub input_token: String,
    /// Output member that carries the next token (model name).
    pub output_token: String,
    /// Input member that limits the page size (model name).
    pub limit_key: Option<String>,
    /// Output member holding each page's items (model name).
    pub result_key: Option<String>,
}

impl Service {
    /// The shape named `name`; resolution guarantees every target exists.
    pub fn shape(&self, name: &str) -> &Shape {
        match self.shapes.get(name) {
            Some(shape) => shape,
            None => unreachable!("resolution checked that shape {name:?} exists"),
        }
    }

    /// Shapes emitted as named types in `home`, in name order.
    pub fn shapes_in(&self, home: Home) -> impl Iterator<Item = &Shape> {
        self.shapes.values().filter(move |s| s.home == home)
    }
}

/// The wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `rest-json`: HTTP bindings, JSON bodies.
    RestJson,
    /// `json` (awsJson 1.0 and 1.1): every request is `POST /` naming its
    /// operation in `X-Amz-Target`, with the whole input as a JSON body.
    AwsJson {
        version: JsonVersion,
        /// The service moved from the query protocol: it is told so with
        /// `x-amzn-query-mode`, and its errors carry the query error code in
        /// `x-amzn-query-error`.
        query_compatible: bool,
    },
}

/// The awsJson version, which only changes the media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonVersion {
    V1_0,
    V1_1,
}

impl JsonVersion {
    /// `application/x-amz-json-1.0` or `-1.1`.
    pub fn media_type(self) -> &'static str {
        match self {
            JsonVersion::V1_0 => "application/x-amz-json-1.0",
            JsonVersion::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// An authentication scheme the runtime implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `aws.auth#sigv4`.
    SigV4,
    /// `smithy.api#httpBearerAuth`.
    Bearer,
    /// `smithy.api#noAuth`: sent unsigned.
    Anonymous,
}

/// The auth schemes a service or an operation offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// The offered schemes the runtime implements, in the model's order of
    /// preference.
    pub supported: Vec<AuthScheme>,
    /// The offered schemes it does not (`aws.auth#sigv4a`, ...), as named.
    pub unsupported: Vec<String>,
}

impl Auth {
    /// Sorts Smithy auth scheme names into those the runtime implements and
    /// the rest; no name at all means SigV4, as for every AWS service.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Auth {
        let mut auth = Auth {
            supported: Vec::new(),
            unsupported: Vec::new(),
        };
        for name in names {
            let scheme = match name {
                "aws.auth#sigv4" => AuthScheme::SigV4,
                "smithy.api#httpBearerAuth" => AuthScheme::Bearer,
                "smithy.api#noAuth" => AuthScheme::Anonymous,
                other => {
                    if !auth.unsupported.iter().any(|u| u == other) {
                        auth.unsupported.push(other.to_owned());
                    }
                    continue;
                }
            };
            if !auth.supported.contains(&scheme) {
                auth.supported.push(scheme);
            }
        }
        if auth.supported.is_empty() && auth.unsupported.is_empty() {
            auth.supported.push(AuthScheme::SigV4);
        }
        auth
    }
}

/// One operation and its HTTP binding.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Model name, e.g. `InvokeModel`.
    pub name: String,
    /// Module and client method name, e.g. `invoke_model`.
    pub snake_name: String,
    /// Operation error enum, e.g. `InvokeModelError`.
    pub error_name: String,
    /// Fluent builder returned by the client method.
    pub fluent_name: String,
    /// The cargo feature that compiles the operation (`invoke-model`).
    pub feature: String,
    pub docs: Option<String>,
    pub deprecated: Option<Deprecation>,
    pub http: HttpBinding,
    /// The input, renamed `{Operation}Input`; empty when the model has none.
    pub input: Structure,
    /// The output, renamed `{Operation}Output`; empty when the model has none.
    pub output: Structure,
    /// Model names of the error shapes, sorted.
    pub errors: Vec<String>,
    pub idempotent: bool,
    pub readonly: bool,
    pub paginator: Option<Paginator>,
    /// How the operation is authenticated; when nothing offered is
    /// supported, sending it is a typed error naming the schemes.
    pub auth: Auth,
    /// awsJson: the `X-Amz-Target` value, `<targetPrefix>.<OperationName>`.
    pub rpc_target: Option<String>,
    /// Smithy's endpoint trait: what goes before the endpoint's host
    /// (empty when the operation has none).
    pub host_prefix: Vec<HostPart>,
    /// Endpoint rule parameters the operation fixes (`staticContextParams`),
    /// in name order.
    pub endpoint_params: Vec<(String, EndpointValue)>,
}

/// A piece of an operation's host prefix (`foo.{label}.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPart {
    /// Text sent as written (letters, digits, `-` and `.`).
    Literal(String),
    /// The value of a string member of the input marked `hostLabel`, by
    /// its model name; checked to be set and a valid host label before
    /// sending.
    Label(String),
}

/// How an operation travels over HTTP.
#[derive(Debug, Clone)]
pub struct HttpBinding {
    /// `GET`, `POST`, ...
    pub method: String,
    pub uri: UriTemplate,
    /// Status code of a successful response.
    pub response_code: u16,
}

/// Where a named type is emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    /// `crate::types`: structures, unions and enums shared by operations.
    Types,
    /// `crate::error`: error structures.
    Error,
    /// Not a named type: strings, numbers, lists, maps, ...
    Inline,
}

/// A shape of the model, resolved.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Model name.
    pub name: String,
    /// Rust type name in its [`Home`] (for inline shapes, the camel-cased name).
    pub rust_name: String,
    /// A `snake_case` name unique among all shapes, for functions about the
    /// shape (its JSON parser, its serializer).
    pub fn_name: String,
    /// For named types: the module in `types` or `error` that holds the
    /// type (`r#type`, whose file is `type.rs`); empty for inline shapes.
    pub module_name: String,
    pub home: Home,
    pub docs: Option<String>,
    pub sensitive: bool,
    pub deprecated: Option<Deprecation>,
    pub constraints: Constraints,
    /// Whether values of this shape, or anything inside them, carry constraints.
    pub needs_validation: bool,
    /// Values of this shape are sent: inside an operation input.
    pub used_in_input: bool,
    /// Values of this shape are received: inside an output, error or event.
    pub used_in_output: bool,
    /// The operations (indices into `Service::operations`) whose input,
    /// output, errors or events reach this shape: it is compiled when any
    /// of their features is on.
    pub used_by: Vec<usize>,
    /// Those whose input holds it as a JSON value (not as an event of a
    /// stream, which is written as a message): its writer is compiled for
    /// them.
    pub sent_by: Vec<usize>,
    /// Those whose output or errors hold it as a JSON value (not as an
    /// event of a stream): its parser is compiled for them.
    pub received_by: Vec<usize>,
    pub kind: ShapeKind,
}

#[derive(Debug, Clone)]
pub enum ShapeKind {
    Structure(Structure),
    Union(Union),
    Enum(StringEnum),
    String,
    Blob { streaming: bool },
    Boolean,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp { format: Option<TimestampFormat> },
    List(List),
    Map(Map),
    Document,
}

impl ShapeKind {
    /// A word for messages: `structure`, `string`, ...
    pub fn describe(&self) -> &'static str {
        match self {
            ShapeKind::Structure(_) => "structure",
            ShapeKind::Union(u) if u.event_stream => "event stream",
            ShapeKind::Union(_) => "union",
            ShapeKind::Enum(_) => "enum",
            ShapeKind::String => "string",
            ShapeKind::Blob { .. } => "blob",
            ShapeKind::Boolean => "boolean",
            ShapeKind::Byte => "byte",
            ShapeKind::Short => "short",
            ShapeKind::Integer => "integer",
            ShapeKind::Long => "long",
            ShapeKind::Float => "float",
            ShapeKind::Double => "double",
            ShapeKind::BigInteger => "bigInteger",
            ShapeKind::BigDecimal => "bigDecimal",
            ShapeKind::Timestamp { .. } => "timestamp",
            ShapeKind::List(_) => "list",
            ShapeKind::Map(_) => "map",
            ShapeKind::Document => "document",
        }
    }

    /// Whether the shape is a number whose range can be checked.
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            ShapeKind::Byte
                | ShapeKind::Short
                | ShapeKind::Integer
                | ShapeKind::Long
                | ShapeKind::Float
                | ShapeKind::Double
        )
    }
}

/// A structure: an operation input or output, an error, an event, or a plain record.
#[derive(Debug, Clone)]
pub struct Structure {
    /// Rust type name.
    pub rust_name: String,
    /// Builder type name.
    pub builder_name: String,
    pub docs: Option<String>,
    pub sensitive: bool,
    pub members: Vec<Member>,
    /// Set for error shapes.
    pub error: Option<ErrorInfo>,
    /// An event of an event stream.
    pub event: bool,
}

impl Union {
    /// For an event stream: the members that are events, not exceptions.
    pub fn events<'a>(&'a self, service: &'a Service) -> impl Iterator<Item = &'a Member> {
        self.members
            .iter()
            .filter(move |m| service.shape(&m.target).home != Home::Error)
    }

    /// For an event stream: the members that are exceptions.
    pub fn exceptions<'a>(&'a self, service: &'a Service) -> impl Iterator<Item = &'a Member> {
        self.members
            .iter()
            .filter(move |m| service.shape(&m.target).home == Home::Error)
    }
}

impl Shape {
    /// Whether this is a structure or union with a deprecated member, whose
    /// parsers, serializers and constructors then use a deprecated item.
    pub fn has_deprecated_member(&self) -> bool {
        match &self.kind {
            ShapeKind::Structure(s) => s.has_deprecated_member(),
            ShapeKind::Union(u) => u.members.iter().any(|m| m.deprecated.is_some()),
            _ => false,
        }
    }
}

impl Structure {
    /// Whether any member is deprecated: the crate's own code that reads or
    /// writes every member must then allow the use.
    pub fn has_deprecated_member(&self) -> bool {
        self.members.iter().any(|m| m.deprecated.is_some())
    }

    /// The member bound to the HTTP payload, if any.
    pub fn payload_member(&self) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.location == MemberLocation::Payload)
    }

    /// Members serialized in the JSON body.
    pub fn body_members(&self) -> impl Iterator<Item = &Member> {
        self.members
            .iter()
            .filter(|m| m.location == MemberLocation::Body)
    }
}

/// What the model says about an error shape.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The error code on the wire (the shape name unless the model overrides it).
    pub code: String,
    pub http_status: Option<u16>,
    /// `client` (sender fault) or `server`.
    pub fault: Fault,
    /// The model marks the error retryable.
    pub retryable: Option<Retryable>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Client,
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retryable {
    Transient,
    Throttling,
}

/// A tagged union; an event stream is a union of events and errors.
#[derive(Debug, Clone)]
pub struct Union {
    pub rust_name: String,
    pub docs: Option<String>,
    pub sensitive: bool,
    /// Variants, in model order; `rust_name` is the variant name.
    pub members: Vec<Member>,
    /// Sent as an `application/vnd.amazon.eventstream` stream.
    pub event_stream: bool,
    /// For an event stream: the enum of the exceptions that can end it.
    pub error_name: Option<String>,
    /// Name of the variant for values this model does not know.
    pub unknown_variant: String,
}

/// A string shape with an `enum` list.
#[derive(Debug, Clone)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// Name of the variant that carries values this model does not know.
    pub unknown_variant: String,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The value on the wire.
    pub value: String,
    pub rust_name: String,
}

#[derive(Debug, Clone)]
pub struct List {
    pub member: String,
    /// Entries may be null.
    pub sparse: bool,
}

#[derive(Debug, Clone)]
pub struct Map {
    pub key: String,
    pub value: String,
    /// Values may be null.
    pub sparse: bool,
}

/// A structure or union member.
#[derive(Debug, Clone)]
pub struct Member {
    /// Model name, used in validation paths and messages.
    pub name: String,
    /// Field (or, in unions, variant) name.
    pub rust_name: String,
    /// Model name of the target shape.
    pub target: String,
    pub docs: Option<String>,
    pub deprecated: Option<Deprecation>,
    pub required: bool,
    /// The member or its target is sensitive.
    pub sensitive: bool,
    pub location: MemberLocation,
    /// The name on the wire: header name, query key, label, or JSON key.
    pub wire_name: String,
    pub idempotency_token: bool,
    pub event_header: bool,
    pub event_payload: bool,
    /// Overrides the target's timestamp format.
    pub timestamp_format: Option<TimestampFormat>,
    /// The member closes a cycle of structures and must be boxed.
    pub boxed: bool,
}

/// Where a member travels in an HTTP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberLocation {
    /// A `{label}` of the request URI; greedy labels (`{Key+}`) keep `/`.
    Uri { greedy: bool },
    /// One query-string parameter.
    Query,
    /// A map of query-string parameters.
    QueryParams,
    /// One header.
    Header,
    /// A map of headers sharing a prefix.
    PrefixHeaders { prefix: String },
    /// The HTTP status code of a response.
    StatusCode,
    /// The whole HTTP payload.
    Payload,
    /// A key of the JSON body.
    Body,
}

/// `min`/`max`/`pattern`, as they apply to the shape's kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// Strings count Unicode scalar values, blobs bytes, lists and maps entries.
    pub length: Option<Bounds<u64>>,
    /// Inclusive range of a number.
    pub range: Option<Bounds<Number>>,
    /// ECMA-262 regex, not anchored; checked to compile at generation time.
    pub pattern: Option<Pattern>,
}

/// A `pattern` constraint and the name of the static that holds it compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// As the model writes it, for messages.
    pub source: String,
    /// The ECMA-262 source `regress` compiles: `source` without the leading
    /// Java-style flag groups (`(?s)`), which become `flags`.
    pub ecma_source: String,
    /// `regress` flags (`i`, `m`, `s`).
    pub flags: String,
    /// `SCREAMING_SNAKE_CASE`, shared by every shape with the same pattern.
    pub static_name: String,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.length.is_none() && self.range.is_none() && self.pattern.is_none()
    }
}

/// Inclusive bounds; either may be absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds<T> {
    pub min: Option<T>,
    pub max: Option<T>,
}

/// A numeric bound, exact as written in the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Integer(i128),
    Float(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// A deprecated shape, member or operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    pub message: Option<String>,
}
