#!/usr/bin/env bash
# How well `packer validate` (Packer 1.6.6 from Debian) and `bake validate` report 20 typical
# template errors: for each case in test/template/bad-input/packer-comparison/, whether the tool
# failed at all, whether one of its errors points at the defect's file and line, and whether it
# offered the did-you-mean the case expects, and how many errors it printed (more than one means
# echoes of the defect). Prints a markdown table.
#
# Each case is one file whose first line says what it tests:
#   # defect: DESCRIPTION; line N[,M...]; suggest "NAME"
# (the lines where an error counts as located, and the suggestion a good message makes, if any).
# Packer's qemu builder and bake's qemu source need different fields, so a case holds no source
# block: it is validated as a directory template together with base/packer.pkr.hcl or
# base/bake.pkr.hcl, which declare the same source.qemu.base for each tool. Line numbers in the
# case file are unaffected.
#
# Needs: apt-get install -y packer; npm ci.
# Run:   bash bench/diagnostics-vs-packer.sh [--details]   (--details also prints each output on stderr)
#        PACKER_RUNS=N (default 10): runs of packer per case that expects a suggestion.
set -euo pipefail
cd "$(dirname "$0")/.."

details=false
[[ "${1:-}" == --details ]] && details=true
# How often to run packer on a case that expects a suggestion (see below).
packer_runs="${PACKER_RUNS:-10}"
cases_dir=test/template/bad-input/packer-comparison
bake="$PWD/bin/bake"
packer="${PACKER:-packer}"
command -v "$packer" >/dev/null || { echo "error: $packer is not installed (apt-get install -y packer)" >&2; exit 1; }
# Packer's update check calls checkpoint-api.hashicorp.com on every run; keep the network out of it.
export CHECKPOINT_DISABLE=1
# Plain output from bake whatever the terminal.
export NO_COLOR=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Lines (one per error) at which the output locates an error in file $2: "packer" prints
#   Error: SUMMARY / (blank) /   on DIR/FILE line N, in ...:
# and bake prints
#   DIR/FILE:N:C: error: SUMMARY
located_lines() {
  local tool="$1" file="$2" out="$3"
  if [[ "$tool" == packer ]]; then
    awk -v f="$file" '
      /^Error: /   { inerr = 1; next }
      /^Warning: / { inerr = 0; next }
      inerr && $1 == "on" && $3 == "line" {
        n = split($2, parts, "/")
        if (parts[n] == f) { sub(/[,:].*/, "", $4); print $4 }
        next
      }
      # Errors from a provisioner'"'"'s own decoder carry the position in the text: FILE:N,C-C: ...
      inerr {
        for (i = 1; i <= NF; i++) {
          if (match($i, /:[0-9]+,[0-9]+(-[0-9]+)?:?$/)) {
            path = substr($i, 1, RSTART - 1)
            n = split(path, parts, "/")
            if (parts[n] == f) { line = substr($i, RSTART + 1); sub(/,.*/, "", line); print line }
          }
        }
      }' "$out"
  else
    awk -v f="$file" '
      match($0, /^[^ ]*:[0-9]+:[0-9]+: error: /) {
        loc = substr($0, 1, RLENGTH)
        n = split(loc, parts, ":")
        m = split(parts[1], path, "/")
        if (path[m] == f) print parts[2]
      }' "$out"
  fi
}

