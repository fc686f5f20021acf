package authstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Generation C (openclaw 2026.4.7–6.1): auth-profiles.json + auth-state.json,
// checked against what the real openclaw read and wrote
// (testdata/gateways/openclaw-2026.*/merge, delete-empty-state, samples).

func vector(t *testing.T, rel, path string) string {
	t.Helper()
	return string(readFile(t, filepath.Join(gatewaysDir, rel, path)))
}

func sample61(t *testing.T, name string) string {
	return vector(t, "openclaw-2026.6.1", filepath.Join("samples", name))
}

// sameView checks that two stores read the same to the gateway: the same
// profiles, order, lastGood and usage.
func sameView(t *testing.T, got, want *Store) {
	t.Helper()
	if !reflect.DeepEqual(got.Profiles, want.Profiles) {
		t.Errorf("profiles differ:\n got %+v\nwant %+v", got.Profiles, want.Profiles)
	}
	if !reflect.DeepEqual(got.Order, want.Order) {
		t.Errorf("order = %v, want %v", got.Order, want.Order)
	}
	if !reflect.DeepEqual(got.LastGood, want.LastGood) {
		t.Errorf("lastGood = %v, want %v", got.LastGood, want.LastGood)
	}
	if !reflect.DeepEqual(got.Usage, want.Usage) {
		t.Errorf("usage = %v, want %v", got.Usage, want.Usage)
	}
}

func mustLoad(t *testing.T, p Paths) Snapshot {
	t.Helper()
	snap, err := LoadWithEnv(p, mapEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func mustNotExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists (%v)", filepath.Base(path), err)
	}
}

// TestSplitReadMergesAsOpenclaw: inline state overridden per key by
// auth-state.json, as openclaw 2026.6.1's `order get` printed it (merge
// vector 01/02) — order per provider, usageStats per profile, whole entry.
func TestSplitReadMergesAsOpenclaw(t *testing.T) {
	for _, rel := range []string{"openclaw-2026.4.7", "openclaw-2026.6.1"} {
		t.Run(rel, func(t *testing.T) {
			p := gatewayState(t, rel, "", vector(t, rel, "merge/00-auth-profiles.json"), vector(t, rel, "merge/00-auth-state.json"))
			if p.Gateway.Generation != GenSplitJSON {
				t.Fatalf("generation %v", p.Gateway.Generation)
			}
			snap := mustLoad(t, p)
			if o := snap.Override("anthropic"); !equalStrings(o.IDs, []string{"anthropic:b"}) {
				t.Errorf("anthropic order = %v, openclaw said [anthropic:b]", o.IDs)
			}
			if o := snap.Override("openai"); !equalStrings(o.IDs, []string{"openai:x"}) {
				t.Errorf("openai order = %v, openclaw said [openai:x]", o.IDs)
			}
			if u := snap.Store.Usage["anthropic:a"]; u != (Usage{LastUsed: 9000}) {
				t.Errorf("anthropic:a usage = %+v, want auth-state.json's whole entry {lastUsed: 9000}", u)
			}
			if u := snap.Store.Usage["openai:x"]; u.LastUsed != 2000 {
				t.Errorf("openai:x usage = %+v, want the inline one", u)
			}
			if snap.Store.LastGood["anthropic"] != "anthropic:a" {
				t.Errorf("lastGood = %v", snap.Store.LastGood)
			}
			// Reading writes nothing.
			if got := string(readFile(t, p.Store)); got != vector(t, rel, "merge/00-auth-profiles.json") {
				t.Error("a read changed auth-profiles.json")
			}
		})
	}
}

