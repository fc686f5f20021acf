package jsondoc

import (
	"io"
	"testing"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/benchcpu"
	"github.com/moltbot/moltbot/internal/fixtures"
)

// BenchmarkWriteStatus100k writes `models status --json` for an evaluated
// 100,000-profile store (64 MB of JSON), the encoding alone.
func BenchmarkWriteStatus100k(b *testing.B) {
	store, err := authstore.ParseStore(fixtures.MixedStore(100_000, testNow))
	if err != nil {
		b.Fatal(err)
	}
	snap := authstore.Snapshot{Store: store, Exists: true}
	rep := authstore.BuildReport(snap, testNow, authstore.DefaultWarn)
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		if err := WriteStatus(io.Discard, snap, rep, nil); err != nil {
			b.Fatal(err)
		}
	}
}
