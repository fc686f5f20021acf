#!/usr/bin/env bash
# Renders the README's screenshots from real runs of the real binary.
#
#   bash docs/screenshots.sh            # or: task screenshots
#
# It builds moltbot and the fake `claude` (internal/fakeclaude), writes a
# scratch store of obviously fake credentials under a scratch HOME, runs the
# program in tmux at 100×24 with 256 colours, drives it with send-keys, and
# captures each screen with `tmux capture-pane -e` (the real bytes, colours
# included). Each capture (styles restated by internal/ansinorm, for
# freeze's stateless colour reader) is rendered to SVG by charmbracelet/freeze with an
# embedded DejaVu Sans Mono (a font whose `…` and box-drawing glyphs are one
# cell wide, so the frame stays square), then to PNG by headless Chromium.
#
# Needs: go, tmux, chromium, fonts-dejavu-core. The text of each capture
# (.txt) is kept beside its image so that a review can diff it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/docs/screenshots
work=$(mktemp -d)
sock=moltbot-shots-$$
cols=100
rows=24
font=${FONT_FILE:-/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf}
freeze_version=v0.2.2

cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

for need in go tmux chromium; do
	command -v "$need" >/dev/null || { echo "screenshots: $need is not installed" >&2; exit 1; }
done
[ -f "$font" ] || { echo "screenshots: no font at $font (apt-get install fonts-dejavu-core, or set FONT_FILE)" >&2; exit 1; }

mkdir -p "$out" "$work/bin" "$work/home"
(cd "$root" && go build -o "$work/bin/moltbot" ./cmd/moltbot && go build -o "$work/bin/claude" ./internal/fakeclaude &&
	go build -o "$work/bin/ansinorm" ./internal/ansinorm)
GOBIN=$work/bin go install "github.com/charmbracelet/freeze@$freeze_version"

# A store like a real user's: a subscription token, one about to expire, a
# key cooling down after errors, an expired OAuth login, plain keys.
home=$work/home
store=$home/.clawdbot/agents/main/agent/auth-profiles.json
mkdir -p "$(dirname "$store")"
chmod -R go-rwx "$home"
now=$(($(date +%s) * 1000))
h=3600000
d=$((24 * h))
fake() { printf "%s%0.s" "$1" $(seq "$2") | tr -d '\n'; }
cat >"$store" <<EOF
{
  "version": 1,
  "profiles": {
    "anthropic:laptop": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKE$(printf 'T%.0s' $(seq 87))-TTAA", "expires": $((now + 200 * d))},
    "anthropic:old": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKE$(printf 'O%.0s' $(seq 87))-OOBB", "expires": $((now + 3 * h + 600000))},
    "anthropic:work": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE$(printf 'W%.0s' $(seq 80))WWWW", "email": "me@work.example"},
    "openai:default": {"type": "api_key", "provider": "openai", "key": "sk-proj-FAKE$(printf 'P%.0s' $(seq 40))"},
    "openai-codex:me@example.com": {"type": "oauth", "provider": "openai-codex", "access": "FAKEACCESS$(printf 'x%.0s' $(seq 40))", "refresh": "FAKEREFRESH$(printf 'r%.0s' $(seq 20))", "expires": $((now - d)), "email": "me@example.com"},
    "openrouter:default": {"type": "api_key", "provider": "openrouter", "key": "sk-or-v1-FAKE$(printf 'R%.0s' $(seq 52))"}
  },
  "order": {"anthropic": ["anthropic:laptop", "anthropic:old", "anthropic:work"]},
  "usageStats": {"anthropic:work": {"lastUsed": $((now - 600000)), "cooldownUntil": $((now + 178000)), "errorCount": 2}}
}
EOF
chmod 600 "$store"
# The config clawdbot 2026.1.24 leaves: its version tells moltbot which
# gateway wrote these files (the title and models status name it).
cat >"$home/.clawdbot/clawdbot.json" <<EOF
{
  "meta": {"lastTouchedVersion": "2026.1.24-3", "lastTouchedAt": "2026-01-25T10:00:00.000Z"}
}
EOF
chmod 600 "$home/.clawdbot/clawdbot.json"

