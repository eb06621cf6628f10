//! The AWS event-stream format (`application/vnd.amazon.eventstream`):
//! framing, an incremental decoder and an encoder, the receiver that turns
//! a streamed response body into typed events, and the sender that turns
//! typed events into a streamed (and signed) request body.
//!
//! A message is a 12-byte prelude (total length, headers length, CRC-32 of
//! those eight bytes), headers, a payload, and a CRC-32 of everything before
//! it. The decoder checks the prelude CRC as soon as the prelude is in,
//! before waiting for or allocating the rest, then the resource limits, then
//! the message CRC; each violation is its own [`DecodeErrorKind`].

mod decoder;
mod encoder;
mod message;
mod receiver;
mod sender;

pub use decoder::{DecodeError, DecodeErrorKind, Decoder, Limits, MessagePart};
pub use encoder::{EncodeError, encode};
pub use message::{Header, HeaderValue, Message, StrBytes};
pub use receiver::{EventReceiver, ReceiveError, StreamTimeouts, Unmarshal};
pub use sender::{EventSender, Marshal, SendError};
pub(crate) use sender::{EventSigner, EventSource, channel};

use crate::json::DeserializeError;
use crate::primitives::Blob;

/// An event's message, for generated event writers: `:message-type`
/// `event`, its `:event-type` and `:content-type`, then the event's own
/// headers.
#[doc(hidden)]
pub fn event_message(
    event_type: &'static str,
    content_type: &'static str,
    headers: Vec<Header>,
    payload: bytes::Bytes,
) -> Message {
    let mut all = Vec::with_capacity(3 + headers.len());
    all.push(Header::new(
        ":message-type",
        HeaderValue::String(StrBytes::from("event")),
    ));
    all.push(Header::new(
        ":event-type",
        HeaderValue::String(StrBytes::from(event_type)),
    ));
    all.push(Header::new(
        ":content-type",
        HeaderValue::String(StrBytes::from(content_type)),
    ));
    all.extend(headers);
    Message::new(all, payload)
}

/// A string header's value, for generated event parsers.
#[doc(hidden)]
pub fn header_string(value: &HeaderValue) -> Result<String, DeserializeError> {
    match value {
        HeaderValue::String(text) => Ok(text.as_str().to_owned()),
        other => Err(DeserializeError::invalid(
            "a string header",
            other.type_name(),
        )),
    }
}

/// A boolean header's value, for generated event parsers.
#[doc(hidden)]
pub fn header_bool(value: &HeaderValue) -> Result<bool, DeserializeError> {
    match value {
        HeaderValue::Bool(b) => Ok(*b),
        other => Err(DeserializeError::invalid(
            "a bool header",
            other.type_name(),
        )),
    }
}

/// An integer header's value that fits `T`, for generated event parsers.
#[doc(hidden)]
pub fn header_integer<T: TryFrom<i64>>(value: &HeaderValue) -> Result<T, DeserializeError> {
    let wide = match value {
        HeaderValue::Byte(v) => i64::from(*v),
        HeaderValue::Short(v) => i64::from(*v),
        HeaderValue::Int(v) => i64::from(*v),
        HeaderValue::Long(v) => *v,
        other => {
            return Err(DeserializeError::invalid(
                "an integer header",
                other.type_name(),
            ));
        }
    };
    T::try_from(wide)
        .map_err(|_| DeserializeError::invalid("an integer in range", wide.to_string()))
}

/// A timestamp header's value, for generated event parsers.
#[doc(hidden)]
pub fn header_timestamp(
    value: &HeaderValue,
) -> Result<crate::primitives::DateTime, DeserializeError> {
    match value {
        HeaderValue::Timestamp(millis) => Ok(crate::primitives::DateTime::from_millis(*millis)),
        other => Err(DeserializeError::invalid(
            "a timestamp header",
            other.type_name(),
        )),
    }
}

/// A byte-array header's value, for generated event parsers.
#[doc(hidden)]
pub fn header_blob(value: &HeaderValue) -> Result<Blob, DeserializeError> {
    match value {
        HeaderValue::ByteArray(bytes) => Ok(Blob::new(bytes.clone())),
        other => Err(DeserializeError::invalid(
            "a bytes header",
            other.type_name(),
        )),
    }
}
