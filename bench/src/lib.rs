//! Benchmarks, side by side with the official AWS SDK for Rust:
//! `benches/event_stream.rs` (decoding, criterion), `src/bin/bench_client.rs`
//! (our client against bedrock-mock, the same command line as
//! `../shared/peers/aws-sdk-client`), and `compare.py`, which runs both.
