package authstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// copyPaths is the ops store as agent main and two more agents of the same
// state dir: work (a store of its own with an anthropic order) and home
// (an empty agent directory, no store yet).
func copyPaths(t *testing.T) (main, work, home Paths) {
	t.Helper()
	main = opsPaths(t)
	var err error
	if work, err = main.ForAgent("work"); err != nil {
		t.Fatal(err)
	}
	if home, err = main.ForAgent("home"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, work.Store, []byte(indentJSON(t, fmt.Sprintf(`{"version":1,"profiles":{
"anthropic:own":{"type":"api_key","provider":"anthropic","key":%q}},
"order":{"anthropic":["anthropic:own"]},"futureWork":1}`, fakeSecret("sk-ant-api03-", 60, 'W')))))
	if err := os.MkdirAll(home.AgentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	return main, work, home
}

func outcomes(res CopyResult) []CopyOutcome {
	var out []CopyOutcome
	for _, t := range res.Targets {
		out = append(out, t.Outcome)
	}
	return out
}

func TestCopyProfileCopiesTheWholeCredential(t *testing.T) {
	main, work, home := copyPaths(t)
	before := string(readFile(t, main.Store))
	res, err := CopyProfile(context.Background(), main, "anthropic:charlie", []Paths{work, home}, CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); !slices.Equal(got, []CopyOutcome{CopyWritten, CopyWritten}) {
		t.Fatalf("outcomes %v, want written twice", got)
	}
	src, _ := mustParse(t, before).Profile("anthropic:charlie")
	for _, p := range []Paths{work, home} {
		s := mustParse(t, string(readFile(t, p.Store)))
		got, ok := s.Profile("anthropic:charlie")
		if !ok || !SameCredential(got, src) || got.Type != TypeToken || got.Expires != src.Expires {
			t.Errorf("%s: copy %+v, want the source's %+v", p.AgentID, got, src)
		}
		if !strings.Contains(string(readFile(t, p.Store)), `"futureField": 1`) {
			t.Errorf("%s: the profile's unknown field was not copied", p.AgentID)
		}
		if _, ok := s.Usage["anthropic:charlie"]; ok {
			t.Errorf("%s: usage stats were copied", p.AgentID)
		}
	}
	if got := storeOrder(t, work, "anthropic"); !slices.Equal(got, []string{"anthropic:own"}) {
		t.Errorf("work's order %v: a copy leaves the target's order alone unless asked", got)
	}
	if !strings.Contains(string(readFile(t, work.Store)), `"futureWork": 1`) {
		t.Error("work's store lost its unknown field")
	}
	if string(readFile(t, main.Store)) != before {
		t.Error("the source store was changed")
	}
}

func TestCopyProfileSameCredentialIsAlreadyThere(t *testing.T) {
	main, work, _ := copyPaths(t)
	ctx := context.Background()
	if _, err := CopyProfile(ctx, main, "anthropic:alpha", []Paths{work}, CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	fi1, _ := os.Stat(work.Store)
	data := readFile(t, work.Store)
	time.Sleep(10 * time.Millisecond)
	res, err := CopyProfile(ctx, main, "anthropic:alpha", []Paths{work}, CopyOptions{Force: true, Place: new(PlaceFirst)})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); !slices.Equal(got, []CopyOutcome{CopyAlready}) || res.Refused() {
		t.Fatalf("outcomes %v, want already there", got)
	}
	fi2, _ := os.Stat(work.Store)
	if string(readFile(t, work.Store)) != string(data) || !fi1.ModTime().Equal(fi2.ModTime()) {
		t.Error("an identical credential was written again")
	}
}

func TestCopyProfileRefusesADifferentCredential(t *testing.T) {
	main, work, home := copyPaths(t)
	ctx := context.Background()
	// work holds another secret at anthropic:alpha.
	other := fakeSecret("sk-ant-api03-", 60, 'X')
	if _, err := SaveCredential(ctx, work, Credential{ID: "anthropic:alpha", Provider: "anthropic", Type: TypeAPIKey, Secret: other}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	workBefore := string(readFile(t, work.Store))
	res, err := CopyProfile(ctx, main, "anthropic:alpha", []Paths{home, work}, CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); !slices.Equal(got, []CopyOutcome{CopySkipped, CopyConflict}) || !res.Refused() {
		t.Fatalf("outcomes %v, want home skipped and work a conflict", got)
	}
	if res.Targets[1].Existing.Key != other {
		t.Error("the conflict does not say what is there")
	}
	if string(readFile(t, work.Store)) != workBefore {
		t.Error("the different credential was overwritten without --force")
	}
	if _, err := os.Stat(home.Store); !errors.Is(err, os.ErrNotExist) {
		t.Error("home was written although work refused: a copy is all or nothing when known beforehand")
	}

	// A confirmation for another credential than the one there now does
	// not replace it.
	seen := res.Targets[1].Existing
	seen.Key = fakeSecret("sk-ant-api03-", 60, 'Y')
	res, _ = CopyProfile(ctx, main, "anthropic:alpha", []Paths{work}, CopyOptions{Replace: &seen})
	if got := outcomes(res); !slices.Equal(got, []CopyOutcome{CopyConflict}) {
		t.Fatalf("outcomes %v with a stale confirmation, want a conflict", got)
	}

	// Force (or the confirmation of what is there) replaces it, in place,
	// with fresh usage stats; the order stays.
	seen = res.Targets[0].Existing
	res, err = CopyProfile(ctx, main, "anthropic:alpha", []Paths{work}, CopyOptions{Replace: &seen})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); !slices.Equal(got, []CopyOutcome{CopyReplaced}) {
		t.Fatalf("outcomes %v, want replaced", got)
	}
	s := mustParse(t, string(readFile(t, work.Store)))
	if p, _ := s.Profile("anthropic:alpha"); p.Key != fakeSecret("sk-ant-api03-", 60, 'A') {
		t.Error("not replaced")
	}
	if got := storeOrder(t, work, "anthropic"); !slices.Equal(got, []string{"anthropic:own"}) {
		t.Errorf("work's order %v changed", got)
	}
}

func TestCopyProfilePlacesWhenAsked(t *testing.T) {
	main, work, _ := copyPaths(t)
	res, err := CopyProfile(context.Background(), main, "anthropic:delta", []Paths{work}, CopyOptions{Place: new(PlaceFirst)})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Targets[0].Placed {
		t.Error("not placed")
	}
	if got := storeOrder(t, work, "anthropic"); !slices.Equal(got, []string{"anthropic:delta", "anthropic:own"}) {
		t.Errorf("work's order %v, want delta first", got)
	}
}

func TestCopyProfileRefusals(t *testing.T) {
	main, work, _ := copyPaths(t)
	ctx := context.Background()
	var np *NoProfileError
	if _, err := CopyProfile(ctx, main, "anthropic:nosuch", []Paths{work}, CopyOptions{}); !errors.As(err, &np) || !strings.Contains(err.Error(), "anthropic:alpha") {
		t.Errorf("missing profile: %v", err)
	}
	if _, err := CopyProfile(ctx, main, "anthropic:stray", []Paths{work}, CopyOptions{}); err == nil || !strings.Contains(err.Error(), "not a credential the gateway can use") {
		t.Errorf("a profile without provider: %v", err)
	}
	if _, err := CopyProfile(ctx, main, "anthropic:alpha", []Paths{work, main}, CopyOptions{}); !errors.Is(err, ErrCopyToSelf) {
		t.Errorf("to itself: %v", err)
	}
	// A corrupt target refuses the copy everywhere.
	broken, _ := main.ForAgent("broken")
	writeFile(t, broken.Store, []byte("{nope"))
	res, err := CopyProfile(ctx, main, "anthropic:alpha", []Paths{work, broken}, CopyOptions{})
	var ce *CorruptError
	if err != nil || !slices.Equal(outcomes(res), []CopyOutcome{CopySkipped, CopyFailed}) || !errors.As(res.Targets[1].Err, &ce) {
		t.Errorf("corrupt target: %v, %v", err, outcomes(res))
	}
	if _, ok := mustParse(t, string(readFile(t, work.Store))).Profile("anthropic:alpha"); ok {
		t.Error("work was written although another target could not be read")
	}
}

func TestForAgentFollowsTheConfigsAgentDir(t *testing.T) {
	root := t.TempDir()
	state := filepath.Join(root, "state")
	home := filepath.Join(root, "home")
	writeFile(t, filepath.Join(state, "openclaw.json"), []byte(`{agents: {list: [{id: "main"}, {id: "ops", agentDir: "~/ops-agent"}]}}`))
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": state, "MOLTBOT_GATEWAY": "clawdbot"}), home)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := p.ForAgent(" OPS ")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ResolvePaths("ops", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": state, "MOLTBOT_GATEWAY": "clawdbot"}), home)
	if ops.AgentDir != filepath.Join(home, "ops-agent") || ops.Store != want.Store || ops.AgentID != "ops" || ops.Gateway.Generation != want.Gateway.Generation {
		t.Errorf("ForAgent(ops) = %s (%s), want %s", ops.AgentDir, ops.Gateway.Generation, want.AgentDir)
	}
	if _, err := p.ForAgent("../x"); err == nil {
		t.Error("an invalid id was accepted")
	}
	if got := KnownAgents(p); !slices.Equal(got, []string{"main", "ops"}) {
		t.Errorf("KnownAgents %v", got)
	}
}