// TestSplitFirstWriteMovesInlineStateOut: the first write beside an
// auth-state.json moves the inline state there, as openclaw does (merge
// vector: the state file after `order clear --provider anthropic` is
// byte for byte openclaw 2026.6.1's). auth-profiles.json keeps every
// field moltbot does not know (openclaw drops them), and its .bak is the
// file before.
func TestSplitFirstWriteMovesInlineStateOut(t *testing.T) {
	const rel = "openclaw-2026.6.1"
	before := vector(t, rel, "merge/00-auth-profiles.json")
	p := gatewayState(t, rel, "", before, vector(t, rel, "merge/00-auth-state.json"))
	if _, err := ClearOrder(context.Background(), p, "anthropic"); err != nil {
		t.Fatal(err)
	}
	if got, want := string(readFile(t, p.StateFile)), vector(t, rel, "merge/04-auth-state.json"); got != want {
		t.Errorf("auth-state.json =\n%s\nopenclaw wrote\n%s", got, want)
	}
	doc, err := parseDocument(readFile(t, p.Store))
	if err != nil {
		t.Fatal(err)
	}
	if inline := inlineState(doc); len(inline) > 0 {
		t.Errorf("auth-profiles.json still holds %v inline", inline)
	}
	orig, _ := parseDocument([]byte(before))
	orig.deleteAll(stateKeys[:])
	if got, want := string(readFile(t, p.Store)), string(orig.marshalFile()); got != want {
		t.Errorf("auth-profiles.json =\n%s\nwant the original without its state:\n%s", got, want)
	}
	for _, kept := range []string{`"x-top-unknown"`, `"weird:w"`, `"x-prof-unknown"`, `"soon"`, `"Anthropic"`} {
		if !strings.Contains(string(readFile(t, p.Store)), kept) {
			t.Errorf("%s was dropped", kept)
		}
	}
	if string(readFile(t, p.Backup)) != before {
		t.Error(".bak is not the file before")
	}
	mustNotExist(t, p.StateFile+".bak")
	// What the gateway reads now is what openclaw read after its own
	// clear (04): the same state, the same credentials.
	want := gatewayState(t, rel, "", vector(t, rel, "merge/04-auth-profiles.json"), vector(t, rel, "merge/04-auth-state.json"))
	got, exp := mustLoad(t, p).Store, mustLoad(t, want).Store
	sameView(t, &Store{Order: got.Order, LastGood: got.LastGood, Usage: got.Usage}, &Store{Order: exp.Order, LastGood: exp.LastGood, Usage: exp.Usage})
}

// TestSplitDeletesEmptyState: clearing the last state entry deletes
// auth-state.json, as openclaw 4.7 and 6.1 do (delete-empty-state), and
// auth-profiles.json, unchanged, is not rewritten (nor backed up).
func TestSplitDeletesEmptyState(t *testing.T) {
	for _, rel := range []string{"openclaw-2026.4.7", "openclaw-2026.6.1"} {
		t.Run(rel, func(t *testing.T) {
			profiles := vector(t, rel, "delete-empty-state/auth-profiles.before.json")
			p := gatewayState(t, rel, "", profiles, vector(t, rel, "delete-empty-state/auth-state.before.json"))
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(p.Store, old, old); err != nil {
				t.Fatal(err)
			}
			fiBefore, err := os.Stat(p.Store)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ClearOrder(context.Background(), p, "anthropic")
			if err != nil {
				t.Fatal(err)
			}
			if res.Before.Set == res.After.Set {
				t.Fatalf("nothing cleared: %+v → %+v", res.Before, res.After)
			}
			mustNotExist(t, p.StateFile)
			if !strings.Contains(vector(t, rel, "delete-empty-state/ls-after.txt"), "auth-profiles.json") ||
				strings.Contains(vector(t, rel, "delete-empty-state/ls-after.txt"), "auth-state.json") {
				t.Fatal("the vector says otherwise")
			}
			if string(readFile(t, p.Store)) != profiles {
				t.Error("auth-profiles.json changed")
			}
			if fi, err := os.Stat(p.Store); err != nil || !os.SameFile(fi, fiBefore) || !fi.ModTime().Equal(fiBefore.ModTime()) {
				t.Errorf("auth-profiles.json was rewritten (%v)", err)
			}
			mustNotExist(t, p.Backup)
			if snap := mustLoad(t, p); snap.Override("anthropic").Set {
				t.Error("the order is still there")
			}
		})
	}
}