# Whether output $2 suggests "$1": yes, no, or no with the name it suggested instead.
suggested() {
  local want="$1" out="$2" other
  if grep -qiF "did you mean \"$want\"" "$out"; then
    echo yes
  elif other="$(grep -oiE 'did you mean "[^"]*"' "$out" | head -n 1 | sed 's/.*"\(.*\)"/\1/')" && [[ -n "$other" ]]; then
    echo "no (suggests \"$other\")"
  else
    echo no
  fi
}

declare -A total=([packer_err]=0 [packer_loc]=0 [packer_dym]=0 [packer_count]=0 [bake_err]=0 [bake_loc]=0 [bake_dym]=0 [bake_count]=0)
suggest_cases=0
rows=()
for case in "$cases_dir"/[0-9]*.pkr.hcl; do
  name="$(basename "$case")"
  header="$(head -n 1 "$case")"
  desc="$(sed -n '1s/^# defect: \([^;]*\);.*/\1/p' "$case")"
  lines="$(sed -n '1s/.*; line \([0-9,]*\).*/\1/p' "$case")"
  suggestion="$(sed -n '1s/.*; suggest "\([^"]*\)".*/\1/p' "$case")"
  [[ -n "$desc" && -n "$lines" ]] || { echo "error: $case: bad header: $header" >&2; exit 1; }
  [[ -n "$suggestion" ]] && suggest_cases=$((suggest_cases + 1))

  row="| ${name%.pkr.hcl} | $desc |"
  for tool in packer bake; do
    dir="$work/$tool/${name%.pkr.hcl}"
    mkdir -p "$dir"
    cp "$case" "$dir/$name"
    cp "$cases_dir/base/$tool.pkr.hcl" "$dir/base.pkr.hcl"
    out="$work/$tool-${name%.pkr.hcl}.txt"
    set +e
    if [[ "$tool" == packer ]]; then
      (cd "$work/$tool" && "$packer" validate "${name%.pkr.hcl}") >"$out" 2>&1
    else
      (cd "$work/$tool" && "$bake" validate "${name%.pkr.hcl}") >"$out" 2>&1
    fi
    code=$?
    set -e

    failed=$([[ $code -ne 0 ]] && echo yes || echo no)
    located=no
    for l in $(located_lines "$tool" "$name" "$out"); do
      [[ ",$lines," == *",$l,"* ]] && located=yes
    done
    dym='–'
    if [[ -n "$suggestion" ]]; then
      dym="$(suggested "$suggestion" "$out")"
      # Packer picks among equally close names in Go's random map order, so its suggestion can
      # change from run to run: run it again and say how often it was right.
      if [[ "$tool" == packer ]]; then
        right=0
        [[ $dym == yes ]] && right=1
        for ((run = 2; run <= packer_runs; run++)); do
          (cd "$work/$tool" && "$packer" validate "${name%.pkr.hcl}") >"$out.again" 2>&1 || true
          [[ "$(suggested "$suggestion" "$out.again")" == yes ]] && right=$((right + 1))
        done
        if ((right == packer_runs)); then dym=yes
        elif ((right > 0)); then dym="in $right of $packer_runs runs"
        fi
      fi
    fi
    [[ $failed == yes ]] && total[${tool}_err]=$((total[${tool}_err] + 1))
    [[ $located == yes ]] && total[${tool}_loc]=$((total[${tool}_loc] + 1))
    [[ $dym == yes ]] && total[${tool}_dym]=$((total[${tool}_dym] + 1))
    if [[ "$tool" == packer ]]; then
      count=$(grep -c '^Error: ' "$out" || true)
    else
      count=$(grep -cE '^([^ ]*: )?error: ' "$out" || true)
    fi
    total[${tool}_count]=$((total[${tool}_count] + count))
    row+=" $failed | $located | $dym | $count |"

    if $details; then
      echo "### $tool: $name (exit $code; expected line $lines${suggestion:+, suggest $suggestion})" >&2
      sed 's/^/    /' "$out" >&2
    fi
  done
  rows+=("$row")
done

n=${#rows[@]}
echo "Diagnostics for $n typical template errors: \`packer validate\` ($("$packer" version | head -n 1)) vs \`bake validate\`."
echo "\"error\": the tool failed; \"file:line\": one of its errors points at the defect's line; \"did-you-mean\": it suggested the intended name (– where no suggestion applies; a wrong suggestion counts as no; packer ran $packer_runs times on each of those cases); \"errors\": how many errors it printed for the one defect."
echo
echo "| case | defect | packer: error | packer: file:line | packer: did-you-mean | packer: errors | bake: error | bake: file:line | bake: did-you-mean | bake: errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "| **total** | | ${total[packer_err]}/$n | ${total[packer_loc]}/$n | ${total[packer_dym]}/$suggest_cases | ${total[packer_count]} | ${total[bake_err]}/$n | ${total[bake_loc]}/$n | ${total[bake_dym]}/$suggest_cases | ${total[bake_count]} |"
