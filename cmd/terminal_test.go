package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/views"
)

// Hostile text as a store, a config or .env may hold it: in tmux the first
// set the window title, the second wrote the clipboard (OSC 52), the third
// wiped the screen; the last reads backwards.
const (
	oscTitle = "\x1b]0;PWNED-TITLE\x07"
	osc52    = "\x1b]52;c;ZWNobyBQV05FRA==\x07"
	wipe     = "\x1b[2J\x1b[H"
	bidiText = "\u202edeppots\u2066x\u2069"
)

// jsonText writes s as a JSON string the way a hostile editor could:
// control characters escaped (JSON needs that), everything else raw, bytes
// that are not UTF-8 included.
func jsonText(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hostileStoreJSON is a store whose every piece of free text comes from
// the arguments: a profile id (an expiring token, so doctor prints a fix
// command naming it), its email and provider, a disabledReason (also the
// type of a third profile), and an order entry naming no profile.
func hostileStoreJSON(now time.Time, id, email, provider, reason, entry string) string {
	ms := now.UnixMilli()
	return fmt.Sprintf(`{"version":1,"profiles":{
  %s: {"type":"token","provider":%s,"token":%s,"expires":%d,"email":%s},
  "anthropic:plain": {"type":"api_key","provider":"anthropic","key":%s},
  %s: {"type":%s,"provider":"anthropic","key":%s}
},
"order":{%s:[%s,%s,"anthropic:plain"]},
"usageStats":{%s:{"disabledUntil":%d,"disabledReason":%s}, "anthropic:plain":{"disabledUntil":%d,"disabledReason":%s}}}`,
		jsonText(id), jsonText(provider), jsonText(fakeSetupToken), ms+3_600_000, jsonText(email),
		jsonText(fakeAPIKey),
		jsonText("anthropic:"+entry), jsonText(reason), jsonText(fakeAPIKey),
		jsonText(provider), jsonText(id), jsonText(entry),
		jsonText(id), ms+600_000, jsonText(reason), ms+600_000, jsonText(reason))
}

// hostileConfigJSON names entry in the config's auth.order and
// auth.profiles (where doctor says it is not in the store).
func hostileConfigJSON(provider, entry string) string {
	return fmt.Sprintf(`{"auth":{"order":{%s:[%s]},"profiles":{%s:{"provider":%s,"mode":"token"}}}}`,
		jsonText(provider), jsonText(entry), jsonText(entry), jsonText(provider))
}

// hostileFiles writes hostileStoreJSON, hostileConfigJSON and a .env whose
// key value holds the entry and email.
func hostileFiles(c *cli, id, email, provider, reason, entry string) {
	c.t.Helper()
	c.writeStore(hostileStoreJSON(c.now, id, email, provider, reason, entry))
	c.write("clawdbot.json", hostileConfigJSON(provider, entry))
	c.write(".env", "ANTHROPIC_API_KEY="+strings.NewReplacer("\n", "", "\r", "", "\x00", "").Replace(entry+email)+"\n")
}

// sgr matches the colour codes moltbot itself writes on a colour terminal.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// checkTerminalSafe fails when out holds anything a terminal would act on:
// a byte below 0x20 other than a line break (and a tab, the separator of
// --plain, when tabs is true), DEL, ESC, a C1 control, a bidi control, or a
// byte that is not UTF-8. Colour codes are allowed when colour is.
func checkTerminalSafe(t *testing.T, what, out string, tabs, colour bool) {
	t.Helper()
	if colour {
		out = sgr.ReplaceAllString(out, "")
	}
	if !utf8.ValidString(out) {
		t.Fatalf("%s: output is not UTF-8 (a raw 8-bit control byte can reach the terminal):\n%q", what, out)
	}
	for i, r := range out {
		switch {
		case r == '\n', r == '\t' && tabs:
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			t.Fatalf("%s: output holds %U at byte %d:\n%q", what, r, i, out)
		}
	}
}

// terminalOutputs runs every text output over the files hostileFiles wrote
// and checks each with checkTerminalSafe.
func terminalOutputs(t *testing.T, c *cli) {
	t.Helper()
	type run struct {
		args           []string
		tabs, terminal bool
	}
	for _, r := range []run{
		{args: []string{"models", "status"}},
		{args: []string{"models", "status"}, terminal: true}, // colour, ~/ paths
		{args: []string{"models", "status", "--plain"}, tabs: true},
		{args: []string{"models", "status", "--all-agents"}},
		{args: []string{"models", "status", "--all-agents", "--plain"}, tabs: true},
		{args: []string{"doctor"}},
		{args: []string{"models", "auth", "order", "get", "--provider", "anthropic"}},
		{args: []string{"models", "auth", "order", "set", "--provider", "anthropic", "anthropic:nope"}},
		{args: []string{"models", "auth", "remove", "anthropic:nope", "--yes"}},
	} {
		c.terminal = r.terminal
		if r.terminal {
			delete(c.env, "NO_COLOR")
		} else {
			c.env["NO_COLOR"] = "1"
		}
		out, errOut, _ := c.run(r.args...)
		what := strings.Join(r.args, " ")
		checkTerminalSafe(t, what+" (stdout)", out, r.tabs, r.terminal)
		checkTerminalSafe(t, what+" (stderr)", errOut, false, false)
	}
	c.terminal = false
	c.env["NO_COLOR"] = "1"
}

// TestFileTextNeverReachesTheTerminalAsControl: ids, emails, providers,
// disabledReason, order entries, config entries and .env values full of
// escape sequences, bidi overrides and broken UTF-8 reach every text output
// of models status (text, colour, --plain, --all-agents), doctor, order get
// and the errors that list ids as visible escapes only.
func TestFileTextNeverReachesTheTerminalAsControl(t *testing.T) {
	c := newCLI(t)
	hostileFiles(c, "anthropic:t"+oscTitle+"\t\n\r", "me"+osc52+"@example.com\xff", "anthropic",
		"billing"+wipe+bidiText+"\u009b2J", "gone"+oscTitle+"\x7f\u0085")
	terminalOutputs(t, c)
	// And a provider name read from the file.
	c = newCLI(t)
	hostileFiles(c, "evil:t", "e@x", "evil"+oscTitle, "r"+wipe, "x"+bidiText)
	terminalOutputs(t, c)

	out, _, _ := c.run("models", "status", "--plain")
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := strings.Count(line, "\t"); n != 8 {
			t.Errorf("--plain line has %d tabs, want 8 (9 fields): %q", n, line)
		}
	}
}