# start runs a command in a fresh tmux server (its own socket: a server
# being killed refuses new sessions for a moment) of cols×rows.
runs=0
start() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	runs=$((runs + 1))
	sock=moltbot-shots-$$-$runs
	tmux -L "$sock" -f /dev/null new-session -d -x "$cols" -y "$rows" \
		"env -i PATH=$work/bin:/usr/bin:/bin HOME=$home TERM=xterm-256color COLORTERM=truecolor FAKECLAUDE_FAST=1 $*; sleep 60"
	tmux -L "$sock" set-option -g status off >/dev/null
}
screen() { tmux -L "$sock" capture-pane -p; }
keys() { tmux -L "$sock" send-keys "$@"; }
# wait_for waits up to 10 s for text to be on the screen.
wait_for() {
	for _ in $(seq 100); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "screenshots: \"$1\" never appeared; the screen was:" >&2
	screen >&2
	exit 1
}
# wait_gone waits up to 10 s for text to leave the screen.
wait_gone() {
	for _ in $(seq 100); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	echo "screenshots: \"$1\" never went away; the screen was:" >&2
	screen >&2
	exit 1
}
# shot saves the screen as docs/screenshots/<name>.png (and .ansi).
shot() {
	local name=$1 svg=$work/$1.svg
	sleep 0.3 # let the last frame land
	# freeze reads colours statelessly; ansinorm restates the whole style at
	# every change so that it draws what the terminal showed.
	tmux -L "$sock" capture-pane -p -e | "$work/bin/ansinorm" >"$work/$name.ansi"
	# Keep the text capture without colour codes, for review.
	tmux -L "$sock" capture-pane -p | sed -e 's/[[:space:]]*$//' >"$out/$name.txt"
	"$work/bin/freeze" -l ansi -o "$svg" --window --padding 20 --margin 0 \
		--font.file "$font" --font.family "DejaVu Sans Mono" --font.size 14 --line-height 1.0 \
		"$work/$name.ansi" >/dev/null
	local w h
	w=$(grep -o '<svg width="[0-9]*' "$svg" | grep -o '[0-9]*$')
	h=$(grep -o '<svg width="[0-9.]*" height="[0-9]*' "$svg" | grep -o '[0-9]*$')
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--force-device-scale-factor=2 --user-data-dir="$work/chromium" \
		--window-size="$w,$h" --screenshot="$out/$name.png" "file://$svg" >/dev/null 2>&1
	echo "wrote docs/screenshots/$name.png (${w}×${h} at 2×)"
}

# 1. The dashboard.
start moltbot
wait_for "anthropic:work"
shot dashboard

# 2. Reordering: grab anthropic:old and carry it to the top.
keys j space
wait_for "esc to cancel"
keys Up
sleep 0.2
shot reorder
keys space
wait_for "saved the anthropic order"
shot reorder-saved

# 3. Help.
keys '?'
wait_for "press any key to close"
shot help

# 4. A corrupt store (a stray edit drops a comma): shown in place, greyed,
# with where and what to do; nothing is written.
keys Escape
wait_gone "saved the anthropic order" # the save's note fades after 5 s
cp "$store" "$work/good.json"
sed -i '0,/"type": "token",/s//"type": "token"/' "$store"
wait_for "cannot be read"
shot corrupt
cp "$work/good.json" "$store"
wait_for "space move"

# 5. The wizard: a Claude subscription, through the fake claude.
start moltbot onboard
wait_for "What do you want to add?"
shot wizard-start
keys Enter
wait_for "Profile"
keys C-u
keys -l laptop2
keys Enter
wait_for "Start claude setup-token"
keys Enter
wait_for "Paste code here"
shot wizard-claude
keys -l FAKE-code-4711
keys Enter
wait_for "Captured a setup token"
shot wizard-captured

# 6. models status on a terminal (colour).
start "moltbot models status"
wait_for "cooling down or disabled"
shot status
