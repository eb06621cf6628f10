//! Generation time of the whole pipeline (load, resolve, emit, format) for
//! the seed model: `cargo bench -p codegen --bench generate`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

const SEED: &str = include_str!("../../models/bedrock-runtime.json");

fn generate_seed(c: &mut Criterion) {
    c.bench_function("generate bedrock-runtime (seed model)", |b| {
        b.iter(|| {
            codegen::generate(black_box(&codegen::Input {
                model_file: "models/bedrock-runtime.json",
                model_text: SEED,
                crate_name: "bedrock-runtime",
            }))
        })
    });
}

criterion_group!(benches, generate_seed);
criterion_main!(benches);