// FuzzTerminalOutput builds the store, config and .env credentials from
// the fuzzer's text in memory (fast enough for CI's 100,000 inputs) and runs
// every text renderer over them: models status (plain colours and on a
// colour terminal, as for each agent of --all-agents), --plain, order get's
// lists and doctor's text with its fix commands. None may hold anything a
// terminal acts on. TestFileTextNeverReachesTheTerminalAsControl runs the
// same through the commands, on files.
func FuzzTerminalOutput(f *testing.F) {
	f.Add("anthropic:t"+oscTitle, "me"+osc52, "anthropic", "billing"+wipe, "gone"+bidiText)
	f.Add("a\tb\nc", "\xff\xfe", "x\u0085", "\u009b", "\x7f")
	f.Add(`back\slash`, `\x1b`, "anthropic", "", "")
	f.Fuzz(func(t *testing.T, id, email, provider, reason, entry string) {
		store, err := authstore.ParseStore([]byte(hostileStoreJSON(testNow, id, email, provider, reason, entry)))
		if err != nil {
			t.Skip() // a store the gateway could not read either; its error line is checked elsewhere
		}
		snap := authstore.Snapshot{Store: store, Exists: true, LegacyImported: []string{id, entry},
			Paths: authstore.Paths{AgentID: "main", AgentDir: "/home/me/.clawdbot/agents/main/agent" + entry, Store: "/s/" + id,
				Config: "/s/clawdbot.json" + email, ConfigExists: true},
			Env: []authstore.EnvCredential{{Provider: provider, Var: "ANTHROPIC_API_KEY" + entry, Source: ".env" + reason, Value: email + entry + fakeAPIKey}}}
		snap.Config, snap.ConfigErr = authstore.ParseConfig("clawdbot.json", []byte(hostileConfigJSON(provider, entry)))
		rep := authstore.BuildReport(snap, testNow, authstore.DefaultWarn)
		for _, colour := range []bool{false, true} {
			var out bytes.Buffer
			noColor := map[bool]string{false: "1"}[colour]
			a := &app{env: Env{Stdout: &out, Stderr: &out, Home: "/home/me", Now: func() time.Time { return testNow },
				Getenv:     func(k string) string { return map[string]string{"NO_COLOR": noColor}[k] },
				IsTerminal: func(any) bool { return colour }, TermWidth: func(any) int { return 100 }}}
			a.writeText(snap, rep)
			checkTerminalSafe(t, "models status", out.String(), false, colour)
		}
		checkTerminalSafe(t, "models status --plain", views.StatusPlain(rep), true, false)

		var out bytes.Buffer
		a := &app{env: Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }, IsTerminal: func(any) bool { return false }}}
		eo := snap.EffectiveOrder(authstore.NormalizeProvider(provider), testNow)
		fmt.Fprintf(a.stdout(), "Order override: %s\n", authstore.ListIDs(eo.IDs, -1))
		writeEffective(a.stdout(), eo, -1)
		checks := []doctorCheck{checkStore(snap.Paths, snap, nil), checkOrder(snap), checkCredentials(snap, testNow), checkConfig(snap.Paths, snap, nil, nil)}
		a.writeDoctorText(snap.Paths, doctorDoc{Checks: checks, Fixed: []string{"removed " + entry}, FixErrors: []string{reason}, Summary: map[string]int{}}, false)
		checkTerminalSafe(t, "order get, doctor", out.String(), false, false)
	})
}

