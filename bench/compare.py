#!/usr/bin/env python3
"""Side-by-side benchmarks of our client and the official AWS SDK for Rust
(aws-sdk-bedrockruntime), against the same local bedrock-mock, in one run.

usage: bench/compare.py [--runs N] [--builds]

Runs each scenario N times (default 5), alternating ours and theirs, and
prints medians and ratios as a Markdown table. With --builds, also times a
clean release build of a minimal program using each client (-j2, fresh
target directories) and counts the crates compiled.

The official client is ../shared/peers/aws-sdk-client, built into
/tmp/peer-target (the peers folder is read-only).
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER_MANIFEST = os.path.join(ROOT, "..", "shared", "peers", "aws-sdk-client", "Cargo.toml")
PEER_TARGET = "/tmp/peer-target"
OURS = os.path.join(ROOT, "target", "release", "bench_client")
THEIRS = os.path.join(PEER_TARGET, "release", "aws-sdk-client")
MOCK = os.path.join(ROOT, "target", "release", "bedrock-mock")

SCENARIOS = [
    ("InvokeModel, concurrency 1", ["invoke", "2000", "1"], "requests/s"),
    ("InvokeModel, concurrency 32", ["invoke", "20000", "32"], "requests/s"),
    ("InvokeModelWithResponseStream, 2000 x 16 KiB chunks", ["stream", "mock.stream.2000.16384"], "MB/s"),
]


def build():
    subprocess.run(["cargo", "build", "--release", "-p", "benchmarks", "-p", "bedrock-mock"], cwd=ROOT, check=True)
    env = dict(os.environ, CARGO_TARGET_DIR=PEER_TARGET)
    subprocess.run(["cargo", "build", "--release", "--manifest-path", PEER_MANIFEST], env=env, check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(binary, url, args):
    """The figure a client prints and its peak memory (KiB)."""
    out = subprocess.run(
        ["/usr/bin/time", "-v", binary, url] + args, capture_output=True, text=True, check=True
    )
    figure = float(out.stdout.split()[0])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    return figure, rss


def run_scenarios(runs):
    port = free_port()
    mock = subprocess.Popen([MOCK, "--port", str(port)], stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        url = f"http://127.0.0.1:{port}"
        rows = []
        for name, args, unit in SCENARIOS:
            ours, theirs = [], []
            for _ in range(runs):
                ours.append(measure(OURS, url, args))
                theirs.append(measure(THEIRS, url, args))
            o = statistics.median(f for f, _ in ours)
            t = statistics.median(f for f, _ in theirs)
            om = statistics.median(m for _, m in ours) / 1024
            tm = statistics.median(m for _, m in theirs) / 1024
            rows.append(f"| {name} | {o:,.1f} {unit} | {t:,.1f} {unit} | {o / t:.2f}x | {om:.1f} MiB | {tm:.1f} MiB | {om / tm:.2f}x |")
        print(f"\nMedians of {runs} alternating runs against one bedrock-mock:\n")
        print("| scenario | ours | official SDK | ratio | our peak RSS | their peak RSS | ratio |")
        print("|---|---|---|---|---|---|---|")
        print("\n".join(rows))
    finally:
        mock.terminate()


def clean_build(manifest, target):
    shutil.rmtree(target, ignore_errors=True)
    start = time.monotonic()
    out = subprocess.run(
        ["/usr/bin/time", "-v", "cargo", "build", "--release", "-j2", "--manifest-path", manifest],
        env=dict(os.environ, CARGO_TARGET_DIR=target),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.monotonic() - start
    crates = len(re.findall(r"^\s+Compiling ", out.stderr, re.M))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) / 1024
    return seconds, crates, rss


def binary_sizes(path):
    """The binary's size as built and after `strip`, in MB."""
    stripped = path + ".stripped"
    subprocess.run(["strip", "-o", stripped, path], check=True)
    return os.path.getsize(path) / 1e6, os.path.getsize(stripped) / 1e6


def run_builds():
    ours = clean_build(os.path.join(ROOT, "bench", "minimal", "Cargo.toml"), "/tmp/minimal-ours-target")
    theirs = clean_build(PEER_MANIFEST, "/tmp/minimal-theirs-target")
    ours_path = "/tmp/minimal-ours-target/release/minimal-client"
    theirs_path = "/tmp/minimal-theirs-target/release/aws-sdk-client"
    ours_bin, ours_stripped = binary_sizes(ours_path)
    theirs_bin, theirs_stripped = binary_sizes(theirs_path)
    print("\nClean release build of a minimal program (-j2, fresh target directory, dependencies downloaded):\n")
    print("| figure | ours | official SDK | ratio |")
    print("|---|---|---|---|")
    print(f"| build time | {ours[0]:.0f} s | {theirs[0]:.0f} s | {ours[0] / theirs[0]:.2f}x |")
    print(f"| crates compiled | {ours[1]} | {theirs[1]} | {ours[1] / theirs[1]:.2f}x |")
    print(f"| peak build memory | {ours[2]:.0f} MiB | {theirs[2]:.0f} MiB | {ours[2] / theirs[2]:.2f}x |")
    print(f"| release binary | {ours_bin:.1f} MB | {theirs_bin:.1f} MB | {ours_bin / theirs_bin:.2f}x |")
    print(f"| release binary, stripped | {ours_stripped:.1f} MB | {theirs_stripped:.1f} MB | "
          f"{ours_stripped / theirs_stripped:.2f}x |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--builds", action="store_true")
    args = parser.parse_args()
    build()
    run_scenarios(args.runs)
    if args.builds:
        run_builds()


if __name__ == "__main__":
    sys.exit(main())
