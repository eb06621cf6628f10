//! The seed model (two operations, plain-text docs, no unions) still
//! generates a crate that compiles and passes its own tests: older and
//! trimmed models keep working as the generator grows.

use std::path::{Path, PathBuf};
use std::process::Command;

const SEED: &str = include_str!("fixtures/bedrock-runtime-2023-09-30.json");

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `[workspace...]` tables of the main workspace, so that the fixture
/// crate's `workspace = true` dependencies resolve to the same versions.
fn workspace_tables(root: &Path) -> String {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let start = manifest
        .find("[workspace.package]")
        .expect("workspace.package table");
    manifest[start..].to_owned()
}

#[test]
fn the_seed_model_generates_a_crate_that_compiles_and_passes_its_tests() {
    let root = workspace_root();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("seed-workspace");
    let _ = std::fs::remove_dir_all(&dir);
    let files = codegen::generate(&codegen::Input {
        model_file: "models/bedrock-runtime-2023-09-30.json",
        model_text: SEED,
        crate_name: "bedrock-runtime-seed",
        ..Default::default()
    })
    .expect("the seed model generates");
    for file in &files {
        let path = dir.join("bedrock-runtime-seed").join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &file.contents).unwrap();
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\"bedrock-runtime-seed\"]\n\n{}",
        workspace_tables(&root).replace("path = \"", "path = \"../../../")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["test", "--offline", "--quiet", "--lib"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target").join("seed"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the seed crate failed to build or test:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