// TestDoctorFixCommandsAreShellQuoted: a fix command naming an id with an
// escape sequence, a quote or a space in it is shown safe and, pasted into
// a shell, names exactly that id.
func TestDoctorFixCommandsAreShellQuoted(t *testing.T) {
	for _, id := range []string{
		"anthropic:plain-ok",
		"anthropic:it's here",
		"anthropic:t" + oscTitle,
		"anthropic:\u202ertl\n$(touch pwned)`x`\\",
		"anthropic:\xff\xfe",
	} {
		q := authstore.ShellQuote(id)
		if strings.ContainsAny(q, "\x1b\n\x07") || !utf8.ValidString(q) {
			t.Errorf("authstore.ShellQuote(%q) = %q is not safe to show", id, q)
		}
		if bash, err := exec.LookPath("bash"); err == nil {
			got, err := exec.Command(bash, "-c", "printf %s "+q).Output()
			if err != nil || string(got) != id {
				t.Errorf("pasted, authstore.ShellQuote(%q) = %s gives %q (%v)", id, q, got, err)
			}
		}
	}
	if got := authstore.ShellQuote("anthropic:work"); got != "anthropic:work" {
		t.Errorf("a plain id is quoted: %s", got)
	}

	c := newCLI(t)
	id := "anthropic:t" + oscTitle
	hostileFiles(c, id, "me@example.com", "anthropic", "billing", "gone")
	out, _, _ := c.run("doctor")
	want := "fix: moltbot models auth setup-token --profile-id $'anthropic:t\\x1b]0;PWNED-TITLE\\x07' --yes"
	if !strings.Contains(out, want) {
		t.Errorf("doctor does not print the quoted fix %q:\n%s", want, out)
	}
	var doc doctorDoc
	out, _, _ = c.run("doctor", "--json")
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ch := range doc.Checks {
		for _, p := range ch.Problems {
			found = found || strings.Contains(p.Message, id) // --json keeps file text exact
		}
	}
	if !found {
		t.Errorf("doctor --json does not hold the id exactly:\n%s", out)
	}
}

