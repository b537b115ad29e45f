#!/usr/bin/env bash
# Runs the test suite: setup, a Release build of the solution, then the tests with a TRX report.
#   scripts/test.sh           every test (what CI runs, through .ci/run)
#   scripts/test.sh --quick   the in-process tests only (no Verilator, Icarus, Yosys, C compiler or CLI process; ~1 min):
#                             TestCategory!=Tools, with the tools' override variables pointing at nothing, so a test
#                             that starts one without the category fails instead of running
#   scripts/test.sh --tools   the tool-backed tests at tiny size: TestCategory=Tools but not Large (paper-sized builds)
# Other arguments go to `dotnet test`, e.g. scripts/test.sh --quick --filter "FullyQualifiedName~Scoreboard" (a --filter
# is combined with the tier's).
# Simulator builds and lint results are cached in $ATTNLEGO_CACHE, else the CLI's default ($XDG_CACHE_HOME/attnlego or
# ~/.cache/attnlego), shared by every clone and safe under concurrent runs; a second run rebuilds only what changed.
# The last line printed is always "N passed, N failed" (counted from the TRX reports); the exit code is
# non-zero when the build failed, any test failed, or no test ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# CI (CI=true) is passed through untouched: tests that need Verilator fail rather than skip under it.
if [ -n "${CI+set}" ]; then export CI; fi

# Any failure before the tests ran still ends with a counts line, so CI sees a failure, not "no tests".
abort() {
  echo "error: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

tier=all
user_filter=""
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) tier=quick ;;
    --tools) tier=tools ;;
    --filter)
      [ $# -ge 2 ] || abort "--filter needs an expression."
      user_filter="$2"
      shift
      ;;
    --filter=*) user_filter="${1#--filter=}" ;;
    *) pass+=("$1") ;;
  esac
  shift
done

case "$tier" in
  quick)
    tier_filter="TestCategory!=Tools"
    ;;
  tools) tier_filter="TestCategory=Tools&TestCategory!=Large" ;;
  *) tier_filter="" ;;
esac
filter="$tier_filter"
if [ -n "$user_filter" ]; then
  filter="${filter:+($filter)&}($user_filter)"
fi
if [ -n "$filter" ]; then
  pass+=(--filter "$filter")
fi

scripts/setup.sh || abort "scripts/setup.sh failed (see above)."

echo "test: dotnet build -c Release"
dotnet build AttentionLego.Gen.sln -c Release --nologo -v quiet -clp:Summary || abort "the build failed (see above)."

if [ "$tier" = quick ]; then
  # After setup (which checks the tools): a command run in-process that would start a tool finds none, so a test that
  # starts one without the Tools category fails instead of running it.
  nowhere=/nonexistent/attnlego-test-quick-starts-no-tool
  export ATTNLEGO_VERILATOR="$nowhere" ATTNLEGO_IVERILOG="$nowhere" ATTNLEGO_YOSYS="$nowhere" ATTNLEGO_FST2VCD="$nowhere"
fi

# One folder per run, so concurrent runs never read each other's reports; only the newest few are kept.
results_root="$root/build/test-results"
results="$results_root/$(date -u +%Y%m%d-%H%M%S)-$$"
mkdir -p "$results"
ls -1d "$results_root"/*/ 2>/dev/null | sort | head -n -5 | xargs -r rm -rf

echo "test: dotnet test, tier $tier${filter:+ (--filter \"$filter\")}, cache ${ATTNLEGO_CACHE:-the default (~/.cache/attnlego)} (TRX reports in ${results#"$root"/})"
test_rc=0
dotnet test AttentionLego.Gen.sln -c Release --no-build --nologo --logger trx --results-directory "$results" ${pass[@]+"${pass[@]}"} ||
  test_rc=$?

passed=0
failed=0
skipped=0
reports=0
while IFS= read -r -d '' trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  if [ -z "$counters" ]; then
    echo "warning: $trx has no <Counters> element." >&2
    continue
  fi
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  t="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  # Ignored (NUnit Assert.Ignore), inconclusive, aborted and not-run tests: counted in total only.
  skipped=$((skipped + ${t:-0} - ${p:-0} - ${f:-0}))
  reports=$((reports + 1))
done < <(find "$results" -name '*.trx' -type f -print0)

status=0
if [ "$test_rc" -ne 0 ]; then
  [ "$failed" -gt 0 ] || echo "error: dotnet test exited with $test_rc, but the TRX reports count no failed test." >&2
  status=1
fi
if [ "$reports" -eq 0 ]; then
  echo "error: dotnet test wrote no TRX report." >&2
  status=1
elif [ $((passed + failed)) -eq 0 ]; then
  echo "error: no test ran." >&2
  status=1
fi
if [ "$failed" -gt 0 ]; then
  status=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "test: $skipped test(s) neither passed nor failed (ignored, inconclusive or not run; see the TRX reports)"
fi

echo "$passed passed, $failed failed"
exit "$status"
