#!/usr/bin/env bash
# Installs what building, linting and co-simulating need, and nothing that is already there:
#   - Verilator 5, Icarus Verilog and Yosys from Debian's packages (verilator, iverilog, yosys), and the g++ and make
#     that Verilator builds its simulators with;
#   - the NuGet packages of the solution (dotnet restore).
# Safe to run again and again; works from any current directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# Debian package names; each installs an executable of the same name.
packages=(verilator iverilog yosys g++ make)

missing=()
for pkg in "${packages[@]}"; do
  command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]} (Debian packages)"
  if [ "$(id -u)" -eq 0 ]; then
    as_root() { "$@"; }
  elif command -v sudo >/dev/null 2>&1; then
    as_root() { sudo "$@"; }
  else
    echo "error: ${missing[*]} missing, and this script is neither root nor able to use sudo." >&2
    echo "Fix: as root, run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  for pkg in "${missing[@]}"; do
    if ! command -v "$pkg" >/dev/null 2>&1; then
      echo "error: apt-get installed $pkg, but no $pkg executable is on PATH ($PATH)." >&2
      exit 1
    fi
  done
fi

# Verilator 5 is required (Debian bookworm ships 5.006). ATTNLEGO_VERILATOR, when set, is the one attnlego uses.
verilator="${ATTNLEGO_VERILATOR:-verilator}"
verilator_line="$("$verilator" --version 2>/dev/null | head -n 1 || true)"
verilator_major="$(sed -n 's/^Verilator \([0-9][0-9]*\)\..*/\1/p' <<<"$verilator_line")"
if [ -z "$verilator_major" ] || [ "$verilator_major" -lt 5 ]; then
  echo "error: attnlego needs Verilator 5 or newer; $verilator --version printed \"$verilator_line\"." >&2
  echo "Fix: install Debian bookworm's (or newer) verilator package, or set ATTNLEGO_VERILATOR to a Verilator 5 executable." >&2
  exit 1
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (dotnet) is not on PATH; AttentionLego.Gen needs the .NET 10 SDK." >&2
  echo "Fix: install the .NET 10 SDK (it is not a Debian package), put dotnet on PATH, and run scripts/setup.sh again." >&2
  exit 1
fi

dotnet restore AttentionLego.Gen.sln --nologo -v quiet

echo "setup: tools"
echo "  dotnet    $(dotnet --version)"
echo "  verilator $verilator_line"
echo "  iverilog  $(iverilog -V 2>&1 | head -n 1 || true)"
echo "  yosys     $(yosys -V 2>&1 | head -n 1 || true)"
echo "  g++       $(g++ --version 2>&1 | head -n 1 || true)"
echo "  make      $(make --version 2>&1 | head -n 1 || true)"
