package views

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/ptyrun"
)

// What R renews, and the renewer's life: one renewal at a time, results
// for another one ignored, a failure or a cancel ends it with the token
// unchanged.
func TestRenewerLife(t *testing.T) {
	r := renewer{keys: testKeys()}
	for _, tc := range []struct{ id, typ, want string }{
		{"anthropic:soon", authstore.TypeToken, ""},
		{"anthropic:work", authstore.TypeAPIKey, "R renews Anthropic setup tokens; anthropic:work is api_key — press a to add a new credential instead"},
		{"openai:tok", authstore.TypeToken, "R renews Anthropic setup tokens; openai:tok is not an Anthropic token — press a to add a new credential instead"},
		{"anthropic:odd", "", "R renews Anthropic setup tokens; anthropic:odd is of no known type — press a to add a new credential instead"},
	} {
		if got := r.refusal(tc.id, tc.typ); got != tc.want {
			t.Errorf("refusal(%s, %q) = %q, want %q", tc.id, tc.typ, got, tc.want)
		}
	}

	if r.busy() != "" {
		t.Fatal("busy before anything started")
	}
	r.start("anthropic:soon")
	if r.busy() != "renewing anthropic:soon" {
		t.Errorf("busy %q", r.busy())
	}
	if r.onClaude(renewClaudeMsg{id: "anthropic:other", path: "/bin/claude"}) != nil {
		t.Error("claude found for another renewal started a login")
	}
	if r.onLogin(LoginFinishedMsg{ID: "wizard-1", Token: "x"}, authstore.Paths{}, nil, time.Time{}) != nil {
		t.Error("the wizard's login was taken for the renewal")
	}
	cancelled := LoginFinishedMsg{ID: renewLoginPrefix + "anthropic:soon", Err: fmt.Errorf("claude setup-token: %w", ptyrun.ErrCancelled)}
	if s, ok := msgOf(r.onLogin(cancelled, authstore.Paths{}, nil, time.Time{})).(StatusMsg); !ok || s.Text != "renew cancelled; anthropic:soon keeps its old token" {
		t.Errorf("cancelled: %+v", s)
	}
	if r.busy() != "" {
		t.Error("still busy after a cancel")
	}

	r.start("anthropic:soon")
	if r.finish("anthropic:other") || !r.finish("anthropic:soon") || r.finish("anthropic:soon") {
		t.Error("finish is not once, for the renewal running")
	}
	level, text := r.renewResult(tokenRenewedMsg{id: "anthropic:soon", err: authstore.ErrLocked}, time.Time{})
	if level != StatusError || text != "could not save the renewed token: "+authstore.ErrLocked.Error()+" (the gateway may be writing; try R again); anthropic:soon keeps its old token" {
		t.Errorf("locked: %v %q", level, text)
	}
	if _, text := r.renewResult(tokenRenewedMsg{id: "anthropic:soon", err: errors.New("disk full")}, time.Time{}); text != "could not save the renewed token: disk full; anthropic:soon keeps its old token" {
		t.Errorf("failed: %q", text)
	}
}
