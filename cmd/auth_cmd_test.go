package cmd

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// Fake secrets of the right shapes (SPEC §4 fixtures: obviously fake).
var (
	fakeSetupToken = "sk-ant-oat01-FAKE" + strings.Repeat("Z", 89) + "AA" // 108 characters
	fakeOtherToken = "sk-or-v1-FAKE000000000000000000000000000000000000000000000000000000000000PPPP"
	fakeAPIKey     = "sk-ant-api03-FAKE" + strings.Repeat("K", 70)
)

// fixtureSecrets are the secrets in testdata/auth-store.json.
var fixtureSecrets = []string{
	"sk-ant-api03-FAKEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	"sk-ant-oat01-FAKETTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT",
	"sk-ant-api03-FAKEWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
	"sk-proj-FAKEOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO",
}

// assertNoSecret fails when any secret, or a part of it longer than what a
// mask shows, appears in text.
func assertNoSecret(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range append(secrets, fixtureSecrets...) {
		if len(s) < 20 {
			continue
		}
		// A mask shows the first 12 and the last 4 characters; anything
		// from the middle is a leak.
		middle := s[12 : len(s)-4]
		for i := 0; i+8 <= len(middle); i += 4 {
			if strings.Contains(text, middle[i:i+8]) && !strings.Contains(middle[i:i+8], strings.Repeat(middle[i:i+1], 8)) {
				t.Fatalf("output leaks part of a secret (%q):\n%s", middle[i:i+8], text)
			}
		}
		if strings.Contains(text, s) {
			t.Fatalf("output contains a whole secret:\n%s", text)
		}
	}
}

// tree is every file and directory under the state dir with its mode and
// bytes, to prove that a command changed nothing.
func (c *cli) tree() map[string]string {
	c.t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(c.state, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(c.state, p)
		if d.IsDir() {
			out[rel] = fmt.Sprintf("dir %o", fi.Mode().Perm())
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = fmt.Sprintf("%o %s", fi.Mode().Perm(), data)
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// assertSameTree fails with the first difference between two trees.
func assertSameTree(t *testing.T, before, after map[string]string) {
	t.Helper()
	var keys []string
	for k := range before {
		keys = append(keys, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if before[k] != after[k] {
			t.Fatalf("%s changed:\n--- before:\n%.300s\n--- after:\n%.300s", k, before[k], after[k])
		}
	}
}

// assertOneLine checks a failure's stderr: one line, starting "moltbot: ",
// containing want.
func assertOneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "moltbot: ") {
		t.Fatalf("want one error line, got:\n%s", stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Fatalf("error line %q does not say %q", stderr, want)
	}
}

// storeJSON reads the default agent's store as generic JSON.
func (c *cli) storeJSON() map[string]any {
	c.t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(readFile(c.t, c.storePath())), &doc); err != nil {
		c.t.Fatalf("store: %v", err)
	}
	return doc
}

// profile returns one profile of the store as generic JSON.
func (c *cli) profile(id string) map[string]any {
	c.t.Helper()
	p, _ := c.storeJSON()["profiles"].(map[string]any)[id].(map[string]any)
	return p
}

// assertUnknownKept checks that every field of auth-store.json that moltbot
// does not know is still there.
func (c *cli) assertUnknownKept() {
	c.t.Helper()
	doc := c.storeJSON()
	if fk, _ := doc["gatewayFutureKey"].(map[string]any); fk["x"] != 1.0 {
		c.t.Errorf("top-level unknown key lost: %v", doc["gatewayFutureKey"])
	}
	if p := c.profile("anthropic:manual"); p != nil && p["futureProfileField"] != "kept" {
		c.t.Errorf("unknown profile field lost: %v", p)
	}
	if us, _ := doc["usageStats"].(map[string]any)["anthropic:manual"].(map[string]any); us != nil && us["futureStat"] != 7.0 {
		c.t.Errorf("unknown usageStats field lost: %v", us)
	}
}

// holdLock makes the store's lock directory as a live gateway would, and
// makes transactions give up quickly.
func (c *cli) holdLock() {
	c.t.Helper()
	if err := os.MkdirAll(c.agentDir(), 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.Mkdir(c.storePath()+".lock", 0o700); err != nil {
		c.t.Fatal(err)
	}
	restore := authstore.SetLockWait(150 * time.Millisecond)
	c.t.Cleanup(restore)
}

func TestAuthHelpAndUnknownSubcommand(t *testing.T) {
	c := newCLI(t)
	out, _, code := c.run("models", "auth")
	if code != 0 || !strings.Contains(out, "paste-token") || !strings.Contains(out, "setup-token") {
		t.Fatalf("`models auth` should list its commands (exit %d):\n%s", code, out)
	}
	_, errOut, code := c.run("models", "auth", "bogus")
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d", code, ExitUsage)
	}
	assertOneLine(t, errOut, `unknown command "bogus"`)

	// A secret typed where a command belongs is not echoed back.
	_, errOut, code = c.run("models", "auth", fakeSetupToken)
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d", code, ExitUsage)
	}
	assertOneLine(t, errOut, "looks like a secret")
	assertNoSecret(t, errOut, fakeSetupToken)
}
