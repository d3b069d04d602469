#!/usr/bin/env bash
# Builds a real, released Telegraf from the Go module proxy with the ordinary
# `go` commands, pinned to a release, with Telegraf's custom-build tags so that
# only the plugins our tests and fixtures use are compiled in.
#
#   bash scripts/build-telegraf.sh            # the pinned current release (TELEGRAF_VERSION)
#   bash scripts/build-telegraf.sh v1.38.3    # another release (the last INFLUX_TOKEN line)
#
# Result: .telegraf/<version>/telegraf (git-ignored), reused when present and
# built with the same plugin list (TELEGRAF_REBUILD=1 forces a build).
# Prints the binary's path on its last line. Never downloads a prebuilt binary.
# Telegraf v1.40 declares `go 1.27.0`; when the machine's Go is older, the go
# command fetches that toolchain from the module proxy itself (GOTOOLCHAIN).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${1:-${TELEGRAF_VERSION:-v1.40.1}}"
OUT_DIR=".telegraf/$VERSION"
BIN="$OUT_DIR/telegraf"

# Plugins compiled in: every plugin a fixture or test config names (the
# Windows-only ones build to nothing on Linux, which is what a Linux agent does).
TAGS=(
  custom
  inputs.cpu inputs.disk inputs.diskio inputs.exec inputs.file inputs.http inputs.internal
  inputs.kernel inputs.mem inputs.mqtt_consumer inputs.processes inputs.statsd inputs.swap
  inputs.system inputs.temp inputs.win_perf_counters
  outputs.file outputs.heartbeat outputs.http outputs.influxdb outputs.influxdb_v2
  processors.enum processors.starlark
  secretstores.docker secretstores.jose secretstores.os secretstores.vault secretstores.systemd
  parsers.influx parsers.json parsers.value serializers.influx serializers.json serializers.template
)

# The plugin list the binary was built with: a binary built with another list is rebuilt.
STAMP="$OUT_DIR/tags"
WANT_TAGS="${TAGS[*]}"
if [ -x "$BIN" ] && [ "${TELEGRAF_REBUILD:-}" != 1 ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT_TAGS" ]; then
  echo "telegraf $VERSION already built"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { echo "go is not installed: Telegraf is built from source with the Go toolchain" >&2; exit 1; }

started=$(date +%s)
WORK="$OUT_DIR/module"
mkdir -p "$WORK"
cat > "$WORK/go.mod" <<GOMOD
module telegraf-build

go 1.26
GOMOD
cat > "$WORK/tools.go" <<GOFILE
//go:build tools

package tools

import _ "github.com/influxdata/telegraf/cmd/telegraf"
GOFILE

export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
(
  cd "$WORK"
  echo "resolving github.com/influxdata/telegraf@$VERSION"
  go get "github.com/influxdata/telegraf@$VERSION"
  echo "building with tags: ${TAGS[*]}"
  tags=$(IFS=,; echo "${TAGS[*]}")
  go build -trimpath -tags "$tags" \
    -ldflags "-s -w -X github.com/influxdata/telegraf/internal.Version=${VERSION#v}" \
    -o "../telegraf.partial.$$" github.com/influxdata/telegraf/cmd/telegraf
)
# Replaced in one rename: an agent or a test running the old binary is never handed a half-written file.
mv -f "$OUT_DIR/telegraf.partial.$$" "$BIN"
echo "$WANT_TAGS" > "$STAMP"
"$BIN" --version
echo "built telegraf $VERSION in $(( $(date +%s) - started )) s"
echo "$BIN"