// TestSplitSamplesRoundTrip: from the split files openclaw 2026.6.1 left
// after `order set` on the clawdbot-era store, moltbot sets the order back
// and pastes a second token: both files are then byte for byte what
// openclaw wrote when it pasted that token into the original store.
func TestSplitSamplesRoundTrip(t *testing.T) {
	p := gatewayState(t, "openclaw-2026.6.1", "", sample61(t, "clawdbot-era.auth-profiles.after-order-set.json"), sample61(t, "clawdbot-era.auth-state.after-order-set.json"))
	ctx := context.Background()
	if _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:manual", "anthropic:default"}); err != nil {
		t.Fatal(err)
	}
	// Only the state changed: auth-profiles.json is not written.
	if string(readFile(t, p.Store)) != sample61(t, "clawdbot-era.auth-profiles.after-order-set.json") {
		t.Error("order set rewrote auth-profiles.json")
	}
	mustNotExist(t, p.Backup)
	want, _ := ParseStore([]byte(sample61(t, "clawdbot-era.auth-profiles.after-paste-token.json")))
	second, _ := want.Profile("anthropic:second")
	if _, err := SaveCredential(ctx, p, Credential{ID: "anthropic:second", Provider: "anthropic", Type: TypeToken, Secret: second.Token}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := string(readFile(t, p.Store)), sample61(t, "clawdbot-era.auth-profiles.after-paste-token.json"); got != want {
		t.Errorf("auth-profiles.json =\n%s\nopenclaw wrote\n%s", got, want)
	}
	if got, want := string(readFile(t, p.StateFile)), sample61(t, "clawdbot-era.auth-state.after-paste-token.json"); got != want {
		t.Errorf("auth-state.json =\n%s\nopenclaw wrote\n%s", got, want)
	}
}

// TestSplitWithoutStateFileStaysInline: a C gateway that has not made
// auth-state.json yet (json-gens.md §8 row 4): moltbot keeps the state
// inline, where every JSON generation reads it, and never creates
// auth-state.json. What the gateway then reads is what it read from its
// own split files after the same changes (the 2026.6.1 samples: paste-token,
// paste-api-key, order set; the clawdbot-era store and order set).
func TestSplitWithoutStateFileStaysInline(t *testing.T) {
	ctx := context.Background()
	t.Run("fresh", func(t *testing.T) {
		p := gatewayState(t, "openclaw-2026.6.1", "", sample61(t, "auth-profiles.after-paste-token.json"), "")
		after, _ := ParseStore([]byte(sample61(t, "auth-profiles.after-order-set.json")))
		def, _ := after.Profile("anthropic:default")
		key := def.Key
		if _, err := SaveCredential(ctx, p, Credential{ID: "anthropic:default", Provider: "anthropic", Type: TypeAPIKey, Secret: key}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, want := string(readFile(t, p.Store)), sample61(t, "auth-profiles.after-order-set.json"); got != want {
			t.Errorf("after paste-api-key:\n%s\nopenclaw wrote\n%s", got, want)
		}
		if _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:manual", "anthropic:default"}); err != nil {
			t.Fatal(err)
		}
		mustNotExist(t, p.StateFile)
		want := gatewayState(t, "openclaw-2026.6.1", "", sample61(t, "auth-profiles.after-order-set.json"), sample61(t, "auth-state.after-order-set.json"))
		sameView(t, mustLoad(t, p).Store, mustLoad(t, want).Store)
	})
	t.Run("clawdbot-era", func(t *testing.T) {
		p := gatewayState(t, "openclaw-2026.6.1", "", sample61(t, "clawdbot-era.auth-profiles.before.json"), "")
		if _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:work", "anthropic:default"}); err != nil {
			t.Fatal(err)
		}
		mustNotExist(t, p.StateFile)
		want := gatewayState(t, "openclaw-2026.6.1", "", sample61(t, "clawdbot-era.auth-profiles.after-order-set.json"), sample61(t, "clawdbot-era.auth-state.after-order-set.json"))
		sameView(t, mustLoad(t, p).Store, mustLoad(t, want).Store)
	})
}

