package authstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfigHandEditedJSON5(t *testing.T) {
	c, err := ParseConfig("config-hand-edited.json5", sample(t, "config-hand-edited.json5"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Profiles["anthropic:default"]; got != (ConfigProfile{Provider: "anthropic", Mode: "api_key"}) || len(c.Profiles) != 1 {
		t.Errorf("auth.profiles = %+v", c.Profiles)
	}
	if !equalStrings(c.ProfileIDs, []string{"anthropic:default"}) {
		t.Errorf("ProfileIDs = %v", c.ProfileIDs)
	}
	if got := c.Order["anthropic"]; !equalStrings(got, []string{"anthropic:default"}) || len(c.Order) != 1 {
		t.Errorf("auth.order = %v", c.Order)
	}
	if !equalStrings(c.Models, []string{"anthropic/claude-sonnet-4-5"}) {
		t.Errorf("Models = %v", c.Models)
	}
	if !equalStrings(c.ProvidersInUse(), []string{"anthropic"}) {
		t.Errorf("ProvidersInUse = %v", c.ProvidersInUse())
	}
}

func TestParseConfigGatewaySample(t *testing.T) {
	c, err := ParseConfig("clawdbot.json", sample(t, "config-after-paste-token.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Profiles["openrouter:manual"]; got != (ConfigProfile{Provider: "openrouter", Mode: "token"}) {
		t.Errorf("auth.profiles = %+v", c.Profiles)
	}
	if len(c.Models) != 0 || !equalStrings(c.ProvidersInUse(), []string{"anthropic"}) {
		t.Errorf("no model configured: Models %v, in use %v (want the default anthropic)", c.Models, c.ProvidersInUse())
	}
}

func TestConfigModels(t *testing.T) {
	cases := []struct {
		config string
		models []string
		inUse  []string
	}{
		{`{}`, nil, []string{"anthropic"}},
		{`{agents: {defaults: {model: "openai/gpt-5"}}}`, []string{"openai/gpt-5"}, []string{"openai"}},
		{`{agents: {defaults: {model: {primary: "openai/gpt-5", fallbacks: ["anthropic/x", "openrouter/meta/llama", "openai/mini"]}}}}`,
			[]string{"openai/gpt-5", "anthropic/x", "openrouter/meta/llama", "openai/mini"}, []string{"openai", "anthropic", "openrouter"}},
		{`{agents: {defaults: {model: {fallbacks: ["Z.AI/glm"]}, imageModel: "google/gemini"}}}`, []string{"Z.AI/glm", "google/gemini"}, []string{"zai", "google"}},
		{`{agents: {defaults: {imageModel: {primary: " qwen/vl "}}}}`, []string{"qwen/vl"}, []string{"qwen-portal"}},
		{`{agents: {defaults: {model: "no-slash", imageModel: ""}}}`, []string{"no-slash"}, nil},
		{`{agents: {defaults: {model: 42}}}`, nil, []string{"anthropic"}},
	}
	for _, tc := range cases {
		c, err := ParseConfig("c", []byte(tc.config))
		if err != nil {
			t.Errorf("%s: %v", tc.config, err)
			continue
		}
		if !equalStrings(c.Models, tc.models) {
			t.Errorf("%s: Models = %q, want %q", tc.config, c.Models, tc.models)
		}
		if got := c.ProvidersInUse(); !equalStrings(got, tc.inUse) {
			t.Errorf("%s: ProvidersInUse = %v, want %v", tc.config, got, tc.inUse)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	c, err := LoadConfig(filepath.Join(dir, "missing.json"))
	if err != nil || len(c.Profiles) != 0 || len(c.Models) != 0 {
		t.Errorf("missing config: %+v, %v", c, err)
	}
	empty := filepath.Join(dir, "empty.json")
	writeFile(t, empty, []byte(" \n"))
	if _, err := LoadConfig(empty); err != nil {
		t.Errorf("empty config: %v", err)
	}
	broken := filepath.Join(dir, "broken.json")
	writeFile(t, broken, []byte(`{auth: {profiles: `))
	_, err = LoadConfig(broken)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Path != broken || !strings.Contains(err.Error(), broken) {
		t.Errorf("broken config: %v", err)
	}
	// A syntax error says where it is, as an editor counts.
	writeFile(t, broken, []byte("{\n  auth: {\n    order: { anthropic: [\"anthropic:a\",, ] },\n  },\n}\n"))
	_, err = LoadConfig(broken)
	if !errors.As(err, &ce) || ce.Line != 3 || ce.Column != 40 || !strings.Contains(err.Error(), broken+":3:40 cannot be read") {
		t.Errorf("broken config at 3:40: %v (%d:%d)", err, ce.Line, ce.Column)
	}
}

// configPaths are paths whose state dir holds the given files.
func configPaths(t *testing.T, files map[string][]byte) Paths {
	t.Helper()
	state := filepath.Join(t.TempDir(), "state")
	for name, data := range files {
		writeFile(t, filepath.Join(state, name), data)
	}
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": state}), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSetConfigProfileKeepsEverythingElse(t *testing.T) {
	orig := sample(t, "config-after-paste-token.json")
	p := configPaths(t, map[string][]byte{"clawdbot.json": orig})
	if err := SetConfigProfile(p, "anthropic:default", "anthropic", "token"); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(orig), `      "openrouter:manual": {
        "provider": "openrouter",
        "mode": "token"
      }
`, `      "openrouter:manual": {
        "provider": "openrouter",
        "mode": "token"
      },
      "anthropic:default": {
        "provider": "anthropic",
        "mode": "token"
      }
`, 1)
	if want == string(orig) {
		t.Fatal("test fixture changed")
	}
	got := readFile(t, p.Config)
	if string(got) != want {
		t.Errorf("config:\n%s\nwant:\n%s", got, want)
	}
	// Setting the same entry again writes nothing.
	fi1, _ := os.Stat(p.Config)
	if err := SetConfigProfile(p, "anthropic:default", "anthropic", "token"); err != nil {
		t.Fatal(err)
	}
	fi2, _ := os.Stat(p.Config)
	if !os.SameFile(fi1, fi2) {
		t.Error("an unchanged entry rewrote the config")
	}
	// Changing an existing entry keeps its other fields and its place.
	if err := SetConfigProfile(p, "openrouter:manual", "openrouter", "api_key"); err != nil {
		t.Fatal(err)
	}
	if got := docRaw(t, readFile(t, p.Config), "auth", "profiles"); got != `{"openrouter:manual":{"provider":"openrouter","mode":"api_key"},"anthropic:default":{"provider":"anthropic","mode":"token"}}` {
		t.Errorf("auth.profiles = %s", got)
	}
	// Removing one entry leaves the rest, byte for byte, as before.
	if err := RemoveConfigProfile(p, "openrouter:manual"); err != nil {
		t.Fatal(err)
	}
	if err := RemoveConfigProfile(p, "anthropic:default"); err != nil {
		t.Fatal(err)
	}
	if got := docKeys(t, readFile(t, p.Config)); !equalStrings(got, []string{"messages", "agents", "auth", "meta"}) {
		t.Errorf("top-level keys = %v", got)
	}
	for _, k := range []string{"messages", "agents", "meta"} {
		if docRaw(t, readFile(t, p.Config), k) != docRaw(t, orig, k) {
			t.Errorf("%s changed", k)
		}
	}
}

func TestSetConfigProfileRefusesJSON5(t *testing.T) {
	orig := sample(t, "config-hand-edited.json5")
	p := configPaths(t, map[string][]byte{"moltbot.json": orig})
	if !strings.HasSuffix(p.Config, "moltbot.json") {
		t.Fatalf("config = %s", p.Config)
	}
	err := SetConfigProfile(p, "anthropic:manual", "anthropic", "token")
	var nw *ConfigNotWritableError
	if !errors.As(err, &nw) {
		t.Fatalf("err = %v, want *ConfigNotWritableError", err)
	}
	if nw.Path != p.Config || !strings.Contains(nw.Line, `"anthropic:manual"`) || !strings.Contains(nw.Line, `"token"`) {
		t.Errorf("error = %+v", nw)
	}
	if msg := err.Error(); !strings.Contains(msg, "left unchanged") || !strings.Contains(msg, "auth.profiles") || strings.Contains(msg, "\n") {
		t.Errorf("message %q must say the file was not changed and what to add", msg)
	}
	if got := readFile(t, p.Config); string(got) != string(orig) {
		t.Error("the JSON5 config was rewritten")
	}
	if err := RemoveConfigProfile(p, "anthropic:default"); !errors.As(err, &nw) {
		t.Errorf("RemoveConfigProfile on JSON5: %v", err)
	}
	if got := readFile(t, p.Config); string(got) != string(orig) {
		t.Error("the JSON5 config was rewritten")
	}
	entries, _ := os.ReadDir(p.StateDir)
	if len(entries) != 1 {
		t.Errorf("state dir has %d entries, want only the config", len(entries))
	}
}

func TestSetConfigProfileRefusesOddShapes(t *testing.T) {
	for _, body := range []string{`{"auth": []}`, `{"auth": {"profiles": ["x"]}}`, `{"auth": null}`, `{"a":1} trailing`} {
		p := configPaths(t, map[string][]byte{"clawdbot.json": []byte(body)})
		err := SetConfigProfile(p, "a:b", "a", "token")
		var nw *ConfigNotWritableError
		if !errors.As(err, &nw) {
			t.Errorf("%s: err = %v", body, err)
		}
		if got := readFile(t, p.Config); string(got) != body {
			t.Errorf("%s was rewritten", body)
		}
	}
}

func TestSetConfigProfileCreatesClawdbotJSON(t *testing.T) {
	old := setUmask(0) // the most permissive: modes must not depend on the umask
	defer setUmask(old)
	p := newTestPaths(t)
	if p.ConfigExists || filepath.Base(p.Config) != "clawdbot.json" {
		t.Fatalf("config = %s exists=%v", p.Config, p.ConfigExists)
	}
	if err := SetConfigProfile(p, "anthropic:default", "anthropic", "token"); err != nil {
		t.Fatal(err)
	}
	want := `{
  "auth": {
    "profiles": {
      "anthropic:default": {
        "provider": "anthropic",
        "mode": "token"
      }
    }
  }
}
`
	if got := readFile(t, p.Config); string(got) != want {
		t.Errorf("created config:\n%s", got)
	}
	if m := fileMode(t, p.Config); m != 0o600 {
		t.Errorf("config mode %o, want 600", m)
	}
	if m := fileMode(t, p.StateDir); m != 0o700 {
		t.Errorf("state dir mode %o, want 700", m)
	}
	// Removing from a config that does not exist creates nothing.
	p2 := newTestPaths(t)
	if err := RemoveConfigProfile(p2, "a:b"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p2.StateDir); !os.IsNotExist(err) {
		t.Error("RemoveConfigProfile created the state dir")
	}
}

func TestSetConfigProfileKeepsModeAndFollowsConfigPath(t *testing.T) {
	root := t.TempDir()
	cfgPath := filepath.Join(root, "etc", "gw", "config.json")
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": filepath.Join(root, "s"), "CLAWDBOT_CONFIG_PATH": cfgPath}), root)
	if err != nil {
		t.Fatal(err)
	}
	if err := SetConfigProfile(p, "a:b", "a", "token"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfgPath); err != nil {
		t.Fatalf("config not created at the configured path: %v", err)
	}
	if err := os.Chmod(cfgPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SetConfigProfile(p, "c:d", "c", "api_key"); err != nil {
		t.Fatal(err)
	}
	if m := fileMode(t, cfgPath); m != 0o644 {
		t.Errorf("mode %o, want the existing 644 kept", m)
	}
	// A symlinked config stays a symlink.
	link := filepath.Join(root, "s", "clawdbot.json")
	if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(cfgPath, link); err != nil {
		t.Fatal(err)
	}
	p2, _ := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": filepath.Join(root, "s")}), root)
	if err := SetConfigProfile(p2, "e:f", "e", "token"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the config symlink was replaced: %v", err)
	}
	if got := docKeys(t, readFile(t, cfgPath), "auth", "profiles"); !equalStrings(got, []string{"a:b", "c:d", "e:f"}) {
		t.Errorf("profiles = %v", got)
	}
}
