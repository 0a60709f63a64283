#!/usr/bin/env bash
# Building the three shipped layers (os-base -> tomcat7-fluentd -> webapp), bake against Packer
# 1.6.6's qemu builder, side by side on this machine in one run:
#   1. bake cold: `bake build webapp.hcl` into a fresh BAKE_HOME (all three layers), then
#      bench/check-webapp.ts on the result (Tomcat answers, / shows app_version, logs are shipped);
#   2. bake with nothing changed: NOTHING_RUNS runs of the same command (hyperfine), median;
#   3. bake with only the app changed: APP_RUNS runs, each with a new `-var app_version=...`
#      (only the webapp layer is rebuilt), median; check-webapp on the last;
#   4. Packer: the same three layers with bench/packer-build/*.pkr.hcl, each layer booting the
#      previous layer's output, the same provisioner scripts and files with the same environment.
#      Packer cannot mmdebstrap, so it starts from the disk bake's os-base starts from: a copy of
#      templates/os-base.hcl without its provisioner is built with bake (timed on its own), and its
#      disk converted to a standalone qcow2. Packer's cold stack therefore excludes the bootstrap.
#      Then the app layer alone APP_RUNS times in all (the stack's one included), each with a new
#      app_version: what a Packer user chaining templates by hand rebuilds when the app changes;
#   5. disk cost per layer: bake's image size (`bake images --json`: the qcow2 delta plus the
#      kernel and initrd, which are hard links to the OS base's), `du` of its directory and of its
#      qcow2 disk alone; `du` of each Packer output (one full qcow2).
# Targets (from the issue): nothing changed under 2 s; app-only at least 4x faster than Packer
# rebuilding the stack; a layer's disk cost is its delta, not a copy.
#
# Needs: root (mmdebstrap), bin/setup done, packer (Debian's 1.6.6), hyperfine, qemu-utils.
# Run:   bash bench/build-vs-packer.sh      (30-70 minutes on 2 cores under TCG)
#        NOTHING_RUNS=5 APP_RUNS=3 are the defaults.
#        PHASES="bake packer" (the default) runs steps 1-3 then step 4; PHASES=packer (or bake) reruns
#        one half and reports with the other half's figures kept from the last run. The order is
#        free: PHASES="packer bake" shows a Packer problem within minutes. PHASES=report only prints
#        the report again from the raw figures of the last run.
# Output: a table on stdout; everything measured in bench/out/build-vs-packer.json, and the raw
#        figures and every build's log in bench/out/build-vs-packer-raw/ (both git-ignored; the raw
#        directory survives a failed run, for its logs).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
nothing_runs="${NOTHING_RUNS:-5}"
app_runs="${APP_RUNS:-3}"
phases="${PHASES:-bake packer}"
for p in $phases; do
  case "$p" in bake | packer | report) ;; *) echo "error: PHASES takes bake, packer or report, not $p" >&2; exit 2 ;; esac
done

