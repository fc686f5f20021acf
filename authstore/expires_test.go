package authstore

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTimeValueFollowsTheGateway: a time counts only when it is a finite
// JSON number > 0, as clawdbot's `typeof x === "number" &&
// Number.isFinite(x) && x > 0`.
func TestTimeValueFollowsTheGateway(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want int64
	}{
		{`1795000000000`, 1795000000000},
		{`1.795e12`, 1795000000000},
		{`1795000000000.0`, 1795000000000},
		{`1767225600000.5`, 1767225600001}, // now >= 1767225600000.5 first holds at ...001
		{`1`, 1},
		{`"1795000000000"`, 0}, // a string: typeof is "string"
		{`" 1795000000000 "`, 0},
		{`""`, 0},
		{`0`, 0},
		{`-0`, 0},
		{`-1795000000000`, 0},
		{`1e400`, 0}, // JSON.parse makes it Infinity: not finite
		{`-1e400`, 0},
		{`1e-400`, 0},      // 0
		{`1e300`, 8.64e15}, // finite and far away: the last time a Date holds
		{`null`, 0},
		{`true`, 0},
		{`{"ms":1795000000000}`, 0},
		{`[1795000000000]`, 0},
		{``, 0},
	} {
		if got := timeValue([]byte(tc.raw)); got != tc.want {
			t.Errorf("timeValue(%s) = %d, want %d", tc.raw, got, tc.want)
		}
	}
}

// storeWithExpires is one token, one oauth profile and one api key whose
// "expires" (and usage times) are written as raw JSON.
func storeWithExpires(t *testing.T, tokenExp, oauthExp, cooldown string) *Store {
	t.Helper()
	return mustParse(t, fmt.Sprintf(`{"version":1,"profiles":{
		"anthropic:tok":{"type":"token","provider":"anthropic","token":%q,"expires":%s},
		"openai-codex:me":{"type":"oauth","provider":"openai-codex","access":"FAKEACCESS","refresh":"FAKEREFRESH","expires":%s},
		"anthropic:key":{"type":"api_key","provider":"anthropic","key":%q}
	},"usageStats":{"anthropic:key":{"cooldownUntil":%s,"disabledUntil":%s,"disabledReason":"billing"}}}`,
		fakeOAT, tokenExp, oauthExp, fakeAPI, cooldown, cooldown))
}

// TestExpiresThatIsNotANumber is issue 11's string expiry: the gateway
// does not count it, so neither does moltbot. A token is static (and
// stays in the order), an oauth profile has no usable expiry ("missing"),
// and a usage time that is not a number puts nothing in cooldown.
func TestExpiresThatIsNotANumber(t *testing.T) {
	past := ms(-48 * time.Hour)
	for _, bad := range []string{
		fmt.Sprintf("%q", fmt.Sprint(past)), // "1767193445000": a past time, as a string
		"null", "0", "-5", "1e400", `"soon"`, "true", "{}",
	} {
		t.Run(bad, func(t *testing.T) {
			s := storeWithExpires(t, bad, bad, bad)
			tok, _ := s.Profile("anthropic:tok")
			if h := s.Health(tok, fixedNow, DefaultWarn); h.Status != StatusStatic || !h.ExpiresAt.IsZero() {
				t.Errorf("token: %+v, want static", h)
			}
			if tok.ExpiresIgnored != strings.TrimSpace(bad) {
				t.Errorf("token ExpiresIgnored = %q, want %q", tok.ExpiresIgnored, bad)
			}
			oa, _ := s.Profile("openai-codex:me")
			if h := s.Health(oa, fixedNow, DefaultWarn); h.Status != StatusMissing || h.Refreshable {
				t.Errorf("oauth: %+v, want missing", h)
			}
			key, _ := s.Profile("anthropic:key")
			if h := s.Health(key, fixedNow, DefaultWarn); h.Unusable != "" {
				t.Errorf("api key with cooldownUntil %s: %+v, want usable", bad, h)
			}
			snap := Snapshot{Store: s}
			eo := snap.EffectiveOrder("anthropic", fixedNow)
			if strings.Join(eo.IDs, ",") != "anthropic:tok,anthropic:key" || len(eo.Excluded) != 0 {
				t.Errorf("order %v, excluded %v; want the token kept first", eo.IDs, eo.Excluded)
			}
			if rep := BuildReport(snap, fixedNow, DefaultWarn); rep.Check() != 1 {
				// The oauth profile is missing its expiry, as in the gateway.
				t.Errorf("Check() = %d, want 1 (for openai-codex only)", rep.Check())
			}
		})
	}
	// The same times written as numbers count.
	s := storeWithExpires(t, fmt.Sprint(past), fmt.Sprint(past), fmt.Sprint(ms(time.Hour)))
	tok, _ := s.Profile("anthropic:tok")
	if h := s.Health(tok, fixedNow, DefaultWarn); h.Status != StatusExpired || tok.ExpiresIgnored != "" {
		t.Errorf("token with a past number: %+v (%q), want expired", h, tok.ExpiresIgnored)
	}
	key, _ := s.Profile("anthropic:key")
	if h := s.Health(key, fixedNow, DefaultWarn); h.Unusable != UnusableDisabled {
		t.Errorf("api key disabled for an hour: %+v", h)
	}
	snap := Snapshot{Store: s}
	if eo := snap.EffectiveOrder("anthropic", fixedNow); len(eo.Excluded) != 1 || eo.Excluded[0].Reason != "token expired" {
		t.Errorf("order %v, excluded %v; want the expired token left out", eo.IDs, eo.Excluded)
	}
}

func TestExpiresIgnoredIsShort(t *testing.T) {
	long := `"` + strings.Repeat("é", 40) + `"`
	s := storeWithExpires(t, long, "1", "1")
	tok, _ := s.Profile("anthropic:tok")
	if len(tok.ExpiresIgnored) > 44 || !strings.HasSuffix(tok.ExpiresIgnored, "…") || !strings.HasPrefix(long, strings.TrimSuffix(tok.ExpiresIgnored, "…")) {
		t.Errorf("ExpiresIgnored = %q", tok.ExpiresIgnored)
	}
}
