//! Messages and their headers.

use std::fmt;

use bytes::Bytes;

/// UTF-8 text that shares the buffer it was received in.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct StrBytes {
    bytes: Bytes,
}

impl StrBytes {
    /// Wraps bytes that are valid UTF-8; `None` otherwise.
    pub fn from_utf8(bytes: Bytes) -> Option<Self> {
        std::str::from_utf8(&bytes).ok()?;
        Some(StrBytes { bytes })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Checked when constructed; the bytes are immutable.
        std::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl From<&'static str> for StrBytes {
    fn from(text: &'static str) -> Self {
        StrBytes {
            bytes: Bytes::from_static(text.as_bytes()),
        }
    }
}

impl From<String> for StrBytes {
    fn from(text: String) -> Self {
        StrBytes {
            bytes: Bytes::from(text),
        }
    }
}

impl fmt::Debug for StrBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for StrBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of a header: one of the format's ten types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// Types 0 and 1: `true` and `false`, with no value bytes.
    Bool(bool),
    /// Type 2: a signed byte.
    Byte(i8),
    /// Type 3: a big-endian `i16`.
    Short(i16),
    /// Type 4: a big-endian `i32`.
    Int(i32),
    /// Type 5: a big-endian `i64`.
    Long(i64),
    /// Type 6: bytes, at most 65535.
    ByteArray(Bytes),
    /// Type 7: UTF-8 text, at most 65535 bytes.
    String(StrBytes),
    /// Type 8: milliseconds since the Unix epoch.
    Timestamp(i64),
    /// Type 9: 16 bytes.
    Uuid(u128),
}

impl HeaderValue {
    /// The type's name as `bedrock decode-event-stream` prints it.
    pub fn type_name(&self) -> &'static str {
        match self {
            HeaderValue::Bool(_) => "bool",
            HeaderValue::Byte(_) => "byte",
            HeaderValue::Short(_) => "short",
            HeaderValue::Int(_) => "int",
            HeaderValue::Long(_) => "long",
            HeaderValue::ByteArray(_) => "bytes",
            HeaderValue::String(_) => "string",
            HeaderValue::Timestamp(_) => "timestamp",
            HeaderValue::Uuid(_) => "uuid",
        }
    }

    /// The text of a string header.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(s) => Some(s.as_str()),
            _ => None,
        }
    }
}

/// A named header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    name: StrBytes,
    value: HeaderValue,
}

impl Header {
    /// A header; the encoder checks the name's length.
    pub fn new(name: impl Into<StrBytes>, value: HeaderValue) -> Self {
        Header {
            name: name.into(),
            value,
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// The value.
    pub fn value(&self) -> &HeaderValue {
        &self.value
    }
}

/// One message of an event stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    headers: Vec<Header>,
    payload: Bytes,
}

impl Message {
    /// A message with these headers and payload.
    pub fn new(headers: Vec<Header>, payload: impl Into<Bytes>) -> Self {
        Message {
            headers,
            payload: payload.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<StrBytes>, value: HeaderValue) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    /// The headers, in the order they were sent.
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// The value of header `name`.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|h| h.name() == name)
            .map(Header::value)
    }

    /// The text of string header `name`.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }

    /// The payload.
    pub fn payload(&self) -> &Bytes {
        &self.payload
    }

    /// The payload, without copying.
    pub fn into_payload(self) -> Bytes {
        self.payload
    }
}
