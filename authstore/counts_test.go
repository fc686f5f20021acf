package authstore

import (
	"testing"
	"time"
)

// The counts the dashboard shows above its panes are the ones `models
// status` prints under its table; a provider is usable when the gateway
// has something to call it with now.
func TestReportCountsAndUsable(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	ms := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	store := &Store{Version: 1, Profiles: []Profile{
		{ID: "anthropic:old", Type: TypeToken, Provider: "anthropic", Token: "sk-ant-oat01-FAKE-old", Expires: ms(-time.Hour)},
		{ID: "anthropic:soon", Type: TypeToken, Provider: "anthropic", Token: "sk-ant-oat01-FAKE-soon", Expires: ms(2 * time.Hour)},
		{ID: "openai:k", Type: TypeAPIKey, Provider: "openai", Key: "sk-FAKE-openai"},
		{ID: "openai-codex:me", Type: TypeOAuth, Provider: "openai-codex", Access: "FAKE", Refresh: "FAKE-r", Expires: ms(-time.Hour)},
	}, Usage: map[string]Usage{"openai:k": {CooldownUntil: ms(5 * time.Minute)}}}
	snap := Snapshot{Store: store, Config: Config{Models: []string{"anthropic/claude", "openai/gpt", "openai-codex/x", "google/gemini"}}}
	rep := BuildReport(snap, now, 24*time.Hour)
	if got, want := rep.Counts(), (Counts{ExpiredOrMissing: 3, Expiring: 1, Unusable: 1}); got != want {
		t.Errorf("counts %+v, want %+v (old token, codex, google missing; soon; openai cooling)", got, want)
	}
	usable := map[string]bool{}
	for _, p := range rep.Providers {
		usable[p.Provider] = p.UsableNow()
	}
	for p, want := range map[string]bool{"anthropic": true, "openai": false, "openai-codex": true, "google": false} {
		if usable[p] != want {
			t.Errorf("%s usable = %v, want %v", p, usable[p], want)
		}
	}
}
