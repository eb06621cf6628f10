//! An incremental decoder: bytes may arrive split anywhere, even one at a
//! time. It never panics, and never allocates from a length it has not
//! checked (prelude CRC first, then the limits).

use std::collections::{HashSet, VecDeque};
use std::fmt;

use bytes::{Buf, Bytes, BytesMut};

use super::message::{Header, HeaderValue, Message, StrBytes};

/// Prelude: total length, headers length, prelude CRC.
const PRELUDE_LEN: usize = 12;
/// The prelude and the message CRC.
const OVERHEAD: u32 = 16;

/// Bounds on what one message may make the decoder hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest headers section, in bytes (default 128 KiB).
    pub max_headers: u32,
    /// Largest payload, in bytes (default 24 MiB).
    pub max_payload: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_headers: 128 * 1024,
            max_payload: 24 * 1024 * 1024,
        }
    }
}

/// Which part of a message is over its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessagePart {
    /// The headers section.
    Headers,
    /// The payload.
    Payload,
}

/// What is wrong with the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The prelude's CRC does not match its first eight bytes.
    PreludeCrc {
        /// The CRC the prelude carries.
        expected: u32,
        /// The CRC of what arrived.
        computed: u32,
    },
    /// The message CRC does not match the message.
    MessageCrc {
        /// The CRC the message carries.
        expected: u32,
        /// The CRC of what arrived.
        computed: u32,
    },
    /// The total length cannot hold the prelude, the headers and the CRC.
    InconsistentLengths {
        /// The total length in the prelude.
        total: u32,
        /// The headers length in the prelude.
        headers: u32,
    },
    /// A part of the message exceeds its [`Limits`].
    MessageTooLarge {
        /// Which part.
        part: MessagePart,
        /// Its length.
        length: u32,
        /// The limit.
        limit: u32,
    },
    /// A header has a type the format does not define.
    UnknownHeaderType {
        /// The type byte.
        type_id: u8,
    },
    /// A header name is empty or not UTF-8.
    InvalidHeaderName,
    /// Two headers have the same name.
    DuplicateHeader {
        /// The name.
        name: String,
    },
    /// A header's value runs past the end of the headers section.
    TruncatedHeaderValue,
    /// A string header is not UTF-8.
    InvalidHeaderString,
    /// The input ended inside a message.
    EndOfInput {
        /// Bytes of the unfinished message that had arrived.
        buffered: usize,
    },
}

/// A violation of the format, with where in the stream its message began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: u64,
}

impl DecodeError {
    /// What is wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }

