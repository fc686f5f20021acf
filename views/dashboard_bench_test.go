package views_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

// bigStore is a store of n profiles over five providers: keys, tokens
// (some expiring), an order override, usage stats and cooldowns.
func bigStore(n int) string {
	providers := []string{"anthropic", "openai", "openrouter", "google", "mistral"}
	var b strings.Builder
	b.WriteString("{\n  \"version\": 1,\n  \"profiles\": {\n")
	var order []string
	for i := 0; i < n; i++ {
		p := providers[i%len(providers)]
		id := fmt.Sprintf("%s:profile-%04d", p, i)
		if p == "anthropic" {
			order = append(order, fmt.Sprintf("%q", id))
		}
		sep := ","
		if i == n-1 {
			sep = ""
		}
		if i%3 == 0 {
			fmt.Fprintf(&b, "    %q: {\"type\": \"token\", \"provider\": %q, \"token\": \"sk-ant-oat01-FAKE%s\", \"expires\": %d}%s\n",
				id, p, strings.Repeat("T", 91), ms(time.Duration(i)*time.Hour), sep)
		} else {
			fmt.Fprintf(&b, "    %q: {\"type\": \"api_key\", \"provider\": %q, \"key\": \"sk-FAKE%s\", \"email\": \"user%d@example.com\"}%s\n",
				id, p, strings.Repeat("K", 40), i, sep)
		}
	}
	b.WriteString("  },\n  \"order\": {\"anthropic\": [" + strings.Join(order, ", ") + "]},\n  \"usageStats\": {\n")
	for i := 0; i < n; i += 7 {
		p := providers[i%len(providers)]
		sep := ","
		if i+7 >= n {
			sep = ""
		}
		fmt.Fprintf(&b, "    \"%s:profile-%04d\": {\"lastUsed\": %d, \"cooldownUntil\": %d}%s\n", p, i, ms(-time.Duration(i)*time.Minute), ms(time.Duration(i%3)*time.Minute), sep)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

func benchView(b *testing.B, n int) {
	f := newFixture(b, bigStore(n)).start(100, 28)
	if !strings.Contains(f.d.View(), "anthropic:profile-0005") {
		b.Fatalf("not loaded:\n%s", f.d.View())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = f.d.View()
	}
}

func BenchmarkDashboardView100(b *testing.B)  { benchView(b, 100) }
func BenchmarkDashboardView1000(b *testing.B) { benchView(b, 1000) }

// BenchmarkDashboardTick is the once-a-second cost while idle: the tick and
// the redraw it causes.
func BenchmarkDashboardTick(b *testing.B) {
	fx := newFixture(b, bigStore(100)).start(100, 28)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next, _ := fx.d.Update(views.TickMsg{Time: testNow.Add(time.Duration(i%30) * time.Second)})
		fx.d = next.(*views.Dashboard)
		_ = fx.d.View()
	}
}

// BenchmarkFirstFrame1000 is start to first full frame on a 1,000-profile
// store: read and parse the files, build the report, draw.
func BenchmarkFirstFrame1000(b *testing.B) {
	fx := newFixture(b, bigStore(1000))
	env := fx.env()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := views.NewDashboard(env)
		d.SetSize(100, 28)
		msg := d.Init()()
		next, _ := d.Update(msg)
		if v := next.(*views.Dashboard).View(); len(v) == 0 {
			b.Fatal("empty frame")
		}
	}
}

// BenchmarkDashboardView100TrueColor is View with every colour on (the
// other benchmarks run with colour off, as the tests do).
func BenchmarkDashboardView100TrueColor(b *testing.B) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	f := newFixture(b, bigStore(100))
	env := f.env()
	env.Styles = tui.NewTheme(r).Views
	f.d = views.NewDashboard(env)
	f.d.SetSize(100, 28)
	f.run(f.d.Init())
	if !strings.Contains(f.d.View(), "\x1b[") {
		b.Fatal("no colour in the view")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = f.d.View()
	}
}

// BenchmarkDashboardReload1000 is the reload path on a 1,000-profile store:
// the file changes on disk (outside the timer), the watcher's
// FilesChangedMsg arrives, the dashboard reads and parses the files,
// rebuilds the report and its rows, and draws the next frame. The two
// versions swap two usable profiles of the anthropic order, so every reload
// changes what is shown.
func BenchmarkDashboardReload1000(b *testing.B) {
	store := bigStore(1000)
	const first = `"anthropic:profile-0005", "anthropic:profile-0010"`
	swapped := strings.Replace(store, first, `"anthropic:profile-0010", "anthropic:profile-0005"`, 1)
	if swapped == store {
		b.Fatal("the order to swap is not in the store")
	}
	versions := []string{swapped, store}
	fx := newFixture(b, store).start(100, 28)
	frames := [2]string{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fx.writeStore(versions[i%2])
		b.StartTimer()
		fx.send(views.FilesChangedMsg{})
		frames[i%2] = fx.d.View()
	}
	b.StopTimer()
	if b.N >= 2 && frames[0] == frames[1] {
		b.Fatalf("the reload did not change the frame:\n%s", frames[0])
	}
}
