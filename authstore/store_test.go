package authstore

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// TestGatewaySamplesRoundTrip: files the real gateway wrote come back out
// byte for byte, so our writes change only what the user asked to change.
func TestGatewaySamplesRoundTrip(t *testing.T) {
	for _, name := range []string{"store-after-paste-token.json", "store-after-order-set.json"} {
		t.Run(name, func(t *testing.T) {
			data := sample(t, name)
			s, err := ParseStore(data)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Marshal(); string(got) != string(data) {
				t.Errorf("round trip changed the file:\n--- got\n%s--- want\n%s", got, data)
			}
			if got := s.Clone().Marshal(); string(got) != string(data) {
				t.Errorf("Clone changed the file:\n%s", got)
			}
		})
	}
	// The config the gateway wrote goes through the same ordered document.
	data := sample(t, "config-after-paste-token.json")
	doc, err := parseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.marshalFile(); string(got) != string(data) {
		t.Errorf("config round trip changed the file:\n%s", got)
	}
}

func TestParseSampleStore(t *testing.T) {
	s, err := ParseStore(sample(t, "store-after-order-set.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range s.Profiles {
		ids = append(ids, p.ID)
	}
	if want := []string{"anthropic:default", "anthropic:manual", "anthropic:work", "openai:default"}; !equalStrings(ids, want) {
		t.Errorf("profiles in file order = %v, want %v", ids, want)
	}
	if s.Version != 1 {
		t.Errorf("Version = %d", s.Version)
	}
	p, ok := s.Profile("anthropic:manual")
	if !ok || p.Type != TypeToken || p.Provider != "anthropic" || p.Expires != 1798184318701 ||
		!strings.HasPrefix(p.Secret(), "sk-ant-oat01-FAKE") || !p.Usable() {
		t.Errorf("anthropic:manual = %+v", p)
	}
	if k, _ := s.Profile("anthropic:default"); k.Secret() != k.Key || k.Type != TypeAPIKey {
		t.Errorf("api_key secret = %q", Mask(k.Secret()))
	}
	if got := s.Order["anthropic"]; !equalStrings(got, []string{"anthropic:manual", "anthropic:default"}) {
		t.Errorf("order = %v", got)
	}
	if s.LastGood["anthropic"] != "anthropic:default" {
		t.Errorf("lastGood = %v", s.LastGood)
	}
	if _, ok := s.Profile("anthropic:nope"); ok {
		t.Error("Profile found an id that does not exist")
	}
}

// richStore has fields this program does not know at every level.
const richStore = `{
  "version": 1,
  "gatewayFutureKey": {
    "x": 1,
    "nested": [
      1.50,
      "\u00e9"
    ]
  },
  "profiles": {
    "anthropic:sub": {
      "type": "token",
      "provider": "anthropic",
      "token": "sk-ant-oat01-FAKEsub",
      "expires": 1767373445000,
      "futureField": {
        "kept": true
      },
      "label": "personal"
    },
    "anthropic:work": {
      "type": "api_key",
      "provider": "anthropic",
      "key": "sk-ant-api03-FAKEwork",
      "email": "me@work.example"
    },
    "openai:default": {
      "type": "api_key",
      "provider": "openai",
      "key": "sk-proj-FAKEoai"
    },
    "weird:thing": {
      "type": "aws_sdk",
      "provider": "bedrock",
      "region": "eu-west-1"
    }
  },
  "order": {
    "anthropic": [
      "anthropic:work",
      "anthropic:sub"
    ],
    "openai": [
      "openai:default"
    ]
  },
  "lastGood": {
    "anthropic": "anthropic:work",
    "openai": "openai:default"
  },
  "usageStats": {
    "anthropic:work": {
      "lastUsed": 1767366065000,
      "errorCount": 0,
      "disabledUntil": 1767369845000,
      "disabledReason": "billing",
      "failureCounts": {
        "billing": 3
      },
      "futureStat": "x"
    },
    "openai:default": {
      "lastUsed": 1767348245000,
      "cooldownUntil": 1767366494000,
      "errorCount": 2
    }
  },
  "trailingUnknown": null
}
`

func TestRichStoreRoundTrip(t *testing.T) {
	s := mustParse(t, richStore)
	if got := string(s.Marshal()); got != richStore {
		t.Fatalf("round trip changed the file:\n%s", got)
	}
	if w, _ := s.Profile("weird:thing"); w.Usable() {
		t.Error("a profile of unknown type is usable")
	}
	u := s.Usage["anthropic:work"]
	if u.LastUsed != 1767366065000 || u.DisabledUntil != 1767369845000 || u.DisabledReason != "billing" {
		t.Errorf("usage = %+v", u)
	}
	if u := s.Usage["openai:default"]; u.CooldownUntil != 1767366494000 || u.ErrorCount != 2 {
		t.Errorf("usage = %+v", u)
	}
}

// unknownPaths are the fields of richStore this program does not know, with
// their compact values.
var unknownPaths = [][]string{
	{"gatewayFutureKey"},
	{"profiles", "anthropic:sub", "futureField"},
	{"profiles", "anthropic:sub", "label"},
	{"profiles", "weird:thing"},
	{"usageStats", "anthropic:work", "failureCounts"},
	{"usageStats", "anthropic:work", "futureStat"},
	{"trailingUnknown"},
}

// TestUnknownFieldsSurviveEveryMutation: a newer gateway's data survives an
// older moltbot, whatever it changes, and keys keep their places.
func TestUnknownFieldsSurviveEveryMutation(t *testing.T) {
	orig := []byte(richStore)
	cases := []struct {
		name   string
		mutate func(*Store) bool
		// topKeys is the expected top-level key order afterwards.
		topKeys []string
		check   func(t *testing.T, out []byte)
	}{
		{
			name: "PutProfile new",
			mutate: func(s *Store) bool {
				s.PutProfile(Credential{ID: "openrouter:manual", Provider: "openrouter", Type: TypeToken, Secret: "sk-or-v1-FAKE"})
				return true
			},
			check: func(t *testing.T, out []byte) {
				ids := docKeys(t, out, "profiles")
				if want := []string{"anthropic:sub", "anthropic:work", "openai:default", "weird:thing", "openrouter:manual"}; !equalStrings(ids, want) {
					t.Errorf("profiles = %v, want the new one appended: %v", ids, want)
				}
				if got := docRaw(t, out, "profiles", "openrouter:manual"); got != `{"type":"token","provider":"openrouter","token":"sk-or-v1-FAKE"}` {
					t.Errorf("new profile = %s", got)
				}
			},
		},
		{
			name: "PutProfile same type in place",
			mutate: func(s *Store) bool {
				s.PutProfile(Credential{ID: "anthropic:sub", Provider: "anthropic", Type: TypeToken, Secret: "sk-ant-oat01-FAKEnew", Expires: 1800000000000})
				return true
			},
			check: func(t *testing.T, out []byte) {
				if got := docKeys(t, out, "profiles", "anthropic:sub"); !equalStrings(got, []string{"type", "provider", "token", "expires", "futureField", "label"}) {
					t.Errorf("profile keys = %v", got)
				}
				if got := docRaw(t, out, "profiles", "anthropic:sub", "token"); got != `"sk-ant-oat01-FAKEnew"` {
					t.Errorf("token = %s", got)
				}
				if got := docRaw(t, out, "profiles", "anthropic:sub", "expires"); got != "1800000000000" {
					t.Errorf("expires = %s", got)
				}
			},
		},
		{
			name: "PutProfile other type replaces whole profile, other profiles untouched",
			mutate: func(s *Store) bool {
				s.PutProfile(Credential{ID: "anthropic:work", Provider: "anthropic", Type: TypeToken, Secret: "sk-ant-oat01-FAKEx"})
				return true
			},
			check: func(t *testing.T, out []byte) {
				if got := docRaw(t, out, "profiles", "anthropic:work"); got != `{"type":"token","provider":"anthropic","token":"sk-ant-oat01-FAKEx"}` {
					t.Errorf("replaced profile = %s", got)
				}
			},
		},
		{
			name:    "RemoveProfile",
			mutate:  func(s *Store) bool { return s.RemoveProfile("openai:default") },
			topKeys: []string{"version", "gatewayFutureKey", "profiles", "order", "lastGood", "usageStats", "trailingUnknown"},
			check: func(t *testing.T, out []byte) {
				if docHas(t, out, "profiles", "openai:default") || docHas(t, out, "usageStats", "openai:default") ||
					docHas(t, out, "lastGood", "openai") || docHas(t, out, "order", "openai") {
					t.Errorf("references to the removed profile remain:\n%s", out)
				}
			},
		},
		{
			name:   "SetOrder",
			mutate: func(s *Store) bool { s.SetOrder("anthropic", []string{"anthropic:sub", "anthropic:work"}); return true },
			check: func(t *testing.T, out []byte) {
				if got := docKeys(t, out, "order"); !equalStrings(got, []string{"anthropic", "openai"}) {
					t.Errorf("order keys = %v (the changed one must stay in place)", got)
				}
				if got := docRaw(t, out, "order", "anthropic"); got != `["anthropic:sub","anthropic:work"]` {
					t.Errorf("order = %s", got)
				}
			},
		},
		{
			name:   "ClearOrder",
			mutate: func(s *Store) bool { return s.ClearOrder("anthropic") },
			check: func(t *testing.T, out []byte) {
				if got := docKeys(t, out, "order"); !equalStrings(got, []string{"openai"}) {
					t.Errorf("order keys = %v", got)
				}
			},
		},
		{
			name:   "ResetUsage",
			mutate: func(s *Store) bool { return s.ResetUsage("openai:default") },
			check: func(t *testing.T, out []byte) {
				if got := docKeys(t, out, "usageStats"); !equalStrings(got, []string{"anthropic:work"}) {
					t.Errorf("usageStats keys = %v", got)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, richStore)
			if !tc.mutate(s) {
				t.Fatal("mutation reported no change")
			}
			out := s.Marshal()
			if string(out) == richStore {
				t.Fatal("mutation changed nothing")
			}
			if !strings.HasSuffix(string(out), "}\n") || !strings.HasPrefix(string(out), "{\n  \"version\": 1,\n") {
				t.Errorf("not written as 2-space JSON with a trailing newline:\n%s", out)
			}
			want := tc.topKeys
			if want == nil {
				want = docKeys(t, orig)
			}
			if got := docKeys(t, out); !equalStrings(got, want) {
				t.Errorf("top-level keys = %v, want %v", got, want)
			}
			for _, p := range unknownPaths {
				if tc.name == "PutProfile other type replaces whole profile, other profiles untouched" && p[0] == "profiles" && p[1] == "anthropic:work" {
					continue
				}
				if got, want := docRaw(t, out, p...), docRaw(t, orig, p...); got != want {
					t.Errorf("%v = %s, want %s", p, got, want)
				}
			}
			// Profiles the mutation is not about are byte-identical.
			for _, id := range docKeys(t, orig, "profiles") {
				if strings.Contains(tc.name, "PutProfile") || tc.name == "RemoveProfile" {
					if id == "anthropic:sub" || id == "anthropic:work" || id == "openai:default" {
						continue
					}
				}
				if got, want := docRaw(t, out, "profiles", id), docRaw(t, orig, "profiles", id); got != want {
					t.Errorf("profile %s = %s, want %s", id, got, want)
				}
			}
			tc.check(t, out)
			// What was written reads back to the same bytes.
			if again := mustParse(t, string(out)).Marshal(); string(again) != string(out) {
				t.Errorf("output is not stable:\n%s", again)
			}
		})
	}
}

func TestPutProfileExact(t *testing.T) {
	s := mustParse(t, string(sample(t, "store-after-paste-token.json")))
	s.PutProfile(Credential{ID: "anthropic:default", Provider: "anthropic", Type: TypeToken, Secret: "sk-ant-oat01-FAKEabc", Expires: 1798184318701, Email: "me@example.com"})
	want := `{
  "version": 1,
  "profiles": {
    "openrouter:manual": {
      "type": "token",
      "provider": "openrouter",
      "token": "sk-or-v1-FAKE000000000000000000000000000000000000000000000000000000000000PPPP"
    },
    "anthropic:default": {
      "type": "token",
      "provider": "anthropic",
      "token": "sk-ant-oat01-FAKEabc",
      "expires": 1798184318701,
      "email": "me@example.com"
    }
  }
}
`
	if got := string(s.Marshal()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Renewing without an expiry drops the old one but keeps the email.
	s.PutProfile(Credential{ID: "anthropic:default", Provider: "anthropic", Type: TypeToken, Secret: "sk-ant-oat01-FAKEdef"})
	p, _ := s.Profile("anthropic:default")
	if p.Expires != 0 || p.Token != "sk-ant-oat01-FAKEdef" || p.Email != "me@example.com" {
		t.Errorf("after renewal: %+v", p)
	}
	// An API key goes in "key".
	s.PutProfile(Credential{ID: "openai:default", Provider: "openai", Type: TypeAPIKey, Secret: "sk-FAKEkey"})
	if p, _ := s.Profile("openai:default"); p.Key != "sk-FAKEkey" || p.Secret() != "sk-FAKEkey" || p.Token != "" {
		t.Errorf("api key profile: %+v", p)
	}
}

func TestRemoveProfileReferences(t *testing.T) {
	s := mustParse(t, `{"version":1,"profiles":{
		"a:1":{"type":"api_key","provider":"a","key":"k1"},
		"a:2":{"type":"api_key","provider":"a","key":"k2"},
		"b:1":{"type":"api_key","provider":"b","key":"k3"}},
	  "order":{"a":["a:2","a:1","a:2"],"b":["b:1"],"bad":"not-a-list"},
	  "lastGood":{"a":"a:2","b":"b:1","x":"a:2"},
	  "usageStats":{"a:2":{"lastUsed":1},"b:1":{"lastUsed":2}}}`)
	if !s.RemoveProfile("a:2") {
		t.Fatal("RemoveProfile(a:2) = false")
	}
	out := s.Marshal()
	if got := docRaw(t, out, "order"); got != `{"a":["a:1"],"b":["b:1"],"bad":"not-a-list"}` {
		t.Errorf("order = %s", got)
	}
	if got := docRaw(t, out, "lastGood"); got != `{"b":"b:1"}` {
		t.Errorf("lastGood = %s", got)
	}
	if got := docRaw(t, out, "usageStats"); got != `{"b:1":{"lastUsed":2}}` {
		t.Errorf("usageStats = %s", got)
	}
	// Removing the last id of an order list drops the list (an empty
	// override would leave the provider nothing to try), and the "order"
	// object when it becomes empty of lists.
	s.RemoveProfile("b:1")
	if got := docRaw(t, s.Marshal(), "order"); got != `{"a":["a:1"],"bad":"not-a-list"}` {
		t.Errorf("order = %s", got)
	}
	s.RemoveProfile("a:1")
	if got := docRaw(t, s.Marshal(), "order"); got != `{"bad":"not-a-list"}` {
		t.Errorf("order = %s", got)
	}
	s2 := mustParse(t, `{"profiles":{"a:1":{"type":"api_key","provider":"a","key":"k"}},"order":{"a":["a:1"]},"z":1}`)
	s2.RemoveProfile("a:1")
	if got := docKeys(t, s2.Marshal()); !equalStrings(got, []string{"profiles", "z"}) {
		t.Errorf("keys = %v, want the emptied order gone", got)
	}

	before := string(s.Marshal())
	if s.RemoveProfile("nope:1") {
		t.Error("RemoveProfile of a missing id reported a change")
	}
	if string(s.Marshal()) != before {
		t.Error("RemoveProfile of a missing id changed the store")
	}
}

// Ranging over Profiles while removing them must see every profile once.
func TestRemoveWhileRanging(t *testing.T) {
	s := mustParse(t, richStore)
	var seen []string
	for _, p := range s.Profiles {
		seen = append(seen, p.ID)
		if !s.RemoveProfile(p.ID) {
			t.Errorf("RemoveProfile(%s) = false", p.ID)
		}
	}
	if want := []string{"anthropic:sub", "anthropic:work", "openai:default", "weird:thing"}; !equalStrings(seen, want) {
		t.Errorf("ranged over %v, want %v", seen, want)
	}
	if len(s.Profiles) != 0 {
		t.Errorf("%d profiles left", len(s.Profiles))
	}
}

func TestSetOrderAndClearOrderAliases(t *testing.T) {
	s := mustParse(t, `{"version":1,"profiles":{},"order":{"openai":["openai:x"],"z.ai":["zai:a"]}}`)
	s.SetOrder("ZAI", []string{"zai:b", "zai:a"})
	if got := docRaw(t, s.Marshal(), "order"); got != `{"openai":["openai:x"],"z.ai":["zai:b","zai:a"]}` {
		t.Errorf("SetOrder did not reuse the alias key in place: %s", got)
	}
	if ids, ok := s.OrderOverride("z-ai"); !ok || !equalStrings(ids, []string{"zai:b", "zai:a"}) {
		t.Errorf("OrderOverride(z-ai) = %v, %v", ids, ok)
	}
	// Two aliases present: reads and writes use the same key.
	s2 := mustParse(t, `{"profiles":{},"order":{"zai":["x"],"z.ai":["y"]}}`)
	s2.SetOrder("z-ai", []string{"new"})
	if ids, _ := s2.OrderOverride("zai"); !equalStrings(ids, []string{"new"}) {
		t.Errorf("after SetOrder, OrderOverride = %v", ids)
	}
	if !s2.ClearOrder("Z.AI") {
		t.Fatal("ClearOrder = false")
	}
	if docHas(t, s2.Marshal(), "order") {
		t.Errorf("ClearOrder left %s", s2.Marshal())
	}
	if s2.ClearOrder("zai") {
		t.Error("ClearOrder with nothing to clear reported a change")
	}
	// An empty list clears the override.
	s.SetOrder("openai", nil)
	if got := docRaw(t, s.Marshal(), "order"); got != `{"z.ai":["zai:b","zai:a"]}` {
		t.Errorf("SetOrder(empty) = %s", got)
	}
	// A new provider's order is appended under its normalised id.
	s.SetOrder(" Qwen ", []string{"qwen-portal:me"})
	if got := docKeys(t, s.Marshal(), "order"); !equalStrings(got, []string{"z.ai", "qwen-portal"}) {
		t.Errorf("order keys = %v", got)
	}
}

func TestResetUsage(t *testing.T) {
	s := mustParse(t, richStore)
	if !s.ResetUsage("anthropic:work") {
		t.Fatal("ResetUsage = false")
	}
	if _, ok := s.Usage["anthropic:work"]; ok {
		t.Error("usage still there")
	}
	if s.ResetUsage("anthropic:work") || s.ResetUsage("nope") {
		t.Error("ResetUsage of nothing reported a change")
	}
	s2 := mustParse(t, `{"profiles":{}}`)
	if s2.ResetUsage("a") {
		t.Error("ResetUsage without usageStats reported a change")
	}
}

func TestParseStoreFillsProfilesAndReadsNumbers(t *testing.T) {
	s := mustParse(t, `{"version":1}`)
	if got := string(s.Marshal()); got != "{\n  \"version\": 1,\n  \"profiles\": {}\n}\n" {
		t.Errorf("got %s", got)
	}
	// Hand edits may write floats; they are read and written back unchanged.
	s = mustParse(t, `{"profiles":{"a:b":{"type":"token","provider":"a","token":"t","expires":1.7982e12}}}`)
	if p, _ := s.Profile("a:b"); p.Expires != 1798200000000 {
		t.Errorf("Expires = %d", p.Expires)
	}
	if !strings.Contains(string(s.Marshal()), "1.7982e12") {
		t.Errorf("number rewritten: %s", s.Marshal())
	}
	// A profile that is not an object is kept and is not usable.
	s = mustParse(t, `{"profiles":{"a:b":"??","c:d":{"type":"api_key"}}}`)
	if len(s.Profiles) != 2 || s.Profiles[0].Usable() || s.Profiles[1].Usable() {
		t.Errorf("profiles = %+v", s.Profiles)
	}
	if got := docRaw(t, s.Marshal(), "profiles"); got != `{"a:b":"??","c:d":{"type":"api_key"}}` {
		t.Errorf("profiles = %s", got)
	}
}

func TestNewStoreShape(t *testing.T) {
	if got := string(NewStore().Marshal()); got != "{\n  \"version\": 1,\n  \"profiles\": {}\n}\n" {
		t.Errorf("NewStore = %q", got)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	s := mustParse(t, richStore)
	c := s.Clone()
	c.RemoveProfile("anthropic:sub")
	c.SetOrder("openai", []string{"x"})
	if string(s.Marshal()) != richStore {
		t.Error("changing a clone changed the original")
	}
}

func TestCorruptStore(t *testing.T) {
	cases := []struct {
		name      string
		data      string
		line, col int
		reason    string
	}{
		{"empty file", "", 1, 1, "the file is empty"},
		{"blank file", "  \n\n", 3, 1, "the file is empty"},
		{"not JSON", "hello", 1, 1, "invalid character 'h'"},
		{"top level is an array", "\n  [1, 2]", 2, 3, "not a JSON object"},
		{"top level is a string", `"x"`, 1, 1, "not a JSON object"},
		{"syntax error on line 3", "{\n  \"version\": 1,\n  \"profiles\": { \"a\": }\n}\n", 3, 22, "invalid character '}'"},
		{"trailing comma", "{\n  \"version\": 1,\n}", 3, 1, "invalid character '}'"},
		{"cut short", "{\n  \"version\": 1,\n  \"profiles\": {", 3, 16, "unexpected end of file"},
		{"garbage after the object", "{\"version\":1}}", 1, 14, "after top-level value"},
		{"second object after the first", "{}\n{}", 2, 1, "after top-level value"},
		{"columns count characters", "{\"é€\": x}", 1, 8, "invalid character 'x'"},
		{"profiles is an array", "{\n  \"version\": 1,\n  \"profiles\": []\n}", 3, 15, `"profiles" is not an object`},
		{"profiles is null", `{"profiles":null}`, 1, 13, `"profiles" is not an object`},
		{"profiles is a string, last duplicate counts", `{"profiles":{},"profiles":"x"}`, 1, 27, `"profiles" is not an object`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseStore([]byte(tc.data))
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("ParseStore = %v, %v; want a *CorruptError", s, err)
			}
			if ce.Line != tc.line || ce.Column != tc.col {
				t.Errorf("at %d:%d, want %d:%d (%s)", ce.Line, ce.Column, tc.line, tc.col, ce.Reason)
			}
			if !strings.Contains(ce.Reason, tc.reason) {
				t.Errorf("reason %q does not contain %q", ce.Reason, tc.reason)
			}
			ce.Path = "/x/auth-profiles.json"
			msg := ce.Error()
			if want := "/x/auth-profiles.json:" + strconv.Itoa(tc.line) + ":" + strconv.Itoa(tc.col); !strings.Contains(msg, want) {
				t.Errorf("message %q does not name %s", msg, want)
			}
			if !strings.Contains(msg, "doctor --fix") || strings.Contains(msg, "\n") {
				t.Errorf("message %q should be one line saying what to do", msg)
			}
		})
	}
}