    /// The stream offset of the message at fault.
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid event stream (message at byte {}): ",
            self.offset
        )?;
        match &self.kind {
            DecodeErrorKind::PreludeCrc { expected, computed } => {
                write!(
                    f,
                    "prelude CRC is {computed:#010x}, the prelude says {expected:#010x}"
                )
            }
            DecodeErrorKind::MessageCrc { expected, computed } => {
                write!(
                    f,
                    "message CRC is {computed:#010x}, the message says {expected:#010x}"
                )
            }
            DecodeErrorKind::InconsistentLengths { total, headers } => {
                write!(
                    f,
                    "total length {total} cannot hold {headers} bytes of headers"
                )
            }
            DecodeErrorKind::MessageTooLarge {
                part,
                length,
                limit,
            } => {
                write!(f, "{part:?} of {length} bytes exceed the limit of {limit}")
            }
            DecodeErrorKind::UnknownHeaderType { type_id } => {
                write!(f, "unknown header type {type_id}")
            }
            DecodeErrorKind::InvalidHeaderName => {
                f.write_str("a header name is empty or not UTF-8")
            }
            DecodeErrorKind::DuplicateHeader { name } => write!(f, "header {name:?} appears twice"),
            DecodeErrorKind::TruncatedHeaderValue => {
                f.write_str("a header value runs past the headers")
            }
            DecodeErrorKind::InvalidHeaderString => f.write_str("a string header is not UTF-8"),
            DecodeErrorKind::EndOfInput { buffered } => {
                write!(
                    f,
                    "the stream ended inside a message ({buffered} bytes of it arrived)"
                )
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// The prelude of the message being received, already checked.
#[derive(Debug, Clone, Copy)]
struct Prelude {
    total: u32,
    headers: u32,
}

/// Turns bytes into messages, as they arrive.
#[derive(Debug, Default)]
pub struct Decoder {
    chunks: VecDeque<Bytes>,
    buffered: usize,
    limits: Limits,
    current: Option<Prelude>,
    /// Stream offset of the message being received.
    offset: u64,
    failed: Option<DecodeError>,
}

impl Decoder {
    /// A decoder with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with other limits.
    pub fn with_limits(limits: Limits) -> Self {
        Decoder {
            limits,
            ..Self::default()
        }
    }

    /// Adds received bytes, without copying them.
    pub fn feed(&mut self, data: Bytes) {
        if !data.is_empty() {
            self.buffered += data.len();
            self.chunks.push_back(data);
        }
    }

    /// Bytes received and not yet decoded.
    pub fn buffered(&self) -> usize {
        self.buffered
    }

    /// The next complete message, `None` until one has fully arrived. After
    /// an error the decoder keeps returning that error.
    pub fn decode(&mut self) -> Result<Option<Message>, DecodeError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        match self.next_message() {
            Ok(message) => Ok(message),
            Err(kind) => {
                let err = DecodeError {
                    kind,
                    offset: self.offset,
                };
                self.failed = Some(err.clone());
                Err(err)
            }
        }
    }

    /// Says whether the input may end here: it may not inside a message.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        if self.buffered == 0 {
            Ok(())
        } else {
            Err(DecodeError {
                kind: DecodeErrorKind::EndOfInput {
                    buffered: self.buffered,
                },
                offset: self.offset,
            })
        }
    }

    fn next_message(&mut self) -> Result<Option<Message>, DecodeErrorKind> {
        let prelude = match self.current {
            Some(prelude) => prelude,
            None => {
                if self.buffered < PRELUDE_LEN {
                    return Ok(None);
                }
                let mut bytes = [0u8; PRELUDE_LEN];
                self.peek(&mut bytes);
                let prelude = self.check_prelude(&bytes)?;
                self.current = Some(prelude);
                prelude
            }
        };
        let total = prelude.total as usize;
        if self.buffered < total {
            return Ok(None);
        }
        let (frame, crc) = self.take_frame(total);
        self.current = None;
        let message = parse_frame(&frame, prelude, crc)?;
        self.offset += total as u64;
        Ok(Some(message))
    }

    /// The prelude CRC first, then the limits, then the lengths' consistency.
    fn check_prelude(&self, bytes: &[u8; PRELUDE_LEN]) -> Result<Prelude, DecodeErrorKind> {
        let total = read_u32(&bytes[0..4]);
        let headers = read_u32(&bytes[4..8]);
        let expected = read_u32(&bytes[8..12]);
        let computed = crc32fast::hash(&bytes[0..8]);
        if computed != expected {
            return Err(DecodeErrorKind::PreludeCrc { expected, computed });
        }
        if headers > self.limits.max_headers {
            return Err(DecodeErrorKind::MessageTooLarge {
                part: MessagePart::Headers,
                length: headers,
                limit: self.limits.max_headers,
            });
        }
        let Some(payload) = total
            .checked_sub(OVERHEAD)
            .and_then(|rest| rest.checked_sub(headers))
        else {
            return Err(DecodeErrorKind::InconsistentLengths { total, headers });
        };
        if payload > self.limits.max_payload {
            return Err(DecodeErrorKind::MessageTooLarge {
                part: MessagePart::Payload,
                length: payload,
                limit: self.limits.max_payload,
            });
        }
        Ok(Prelude { total, headers })
    }

    /// Copies the first `dst.len()` buffered bytes without consuming them.
    fn peek(&self, dst: &mut [u8]) {
        let mut filled = 0;
        for chunk in &self.chunks {
            let n = chunk.len().min(dst.len() - filled);
            dst[filled..filled + n].copy_from_slice(&chunk[..n]);
            filled += n;
            if filled == dst.len() {
                break;
            }
        }
    }

    /// Removes a whole frame of `n` buffered bytes (at most
    /// [`Decoder::buffered`], at least the prelude and CRC): a slice of the
    /// received chunk when one holds it all, else one copy, checksummed
    /// while it is copied. Returns the frame and, when already computed,
    /// the CRC of all but its last four bytes.
    fn take_frame(&mut self, n: usize) -> (Bytes, Option<u32>) {
        self.buffered -= n;
        if let Some(front) = self.chunks.front_mut()
            && front.len() >= n
        {
            let out = front.split_to(n);
            if front.is_empty() {
                self.chunks.pop_front();
            }
            return (out, None);
        }
        let checksummed = n - 4;
        let mut hasher = crc32fast::Hasher::new();
        let mut out = BytesMut::with_capacity(n);
        while out.len() < n {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            let piece = &front[..front.len().min(n - out.len())];
            let hashed = piece.len().min(checksummed.saturating_sub(out.len()));
            hasher.update(&piece[..hashed]);
            out.extend_from_slice(piece);
            let taken = piece.len();
            if taken == front.len() {
                self.chunks.pop_front();
            } else {
                front.advance(taken);
            }
        }
        (out.freeze(), Some(hasher.finalize()))
    }
}

