package authstore

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fixedNow is the clock every table test uses.
var fixedNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// ms is fixedNow moved by d, in the store's milliseconds.
func ms(d time.Duration) int64 { return fixedNow.Add(d).UnixMilli() }

// fakeSecret is an obviously fake credential of the right shape: prefix,
// "FAKE", then letters up to n characters.
func fakeSecret(prefix string, n int, fill byte) string {
	s := prefix + "FAKE"
	if len(s) < n {
		s += strings.Repeat(string(fill), n-len(s))
	}
	return s
}

var (
	fakeOAT = fakeSecret("sk-ant-oat01-", 108, 'T') // an Anthropic setup token
	fakeAPI = fakeSecret("sk-ant-api03-", 108, 'K') // an Anthropic API key
	fakeOAI = fakeSecret("sk-proj-", 56, 'O')       // an OpenAI key
)

// mapEnv is a Getenv backed by a map, so no test reads the real environment.
func mapEnv(m map[string]string) Getenv {
	return func(k string) string { return m[k] }
}

// newTestPaths resolves the default agent's paths in a fresh state dir that
// does not exist yet.
func newTestPaths(t *testing.T) Paths {
	t.Helper()
	root := t.TempDir()
	// Tests speak for clawdbot 2026.1 (generation A) unless they say
	// otherwise: a fresh state dir alone says nothing.
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": filepath.Join(root, "state"), "MOLTBOT_GATEWAY": "clawdbot"}), filepath.Join(root, "home"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sample is one of the gateway's own files, copied into testdata.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t testing.TB, data string) *Store {
	t.Helper()
	s, err := ParseStore([]byte(data))
	if err != nil {
		t.Fatalf("ParseStore: %v", err)
	}
	return s
}

func mustUpdate(t *testing.T, paths Paths, fn func(*Store) error) Snapshot {
	t.Helper()
	snap, err := update(context.Background(), paths, fn)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	return snap
}

// jsonOf marshals v compactly for building fixtures.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// indentJSON formats compact JSON the way the gateway writes files.
func indentJSON(t testing.TB, compact string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(compact), "", "  "); err != nil {
		t.Fatalf("indent %s: %v", compact, err)
	}
	return b.String() + "\n"
}

// docKeys lists the keys of the object at path (top level when empty) in
// file order.
func docKeys(t testing.TB, data []byte, path ...string) []string {
	t.Helper()
	o := docAt(t, data, path...)
	return append([]string(nil), o.keys...)
}

// docRaw is the compacted raw value at path.
func docRaw(t testing.TB, data []byte, path ...string) string {
	t.Helper()
	o := docAt(t, data, path[:len(path)-1]...)
	raw, ok := o.get(path[len(path)-1])
	if !ok {
		t.Fatalf("no %v in %s", path, data)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// docHas reports whether path exists.
func docHas(t testing.TB, data []byte, path ...string) bool {
	t.Helper()
	o := docAt(t, data, path[:len(path)-1]...)
	_, ok := o.get(path[len(path)-1])
	return ok
}

func docAt(t testing.TB, data []byte, path ...string) *object {
	t.Helper()
	o, err := parseDocument(data)
	if err != nil {
		t.Fatalf("parse %s: %v", data, err)
	}
	for _, k := range path {
		c, ok := o.child(k)
		if !ok {
			t.Fatalf("no object at %v in %s", path, data)
		}
		o = c
	}
	return o
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// setUmask sets the process umask and returns the old one. Tests that use it
// do not run in parallel.
func setUmask(mask int) int { return syscall.Umask(mask) }
