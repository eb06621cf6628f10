//! `cargo xtask sweep DIR`: is the generator general?
//!
//! Each `DIR/<name>.json` (with its companions, laid out as `models/` is) is
//! generated alone, written into a scratch workspace and checked with
//! `cargo check --all-features` and warnings denied. The result is a Markdown
//! table: model, protocol, generated or the first problem, compiled or the
//! first error, seconds.
//!
//! Sweeps over hundreds of models take hours on a small machine, so every
//! model's result is kept in `WORK/results/<name>.json`, keyed by a hash of
//! the model's files and of this generator's binary; a rerun skips what it
//! already knows and picks up where an interrupted run stopped. The compile
//! result is also keyed by a hash of the crate that was checked (its files,
//! the workspace manifest, `Cargo.lock` and rustc's version): a new generator
//! regenerates every model (seconds) but recompiles only the crates whose
//! text it changed. A model
//! whose generation aborted the process (a stack overflow cannot be caught)
//! is recorded as such on the next run instead of being retried forever.
//! cargo's whole output for each model is kept in `WORK/logs/<name>.txt`.
//! `--report` prints the table of what is kept without generating anything,
//! whichever generator produced each result (for a sweep run in parts).
//! `--jobs N` checks N models at once, each in a scratch workspace and target
//! directory of its own (dependencies are built once per job).

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::models::{self, ModelFiles, workspace_root};

/// What the command line asked for.
pub struct Options {
    dir: PathBuf,
    work: PathBuf,
    generate_only: bool,
    /// Only print the table of the kept results, whatever generator made them.
    report: bool,
    timeout: Duration,
    /// Models checked at once, each in its own workspace and target.
    jobs: usize,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut dir = None;
        let mut work = None;
        let mut generate_only = false;
        let mut report = false;
        let mut timeout = Duration::from_secs(1200);
        let mut jobs = 1;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--work" => {
                    work = Some(PathBuf::from(
                        args.next().ok_or("--work needs a directory")?,
                    ))
                }
                "--generate-only" => generate_only = true,
                "--report" => report = true,
                "--jobs" => {
                    let value = args.next().ok_or("--jobs needs a number")?;
                    jobs = value
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("--jobs {value:?} is not a positive number"))?;
                }
                "--timeout" => {
                    let value = args.next().ok_or("--timeout needs a number of seconds")?;
                    let seconds: u64 = value
                        .parse()
                        .map_err(|_| format!("--timeout {value:?} is not a number of seconds"))?;
                    timeout = Duration::from_secs(seconds);
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                path if dir.is_none() => dir = Some(PathBuf::from(path)),
                extra => return Err(format!("unexpected argument {extra:?}")),
            }
        }
        let dir = dir.ok_or("sweep needs the directory of models")?;
        let work = work.unwrap_or_else(|| workspace_root().join("target").join("sweep"));
        Ok(Options {
            dir,
            work,
            generate_only,
            report,
            timeout,
            jobs,
        })
    }
}

/// One model's result, as kept between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Outcome {
    /// Hash of the model's files and of the generator that produced this.
    key: String,
    protocol: String,
    /// `None` while generation is under way: a record left in that state
    /// means the generator aborted the process.
    generated: Option<Result<(), String>>,
    /// Generator warnings (e.g. patterns that get no client-side check).
    #[serde(default)]
    warnings: usize,
    generate_seconds: f64,
    /// `None` when not attempted.
    compiled: Option<Result<(), String>>,
    compile_seconds: f64,
    /// Hash of what `compiled` is the result of (see [`Scratch::crate_key`]).
    #[serde(default)]
    crate_key: String,
}

