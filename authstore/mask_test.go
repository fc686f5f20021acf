package authstore

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskExamples(t *testing.T) {
	cases := []struct{ secret, want string }{
		{"", ""},
		{"a", "…"},
		{"abc", "…"},
		{"abcd", "…d"},
		{"abcdefgh", "…gh"},
		{"abcdefghijklmnop", "…mnop"},        // 16: a quarter is 4
		{"abcdefghijklmnopqrstuvw", "…tuvw"}, // 23: still at most 4
		{"abcdefghijklmnopqrstuvwx", "abcdefghijkl…uvwx"}, // 24: 12 + 4, 8 hidden
		{fakeOAT, "sk-ant-oat01…TTTT"},
		{fakeAPI, "sk-ant-api03…KKKK"},
		{"sk-proj-FAKEOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO", "sk-proj-FAKE…OOOO"},
		{strings.Repeat("é", 30), strings.Repeat("é", 12) + "…" + strings.Repeat("é", 4)},
		{"\xff\xfe-not-utf8-secret-of-some-length", "…"},
	}
	for _, tc := range cases {
		if got := Mask(tc.secret); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.secret, got, tc.want)
		}
	}
}

// checkMask asserts SPEC §4's promise for one secret: at most 16 of its
// characters are shown, and never all of them.
func checkMask(t *testing.T, secret string) {
	t.Helper()
	if secret == "" || strings.Contains(secret, "…") {
		return // "…" is the mask's own marker
	}
	m := Mask(secret)
	if strings.Count(m, "…") != 1 {
		t.Fatalf("Mask(%q) = %q: no single ellipsis", secret, m)
	}
	shown := strings.Replace(m, "…", "", 1)
	if n := utf8.RuneCountInString(shown); n > 16 {
		t.Fatalf("Mask(%q) = %q shows %d characters", secret, m, n)
	}
	if shown == secret || strings.Contains(shown, secret) {
		t.Fatalf("Mask(%q) = %q shows the whole secret", secret, m)
	}
	if utf8.ValidString(secret) {
		n, k := utf8.RuneCountInString(secret), utf8.RuneCountInString(shown)
		if n >= 24 && n-k < 8 || n < 24 && 4*k > n {
			t.Fatalf("Mask(%q) = %q hides too little (%d of %d shown)", secret, m, k, n)
		}
		if !strings.HasSuffix(secret, strings.SplitN(m, "…", 2)[1]) || !strings.HasPrefix(secret, strings.SplitN(m, "…", 2)[0]) {
			t.Fatalf("Mask(%q) = %q is not a prefix … suffix of it", secret, m)
		}
	}
}

func TestMaskProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []rune("abcXYZ019-_+/=é€😀 \t")
	for n := 1; n <= 300; n++ {
		for range 20 {
			r := make([]rune, n)
			for i := range r {
				r[i] = alphabet[rng.IntN(len(alphabet))]
			}
			checkMask(t, string(r))
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"x", "abcd", fakeOAT, fakeAPI, "é€😀é€😀é€😀é€😀é€😀é€😀é€😀é€😀", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, secret string) { checkMask(t, secret) })
}
