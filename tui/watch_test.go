package tui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// expectChange waits (bounded) for the watcher to report a change.
func expectChange(t *testing.T, w *watcher, what string) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("%s: %v", what, time.Since(start)) }()
	got := make(chan any, 1)
	go func() { got <- w.next()() }()
	select {
	case msg := <-got:
		if _, ok := msg.(filesChangedMsg); !ok {
			t.Fatalf("%s: watcher said %T", what, msg)
		}
		// Let the burst settle and forget what it left pending, so the next
		// step is only satisfied by its own change.
		time.Sleep(3 * debounce)
		select {
		case <-w.changed:
		default:
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: no change reported", what)
	}
}

func scratchPaths(t *testing.T) (authstore.Paths, string) {
	t.Helper()
	root := t.TempDir()
	state := filepath.Join(root, "state")
	p, err := authstore.ResolvePaths("", func(k string) string {
		if k == "MOLTBOT_STATE_DIR" {
			return state
		}
		if k == "MOLTBOT_GATEWAY" {
			return "clawdbot" // a fresh state dir says nothing about the gateway
		}
		return ""
	}, root)
	if err != nil {
		t.Fatal(err)
	}
	return p, state
}

func renameInto(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	tmp := path + ".tmp-x"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestWatcherFollowsDirectoriesAsTheyAppear(t *testing.T) {
	for _, poll := range []bool{false, true} {
		name := "fsnotify"
		if poll {
			name = "poll"
		}
		t.Run(name, func(t *testing.T) {
			defer func(d time.Duration) { pollEvery = d }(pollEvery)
			pollEvery = 50 * time.Millisecond
			paths, state := scratchPaths(t)
			// Nothing exists yet: not the state dir, not the agent dir.
			w := watchPaths(paths, poll)
			defer w.Close()
			time.Sleep(50 * time.Millisecond)

			renameInto(t, paths.Store, `{"version":1,"profiles":{}}`)
			expectChange(t, w, "store created with its directories")

			renameInto(t, paths.Store, `{"version":1,"profiles":{"a:b":{}}}`)
			expectChange(t, w, "store replaced by rename")

			if err := os.WriteFile(filepath.Join(state, ".env"), []byte("OPENAI_API_KEY=sk-FAKE\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			expectChange(t, w, ".env written")

			renameInto(t, filepath.Join(state, "clawdbot.json"), `{"auth":{}}`)
			expectChange(t, w, "config created")

			// openclaw 2026.4.7–6.1 write the order and usage apart, and
			// openclaw's config has its own name.
			renameInto(t, paths.StateFile, `{"version":1,"order":{"a":["a:b"]}}`)
			expectChange(t, w, "auth-state.json written")
			renameInto(t, filepath.Join(state, "openclaw.json"), `{"auth":{}}`)
			expectChange(t, w, "openclaw.json created")

			if !poll {
				// A lock released by another process (the gateway's mkdir lock).
				if err := os.Mkdir(paths.Lock(), 0o700); err != nil {
					t.Fatal(err)
				}
				expectChange(t, w, "lock taken")
				if err := os.Remove(paths.Lock()); err != nil {
					t.Fatal(err)
				}
				expectChange(t, w, "lock released")
			}
		})
	}
}

func TestWatcherIgnoresUnrelatedFiles(t *testing.T) {
	paths, _ := scratchPaths(t)
	renameInto(t, paths.Store, `{"version":1,"profiles":{}}`)
	w := newWatcher(paths)
	defer w.Close()
	if file, dir := w.relevant(filepath.Join(paths.AgentDir, "auth-profiles.json.tmp-123")); file || dir {
		t.Error("a temp file counts as a change")
	}
	if file, _ := w.relevant(paths.Store); !file {
		t.Error("the store does not count")
	}
	if _, dir := w.relevant(filepath.Dir(paths.AgentDir)); !dir {
		t.Error("a parent of the agent dir does not count")
	}
	if err := w.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if msg := w.next()(); msg != nil {
		t.Errorf("a closed watcher reported %T", msg)
	}
}

// copyTree copies a sample state dir (never opened in place: opening a
// WAL database creates files beside it).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWatcherSeesSQLiteCommits: with openclaw 2026.6.5 and later the
// credentials are in SQLite, where a commit only appends to a -wal file:
// a commit to the shared state database or to the agent's own database
// reloads the dashboard all the same.
func TestWatcherSeesSQLiteCommits(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(map[bool]string{false: "fsnotify", true: "poll"}[poll], func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "state")
			copyTree(t, filepath.Join("..", "authstore", "testdata", "openclaw-2026.9.6", "b-token-order-cooldown"), state)
			paths, err := authstore.ResolvePaths("", func(k string) string {
				if k == "OPENCLAW_STATE_DIR" {
					return state
				}
				return ""
			}, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if paths.Gateway.Generation != authstore.GenSQLite {
				t.Fatalf("gateway %+v", paths.Gateway)
			}
			w := watchPaths(paths, poll)
			defer w.Close()
			time.Sleep(50 * time.Millisecond)

			ctx := context.Background()
			if _, err := authstore.ClearUsageState(ctx, paths, []string{"anthropic:manual"}, "", time.Now()); err != nil {
				t.Fatal(err)
			}
			expectChange(t, w, "a commit to the shared state database")
			if _, err := authstore.ClearOrder(ctx, paths, "anthropic"); err != nil {
				t.Fatal(err)
			}
			expectChange(t, w, "a commit to the agent's database")
		})
	}
}