pub fn run(options: &Options) -> Result<(), String> {
    let names = models::list(&options.dir)?;
    if options.report {
        return report(options, &names);
    }
    let partitions = models::partitions(&options.dir)?;
    let generator = generator_hash()?;
    let results = options.work.join("results");
    fs::create_dir_all(&results)
        .map_err(|e| format!("cannot create {}: {e}", results.display()))?;
    let sweep = Sweep {
        options,
        partitions: partitions.as_deref(),
        generator: &generator,
        results: &results,
    };

    // Each worker checks one model at a time in a scratch workspace and
    // target directory of its own: two cargo processes on one target
    // directory would wait for each other's lock.
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let rows = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| -> Result<(), String> {
        let mut workers = Vec::new();
        for worker in 0..options.jobs {
            let scratch = Scratch::new(&options.work, worker)?;
            let (sweep, names, next, rows) = (&sweep, &names, &next, &rows);
            workers.push(scope.spawn(move || -> Result<(), String> {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(name) = names.get(index) else {
                        return Ok(());
                    };
                    let outcome = sweep.model(name, &scratch)?;
                    eprintln!(
                        "[{}/{}] {name}: {}",
                        index + 1,
                        names.len(),
                        summary_cell(&outcome)
                    );
                    rows.lock()
                        .map_err(|_| "a sweep worker panicked")?
                        .push((name.clone(), outcome));
                }
            }));
        }
        for worker in workers {
            worker.join().map_err(|_| "a sweep worker panicked")??;
        }
        Ok(())
    })?;
    let mut rows = rows.into_inner().map_err(|_| "a sweep worker panicked")?;
    rows.sort_by(|a, b| a.0.cmp(&b.0));

    let table = table(&rows, started.elapsed());
    let out = options.work.join("sweep.md");
    fs::write(&out, &table).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("{table}");
    eprintln!("(also written to {})", out.display());
    Ok(())
}

/// What every model of one sweep shares.
struct Sweep<'a> {
    options: &'a Options,
    partitions: Option<&'a str>,
    generator: &'a str,
    results: &'a Path,
}

impl Sweep<'_> {
    /// One model's outcome: the kept one when its key still matches, else
    /// generated (and checked in `scratch`) now.
    fn model(&self, name: &str, scratch: &Scratch) -> Result<Outcome, String> {
        let options = self.options;
        let files = ModelFiles::read(&options.dir, &options.dir.display().to_string(), name)?;
        let key = {
            let mut hash = Sha256::new();
            hash.update(self.generator.as_bytes());
            for text in files.texts().chain(self.partitions) {
                hash.update((text.len() as u64).to_le_bytes());
                hash.update(text.as_bytes());
            }
            hex::encode(hash.finalize())
        };
        let record = self.results.join(format!("{name}.json"));
        let kept = fs::read_to_string(&record)
            .ok()
            .and_then(|text| serde_json::from_str::<Outcome>(&text).ok());
        // A compile result outlives the generator that produced the crate as
        // long as the crate's text is the same.
        let kept_compile = kept
            .as_ref()
            .filter(|outcome| !outcome.crate_key.is_empty())
            .and_then(|outcome| {
                Some((
                    outcome.crate_key.clone(),
                    outcome.compiled.clone()?,
                    outcome.compile_seconds,
                ))
            });
        let known = kept.filter(|outcome| outcome.key == key);
        match known {
            Some(mut outcome) if outcome.generated.is_none() => {
                outcome.generated = Some(Err("the generator aborted the process".to_owned()));
                save(&record, &outcome)?;
                return Ok(outcome);
            }
            Some(outcome)
                if outcome.compiled.is_some()
                    || options.generate_only
                    || outcome.generated != Some(Ok(())) =>
            {
                return Ok(outcome);
            }
            _ => {}
        }
        let mut outcome = Outcome {
            key,
            protocol: protocol_of(&files),
            generated: None,
            warnings: 0,
            generate_seconds: 0.0,
            compiled: None,
            compile_seconds: 0.0,
            crate_key: String::new(),
        };
        save(&record, &outcome)?;
        let clock = Instant::now();
        let input = files.input(self.partitions, "shared/partitions.json");
        let generated = std::panic::catch_unwind(|| codegen::generate(&input));
        outcome.generate_seconds = clock.elapsed().as_secs_f64();
        let generated = match generated {
            Ok(Ok(generated)) => {
                outcome.warnings = generated.warnings.len();
                outcome.generated = Some(Ok(()));
                Some(generated.files)
            }
            Ok(Err(e)) => {
                outcome.generated = Some(Err(first_problem(&e.to_string())));
                None
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                outcome.generated = Some(Err(format!("the generator panicked: {message}")));
                None
            }
        };
        save(&record, &outcome)?;
        if let (Some(files), false) = (generated, options.generate_only) {
            outcome.crate_key = scratch.crate_key(name, &files)?;
            match kept_compile {
                Some((crate_key, compiled, seconds)) if crate_key == outcome.crate_key => {
                    outcome.compiled = Some(compiled);
                    outcome.compile_seconds = seconds;
                }
                _ => {
                    let clock = Instant::now();
                    outcome.compiled = Some(scratch.check(name, &files, options.timeout));
                    outcome.compile_seconds = clock.elapsed().as_secs_f64();
                }
            }
            save(&record, &outcome)?;
        }
        Ok(outcome)
    }
}

