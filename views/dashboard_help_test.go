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
		{"a cooldown, after a change", func() helpState { s := profile; s.coolable, s.undoable = true, true; return s }(),
			"space move · K/J move+save · u clear cooldown · z undo · a add · d remove · c clear order · p/P probe"},
		{"a profile out of the order", func() helpState { s := profile; s.outOfOrder = true; return s }(),
			"space move · K/J move+save · x put back in order · a add · d remove · c clear order · p/P probe"},
		{"filtered", func() helpState { s := profile; s.filtered, s.movable = true, false; return s }(),
			"esc clear filter · a add · d remove · c clear order · p/P probe"},
		{"typing a filter", helpState{focus: paneProfiles, filtered: true, typing: true}, "enter keep filter · esc clear filter"},
		{"the providers, cooling", helpState{focus: paneProviders, coolable: true}, "↑/↓ provider · → profiles · a add · r reload · u clear cooldowns"},
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
		[]string{"p probe profile", "P probe provider", "a add", "↑/k up", "click select", "wheel scroll", "e edit config"},
		[]string{"grab to move", "K/⇧↑", "d remove", "c clear order", "R renew", "drop & save", "cancel move", "g pick agent", "drag",
			"u clear cooldown", "x ", "z undo", "esc clear filter", "n next", "N previous", "/ filter"})
	check("an empty store", full(helpState{focus: paneProfiles, panes: true}),
		[]string{"a add", "r reload"},
		[]string{"drop & save", "cancel move", "↑/k up", "pgup", "grab", "wheel"})
	check("a profile with an override, two agents", full(helpState{focus: paneProfiles, navigable: true, panes: true, agents: true,
		movable: true, removable: true, clearable: true, probeable: true}),
		[]string{"space/enter grab to move", "K/⇧↑ move up & save", "c clear order", "d remove", "g pick agent", "drag move a profile"},
		[]string{"drop & save", "cancel move"})
	check("moving", full(helpState{focus: paneProfiles, navigable: true, panes: true, moving: true, movable: true, clearable: true}),
		[]string{"↑/↓ move it", "space/enter drop & save", "esc cancel move"},
		[]string{"grab to move", "a add", "c clear order", "↑/k up", "r reload", "click", "e edit config", "/ filter"})
}

// What u, x, z, /, n and N do is offered once they can do it.
func TestFullHelpOffersTheNewKeysWhenTheyWork(t *testing.T) {
	var all []string
	s := helpState{focus: paneProfiles, coolable: true, inOrder: true, undoable: true, loaded: true, filtered: true, trouble: true}
	for _, g := range fullHelp(testKeys(), s) {
		all = append(all, shown(g))
	}
	got := strings.Join(all, " | ")
	for _, kept := range []string{"u clear cooldown", "x take out of order", "z undo", "/ filter", "esc clear filter", "n next to fix", "N previous to fix", "e edit config"} {
		if !strings.Contains(got, kept) {
			t.Errorf("full help lacks %q:\n%s", kept, got)
		}
	}
	s.inOrder, s.outOfOrder = false, true
	all = nil
	for _, g := range fullHelp(testKeys(), s) {
		all = append(all, shown(g))
	}
	if got := strings.Join(all, " | "); !strings.Contains(got, "x put back in order") {
		t.Errorf("x on a profile out of the order:\n%s", got)
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