// TestSplitOperations: every operation on a split store changes what the
// gateway reads as asked, in the file where it reads it.
func TestSplitOperations(t *testing.T) {
	ctx := context.Background()
	const profiles = `{"version":1,"profiles":{
		"anthropic:a":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEAAAA"},
		"anthropic:b":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-FAKEBBBB","x-mine":1}}}`
	const state = `{"version":1,"order":{"anthropic":["anthropic:b","anthropic:a"]},"lastGood":{"anthropic":"anthropic:b"},
		"usageStats":{"anthropic:b":{"lastUsed":5,"cooldownUntil":9999999999999,"errorCount":3,"failureCounts":{"rate_limit":3}}},"x-state":true}`
	t.Run("remove", func(t *testing.T) {
		p := gatewayState(t, "openclaw-2026.6.1", "", profiles, state)
		if _, err := RemoveProfile(ctx, p, "anthropic:b"); err != nil {
			t.Fatal(err)
		}
		s := mustLoad(t, p).Store
		if _, ok := s.Profile("anthropic:b"); ok || len(s.LastGood) != 0 || len(s.Usage) != 0 || !equalStrings(s.Order["anthropic"], []string{"anthropic:a"}) {
			t.Errorf("after remove: %s", s.Marshal())
		}
		if strings.Contains(string(readFile(t, p.Store)), "anthropic:b") || strings.Contains(string(readFile(t, p.StateFile)), "anthropic:b") {
			t.Error("anthropic:b is still named in a file")
		}
		if !strings.Contains(string(readFile(t, p.StateFile)), `"x-state"`) {
			t.Error("an unknown key of auth-state.json was dropped")
		}
	})
	t.Run("cooldown clear", func(t *testing.T) {
		p := gatewayState(t, "openclaw-2026.6.1", "", profiles, state)
		before := readFile(t, p.Store)
		res, err := ClearUsageState(ctx, p, []string{"anthropic:b"}, "", time.Now())
		if err != nil || len(res.Cleared) != 1 {
			t.Fatalf("%+v %v", res.Cleared, err)
		}
		if string(readFile(t, p.Store)) != string(before) {
			t.Error("auth-profiles.json was rewritten for a state change")
		}
		if u := mustLoad(t, p).Store.Usage["anthropic:b"]; u.CooldownUntil != 0 || u.LastUsed != 5 {
			t.Errorf("usage after clear = %+v", u)
		}
	})
	t.Run("paste over a token keeps its place and resets its usage", func(t *testing.T) {
		p := gatewayState(t, "openclaw-2026.6.1", "", profiles, state)
		if _, err := SaveCredential(ctx, p, Credential{ID: "anthropic:b", Provider: "anthropic", Type: TypeToken, Secret: "sk-ant-oat01-FAKENEWW"}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		s := mustLoad(t, p).Store
		if b, _ := s.Profile("anthropic:b"); b.Token != "sk-ant-oat01-FAKENEWW" || !strings.Contains(string(readFile(t, p.Store)), `"x-mine"`) {
			t.Errorf("profile = %+v", b)
		}
		if _, ok := s.Usage["anthropic:b"]; ok {
			t.Error("usage of the old token kept")
		}
		if !equalStrings(s.Order["anthropic"], []string{"anthropic:b", "anthropic:a"}) {
			t.Errorf("order = %v", s.Order)
		}
	})
	t.Run("a failing operation writes nothing", func(t *testing.T) {
		p := gatewayState(t, "openclaw-2026.6.1", "", profiles, state)
		b1, b2 := readFile(t, p.Store), readFile(t, p.StateFile)
		if _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:zzz"}); err == nil {
			t.Fatal("an unknown id was accepted")
		}
		if string(readFile(t, p.Store)) != string(b1) || string(readFile(t, p.StateFile)) != string(b2) {
			t.Error("a file changed")
		}
	})
}