for tool in qemu-system-x86_64 qemu-img packer hyperfine ssh-keygen mmdebstrap base64; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (bin/setup; apt-get install -y packer hyperfine)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "error: run as root: bake's os-base bootstraps with mmdebstrap" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bake-bench-build-XXXXXX")
raw="$repo/bench/out/build-vs-packer-raw"
# A run of both halves starts from nothing; a rerun of one half keeps the other half's figures.
case " $phases " in *" bake "*" packer "* | *" packer "*" bake "*) rm -rf "$raw" ;; esac
mkdir -p "$raw" "$work/cwd" "$work/packer"
export BAKE_HOME="$work/bake" CI=true CHECKPOINT_DISABLE=1 PACKER_CACHE_DIR="$work/packer-cache"
cleanup() {
  local status=$? pids
  # Every VM bake and Packer started in this run has a path under $work in its argv (check-webapp.ts
  # stops its own VM, and checks that none is left).
  pids=$(pgrep -f -- "$work" || true)
  if [ -n "$pids" ]; then
    echo "cleanup: stopping leftover processes $pids" >&2
    kill $pids 2>/dev/null || true
    sleep 2
    kill -9 $pids 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bake runs from an empty directory, so the manifest post-processor's file lands there, not in the repo.
bake() { (cd "$work/cwd" && node "$repo/bin/bake" "$@"); }
check_webapp() { node --import tsx/esm "$repo/bench/check-webapp.ts" --home "$BAKE_HOME" --json "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# json FILE EXPR: evaluates EXPR on the parsed FILE (as `d`) and prints the result.
json() { node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const v = eval(process.argv[2]); console.log(typeof v === "string" ? v : JSON.stringify(v));' "$1" "$2"; }
du_kib() { du -sk "$1" | cut -f1; }
phase() { echo "$(date -u +%H:%M:%S) $1 (load $(load))" >&2; printf '%s\t%s\t%s\n' "$1" "$(date -u +%FT%TZ)" "$(load)" >>"$raw/phases.tsv"; }
failures=()

stamp=$(date +%s)
if [ "$phases" = report ]; then
  [ -f "$raw/machine.env" ] || { echo "error: no raw figures in $raw to report" >&2; exit 1; }
elif [ -f "$raw/machine.env" ]; then
  echo "rerun=PHASES=$phases at $(date -u +%FT%TZ), load $(load)" >>"$raw/machine.env"
else {
  echo "date=$(date -u +%FT%TZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "mem_mib=$(free -m | awk '/Mem:/ {print $2}')"
  echo "load_before=$(load)"
  echo "kernel=$(uname -r)"
  echo "node=$(node --version)"
  echo "qemu=$(qemu-system-x86_64 --version | head -1)"
  echo "packer=$(packer version | head -1)"
  echo "hyperfine=$(hyperfine --version)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo "${BENCH_COMMIT:-unknown}")"
} >"$raw/machine.env"
fi
sed 's/^/  /' "$raw/machine.env" >&2
# bin/bake bundles src/ on its first start after an edit: not part of any figure below.
bake version >/dev/null

bake_phase() {
rm -f "$raw"/bake-* "$raw"/check-* "$raw"/hyperfine-*
# ---- 1. bake cold ------------------------------------------------------------------------------
phase "bake cold"
t0=$(now_ms)
bake build --json "$repo/templates/webapp.hcl" >"$raw/bake-cold.json" 2>"$raw/bake-cold.log" || { tail -40 "$raw/bake-cold.log" >&2; echo "error: bake cold build failed" >&2; exit 1; }
echo "$(( $(now_ms) - t0 ))" >"$raw/bake-cold.ms"
cold_webapp=$(json "$raw/bake-cold.json" 'd.layers.find(l => l.name === "webapp").id')
phase "check-webapp on the cold build ($cold_webapp)"
check_webapp "$cold_webapp" >"$raw/check-cold.json" || failures+=("check-webapp on the cold build $cold_webapp")

# ---- 2. bake, nothing changed ------------------------------------------------------------------
phase "bake nothing changed"
bake build --json "$repo/templates/webapp.hcl" >"$raw/bake-nothing.json" 2>/dev/null
json "$raw/bake-nothing.json" 'd.layers.every(l => l.result === "cached") ? "" : "not every layer was cached"' | grep -q . && failures+=("nothing-changed rebuild built something")
(cd "$work/cwd" && hyperfine -N --style basic --warmup 0 --runs "$nothing_runs" --export-json "$raw/hyperfine-nothing.json" \
  --command-name "bake build webapp.hcl (nothing changed)" "node $repo/bin/bake build $repo/templates/webapp.hcl") >&2

# ---- 3. bake, only the app changed -------------------------------------------------------------
local app_version="" i id
for i in $(seq 1 "$app_runs"); do
  app_version="1.0.$i-bench$stamp"
  phase "bake app-only $i ($app_version)"
  t0=$(now_ms)
  bake build --json -var "app_version=$app_version" "$repo/templates/webapp.hcl" >"$raw/bake-app-$i.json" 2>"$raw/bake-app-$i.log" || { tail -40 "$raw/bake-app-$i.log" >&2; echo "error: bake app-only build failed" >&2; exit 1; }
  echo "$(( $(now_ms) - t0 ))" >"$raw/bake-app-$i.ms"
  json "$raw/bake-app-$i.json" 'd.layers.map(l => l.name + ":" + l.result).join(" ")' >&2
  json "$raw/bake-app-$i.json" 'd.layers.every(l => l.result === (l.name === "webapp" ? "built" : "cached")) ? "" : "x"' | grep -q . \
    && failures+=("app-only build $i did not rebuild the webapp layer alone")
done
app_image=$(json "$raw/bake-app-$app_runs.json" 'd.layers.find(l => l.name === "webapp").id')
phase "check-webapp on app-only build $app_runs ($app_image)"
check_webapp --version "$app_version" "$app_image" >"$raw/check-app.json" || failures+=("check-webapp on app-only build $app_image")

bake images --json >"$raw/bake-images.json"
for id in $(json "$raw/bake-images.json" 'd.map(i => i.id).join(" ")'); do
  # The image directory, and its qcow2 disk alone: the kernel and initrd beside it are hard links
  # to the OS base's, so the directory counts them once per layer, the disk does not.
  printf '%s\t%s\t%s\n' "$id" "$(du_kib "$BAKE_HOME/images/$id")" \
    "$(du_kib "$BAKE_HOME/images/$id/$(json "$BAKE_HOME/images/$id/image.json" 'd.files.disk')")" >>"$raw/bake-du.tsv"
done
du_kib "$BAKE_HOME/images" >"$raw/bake-du-total.kib"
}

# ---- 4. Packer ---------------------------------------------------------------------------------
packer_phase() {
rm -f "$raw"/packer-* "$raw"/bootstrap*
# The disk bake's os-base starts from: os-base.hcl without its provisioner, built by bake in a
# store of its own.
phase "bootstrap disk for Packer (bake, os-base without provisioner)"
mkdir -p "$work/start"
awk '/^  provisioner "shell" \{/ { skip = 1 } !skip { print } skip && /^  \}/ { skip = 0 }' templates/os-base.hcl >"$work/start/os-base.hcl"
grep -q provisioner "$work/start/os-base.hcl" && { echo "error: could not strip the provisioner from os-base.hcl" >&2; exit 1; }
t0=$(now_ms)
BAKE_HOME="$work/start-home" bake build --json "$work/start/os-base.hcl" >"$raw/bootstrap.json" 2>"$raw/bootstrap.log" || { tail -40 "$raw/bootstrap.log" >&2; echo "error: bootstrap build failed" >&2; exit 1; }
echo "$(( $(now_ms) - t0 ))" >"$raw/bootstrap.ms"
start_id=$(json "$raw/bootstrap.json" 'd.layers[0].id')
start_dir="$work/start-home/images/$start_id"
qemu-img convert -O qcow2 "$start_dir/$(json "$start_dir/image.json" 'd.files.disk')" "$work/packer/start.qcow2"
cp "$start_dir/$(json "$start_dir/image.json" 'd.files.kernel')" "$work/packer/vmlinuz"
cp "$start_dir/$(json "$start_dir/image.json" 'd.files.initrd')" "$work/packer/initrd.img"
rm -rf "$work/start-home"

ssh-keygen -q -t ed25519 -N '' -C bake-bench-packer -f "$work/packer/id_ed25519"
key_b64=$(tr -d '\n' <"$work/packer/id_ed25519.pub" | base64 -w0)
local f i
for f in bench/packer-build/*.pkr.hcl; do
  packer validate -var "input_disk=$work/packer/start.qcow2" -var "output_dir=$work/packer/validate" \
    -var "kernel=$work/packer/vmlinuz" -var "initrd=$work/packer/initrd.img" -var "ssh_key_b64=$key_b64" \
    -var "ssh_private_key_file=$work/packer/id_ed25519" -var instance_id=x -var serial_log=x "$f" >/dev/null
done
packer_layer os-base "$work/packer/start.qcow2" 1
packer_layer tomcat7-fluentd "$work/packer/os-base-1/os-base.qcow2" 1
for i in $(seq 1 "$app_runs"); do
  packer_layer webapp "$work/packer/tomcat7-fluentd-1/tomcat7-fluentd.qcow2" "$i" -var "app_version=1.0.$i-packer$stamp"
  # Keep the first app layer for the disk cost; the others only for their time.
  [ "$i" = 1 ] || rm -rf "$work/packer/webapp-$i"
done
}

# packer_layer NAME INPUT_DISK RUN [-var ...]: builds one layer into $work/packer/NAME-RUN.
packer_layer() {
  local name=$1 input=$2 run=$3
  shift 3
  local out="$work/packer/$name-$run" t0
  phase "packer $name ($run)"
  t0=$(now_ms)
  (cd "$work/cwd" && packer build -color=false \
    -var "input_disk=$input" -var "output_dir=$out" \
    -var "kernel=$work/packer/vmlinuz" -var "initrd=$work/packer/initrd.img" \
    -var "ssh_key_b64=$key_b64" -var "ssh_private_key_file=$work/packer/id_ed25519" \
    -var "instance_id=packer-$name-$run-$stamp" -var "serial_log=$raw/packer-$name-$run.serial.log" \
    "$@" "$repo/bench/packer-build/$name.pkr.hcl") >"$raw/packer-$name-$run.log" 2>&1 \
    || { tail -40 "$raw/packer-$name-$run.log" >&2; echo "error: packer build of $name failed" >&2; exit 1; }
  echo "$(( $(now_ms) - t0 ))" >"$raw/packer-$name-$run.ms"
  du_kib "$out" >"$raw/packer-$name-$run.kib"
  # Packer writes the whole disk; its virtual size and allocation, as bake's images record them.
  qemu-img info --output=json "$out/$name.qcow2" >"$raw/packer-$name-$run.info.json"
}

report_phase() { :; }
for p in $phases; do "${p}_phase"; done
if [ "$phases" != report ]; then
  phase "done"
  echo "load_after=$(load)" >>"$raw/machine.env"
  printf '%s\n' "${failures[@]}" >"$raw/failures.txt"
else
  mapfile -t failures < <(grep . "$raw/failures.txt" 2>/dev/null || true)
fi

# ---- report ------------------------------------------------------------------------------------
mkdir -p "$repo/bench/out"
node - "$raw" "$repo/bench/out/build-vs-packer.json" "${failures[@]}" <<'NODE' 
const fs = require('fs');
const path = require('path');
const [raw, outFile, ...failures] = process.argv.slice(2);
const read = (f) => fs.readFileSync(path.join(raw, f), 'utf8');
const num = (f) => Number(read(f).trim());
const jsonOf = (f) => JSON.parse(read(f));
const exists = (f) => fs.existsSync(path.join(raw, f));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const machine = Object.fromEntries(read('machine.env').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const phases = read('phases.tsv').trim().split('\n').map((l) => { const [name, at, load] = l.split('\t'); return { name, at, load }; });
const runs = (prefix) => fs.readdirSync(raw).filter((f) => f.startsWith(prefix) && f.endsWith('.ms')).sort().map(num);

const images = jsonOf('bake-images.json');
const du = Object.fromEntries(read('bake-du.tsv').trim().split('\n').map((l) => l.split('\t')).map(([id, kib, diskKib]) => [id, { kib: Number(kib), diskKib: diskKib === undefined ? undefined : Number(diskKib) }]));
const cold = jsonOf('bake-cold.json');
const layerInfo = (id) => {
  const img = images.find((i) => i.id === id);
  return { id, sizeMiB: img.size / 2 ** 20, duMiB: du[id].kib / 1024, ...(du[id].diskKib === undefined ? {} : { diskDuMiB: du[id].diskKib / 1024 }), virtualGiB: img.virtualSize / 2 ** 30 };
};
const bakeLayers = cold.layers.map((l) => ({ name: l.name, ms: l.durationMs, ...layerInfo(l.id) }));
const appRuns = [];
for (let i = 1; exists(`bake-app-${i}.json`); i++) {
  const d = jsonOf(`bake-app-${i}.json`);
  const app = d.layers.find((l) => l.name === 'webapp');
  appRuns.push({ wallMs: num(`bake-app-${i}.ms`), layerMs: app.durationMs, results: Object.fromEntries(d.layers.map((l) => [l.name, l.result])), ...layerInfo(app.id) });
}
const hf = jsonOf('hyperfine-nothing.json').results[0];
const packerLayer = (name) => ({ name, ms: num(`packer-${name}-1.ms`), duMiB: num(`packer-${name}-1.kib`) / 1024 });
const packerLayers = ['os-base', 'tomcat7-fluentd', 'webapp'].map(packerLayer);
const packerApp = runs('packer-webapp-');
const checks = ['check-cold.json', 'check-app.json'].filter(exists).map((f) => { try { return jsonOf(f); } catch { return { file: f, ok: false, error: 'no result document' }; } });

const r = {
  machine, phases,
  bake: {
    coldMs: num('bake-cold.ms'), coldLayers: bakeLayers,
    nothingChangedMs: { median: hf.median * 1000, min: hf.min * 1000, max: hf.max * 1000, runs: hf.times.map((t) => t * 1000) },
    appOnly: { medianWallMs: median(appRuns.map((a) => a.wallMs)), runs: appRuns },
    imagesTotalDuMiB: num('bake-du-total.kib') / 1024,
  },
  packer: {
    bootstrapByBakeMs: num('bootstrap.ms'),
    stackMs: packerLayers.reduce((a, l) => a + l.ms, 0), layers: packerLayers,
    appLayer: { medianMs: median(packerApp), runs: packerApp },
  },
  checks, failures,
};
fs.writeFileSync(outFile, JSON.stringify(r, null, 2) + '\n');

const s = (ms) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 0);
const x = (a, b) => (a / b).toFixed(1);
const appMedian = r.bake.appOnly.medianWallMs;
const nothing = r.bake.nothingChangedMs.median;
console.log(`machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.mem_mib} MiB, load ${machine.load_before} before, ${machine.load_after} after; ${machine.date}; ${machine.qemu}; ${machine.packer}; commit ${machine.commit}`);
console.log('');
console.log('| what | bake | Packer 1.6.6 | ratio (Packer / bake) | target |');
console.log('| --- | ---: | ---: | ---: | --- |');
console.log(`| cold, all three layers (s) | ${s(r.bake.coldMs)} | ${s(r.packer.stackMs)} (+ ${s(r.packer.bootstrapByBakeMs)} bootstrap by bake) | | |`);
console.log(`| nothing changed, median of ${hf.times.length} (s) | ${s(nothing)} | – | | < 2 s: ${nothing < 2000 ? 'held' : 'MISSED'} |`);
console.log(`| app only vs Packer rebuilding the stack, median (s) | ${s(appMedian)} | ${s(r.packer.stackMs)} | ${x(r.packer.stackMs, appMedian)}x | >= 4x: ${r.packer.stackMs / appMedian >= 4 ? 'held' : 'MISSED'} |`);
console.log(`| app only vs Packer's app layer alone, median of ${packerApp.length} (s) | ${s(appMedian)} | ${s(r.packer.appLayer.medianMs)} | ${x(r.packer.appLayer.medianMs, appMedian)}x | |`);
console.log('');
const mibOrDash = (v) => (v === undefined ? '–' : v.toFixed(1));
console.log('| layer | bake time (s) | bake size (MiB) | bake du (MiB) | bake disk du (MiB) | Packer time (s) | Packer du (MiB) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const l of bakeLayers) {
  const p = packerLayers.find((q) => q.name === l.name);
  console.log(`| ${l.name} | ${s(l.ms)} | ${l.sizeMiB.toFixed(1)} | ${l.duMiB.toFixed(1)} | ${mibOrDash(l.diskDuMiB)} | ${s(p.ms)} | ${p.duMiB.toFixed(1)} |`);
}
const a = appRuns.at(-1);
console.log(`| webapp, app-only rebuild | ${s(a.layerMs)} | ${a.sizeMiB.toFixed(1)} | ${a.duMiB.toFixed(1)} | ${mibOrDash(a.diskDuMiB)} | ${s(packerApp.at(-1))} | |`);
console.log(`| all bake images (du of the store, hard links once) | | | ${r.bake.imagesTotalDuMiB.toFixed(1)} | | | |`);
console.log('');
for (const c of checks) console.log(`check-webapp ${c.image ?? c.file} (${c.version ?? '?'}): ${c.ok ? 'passed' : 'FAILED'}: ${(c.checks ?? []).map((k) => `${k.ok ? 'ok' : 'FAIL'} ${k.name}`).join('; ')}`);
for (const f of failures) console.log(`FAILED: ${f}`);
NODE
[ "${#failures[@]}" -eq 0 ] || exit 1
