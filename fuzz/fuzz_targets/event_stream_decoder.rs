//! Feeds arbitrary bytes to the event-stream decoder in arbitrary splits:
//! it must never panic, never loop, and never yield a message whose
//! re-encoding differs from the bytes it came from.
#![no_main]

use bedrock_runtime::event_stream::{Decoder, Limits, encode};
use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the split size; small limits reach the
    // too-large paths without allocating much.
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let piece = usize::from(split % 64) + 1;
    let mut decoder = Decoder::with_limits(Limits {
        max_headers: 4096,
        max_payload: 64 * 1024,
    });
    let mut consumed = Vec::new();
    for chunk in rest.chunks(piece) {
        decoder.feed(Bytes::copy_from_slice(chunk));
        loop {
            match decoder.decode() {
                Ok(Some(message)) => {
                    let mut out = BytesMut::new();
                    encode(&message, &mut out).expect("a decoded message re-encodes");
                    consumed.extend_from_slice(&out);
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
    let _ = decoder.finish();
    // Decoded messages re-encode to exactly the bytes they were read from.
    assert_eq!(&rest[..consumed.len()], &consumed[..]);
});