/// `--report`: the table of what is kept for each model, whichever
/// generator produced it (a model without a result is left out and
/// counted), for a sweep that ran in parts or is still running.
fn report(options: &Options, names: &[String]) -> Result<(), String> {
    let results = options.work.join("results");
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        let kept = fs::read_to_string(results.join(format!("{name}.json")))
            .ok()
            .and_then(|text| serde_json::from_str::<Outcome>(&text).ok());
        match kept {
            Some(outcome) => rows.push((name.clone(), outcome)),
            None => missing.push(name.as_str()),
        }
    }
    let mut table = table(&rows, Duration::ZERO);
    if !missing.is_empty() {
        table.push_str(&format!(
            "\n{} models have no result yet: {}.\n",
            missing.len(),
            missing.join(", ")
        ));
    }
    println!("{table}");
    Ok(())
}

fn save(path: &Path, outcome: &Outcome) -> Result<(), String> {
    let text = serde_json::to_string_pretty(outcome).map_err(|e| e.to_string())?;
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The generator is this binary: it embeds `codegen` and its runtime
/// sources, so any change to either changes the hash.
fn generator_hash() -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let bytes = fs::read(&exe).map_err(|e| format!("cannot read {}: {e}", exe.display()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

fn protocol_of(files: &ModelFiles) -> String {
    match codegen::load::parse_model(&files.shown, &files.text) {
        Ok(model) => model
            .metadata
            .protocols
            .first()
            .cloned()
            .unwrap_or(model.metadata.protocol),
        Err(_) => "?".to_owned(),
    }
}

/// The first problem of a generator error: the line after the heading
/// ("...: 3 problems in the model"), or the whole message.
fn first_problem(message: &str) -> String {
    let mut lines = message.lines();
    let first = lines.next().unwrap_or_default();
    match lines.next() {
        Some(problem) if first.ends_with("in the model") => {
            let count = first.rsplit(": ").next().unwrap_or_default();
            format!("{} ({count})", problem.trim())
        }
        _ => first.to_owned(),
    }
}

/// A workspace under `WORK/workspace` holding one generated crate at a time,
/// its dependencies pinned by this repository's `Cargo.lock` and built once
/// into `WORK/target`.
struct Scratch {
    dir: PathBuf,
    target: PathBuf,
    /// `WORK/logs`: cargo's output for each model checked.
    logs: PathBuf,
    root: PathBuf,
}

impl Scratch {
    fn new(work: &Path, worker: usize) -> Result<Self, String> {
        let root = workspace_root();
        let scratch = Scratch {
            dir: work.join(format!("workspace-{worker}")),
            target: work.join(format!("target-{worker}")),
            logs: work.join("logs"),
            root,
        };
        fs::create_dir_all(&scratch.dir)
            .map_err(|e| format!("cannot create {}: {e}", scratch.dir.display()))?;
        Ok(scratch)
    }

    /// A hash of everything a check of this crate depends on: its files,
    /// the workspace manifest and lock file it is checked with, and rustc.
    fn crate_key(&self, name: &str, files: &[codegen::GeneratedFile]) -> Result<String, String> {
        let mut hash = Sha256::new();
        let mut update = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        };
        update(name.as_bytes());
        let mut files: Vec<_> = files.iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        for file in files {
            update(file.path.to_string_lossy().as_bytes());
            update(file.contents.as_bytes());
        }
        let manifest = self
            .manifest(name)
            .map_err(|e| format!("cannot read the workspace manifest: {e}"))?;
        update(manifest.as_bytes());
        let lock = self.root.join("Cargo.lock");
        update(&fs::read(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?);
        // The crate compiles against the runtime: a change there is a
        // change to what is checked.
        for path in files_under(&self.root.join("runtime"))? {
            update(path.to_string_lossy().as_bytes());
            update(&fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?);
        }
        let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
            .arg("-vV")
            .output()
            .map_err(|e| format!("cannot run rustc: {e}"))?;
        update(&rustc.stdout);
        Ok(hex::encode(hash.finalize()))
    }

    /// Writes the crate alone into the workspace and checks it; the first
    /// error (warnings are errors) when it does not compile clean.
    fn check(
        &self,
        name: &str,
        files: &[codegen::GeneratedFile],
        timeout: Duration,
    ) -> Result<(), String> {
        self.write(name, files)
            .map_err(|e| format!("cannot write the scratch workspace: {e}"))?;
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut child = Command::new(&cargo)
            .args([
                "check",
                "--all-features",
                "--message-format",
                "short",
                "--quiet",
            ])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("RUSTFLAGS", "-D warnings")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        // Read stderr on a thread so a chatty build cannot fill the pipe
        // and stall while we wait for it with a deadline.
        let mut stderr = child.stderr.take().ok_or("cargo has no stderr")?;
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let deadline = Instant::now() + timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(200)),
                Err(e) => return Err(format!("cannot wait for cargo: {e}")),
            }
        };
        let output = reader.join().unwrap_or_default();
        // The whole output, for when the first error is not the whole story.
        let _ = fs::create_dir_all(&self.logs);
        let _ = fs::write(self.logs.join(format!("{name}.txt")), &output);
        // Keep the shared target small: this crate is never built again.
        let _ = Command::new(&cargo)
            .args(["clean", "--quiet", "-p", name])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .status();
        match status {
            None => Err(format!("timed out after {} s", timeout.as_secs())),
            Some(status) if status.success() => Ok(()),
            Some(_) => Err(first_error(&output)),
        }
    }

    fn write(&self, name: &str, files: &[codegen::GeneratedFile]) -> std::io::Result<()> {
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                fs::remove_dir_all(entry.path())?;
            }
        }
        for file in files {
            let path = self.dir.join(name).join(&file.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &file.contents)?;
        }
        fs::write(self.dir.join("Cargo.toml"), self.manifest(name)?)?;
        let lock = self.dir.join("Cargo.lock");
        if !lock.exists() {
            fs::copy(self.root.join("Cargo.lock"), lock)?;
        }
        Ok(())
    }
}

