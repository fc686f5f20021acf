package authstore

import (
	"path/filepath"
	"testing"
)

// sqliteBenchState is sample a with the 1,000 profiles of benchStore in
// its shared store (credentials in authProfiles.store; order and usage in
// authProfiles.state, where openclaw keeps them) and the same config as
// the JSON benchmark.
func sqliteBenchState(b *testing.B) Paths {
	b.Helper()
	state := copySample(b, sampleA)
	doc, err := parseDocument(benchStore(b, 1000))
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
