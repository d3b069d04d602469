#!/usr/bin/env bash
# Makes sure the machine has what the tests and the demo need outside npm:
# Debian packages chromium (browser for Playwright), ripgrep (VS Code search,
# and the offline code-server install), libkrb5-dev (code-server's native
# `kerberos` module) and git; then installs code-server into
# .vscode-test/code-server (scripts/install-code-server.sh).
#
# As root, missing packages are installed with apt-get; otherwise the exact
# command is printed and the script exits 1. Idempotent; a no-op when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(chromium ripgrep libkrb5-dev git)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]} (and no apt-get here). Install them with your package manager." >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
  else
    echo "Missing system packages: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

bash scripts/install-code-server.sh
