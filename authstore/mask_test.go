package authstore

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
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
// maskRunes is Mask as first written, through a []rune of the secret: Mask
// finds the same characters without one.
func maskRunes(secret string) string {
	r := []rune(secret)
	n := len(r)
	if !utf8.ValidString(secret) {
		return "…"
	}
	if n >= 24 {
		return string(r[:12]) + "…" + string(r[n-4:])
	}
	tail := min(n/4, 4)
	return "…" + string(r[n-tail:])
}

func checkMask(t *testing.T, secret string) {
	t.Helper()
	if secret == "" || strings.Contains(secret, "…") {
		return // "…" is the mask's own marker
	}
	m := Mask(secret)
	if want := maskRunes(secret); m != want {
		t.Fatalf("Mask(%q) = %q; counted in runes it is %q", secret, m, want)
	}
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

// echoKey is a fake API key whose hidden part has no repeats, so that any
// run of it shown is a run of it, not of a fill character.
const echoKey = "sk-ant-api03-FAKEq7Rz2Lm9Xc4Vb8Nw1Kp6Hd3Jt5Gy0Fs-Ua_Ie7Oo2Ww9Pq4Zx1Cv6Bn3Mm8Ll5Kk0Jj-AA"

func TestRedactEveryRunOfTheSecret(t *testing.T) {
	hidden := strings.TrimPrefix(echoKey, AnthropicAPIKeyPrefix)
	odd := "FAKE key/with+odd=chars&<more>-0123456789abcdef"
	cases := []struct{ name, in, secret, want string }{
		{"whole", "invalid x-api-key " + echoKey + " given", echoKey, "invalid x-api-key [redacted] given"},
		{"minus its prefix", "key …" + hidden + "!", echoKey, "key …[redacted]!"},
		{"a 12-character middle run", "saw [" + hidden[20:32] + "]", echoKey, "saw [[redacted]]"},
		{"8 characters are enough", "x" + hidden[40:48] + "y", echoKey, "x[redacted]y"},
		{"7 are not", "x" + hidden[40:47] + "y", echoKey, "x" + hidden[40:47] + "y"},
		{"prefix and a little", "got sk-ant-api03-FAKEq7R.", echoKey, "got [redacted]."},
		{"the public prefix alone", "an sk-ant-api03- key is not a setup token", echoKey, "an sk-ant-api03- key is not a setup token"},
		{"two pieces", hidden[:9] + " and " + hidden[50:60], echoKey, "[redacted] and [redacted]"},
		{"twice in a row", echoKey + echoKey, echoKey, "[redacted]"},
		{"URL-encoded", "url ?key=" + strings.ReplaceAll(url.QueryEscape(odd), "+", "%20")[:30], odd, "url ?key=[redacted]"},
		{"query-escaped whole", "?k=" + url.QueryEscape(odd), odd, "?k=[redacted]"},
		{"JSON-escaped", `{"k":"` + jsonInner(odd) + `"}`, odd, `{"k":"[redacted]"}`},
		{"short secret, whole", "pw hunter2 pw", "hunter2", "pw [redacted] pw"},
		{"no secret", "nothing to do", "", "nothing to do"},
		{"never half a character", "Zũ1234567Z", "Xé1234567", "Z[redacted]Z"}, // ũ and é share their last byte
	}
	for _, c := range cases {
		if got := Redact(c.in, c.secret); got != c.want {
			t.Errorf("%s: Redact(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func jsonInner(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// checkRedact asserts Redact's promise for one text and secret: no run of
// RedactRun characters of any form of the secret is left outside the
// public prefix.
func checkRedact(t *testing.T, text, secret string) {
	t.Helper()
	if len(secret) < RedactRun || strings.ContainsRune(secret, 0) {
		return
	}
	out := Redact(text, secret)
	left := strings.ReplaceAll(out, Redacted, "\x00")
	for _, f := range secretForms(secret) {
		pub := len(publicPrefix(f))
		for i := 0; i+RedactRun <= len(f); i++ {
			if i+RedactRun > pub && strings.Contains(left, f[i:i+RedactRun]) {
				t.Fatalf("Redact(%q, %q) = %q still shows %q", text, secret, out, f[i:i+RedactRun])
			}
		}
	}
}

func TestRedactProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	for range 3000 {
		secret := echoKey
		if rng.IntN(2) == 0 {
			secret = fakeSecret("sk-proj-", 20+rng.IntN(60), 'x')[:8] + randomToken(rng, 12+rng.IntN(50))
		}
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			switch rng.IntN(4) {
			case 0:
				b.WriteString(randomToken(rng, rng.IntN(12)))
			case 1:
				i := rng.IntN(len(secret))
				b.WriteString(secret[i:min(len(secret), i+rng.IntN(20))])
			case 2:
				b.WriteString(secret)
			default:
				b.WriteString(" é[redacted]\x1b ")
			}
		}
		checkRedact(t, b.String(), secret)
	}
}

func randomToken(rng *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func FuzzRedact(f *testing.F) {
	f.Add("invalid x-api-key "+echoKey, echoKey)
	f.Add("key …"+echoKey[20:40]+"…", echoKey)
	f.Add("?k="+url.QueryEscape("a/b+c=d&e<f>g"), "a/b+c=d&e<f>g")
	f.Fuzz(func(t *testing.T, text, secret string) { checkRedact(t, text, secret) })
}
