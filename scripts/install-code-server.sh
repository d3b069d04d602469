#!/usr/bin/env bash
# Installs code-server (VS Code's workbench + Node extension host, from npm) into
# .vscode-test/code-server, fully offline apart from the npm registry.
# Recipe: ../shared/notes/real-vscode-testing.md. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
DEST=".vscode-test/code-server"
ENTRY="$DEST/node_modules/code-server/out/node/entry.js"
if [ -f "$ENTRY" ] && [ -f "$DEST/.installed-$VERSION" ]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi
command -v rg >/dev/null || { echo "ripgrep (rg) is missing: apt-get install -y ripgrep" >&2; exit 1; }
# @vscode/ripgrep downloads rg from GitHub unless its cache already holds the archive.
TMP="${TMPDIR:-/tmp}"
CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
mkdir -p "$CACHE"
ARCHIVE="$CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$ARCHIVE" ]; then
  STAGE="$(mktemp -d)"
  cp "$(command -v rg)" "$STAGE/rg"
  tar -C "$STAGE" -czf "$ARCHIVE" rg
  rm -rf "$STAGE"
fi
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{"name":"code-server-cache","private":true}' > "$DEST/package.json"
export npm_config_unsafe_perm=true npm_config_yes=true
( cd "$DEST" && npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION" )
touch "$DEST/.installed-$VERSION"
echo "code-server $VERSION installed in $DEST"
