package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// shown is the enabled bindings as the help bar names them.
func shown(bs []key.Binding) string {
	var out []string
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(out, " · ")
}

// The help bar offers what works in each situation, and nothing else.
func TestShortHelpOffersWhatWorks(t *testing.T) {
	profile := helpState{focus: paneProfiles, movable: true, removable: true, clearable: true, probeable: true, renewable: true}
	for _, tc := range []struct {
		name string
		s    helpState
		want string
	}{
		{"a profile", profile, "space move · K/J move+save · a add · d remove · c clear order · p/P probe"},
		{"an expiring token", func() helpState { s := profile; s.renewDue = true; return s }(),
			"space move · K/J move+save · R renew · a add · d remove · c clear order · p/P probe"},
		{"an env row", helpState{focus: paneProfiles, clearable: true, probeable: true},
			"a add · c clear order · p/P probe"},
		{"no override", func() helpState { s := profile; s.clearable = false; return s }(),
			"space move · K/J move+save · a add · d remove · p/P probe"},
		{"a store that cannot be read", helpState{focus: paneProfiles}, "a add"},
		{"a pending migration or no gateway files", helpState{focus: paneProfiles, probeable: true, readOnly: true}, "p/P probe"},
		{"carrying", helpState{focus: paneProfiles, moving: true}, "↑/↓ move · space drop & save · esc cancel move"},
		{"the providers", helpState{focus: paneProviders, probeable: true}, "↑/↓ provider · → profiles · a add · p probe all · r reload"},
	} {
		if got := shown(shortHelp(testKeys(), tc.s)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestFullHelpDisablesWhatCannotWork(t *testing.T) {
	var all []string
	for _, g := range fullHelp(testKeys(), helpState{focus: paneProfiles, probeable: true}) {
		all = append(all, shown(g))
	}
	got := strings.Join(all, " | ")
	for _, gone := range []string{"space grab to move", "K/⇧↑", "d remove", "c clear order", "R renew"} {
		if strings.Contains(got, gone) {
			t.Errorf("full help offers %q:\n%s", gone, got)
		}
	}
	for _, kept := range []string{"p probe profile", "P probe provider", "g pick agent", "a add", "space drop & save", "esc cancel move"} {
		if !strings.Contains(got, kept) {
			t.Errorf("full help lacks %q:\n%s", kept, got)
		}
	}
}

// The copy key is in the full help only while the selected row is a
// profile that can be copied now.
func TestFullHelpOffersCopyForAProfile(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    helpState
		want bool
	}{
		{"a profile", helpState{focus: paneProfiles, removable: true, copyable: true}, true},
		{"an env row, or a store that cannot be read", helpState{focus: paneProfiles}, false},
	} {
		var all []string
		for _, g := range fullHelp(testKeys(), tc.s) {
			all = append(all, shown(g))
		}
		if got := strings.Contains(strings.Join(all, " | "), "C copy to agent"); got != tc.want {
			t.Errorf("%s: full help offers copy %v, want %v:\n%s", tc.name, got, tc.want, all)
		}
	}
}
