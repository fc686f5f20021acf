package jsondoc

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// FuzzAppendString: any string, valid UTF-8 or not, is written as
// encoding/json writes it without HTML escaping.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\/\b\f\n\r\t\x00\x1f\x7f", "<>&", "é€😀", "\u2028\u2029", "\xff\xe2\x80", "\xed\xa0\x80", "a\u202eb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// FuzzWriteStatus: whatever store the gateway's files hold, evaluated at
// any time with any warn window, with or without the snapshot's other
// parts, `models status --json` is byte for byte what encoding/json makes
// of the schema's structs.
func FuzzWriteStatus(f *testing.F) {
	files, _ := filepath.Glob("../../authstore/testdata/store-*.json")
	more, _ := filepath.Glob("../../cmd/testdata/*.json")
	for _, p := range append(files, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, testNow.UnixMilli(), int64(24), false)
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 8 {
		f.Add(randomStore(r, testNow), testNow.UnixMilli()+int64(i)*3_600_000, int64(i), i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, nowMs, warnHours int64, extras bool) {
		store, err := authstore.ParseStore(data)
		if err != nil {
			t.Skip()
		}
		now := time.UnixMilli(nowMs)
		if now.Year() < 1 || now.Year() > 9999 {
			t.Skip() // encoding/json of a time outside these years is not at issue
		}
		snap := authstore.Snapshot{Store: store, Exists: true, Paths: authstore.Paths{AgentID: "main", AgentDir: "/a", Store: "/a/s.json"}}
		if extras {
			withExtras(&snap)
		}
		rep := authstore.BuildReport(snap, now, time.Duration(warnHours%100_000)*time.Hour)
		sameBytes(t, "fuzzed store", statusBytes(t, snap, rep, nil), referenceStatus(t, snap, rep, nil))
	})
}

// TestPlain8: every byte value at every place of a block of eight: the
// block is plain exactly when the byte is printable ASCII other than the
// quote and the backslash.
func TestPlain8(t *testing.T) {
	for b := range 256 {
		for at := range 8 {
			block := []byte("aZ09 ~!a")
			block[at] = byte(b)
			want := b >= 0x20 && b < 0x80 && b != '"' && b != '\\'
			if got := plain8(string(block)); got != want {
				t.Errorf("plain8 with %#02x at %d = %v", b, at, got)
			}
		}
	}
}
