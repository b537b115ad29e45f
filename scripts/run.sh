#!/usr/bin/env bash
# The main job: generate the default preset's RTL into rtl-out/tiny, lint it with verilator -Wall,
# co-simulate every module (3 to 5 seeds each) against the golden model, then the complete head end to end:
# weights loaded through its DMA, 8 tokens decoded through its registers, every stage bit-exact and on time;
# and a small multi-head layer (tiny-mha4: four tiny heads sharing the memory port, and W_O) the same way; then a
# report of the tiny preset (report.md with its plots and Yosys statistics), the head with a random PIM fault map,
# the head under Icarus Verilog, and a deliberate failure that must
# leave RTL waves, golden waves and a GTKWave save file, and wave diff naming it.
# Prints a short summary at the end; exits non-zero if any step failed. Works from any current directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if [ -z "${ATTNLEGO_VERILATOR:-}" ] && ! command -v verilator >/dev/null 2>&1; then
  echo "run: verilator is missing; running scripts/setup.sh first"
  scripts/setup.sh
fi

logs="$root/build/run"
mkdir -p "$logs"
summary=()
status=0

# step NAME CMD...: runs CMD with its output shown and kept in build/run/NAME.log; sets rc.
step() {
  local name="$1"
  shift
  echo
  echo "run: $*"
  rc=0
  "$@" 2>&1 | tee "$logs/$name.log" || rc=$?
  [ "$rc" -eq 0 ] || status=1
}

# The last line of a step's log that matches a pattern (empty if none).
last_match() { grep -E "$2" "$logs/$1.log" | tail -n 1 || true; }
first_match() { grep -E "$2" "$logs/$1.log" | head -n 1 || true; }

step generate scripts/attnlego generate --preset tiny --out rtl-out/tiny --force
if [ "$rc" -eq 0 ]; then
  summary+=("generate      ok    $(last_match generate '^wrote ')")
else
  summary+=("generate      FAIL  exit $rc: $(tail -n 1 "$logs/generate.log")")
fi

step lint scripts/attnlego lint --preset tiny
if [ "$rc" -eq 0 ]; then
  summary+=("lint          ok    every module clean: $(last_match lint '^[0-9]+ passed, [0-9]+ failed')")
else
  summary+=("lint          FAIL  exit $rc: $(first_match lint '^[0-9]+ passed, [0-9]+ failed|^error')")
fi

for target in "pim_matrix 5" "pim_macro 3" "requant 3" "qkv 3" "score 3" "softmax 3" "context 3"; do
  read -r module seeds <<<"$target"
  step "cosim-$module" scripts/attnlego cosim --preset tiny --module "$module" --seeds "$seeds"
  counts="$(last_match "cosim-$module" '^[0-9]+ passed, [0-9]+ failed')"
  if [ "$rc" -eq 0 ]; then
    summary+=("$(printf '%-13s' "$module") ok    bit-exact and on time: ${counts%%;*}")
  else
    first="$(first_match "cosim-$module" 'FAIL|^error' | sed 's/^ *//')"
    if [ -n "$counts" ]; then
      summary+=("$(printf '%-13s' "$module") FAIL  NOT bit-exact: ${counts%%;*}; first: ${first}")
    else
      summary+=("$(printf '%-13s' "$module") FAIL  did not run (exit $rc): ${first:-see the log}")
    fi
  fi
done

step cosim-top scripts/attnlego cosim --preset tiny --module top --tokens 8 --seeds 2
counts="$(last_match cosim-top '^[0-9]+ passed, [0-9]+ failed')"
if [ "$rc" -eq 0 ]; then
  summary+=("head          ok    bit-exact and cycle-exact end to end, 8 tokens: ${counts%%;*}")
  summary+=("              $(last_match cosim-top '^  performance' | sed 's/^ *//')")
  summary+=("              $(last_match cosim-top '^  accuracy:' | sed 's/^ *//')")
else
  first="$(first_match cosim-top 'FAIL|^error' | sed 's/^ *//')"
  summary+=("head          FAIL  NOT bit-exact end to end: ${counts:-did not run (exit $rc)}; first: ${first:-see the log}")
fi

step cosim-array scripts/attnlego cosim --preset tiny-mha4 --module array --tokens 8 --seeds 2
counts="$(last_match cosim-array '^[0-9]+ passed, [0-9]+ failed')"
if [ "$rc" -eq 0 ]; then
  summary+=("array         ok    4 heads + W_O (tiny-mha4) bit-exact and cycle-exact end to end, 8 tokens: ${counts%%;*}")
  summary+=("              $(last_match cosim-array '^  performance' | sed 's/^ *//')")
else
  first="$(first_match cosim-array 'FAIL|^error' | sed 's/^ *//')"
  summary+=("array         FAIL  NOT bit-exact end to end: ${counts:-did not run (exit $rc)}; first: ${first:-see the log}")
