//! `cargo xtask codegen`: regenerate `generated/` from `models/`.
//! `cargo xtask codegen --check`: fail, naming each stale, missing or extra
//! file, when `generated/` differs from what the models produce.
//!
//! Every model is generated in memory before anything is written, so a bad
//! model leaves `generated/` untouched.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => false,
        ["codegen", "--check"] => true,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    let result = generate_all(&root).and_then(|crates| {
        if check {
            check_all(&root, &crates)
        } else {
            write_all(&root, &crates)
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// The crates the models produce: crate directory name to files.
type Crates = BTreeMap<String, Vec<codegen::GeneratedFile>>;

/// A model is `models/<crate>.json`; files beside it named
/// `<crate>.paginators.json`, `<crate>.endpoint-rule-set.json` and
/// `<crate>.endpoint-tests.json` come with it, and `models/shared/` holds
/// what every model uses (`partitions.json`).
fn generate_all(root: &Path) -> Result<Crates, String> {
    let models_dir = root.join("models");
    let mut models: Vec<PathBuf> = fs::read_dir(&models_dir)
        .map_err(|e| format!("cannot list {}: {e}", models_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "json")
                && path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|stem| !stem.contains('.'))
        })
        .collect();
    models.sort();
    if models.is_empty() {
        return Err(format!("no models (*.json) in {}", models_dir.display()));
    }
    let partitions = read_optional(&models_dir.join("shared").join("partitions.json"))?;
    let mut crates = Crates::new();
    let mut errors = Vec::new();
    for path in models {
        let Some(crate_name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            errors.push(format!(
                "{}: the file name is not valid UTF-8",
                path.display()
            ));
            continue;
        };
        let shown = format!("models/{crate_name}.json");
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                errors.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let sibling =
            |kind: &str| -> Result<Option<(String, String)>, String> {
                let name = format!("{crate_name}.{kind}.json");
                Ok(read_optional(&models_dir.join(&name))?
                    .map(|text| (format!("models/{name}"), text)))
            };
        let (paginators, rules, tests) = match (
            sibling("paginators"),
            sibling("endpoint-rule-set"),
            sibling("endpoint-tests"),
        ) {
            (Ok(p), Ok(r), Ok(t)) => (p, r, t),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                errors.push(e);
                continue;
            }
        };
        let input = codegen::Input {
            model_file: &shown,
            model_text: &text,
            crate_name: &crate_name,
            paginators: paginators.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
            endpoint_rules: rules.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
            endpoint_tests: tests.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
            partitions: partitions
                .as_deref()
                .map(|t| ("models/shared/partitions.json", t)),
        };
        match codegen::generate(&input) {
            Ok(files) => {
                crates.insert(crate_name, files);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(crates)
    } else {
        Err(format!(
            "{}\ngenerated/ was left untouched.",
            errors.join("\n")
        ))
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
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
        let crates = generate_all(root.path()).expect("generates");
        write_all(root.path(), &crates).expect("writes");
        root
    }

    fn check(root: &Path) -> Result<(), String> {
        check_all(root, &generate_all(root).expect("generates"))
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
        let crates = generate_all(root.path()).unwrap();
        write_all(root.path(), &crates).unwrap();
        check(root.path()).expect("up to date again");
        assert!(!root.path().join("generated/orphan").exists());
    }
}