// TestSplitStateFileSymlinkIsWrittenThrough: a symlinked auth-state.json
// stays a link and its target gets the new state, as openclaw writes it.
func TestSplitStateFileSymlinkIsWrittenThrough(t *testing.T) {
	p := gatewayState(t, "openclaw-2026.6.1", "", `{"version":1,"profiles":{"openai:x":{"type":"api_key","provider":"openai","key":"sk-proj-FAKE"}}}`, "")
	target := filepath.Join(t.TempDir(), "state.json")
	writeFile(t, target, []byte(`{"version":1,"order":{"openai":["openai:x"]}}`))
	if err := os.Symlink(target, p.StateFile); err != nil {
		t.Fatal(err)
	}
	if _, err := SetOrder(context.Background(), p, "openai", nil); err == nil {
		// An empty list clears: the state ends empty and the target goes.
		if fi, err := os.Lstat(p.StateFile); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v", err)
		}
		mustNotExist(t, target)
	} else {
		t.Fatal(err)
	}
}

// TestSplitCorruptStateFile: an auth-state.json that is not JSON is refused
// with its path, line and column; nothing is written; doctor --fix moves it
// aside (there is no backup: the gateway then reads the state inline).
func TestSplitCorruptStateFile(t *testing.T) {
	p := gatewayState(t, "openclaw-2026.6.1", "", `{"version":1,"profiles":{},"order":{"openai":["openai:x"]}}`, "{\n  \"order\": {,\n}\n")
	_, err := LoadWithEnv(p, mapEnv(nil))
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Path != p.StateFile || ce.Line != 2 {
		t.Fatalf("Load: %v", err)
	}
	before := readFile(t, p.Store)
	if _, err := ClearOrder(context.Background(), p, "openai"); !errors.As(err, &ce) {
		t.Fatalf("ClearOrder: %v", err)
	}
	if string(readFile(t, p.Store)) != string(before) {
		t.Error("auth-profiles.json changed")
	}
	res, err := QuarantineCorruptStore(context.Background(), p, fixedNow)
	if err != nil || !res.State || !strings.HasPrefix(res.MovedTo, p.StateFile+".corrupt-") {
		t.Fatalf("quarantine: %+v %v", res, err)
	}
	mustNotExist(t, p.StateFile)
	if s := mustLoad(t, p).Store; !equalStrings(s.Order["openai"], []string{"openai:x"}) {
		t.Errorf("order = %v, want the inline one", s.Order)
	}
}

// TestInspectSplitStateFindsDowngradeLeftovers: inline state beside an
// auth-state.json is what a gateway downgraded to 2026.4.5 or older (or a
// restored backup) leaves; doctor shows it.
func TestInspectSplitStateFindsDowngradeLeftovers(t *testing.T) {
	const rel = "openclaw-2026.6.1"
	p := gatewayState(t, rel, "", vector(t, rel, "merge/00-auth-profiles.json"), vector(t, rel, "merge/00-auth-state.json"))
	s, err := InspectSplitState(p)
	if err != nil || !s.StateFile || !equalStrings(s.Inline, []string{"order", "lastGood", "usageStats"}) {
		t.Fatalf("%+v %v", s, err)
	}
	p = gatewayState(t, rel, "", sample61(t, "auth-profiles.after-order-set.json"), sample61(t, "auth-state.after-order-set.json"))
	if s, err := InspectSplitState(p); err != nil || !s.StateFile || len(s.Inline) != 0 {
		t.Fatalf("a clean split store: %+v %v", s, err)
	}
}
