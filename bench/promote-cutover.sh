#!/usr/bin/env bash
# A blue/green cutover under load: wrk through the environment's load balancer while
# `bake promote` replaces the live group, on the local drivers (qemu instances, HAProxy).
#
# It builds the deploy tests' tiny app (test/deploy/fixtures: busybox httpd answering its version
# and /health) twice, deploys the first, starts wrk, promotes the second, stops wrk when the
# promote is done, and reports:
#   - requests and errors (socket errors and non-2xx) seen by wrk during the cutover (target: 0, 0);
#   - "green healthy -> load balancer switched" (the issue's target: under 1 s);
#   - the promote's total time split by phase.
# Repeats the cutover RUNS times (alternating the two images) and reports medians.
#
# Needs: root, bin/setup done, wrk (apt-get install -y wrk).
# Run:   bash bench/promote-cutover.sh [RUNS]   (default 3)
# Output: a table on stdout; raw JSON in bench/out/promote-cutover.json.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
repo=$PWD
bake() { node "$repo/bin/bake" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bake-bench-promote-XXXXXX")
export BAKE_HOME="$work/.bake" CI=true BAKE_ACTOR=bench
cleanup() {
  (cd "$work" && bake down --env staging --force >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT
cp -r test/deploy/fixtures/. "$work/"
cd "$work"

echo "machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
image() { bake build --json -var "app_version=$1" tiny-app.pkr.hcl 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).layers.find(l=>l.name==="tiny-app").id))'; }
a=$(image 1)
b=$(image 2)
bake promote --to staging "$a" >/dev/null
endpoint=$(bake status --env staging --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).endpoint))')
echo "endpoint $endpoint; images $a $b"

results=()
for i in $(seq 1 "$runs"); do
  next=$([ $((i % 2)) -eq 1 ] && echo "$b" || echo "$a")
  wrk -t2 -c8 -d600s --timeout 5s "$endpoint/" >"$work/wrk-$i.txt" 2>&1 &
  wrk_pid=$!
  sleep 2
  bake promote --to staging --json "$next" >"$work/promote-$i.json"
  sleep 2
  kill -INT "$wrk_pid"
  wait "$wrk_pid" || true
  results+=("$(node -e '
    const fs = require("fs");
    const p = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const w = fs.readFileSync(process.argv[2], "utf8");
    const num = (re) => { const m = re.exec(w); return m ? Number(m[1]) : 0; };
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(w);
    console.log(JSON.stringify({
      requests: num(/(\d+) requests in/),
      socketErrors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
      non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
      switchMs: p.switchMs,
      phasesMs: p.phasesMs,
    }));
  ' "$work/promote-$i.json" "$work/wrk-$i.txt")")
done

mkdir -p "$repo/bench/out"
printf '%s\n' "${results[@]}" | node -e '
  const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  require("fs").writeFileSync(process.argv[1], JSON.stringify(rows, null, 2) + "\n");
  console.log("| run | requests | socket errors | non-2xx | healthy -> switched (ms) | launch | register | health | cutover | verify | retire | total (s) |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  const s = (ms) => (ms / 1000).toFixed(1);
  const phases = ["launch", "register", "health", "cutover", "verify", "retire"];
  rows.forEach((r, i) => {
    const total = phases.reduce((a, p) => a + (r.phasesMs[p] ?? 0), 0);
    console.log(`| ${i + 1} | ${r.requests} | ${r.socketErrors} | ${r.non2xx} | ${r.switchMs} | ${phases.map((p) => s(r.phasesMs[p] ?? 0)).join(" | ")} | ${s(total)} |`);
  });
  const tot = rows.map((r) => phases.reduce((a, p) => a + (r.phasesMs[p] ?? 0), 0));
  console.log(`| median | ${median(rows.map((r) => r.requests))} | ${median(rows.map((r) => r.socketErrors))} | ${median(rows.map((r) => r.non2xx))} | ${median(rows.map((r) => r.switchMs))} | ${phases.map((p) => s(median(rows.map((r) => r.phasesMs[p] ?? 0)))).join(" | ")} | ${s(median(tot))} |`);
' "$repo/bench/out/promote-cutover.json"
