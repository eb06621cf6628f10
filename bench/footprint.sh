#!/usr/bin/env bash
# What a change costs the minimal program (bench/minimal): package counts,
# clean release build time (-j2, fresh target directories), crates
# compiled, peak build memory and binary size, at REV and at the working
# tree, alternating, RUNS times each.
#
# usage: bench/footprint.sh REV [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$1
runs=${2:-2}
before=$(mktemp -d /tmp/footprint-before.XXXXXX)
git worktree add --detach --force "$before" "$rev" >/dev/null
trap 'git worktree remove --force "$before"' EXIT

packages() {
  (cd "$1" && cargo tree "${@:2}" -e normal --prefix none 2>/dev/null | sed 's/ (\*)//' | sort -u | wc -l)
}

for side in "before:$before" "after:$PWD"; do
  name=${side%%:*}
  dir=${side#*:}
  echo "$name: bedrock-runtime's tree $(packages "$dir" -p bedrock-runtime) packages," \
    "the minimal program's $(packages "$dir/bench/minimal") packages"
done
for run in $(seq "$runs"); do
  for side in "before:$before" "after:$PWD"; do
    name=${side%%:*}
    dir=${side#*:}
    target=/tmp/footprint-target-$name
    rm -rf "$target"
    start=$(date +%s.%N)
    CARGO_TARGET_DIR=$target /usr/bin/time -v cargo build --release -j2 \
      --manifest-path "$dir/bench/minimal/Cargo.toml" 2>"$target.log"
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    binary=$target/release/minimal-client
    strip -o "$binary.stripped" "$binary"
    printf '%s run %s: %.1f s, %s crates compiled, peak %s KiB, binary %s bytes, stripped %s bytes\n' \
      "$name" "$run" "$seconds" "$(grep -c '^ *Compiling' "$target.log")" \
      "$(grep 'Maximum resident' "$target.log" | awk '{print $NF}')" \
      "$(stat -c %s "$binary")" "$(stat -c %s "$binary.stripped")"
  done
done
