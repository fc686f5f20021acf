package authstore

import "unicode/utf8"

// Mask is the only way a secret becomes text (SPEC §4): the first 12
// characters, "…", the last 4. A secret too short to show 16 characters
// safely shows "…" and at most its last 4 (fewer when it is very short, so
// that most of it stays hidden).
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	r := []rune(secret)
	n := len(r)
	if !utf8.ValidString(secret) {
		return "…"
	}
	if n >= 24 {
		return string(r[:12]) + "…" + string(r[n-4:])
	}
	tail := n / 4 // never more than a quarter of a short secret
	if tail > 4 {
		tail = 4
	}
	return "…" + string(r[n-tail:])
}
