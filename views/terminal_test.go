package views_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

// Hostile text as a store may hold it: a title-setting OSC, an OSC 52
// clipboard write, a screen wipe, a bidi override, a C1 CSI, broken UTF-8.
const (
	oscTitle = "\x1b]0;PWNED-TITLE\x07"
	osc52    = "\x1b]52;c;ZWNobyBQV05FRA==\x07"
	wipe     = "\x1b[2J\x1b[H"
	bidiText = "\u202edeppots\u2066x\u2069"
)

// jsonText writes s as a JSON string: controls escaped as JSON needs,
// everything else raw (bytes that are not UTF-8 included).
func jsonText(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hostileStore is a store whose free text comes from the arguments: a
// token profile (id, email, provider) disabled for reason, an order naming
// it and a profile that does not exist (entry), and a plain profile whose
// type is reason.
func hostileStore(id, email, provider, reason, entry string) string {
	return fmt.Sprintf(`{"version":1,"profiles":{
  %s: {"type":"token","provider":%s,"token":%q,"expires":%d,"email":%s},
  "anthropic:plain": {"type":"api_key","provider":"anthropic","key":%q,"email":%s},
  %s: {"type":%s,"provider":"anthropic","key":%q}
},
"order":{%s:[%s,%s]},
"usageStats":{%s:{"disabledUntil":%d,"disabledReason":%s},"anthropic:plain":{"cooldownUntil":%d}}}`,
		jsonText(id), jsonText(provider), fakeOAT, ms(3_600_000_000_000), jsonText(email),
		fakeAPI, jsonText(email),
		jsonText("anthropic:"+entry), jsonText(reason), fakeAPI,
		jsonText(provider), jsonText(id), jsonText(entry),
		jsonText(id), ms(600_000_000_000), jsonText(reason), ms(60_000_000_000))
}

// checkScreen fails when a frame holds anything a terminal would act on
// (the tests' styles are plain: a frame has no escape sequence of its own).
func checkScreen(t *testing.T, what, v string) {
	t.Helper()
	if !utf8.ValidString(v) {
		t.Fatalf("%s: the frame is not UTF-8:\n%q", what, v)
	}
	for i, r := range v {
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			t.Fatalf("%s: the frame holds %U at byte %d:\n%q", what, r, i, v)
		}
	}
}

// walkDashboard draws every part of the dashboard that shows file text:
// each provider, each row with its detail line, a grab's title, the remove
// dialog, at two sizes.
func walkDashboard(t *testing.T, f *fixture) {
	t.Helper()
	for _, size := range [][2]int{{100, 30}, {60, 15}} {
		f.d.SetSize(size[0], size[1])
		checkScreen(t, "first frame", f.d.View())
		f.keys("left", "home")
		for range 4 {
			checkScreen(t, "provider", f.d.View())
			f.keys("right", "home")
			for range 4 {
				checkScreen(t, "row", f.d.View())
				f.keys("space")
				checkScreen(t, "grab", f.d.View())
				f.keys("esc", "d")
				checkScreen(t, "remove dialog", f.d.View())
				f.keys("n", "down")
			}
			f.keys("left", "down")
		}
	}
}

// TestDashboardShowsFileTextAsData: ids, emails, providers, disabledReason,
// types and order entries full of escape sequences (the dashboard once set
// the terminal's title from a disabledReason and was wiped by ESC[2J) are
// drawn as visible escapes, in the rows, the detail line, the pane titles,
// the remove dialog and the provider list.
func TestDashboardShowsFileTextAsData(t *testing.T) {
	f := newFixture(t, hostileStore("anthropic:t"+oscTitle+"\t\n", "me"+osc52+"@x\xff", "anthropic",
		"billing"+wipe+bidiText+"\u009b2J", "gone"+oscTitle)).start(100, 30)
	v := f.view()
	if !strings.Contains(v, `anthropic:t\x1b]0;PWNED-TITLE\x07\t\n`) {
		t.Errorf("the id is not shown with visible escapes:\n%s", v)
	}
	walkDashboard(t, f)
	f = newFixture(t, hostileStore("evil:t", "e@x", "evil"+oscTitle, "r"+wipe, "x"+bidiText)).start(100, 30)
	walkDashboard(t, f)
}

