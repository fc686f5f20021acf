package authstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/benchcpu"
	"github.com/moltbot/moltbot/internal/fixtures"
)

// benchStore is a store of n profiles spread over ten providers, of every
// type, with usage stats and an order override, shaped like the gateway's.
func benchStore(tb testing.TB, n int) []byte {
	tb.Helper()
	doc := newObject()
	doc.setValue("version", 1)
	profiles := newObject()
	usage := newObject()
	order := newObject()
	for i := range n {
		provider := fmt.Sprintf("provider%d", i%10)
		id := fmt.Sprintf("%s:p%04d", provider, i)
		o := newObject()
		switch i % 3 {
		case 0:
			o.setValue("type", TypeAPIKey)
			o.setValue("provider", provider)
			o.setValue("key", fakeAPI)
			o.setValue("email", fmt.Sprintf("user%d@example.com", i))
		case 1:
			o.setValue("type", TypeToken)
			o.setValue("provider", provider)
			o.setValue("token", fakeOAT)
			o.setValue("expires", ms(time.Duration(i)*time.Hour))
		default:
			o.setValue("type", TypeOAuth)
			o.setValue("provider", provider)
			o.setValue("access", fakeOAT)
			o.setValue("refresh", fakeOAT)
			o.setValue("expires", ms(time.Duration(i-n/2)*time.Hour))
			o.setValue("accountId", "acct_FAKE")
		}
		profiles.setChild(id, o)
		if i%4 == 0 {
			u := newObject()
			u.setValue("lastUsed", ms(-time.Duration(i)*time.Minute))
			u.setValue("errorCount", i%3)
			if i%8 == 0 {
				u.setValue("cooldownUntil", ms(time.Duration(i)*time.Second))
			}
			usage.setChild(id, u)
		}
		if i%10 == 0 && i < 50 {
			order.setValue(provider, []string{id})
		}
	}
	doc.setChild("profiles", profiles)
	doc.setChild("order", order)
	doc.setChild("usageStats", usage)
	return doc.marshalFile()
}

// BenchmarkUpdate100 is one store transaction on a 100-profile store: lock,
// fresh read, change, write with fsync, rename, release (SPEC §8: a few ms).
func BenchmarkUpdate100(b *testing.B) {
	p := newBenchPaths(b)
	writeFile(b, p.Store, benchStore(b, 100))
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

// BenchmarkLoad1000 reads a 1,000-profile store with its config and .env.
func BenchmarkLoad1000(b *testing.B) {
	p := newBenchPaths(b)
	writeFile(b, p.Store, benchStore(b, 1000))
	writeFile(b, p.Config, sample(b, "config-after-paste-token.json"))
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		if _, err := Load(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReport1000 is what `models status --check` computes on a
// 1,000-profile store: Load, then BuildReport.
func BenchmarkReport1000(b *testing.B) {
	p := newBenchPaths(b)
	writeFile(b, p.Store, benchStore(b, 1000))
	writeFile(b, p.Config, sample(b, "config-after-paste-token.json"))
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		snap, err := Load(p)
		if err != nil {
			b.Fatal(err)
		}
		if r := BuildReport(snap, fixedNow, DefaultWarn); len(r.Providers) == 0 {
			b.Fatal("empty report")
		}
	}
}

// BenchmarkBuildReport1000 is BuildReport alone on a loaded 1,000-profile
// snapshot (what the dashboard does on every reload).
func BenchmarkBuildReport1000(b *testing.B) {
	snap := Snapshot{Store: mustParse(b, string(benchStore(b, 1000)))}
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		BuildReport(snap, fixedNow, DefaultWarn)
	}
}

func newBenchPaths(b *testing.B) Paths {
	b.Helper()
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": b.TempDir(), "MOLTBOT_GATEWAY": "clawdbot"}), "")
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkLoad100k reads a 100,000-profile store (fixtures.MixedStore,
// 31 MB) with its config.
func BenchmarkLoad100k(b *testing.B) {
	p := newBenchPaths(b)
	writeFile(b, p.Store, fixtures.MixedStore(100_000, fixedNow))
	writeFile(b, p.Config, sample(b, "config-after-paste-token.json"))
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		if _, err := Load(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildReport100k evaluates a loaded 100,000-profile snapshot.
func BenchmarkBuildReport100k(b *testing.B) {
	snap := Snapshot{Store: mustParse(b, string(fixtures.MixedStore(100_000, fixedNow)))}
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		BuildReport(snap, fixedNow, DefaultWarn)
	}
}
