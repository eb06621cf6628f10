//! Event-stream decoding throughput, in payload bytes per second, side by
//! side on the same bytes: our decoder, `aws-smithy-eventstream`'s (the
//! official SDK's), and a CRC-32 + memcpy pass over each message (the
//! ceiling: any decoder must at least checksum and hand over the bytes).
//!
//! `cargo bench -p benchmarks --bench event_stream`

use std::hint::black_box;

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use bedrock_runtime::event_stream::{Decoder, HeaderValue, Message, encode};
use bytes::{Bytes, BytesMut};
use bytes_utils::SegmentedBuf;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Bytes arrive from the network in chunks of this size.
const CHUNK: usize = 16 * 1024;

/// A stream of `count` chunk events shaped like Bedrock's, each carrying
/// `payload` bytes, split into network-sized chunks.
fn stream(count: usize, payload: usize) -> (Vec<Bytes>, Vec<usize>) {
    let mut out = BytesMut::new();
    let mut sizes = Vec::new();
    for i in 0..count {
        let body: Vec<u8> = (0..payload).map(|j| b'a' + ((i + j) % 26) as u8).collect();
        let message = Message::new(Vec::new(), body)
            .with_header(":event-type", HeaderValue::String("chunk".into()))
            .with_header(
                ":content-type",
                HeaderValue::String("application/json".into()),
            )
            .with_header(":message-type", HeaderValue::String("event".into()));
        let before = out.len();
        encode(&message, &mut out).expect("encodes");
        sizes.push(out.len() - before);
    }
    let all = out.freeze();
    let chunks = (0..all.len())
        .step_by(CHUNK)
        .map(|at| all.slice(at..(at + CHUNK).min(all.len())))
        .collect();
    (chunks, sizes)
}

fn ours(chunks: &[Bytes]) -> usize {
    let mut decoder = Decoder::new();
    let mut payload = 0;
    for chunk in chunks {
        decoder.feed(chunk.clone());
        while let Some(message) = decoder.decode().expect("valid") {
            payload += black_box(message.payload()).len();
        }
    }
    payload
}

fn official(chunks: &[Bytes]) -> usize {
    let mut decoder = MessageFrameDecoder::new();
    let mut buffer: SegmentedBuf<Bytes> = SegmentedBuf::new();
    let mut payload = 0;
    for chunk in chunks {
        buffer.push(chunk.clone());
        while let DecodedFrame::Complete(message) =
            decoder.decode_frame(&mut buffer).expect("valid")
        {
            payload += black_box(message.payload()).len();
        }
    }
    payload
}

/// Checksums each whole message and copies out its payload: the work no
/// decoder can avoid, on contiguous bytes.
fn ceiling(contiguous: &Bytes, sizes: &[usize], payload_len: usize) -> usize {
    let mut at = 0;
    let mut total = 0;
    let mut out = vec![0u8; payload_len];
    for size in sizes {
        let message = &contiguous[at..at + size];
        black_box(crc32fast::hash(message));
        let payload_start = size - 4 - payload_len;
        out.copy_from_slice(&message[payload_start..size - 4]);
        total += black_box(&out).len();
        at += size;
    }
    total
}

fn decode(c: &mut Criterion) {
    for (label, count, payload) in [("1 KiB", 4096, 1024), ("64 KiB", 128, 64 * 1024)] {
        let (chunks, sizes) = stream(count, payload);
        let contiguous: Bytes = chunks
            .iter()
            .flat_map(|c| c.iter().copied())
            .collect::<Vec<u8>>()
            .into();
        let whole = [contiguous.clone()];
        assert_eq!(ours(&chunks), count * payload);
        assert_eq!(official(&chunks), count * payload);
        for (arrival, input) in [
            ("in 16 KiB network chunks", chunks.as_slice()),
            ("in one buffer", whole.as_slice()),
        ] {
            let mut group = c.benchmark_group(format!("decode {label} messages {arrival}"));
            group.throughput(Throughput::Bytes((count * payload) as u64));
            group.bench_function("ours", |b| b.iter(|| ours(black_box(input))));
            group.bench_function("aws-smithy-eventstream", |b| {
                b.iter(|| official(black_box(input)))
            });
            group.bench_function("crc32 + memcpy ceiling", |b| {
                b.iter(|| ceiling(black_box(&contiguous), &sizes, payload))
            });
            group.finish();
        }
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
