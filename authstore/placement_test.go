package authstore

import (
	"reflect"
	"testing"
)

func TestPlaceProfile(t *testing.T) {
	const (
		tokA = `"anthropic:tok": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKE"}`
		keyA = `"anthropic:key": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE"}`
		newA = `"anthropic:new": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE-new"}`
		expA = `"anthropic:old": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKE-old", "expires": 1000}`
	)
	for _, tc := range []struct {
		name     string
		profiles string
		order    string // the store's "order" object, or ""
		config   string
		where    Placement
		want     []string // the override after; nil = none written
	}{
		{"override-first", tokA + "," + keyA + "," + newA, `{"anthropic": ["anthropic:key", "anthropic:tok"]}`, "", PlaceFirst,
			[]string{"anthropic:new", "anthropic:key", "anthropic:tok"}},
		{"override-last", tokA + "," + keyA + "," + newA, `{"anthropic": ["anthropic:key", "anthropic:tok"]}`, "", PlaceLast,
			[]string{"anthropic:key", "anthropic:tok", "anthropic:new"}},
		{"override-alias-key", tokA + "," + newA, `{"Anthropic": ["anthropic:tok"]}`, "", PlaceLast,
			[]string{"anthropic:tok", "anthropic:new"}},
		{"config-order", tokA + "," + keyA + "," + newA, "", `{auth: {order: {anthropic: ["anthropic:key"]}}}`, PlaceLast,
			[]string{"anthropic:key", "anthropic:new"}},
		// Automatic, but the config lists no anthropic profile: once it lists
		// the new one the gateway would try only that, so an override keeps
		// the token (the API key sorts after it anyway).
		{"automatic-config-empty", tokA + "," + newA, "", "", PlaceLast,
			[]string{"anthropic:tok", "anthropic:new"}},
		{"automatic-first-needs-override", tokA + "," + newA, "", "", PlaceFirst,
			[]string{"anthropic:new", "anthropic:tok"}},
		// The expired token is kept at the end so renewing it works later.
		{"automatic-keeps-excluded", tokA + "," + expA + "," + newA, "", "", PlaceFirst,
			[]string{"anthropic:new", "anthropic:tok", "anthropic:old"}},
		// The config lists no anthropic profile yet; recording the new one
		// would hide the others, so the override keeps them.
		{"automatic-config-would-hide-others", tokA + "," + keyA + "," + newA, "", `{auth: {profiles: {"openai:x": {provider: "openai", mode: "api_key"}}}}`, PlaceLast,
			[]string{"anthropic:tok", "anthropic:key", "anthropic:new"}},
		// Every anthropic profile is already listed in the config.
		{"automatic-config-lists-all", tokA + "," + newA, "",
			`{auth: {profiles: {"anthropic:tok": {provider: "anthropic", mode: "token"}, "anthropic:new": {provider: "anthropic", mode: "api_key"}}}}`, PlaceLast, nil},
		{"only-profile", newA, "", "", PlaceFirst, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"version": 1, "profiles": {` + tc.profiles + `}`
			if tc.order != "" {
				doc += `, "order": ` + tc.order
			}
			s, err := ParseStore([]byte(doc + `}`))
			if err != nil {
				t.Fatal(err)
			}
			var cfg Config
			if tc.config != "" {
				if cfg, err = ParseConfig("c", []byte(tc.config)); err != nil {
					t.Fatal(err)
				}
			}
			wrote := PlaceProfile(s, cfg, "anthropic", "anthropic:new", tc.where, fixedNow)
			got, ok := s.OrderOverride("anthropic")
			if tc.want == nil {
				if wrote || ok && tc.order == "" {
					t.Fatalf("wrote an override %v", got)
				}
				return
			}
			if !wrote || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("wrote=%v override %v, want %v", wrote, got, tc.want)
			}
			if len(s.Order) != 1 {
				t.Fatalf("aliases duplicated: %v", s.Order)
			}
		})
	}
}
