//! AWS's event-stream test vectors (the bytes of botocore's
//! `tests/unit/test_eventstream.py`, botocore 1.44.8): every positive case
//! decodes to its headers and payload, whole, split anywhere and byte by
//! byte; every negative case is refused with the matching error kind.

use bedrock_runtime::event_stream::{
    DecodeErrorKind, Decoder, HeaderValue, Message, MessagePart, encode,
};
use bytes::{Bytes, BytesMut};

fn string(text: &str) -> HeaderValue {
    HeaderValue::String(text.to_owned().into())
}

/// A positive vector: its name, its bytes, the headers and payload it holds.
type Vector = (
    &'static str,
    &'static [u8],
    Vec<(&'static str, HeaderValue)>,
    &'static [u8],
);

/// The positive vectors.
fn positive() -> Vec<Vector> {
    vec![
        ("empty", b"\x00\x00\x00\x10\x00\x00\x00\x00\x05\xc2H\xeb}\x98\xc8\xff", vec![], b""),
        (
            "int8 header",
            b"\x00\x00\x00\x17\x00\x00\x00\x07)\x86\x01X\x04byte\x02\xff\xc2\xf8i\xdc",
            vec![("byte", HeaderValue::Byte(-1))],
            b"",
        ),
        (
            "int16 header",
            b"\x00\x00\x00\x19\x00\x00\x00\tq\x0e\x92>\x05short\x03\xff\xff\xb2|\xb6\xcc",
            vec![("short", HeaderValue::Short(-1))],
            b"",
        ),
        (
            "int32 header",
            b"\x00\x00\x00\x1d\x00\x00\x00\r\x83\xe3\xf0\xe7\x07integer\x04\xff\xff\xff\xff\x8b\x8e\x12\xeb",
            vec![("integer", HeaderValue::Int(-1))],
            b"",
        ),
        (
            "int64 header",
            b"\x00\x00\x00\x1e\x00\x00\x00\x0e]J\xdb\x8d\x04long\x05\xff\xff\xff\xff\xff\xff\xff\xffK\xc22\xda",
            vec![("long", HeaderValue::Long(-1))],
            b"",
        ),
        (
            "payload, no headers",
            b"\x00\x00\x00\x1d\x00\x00\x00\x00\xfdR\x8cZ{'foo':'bar'}\xc3e96",
            vec![],
            b"{'foo':'bar'}",
        ),
        (
            "payload, one string header",
            b"\x00\x00\x00=\x00\x00\x00 \x07\xfd\x83\x96\x0ccontent-type\x07\x00\x10application/json{'foo':'bar'}\x8d\x9c\x08\xb1",
            vec![("content-type", string("application/json"))],
            b"{'foo':'bar'}",
        ),
        (
            "all header types",
            b"\x00\x00\x00\x62\x00\x00\x00\x52\x03\xb5\xcb\x9c\
              \x010\x00\x011\x01\x012\x02\x02\x013\x03\x00\x03\
              \x014\x04\x00\x00\x00\x04\x015\x05\x00\x00\x00\x00\x00\x00\x00\x05\
              \x016\x06\x00\x05bytes\x017\x07\x00\x04utf8\
              \x018\x08\x00\x00\x00\x00\x00\x00\x00\x08\x019\x090123456789abcdef\
              \x63\x35\x36\x71",
            vec![
                ("0", HeaderValue::Bool(true)),
                ("1", HeaderValue::Bool(false)),
                ("2", HeaderValue::Byte(2)),
                ("3", HeaderValue::Short(3)),
                ("4", HeaderValue::Int(4)),
                ("5", HeaderValue::Long(5)),
                ("6", HeaderValue::ByteArray(Bytes::from_static(b"bytes"))),
                ("7", string("utf8")),
                ("8", HeaderValue::Timestamp(8)),
                ("9", HeaderValue::Uuid(u128::from_be_bytes(*b"0123456789abcdef"))),
            ],
            b"",
        ),
        (
            "error message",
            b"\x00\x00\x00\x52\x00\x00\x00\x42\xbf\x23\x63\x7e\
              \x0d:message-type\x07\x00\x05error\
              \x0b:error-code\x07\x00\x04code\
              \x0e:error-message\x07\x00\x07message\
              \x6b\x6c\xea\x3d",
            vec![
                (":message-type", string("error")),
                (":error-code", string("code")),
                (":error-message", string("message")),
            ],
            b"",
        ),
    ]
}

fn check(name: &str, message: &Message, headers: &[(&str, HeaderValue)], payload: &[u8]) {
    let got: Vec<(&str, &HeaderValue)> = message
        .headers()
        .iter()
        .map(|h| (h.name(), h.value()))
        .collect();
    let want: Vec<(&str, &HeaderValue)> = headers.iter().map(|(n, v)| (*n, v)).collect();
    assert_eq!(got, want, "{name}: headers");
    assert_eq!(message.payload().as_ref(), payload, "{name}: payload");
}

fn decode_in_pieces(bytes: &[u8], piece: usize) -> Vec<Message> {
    let mut decoder = Decoder::new();
    let mut messages = Vec::new();
    for chunk in bytes.chunks(piece.max(1)) {
        decoder.feed(Bytes::copy_from_slice(chunk));
        while let Some(message) = decoder.decode().expect("a valid vector") {
            messages.push(message);
        }
    }
    decoder.finish().expect("nothing left over");
    messages
}

#[test]
fn every_positive_vector_decodes_whole_split_and_byte_by_byte() {
    for (name, bytes, headers, payload) in positive() {
        for piece in [bytes.len(), 1, 2, 3, 5, 7, 11, 12, 13] {
            let messages = decode_in_pieces(bytes, piece);
            assert_eq!(messages.len(), 1, "{name} in pieces of {piece}");
            check(name, &messages[0], &headers, payload);
        }
        // Splitting at every single position.
        for at in 0..=bytes.len() {
            let mut decoder = Decoder::new();
            decoder.feed(Bytes::copy_from_slice(&bytes[..at]));
            let early = decoder.decode().expect("a valid prefix");
            decoder.feed(Bytes::copy_from_slice(&bytes[at..]));
            let message = match early {
                Some(message) => message,
                None => decoder.decode().expect("valid").expect("complete"),
            };
            check(name, &message, &headers, payload);
        }
    }
}

#[test]
fn all_positive_vectors_decode_from_one_buffer() {
    let cases = positive();
    let all: Vec<u8> = cases
        .iter()
        .flat_map(|(_, bytes, _, _)| bytes.iter().copied())
        .collect();
    for piece in [all.len(), 1, 9] {
        let messages = decode_in_pieces(&all, piece);
        assert_eq!(messages.len(), cases.len());
        for (message, (name, _, headers, payload)) in messages.iter().zip(&cases) {
            check(name, message, headers, payload);
        }
    }
}

#[test]
fn every_positive_vector_reencodes_to_the_same_bytes() {
    for (name, bytes, _, _) in positive() {
        let message = decode_in_pieces(bytes, bytes.len()).remove(0);
        let mut out = BytesMut::new();
        encode(&message, &mut out).unwrap();
        assert_eq!(out.as_ref(), bytes, "{name}");
    }
}

fn refused(bytes: &[u8]) -> DecodeErrorKind {
    let mut decoder = Decoder::new();
    decoder.feed(Bytes::copy_from_slice(bytes));
    let err = decoder.decode().expect_err("an invalid vector");
    // The decoder stays failed.
    assert_eq!(decoder.decode().unwrap_err().kind(), err.kind());
    err.kind().clone()
}

#[test]
fn every_negative_vector_is_refused_with_its_kind() {
    // corrupted-length: the prelude's total length was changed.
    let kind = refused(b"\x01\x00\x00\x1d\x00\x00\x00\x00\xfdR\x8cZ{'foo':'bar'}\xc3e96");
    assert!(
        matches!(kind, DecodeErrorKind::PreludeCrc { .. }),
        "{kind:?}"
    );

    // corrupted-payload.
    let kind = refused(b"\x00\x00\x00\x1d\x00\x00\x00\x00\xfdR\x8cZ{'foo':'bar'\x8d\xc3e96");
    assert!(
        matches!(kind, DecodeErrorKind::MessageCrc { .. }),
        "{kind:?}"
    );

    // corrupted-headers: `content+type` for `content-type`.
    let kind = refused(
        b"\x00\x00\x00=\x00\x00\x00 \x07\xfd\x83\x96\x0ccontent+type\x07\x00\x10application/json{'foo':'bar'}\x8d\x9c\x08\xb1",
    );
    assert!(
        matches!(kind, DecodeErrorKind::MessageCrc { .. }),
        "{kind:?}"
    );

    // corrupted-headers-length: the prelude's headers length was changed.
    let kind = refused(
        b"\x00\x00\x00=\xff\x00\x01\x02\x07\xfd\x83\x96\x0ccontent-type\x07\x00\x10application/json{'foo':'bar'}\x8d\x9c\x08\xb1",
    );
    assert!(
        matches!(kind, DecodeErrorKind::PreludeCrc { .. }),
        "{kind:?}"
    );

    // duplicate-headers.
    let kind = refused(b"\x00\x00\x00\x24\x00\x00\x00\x14\x4b\xb9\x82\xd0\x04test\x04asdf\x04test\x04asdf\xf3\xf4\x75\x63");
    assert_eq!(
        kind,
        DecodeErrorKind::DuplicateHeader {
            name: "test".to_owned()
        }
    );

    // invalid-headers-length: checksums match, the headers length is absurd.
    let kind = refused(
        b"\x00\x00\x00\x3d\xff\x00\x01\x02\x15\x83\xf5\xc2\x0ccontent-type\x07\x00\x10application/json{'foo':'bar'}\x2f\x37\x7f\x5d",
    );
    assert_eq!(
        kind,
        DecodeErrorKind::MessageTooLarge {
            part: MessagePart::Headers,
            length: 0xff00_0102,
            limit: 128 * 1024
        }
    );
}

#[test]
fn a_payload_over_24_mib_is_refused_from_its_prelude() {
    let mut bytes = b"\x01\x80\x00\x21\x00\x00\x00\x00\xdd\x3f\x33\xb1".to_vec();
    let prelude_only = refused(&bytes);
    let too_large = DecodeErrorKind::MessageTooLarge {
        part: MessagePart::Payload,
        length: 0x0180_0021 - 16,
        limit: 24 * 1024 * 1024,
    };
    assert_eq!(
        prelude_only, too_large,
        "refused before the payload arrives"
    );
    bytes.extend(std::iter::repeat_n(b'0', 24 * 1024 * 1024 + 1));
    bytes.extend_from_slice(b"\x2a\xb4\xc5\xa5");
    assert_eq!(refused(&bytes), too_large, "the whole vector");
}

#[test]
fn a_stream_that_ends_inside_a_message_is_an_error() {
    let (_, bytes, _, _) = positive().remove(6);
    for cut in 1..bytes.len() {
        let mut decoder = Decoder::new();
        decoder.feed(Bytes::copy_from_slice(&bytes[..cut]));
        assert!(decoder.decode().unwrap().is_none());
        let err = decoder.finish().unwrap_err();
        assert_eq!(err.kind(), &DecodeErrorKind::EndOfInput { buffered: cut });
    }
}
