package views_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/views"
)

// fakeAnthropic answers the probe's models request by the credential it
// carries: the plain API keys are fine, setup tokens are rate limited and
// anything else is rejected. It counts the requests.
func fakeAnthropic(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if !strings.HasPrefix(r.URL.Path, "/v1/models") {
			http.NotFound(w, r)
			return
		}
		cred := r.Header.Get("x-api-key")
		if cred == "" {
			cred = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
		w.Header().Set("Content-Type", "application/json")
		switch cred {
		case fakeAPI, fakeWork:
			_, _ = w.Write([]byte(`{"data":[],"has_more":false}`))
		case fakeOAT, fakeSoon:
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}`))
		default:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// exec runs a command's batch one level deep and returns the messages,
// without running what feeding them would ask for.
func exec(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, exec(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

func TestProbeShowsASpinnerThenTheResultInTheRow(t *testing.T) {
	srv, hits := fakeAnthropic(t)
	f := newFixture(t, populatedStore())
	f.getenv["ANTHROPIC_BASE_URL"] = srv.URL
	f.start(140, 28)
	before := f.readStore()
	f.keys("down") // anthropic:default, an API key the server accepts

	next, cmd := f.d.Update(keyMsg("p"))
	f.d = next.(*views.Dashboard)
	v := f.view()
	if row := rowOf(v, "anthropic:default"); !strings.Contains(row, "probing") {
		t.Fatalf("no spinner in the row while probing: %q\n%s", row, v)
	}
	if !strings.Contains(v, "PROBE") || !strings.Contains(v, "probing…") {
		t.Errorf("no PROBE column or detail while probing\n%s", v)
	}
	if hits.Load() != 0 {
		t.Fatalf("the probe ran inside Update (%d requests), not in a command", hits.Load())
	}
	frame0 := rowOf(v, "anthropic:default")

	var ticks, rest []tea.Msg
	for _, m := range exec(cmd) {
		switch m.(type) {
		case spinner.TickMsg:
			ticks = append(ticks, m)
		case views.StatusMsg:
			f.statuses = append(f.statuses, m.(views.StatusMsg))
		default:
			rest = append(rest, m)
		}
	}
	if len(ticks) != 1 || len(rest) != 1 {
		t.Fatalf("want one spinner tick and one probe result, got %d and %d", len(ticks), len(rest))
	}
	if hits.Load() != 1 {
		t.Fatalf("want one request to the server, got %d", hits.Load())
	}
	// The spinner turns while the answer is on its way.
	next, again := f.d.Update(ticks[0])
	f.d = next.(*views.Dashboard)
	if again == nil {
		t.Fatal("the spinner stopped while a probe was running")
	}
	if frame1 := rowOf(f.view(), "anthropic:default"); frame1 == frame0 || !strings.Contains(frame1, "probing") {
		t.Errorf("spinner did not turn: %q → %q", frame0, frame1)
	}

	f.send(rest[0])
	v = f.view()
	row := rowOf(v, "anthropic:default")
	if !regexp.MustCompile(`✓ ok \d+ms`).MatchString(row) {
		t.Errorf("no result in the row: %q\n%s", row, v)
	}
	if strings.Contains(v, "probing") {
		t.Errorf("still probing after the result\n%s", v)
	}
	if s := f.lastStatus(); !regexp.MustCompile(`^probe anthropic:default: ✓ ok \d+ms$`).MatchString(s) {
		t.Errorf("status %q", s)
	}
	if !regexp.MustCompile(`probe ✓ ok \d+ms`).MatchString(v) {
		t.Errorf("detail line lacks the probe\n%s", v)
	}
	// With nothing running, the next tick ends the spinner's chain.
	if _, c := f.d.Update(ticks[0]); c != nil {
		t.Error("the spinner keeps ticking with no probe running")
	}
	if f.readStore() != before {
		t.Error("probing wrote the store")
	}
}

func TestProbeAllCoversTheProviderAndEnvRows(t *testing.T) {
	srv, hits := fakeAnthropic(t)
	f := newFixture(t, populatedStore())
	f.getenv["ANTHROPIC_BASE_URL"] = srv.URL
	f.start(160, 28)
	before := f.readStore()
	f.keys("P")
	if hits.Load() != 5 {
		t.Fatalf("want 4 profiles and 1 env key probed, got %d requests", hits.Load())
	}
	v := f.view()
	for id, want := range map[string]string{
		"anthropic:default": `✓ ok \d+ms`,
		"anthropic:work":    `✓ ok \d+ms`,
		"anthropic:manual":  `! rate limited`,
		"anthropic:soon":    `! rate limited`,
		"ANTHROPIC_API_KEY": `✗ auth`,
	} {
		if row := rowOf(v, id); !regexp.MustCompile(want).MatchString(row) {
			t.Errorf("%s: row %q lacks %s", id, row, want)
		}
	}
	if s := f.lastStatus(); !strings.Contains(s, "probed 5: ") || !strings.Contains(s, "2 ✓ ok") || !strings.Contains(s, "2 ! rate limited") || !strings.Contains(s, "1 ✗ auth") {
		t.Errorf("summary status %q", s)
	}
	for _, secret := range []string{fakeOAT, fakeAPI, fakeWork, fakeSoon, fakeEnv} {
		if strings.Contains(v, secret) || strings.Contains(f.lastStatus(), secret) {
			t.Error("a secret is on screen")
		}
	}
	// The env row's detail is the provider's own message.
	f.keys("end")
	if v := f.view(); !strings.Contains(v, "probe ✗ auth: ") || !strings.Contains(v, "invalid x-api-key") {
		t.Errorf("env row detail lacks the probe's detail\n%s", v)
	}
	if f.readStore() != before {
		t.Error("probing wrote the store")
	}

	// A result stays across reloads while its credential is the same, and
	// goes when the credential on disk changes.
	f.send(views.FilesChangedMsg{})
	if row := rowOf(f.view(), "anthropic:work"); !strings.Contains(row, "✓ ok") {
		t.Errorf("a reload dropped an unchanged credential's result: %q", row)
	}
	f.writeStore(strings.Replace(populatedStore(), fakeWork, "sk-ant-api03-FAKE"+strings.Repeat("N", 80), 1))
	f.send(views.FilesChangedMsg{})
	v = f.view()
	if row := rowOf(v, "anthropic:work"); strings.Contains(row, "ok ") && regexp.MustCompile(`✓ ok \d+ms`).MatchString(row) {
		t.Errorf("a changed credential keeps its old result: %q", row)
	}
	if row := rowOf(v, "anthropic:default"); !strings.Contains(row, "✓ ok") {
		t.Errorf("another row lost its result: %q", row)
	}
	// r is a fresh look: the results go.
	f.keys("r")
	if v := f.view(); strings.Contains(v, "PROBE") {
		t.Errorf("r kept probe results\n%s", v)
	}
}

func TestProbeFromTheProviderPaneProbesTheProvider(t *testing.T) {
	srv, hits := fakeAnthropic(t)
	f := newFixture(t, populatedStore())
	f.getenv["ANTHROPIC_BASE_URL"] = srv.URL
	f.start(160, 28)
	f.keys("left", "p")
	if hits.Load() != 5 {
		t.Errorf("p on the provider pane sent %d requests, want 5", hits.Load())
	}
}