// FuzzDashboardView shows a store built in memory from the fuzzer's text
// (fast enough for CI's 100,000 inputs): the rows, each row's detail line, a
// grab's title, the remove dialog and a second provider may hold nothing a
// terminal acts on. TestDashboardShowsFileTextAsData walks the same, and
// more, on files.
func FuzzDashboardView(f *testing.F) {
	f.Add("anthropic:t"+oscTitle, "me"+osc52, "anthropic", "billing"+wipe, "gone"+bidiText)
	f.Add("a\tb\nc", "\xff\xfe", "x\u0085", "\u009b", "\x7f")
	f.Fuzz(func(t *testing.T, id, email, provider, reason, entry string) {
		store, err := authstore.ParseStore([]byte(hostileStore(id, email, provider, reason, entry)))
		if err != nil {
			t.Skip()
		}
		env := views.Env{
			Paths: authstore.Paths{AgentID: "main", StateDir: "/nowhere", Store: "/nowhere/" + entry + "/auth-profiles.json"},
			Clock: func() time.Time { return testNow }, Getenv: func(string) string { return "" }, Home: "/home/me",
			Keys: tui.DefaultKeys().Views, Styles: tui.NewTheme(nil).Views,
		}
		fx := &fixture{t: t, now: testNow, d: views.NewDashboard(env)}
		fx.d.SetSize(100, 30)
		fx.send(views.Loaded(fx.d, authstore.Snapshot{Paths: env.Paths, Store: store, Exists: true,
			Env: []authstore.EnvCredential{{Provider: provider, Var: "ANTHROPIC_API_KEY" + entry, Source: ".env", Value: email + fakeAPI}}}))
		for _, step := range [][]string{nil, {"down"}, {"down"}, {"space"}, {"esc", "d"}, {"n", "left", "down"}} {
			fx.keys(step...)
			checkScreen(t, strings.Join(step, " "), fx.d.View())
		}
	})
}

// TestPlacementFormListsIDsSafely: the wizard's order step names the
// provider's other profiles: made safe, and at most a few of them.
func TestPlacementFormListsIDsSafely(t *testing.T) {
	others := []string{"anthropic:a" + oscTitle}
	for i := range 5000 {
		others = append(others, fmt.Sprintf("anthropic:p%04d", i))
	}
	v := views.NewAddValues()
	form := views.AddPlacementForm(v, others).WithWidth(400)
	form.Init()
	out := form.View()
	checkScreen(t, "placement form", out)
	if !strings.Contains(out, "… and 4,991 more") {
		t.Errorf("the list of other profiles is not capped:\n%s", out)
	}
}

// TestWizardShowsFileTextAsData: the wizard quotes the store (the profiles
// already there, an existing profile's email, the order it saved): as
// visible escapes, never as terminal control.
func TestWizardShowsFileTextAsData(t *testing.T) {
	t.Parallel()
	hostile := "anthropic:x" + oscTitle + bidiText
	store := `{"version":1,"profiles":{` +
		jsonText(hostile) + `:{"type":"api_key","provider":"anthropic","key":"` + wizAPIKey + `"},` +
		`"anthropic:default":{"type":"token","provider":"anthropic","token":"` + wizOldToken + `","expires":` + fmt.Sprint(ms(48*3600e9)) + `,"email":` + jsonText("me"+osc52+"\u009b") + `}},` +
		`"order":{"anthropic":[` + jsonText(hostile) + `,"anthropic:default"]}}`
	f := newWizFixture(t, store)
	d := newWizDriver(t, f)
	d.keys("enter", "enter") // subscription, anthropic:default: it exists
	d.expect("anthropic:default already exists")
	checkScreen(t, "replace step", d.w.View())

	f = newWizFixture(t, store)
	d = newWizDriver(t, f)
	d.keys("down", "enter", "enter", "ctrl+u", "work", "enter") // an API key for the store, named work
	d.paste(wizAPIKey[:len(wizAPIKey)-1] + "Z").keys("enter")
	d.expect("Where in the order", `anthropic:x\x1b]0;PWNED-`)
	checkScreen(t, "placement step", d.w.View())
	d.keys("enter")
	d.expect("Saved anthropic:work")
	checkScreen(t, "result", d.w.View())
}
