//! Developer commands.
//!
//! - `cargo xtask codegen`: regenerate `generated/` from `models/`.
//! - `cargo xtask codegen --check`: fail, naming each stale, missing or extra
//!   file, when `generated/` differs from what the models produce.
//! - `cargo xtask sweep DIR`: generate and check every model of `DIR` alone
//!   (see [`sweep`]).
//! - `cargo xtask generate DIR NAME OUT`: one model of `DIR` into `OUT`.
//! - `cargo xtask readme`: run the README's shell blocks (see [`readme`]).
//!
//! Every model is generated in memory before anything is written, so a bad
//! model leaves `generated/` untouched.

mod models;
mod readme;
mod sweep;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use models::workspace_root;

const USAGE: &str = "usage: cargo xtask codegen [--check]\n       cargo xtask sweep DIR [--work DIR] [--generate-only | --report] [--jobs N] [--timeout SECONDS]\n       cargo xtask generate DIR NAME OUT\n       cargo xtask readme";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => match args[1..]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] => codegen(false),
            ["--check"] => codegen(true),
            _ => Err(USAGE.to_owned()),
        },
        Some("generate") => match &args[1..] {
            [dir, name, out] => generate_one(Path::new(dir), name, Path::new(out)),
            _ => Err(USAGE.to_owned()),
        },
        Some("readme") if args.len() == 1 => readme::run(&workspace_root()),
        Some("sweep") => sweep::Options::parse(&args[1..])
            .map_err(|e| format!("{e}\n{USAGE}"))
            .and_then(|options| sweep::run(&options)),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask generate DIR NAME OUT`: one model of a directory laid out
/// as `models/` is, generated into `OUT` (for measuring a crate that is not
/// in `models/`, such as `bench/crate_alone.py` does).
fn generate_one(dir: &Path, name: &str, out: &Path) -> Result<(), String> {
    let files = models::ModelFiles::read(dir, &dir.display().to_string(), name)?;
    let partitions = models::partitions(dir)?;
    let generated =
        codegen::generate(&files.input(partitions.as_deref(), "shared/partitions.json"))
            .map_err(|e| e.to_string())?;
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    for file in &generated.files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, &file.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "generated {} files into {}",
        generated.files.len(),
        out.display()
    );
    Ok(())
}

fn codegen(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let (crates, warnings) = generate_all(&root)?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    if check {
        check_all(&root, &crates)
    } else {
        write_all(&root, &crates)
    }
}

/// The crates the models produce: crate directory name to files.
type Crates = BTreeMap<String, Vec<codegen::GeneratedFile>>;

/// Generates every model of `models/` in memory.
fn generate_all(root: &Path) -> Result<(Crates, Vec<String>), String> {
    let models_dir = root.join("models");
    let partitions = models::partitions(&models_dir)?;
    let mut crates = Crates::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let names = models::list(&models_dir)?;
    let total = names.len() + PROTOCOL_TESTS.len();
    for (index, crate_name) in names.into_iter().enumerate() {
        // A first run spends most of its time here; say where it is.
        eprintln!("[{}/{total}] models/{crate_name}.json", index + 1);
        let started = std::time::Instant::now();
        let files = match models::ModelFiles::read(&models_dir, "models", &crate_name) {
            Ok(files) => files,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let input = files.input(partitions.as_deref(), models::RUNTIME_PARTITIONS);
        match codegen::generate(&input) {
            Ok(generated) => {
                warnings.extend(
                    generated
                        .warnings
                        .iter()
                        .map(|w| format!("models/{crate_name}.json: {w}")),
                );
                eprintln!(
                    "      {} files in {:.1} s",
                    generated.files.len(),
                    started.elapsed().as_secs_f64()
                );
                crates.insert(crate_name, generated.files);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    for (index, suite) in PROTOCOL_TESTS.iter().enumerate() {
        eprintln!(
            "[{}/{total}] protocol-tests/ for {}",
            total - PROTOCOL_TESTS.len() + index + 1,
            suite.crate_name
        );
        match protocol_tests(root, suite) {
            Ok(Some(generated)) => {
                crates.insert(suite.crate_name.to_owned(), generated.files);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok((crates, warnings))
    } else {
        Err(format!(
            "{}\ngenerated/ was left untouched.",
            errors.join("\n")
        ))
    }
}

/// A crate generated from botocore's protocol test suites: the files of
/// `protocol-tests/botocore/` it merges, the protocol as botocore's ignore
/// list names it, and `protocol-tests/known-failures-<protocol>.json`.
struct ProtocolTestCrate {
    crate_name: &'static str,
    protocol: &'static str,
    files: &'static [(&'static str, Direction)],
}

use codegen::protocol_tests::Direction;

/// Each crate is one service: suites that disagree on how the protocol
/// behaves (awsJson's version, query compatibility) get crates of their own.
const PROTOCOL_TESTS: &[ProtocolTestCrate] = &[
    ProtocolTestCrate {
        crate_name: "protocol-tests-rest-json",
        protocol: "rest-json",
        files: &[
            ("input/rest-json.json", Direction::Input),
            ("output/rest-json.json", Direction::Output),
            ("legacy/input/rest-json.json", Direction::Input),
            ("legacy/output/rest-json.json", Direction::Output),
        ],
    },
    ProtocolTestCrate {
        crate_name: "protocol-tests-json",
        protocol: "json",
        files: &[
            ("input/json.json", Direction::Input),
            ("output/json.json", Direction::Output),
            ("legacy/input/json.json", Direction::Input),
            ("legacy/output/json.json", Direction::Output),
        ],
    },
    ProtocolTestCrate {
        crate_name: "protocol-tests-json-1-0",
        protocol: "json_1_0",
        files: &[
            ("input/json_1_0.json", Direction::Input),
            ("output/json_1_0.json", Direction::Output),
        ],
    },
    ProtocolTestCrate {
        crate_name: "protocol-tests-json-1-0-query-compatible",
        protocol: "json_1_0",
        files: &[
            ("input/json_1_0-query-compatible.json", Direction::Input),
            ("output/json_1_0-query-compatible.json", Direction::Output),
        ],
    },
];

/// Generates one protocol-test crate from `protocol-tests/`, when it is there.
fn protocol_tests(
    root: &Path,
    spec: &ProtocolTestCrate,
) -> Result<Option<codegen::Generated>, String> {
    let dir = root.join("protocol-tests");
    let Some(ignore_list) =
        models::read_optional(&dir.join("botocore/protocol-tests-ignore-list.json"))?
    else {
        return Ok(None);
    };
    let known_failures = models::read_optional(&dir.join(format!(
        "known-failures-{}.json",
        spec.crate_name.trim_start_matches("protocol-tests-")
    )))?
    .unwrap_or_else(|| "{}".to_owned());
    let mut texts = Vec::new();
    for (name, direction) in spec.files {
        let path = dir.join("botocore").join(name);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        texts.push((
            *name,
            format!("../../../protocol-tests/botocore/{name}"),
            text,
            *direction,
        ));
    }
    let suites = codegen::protocol_tests::Suites {
        crate_name: spec.crate_name,
        protocol: spec.protocol,
        files: texts
            .iter()
            .map(
                |(name, include_path, text, direction)| codegen::protocol_tests::SuiteFile {
                    include_path,
                    name,
                    text,
                    direction: *direction,
                },
            )
            .collect(),
        ignore_list: &ignore_list,
        known_failures: &known_failures,
    };
    codegen::protocol_tests::generate(&suites)
        .map(Some)
        .map_err(|e| format!("protocol-tests/ ({}): {e}", spec.crate_name))
}

fn write_all(root: &Path, crates: &Crates) -> Result<(), String> {
    let generated = root.join("generated");
    fs::create_dir_all(&generated)
        .map_err(|e| format!("cannot create {}: {e}", generated.display()))?;
    for (name, files) in crates {
        replace_dir(&generated, name, files)
            .map_err(|e| format!("cannot write generated/{name}: {e}"))?;
    }
    // A crate whose model was removed goes too.
    for dir in list_dirs(&generated).map_err(|e| e.to_string())? {
        if !crates.contains_key(&dir) && !dir.starts_with('.') {
            fs::remove_dir_all(generated.join(&dir))
                .map_err(|e| format!("cannot remove generated/{dir}: {e}"))?;
            println!("removed generated/{dir} (no model)");
        }
    }
    let count: usize = crates.values().map(Vec::len).sum();
    println!("generated {count} files for {} crate(s)", crates.len());
    Ok(())
}

/// Writes the crate into a fresh directory beside the old one, then swaps
/// them, so that an interrupted run never leaves a half-written crate.
fn replace_dir(generated: &Path, name: &str, files: &[codegen::GeneratedFile]) -> io::Result<()> {
    let staging = generated.join(format!(".{name}.new"));
    let retired = generated.join(format!(".{name}.old"));
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    for file in files {
        let path = staging.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
    }
    let target = generated.join(name);
    if target.exists() {
        fs::rename(&target, &retired)?;
    }
    fs::rename(&staging, &target)?;
    if retired.exists() {
        fs::remove_dir_all(&retired)?;
    }
    Ok(())
}

fn check_all(root: &Path, crates: &Crates) -> Result<(), String> {
    let generated = root.join("generated");
    let mut findings = Vec::new();
    for (name, files) in crates {
        let dir = generated.join(name);
        let mut on_disk: BTreeMap<PathBuf, ()> = list_files(&dir)
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p, ()))
            .collect();
        for file in files {
            let shown = format!("generated/{name}/{}", file.path.display());
            match fs::read_to_string(dir.join(&file.path)) {
                Ok(actual) if actual == file.contents => {}
                Ok(actual) => findings.push(format!(
                    "stale: {shown}\n{}",
                    short_diff(&actual, &file.contents)
                )),
                Err(_) => findings.push(format!("missing: {shown}")),
            }
            on_disk.remove(&file.path);
        }
        for extra in on_disk.keys() {
            findings.push(format!("extra: generated/{name}/{}", extra.display()));
        }
    }
    for dir in list_dirs(&generated).unwrap_or_default() {
        if !crates.contains_key(&dir) && !dir.starts_with('.') {
            findings.push(format!("extra: generated/{dir}/ (no model in models/)"));
        }
    }
    if findings.is_empty() {
        println!("generated/ is up to date with models/");
        Ok(())
    } else {
        Err(format!(
            "{}\n\ngenerated/ is out of date with models/: run `cargo xtask codegen` and commit the result.",
            findings.join("\n")
        ))
    }
}

/// The first lines that differ, as a unified diff.
fn short_diff(actual: &str, expected: &str) -> String {
    const MAX_LINES: usize = 20;
    let diff = similar::TextDiff::from_lines(actual, expected);
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header("on disk", "generated")
        .to_string();
    let mut lines: Vec<&str> = text.lines().take(MAX_LINES + 1).collect();
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        lines.push("  ...");
    }
    lines
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Files under `dir`, relative to it, sorted.
fn list_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn list_dirs(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../models/bedrock-runtime.json");

    /// A workspace with the seed model and its freshly generated crate.
    fn workspace() -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temp dir");
        fs::create_dir(root.path().join("models")).unwrap();
        fs::write(root.path().join("models/bedrock-runtime.json"), SEED).unwrap();
        let (crates, _) = generate_all(root.path()).expect("generates");
        write_all(root.path(), &crates).expect("writes");
        root
    }

    fn check(root: &Path) -> Result<(), String> {
        check_all(root, &generate_all(root).expect("generates").0)
    }

    #[test]
    fn a_fresh_generation_passes_the_check() {
        let root = workspace();
        check(root.path()).expect("up to date");
    }

    #[test]
    fn an_edited_file_is_named_with_a_diff() {
        let root = workspace();
        let lib = root.path().join("generated/bedrock-runtime/src/lib.rs");
        let text = fs::read_to_string(&lib).unwrap();
        fs::write(
            &lib,
            text.replace("pub mod types;", "pub mod types; // edited"),
        )
        .unwrap();
        let err = check(root.path()).unwrap_err();
        assert!(
            err.contains("stale: generated/bedrock-runtime/src/lib.rs"),
            "{err}"
        );
        assert!(err.contains("-pub mod types; // edited"), "{err}");
        assert!(err.contains("+pub mod types;"), "{err}");
    }

    #[test]
    fn missing_and_extra_files_are_named() {
        let root = workspace();
        let crate_dir = root.path().join("generated/bedrock-runtime");
        fs::remove_file(crate_dir.join("src/patterns.rs")).unwrap();
        fs::write(crate_dir.join("src/notes.rs"), "// mine\n").unwrap();
        fs::create_dir(root.path().join("generated/orphan")).unwrap();
        let err = check(root.path()).unwrap_err();
        assert!(
            err.contains("missing: generated/bedrock-runtime/src/patterns.rs"),
            "{err}"
        );
        assert!(
            err.contains("extra: generated/bedrock-runtime/src/notes.rs"),
            "{err}"
        );
        assert!(err.contains("extra: generated/orphan/"), "{err}");
    }

    #[test]
    fn a_bad_model_leaves_generated_untouched() {
        let root = workspace();
        let before = list_files(&root.path().join("generated")).unwrap();
        let lib = root.path().join("generated/bedrock-runtime/src/lib.rs");
        let lib_before = fs::read_to_string(&lib).unwrap();
        fs::write(root.path().join("models/broken.json"), "{ not json").unwrap();
        let err = generate_all(root.path()).unwrap_err();
        assert!(err.contains("models/broken.json:1:3"), "{err}");
        assert!(err.contains("generated/ was left untouched"), "{err}");
        assert_eq!(list_files(&root.path().join("generated")).unwrap(), before);
        assert_eq!(fs::read_to_string(&lib).unwrap(), lib_before);
    }

    #[test]
    fn regenerating_restores_edited_files_and_removes_orphans() {
        let root = workspace();
        let lib = root.path().join("generated/bedrock-runtime/src/lib.rs");
        fs::write(&lib, "broken").unwrap();
        fs::create_dir(root.path().join("generated/orphan")).unwrap();
        let (crates, _) = generate_all(root.path()).unwrap();
        write_all(root.path(), &crates).unwrap();
        check(root.path()).expect("up to date again");
        assert!(!root.path().join("generated/orphan").exists());
    }
}