fn read_u32(bytes: &[u8]) -> u32 {
    let mut array = [0u8; 4];
    array.copy_from_slice(&bytes[..4]);
    u32::from_be_bytes(array)
}

/// Checks the message CRC (`crc` when already computed), then reads
/// headers and payload from a complete frame.
fn parse_frame(
    frame: &Bytes,
    prelude: Prelude,
    crc: Option<u32>,
) -> Result<Message, DecodeErrorKind> {
    let crc_at = frame.len() - 4;
    let expected = read_u32(&frame[crc_at..]);
    let computed = crc.unwrap_or_else(|| crc32fast::hash(&frame[..crc_at]));
    if computed != expected {
        return Err(DecodeErrorKind::MessageCrc { expected, computed });
    }
    let headers_end = PRELUDE_LEN + prelude.headers as usize;
    let headers = parse_headers(frame.slice(PRELUDE_LEN..headers_end))?;
    Ok(Message::new(headers, frame.slice(headers_end..crc_at)))
}

fn parse_headers(block: Bytes) -> Result<Vec<Header>, DecodeErrorKind> {
    // Event streams carry three or four headers per message.
    let mut headers = Vec::with_capacity(if block.is_empty() { 0 } else { 4 });
    // Names already seen, once there are too many to compare pairwise.
    let mut seen: Option<HashSet<Bytes>> = None;
    let mut pos = 0;
    while pos < block.len() {
        let name_len = usize::from(block[pos]);
        pos += 1;
        if name_len == 0 || pos + name_len > block.len() {
            return Err(if name_len == 0 {
                DecodeErrorKind::InvalidHeaderName
            } else {
                DecodeErrorKind::TruncatedHeaderValue
            });
        }
        let name_bytes = block.slice(pos..pos + name_len);
        pos += name_len;
        let name =
            StrBytes::from_utf8(name_bytes.clone()).ok_or(DecodeErrorKind::InvalidHeaderName)?;
        let type_id = *block
            .get(pos)
            .ok_or(DecodeErrorKind::TruncatedHeaderValue)?;
        pos += 1;
        let mut fixed = |len: usize| -> Result<Bytes, DecodeErrorKind> {
            let end = pos + len;
            let value = block
                .get(pos..end)
                .ok_or(DecodeErrorKind::TruncatedHeaderValue)?;
            let value = block.slice_ref(value);
            pos = end;
            Ok(value)
        };
        let value = match type_id {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(i8::from_be_bytes([fixed(1)?[0]])),
            3 => HeaderValue::Short(fixed(2)?.get_i16()),
            4 => HeaderValue::Int(fixed(4)?.get_i32()),
            5 => HeaderValue::Long(fixed(8)?.get_i64()),
            6 | 7 => {
                let len = usize::from(fixed(2)?.get_u16());
                let bytes = fixed(len)?;
                if type_id == 6 {
                    HeaderValue::ByteArray(bytes)
                } else {
                    HeaderValue::String(
                        StrBytes::from_utf8(bytes).ok_or(DecodeErrorKind::InvalidHeaderString)?,
                    )
                }
            }
            8 => HeaderValue::Timestamp(fixed(8)?.get_i64()),
            9 => HeaderValue::Uuid(fixed(16)?.get_u128()),
            other => return Err(DecodeErrorKind::UnknownHeaderType { type_id: other }),
        };
        let duplicate = match &mut seen {
            Some(set) => !set.insert(name_bytes),
            None => {
                let duplicate = headers
                    .iter()
                    .any(|h: &Header| h.name().as_bytes() == name_bytes.as_ref());
                if headers.len() >= 16 {
                    seen = Some(
                        headers
                            .iter()
                            .map(|h: &Header| Bytes::copy_from_slice(h.name().as_bytes()))
                            .chain([name_bytes])
                            .collect(),
                    );
                }
                duplicate
            }
        };
        if duplicate {
            return Err(DecodeErrorKind::DuplicateHeader {
                name: name.as_str().to_owned(),
            });
        }
        headers.push(Header::new(name, value));
    }
    Ok(headers)
}
