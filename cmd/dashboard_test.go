package cmd

import (
	"strings"
	"testing"
)

func TestRootWithoutATerminalPrintsStatus(t *testing.T) {
	c := newCLI(t)
	c.writeStore(`{
  "version": 1,
  "profiles": {
    "anthropic:default": { "type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE` + strings.Repeat("A", 80) + `" }
  }
}
`)
	out, errOut, code := c.run()
	wantOut, wantErr, wantCode := c.run("models", "status")
	if out != wantOut || errOut != wantErr || code != wantCode {
		t.Errorf("moltbot piped = (%q, %q, %d), want models status (%q, %q, %d)", out, errOut, code, wantOut, wantErr, wantCode)
	}
	if !strings.Contains(out, "anthropic:default") {
		t.Errorf("status output lacks the profile:\n%s", out)
	}
	if strings.Contains(out, strings.Repeat("A", 40)) {
		t.Error("a secret was printed")
	}
}
