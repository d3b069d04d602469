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

# code-server's postinstall installs VS Code's own dependencies (native node-pty,
# kerberos, ripgrep…) into lib/vscode. npm 11 runs dependency install scripts
# that package.json's allowScripts does not cover with only a warning, but a
# machine whose npm blocks them (strict-allow-scripts, or a later default)
# would leave code-server unpacked yet broken. Check the postinstall's results
# and, if missing, run it ourselves: it only installs code-server's vendored
# VS Code, so allowing all of *its* scripts there is the intended setup.
CS_DIR="${TC_CODE_SERVER_DIR:-.vscode-test/code-server/node_modules/code-server}"
code_server_complete() {
  [ -e "$CS_DIR/lib/vscode/node_modules.asar" ] &&
    [ -f "$CS_DIR/lib/vscode/node_modules/node-pty/build/Release/pty.node" ] &&
    [ -x "$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]
}
if ! code_server_complete; then
  echo "code-server's postinstall did not run (install scripts blocked?); running it now"
  (
    cd "$CS_DIR"
    export npm_config_unsafe_perm=true npm_config_yes=true npm_config_dangerously_allow_all_scripts=true
    export npm_config_user_agent="npm/$(npm -v) node/$(node -v) $(uname | tr '[:upper:]' '[:lower:]') x64"
    sh ./postinstall.sh
  )
  code_server_complete || { echo "code-server in $CS_DIR is still incomplete" >&2; exit 1; }
fi
