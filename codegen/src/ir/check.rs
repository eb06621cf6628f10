//! What can be wrong with a model, and where.

use std::fmt;

/// One contradiction in a model, at a dotted path such as
/// `shapes.InvokeModelRequest.members.modelId`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub path: String,
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
pub enum ProblemKind {
    #[error("shape {name:?} is not defined")]
    UndefinedShape { name: String },
    #[error("shape {name:?} is a {actual}, but a {expected} is required here")]
    WrongShapeKind {
        name: String,
        actual: String,
        expected: String,
    },
    #[error("protocol {protocol:?} is not supported (supported: rest-json, json)")]
    UnsupportedProtocol { protocol: String },
    #[error("jsonVersion {version:?} is not one of 1.0, 1.1")]
    UnknownJsonVersion { version: String },
    #[error(
        "member {member:?} arrives in the event stream's initial-response event, which is not read yet: it is always unset"
    )]
    UnreadInitialResponse { member: String },
    #[error("the paginator's {token} cannot be followed yet; the operation gets no paginator")]
    UnfollowedPaginator { token: String },
    #[error("a json-protocol service needs a targetPrefix")]
    MissingTargetPrefix,
    #[error("X-Amz-Target {target:?} cannot be sent in an HTTP header (printable ASCII only)")]
    InvalidTarget { target: String },
    #[error("host prefix {prefix:?} is invalid: {reason}")]
    InvalidHostPrefix { prefix: String, reason: String },
    #[error("{name:?} is not a member of {shape}")]
    NotAMember { name: String, shape: String },
    #[error("location {location:?} is not one of uri, querystring, header, headers, statusCode")]
    UnknownLocation { location: String },
    #[error("request URI {uri:?} is invalid: {reason}")]
    InvalidUri { uri: String, reason: String },
    #[error("label {{{label}}} is not in the request URI {uri:?} of operation {operation}")]
    MemberLabelNotInUri {
        label: String,
        uri: String,
        operation: String,
    },
    #[error("label {{{label}}} has no member of {shape} bound to it")]
    UriLabelWithoutMember { label: String, shape: String },
    #[error("location {location:?} is only allowed in {allowed_in}")]
    LocationNotAllowed {
        location: String,
        allowed_in: String,
    },
    #[error("{location} members cannot target a {kind}")]
    LocationTargetKind { location: String, kind: String },
    #[error("{name:?} is not a valid HTTP header name")]
    InvalidHeaderName { name: String },
    #[error("more than one member is bound to the HTTP payload")]
    SeveralPayloads,
    #[error("min {min} is greater than max {max}")]
    MinAboveMax { min: String, max: String },
    #[error("bound {value} is not valid for a {kind}: {reason}")]
    InvalidBound {
        value: String,
        kind: String,
        reason: String,
    },
    #[error("pattern {pattern:?} {reason}; it is not checked client-side")]
    UncheckedPattern { pattern: String, reason: String },
    #[error("enum value {value:?} appears twice")]
    DuplicateEnumValue { value: String },
    #[error("timestamp format {format:?} is not one of iso8601, rfc822, unixTimestamp")]
    UnknownTimestampFormat { format: String },
    #[error("HTTP method {method:?} is not a valid method")]
    InvalidMethod { method: String },
    #[error("HTTP status {status} is not a valid status code")]
    InvalidStatus { status: u16 },
    #[error("an event stream may only be bound to the payload of an operation's output or input")]
    MisplacedEventStream,
    #[error("a union must have at least one member")]
    EmptyUnion,
    #[error("an event stream must have at least one event that is not an exception")]
    NoEvents,
    #[error(
        "structures require themselves through required members ({cycle}); no value of them can be made"
    )]
    RequiredRecursion { cycle: String },
    #[error(
        "{name:?} is listed as an error but is not an exception structure (marked `exception` or `error`, not a union, event or event stream)"
    )]
    NotAnError { name: String },
    #[error(
        "lists and maps hold themselves with no structure or union in between ({cycle}); no finite type holds such a value"
    )]
    CollectionRecursion { cycle: String },
    #[error("{what} is not supported yet")]
    Unsupported { what: String },
}