func TestKnownAgents(t *testing.T) {
	p := newTestPaths(t)
	if got := KnownAgents(p); !slices.Equal(got, []string{"main"}) {
		t.Errorf("fresh state dir: %v, want main (the gateway's only agent without a config list)", got)
	}
	for _, id := range []string{"work", "zeta"} {
		if err := os.MkdirAll(filepath.Join(p.StateDir, "agents", id, "agent"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(p.StateDir, "agents", "notanagent"), 0o700); err != nil { // no agent/ inside
		t.Fatal(err)
	}
	if got := KnownAgents(p); !slices.Equal(got, []string{"main", "work", "zeta"}) {
		t.Errorf("with agent dirs: %v", got)
	}
	if !AgentKnown(p, " Work ") || AgentKnown(p, "wrok") || AgentKnown(p, "notanagent") {
		t.Error("AgentKnown")
	}
	if got := Suggest("wrok", KnownAgents(p)); !slices.Equal(got, []string{"work"}) {
		t.Errorf("Suggest(wrok) = %v", got)
	}
}

func TestSuggest(t *testing.T) {
	providers := KnownProviders()
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"antropic", []string{"anthropic"}},
		{"openia", []string{"openai"}},                        // two letters swapped
		{"opnai", []string{"openai"}},                         // one left out
		{"gogle", []string{"google"}},                         // one left out
		{"groc", []string{"groq"}},                            // one replaced
		{"xia", []string{"xai"}},                              // a swap in a short word
		{"anthro", []string{"anthropic", "anthropic-vertex"}}, // the start of them
		{"nosuch", nil},
		{"x", nil},
	} {
		if got := Suggest(tc.word, providers); !slices.Equal(got, tc.want) {
			t.Errorf("Suggest(%q) = %v, want %v", tc.word, got, tc.want)
		}
	}
	if got := Suggest("anthropic", []string{"Anthropic", "anthropic"}); got != nil {
		t.Errorf("a word is not its own suggestion: %v", got)
	}
	if got := Suggest("open", providers); len(got) != MaxSuggestions {
		t.Errorf("Suggest(open) = %v, want %d at most", got, MaxSuggestions)
	}
	if got := DidYouMean("opena", []string{"openai", "opencode"}); got != ` (did you mean "openai"?)` {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("wrk", []string{"work", "wok", "main"}); got != ` (did you mean "wok" or "work"?)` {
		t.Errorf("DidYouMean = %q", got)
	}
}

func TestSnapshotKnowsProviders(t *testing.T) {
	p := opsPaths(t)
	writeFile(t, p.Config, []byte(`{models: {providers: {myproxy: {baseUrl: "http://localhost"}}}, plugins: {entries: {"plugged-llm": {enabled: true}}},
  agents: {defaults: {model: "custom-llm/x", models: {"allowed-llm/y": {alias: "y"}}}, list: [{id: "ops", model: {primary: "ops-llm/z"}}]},
  auth: {order: {ordered: []}}}`))
	snap, err := LoadWithEnv(p, mapEnv(map[string]string{"GROQ_API_KEY": "gsk_FAKE0000000000000000"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, known := range []string{"anthropic", "Anthropic", "openai", "myproxy", "plugged-llm", "custom-llm", "allowed-llm", "ops-llm", "ordered", "groq", "github-copilot", "z.ai"} {
		if !snap.KnowsProvider(known) {
			t.Errorf("%s should be known", known)
		}
	}
	for _, unknown := range []string{"nosuch", "antropic"} {
		if snap.KnowsProvider(unknown) {
			t.Errorf("%s should not be known", unknown)
		}
	}
	if got := snap.ProviderSuggestions("myproxi"); !slices.Equal(got, []string{"myproxy"}) {
		t.Errorf("suggestions for myproxi: %v", got)
	}
}

// A config whose other parts have shapes moltbot does not expect is still
// read for what matters (the names are only a help against typos).
func TestConfigNamedProvidersNeverBreakTheConfig(t *testing.T) {
	c, err := ParseConfig("c.json5", []byte(`{models: {providers: []}, plugins: 3, agents: {list: "x", defaults: {models: [1]}}, auth: {profiles: {"a:b": {provider: "a", mode: "token"}}}}`))
	if err != nil || len(c.ProfileIDs) != 1 || len(c.NamedProviders) != 0 {
		t.Errorf("ParseConfig: %+v, %v", c, err)
	}
}

// TestCopyProfileSQLite: with openclaw's SQLite store every agent also sees
// the shared store (the main agent's profiles): copying one of those to
// another agent finds it there already, writes nothing; a profile of
// another agent's own database copied to main lands in the shared store.
func TestCopyProfileSQLite(t *testing.T) {
	ctx := context.Background()
	state := copySample(t, sampleC)
	copyFile(t, "testdata/openclaw-2026.9.6/"+sampleB+"/agents/main/agent/openclaw-agent.sqlite", agentDBOf(state, "work"))
	main := sqlitePaths(t, state, "main")
	work, err := main.ForAgent("work")
	if err != nil {
		t.Fatal(err)
	}
	if want := sqlitePaths(t, state, "work"); work.AgentDB != want.AgentDB || work.Gateway.Generation != GenSQLite {
		t.Fatalf("ForAgent(work): %s (%s), want %s", work.AgentDB, work.Gateway.Generation, want.AgentDB)
	}
	snap, err := Load(main)
	if err != nil {
		t.Fatal(err)
	}
	shared := ProfileIDs(snap.Store.Profiles)[0]
	before := allRows(t, state)
	res, err := CopyProfile(ctx, main, shared, []Paths{work}, CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); !slices.Equal(got, []CopyOutcome{CopyAlready}) {
		t.Errorf("copying shared %s to work: %v, want already there", shared, got)
	}
	if got := changedRows(t, before, allRows(t, state)); len(got) != 0 {
		t.Errorf("rows written %v", got)
	}

	if _, err := SaveCredential(ctx, work, Credential{ID: "anthropic:mine", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	before = allRows(t, state)
	res, err = CopyProfile(ctx, work, "anthropic:mine", []Paths{main}, CopyOptions{})
	if err != nil || !slices.Equal(outcomes(res), []CopyOutcome{CopyWritten}) {
		t.Fatalf("copying work's own profile to main: %v, %v", outcomes(res), err)
	}
	if got := changedRows(t, before, allRows(t, state)); !slices.Equal(got, []string{"shared.store"}) {
		t.Errorf("rows written %v, want the shared store only", got)
	}
	snap, err = Load(main)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := snap.Store.Profile("anthropic:mine"); !ok || p.Key != fakeAPI {
		t.Errorf("main does not see the copy: %+v", p)
	}
}
