package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/moltbot/moltbot/authstore"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// testNow is the fixed clock of every TUI test (STYLE.md).
var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// fakeEnvKey is the ANTHROPIC_API_KEY of the injected environment.
var fakeEnvKey = "sk-ant-api03-FAKE" + strings.Repeat("E", 80)

// scratch is a state dir in t.TempDir with the home directory beside it,
// so that paths show as ~/state/….
type scratch struct {
	t      *testing.T
	root   string
	state  string
	paths  authstore.Paths
	getenv map[string]string
}

func newScratch(t *testing.T, fixture string) *scratch {
	t.Helper()
	root := t.TempDir()
	s := &scratch{t: t, root: root, state: filepath.Join(root, "state"),
		getenv: map[string]string{"ANTHROPIC_API_KEY": fakeEnvKey}}
	if fixture != "" {
		data, err := os.ReadFile(filepath.Join("testdata", fixture))
		if err != nil {
			t.Fatal(err)
		}
		s.writeStore(string(data))
	}
	paths, err := authstore.ResolvePaths("", func(k string) string {
		if k == "MOLTBOT_STATE_DIR" {
			return s.state
		}
		if k == "MOLTBOT_GATEWAY" {
			return "clawdbot" // a fresh state dir says nothing about the gateway
		}
		return ""
	}, root)
	if err != nil {
		t.Fatal(err)
	}
	s.paths = paths
	return s
}

func (s *scratch) storePath() string {
	return filepath.Join(s.state, "agents", "main", "agent", "auth-profiles.json")
}

func (s *scratch) writeStore(content string) {
	s.t.Helper()
	p := s.storePath()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		s.t.Fatal(err)
	}
	// Write like the gateway does: a temp file renamed over the store.
	tmp := p + ".tmp-test"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		s.t.Fatal(err)
	}
}

func (s *scratch) readStore() string {
	s.t.Helper()
	data, err := os.ReadFile(s.storePath())
	if err != nil {
		s.t.Fatal(err)
	}
	return string(data)
}

// options are the program's options on this state dir with the fixed
// clock.
func (s *scratch) options(watch bool) Options {
	return Options{
		Paths:  s.paths,
		Clock:  func() time.Time { return testNow },
		Getenv: func(k string) string { return s.getenv[k] },
		Home:   s.root,
		Watch:  watch,
	}
}

// app is the root model on this state dir with the fixed clock.
func (s *scratch) app(watch bool) *App {
	a := New(s.options(watch))
	s.t.Cleanup(func() { _ = a.Close() })
	return a
}
