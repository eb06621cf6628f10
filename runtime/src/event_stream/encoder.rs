//! Writing messages, for the mock server, tests, and input event streams.

use std::fmt;

use bytes::{BufMut, BytesMut};

use super::message::{HeaderValue, Message};

/// A message that the format cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A header name is empty or longer than 255 bytes.
    HeaderName {
        /// The name.
        name: String,
    },
    /// A byte-array or string header value is longer than 65535 bytes.
    HeaderValueTooLong {
        /// The header's name.
        name: String,
        /// The value's length.
        length: usize,
    },
    /// The message is longer than 4 GiB.
    MessageTooLong,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::HeaderName { name } => {
                write!(f, "header name {name:?} must be 1 to 255 bytes")
            }
            EncodeError::HeaderValueTooLong { name, length } => {
                write!(
                    f,
                    "header {name:?} has a value of {length} bytes; at most 65535 fit"
                )
            }
            EncodeError::MessageTooLong => {
                f.write_str("the message is longer than the format allows")
            }
        }
    }
}

impl std::error::Error for EncodeError {}

/// Appends `message`, framed, to `out`.
pub fn encode(message: &Message, out: &mut BytesMut) -> Result<(), EncodeError> {
    let mut headers_len: usize = 0;
    for header in message.headers() {
        let name = header.name();
        if name.is_empty() || name.len() > 255 {
            return Err(EncodeError::HeaderName {
                name: name.to_owned(),
            });
        }
        let value_len = match header.value() {
            HeaderValue::Bool(_) => 0,
            HeaderValue::Byte(_) => 1,
            HeaderValue::Short(_) => 2,
            HeaderValue::Int(_) => 4,
            HeaderValue::Long(_) | HeaderValue::Timestamp(_) => 8,
            HeaderValue::Uuid(_) => 16,
            HeaderValue::ByteArray(bytes) => variable_len(name, bytes.len())?,
            HeaderValue::String(text) => variable_len(name, text.as_str().len())?,
        };
        headers_len += 2 + name.len() + value_len;
    }
    let total = 16 + headers_len + message.payload().len();
    let total = u32::try_from(total).map_err(|_| EncodeError::MessageTooLong)?;
    let headers_len = u32::try_from(headers_len).map_err(|_| EncodeError::MessageTooLong)?;

    let start = out.len();
    out.reserve(total as usize);
    out.put_u32(total);
    out.put_u32(headers_len);
    let prelude_crc = crc32fast::hash(&out[start..start + 8]);
    out.put_u32(prelude_crc);
    for header in message.headers() {
        let name = header.name().as_bytes();
        // Checked above: 1 to 255 bytes.
        out.put_u8(name.len() as u8);
        out.put_slice(name);
        match header.value() {
            HeaderValue::Bool(true) => out.put_u8(0),
            HeaderValue::Bool(false) => out.put_u8(1),
            HeaderValue::Byte(v) => {
                out.put_u8(2);
                out.put_i8(*v);
            }
            HeaderValue::Short(v) => {
                out.put_u8(3);
                out.put_i16(*v);
            }
            HeaderValue::Int(v) => {
                out.put_u8(4);
                out.put_i32(*v);
            }
            HeaderValue::Long(v) => {
                out.put_u8(5);
                out.put_i64(*v);
            }
            HeaderValue::ByteArray(bytes) => {
                out.put_u8(6);
                // Checked above: at most 65535 bytes.
                out.put_u16(bytes.len() as u16);
                out.put_slice(bytes);
            }
            HeaderValue::String(text) => {
                out.put_u8(7);
                out.put_u16(text.as_str().len() as u16);
                out.put_slice(text.as_str().as_bytes());
            }
            HeaderValue::Timestamp(v) => {
                out.put_u8(8);
                out.put_i64(*v);
            }
            HeaderValue::Uuid(v) => {
                out.put_u8(9);
                out.put_u128(*v);
            }
        }
    }
    out.put_slice(message.payload());
    let message_crc = crc32fast::hash(&out[start..]);
    out.put_u32(message_crc);
    Ok(())
}

fn variable_len(name: &str, len: usize) -> Result<usize, EncodeError> {
    if len > usize::from(u16::MAX) {
        return Err(EncodeError::HeaderValueTooLong {
            name: name.to_owned(),
            length: len,
        });
    }
    Ok(2 + len)
}
