#!/usr/bin/env bash
# Whole-process timing of `bake validate` with hyperfine, side by side with `packer validate`
# (Packer 1.6.6 from Debian) on equivalent templates, in the same hyperfine runs:
#   shipped   templates/*.hcl (one bake process) vs their Packer twins (one packer process each,
#             as packer validate takes one template), and webapp.hcl alone vs its twin;
#   1000      the generated 1,000-line template vs its Packer twin;
#   floor     start-up floors: node doing nothing, `bake version`, `packer version`;
#   cold      `bake validate templates/*.hcl` right after touching src/cli/main.ts, so bin/bake
#             bundles src/ again first (what the first run after an edit or checkout costs).
# The issue's target: CLI start-to-exit for validate under 400 ms.
#
# Needs: apt-get install -y hyperfine packer; npm ci.
# Run:   bash bench/cli.sh [RUNS]      (RUNS per command, default 30; cold uses 5)
# Output: tables on stdout; hyperfine JSON in bench/out/cli-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-30}"
cold_runs=5
out=bench/out
for tool in hyperfine packer node; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (apt-get install -y hyperfine packer)" >&2; exit 1; }
done
# Packer's update check calls checkpoint-api.hashicorp.com on every run; keep the network out of it.
export CHECKPOINT_DISABLE=1

node --import tsx/esm bench/template-generate.ts
bake_1000="$out/bake/template-1000.pkr.hcl"
packer_1000="$out/packer/template-1000.pkr.hcl"
shipped=(templates/*.hcl)
twins=("$out"/packer-shipped/templates/*.pkr.hcl)
webapp_twin="$out/packer-shipped/templates/webapp.pkr.hcl"

# Everything must validate cleanly, else we would time the error path. This also warms the
# bundle cache of bin/bake.
./bin/bake validate "${shipped[@]}" "$bake_1000" >/dev/null
packer validate "$packer_1000" >/dev/null
for t in "${twins[@]}"; do packer validate "$t" >/dev/null; done

twins_cmd="sh -c 'for t in ${twins[*]}; do packer validate \$t || exit 1; done'"
bundle_pointer() { cat node_modules/.cache/bake/current.json 2>/dev/null || true; }

# hyperfine -N runs commands without a shell, so shell start-up is not in the bake numbers.
warm() {
  local name="$1"
  shift
  local before
  before="$(bundle_pointer)"
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/cli-$name.json" "$@"
  if [[ "$(bundle_pointer)" != "$before" ]]; then
    echo "warning: src/ changed during the '$name' run, so bin/bake rebundled in the middle of it; rerun for clean warm numbers" >&2
  fi
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

warm shipped \
  -n "bake: validate templates/*.hcl (${#shipped[@]} files)" "./bin/bake validate ${shipped[*]}" \
  -n "packer: validate templates/*.hcl (${#twins[@]} files)" "$twins_cmd" \
  -n "bake: validate webapp.hcl" "./bin/bake validate templates/webapp.hcl" \
  -n "packer: validate webapp.hcl" "packer validate $webapp_twin"

warm 1000 \
  -n "bake: validate 1,000-line template" "./bin/bake validate $bake_1000" \
  -n "packer: validate 1,000-line template" "packer validate $packer_1000"

warm floor \
  -n "node -e 0 (Node start-up)" "node -e 0" \
  -n "bake: version" "./bin/bake version" \
  -n "packer: version" "packer version"

# Touching changes only the mtime, which is part of bin/bake's cache signature.
hyperfine -N --runs "$cold_runs" --prepare "touch src/cli/main.ts" --export-json "$out/cli-cold.json" \
  -n "bake: validate templates/*.hcl, cold (rebundle)" "./bin/bake validate ${shipped[*]}"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
node --import tsx/esm bench/hyperfine-summary.ts "$out"/cli-shipped.json "$out"/cli-1000.json "$out"/cli-floor.json "$out"/cli-cold.json
