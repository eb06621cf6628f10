//! `cargo xtask readme`: runs the README's shell blocks as a reader would,
//! so that a change that breaks a command the README shows fails CI.
//!
//! Blocks fenced `sh` run in order in one `bash` session from the
//! repository root (a reader's terminal: variables and background jobs
//! carry from one block to the next), with `set -eu`, so the first command
//! that fails stops the run. Blocks fenced `sh ci-step` are CI's own steps
//! and `sh long-job` ones download peers or run for many minutes; they are
//! listed, not run. Any other tag is refused, so that a typo cannot hide a
//! block. Afterwards the working tree must hold nothing it did not hold
//! before: examples write their outputs elsewhere.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the blocks may run together before they are stopped.
const TIME_LIMIT: Duration = Duration::from_secs(20 * 60);

/// A fenced shell block: where it starts, its tag, its text.
struct Block {
    line: usize,
    tag: Tag,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Run,
    CiStep,
    LongJob,
}

/// Runs the README's `sh` blocks; lists the others.
pub fn run(root: &Path) -> Result<(), String> {
    let path = root.join("README.md");
    let readme =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read README.md: {e}"))?;
    let blocks = shell_blocks(&readme)?;
    let mut script = String::from(
        "set -eu\n# Background jobs (the mock) end with the session, as a terminal's would.\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n",
    );
    for block in &blocks {
        match block.tag {
            Tag::Run => {
                script.push_str(&format!(
                    "printf '\\n== README.md line {}\\n' >&2\n{}\n",
                    block.line, block.text
                ));
            }
            Tag::CiStep => eprintln!(
                "README.md line {}: run by CI as its own step: {}",
                block.line,
                first_command(&block.text)
            ),
            Tag::LongJob => eprintln!(
                "README.md line {}: a long job, not run here: {}",
                block.line,
                first_command(&block.text)
            ),
        }
    }
    let before = working_tree(root)?;
    let started = Instant::now();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(root)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start bash: {e}"))?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                return Err(format!(
                    "the README's blocks ran longer than {} s and were stopped",
                    TIME_LIMIT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(format!("cannot wait for bash: {e}")),
        }
    };
    if !status.success() {
        return Err(format!(
            "a command of the README failed ({status}); the block it is in is named above"
        ));
    }
    let after = working_tree(root)?;
    let left: Vec<&String> = after.iter().filter(|line| !before.contains(line)).collect();
    if !left.is_empty() {
        return Err(format!(
            "the README's commands left files in the working tree:\n{}",
            left.iter()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    let ran = blocks.iter().filter(|b| b.tag == Tag::Run).count();
    println!(
        "ran the README's {ran} shell blocks in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The fenced blocks whose info string starts with `sh`.
fn shell_blocks(readme: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, Option<Tag>, String)> = None;
    for (index, line) in readme.lines().enumerate() {
        let number = index + 1;
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => {
                let mut words = info.split_whitespace();
                let tag = match (words.next(), words.next()) {
                    (Some("sh"), None) => Some(Tag::Run),
                    (Some("sh"), Some("ci-step")) => Some(Tag::CiStep),
                    (Some("sh"), Some("long-job")) => Some(Tag::LongJob),
                    (Some("sh"), Some(other)) => {
                        return Err(format!(
                            "README.md line {number}: unknown tag {other:?} (sh, sh ci-step or sh long-job)"
                        ));
                    }
                    _ => None,
                };
                open = Some((number, tag, String::new()));
            }
            (Some((start, tag, text)), Some(_)) => {
                if let Some(tag) = tag {
                    blocks.push(Block {
                        line: *start,
                        tag: *tag,
                        text: std::mem::take(text),
                    });
                }
                open = None;
            }
            (Some((_, _, text)), None) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    match open {
        Some((start, _, _)) => Err(format!("README.md line {start}: a block is never closed")),
        None => Ok(blocks),
    }
}

fn first_command(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}

/// `git status --porcelain`, untracked files included, one entry per line.
fn working_tree(root: &Path) -> Result<Vec<String>, String> {
    let output = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git status: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git status failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_read_with_their_tags_and_unknown_tags_refused() {
        let readme = "text\n```sh\necho a\n```\n```rust\nfn x() {}\n```\n```sh long-job\nsleep 1000\n```\n```sh ci-step\ncargo test\n```\n";
        let blocks = shell_blocks(readme).unwrap();
        let seen: Vec<(usize, Tag, &str)> = blocks
            .iter()
            .map(|b| (b.line, b.tag, b.text.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (2, Tag::Run, "echo a\n"),
                (8, Tag::LongJob, "sleep 1000\n"),
                (11, Tag::CiStep, "cargo test\n")
            ]
        );
        assert!(shell_blocks("```sh maybe\nx\n```\n").is_err());
        assert!(shell_blocks("```sh\nx\n").is_err());
    }
}
