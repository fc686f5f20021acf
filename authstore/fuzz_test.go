package authstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// Seeds beyond testdata/fuzz: the gateway's own files and the fixtures.
func addFileSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(sample(f, n))
	}
}

func compactJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("compact %q: %v", raw, err)
	}
	return b.String()
}

// FuzzParseStore: the parser never panics; what it accepts is written out
// in a form that reads back to the same bytes, and every top-level field
// (known or not) survives, in order, through a read, a write and a change.
func FuzzParseStore(f *testing.F) {
	addFileSeeds(f, "store-after-paste-token.json", "store-after-order-set.json", "config-after-paste-token.json")
	f.Add([]byte(richStore))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseStore(data)
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *CorruptError: %v", err, err)
			}
			if ce.Line < 1 || ce.Column < 1 {
				t.Fatalf("no position in %q: %v", data, err)
			}
			return
		}
		m1 := s.Marshal()
		s2, err := ParseStore(m1)
		if err != nil {
			t.Fatalf("our own output does not parse: %v\n%s", err, m1)
		}
		if m2 := s2.Marshal(); !bytes.Equal(m1, m2) {
			t.Fatalf("output not stable:\n%s\n---\n%s", m1, m2)
		}

		in, err := parseDocument(data)
		if err != nil {
			t.Fatalf("ParseStore accepted what parseDocument refuses: %v", err)
		}
		wantKeys := append([]string(nil), in.keys...)
		if _, ok := in.get("profiles"); !ok {
			wantKeys = append(wantKeys, "profiles")
		}
		checkTop := func(out []byte, skip string) {
			t.Helper()
			doc, err := parseDocument(out)
			if err != nil {
				t.Fatal(err)
			}
			if !equalStrings(doc.keys, wantKeys) {
				t.Fatalf("keys %q, want %q", doc.keys, wantKeys)
			}
			for _, k := range in.keys {
				if k == skip {
					continue
				}
				got, _ := doc.get(k)
				if compactJSON(t, got) != compactJSON(t, in.vals[k]) {
					t.Fatalf("%q = %s, want %s", k, got, in.vals[k])
				}
			}
		}
		checkTop(m1, "")

		// A change to one profile leaves every other field as it was.
		before := append([]string(nil), docAt(t, m1, "profiles").keys...)
		s2.PutProfile(Credential{ID: "fuzz:new", Provider: "fuzz", Type: TypeAPIKey, Secret: "sk-FAKE"})
		m3 := s2.Marshal()
		checkTop(m3, "profiles")
		after := docAt(t, m3, "profiles").keys
		for i, id := range before {
			if after[i] != id {
				t.Fatalf("profiles reordered: %q -> %q", before, after)
			}
		}
		if p, ok := s2.Profile("fuzz:new"); !ok || p.Key != "sk-FAKE" {
			t.Fatalf("PutProfile did not take: %+v", p)
		}
		if _, err := ParseStore(m3); err != nil {
			t.Fatalf("output after PutProfile does not parse: %v", err)
		}
		// Removing every profile keeps the rest too.
		for _, p := range s2.Profiles {
			s2.RemoveProfile(p.ID)
		}
		if _, err := ParseStore(s2.Marshal()); err != nil {
			t.Fatalf("output after RemoveProfile does not parse: %v", err)
		}
	})
}

// FuzzSetEnvLine: the .env editor never panics, and what it writes reads
// back, with dotenv's grammar, as key = value (one assignment of it) with
// every other key's value as it was and every byte outside the key's
// assignments kept.
func FuzzSetEnvLine(f *testing.F) {
	f.Add([]byte("# env\nA=1\nK=old\n"), "K", "new value")
	f.Add([]byte("export K='x' # c\r\nB=\"2\"\r\n"), "K", "it's")
	f.Add([]byte("K=1\nK=2\nK=3"), "K", "")
	f.Add([]byte(""), "ANTHROPIC_API_KEY", fakeAPI)
	f.Add([]byte("P=\"-----BEGIN\nOPENAI_API_KEY=inside\n-----END\"\n"), "OPENAI_API_KEY", fakeOAI)
	f.Add([]byte("K='a\nb'\nQ=`x\nK=y`\nK\n=z\n"), "K", "v")
	f.Add([]byte("OPEN='abc\n"), "K", " #x")
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		out, err := SetEnvLine(data, key, value)
		if err != nil {
			return
		}
		checkSetEnvLine(t, data, key, value, out)
	})
}

// FuzzParseConfig: the JSON5 config reader never panics, whatever the file
// holds.
func FuzzParseConfig(f *testing.F) {
	addFileSeeds(f, "config-hand-edited.json5", "config-after-paste-token.json")
	f.Add([]byte(`{agents: {defaults: {model: {primary: "a/b", fallbacks: ["c/d", 1, null]}, imageModel: "x/y"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig("fuzz.json5", data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *ConfigError", err)
			}
			return
		}
		_ = c.ProvidersInUse()
		snap := Snapshot{Store: NewStore(), Config: c}
		BuildReport(snap, fixedNow, 0)
	})
}