fi

step report scripts/attnlego report --preset tiny --out build/run/report --force
if [ "$rc" -eq 0 ]; then
  summary+=("report        ok    build/run/report/report.md with cycles.png and error-histogram.png")
  summary+=("              $(last_match report '^tiny \(config' | sed 's/^tiny (config [0-9a-f]*): //')")
else
  summary+=("report        FAIL  exit $rc: $(first_match report '^error' | sed 's/^ *//')")
fi

# PIM faults (docs/NUMERICS.md, section 15): a random fault map (stuck bits and dead ADC columns at rate 1e-3) drawn
# into a configuration file, and the faulty head co-simulated against the faulty golden model: still bit-exact.
faults_config="$logs/faults-tiny.json"
rc=0
scripts/attnlego faults draw --preset tiny --kind both --rate 1e-3 --seed 1 >"$faults_config" 2>"$logs/faults-draw.log" || rc=$?
if [ "$rc" -eq 0 ]; then
  step faults scripts/attnlego cosim --config "$faults_config" --module top --tokens 8
fi
if [ "$rc" -eq 0 ]; then
  summary+=("faults        ok    $(sed 's/^faults: //; s/ drawn at.*//' "$logs/faults-draw.log") (rate 1e-3): the faulty head is bit-exact against the faulty golden model")
  summary+=("              $(last_match faults '^  accuracy:' | sed 's/^ *//')")
else
  status=1
  summary+=("faults        FAIL  exit $rc: $(cat "$logs/faults-draw.log" "$logs/faults.log" 2>/dev/null | grep -E 'FAIL|^error' | head -n 1)")
fi

# The second simulator: the same head bench under Icarus Verilog (docs/CLI.md, "Icarus").
step icarus scripts/attnlego cosim --preset tiny --module top --tokens 2 --simulator icarus
if [ "$rc" -eq 0 ]; then
  summary+=("icarus        ok    the head under Icarus Verilog: $(last_match icarus '^[0-9]+ passed, [0-9]+ failed' | sed 's/;.*//')")
else
  summary+=("icarus        FAIL  exit $rc: $(first_match icarus 'FAIL|^error' | sed 's/^ *//')")
fi

# A deliberate failure (docs/CLI.md, "Waves"): the golden model's expected output of one token is corrupted by a bit,
# so the run must fail there and leave the RTL's waves, the golden waves and a GTKWave save file; wave diff on them
# must name the head's output port at the reported cycle. Both commands exit 1 when they work; the checks decide.
status_before_waves=$status
waves_dir="$root/build/run/waves"
rm -rf "$waves_dir"
step waves-fault scripts/attnlego cosim --preset tiny --module top --tokens 4 --inject-fault o --work-dir "$waves_dir"
fault_rc=$rc
seed_dir="$(find "$waves_dir" -maxdepth 2 -type d -name seed-1 2>/dev/null | head -n 1)"
waves_ok=0
if [ "$fault_rc" -eq 1 ] && [ -f "$seed_dir/rtl.vcd" ] && [ -f "$seed_dir/golden.vcd" ] && [ -f "$seed_dir/waves.gtkw" ]; then
  step waves-diff scripts/attnlego wave diff "$seed_dir/golden.vcd" "$seed_dir/rtl.vcd" --x-wildcard
  mismatch_cycle="$(first_match waves-fault 'FAIL' | sed -n 's/.* at cycle \([0-9]*\) .*/\1/p')"
  divergence="$(head -n 1 "$logs/waves-diff.log")"
  if [ "$rc" -eq 1 ] && [ -n "$mismatch_cycle" ] && grep -q "o_data_o" <<<"$divergence" && grep -q "cycle $mismatch_cycle " <<<"$divergence"; then
    waves_ok=1
    summary+=("waves         ok    an injected fault (--inject-fault o) fails at cycle $mismatch_cycle and leaves rtl.vcd, golden.vcd, overlay.vcd and waves.gtkw in ${seed_dir#"$root"/}")
    summary+=("              wave diff: ${divergence%%: A=*}")
  else
    summary+=("waves         FAIL  wave diff did not name o_data_o at cycle ${mismatch_cycle:-?}: ${divergence:-no output}")
  fi
else
  summary+=("waves         FAIL  the injected fault did not leave its waves (cosim exit $fault_rc; see build/run/waves-fault.log)")
fi
status=$status_before_waves
[ "$waves_ok" -eq 1 ] || status=1

echo
echo "summary (logs in ${logs#"$root"/}):"
for line in "${summary[@]}"; do
  echo "  $line"
done
if [ "$status" -ne 0 ]; then
  echo "run: FAILED"
else
  echo "run: all steps passed"
fi
exit "$status"
