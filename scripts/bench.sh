#!/usr/bin/env bash
# Issue 7's benchmarks, side by side in one run: rendering, Verilator builds cold and warm, simulation throughput,
# Verilator against Icarus, the golden model against RTL simulation, cycles per token against the ideal bound.
# Prints a table with every target, its measured value and PASS/FAIL, and writes docs/BENCHMARKS.md (atomically).
#   scripts/bench.sh                  # medians of 5 runs (3 for cold builds, the paper head's minute-long simulation and Icarus)
#   scripts/bench.sh --runs 3         # fewer runs; --paper-runs N, --icarus-runs N, --build-runs N (cold builds) set those on their own
#   scripts/bench.sh --quick          # smoke mode: 1 run, no paper head; writes build/bench/BENCHMARKS-quick.md
#   scripts/bench.sh --out FILE       # write the Markdown elsewhere; --note TEXT adds a "conditions" line
# Exit 0 when every measurement was taken, even if a target was missed (it measures, it does not test);
# 1 when a measurement could not be taken (nothing is written then); 2 on a bad argument.
# Caches: build/bench-cache/ (cold builds in fresh empty folders, one warm folder, the paper head's build kept).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

extra=()
quick=0
has_out=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --out) has_out=1 ;;
  esac
done
# A smoke run must not overwrite the committed figures.
if [ "$quick" -eq 1 ] && [ "$has_out" -eq 0 ]; then
  extra+=(--out build/bench/BENCHMARKS-quick.md)
fi

scripts/setup.sh || { echo "error: scripts/setup.sh failed (see above); no measurement taken." >&2; exit 1; }

mkdir -p build/bench
echo "bench: dotnet build -c Release (bench/AttentionLego.Bench)"
if ! dotnet build bench/AttentionLego.Bench/AttentionLego.Bench.csproj -c Release -o build/bench/bin --nologo -v quiet -clp:ErrorsOnly \
     >build/bench-build.log 2>&1; then
  cat build/bench-build.log >&2
  echo "error: building the bench failed (log above); no measurement taken." >&2
  exit 1
fi

# The bench times the CLI that scripts/attnlego builds; build it now so its build is not timed.
scripts/attnlego presets >/dev/null

# The command to reproduce, quoted for the shell; --note describes this run's conditions, not how to reproduce it.
command="scripts/bench.sh"
skip=0
for arg in "$@"; do
  if [ "$skip" -eq 1 ]; then skip=0; continue; fi
  if [ "$arg" = "--note" ]; then skip=1; continue; fi
  command+=" $(printf '%q' "$arg")"
done

exec dotnet build/bench/bin/attnlego-bench.dll --root "$root" --command "$command" "${extra[@]}" "$@"
