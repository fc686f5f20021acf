package views

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// Key names in running text ("press a to add one", "space to drop") come
// from the bindings, never from string literals: tui/keys.go chooses the
// keys, and a hint that names another key than the one bound is a lie.

// keyName is how the help names b: its help key ("space", "n/esc").
func keyName(b key.Binding) string { return b.Help().Key }

// firstKey is the first name in b's help key: "↑" of "↑/k", "n" of
// "n/esc"; a key called "/" stays "/".
func firstKey(b key.Binding) string {
	k := b.Help().Key
	if i := strings.Index(k, "/"); i > 0 && i < len(k)-1 {
		return k[:i]
	}
	return k
}

// keyPair names two bindings that act as a pair: "↑/↓", "K/J".
func keyPair(a, b key.Binding) string { return firstKey(a) + "/" + firstKey(b) }

// renderKeyName styles a key name for running text: the names in key, the
// slashes between alternatives ("n/esc") in sep.
func renderKeyName(name string, keyStyle, sep lipgloss.Style) string {
	parts := strings.Split(name, "/")
	if len(parts) < 2 || slices.Contains(parts, "") {
		return keyStyle.Render(name)
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(sep.Render("/"))
		}
		b.WriteString(keyStyle.Render(p))
	}
	return b.String()
}

// relabel returns a copy of b with other help text.
func relabel(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}

// describe returns a copy of b with another description, keeping its key
// name.
func describe(b key.Binding, desc string) key.Binding {
	return relabel(b, keyName(b), desc)
}