impl Scratch {
    /// The scratch workspace's manifest: this repository's shared tables
    /// (`[workspace.package]`, `[workspace.dependencies]`, ...) with one member.
    fn manifest(&self, name: &str) -> std::io::Result<String> {
        let manifest = fs::read_to_string(self.root.join("Cargo.toml"))?;
        let tables = manifest
            .find("[workspace.package]")
            .map_or("", |start| &manifest[start..])
            .replace("path = \"", &format!("path = \"{}/", self.root.display()));
        Ok(format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\"{name}\"]\n\n{tables}"
        ))
    }
}

/// Every file under `dir`, in path order.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The first `error` line of cargo's short-format output, with the one
/// after it when rustc explains itself on a second line.
fn first_error(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    match lines.iter().position(|l| l.contains("error")) {
        Some(i) => lines[i].trim().to_owned(),
        None => lines
            .last()
            .map_or_else(|| "cargo failed".to_owned(), |l| l.trim().to_owned()),
    }
}

fn summary_cell(outcome: &Outcome) -> String {
    let generated = match &outcome.generated {
        Some(Ok(())) => "generated".to_owned(),
        Some(Err(problem)) => format!("refused: {problem}"),
        None => "generating".to_owned(),
    };
    match &outcome.compiled {
        Some(Ok(())) => format!("{generated}, compiled clean"),
        Some(Err(error)) => format!("{generated}, did not compile: {error}"),
        None => generated,
    }
}

fn table(rows: &[(String, Outcome)], elapsed: Duration) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = String::from(
        "| model | protocol | generated | compiled | seconds |\n|---|---|---|---|---|\n",
    );
    let (mut generated, mut compiled, mut tried, mut generate_seconds) = (0, 0, 0, 0.0);
    for (name, outcome) in rows {
        let gen_cell = match &outcome.generated {
            Some(Ok(())) if outcome.warnings == 1 => "yes (1 warning)".to_owned(),
            Some(Ok(())) if outcome.warnings > 0 => format!("yes ({} warnings)", outcome.warnings),
            Some(Ok(())) => "yes".to_owned(),
            Some(Err(problem)) => cell(problem),
            None => "aborted".to_owned(),
        };
        let compile_cell = match &outcome.compiled {
            Some(Ok(())) => "clean".to_owned(),
            Some(Err(error)) => cell(error),
            None => "not tried".to_owned(),
        };
        generated += usize::from(matches!(outcome.generated, Some(Ok(()))));
        tried += usize::from(outcome.compiled.is_some());
        compiled += usize::from(matches!(outcome.compiled, Some(Ok(()))));
        generate_seconds += outcome.generate_seconds;
        out.push_str(&format!(
            "| {name} | {} | {gen_cell} | {compile_cell} | {:.1} |\n",
            outcome.protocol,
            outcome.generate_seconds + outcome.compile_seconds
        ));
    }
    out.push_str(&format!(
        "\n{} models: {generated} generated, {compiled} of {tried} checked compiled clean; generation took {generate_seconds:.1} s in all (this run: {:.0} s).\n",
        rows.len(),
        elapsed.as_secs_f64()
    ));
    out
}
