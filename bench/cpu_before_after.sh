#!/usr/bin/env bash
# Client CPU per InvokeModel before and after a change: bench_client built at
# REV (in a temporary worktree) and at the working tree, alternating RUNS
# times against one bedrock-mock, N requests at concurrency 1 and 32 each.
# Prints user+system CPU per request (microseconds) and requests per second,
# medians, with the CPU model.
#
#   bench/cpu_before_after.sh REV [RUNS] [N]
set -euo pipefail
rev=${1:?usage: bench/cpu_before_after.sh REV [RUNS] [N]}
runs=${2:-5}
n=${3:-20000}
root=$(cd "$(dirname "$0")/.." && pwd)
before=/tmp/cpu-before-$rev
git -C "$root" worktree remove --force "$before" 2>/dev/null || true
git -C "$root" worktree add --detach "$before" "$rev" >/dev/null
trap 'git -C "$root" worktree remove --force "$before"' EXIT
(cd "$before" && CARGO_TARGET_DIR=/tmp/cpu-before-target cargo build --quiet --release -p benchmarks)
(cd "$root" && cargo build --quiet --release -p benchmarks -p bedrock-mock)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$root/target/release/bedrock-mock" --port "$port" >/dev/null &
mock=$!
trap 'kill $mock; git -C "$root" worktree remove --force "$before"' EXIT
sleep 0.5
url=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY AWS_REGION=us-east-1
measure() { # binary concurrency -> "cpu_us_per_request requests_per_second"
  local out
  out=$( { /usr/bin/time -f '%U %S' "$1" "$url" invoke "$n" "$2" 2>&1 1>&3; } 3>&1 )
  python3 -c 'import sys; rps=float(sys.argv[1]); u,s=map(float,sys.argv[2:4]); print(f"{(u+s)/int(sys.argv[4])*1e6:.2f} {rps:.0f}")' \
    "$(echo "$out" | head -1 | awk '{print $1}')" $(echo "$out" | tail -1) "$n"
}
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $runs runs of $n requests"
for c in 1 32; do
  b=(); a=()
  for _ in $(seq "$runs"); do
    b+=("$(measure /tmp/cpu-before-target/release/bench_client "$c")")
    a+=("$(measure "$root/target/release/bench_client" "$c")")
  done
  printf '%s\n' "${b[@]}" > /tmp/cpu-b; printf '%s\n' "${a[@]}" > /tmp/cpu-a
  python3 - "$c" "$rev" <<'PY'
import statistics, sys
def med(path, i): return statistics.median(float(l.split()[i]) for l in open(path))
c, rev = sys.argv[1], sys.argv[2]
bc, ac, br, ar = med("/tmp/cpu-b", 0), med("/tmp/cpu-a", 0), med("/tmp/cpu-b", 1), med("/tmp/cpu-a", 1)
print(f"| concurrency {c} | {bc:.1f} us, {br:,.0f} req/s ({rev}) | {ac:.1f} us, {ar:,.0f} req/s (now) | {ac / bc:.2f}x CPU |")
PY
done
