package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSetupTokenPiped(t *testing.T) {
	c := newCLI(t)
	c.stdin = fakeSetupToken + "\n"
	out, errOut, code := c.run("models", "auth", "setup-token")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	p := c.profile("anthropic:default")
	if p["type"] != "token" || p["token"] != fakeSetupToken {
		t.Fatalf("profile %v", p)
	}
	if want := float64(testNow.AddDate(0, 0, 365).UnixMilli()); p["expires"] != want {
		t.Fatalf("expires %v, want capture time + 365 days (%v)", p["expires"], want)
	}
	assertNoSecret(t, out, fakeSetupToken)
	c.golden("TestSetupTokenPiped", out)
}

func TestSetupTokenExistingNeedsYesWithoutTerminal(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	before := c.tree()
	c.stdin = fakeSetupToken
	_, errOut, code := c.run("models", "auth", "setup-token", "--profile-id", "anthropic:manual")
	if code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	assertOneLine(t, errOut, "pass --yes to replace it")
	assertNoSecret(t, errOut)
	assertSameTree(t, before, c.tree())

	out, errOut, code := c.run("models", "auth", "setup-token", "--profile-id", "anthropic:manual", "--yes")
	if code != 0 {
		t.Fatalf("exit %d with --yes: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "Replaced anthropic:manual (token sk-ant-oat01…ZZAA, expires in 365d)") {
		t.Fatalf("output:\n%s", out)
	}
	c.assertUnknownKept()
}

func TestSetupTokenTerminalConfirm(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.terminal = true

	// "n": nothing changes.
	before := c.tree()
	c.stdin = "n\n"
	out, errOut, code := c.run("models", "auth", "setup-token", "--profile-id", "anthropic:manual", "--paste")
	if code != ExitFailure || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "anthropic:manual already exists (token sk-ant-oat01…TTTT, expires in 357d). Replace it? [y/N] ") {
		t.Fatalf("no confirmation question:\n%s", errOut)
	}
	assertSameTree(t, before, c.tree())

	// "y", then the token at the hidden prompt.
	c.stdin = "y\n" + fakeSetupToken + "\n"
	out, errOut, code = c.run("models", "auth", "setup-token", "--profile-id", "anthropic:manual", "--paste")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if c.profile("anthropic:manual")["token"] != fakeSetupToken {
		t.Fatal("token not replaced")
	}
	c.golden("TestSetupTokenTerminalConfirm", out+"--- stderr\n"+errOut)
	c.assertUnknownKept()
}

func TestSetupTokenWithoutCaptureFallsBackToPrompt(t *testing.T) {
	c := newCLI(t)
	c.terminal = true
	c.stdin = fakeSetupToken + "\n"
	_, errOut, code := c.run("models", "auth", "setup-token")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	c.golden("TestSetupTokenWithoutCaptureFallsBackToPrompt", errOut)
}

func TestSetupTokenCaptureHook(t *testing.T) {
	old := captureSetupToken
	t.Cleanup(func() { captureSetupToken = old })

	// A token as the pty scanner might return it, still wrapped.
	captureSetupToken = func(context.Context) (string, error) {
		return fakeSetupToken[:39] + "\n" + fakeSetupToken[39:], nil
	}
	c := newCLI(t)
	c.terminal = true
	out, errOut, code := c.run("models", "auth", "setup-token")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if c.profile("anthropic:default")["token"] != fakeSetupToken {
		t.Fatal("captured token not saved")
	}
	assertNoSecret(t, out+errOut, fakeSetupToken)
	if errOut != "Captured token sk-ant-oat01…ZZAA\n" {
		t.Fatalf("stderr:\n%s", errOut)
	}

	// --paste skips the capture.
	c2 := newCLI(t)
	c2.terminal = true
	c2.stdin = fakeSetupToken + "\n"
	captureSetupToken = func(context.Context) (string, error) { t.Fatal("capture ran despite --paste"); return "", nil }
	if _, errOut, code := c2.run("models", "auth", "setup-token", "--paste"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}

	// A failed capture says why, and writes nothing.
	captureSetupToken = func(context.Context) (string, error) {
		return "", errors.New("`claude setup-token` exited without printing a token")
	}
	c3 := newCLI(t)
	c3.terminal = true
	before := c3.tree()
	_, errOut, code = c3.run("models", "auth", "setup-token")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, errOut, "exited without printing a token")
	assertSameTree(t, before, c3.tree())
}

func TestSetupTokenRefusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		stdin   string
		code    int
		want    string
		fixture string
	}{
		{"corrupt-store", nil, fakeSetupToken, ExitFailure, "is corrupt", "store-corrupt.json"},
		{"other-provider", []string{"--provider", "openai"}, fakeSetupToken, ExitUsage, "paste-token --provider openai", ""},
		{"no-terminal-nothing-piped", nil, "", ExitFailure, "no token on stdin", ""},
		{"token-as-argument", []string{fakeSetupToken}, "", ExitUsage, "takes no arguments", ""},
		{"truncated", nil, fakeSetupToken[:80], ExitFailure, "cut off", ""},
		{"id-of-other-provider", []string{"--profile-id", "openai:x"}, fakeSetupToken, ExitUsage, "names provider openai", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			if tc.fixture != "" {
				c.copyFixture(tc.fixture)
			}
			c.stdin = tc.stdin
			before := c.tree()
			out, errOut, code := c.run(append([]string{"models", "auth", "setup-token"}, tc.args...)...)
			if code != tc.code || out != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", code, tc.code, out, errOut)
			}
			assertOneLine(t, errOut, tc.want)
			assertNoSecret(t, errOut, fakeSetupToken)
			assertSameTree(t, before, c.tree())
		})
	}
}

// TestSetupTokenRenewKeepsPlace: renewing a subscription token from the
// command line (setup-token --profile-id of an existing token profile)
// replaces only its token and expiry: same id, same place in every order
// list and in the file, unknown fields kept, its usage stats reset.
func TestSetupTokenRenewKeepsPlace(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-expiring.json") // anthropic:sub expires in 2 h; order [work, sub]
	c.writeStore(strings.Replace(readFile(t, c.storePath()), `"usageStats": {`,
		`"usageStats": {"anthropic:sub": {"lastUsed": 1767366000000, "errorCount": 3, "cooldownUntil": 1767366300000},`, 1))
	before := readFile(t, c.storePath())
	c.stdin = fakeSetupToken + "\n"
	_, errOut, code := c.run("models", "auth", "setup-token", "--profile-id", "anthropic:sub", "--yes")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	after := readFile(t, c.storePath())
	var b, a map[string]any
	if err := json.Unmarshal([]byte(before), &b); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(after), &a); err != nil {
		t.Fatal(err)
	}
	p := a["profiles"].(map[string]any)["anthropic:sub"].(map[string]any)
	if p["token"] != fakeSetupToken || p["expires"] != float64(testNow.AddDate(0, 0, 365).UnixMilli()) {
		t.Errorf("renewed profile: token replaced %v, expires %v", p["token"] == fakeSetupToken, p["expires"])
	}
	if !reflect.DeepEqual(a["order"], b["order"]) || !reflect.DeepEqual(a["lastGood"], b["lastGood"]) || !reflect.DeepEqual(a["gatewayFutureKey"], b["gatewayFutureKey"]) {
		t.Errorf("order, lastGood or an unknown key changed:\nbefore %v %v\nafter  %v %v", b["order"], b["lastGood"], a["order"], a["lastGood"])
	}
	// The profile keeps its place in the file.
	if i, j := strings.Index(after, `"anthropic:sub"`), strings.Index(after, `"anthropic:work"`); i < 0 || j < i {
		t.Error("anthropic:sub moved in the file")
	}
	// Other profiles and their usage are untouched.
	bp, ap := b["profiles"].(map[string]any), a["profiles"].(map[string]any)
	for id := range bp {
		if id != "anthropic:sub" && !reflect.DeepEqual(bp[id], ap[id]) {
			t.Errorf("%s changed", id)
		}
	}
	us := a["usageStats"].(map[string]any)
	if us["anthropic:sub"] != nil {
		t.Errorf("the renewed profile's usage stats (errors, cooldown) were kept: %v", us["anthropic:sub"])
	}
	if us["anthropic:work"] == nil || us["openai:default"] == nil {
		t.Errorf("other profiles' usage stats were lost: %v", us)
	}
}
