package authstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/moltbot/moltbot/internal/benchcpu"
)

// sqliteBenchState is sample a with the 1,000 profiles of benchStore in
// its shared store (credentials in authProfiles.store; order and usage in
// authProfiles.state, where openclaw keeps them) and the same config as
// the JSON benchmark.
func sqliteBenchState(b *testing.B) Paths { return sqliteBenchStateOf(b, sampleA, 1000) }

func sqliteBenchStateOf(b *testing.B, sampleName string, n int) Paths {
	b.Helper()
	state := copySample(b, sampleName)
	doc, err := parseDocument(benchStore(b, n))
	if err != nil {
		b.Fatal(err)
	}
	store := newObject()
	store.set("version", []byte("1"))
	profiles, _ := doc.get("profiles")
	store.set("profiles", profiles)
	st := newObject()
	st.set("version", []byte("1"))
	for _, k := range []string{"order", "usageStats"} {
		raw, _ := doc.get(k)
		st.set(k, raw)
	}
	c, err := openSQLite(b.Context(), sharedDB(state), false)
	if err != nil {
		b.Fatal(err)
	}
	for i, raw := range [][]byte{store.marshal(), st.marshal()} {
		if err := c.exec(b.Context(), upsertSQL[stateDB][i], string(raw), 1); err != nil {
			b.Fatal(err)
		}
	}
	c.close()
	writeFile(b, filepath.Join(state, "openclaw.json"), sample(b, "config-after-paste-token.json"))
	return sqlitePaths(b, state, "")
}

// BenchmarkReport1000SQLite is BenchmarkReport1000 (what `models status
// --json` computes: Load, then BuildReport) on the same 1,000 profiles
// kept in openclaw's SQLite store, in a process that has read it before
// (the dashboard; detection and the read share one connection).
func BenchmarkReport1000SQLite(b *testing.B) {
	p := sqliteBenchState(b)
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		snap, err := Load(p)
		if err != nil {
			b.Fatal(err)
		}
		if r := BuildReport(snap, fixedNow, DefaultWarn); len(r.Providers) == 0 || len(snap.Store.Profiles) != 1000 {
			b.Fatal("empty report")
		}
	}
}

// BenchmarkReport1000SQLiteCold is the same as one `models status` run
// does it: the database opened afresh (its schema parsed) every time.
func BenchmarkReport1000SQLiteCold(b *testing.B) {
	p := sqliteBenchState(b)
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		closeReadConns()
		snap, err := Load(p)
		if err != nil {
			b.Fatal(err)
		}
		if r := BuildReport(snap, fixedNow, DefaultWarn); len(r.Providers) == 0 || len(snap.Store.Profiles) != 1000 {
			b.Fatal("empty report")
		}
	}
}

// BenchmarkUpdate100SQLite is BenchmarkUpdate100 (one order change on a
// 100-profile store) in openclaw's SQLite store: open both databases,
// BEGIN IMMEDIATE, fresh read, write the agent's state row, COMMIT.
func BenchmarkUpdate100SQLite(b *testing.B) {
	p := sqliteBenchStateOf(b, sampleB, 100)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := update(ctx, p, func(s *Store) error {
			s.SetOrder("provider1", []string{fmt.Sprintf("provider1:p%04d", 1+10*(i%10))})
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