// TestSecretArgumentsAreNeverEchoed: a secret given by mistake where an id,
// a provider, an agent or a command was expected is never repeated, in any
// message, whole or in part.
func TestSecretArgumentsAreNeverEchoed(t *testing.T) {
	secret := fakeAPIKey[:40] + "Q7rZ2lM9xC4vB8nW1kP6hD3jT5gY0fS" // no run of it is in the fixtures
	hidden := secret[len("sk-ant-api03-"):]
	cases := [][]string{
		{"models", "auth", "order", "set", "--provider", "anthropic", secret},
		{"models", "auth", "order", "set", "--provider", "anthropic", "anthropic:default", secret},
		{"models", "auth", "order", "set", "--provider", secret, "anthropic:default"},
		{"models", "auth", "order", "get", "--provider", secret},
		{"models", "auth", "order", "clear", "--provider=" + secret},
		{"models", "auth", "remove", secret, "--yes"},
		{"models", "auth", "paste-token", "--provider", secret},
		{"models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", secret},
		{"models", "auth", "setup-token", "--profile-id", secret, "--yes"},
		{"models", "auth", "setup-token", "--provider", secret},
		{"models", "auth", "paste-token", "--provider", "anthropic", secret},
		{"models", "auth", secret},
		{"models", "status", "--agent", secret},
		{"--agent=" + secret, "doctor"},
		{"models", "status", secret},
		{"models", "status", "--warn", secret},
		{"models", "status", "--probe-profile", "anthropic:default," + secret},
		{"completion", secret},
		{secret},
	}
	for _, args := range cases {
		c := newCLI(t)
		c.copyFixture("auth-store.json")
		c.stdin = fakeSetupToken + "\n"
		out, errOut, code := c.run(args...)
		what := strings.ReplaceAll(strings.Join(args, " "), secret, "SECRET")
		if code == ExitOK {
			t.Errorf("%s: exit 0, want a refusal", what)
		}
		for i := 0; i+8 <= len(hidden); i++ {
			if strings.Contains(out+errOut, hidden[i:i+8]) {
				t.Errorf("%s: the output repeats the secret:\n%s%s", what, out, errOut)
				break
			}
		}
		if strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: want one error line, got:\n%s", what, errOut)
		}
	}
}

// TestIDListsInMessagesAreCapped: on a store of 20,000 profiles (100,000
// printed 100,003 lines and 3.4 MB of note) the messages that list ids stay
// short: order set's output, the "not found"
// error, remove's error and paste-token's note.
func TestIDListsInMessagesAreCapped(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 20,000-profile store")
	}
	c := newCLI(t)
	const n = 20_000
	var b strings.Builder
	b.WriteString(`{"version":1,"profiles":{`)
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%q", fmt.Sprintf("anthropic:p%06d", i))
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `%s:{"type":"api_key","provider":"anthropic","key":%q}`, ids[i], fakeAPIKey)
	}
	b.WriteString(`},"order":{"anthropic":[` + strings.Join(ids, ",") + `]}}`)
	c.writeStore(b.String())
	start := time.Now()

	out, errOut, code := c.run("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:p000001")
	if code != ExitOK || strings.Count(out, "\n") > 20 || len(out) > 4000 || !strings.Contains(out, "… and 19,989 more left out") {
		t.Errorf("order set: exit %d, %d lines, %d bytes:\n%.2000s", code, strings.Count(out, "\n"), len(out), out+errOut)
	}
	_, errOut, _ = c.run("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:nope")
	if len(errOut) > 1000 || !strings.Contains(errOut, "anthropic:p000009 … and 19,990 more") {
		t.Errorf("order set not found: %d bytes:\n%.2000s", len(errOut), errOut)
	}
	_, errOut, _ = c.run("models", "auth", "remove", "anthropic:nope", "--yes")
	if len(errOut) > 1000 || !strings.Contains(errOut, "… and 19,990 more") {
		t.Errorf("remove not found: %d bytes:\n%.2000s", len(errOut), errOut)
	}
	// An override that lists all but the new profile: the note cannot list
	// the fix's 20,001 ids, so it says how to build it.
	c.writeStore(b.String())
	c.stdin = fakeSetupToken + "\n"
	_, errOut, code = c.run("models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:new")
	if code != ExitOK || len(errOut) > 1000 || !strings.Contains(errOut, "with all 20,001 ids") {
		t.Errorf("paste-token note: exit %d, %d bytes:\n%.2000s", code, len(errOut), errOut)
	}
	t.Logf("four commands on 20,000 profiles: %v", time.Since(start).Round(time.Millisecond))
}
