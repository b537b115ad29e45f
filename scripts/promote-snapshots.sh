#!/usr/bin/env bash
# Accepts reviewed snapshot changes: moves every <name>.received.v over its <name>.v snapshot.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
found=0
while IFS= read -r -d '' received; do
  target="${received%.received.v}.v"
  mv "$received" "$target"
  echo "promoted ${target#"$root"/}"
  found=1
done < <(find "$root/tests" -name '*.received.v' -print0)
[ "$found" = 1 ] || echo "no .received.v files: the snapshots are up to date"
