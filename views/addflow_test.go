package views

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

var flowNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// flowStore is a snapshot holding profiles ids (provider before the colon).
func flowStore(t *testing.T, ids ...string) authstore.Snapshot {
	t.Helper()
	var ps []string
	for _, id := range ids {
		provider := id[:strings.IndexByte(id, ':')]
		ps = append(ps, fmt.Sprintf(`%q: {"type": "api_key", "provider": %q, "key": "sk-FAKE-%s"}`, id, provider, strings.Repeat("0", 40)))
	}
	s, err := authstore.ParseStore([]byte(`{"version": 1, "profiles": {` + strings.Join(ps, ",") + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	return authstore.Snapshot{Store: s, Exists: true}
}

// walk answers each step as answer says and records "id n/total" for
// every step the flow shows, as it reads once answered, up to the save.
func walk(t *testing.T, f *AddFlow, answer func(AddStepID, *AddValues)) []string {
	t.Helper()
	var got []string
	for i := 0; i < 20; i++ {
		s := f.Step()
		if s.ID != StepSave {
			answer(s.ID, f.Values()) // as a select does while the cursor moves
		}
		n, total := f.Position()
		got = append(got, fmt.Sprintf("%s %d/%d", s.ID, n, total))
		if s.ID == StepSave {
			return got
		}
		if _, err := f.Next(); err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
	}
	t.Fatalf("no save after %v", got)
	return nil
}

// TestAddStepsPerPath: which steps each path shows, and their numbers. The
// numbers count the steps shown (a joined step shares the number of the
// one before), so the last is always "total of total".
func TestAddStepsPerPath(t *testing.T) {
	key := map[AddMethod]string{
		AddSetupToken: addFakeToken, AddAnthropicAPIKey: addFakeAPIKey,
		AddOpenAIAPIKey: addFakeOpenAI, AddOpenRouterAPIKey: addFakeOpenRoute, AddOtherToken: "groq-FAKE-token-000",
	}
	for _, tc := range []struct {
		name   string
		method AddMethod
		dest   string
		paste  bool
		store  []string
		want   string
	}{
		{"subscription", AddSetupToken, DestStore, false, nil,
			"method 1/4, name 2/4, login 3/4, save 4/4"},
		{"subscription pasted", AddSetupToken, DestStore, true, nil,
			"method 1/4, name 2/4, login 3/4, secret 3/4, save 4/4"},
		{"subscription beside another", AddSetupToken, DestStore, false, []string{"anthropic:work"},
			"method 1/5, name 2/5, login 3/5, placement 4/5, save 5/5"},
		{"subscription replacing", AddSetupToken, DestStore, false, []string{"anthropic:default"},
			"method 1/4, name 2/4, replace 2/4, login 3/4, save 4/4"},
		{"Anthropic key to the store", AddAnthropicAPIKey, DestStore, false, nil,
			"method 1/5, destination 2/5, name 3/5, secret 4/5, save 5/5"},
		{"Anthropic key to the store beside another", AddAnthropicAPIKey, DestStore, false, []string{"anthropic:work", "openai:x"},
			"method 1/6, destination 2/6, name 3/6, secret 4/6, placement 5/6, save 6/6"},
		{"Anthropic key to .env", AddAnthropicAPIKey, DestEnv, false, []string{"anthropic:work", "anthropic:default"},
			"method 1/6, destination 2/4, secret 3/4, save 4/4"}, // .env drops the name and the order
		{"OpenAI key to the store", AddOpenAIAPIKey, DestStore, false, []string{"anthropic:work"},
			"method 1/5, destination 2/5, name 3/5, secret 4/5, save 5/5"},
		{"OpenAI key to .env", AddOpenAIAPIKey, DestEnv, false, nil,
			"method 1/5, destination 2/4, secret 3/4, save 4/4"},
		{"OpenRouter key to .env", AddOpenRouterAPIKey, DestEnv, false, nil,
			"method 1/5, destination 2/4, secret 3/4, save 4/4"},
		{"OpenRouter key beside another", AddOpenRouterAPIKey, DestStore, false, []string{"openrouter:a"},
			"method 1/6, destination 2/6, name 3/6, secret 4/6, placement 5/6, save 6/6"},
		{"other provider", AddOtherToken, DestStore, false, nil,
			"method 1/4, name 2/4, secret 3/4, save 4/4"},
		{"other provider beside another", AddOtherToken, DestEnv, false, []string{"groq:a"},
			"method 1/5, name 2/5, secret 3/5, placement 4/5, save 5/5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := NewAddValues()
			f := NewAddFlow(v, flowStore(t, tc.store...), flowNow)
			got := walk(t, f, func(id AddStepID, v *AddValues) {
				switch id {
				case StepMethod:
					v.Method, v.OtherProvider = tc.method, "groq"
				case StepDestination:
					v.Destination = tc.dest
				case StepReplace:
					v.Replace = true
				case StepLogin:
					v.Paste = tc.paste
					if !tc.paste {
						v.Secret = key[tc.method]
					}
				case StepSecret:
					v.Secret = key[tc.method]
				}
			})
			if s := strings.Join(got, ", "); s != tc.want {
				t.Errorf("steps\n got %s\nwant %s", s, tc.want)
			}
			plan, err := f.Plan(flowNow)
			if err != nil {
				t.Fatal(err)
			}
			toEnv := tc.dest == DestEnv && tc.method != AddSetupToken && tc.method != AddOtherToken
			if toEnv != (plan.EnvVar != "") || (plan.Place != nil) != strings.Contains(tc.want, "placement") {
				t.Errorf("plan: env var %q, place %v", plan.EnvVar, plan.Place)
			}
		})
	}
}

// TestAddFlowCountsWhatTheAnswersShow: "of M" follows the answers as they
// are given, before the step that gives them is done.
func TestAddFlowCountsWhatTheAnswersShow(t *testing.T) {
	v := NewAddValues()
	f := NewAddFlow(v, authstore.Snapshot{}, flowNow)
	for _, tc := range []struct {
		method AddMethod
		dest   string
		want   int
	}{
		{AddSetupToken, DestStore, 4},
		{AddAnthropicAPIKey, DestStore, 5},
		{AddAnthropicAPIKey, DestEnv, 4},
		{AddOtherToken, DestEnv, 4}, // a token never goes to .env
	} {
		v.Method, v.Destination = tc.method, tc.dest
		if n, total := f.Position(); n != 1 || total != tc.want {
			t.Errorf("%s → %s: step %d of %d, want 1 of %d", tc.method, tc.dest, n, total, tc.want)
		}
	}
}

func TestAddFlowBackAndRewind(t *testing.T) {
	v := NewAddValues()
	f := NewAddFlow(v, flowStore(t, "anthropic:default"), flowNow)
	if f.Back() {
		t.Fatal("back on step 1 should leave")
	}
	next := func(want AddStepID, fwd bool) {
		t.Helper()
		got, err := f.Next()
		if err != nil || got != fwd || f.Step().ID != want {
			t.Fatalf("next: at %s (forward %v, %v), want %s (forward %v)", f.Step().ID, got, err, want, fwd)
		}
	}
	next(StepName, true)
	next(StepReplace, true) // anthropic:default exists
	if l := f.Lookup(); !l.Exists || !strings.Contains(l.Existing, "api_key sk-FAKE") {
		t.Fatalf("lookup %+v", l)
	}
	if e := f.Echoes(); !reflect.DeepEqual(e, []string{ChoiceFor(AddSetupToken).Label}) {
		t.Errorf("the replace question repeats %q; the name is its own step's", e)
	}
	next(StepName, false) // "choose another name"
	v.Name = "work"
	next(StepLogin, true)
	if e := f.Echoes(); !reflect.DeepEqual(e, []string{ChoiceFor(AddSetupToken).Label, "Profile anthropic:work"}) {
		t.Errorf("echoes %q", e)
	}
	// The login needs a token, or the user's choice to paste one.
	if _, err := f.Next(); err == nil || f.Step().ID != StepLogin {
		t.Fatalf("went on without a token: %v", err)
	}
	v.Paste = true
	next(StepSecret, true)
	v.Secret = "hello"
	if _, err := f.Next(); err == nil || !strings.Contains(err.Error(), "not a Claude setup token") {
		t.Fatalf("a bad token was taken: %v", err)
	}
	v.Secret = addFakeToken
	next(StepPlacement, true) // beside anthropic:default
	next(StepSave, true)
	for _, want := range []AddStepID{StepPlacement, StepSecret, StepLogin, StepName, StepMethod} {
		if !f.Back() || f.Step().ID != want {
			t.Fatalf("back: at %s, want %s", f.Step().ID, want)
		}
	}
	if f.Back() {
		t.Fatal("back past step 1")
	}
}

func TestLookupAdd(t *testing.T) {
	snap := flowStore(t, "anthropic:a", "openai:b", "anthropic:default")
	l := LookupAdd(snap, "anthropic", "anthropic:default", flowNow)
	if !l.Exists || !reflect.DeepEqual(l.Others, []string{"anthropic:a"}) {
		t.Errorf("%+v", l)
	}
	if l := LookupAdd(authstore.Snapshot{}, "anthropic", "anthropic:default", flowNow); l.Exists || l.Others != nil {
		t.Errorf("no store: %+v", l)
	}
}
