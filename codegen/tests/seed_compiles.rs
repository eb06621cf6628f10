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

/// The seed model with deprecations added where the model may carry them:
/// an operation, required and optional members of inputs, outputs, events
/// and errors, a union member and a structure. The seed has none, and neither does the current model.
fn seed_with_deprecations() -> String {
    let mut model = SEED.to_owned();
    for (anchor, count) in [
        (r#""InvokeModel":{ "#, 1),
        (r#""modelId":{ "#, 2),
        (r#""accept":{ "#, 2),
        (r#""chunk":{ "#, 1),
        (r#""PayloadPart":{ "#, 1),
        (r#""bytes":{ "#, 1),
        (r#""originalStatusCode":{ "#, 2),
    ] {
        assert_eq!(model.matches(anchor).count(), count, "{anchor} in the seed");
        model = model.replace(
            anchor,
            &format!(r#"{anchor}"deprecated":true, "deprecatedMessage":"use something else", "#),
        );
    }
    model
}

/// The seed model with an error shape named as a runtime type the `error`
/// module re-exports (`TimeoutError`): the model's type must make way.
fn seed_with_runtime_names() -> String {
    assert!(SEED.contains("\"ModelTimeoutException\""));
    SEED.replace("\"ModelTimeoutException\"", "\"TimeoutError\"")
}

fn write_crate(dir: &Path, crate_name: &str, model_text: &str) {
    let files = codegen::generate(&codegen::Input {
        model_file: "models/bedrock-runtime-2023-09-30.json",
        model_text,
        crate_name,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{crate_name} generates: {e}"))
    .files;
    for file in &files {
        let path = dir.join(crate_name).join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &file.contents).unwrap();
    }
}

fn cargo(dir: &Path, root: &Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target").join("seed"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {} failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One test, not two: both crates share a workspace and a target directory,
/// and two cargo processes would wait on each other's lock.
#[test]
fn the_seed_model_generates_a_crate_that_compiles_and_passes_its_tests() {
    let root = workspace_root();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("seed-workspace");
    let _ = std::fs::remove_dir_all(&dir);
    write_crate(&dir, "bedrock-runtime-seed", SEED);
    write_crate(
        &dir,
        "bedrock-runtime-deprecations",
        &seed_with_deprecations(),
    );
    write_crate(&dir, "bedrock-runtime-names", &seed_with_runtime_names());
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\"bedrock-runtime-seed\", \"bedrock-runtime-deprecations\", \"bedrock-runtime-names\"]\n\n{}",
        workspace_tables(&root).replace("path = \"", "path = \"../../../")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let payload_part =
        std::fs::read_to_string(dir.join("bedrock-runtime-deprecations/src/types/payload_part.rs"))
            .unwrap();
    assert!(
        payload_part.contains("/// **Deprecated:** use something else\n#[derive("),
        "a deprecated type says so in its docs:\n{payload_part}"
    );
    let errors = std::fs::read_to_string(dir.join("bedrock-runtime-names/src/error.rs")).unwrap();
    assert!(
        errors.contains("pub use self::timeout_error_value::{")
            && errors.contains("pub use sdk_runtime::error::{")
            && errors.contains("TimeoutError,"),
        "the model's TimeoutError makes way for the runtime's:\n{errors}"
    );
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    cargo(
        &dir,
        &root,
        &[
            "test",
            "--offline",
            "--quiet",
            "--lib",
            "-p",
            "bedrock-runtime-seed",
        ],
    );
    // Deprecated items must not make the generated crate's own code warn:
    // users build it with their lints, and CI with `-D warnings`.
    cargo(
        &dir,
        &root,
        &[
            "rustc",
            "--offline",
            "--quiet",
            "--lib",
            "--all-features",
            "-p",
            "bedrock-runtime-deprecations",
            "--",
            "-D",
            "warnings",
        ],
    );
    cargo(
        &dir,
        &root,
        &[
            "rustc",
            "--offline",
            "--quiet",
            "--lib",
            "-p",
            "bedrock-runtime-names",
            "--",
            "-D",
            "warnings",
        ],
    );
}
