#!/usr/bin/env bash
# run.sh — run a gateway CLI installed by install.sh, isolated: no network (its own
# network namespace), an empty environment, and private copies of the fixed paths
# the gateways write outside their state dir (/tmp/openclaw, /tmp/clawdbot: logs;
# /tmp/openclaw-state-locks-<uid>: openclaw 2026.9's lock databases), so runs in
# parallel, and the user's own gateway, never meet.
#
# usage: run.sh [-e KEY=VALUE]... PREFIX STATE_DIR HOME_DIR [CLI_ARGS...]
#   PREFIX     CACHE_DIR/<package>-<version> made by install.sh
#   STATE_DIR  the state dir: OPENCLAW_STATE_DIR (openclaw) or CLAWDBOT_STATE_DIR
#              (clawdbot); "-" sets neither (the gateway then looks under HOME_DIR)
#   HOME_DIR   the HOME the gateway sees (created if missing)
#   -e K=V     one more variable for the gateway (repeatable)
# stdin, stdout, stderr and the exit code are the gateway's.
# Exit 77 with one "skip: …" line on stderr: not installed, or no namespaces here.
# Needs root, or unprivileged user namespaces (then it maps itself to root in one).
# MOLTBOT_INTEROP_KEEP_TMP=1 keeps the private /tmp dirs (their path goes to stderr).
set -euo pipefail

SKIP=77
extra_env=()
while [[ ${1:-} == -e ]]; do
	[[ ${2:-} == *=* ]] || { echo "run.sh: -e needs KEY=VALUE" >&2; exit 2; }
	extra_env+=("$2")
	shift 2
done
[[ $# -ge 3 ]] || { echo "usage: run.sh [-e KEY=VALUE]... PREFIX STATE_DIR HOME_DIR [CLI_ARGS...]" >&2; exit 2; }
abs() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
prefix=$(abs "$1") state=$2 home=$(abs "$3")
[[ $state == - ]] || state=$(abs "$state")
shift 3

[[ -f $prefix/.interop-env ]] || { echo "skip: no gateway installed in $prefix (run install.sh)" >&2; exit "$SKIP"; }
# shellcheck disable=SC1091 # written by install.sh
. "$prefix/.interop-env"
command -v unshare >/dev/null 2>&1 || { echo "skip: unshare(1) is not installed" >&2; exit "$SKIP"; }
ns=(-n -m)
[[ $(id -u) -eq 0 ]] || ns=(-r -n -m)
unshare "${ns[@]}" true 2>/dev/null || { echo "skip: cannot create network and mount namespaces here (unshare ${ns[*]})" >&2; exit "$SKIP"; }

mkdir -p "$home"
priv=$(mktemp -d "${TMPDIR:-/tmp}/moltbot-interop-run.XXXXXX")
mkdir -p "$priv/openclaw" "$priv/clawdbot" "$priv/locks" "$priv/tmp"
chmod 700 "$priv" "$priv"/*
# shellcheck disable=SC2317 # the EXIT trap calls it
cleanup() { if [[ ${MOLTBOT_INTEROP_KEEP_TMP:-} == 1 ]]; then echo "run.sh: kept $priv" >&2; else rm -rf "$priv"; fi; }
trap cleanup EXIT

env_list=(
	"HOME=$home"
	"PATH=$(dirname "$INTEROP_NODE"):/usr/local/bin:/usr/bin:/bin"
	"TMPDIR=$priv/tmp" # private per run: jiti and the gateways' temp files
	"LANG=C.UTF-8" "TZ=UTC" "NO_COLOR=1" "TERM=dumb"
	# Node's compile cache survives runs (it halves openclaw 2026.9's start-up);
	# Node writes its entries atomically, so parallel runs may share it.
	"NODE_COMPILE_CACHE=$prefix/compile-cache"
)
[[ $state == - ]] || env_list+=("$INTEROP_STATE_VAR=$state")
env_list+=(${extra_env[@]+"${extra_env[@]}"})

set +e
# shellcheck disable=SC2016 # the inner script expands its own variables
unshare "${ns[@]}" bash -c '
	set -e
	priv=$1; shift
	mount --make-rprivate /
	ip link set lo up 2>/dev/null || true
	uid=$(id -u)
	for d in openclaw clawdbot "openclaw-state-locks-$uid"; do
		src=$priv/${d/openclaw-state-locks-$uid/locks}
		mkdir -p "/tmp/$d" 2>/dev/null || true
		mount --bind "$src" "/tmp/$d"
	done
	exec env -i "$@"
' run.sh "$priv" "${env_list[@]}" "$INTEROP_NODE" "$INTEROP_ENTRY" "$@"
rc=$?
set -e
exit "$rc"
