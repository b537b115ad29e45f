#!/usr/bin/env bash
# Runs the whole test suite: setup, a Release build of the solution, then every test with a TRX report.
# Extra arguments go to `dotnet test`, e.g. scripts/test.sh --filter "FullyQualifiedName~Scoreboard".
# The last line printed is always "N passed, N failed" (counted from the TRX reports); the exit code is
# non-zero when the build failed, any test failed, or no test ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# CI (CI=true) is passed through untouched: tests that need Verilator fail rather than skip under it.
if [ -n "${CI+set}" ]; then export CI; fi
# Keep the tests' Verilator build cache inside the clone unless the caller chose one.
export ATTNLEGO_CACHE="${ATTNLEGO_CACHE:-$root/build/cache}"

# Any failure before the tests ran still ends with a counts line, so CI sees a failure, not "no tests".
abort() {
  echo "error: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

scripts/setup.sh || abort "scripts/setup.sh failed (see above)."

echo "test: dotnet build -c Release"
dotnet build AttentionLego.Gen.sln -c Release --nologo -v quiet -clp:Summary || abort "the build failed (see above)."

# One folder per run, so concurrent runs never read each other's reports; only the newest few are kept.
results_root="$root/build/test-results"
results="$results_root/$(date -u +%Y%m%d-%H%M%S)-$$"
mkdir -p "$results"
ls -1d "$results_root"/*/ 2>/dev/null | sort | head -n -5 | xargs -r rm -rf

echo "test: dotnet test (TRX reports in ${results#"$root"/})"
test_rc=0
dotnet test AttentionLego.Gen.sln -c Release --no-build --nologo --logger trx --results-directory "$results" "$@" ||
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
