package authstore

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

const bomStore = "{\n  \"version\": 1,\n  \"profiles\": {\n    \"anthropic:default\": {\n      \"type\": \"api_key\",\n      \"provider\": \"anthropic\",\n      \"key\": \"sk-ant-api03-FAKE\"\n    }\n  }\n}\n"

// TestStoreWithBOMIsNamedAsSuch: a store that starts with a UTF-8
// byte-order mark is refused with a reason that says so (it used to read
// "invalid character 'ï' looking for beginning of value").
func TestStoreWithBOMIsNamedAsSuch(t *testing.T) {
	_, err := ParseStore(append([]byte("\xEF\xBB\xBF"), bomStore...))
	var ce *CorruptError
	if !errors.As(err, &ce) || !ce.BOM || ce.Line != 1 || ce.Column != 1 || !strings.HasPrefix(ce.Reason, "it starts with a UTF-8 byte-order mark") {
		t.Fatalf("ParseStore: %#v", err)
	}
	if !strings.Contains(err.Error(), "the gateway cannot read it either") || !strings.Contains(err.Error(), "run `moltbot doctor --fix` to remove it; nothing else changes") {
		t.Errorf("message: %v", err)
	}
	// A mark in front of a store that is broken anyway: the real problem,
	// where it is, and the mark as well.
	_, err = ParseStore([]byte("\xEF\xBB\xBF{\"profiles\": [}"))
	if !errors.As(err, &ce) || ce.BOM || ce.Line != 1 || ce.Column != 16 || // the mark is the first character of line 1
		!strings.HasSuffix(ce.Reason, "; the file also starts with a UTF-8 byte-order mark") {
		t.Errorf("a corrupt store with a mark: %#v", err)
	}
	// Through Load, with the path.
	p := newTestPaths(t)
	writeFile(t, p.Store, append([]byte("\xEF\xBB\xBF"), bomStore...))
	if _, err := Load(p); !errors.As(err, &ce) || ce.Path != p.Store || !ce.BOM {
		t.Errorf("Load: %v", err)
	}
}

// TestStripStoreBOM: the mark goes, every other byte stays, under the
// lock and with an atomic replace; the .bak is left alone, and a store that
// would not parse without the mark is not touched.
func TestStripStoreBOM(t *testing.T) {
	p := newTestPaths(t)
	writeFile(t, p.Store, append([]byte("\xEF\xBB\xBF\xEF\xBB\xBF"), bomStore...))
	writeFile(t, p.Backup, []byte("the previous good file\n"))
	removed, err := StripStoreBOM(context.Background(), p)
	if err != nil || !removed {
		t.Fatalf("StripStoreBOM = %v, %v", removed, err)
	}
	if got := string(readFile(t, p.Store)); got != bomStore {
		t.Errorf("store after = %q", got)
	}
	if got := string(readFile(t, p.Backup)); got != "the previous good file\n" {
		t.Errorf(".bak changed: %q", got)
	}
	if m := fileMode(t, p.Store); m != 0o600 {
		t.Errorf("mode %o", m)
	}
	if _, err := os.Stat(p.Store + ".lock"); !os.IsNotExist(err) {
		t.Errorf("lock left behind: %v", err)
	}
	if snap, err := Load(p); err != nil || len(snap.Store.Profiles) != 1 {
		t.Errorf("Load after: %v", err)
	}
	if removed, err := StripStoreBOM(context.Background(), p); removed || err != nil {
		t.Errorf("second StripStoreBOM = %v, %v", removed, err)
	}
	broken := "\xEF\xBB\xBF{\"profiles\": ["
	writeFile(t, p.Store, []byte(broken))
	if removed, err := StripStoreBOM(context.Background(), p); removed || err != nil || string(readFile(t, p.Store)) != broken {
		t.Errorf("StripStoreBOM on a broken store = %v, %v", removed, err)
	}
}

// TestDuplicateProfileIDs: an id written twice is read as JSON.parse reads
// it (first place, last value), DuplicateProfiles says where both are,
// and the next write that changes a profile keeps only the last.
func TestDuplicateProfileIDs(t *testing.T) {
	data := `{
  "version": 1,
  "profiles": {
    "anthropic:a": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKEfirst"},
    "openai:b": {"type": "api_key", "provider": "openai", "key": "sk-proj-FAKEb"},
    "anthropic:a": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKElast"}
  }
}
`
	s, err := ParseStore([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Profiles) != 2 || s.Profiles[0].ID != "anthropic:a" || s.Profiles[0].Key != "sk-ant-api03-FAKElast" {
		t.Errorf("profiles %+v; want anthropic:a first with the last value", s.Profiles)
	}
	d := s.DuplicateProfiles()
	if len(d) != 1 || d[0].ID != "anthropic:a" || len(d[0].Lines) != 2 || d[0].Lines[0] != 4 || d[0].Lines[1] != 6 {
		t.Errorf("DuplicateProfiles = %+v", d)
	}
	p := newTestPaths(t)
	writeFile(t, p.Store, []byte(data))
	snap, err := update(context.Background(), p, func(s *Store) error {
		s.PutProfile(Credential{ID: "openai:c", Provider: "openai", Type: TypeAPIKey, Secret: "sk-proj-FAKEc"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after := string(readFile(t, p.Store))
	if strings.Count(after, `"anthropic:a"`) != 1 || !strings.Contains(after, "FAKElast") || strings.Contains(after, "FAKEfirst") {
		t.Errorf("store after a write:\n%s", after)
	}
	if len(snap.Store.DuplicateProfiles()) != 0 {
		t.Errorf("duplicates after the write: %+v", snap.Store.DuplicateProfiles())
	}
}
