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

// Issue 14 part 1.5: the full help lists only the keys that work now (the
// drop and cancel keys only during a move; nothing to navigate on an
// empty store), enter as a way to grab, c when there is an override to
// clear, and the mouse. It used to list "space drop & save" and "esc
// cancel move" on an empty store.
func TestFullHelpDisablesWhatCannotWork(t *testing.T) {
	full := func(s helpState) string {
		var all []string
		for _, g := range fullHelp(testKeys(), s) {
			all = append(all, shown(g))
		}
		return strings.Join(all, " | ")
	}
	check := func(name, got string, kept, gone []string) {
		t.Helper()
		for _, g := range gone {
			if strings.Contains(got, g) {
				t.Errorf("%s: full help offers %q:\n%s", name, g, got)
			}
		}
		for _, k := range kept {
			if !strings.Contains(got, k) {
				t.Errorf("%s: full help lacks %q:\n%s", name, k, got)
			}
		}
	}
	check("an env row", full(helpState{focus: paneProfiles, probeable: true, navigable: true, panes: true}),
		[]string{"p probe profile", "P probe provider", "a add", "↑/k up", "click select", "wheel scroll"},
		[]string{"grab to move", "K/⇧↑", "d remove", "c clear order", "R renew", "drop & save", "cancel move", "g pick agent", "drag"})
	check("an empty store", full(helpState{focus: paneProfiles, panes: true}),
		[]string{"a add", "r reload"},
		[]string{"drop & save", "cancel move", "↑/k up", "pgup", "grab", "wheel"})
	check("a profile with an override, two agents", full(helpState{focus: paneProfiles, navigable: true, panes: true, agents: true,
		movable: true, removable: true, clearable: true, probeable: true}),
		[]string{"space/enter grab to move", "K/⇧↑ move up & save", "c clear order", "d remove", "g pick agent", "drag move a profile"},
		[]string{"drop & save", "cancel move"})
	check("moving", full(helpState{focus: paneProfiles, navigable: true, panes: true, moving: true, movable: true, clearable: true}),
		[]string{"↑/↓ move it", "space/enter drop & save", "esc cancel move"},
		[]string{"grab to move", "a add", "c clear order", "↑/k up", "r reload", "click"})
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
