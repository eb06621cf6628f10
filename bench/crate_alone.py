#!/usr/bin/env python3
"""Release build time of a generated crate alone, beside the official one.

    python3 bench/crate_alone.py MODELS_DIR [--runs N] [--crates lambda,bedrock,bedrock-runtime:invoke-model]

For each service, our crate (generated from MODELS_DIR/<service>.json with
`cargo xtask generate`) and the official `aws-sdk-<service>` are each put in
a scratch workspace of their own with their dependencies built first
(`cargo build --release -j2`). Then, alternating ours and theirs, each crate
alone is cleaned (`cargo clean --release -p`) and rebuilt with `-j2`; the
table gives the median of the runs and the ratio. The CPU model is printed
beside it, as every figure in the README has it.

`service:op1+op2` builds ours with only those operations' features
(`--no-default-features`), against the whole official crate, which has no
such features.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = "/tmp/crate-alone"


def run(cmd, cwd, env=None, quiet=True):
    full_env = dict(os.environ, **(env or {}))
    out = subprocess.DEVNULL if quiet else None
    subprocess.run(cmd, cwd=cwd, env=full_env, check=True, stdout=out, stderr=out)


def workspace_tables():
    with open(os.path.join(ROOT, "Cargo.toml")) as f:
        manifest = f.read()
    tables = manifest[manifest.index("[workspace.package]"):]
    return tables.replace('path = "', f'path = "{ROOT}/')


def ours_workspace(models_dir, crates):
    ws = os.path.join(WORK, "ours")
    shutil.rmtree(ws, ignore_errors=True)
    os.makedirs(ws)
    for crate in crates:
        run(["cargo", "run", "--quiet", "--release", "-p", "xtask", "--", "generate",
             models_dir, crate, os.path.join(ws, crate)], cwd=ROOT)
    members = ", ".join(f'"{c}"' for c in crates)
    with open(os.path.join(ws, "Cargo.toml"), "w") as f:
        f.write(f'[workspace]\nresolver = "3"\nmembers = [{members}]\n\n{workspace_tables()}')
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), os.path.join(ws, "Cargo.lock"))
    return ws


def official(service):
    """The official crate's name: `aws-sdk-` and the name without hyphens."""
    return "aws-sdk-" + service.replace("-", "")


def theirs_workspace(crates):
    ws = os.path.join(WORK, "theirs")
    os.makedirs(os.path.join(ws, "src"), exist_ok=True)
    deps = "\n".join(f'{official(c)} = "1"' for c in crates)
    with open(os.path.join(ws, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "theirs"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n'
                f'[dependencies]\n{deps}\n\n[workspace]\n')
    with open(os.path.join(ws, "src", "lib.rs"), "w") as f:
        f.write("")
    return ws


def timed_rebuild(ws, package, target, features=None):
    env = {"CARGO_TARGET_DIR": target}
    run(["cargo", "clean", "--release", "-p", package], cwd=ws, env=env)
    selection = [] if features is None else ["--no-default-features", "--features", ",".join(features)]
    start = time.monotonic()
    run(["cargo", "build", "--release", "-j2", "-p", package] + selection, cwd=ws, env=env)
    return time.monotonic() - start


def cpu_model():
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models_dir")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--crates", default="lambda,bedrock")
    args = parser.parse_args()
    specs = [spec.split(":", 1) for spec in args.crates.split(",")]
    crates = sorted({spec[0] for spec in specs})

    ours = ours_workspace(os.path.abspath(args.models_dir), crates)
    theirs = theirs_workspace(crates)
    ours_target, theirs_target = os.path.join(WORK, "ours-target"), os.path.join(WORK, "theirs-target")
    print("building dependencies once ...", file=sys.stderr)
    run(["cargo", "build", "--release", "-j2"], cwd=ours, env={"CARGO_TARGET_DIR": ours_target})
    run(["cargo", "build", "--release", "-j2"], cwd=theirs, env={"CARGO_TARGET_DIR": theirs_target})

    rows = []
    for spec in specs:
        crate = spec[0]
        features = spec[1].split("+") if len(spec) > 1 else None
        label = crate if features is None else f"{crate}, only {', '.join(features)}"
        mine, theirs_times = [], []
        for i in range(args.runs):
            mine.append(timed_rebuild(ours, crate, ours_target, features))
            theirs_times.append(timed_rebuild(theirs, official(crate), theirs_target))
            print(f"{label} run {i + 1}: ours {mine[-1]:.1f} s, official {theirs_times[-1]:.1f} s",
                  file=sys.stderr)
        m, o = statistics.median(mine), statistics.median(theirs_times)
        rows.append(f"| {label} | {m:.1f} s | {o:.1f} s ({official(crate)}) | {m / o:.2f}x |")

    print(f"CPU: {cpu_model()}; {args.runs} runs each, medians; release, -j2, dependencies built, the crate alone")
    print("| crate | ours | official | ratio |\n|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
