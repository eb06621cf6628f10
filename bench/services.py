#!/usr/bin/env python3
"""Clean release builds (-j2, fresh target directories) of the same program
with our crates and with the official SDK, with one service and with
three (bench/services/{ours,official}); prints a Markdown table with
build time, crates compiled, peak build memory and stripped binary size,
and the marginal cost of the second and third service.

usage: python3 bench/services.py [--runs N]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(side, three, target):
    shutil.rmtree(target, ignore_errors=True)
    manifest = os.path.join(ROOT, "bench", "services", side, "Cargo.toml")
    args = ["/usr/bin/time", "-v", "cargo", "build", "--release", "-j2", "--manifest-path", manifest]
    if not three:
        args.append("--no-default-features")
    start = time.monotonic()
    out = subprocess.run(args, env=dict(os.environ, CARGO_TARGET_DIR=target),
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    seconds = time.monotonic() - start
    crates = len(re.findall(r"^\s+Compiling ", out.stderr, re.M))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) / 1024
    binary = os.path.join(target, "release", f"services-{side}")
    subprocess.run(["strip", "-o", binary + ".stripped", binary], check=True)
    return seconds, crates, rss, os.path.getsize(binary + ".stripped") / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    results = {}
    for _ in range(args.runs):
        # Alternating, so that load on the machine falls on both sides.
        for side in ("ours", "official"):
            for three in (False, True):
                figures = build(side, three, f"/tmp/services-{side}-{int(three)}")
                results.setdefault((side, three), []).append(figures)
                print(side, "three" if three else "one", figures, flush=True)
    med = {k: [statistics.median(f[i] for f in v) for i in range(4)] for k, v in results.items()}
    print("\n| program | ours | official SDK | ratio |")
    print("|---|---|---|---|")
    for three, label in ((False, "one service"), (True, "three services")):
        o, t = med[("ours", three)], med[("official", three)]
        print(f"| {label}: build time | {o[0]:.0f} s | {t[0]:.0f} s | {o[0] / t[0]:.2f}x |")
        print(f"| {label}: crates compiled | {o[1]:.0f} | {t[1]:.0f} | {o[1] / t[1]:.2f}x |")
        print(f"| {label}: peak build memory | {o[2]:.0f} MiB | {t[2]:.0f} MiB | {o[2] / t[2]:.2f}x |")
        print(f"| {label}: stripped binary | {o[3]:.1f} MB | {t[3]:.1f} MB | {o[3] / t[3]:.2f}x |")
    o = med[("ours", True)][0] - med[("ours", False)][0]
    t = med[("official", True)][0] - med[("official", False)][0]
    print(f"| second and third service, added build time | {o:.0f} s | {t:.0f} s | {o / t:.2f}x |")


if __name__ == "__main__":
    main()
