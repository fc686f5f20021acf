package views_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/ptyrun"
	"github.com/moltbot/moltbot/views"
)

var fakeRenewed = "sk-ant-oat01-FAKE" + strings.Repeat("N", 91)

// renewStore is the populated store with an unknown field on the token
// profile to renew and usage stats for it.
func renewStore() string {
	s := populatedStore()
	s = strings.Replace(s, `"anthropic:soon": {"type": "token",`, `"anthropic:soon": {"label": "laptop", "type": "token",`, 1)
	s = strings.Replace(s, `"usageStats": {`, fmt.Sprintf(`"usageStats": {
    "anthropic:soon": {"lastUsed": %d, "errorCount": 3, "cooldownUntil": %d},`, ms(-1000), ms(10*60*1000)), 1)
	return s
}

// withClaude makes R find a `claude` (never run: the tests send the login's
// result themselves).
func withClaude(t *testing.T, err error) {
	old := *views.LookClaude
	*views.LookClaude = func() (string, error) { return "/nonexistent/claude", err }
	t.Cleanup(func() { *views.LookClaude = old })
}

// keyOrder is the order in which ids appear in the file's text.
func keyOrder(data string, ids ...string) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = strings.Index(data, `"`+id+`"`)
	}
	return out
}

func TestRenewReplacesTheTokenInPlace(t *testing.T) {
	withClaude(t, nil)
	f := newFixture(t, renewStore()).start(140, 28)
	before := f.readStore()
	f.keys("down", "down") // manual, default, soon
	if f.d.SelectedProfile() != "anthropic:soon" {
		t.Fatalf("selected %q", f.d.SelectedProfile())
	}
	f.keys("R")
	if f.readStore() != before {
		t.Fatal("R wrote before any token was captured")
	}
	f.send(views.LoginFinishedMsg{ID: "renew:anthropic:soon", Token: fakeRenewed})

	after := f.readStore()
	var doc struct {
		Profiles map[string]map[string]any `json:"profiles"`
		Order    map[string][]string       `json:"order"`
		Usage    map[string]map[string]any `json:"usageStats"`
		Future   bool                      `json:"futureTopLevel"`
	}
	if err := json.Unmarshal([]byte(after), &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Profiles["anthropic:soon"]
	if p["token"] != fakeRenewed || p["type"] != "token" || p["provider"] != "anthropic" {
		t.Errorf("renewed profile: type %v provider %v, token replaced: %v", p["type"], p["provider"], p["token"] == fakeRenewed)
	}
	if want := float64(testNow.AddDate(0, 0, 365).UnixMilli()); p["expires"] != want {
		t.Errorf("expires %v, want now + 365 days (%v)", p["expires"], want)
	}
	if p["label"] != "laptop" || !doc.Future {
		t.Errorf("unknown fields lost: label %v, futureTopLevel %v", p["label"], doc.Future)
	}
	if _, ok := doc.Usage["anthropic:soon"]; ok {
		t.Errorf("usage stats of the renewed profile kept: %v", doc.Usage["anthropic:soon"])
	}
	if _, ok := doc.Usage["anthropic:work"]; !ok {
		t.Error("another profile's usage stats went")
	}
	if want := []string{"anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"}; fmt.Sprint(doc.Order["anthropic"]) != fmt.Sprint(want) {
		t.Errorf("order %v, want %v", doc.Order["anthropic"], want)
	}
	ids := []string{"anthropic:default", "anthropic:manual", "anthropic:work", "anthropic:soon", "openai:default"}
	rank := func(offs []int) string {
		out := make([]int, len(offs))
		for i := range offs {
			for j := range offs {
				if offs[j] < offs[i] {
					out[i]++
				}
			}
		}
		return fmt.Sprint(out)
	}
	if rank(keyOrder(before, ids...)) != rank(keyOrder(after, ids...)) {
		t.Errorf("profiles moved in the file")
	}
	// Nothing else in the file changed.
	norm := func(s string) string {
		s = strings.Replace(s, fakeSoon, "TOKEN", 1)
		s = strings.Replace(s, fakeRenewed, "TOKEN", 1)
		s = regexp.MustCompile(`"anthropic:soon": \{"lastUsed"[^}]*\},?\s*`).ReplaceAllString(s, "")
		return regexp.MustCompile(`\s+|"expires":\s*\d+`).ReplaceAllString(s, "")
	}
	if a, b := norm(before), norm(after); a != b {
		t.Errorf("other parts of the store changed:\n%s\n----\n%s", before, after)
	}

	v := f.view()
	if row := rowOf(v, "anthropic:soon"); !strings.Contains(row, authstore.Mask(fakeRenewed)) || !strings.Contains(row, "in 365d") {
		t.Errorf("row after renew: %q", row)
	}
	if s := f.lastStatus(); !strings.Contains(s, "renewed anthropic:soon") || !strings.Contains(s, authstore.Mask(fakeRenewed)) || strings.Contains(s, fakeRenewed) {
		t.Errorf("status %q", s)
	}
	if strings.Contains(v, fakeRenewed) {
		t.Error("the new token is on screen")
	}
	// The dashboard is free again.
	f.keys("R")
	if s := f.lastStatus(); strings.Contains(s, "already") || strings.Contains(s, "wait") {
		t.Errorf("still busy after the renew: %q", s)
	}
}

func TestRenewThatDoesNotCaptureChangesNothing(t *testing.T) {
	for name, err := range map[string]error{
		"cancelled": fmt.Errorf("claude setup-token: %w", ptyrun.ErrCancelled),
		"failed":    errors.New("claude setup-token exited with status 1 and printed no token"),
	} {
		t.Run(name, func(t *testing.T) {
			withClaude(t, nil)
			f := newFixture(t, renewStore()).start(140, 28)
			before := f.readStore()
			f.keys("down", "down", "R")
			f.send(views.LoginFinishedMsg{ID: "renew:anthropic:soon", Err: err})
			if f.readStore() != before {
				t.Error("the store changed")
			}
			s := f.lastStatus()
			if !strings.Contains(s, "keeps its old token") {
				t.Errorf("status %q", s)
			}
			if name == "cancelled" && !strings.Contains(s, "cancelled") {
				t.Errorf("status %q does not say it was cancelled", s)
			}
			// A token arriving late for the given-up renewal is ignored.
			f.send(views.LoginFinishedMsg{ID: "renew:anthropic:soon", Token: fakeRenewed})
			if f.readStore() != before {
				t.Error("a stale login result was written")
			}
		})
	}
}

func TestRenewRefusesWhatItCannotRenew(t *testing.T) {
	withClaude(t, nil)
	f := newFixture(t, renewStore()).start(140, 28)
	before := f.readStore()
	f.keys("down", "R") // anthropic:default is an API key
	if s := f.lastStatus(); !strings.Contains(s, "R renews Anthropic setup tokens") || !strings.Contains(s, "api_key") {
		t.Errorf("status %q", s)
	}
	f.keys("end", "R") // the env row
	if s := f.lastStatus(); !strings.Contains(s, "read-only") {
		t.Errorf("status %q", s)
	}
	// The wizard's login result is not the dashboard's business.
	f.keys("home")
	f.send(views.LoginFinishedMsg{ID: "wizard-1", Token: fakeRenewed})
	if f.readStore() != before {
		t.Error("the store changed")
	}
}

func TestRenewWithoutClaudeSaysHowToGetIt(t *testing.T) {
	withClaude(t, views.ErrClaudeMissing)
	f := newFixture(t, renewStore()).start(140, 28)
	before := f.readStore()
	f.keys("R") // anthropic:manual, a token
	if s := f.lastStatus(); !strings.Contains(s, "cannot renew anthropic:manual") || !strings.Contains(s, "npm install") {
		t.Errorf("status %q", s)
	}
	if f.readStore() != before {
		t.Error("the store changed")
	}
	f.keys("d")
	if s := f.lastStatus(); strings.Contains(s, "renewing") {
		t.Errorf("still busy renewing: %q", s)
	}
}
