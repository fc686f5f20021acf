package authstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/internal/fixtures"
)

// validJSONCases are inputs at the edges of JSON's grammar, where a
// hand-written validator and encoding/json could disagree.
var validJSONCases = []string{
	``, ` `, `{}`, `[]`, ` {} `, `{`, `}`, `[`, `]`, `{]`, `[}`, `{}}`, `[]]`, `{}{}`, `{} x`,
	`null`, `true`, `false`, `nul`, `tru`, `fals`, `nulll`, `truex`, `True`, `NULL`,
	`0`, `-0`, `01`, `-01`, `-`, `+1`, `1.`, `.5`, `1.5`, `1.5e`, `1e5`, `1E+5`, `1e-5`, `1e+`, `-1.0e-0`,
	`1.5.5`, `1ee5`, `0x10`, `1 2`, `[1,]`, `[,1]`, `[1 2]`, `[1,,2]`, `[01]`, `[-]`, `[1e]`,
	`""`, `"`, `"\"`, `"\\"`, `"\\\"`, `"a\"b"`, `"\u00e9"`, `"\u00E9"`, `"\u00g9"`, `"\u00e"`, `"\x"`,
	`"\/\b\f\n\r\t"`, "\"tab\there\"", "\"nul\x00\"", "\"us\x1f\"", "\" \"", "\"del\x7f\"", "\"\xff\xfe not utf-8\"", "\"\u2028\"",
	`{"a":1}`, `{"a" : 1 , "b" : [ true , null ] }`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,"a":1}`, `{a:1}`,
	`{"a":1 "b":2}`, `{"a"::1}`, `{1:1}`, `{"a":{"b":{"c":[[[]]]}}}`, `{"a":[}`, `[{]}`,
	"{\"a\":1}\n", "\t\r\n{}\t\r\n", "\ufeff{}", "\f{}", "{}\x00",
	strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	strings.Repeat(`{"a":`, maxDepth) + "1" + strings.Repeat("}", maxDepth),
	strings.Repeat(`{"a":`, maxDepth+1) + "1" + strings.Repeat("}", maxDepth+1),
	strings.Repeat("[", maxDepth+1),
	richStore,
}

// TestValidJSONAgreesWithEncodingJSON: the fast validator accepts exactly
// what json.Valid accepts (parseDocument relies on it: every value an
// object keeps is known to be valid).
func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range validJSONCases {
		if got, want := validJSON([]byte(in)), json.Valid([]byte(in)); got != want {
			t.Errorf("validJSON(%.60q) = %v, json.Valid says %v", in, got, want)
		}
	}
}

// FuzzValidJSON holds validJSON to json.Valid's answer on any input.
func FuzzValidJSON(f *testing.F) {
	for _, in := range validJSONCases {
		if len(in) < 1000 {
			f.Add([]byte(in))
		}
	}
	addFileSeeds(f, "store-after-paste-token.json", "store-after-order-set.json", "config-after-paste-token.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := validJSON(data), json.Valid(data); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", data, got, want)
		}
		checkDocumentMembers(t, data)
	})
}

// checkDocumentMembers: the members of a valid document's top-level
// object, as the validation finds them on its way (parseDocument), are
// the ones a scan of the object finds (parseObject): the same keys in the
// same order, the same values byte for byte.
func checkDocumentMembers(t *testing.T, data []byte) {
	t.Helper()
	if !json.Valid(data) {
		return
	}
	if i := skipSpace(data, 0); data[i] != '{' {
		return
	}
	got, err := parseDocument(data)
	if err != nil {
		t.Fatalf("parseDocument(%q): %v", data, err)
	}
	want, err := parseObject(data)
	if err != nil {
		t.Fatalf("parseObject(%q): %v", data, err)
	}
	if !slices.Equal(got.keys, want.keys) {
		t.Fatalf("%q: keys %q, want %q", data, got.keys, want.keys)
	}
	for _, k := range want.keys {
		if string(got.vals[k]) != string(want.vals[k]) {
			t.Fatalf("%q: %q = %q, want %q", data, k, got.vals[k], want.vals[k])
		}
	}
}

func TestDocumentMembersAreFoundByTheValidation(t *testing.T) {
	docs := append([]string{richStore, dupStore, string(fixtures.MixedStore(50, fixedNow)),
		`{}`, ` { } `, `{"a":{}}`, `{"a":[]}`, `{"a" : [ {} , [] ] , "b":"}" ,"c":{"d":{"e":1}}}`, "{\n \"x\" :\t-1.5e3 \r\n}",
		`{"dup":1,"dup":{"x":2}}`, `{"e\u0073c":"\"}"}`}, validJSONCases...)
	for _, d := range docs {
		checkDocumentMembers(t, []byte(d))
	}
}

// TestSkipStringEscapes: a quote ends a string only when the backslashes
// before it pair up.
func TestSkipStringEscapes(t *testing.T) {
	for in, want := range map[string]int{
		`"" x`:         2,
		`"abc" x`:      5,
		`"a\"b" x`:     6,
		`"a\\" x`:      5,
		`"a\\\"b" x`:   8,
		`"\\\\" x`:     6,
		`"\x\"" x`:     6,
		`"open`:        -1,
		`"open\"`:      -1,
		`"ends in \`:   -1,
		`"ends in \\"`: 12,
	} {
		if got := skipString([]byte(in), 0); got != want {
			t.Errorf("skipString(%q) = %d, want %d", in, got, want)
		}
	}
}

// typedViewViaObjects is how Store.refresh read the document before it
// scanned the text directly: through an object per level and per entry,
// with JSON.parse's rule for duplicated keys (first place, last value). It
// is kept here as the reference the faster reading must match.
func typedViewViaObjects(s *Store) Store {
	var v Store
	if raw, ok := s.doc.get("version"); ok {
		_ = json.Unmarshal(raw, &v.Version)
	}
	profiles, _ := s.doc.child("profiles")
	v.Profiles = []Profile{}
	for _, id := range profiles.keys {
		p := Profile{ID: id}
		if o, err := parseObject(profiles.vals[id]); err == nil {
			p.Type = rawString(o, "type")
			p.Provider = rawString(o, "provider")
			p.Key = rawString(o, "key")
			p.Token = rawString(o, "token")
			p.Access = rawString(o, "access")
			p.Refresh = rawString(o, "refresh")
			p.Email = rawString(o, "email")
			p.AccountID = rawString(o, "accountId")
			if raw, ok := o.get("expires"); ok {
				p.Expires, p.ExpiresInvalid = timeValue(raw), !validTime(raw)
				if p.Expires == 0 {
					p.ExpiresIgnored = shortJSON(raw)
				}
			}
		}
		v.Profiles = append(v.Profiles, p)
	}
	v.Order = map[string][]string{}
	if order, ok := s.doc.child("order"); ok {
		for _, k := range order.keys {
			var ids []string
			if json.Unmarshal(order.vals[k], &ids) == nil {
				v.Order[k] = ids
			}
		}
	}
	v.LastGood = map[string]string{}
	if lg, ok := s.doc.child("lastGood"); ok {
		for _, k := range lg.keys {
			var id string
			if json.Unmarshal(lg.vals[k], &id) == nil {
				v.LastGood[k] = id
			}
		}
	}
	v.Usage = map[string]Usage{}
	if us, ok := s.doc.child("usageStats"); ok {
		for _, k := range us.keys {
			o, err := parseObject(us.vals[k])
			if err != nil {
				continue
			}
			v.Usage[k] = Usage{
				LastUsed:       rawInt(o, "lastUsed"),
				CooldownUntil:  timeValue(o.vals["cooldownUntil"]),
				DisabledUntil:  timeValue(o.vals["disabledUntil"]),
				DisabledReason: rawString(o, "disabledReason"),
				ErrorCount:     int(rawInt(o, "errorCount")),
			}
		}
	}
	return v
}

// checkTypedView fails when the store's typed view differs from the one
// read through objects.
func checkTypedView(t *testing.T, s *Store) {
	t.Helper()
	want := typedViewViaObjects(s)
	if s.Version != want.Version {
		t.Errorf("Version = %d, want %d", s.Version, want.Version)
	}
	if !reflect.DeepEqual(s.Profiles, want.Profiles) {
		t.Errorf("Profiles = %+v\nwant %+v", s.Profiles, want.Profiles)
	}
	if !reflect.DeepEqual(s.Order, want.Order) {
		t.Errorf("Order = %v, want %v", s.Order, want.Order)
	}
	if !reflect.DeepEqual(s.LastGood, want.LastGood) {
		t.Errorf("LastGood = %v, want %v", s.LastGood, want.LastGood)
	}
	if !reflect.DeepEqual(s.Usage, want.Usage) {
		t.Errorf("Usage = %v, want %v", s.Usage, want.Usage)
	}
	for i, p := range s.Profiles {
		if j, ok := s.position(p.ID); !ok || j != i {
			t.Errorf("position(%q) = %d, %v; want %d", p.ID, j, ok, i)
		}
	}
}

// dupStore repeats ids and fields, and mixes in values of the wrong type,
// where "last value wins" and "first place wins" matter.
const dupStore = `{
  "version": 2,
  "profiles": {
    "a:1": {"type": "token", "provider": "a", "token": "sk-FAKE-first", "expires": 5},
    "b:1": {"type": "api_key", "type": "token", "provider": "b", "token": "sk-FAKE\u0041\n", "expires": 1.5e3},
    "c:1": ["not", "an", "object"],
    "a:1": {"type": "api_key", "provider": "a", "key": "sk-FAKE-last", "email": 7, "expires": "soon"},
    "d:1": {"type": "oauth", "provider": "d", "access": "x", "refresh": "y", "accountId": "acct", "expires": 1e400},
    "e\u003a1": {"type": "token", "provider": "E", "token": "t", "expires": -3}
  },
  "order": {"a": ["a:1"], "b": "not a list", "a": ["a:1", "b:1"], "c": null, "d": ["d:1"], "d": 3},
  "lastGood": {"a": "a:1", "b": 2, "c": "c:1", "c": null},
  "usageStats": {
    "a:1": {"lastUsed": 10, "errorCount": 2, "lastUsed": 11},
    "b:1": {"cooldownUntil": 20, "disabledUntil": 30, "disabledReason": "billing"},
    "b:1": "gone",
    "c:1": 4,
    "d:1": {"errorCount": 1.9, "disabledReason": ["x"]}
  }
}`

// TestRefreshMatchesObjectReading: the typed view read straight from the
// text is the one read through objects, duplicates and odd values
// included.
func TestRefreshMatchesObjectReading(t *testing.T) {
	for name, in := range map[string]string{
		"rich":  richStore,
		"dup":   dupStore,
		"empty": `{}`,
		"bare":  `{"profiles": {}, "order": [], "lastGood": "x", "usageStats": null}`,
		"bench": string(benchStore(t, 50)),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := ParseStore([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			checkTypedView(t, s)
		})
	}
	s, err := ParseStore([]byte(dupStore))
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Profile("a:1"); s.Profiles[0].ID != "a:1" || p.Key != "sk-FAKE-last" || p.Token != "" {
		t.Errorf("a duplicated id must keep its first place and its last value: %+v", s.Profiles)
	}
	if p, _ := s.Profile("b:1"); p.Type != TypeToken || p.Expires != 1500 {
		t.Errorf("a duplicated field must keep its last value: %+v", p)
	}
	if _, ok := s.Usage["b:1"]; ok {
		t.Errorf("a usage entry whose last value is not an object must not count: %+v", s.Usage["b:1"])
	}
	if _, ok := s.Profile("e:1"); !ok {
		t.Error("an escaped key must be read as JSON.parse reads it")
	}
}

// FuzzStoreTypedView: whatever ParseStore accepts, the typed view matches
// the one read through objects.
func FuzzStoreTypedView(f *testing.F) {
	addFileSeeds(f, "store-after-paste-token.json", "store-after-order-set.json")
	f.Add([]byte(richStore))
	f.Add([]byte(dupStore))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseStore(data)
		if err != nil {
			return
		}
		checkTypedView(t, s)
	})
}

// TestTypedViewOfBigStores: past the first entries, from which the rest
// are sized, the typed view still matches the one read through objects:
// ids written twice (early and late), entries that are not objects, usage
// entries replaced by non-objects, stores a little and much larger than
// the estimate.
func TestTypedViewOfBigStores(t *testing.T) {
	stores := map[string]string{}
	for _, n := range []int{0, 31, 32, 33, 64, 1000} {
		stores[fmt.Sprint("MixedStore ", n)] = string(fixtures.MixedStore(n, fixedNow))
	}
	var b strings.Builder
	b.WriteString(`{"profiles": {`)
	for i := range 300 {
		if i > 0 {
			b.WriteString(",")
		}
		switch {
		case i%37 == 36:
			fmt.Fprintf(&b, `"p%d": "not an object"`, i)
		case i%41 == 40:
			fmt.Fprintf(&b, `"p%d": {"type": "token", "provider": "late", "token": "sk-FAKE-dup-%d"}`, i%50, i)
		default:
			// Entries of very different sizes: the estimate is off.
			fmt.Fprintf(&b, `"p%d": {"type": "api_key", "provider": "p", "key": "sk-FAKE%s"}`, i, strings.Repeat("x", (i*7919)%400))
		}
	}
	b.WriteString(`}, "usageStats": {`)
	for i := range 300 {
		if i > 0 {
			b.WriteString(",")
		}
		if i%53 == 52 {
			fmt.Fprintf(&b, `"p%d": [1]`, i%40)
		} else {
			fmt.Fprintf(&b, `"p%d": {"lastUsed": %d, "cooldownUntil": %d}`, i, i, i*1000)
		}
	}
	b.WriteString(`}}`)
	stores["uneven"] = b.String()
	for name, data := range stores {
		s, err := ParseStore([]byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Run(name, func(t *testing.T) { checkTypedView(t, s) })
	}
}
