package tui

import (
	"sort"
	"strings"
	"testing"
)

func TestNoTwoBindingsOfAScopeShareAKey(t *testing.T) {
	for name, bindings := range DefaultKeys().scopes() {
		owner := map[string]string{}
		for _, b := range bindings {
			if len(b.Keys()) == 0 {
				t.Errorf("%s: a binding (%q) has no keys", name, b.Help().Desc)
			}
			for _, k := range b.Keys() {
				if prev, ok := owner[k]; ok {
					t.Errorf("%s: key %q is bound to both %q and %q", name, k, prev, b.Help().Desc)
				}
				owner[k] = b.Help().Desc
			}
		}
	}
}

func TestEveryBindingHasHelp(t *testing.T) {
	seen := map[string]bool{}
	for name, bindings := range DefaultKeys().scopes() {
		for _, b := range bindings {
			h := b.Help()
			if h.Key == "" || h.Desc == "" {
				t.Errorf("%s: binding %v has no help text", name, b.Keys())
			}
			seen[strings.Join(b.Keys(), ",")] = true
		}
	}
	// The keys SPEC §6 names are all bound somewhere.
	var missing []string
	for _, want := range []string{"up", "down", "k", "j", "tab", "left", "right", " ", "enter", "esc", "K", "J", "shift+up", "shift+down", "a", "d", "c", "r", "q", "ctrl+c", "?"} {
		found := false
		for keys := range seen {
			for _, k := range strings.Split(keys, ",") {
				if k == want {
					found = true
				}
			}
		}
		if !found {
			missing = append(missing, want)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("SPEC keys not bound: %q", missing)
	}
}
