//! Property tests of the event-stream codec: random messages, encoded, then
//! decoded through random splits (and byte by byte), come back exactly.

use bedrock_runtime::event_stream::{Decoder, Header, HeaderValue, Message, encode};
use bytes::{Bytes, BytesMut};
use proptest::prelude::*;

fn header_value() -> impl Strategy<Value = HeaderValue> {
    prop_oneof![
        any::<bool>().prop_map(HeaderValue::Bool),
        any::<i8>().prop_map(HeaderValue::Byte),
        any::<i16>().prop_map(HeaderValue::Short),
        any::<i32>().prop_map(HeaderValue::Int),
        any::<i64>().prop_map(HeaderValue::Long),
        proptest::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| HeaderValue::ByteArray(Bytes::from(b))),
        ".{0,40}".prop_map(|s: String| HeaderValue::String(s.into())),
        any::<i64>().prop_map(HeaderValue::Timestamp),
        any::<u128>().prop_map(HeaderValue::Uuid),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    let headers = proptest::collection::btree_map("[a-z:-]{1,20}", header_value(), 0..8);
    let payload = proptest::collection::vec(any::<u8>(), 0..2048);
    (headers, payload).prop_map(|(headers, payload)| {
        let headers = headers
            .into_iter()
            .map(|(name, value)| Header::new(name, value))
            .collect();
        Message::new(headers, payload)
    })
}

fn encoded(messages: &[Message]) -> Vec<u8> {
    let mut out = BytesMut::new();
    for message in messages {
        encode(message, &mut out).expect("generated messages fit the format");
    }
    out.to_vec()
}

fn decode_with_splits(bytes: &[u8], splits: &[usize]) -> Vec<Message> {
    let mut points: Vec<usize> = splits.iter().map(|s| s % (bytes.len() + 1)).collect();
    points.sort_unstable();
    points.dedup();
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    let mut start = 0;
    for end in points.into_iter().chain([bytes.len()]) {
        decoder.feed(Bytes::copy_from_slice(&bytes[start..end]));
        start = end;
        while let Some(message) = decoder.decode().expect("valid frames") {
            out.push(message);
        }
    }
    decoder.finish().expect("nothing left over");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn messages_round_trip_through_random_splits(
        messages in proptest::collection::vec(message(), 1..6),
        splits in proptest::collection::vec(any::<usize>(), 0..20),
    ) {
        let bytes = encoded(&messages);
        prop_assert_eq!(decode_with_splits(&bytes, &splits), messages);
    }

    #[test]
    fn messages_round_trip_byte_by_byte(message in message()) {
        let bytes = encoded(std::slice::from_ref(&message));
        let splits: Vec<usize> = (1..bytes.len()).collect();
        prop_assert_eq!(decode_with_splits(&bytes, &splits), vec![message]);
    }

    #[test]
    fn a_flipped_bit_is_detected_never_panics(message in message(), bit in any::<usize>()) {
        let mut bytes = encoded(std::slice::from_ref(&message));
        let bit = bit % (bytes.len() * 8);
        bytes[bit / 8] ^= 1 << (bit % 8);
        let mut decoder = Decoder::new();
        decoder.feed(Bytes::from(bytes));
        // A flipped bit in the lengths may leave the decoder waiting for
        // more; anywhere else a CRC catches it. It never yields a message.
        match decoder.decode() {
            Ok(None) => prop_assert!(decoder.finish().is_err()),
            Ok(Some(decoded)) => prop_assert!(false, "a corrupted frame decoded: {:?}", decoded),
            Err(_) => {}
        }
    }
}
