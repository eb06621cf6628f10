//! Generation time of the whole pipeline (load, resolve, emit, format):
//! `cargo bench -p codegen --bench generate`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

const SEED: &str = include_str!("../tests/fixtures/bedrock-runtime-2023-09-30.json");
const CURRENT: &str = include_str!("../../models/bedrock-runtime.json");

fn generate(c: &mut Criterion) {
    for (name, text) in [
        ("seed model (2 operations)", SEED),
        ("current model", CURRENT),
    ] {
        c.bench_function(&format!("generate bedrock-runtime, {name}"), |b| {
            b.iter(|| {
                codegen::generate(black_box(&codegen::Input {
                    model_file: "models/bedrock-runtime.json",
                    model_text: text,
                    crate_name: "bedrock-runtime",
                    ..Default::default()
                }))
            })
        });
    }
}

criterion_group!(benches, generate);
criterion_main!(benches);
