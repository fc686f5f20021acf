package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// fake builds an obviously fake secret of the right shape and length.
func fake(prefix string, n int) string {
	s := prefix + "FAKE"
	const fill = "xQzWvT_k-9"
	for i := 0; len(s) < n; i++ {
		s += string(fill[i%len(fill)])
	}
	return s
}

var (
	anthropicKey = fake("sk-ant-api03-", 108)
	setupToken   = fake("sk-ant-oat01-", 108)
	openaiKey    = fake("sk-proj-", 64)
	routerKey    = fake("sk-or-v1-", 73)
	googleKey    = fake("AIza", 39)
	plainKey     = fake("gsk_", 56)
)

// recorded is what a test server saw of one request.
type recorded struct {
	path, query string
	header      http.Header
}

// server starts a test server for h.
func server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// testDone is closed when the test ends, before its servers close, so that
// a handler that waits never holds up srv.Close.
func testDone(t *testing.T) <-chan struct{} {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return done
}

// waitGone blocks until the client hangs up or the test ends.
func waitGone(r *http.Request, done <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-done:
	}
}

// at sends every provider to base.
func at(base string) func(string) string { return func(string) string { return base } }

func probeOneAt(t *testing.T, base string, tg Target, opts Options) Result {
	t.Helper()
	opts.BaseURL = at(base)
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	rs := Run(context.Background(), []Target{tg}, opts, nil)
	if len(rs) != 1 {
		t.Fatalf("Run returned %d results for 1 target", len(rs))
	}
	return rs[0]
}

func TestProviderRequests(t *testing.T) {
	tests := []struct {
		name      string
		target    Target
		path      string
		query     string
		want      map[string]string // headers that must have exactly this value
		forbidden []string          // headers that must be absent
	}{
		{
			name:   "anthropic api key",
			target: Target{ProfileID: "anthropic:work", Provider: "anthropic", Type: "api_key", Secret: anthropicKey},
			path:   "/v1/models", query: "limit=1",
			want:      map[string]string{"X-Api-Key": anthropicKey, "Anthropic-Version": "2023-06-01"},
			forbidden: []string{"Authorization", "Anthropic-Beta"},
		},
		{
			name:   "anthropic setup token",
			target: Target{ProfileID: "anthropic:default", Provider: "Anthropic ", Type: "token", Secret: setupToken},
			path:   "/v1/models", query: "limit=1",
			want: map[string]string{
				"Authorization": "Bearer " + setupToken, "Anthropic-Beta": "oauth-2025-04-20",
				"Anthropic-Version": "2023-06-01",
			},
			forbidden: []string{"X-Api-Key"},
		},
		{
			name:   "anthropic oauth access token",
			target: Target{ProfileID: "anthropic:max", Provider: "anthropic", Type: "oauth", Secret: fake("opaque-access-", 60)},
			path:   "/v1/models", query: "limit=1",
			want:      map[string]string{"Authorization": "Bearer " + fake("opaque-access-", 60), "Anthropic-Beta": "oauth-2025-04-20"},
			forbidden: []string{"X-Api-Key"},
		},
		{
			name:   "anthropic api key pasted as a token goes as a key",
			target: Target{ProfileID: "anthropic:manual", Provider: "anthropic", Type: "token", Secret: anthropicKey},
			path:   "/v1/models", query: "limit=1",
			want:      map[string]string{"X-Api-Key": anthropicKey},
			forbidden: []string{"Authorization", "Anthropic-Beta"},
		},
		{
			name:   "openai",
			target: Target{ProfileID: "openai:default", Provider: "openai", Type: "api_key", Secret: openaiKey},
			path:   "/v1/models",
			want:   map[string]string{"Authorization": "Bearer " + openaiKey},
		},
		{
			name:   "openrouter key info",
			target: Target{ProfileID: "openrouter:default", Provider: "openrouter", Type: "api_key", Secret: routerKey},
			path:   "/api/v1/key",
			want:   map[string]string{"Authorization": "Bearer " + routerKey},
		},
		{
			name:   "google key in a header, never the URL",
			target: Target{ProfileID: "google:default", Provider: "google", Type: "api_key", Secret: googleKey},
			path:   "/v1beta/models", query: "pageSize=1",
			want:      map[string]string{"X-Goog-Api-Key": googleKey},
			forbidden: []string{"Authorization"},
		},
		{
			name:   "gemini is google",
			target: Target{ProfileID: "gemini:default", Provider: "gemini", Type: "token", Secret: googleKey},
			path:   "/v1beta/models", query: "pageSize=1",
			want: map[string]string{"X-Goog-Api-Key": googleKey},
		},
		{
			name:   "groq",
			target: Target{ProfileID: "groq:default", Provider: "groq", Secret: plainKey},
			path:   "/openai/v1/models",
			want:   map[string]string{"Authorization": "Bearer " + plainKey},
		},
		{name: "mistral", target: Target{ProfileID: "mistral:a", Provider: "mistral", Secret: plainKey}, path: "/v1/models",
			want: map[string]string{"Authorization": "Bearer " + plainKey}},
		{name: "xai", target: Target{ProfileID: "xai:a", Provider: "xai", Secret: plainKey}, path: "/v1/models",
			want: map[string]string{"Authorization": "Bearer " + plainKey}},
		{name: "deepseek", target: Target{ProfileID: "deepseek:a", Provider: "deepseek", Secret: plainKey}, path: "/models",
			want: map[string]string{"Authorization": "Bearer " + plainKey}},
		{name: "cerebras", target: Target{ProfileID: "cerebras:a", Provider: "cerebras", Secret: plainKey}, path: "/v1/models",
			want: map[string]string{"Authorization": "Bearer " + plainKey}},
		{name: "moonshot", target: Target{ProfileID: "moonshot:a", Provider: "moonshot", Secret: plainKey}, path: "/v1/models",
			want: map[string]string{"Authorization": "Bearer " + plainKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				mu   sync.Mutex
				seen []recorded
			)
			srv := server(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, recorded{r.URL.Path, r.URL.RawQuery, r.Header.Clone()})
				mu.Unlock()
				if r.Method != http.MethodGet {
					w.WriteHeader(http.StatusMethodNotAllowed)
					return
				}
				fmt.Fprint(w, `{"data":[]}`)
			})
			res := probeOneAt(t, srv.URL, tt.target, Options{})
			if res.Outcome != OK || res.HTTPStatus != 200 {
				t.Fatalf("outcome %s (HTTP %d, %q), want ok (HTTP 200)", res.Outcome, res.HTTPStatus, res.Detail)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != 1 {
				t.Fatalf("server saw %d requests, want exactly 1", len(seen))
			}
			got := seen[0]
			if got.path != tt.path || got.query != tt.query {
				t.Errorf("request %s?%s, want %s?%s", got.path, got.query, tt.path, tt.query)
			}
			for k, v := range tt.want {
				if got.header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, got.header.Get(k), v)
				}
			}
			for _, k := range tt.forbidden {
				if v := got.header.Get(k); v != "" {
					t.Errorf("header %s is set (%q), want it absent", k, v)
				}
			}
			if strings.Contains(got.path+"?"+got.query, tt.target.Secret) {
				t.Errorf("the secret is in the request URL")
			}
			if res.Provider != authstore.NormalizeProvider(tt.target.Provider) {
				t.Errorf("result provider %q, want the normalised %q", res.Provider, authstore.NormalizeProvider(tt.target.Provider))
			}
		})
	}
}

func TestOutcomes(t *testing.T) {
	anthropic := Target{ProfileID: "anthropic:work", Provider: "anthropic", Type: "api_key", Secret: anthropicKey}
	openai := Target{ProfileID: "openai:default", Provider: "openai", Type: "api_key", Secret: openaiKey}
	google := Target{ProfileID: "google:default", Provider: "google", Type: "api_key", Secret: googleKey}
	router := Target{ProfileID: "openrouter:default", Provider: "openrouter", Type: "api_key", Secret: routerKey}
	longMsg := strings.Repeat("very long upstream explanation ", 20)

	tests := []struct {
		name       string
		target     Target
		status     int
		body       string
		want       Outcome
		detail     string // Detail must equal this when it starts with "=", else contain it
		wantStatus int    // 0: same as status
	}{
		{"ok", anthropic, 200, `{"data":[{"id":"claude-opus-4-5"}],"has_more":true}`, OK, "=", 0},
		{"anthropic 401", anthropic, 401,
			`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`, Auth, "=invalid x-api-key", 0},
		{"anthropic 403 permission", anthropic, 403,
			`{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}`,
			Auth, "does not have permission", 0},
		{"openai 401", openai, 401,
			`{"error":{"message":"Incorrect API key provided: sk-proj-****FAKE.","type":"invalid_request_error","code":"invalid_api_key"}}`,
			Auth, "Incorrect API key provided", 0},
		{"429 rate limited", anthropic, 429,
			`{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}`,
			RateLimited, "exceeded your rate limit", 0},
		{"402", router, 402, `{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/credits"}}`,
			Billing, "Insufficient credits", 0},
		{"402 without a body", openai, 402, ``, Billing, "=HTTP 402 Payment Required", 0},
		{"anthropic credit balance (400)", anthropic, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}`,
			Billing, "credit balance is too low", 0},
		{"openai quota exhausted (429)", openai, 429,
			`{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}`,
			Billing, "exceeded your current quota", 0},
		{"google invalid key is a 400", google, 400,
			`{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
			"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"},
			{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"billing help","url":"https://console.cloud.google.com/billing"}]}]}}`,
			Auth, "=API key not valid. Please pass a valid API key.", 0},
		{"500", openai, 500, `{"error":{"message":"The server had an error while processing your request."}}`,
			Error, "server had an error", 0},
		{"529 overloaded", anthropic, 529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
			Error, "=Overloaded", 0},
		{"404 html page", openai, 404, "<html><body><h1>Not Found</h1></body></html>", Error, "=HTTP 404 Not Found", 0},
		{"plain-text error, first line only", openai, 503, "upstream connect error\nreset reason: overflow", Error,
			"=upstream connect error", 0},
		{"error with only a type", anthropic, 400, `{"error":{"type":"rate_limit_error"}}`, RateLimited, "=rate_limit_error", 0},
		{"setup token limited to Claude Code is valid", Target{ProfileID: "anthropic:default", Provider: "anthropic", Type: "token", Secret: setupToken},
			400, `{"type":"error","error":{"type":"invalid_request_error","message":"This credential is only authorized for use with Claude Code and cannot be used for other API requests."}}`,
			OK, "Claude Code", 0},
		{"openrouter credit limit spent", router, 200,
			`{"data":{"label":"sk-or-v1-abc...xyz","limit":5,"usage":5.01,"limit_remaining":0,"is_free_tier":false}}`,
			Billing, "credit limit", 0},
		{"openrouter unlimited key", router, 200,
			`{"data":{"label":"sk-or-v1-abc...xyz","limit":null,"usage":12.5,"limit_remaining":null}}`, OK, "=", 0},
		{"long message is cut to one short line", openai, 500, `{"error":{"message":"` + longMsg + `"}}`, Error, "…", 0},
		{"escape sequences and line breaks are removed", openai, 500,
			`{"error":{"message":"bad\u001b[2J\u001b]0;pwned\u0007 thing\nhappened\r\n"}}`, Error, "=bad [2J ]0;pwned thing happened", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := server(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			res := probeOneAt(t, srv.URL, tt.target, Options{})
			if res.Outcome != tt.want {
				t.Errorf("outcome %s (detail %q), want %s", res.Outcome, res.Detail, tt.want)
			}
			wantStatus := tt.wantStatus
			if wantStatus == 0 {
				wantStatus = tt.status
			}
			if res.HTTPStatus != wantStatus {
				t.Errorf("HTTPStatus %d, want %d", res.HTTPStatus, wantStatus)
			}
			if exact, ok := strings.CutPrefix(tt.detail, "="); ok {
				if res.Detail != exact {
					t.Errorf("detail %q, want %q", res.Detail, exact)
				}
			} else if !strings.Contains(res.Detail, tt.detail) {
				t.Errorf("detail %q, want it to contain %q", res.Detail, tt.detail)
			}
			if n := len([]rune(res.Detail)); n > maxDetail {
				t.Errorf("detail is %d runes long, want at most %d", n, maxDetail)
			}
			if strings.ContainsAny(res.Detail, "\n\r\x1b\x07") {
				t.Errorf("detail %q has a line break or control character", res.Detail)
			}
		})
	}
}

// hanging starts a server that answers nothing until the client gives up
// (or the test ends), and reports each request it gets on arrived.
func hanging(t *testing.T, arrived chan<- string) *httptest.Server {
	done := testDone(t)
	return server(t, func(_ http.ResponseWriter, r *http.Request) {
		if arrived != nil {
			arrived <- r.Header.Get("Authorization")
		}
		waitGone(r, done)
	})
}

func TestTimeout(t *testing.T) {
	srv := hanging(t, nil)
	res := probeOneAt(t, srv.URL, Target{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey},
		Options{Timeout: 100 * time.Millisecond})
	if res.Outcome != Timeout || res.Detail != "no answer within 100ms" || res.HTTPStatus != 0 {
		t.Fatalf("got %s (HTTP %d, %q), want timeout with 'no answer within 100ms'", res.Outcome, res.HTTPStatus, res.Detail)
	}
}

func TestTimeoutWhileReadingTheBody(t *testing.T) {
	done := testDone(t)
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"message":"half`)
		w.(http.Flusher).Flush()
		waitGone(r, done) // the rest never comes
	})
	res := probeOneAt(t, srv.URL, Target{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey},
		Options{Timeout: 150 * time.Millisecond})
	if res.Outcome != Timeout {
		t.Fatalf("got %s (%q), want timeout", res.Outcome, res.Detail)
	}
}

// ctxRecorder is a RoundTripper that notes why each request's context ended,
// which tells a prompt cancel from a probe that only ended by its timeout.
type ctxRecorder struct {
	mu   sync.Mutex
	errs []error
}

func (c *ctxRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	c.mu.Lock()
	c.errs = append(c.errs, r.Context().Err())
	c.mu.Unlock()
	return resp, err
}

func TestCancelStopsEverything(t *testing.T) {
	arrived := make(chan string, 10)
	srv := hanging(t, arrived)
	rec := &ctxRecorder{}

	targets := []Target{
		{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey},
		{ProfileID: "openai:b", Provider: "openai", Secret: openaiKey + "b"},
		{ProfileID: "openai:c", Provider: "openai", Secret: openaiKey + "c"},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-arrived // the first probe is in flight: cancel everything
		cancel()
	}()
	// Were the cancel not passed on, the probe in flight would end by its
	// own timeout instead (the recorder tells which), so the test stays
	// bounded either way.
	results := Run(ctx, targets, Options{
		Timeout: 3 * time.Second, Concurrency: 1, BaseURL: at(srv.URL), HTTPClient: &http.Client{Transport: rec},
	}, nil)
	for i, r := range results {
		if r.ProfileID != targets[i].ProfileID {
			t.Errorf("result %d is %s, want %s", i, r.ProfileID, targets[i].ProfileID)
		}
		if r.Outcome != Error || r.Detail != "cancelled" {
			t.Errorf("%s: got %s (%q), want error 'cancelled'", r.ProfileID, r.Outcome, r.Detail)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 || !errors.Is(rec.errs[0], context.Canceled) {
		t.Errorf("requests sent and why they ended: %v; want one, ended by the cancel", rec.errs)
	}
	if n := len(arrived); n != 0 {
		t.Errorf("%d more requests reached the server after the cancel, want none", n)
	}
}

func TestParentDeadlineIsATimeout(t *testing.T) {
	srv := hanging(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	rs := Run(ctx, []Target{{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey}},
		Options{Timeout: 5 * time.Second, BaseURL: at(srv.URL)}, nil)
	if rs[0].Outcome != Timeout || !strings.Contains(rs[0].Detail, "ran out") {
		t.Fatalf("got %s (%q), want timeout saying the overall time ran out", rs[0].Outcome, rs[0].Detail)
	}
}

func TestAlreadyCancelledSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := server(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rs := Run(ctx, []Target{{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey}}, Options{BaseURL: at(srv.URL)}, nil)
	if rs[0].Outcome != Error || rs[0].Detail != "cancelled" || hits.Load() != 0 {
		t.Fatalf("got %s (%q) with %d requests, want error 'cancelled' and no request", rs[0].Outcome, rs[0].Detail, hits.Load())
	}
}

func TestConnectionRefusedIsNetwork(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	res := probeOneAt(t, "http://"+addr, Target{ProfileID: "anthropic:a", Provider: "anthropic", Secret: anthropicKey}, Options{})
	if res.Outcome != Network || res.Detail != "connection refused by "+addr {
		t.Fatalf("got %s (%q), want network 'connection refused by %s'", res.Outcome, res.Detail, addr)
	}
	if res.HTTPStatus != 0 {
		t.Errorf("HTTPStatus %d, want 0 (no answer)", res.HTTPStatus)
	}
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), "latencyMs") {
		t.Errorf("JSON %s has latencyMs although no answer came", b)
	}
}

func TestDNSFailureIsNetwork(t *testing.T) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
	}}
	res := probeOneAt(t, "https://api.example.invalid", Target{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey},
		Options{HTTPClient: client})
	if res.Outcome != Network || res.Detail != "cannot resolve api.example.invalid (DNS)" {
		t.Fatalf("got %s (%q), want network 'cannot resolve api.example.invalid (DNS)'", res.Outcome, res.Detail)
	}
}

func TestUnsupportedSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := server(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) })
	targets := []Target{
		{ProfileID: "openai-codex:me@x", Provider: "openai-codex", Type: "oauth", Secret: fake("eyJ", 80)},
		{ProfileID: "openai:oauth", Provider: "openai", Type: "oauth", Secret: fake("eyJ", 80)},
		{ProfileID: "minimax:a", Provider: "minimax", Type: "api_key", Secret: plainKey},
		{ProfileID: "anthropic:empty", Provider: "anthropic", Type: "api_key"},
	}
	wantDetail := []string{
		`no live check for provider "openai-codex"`,
		"no live check for openai oauth profiles",
		`no live check for provider "minimax"`,
		"no secret stored",
	}
	rs := Run(context.Background(), targets, Options{BaseURL: at(srv.URL)}, nil)
	for i, r := range rs {
		if r.Outcome != Unsupported || r.Detail != wantDetail[i] {
			t.Errorf("%s: got %s (%q), want unsupported (%q)", r.ProfileID, r.Outcome, r.Detail, wantDetail[i])
		}
		if !r.CheckedAt.IsZero() || r.HTTPStatus != 0 {
			t.Errorf("%s: CheckedAt %v, HTTPStatus %d: want zero, nothing was sent", r.ProfileID, r.CheckedAt, r.HTTPStatus)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("server got %d requests, want none", hits.Load())
	}
}

func TestSecretWithLineBreakIsNotSent(t *testing.T) {
	var hits atomic.Int32
	srv := server(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) })
	res := probeOneAt(t, srv.URL, Target{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey[:30] + "\n" + openaiKey[30:]}, Options{})
	if res.Outcome != Error || !strings.Contains(res.Detail, "line break") || hits.Load() != 0 {
		t.Fatalf("got %s (%q) after %d requests, want an error about the line break and no request", res.Outcome, res.Detail, hits.Load())
	}
}

func TestConcurrencyLimit(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var (
				inflight, peak atomic.Int32
				reached        = make(chan struct{})
				once           sync.Once
			)
			release := func() { once.Do(func() { close(reached) }) }
			// Should n never be in flight at once, release everyone after a
			// while: the peak check below then fails, in bounded time.
			defer time.AfterFunc(2*time.Second, release).Stop()
			done := testDone(t)
			srv := server(t, func(w http.ResponseWriter, _ *http.Request) {
				cur := inflight.Add(1)
				defer inflight.Add(-1)
				for {
					p := peak.Load()
					if cur <= p || peak.CompareAndSwap(p, cur) {
						break
					}
				}
				if cur >= int32(n) {
					release()
				}
				// Hold the first requests until n are in flight at once, so
				// that a limit below n fails the peak check instead of
				// passing by luck.
				select {
				case <-reached:
				case <-done:
				}
				time.Sleep(10 * time.Millisecond) // room for a broken limit to overshoot
				fmt.Fprint(w, `{}`)
			})
			var targets []Target
			for i := range 4 * n {
				targets = append(targets, Target{ProfileID: fmt.Sprintf("openai:%d", i), Provider: "openai", Secret: openaiKey})
			}
			rs := Run(context.Background(), targets, Options{Concurrency: n, BaseURL: at(srv.URL)}, nil)
			for _, r := range rs {
				if r.Outcome != OK {
					t.Fatalf("%s: %s (%q)", r.ProfileID, r.Outcome, r.Detail)
				}
			}
			if got := peak.Load(); got != int32(n) {
				t.Fatalf("at most %d requests were in flight at once, want exactly %d", got, n)
			}
		})
	}
}

func TestResultsInInputOrder(t *testing.T) {
	// Each key asks the server for a status and a delay; the first targets
	// answer last, so completion order is the reverse of input order.
	statuses := []int{401, 200, 429, 500, 402, 200}
	want := []Outcome{Auth, OK, RateLimited, Error, Billing, OK}
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "+openaiKey+"-"), "%d", &i)
		time.Sleep(time.Duration(len(statuses)-i) * 15 * time.Millisecond)
		w.WriteHeader(statuses[i])
		fmt.Fprint(w, `{}`)
	})
	var targets []Target
	for i := range statuses {
		targets = append(targets, Target{ProfileID: fmt.Sprintf("openai:%d", i), Provider: "openai", Secret: fmt.Sprintf("%s-%d", openaiKey, i)})
	}
	var (
		mu    sync.Mutex
		calls []string
	)
	rs := Run(context.Background(), targets, Options{Concurrency: len(targets), BaseURL: at(srv.URL)}, func(r Result) {
		mu.Lock() // Run promises calls never overlap; -race checks the rest
		calls = append(calls, r.ProfileID)
		mu.Unlock()
	})
	if len(rs) != len(targets) {
		t.Fatalf("%d results for %d targets", len(rs), len(targets))
	}
	for i, r := range rs {
		if r.ProfileID != targets[i].ProfileID || r.Outcome != want[i] || r.HTTPStatus != statuses[i] {
			t.Errorf("result %d: %s %s (HTTP %d), want %s %s (HTTP %d)", i, r.ProfileID, r.Outcome, r.HTTPStatus,
				targets[i].ProfileID, want[i], statuses[i])
		}
	}
	if len(calls) != len(targets) {
		t.Fatalf("progress was called %d times, want %d", len(calls), len(targets))
	}
	seen := map[string]bool{}
	for _, id := range calls {
		if seen[id] {
			t.Errorf("progress got %s twice", id)
		}
		seen[id] = true
	}
}

func TestSecretNeverInResult(t *testing.T) {
	// The server echoes everything the request carried — headers, URL, the
	// key cut in half — in every place a message could come from.
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var all []string
			for _, k := range []string{"Authorization", "X-Api-Key", "X-Goog-Api-Key"} {
				if v := r.Header.Get(k); v != "" {
					all = append(all, k+": "+v)
				}
			}
			echoed := strings.Join(all, "; ")
			auth := strings.TrimPrefix(strings.Join(r.Header.Values("Authorization"), ""), "Bearer ")
			if auth == "" {
				auth = r.Header.Get("X-Api-Key") + r.Header.Get("X-Goog-Api-Key")
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			msg := fmt.Sprintf("bad credential %s (sent to %s); partial %s…", echoed, r.URL, auth[:len(auth)*2/3])
			b, _ := json.Marshal(map[string]any{
				"error":   map[string]any{"message": msg, "type": "authentication_error", "code": echoed},
				"message": msg,
			})
			w.Write(b)
		}
	}
	targets := []Target{
		{ProfileID: "anthropic:work", Provider: "anthropic", Type: "api_key", Secret: anthropicKey},
		{ProfileID: "anthropic:default", Provider: "anthropic", Type: "token", Secret: setupToken},
		{ProfileID: "openai:default", Provider: "openai", Type: "api_key", Secret: openaiKey},
		{ProfileID: "google:default", Provider: "google", Type: "api_key", Secret: googleKey},
		{ProfileID: "openrouter:default", Provider: "openrouter", Type: "api_key", Secret: routerKey},
	}
	check := func(t *testing.T, r Result, secret string) {
		t.Helper()
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{string(b), fmt.Sprintf("%v %+v %#v", r, r, r)}
		rv := reflect.ValueOf(r)
		for i := range rv.NumField() {
			if f := rv.Field(i); f.Kind() == reflect.String {
				texts = append(texts, f.String())
			}
		}
		head := secret[:len(secret)*2/3]
		for _, s := range texts {
			if strings.Contains(s, head) {
				t.Fatalf("%s: the secret (or most of it) is in the result: %q", r.ProfileID, s)
			}
		}
	}
	for _, status := range []int{400, 401, 403, 429, 500} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := server(t, echo(status))
			rs := Run(context.Background(), targets, Options{BaseURL: at(srv.URL)}, nil)
			for i, r := range rs {
				if r.HTTPStatus != status || r.Detail == "" {
					t.Errorf("%s: HTTP %d with detail %q, want HTTP %d with the (scrubbed) message", r.ProfileID, r.HTTPStatus, r.Detail, status)
				}
				if !strings.Contains(r.Detail, redacted) {
					t.Errorf("%s: detail %q does not show where the secret was removed", r.ProfileID, r.Detail)
				}
				check(t, r, targets[i].Secret)
			}
		})
	}
	t.Run("target printed by mistake", func(t *testing.T) {
		for _, tg := range targets {
			if s := fmt.Sprintf("%v %+v %#v %s", tg, tg, tg, tg); strings.Contains(s, tg.Secret) {
				t.Errorf("formatting a Target shows its secret: %q", s)
			}
		}
	})
}

func TestScrub(t *testing.T) {
	odd := "FAKE key/with+odd=chars-0123456789abcdef"
	tests := []struct{ in, secret, want string }{
		{"key " + openaiKey + " rejected", openaiKey, "key [redacted] rejected"},
		{"Bearer " + setupToken + "!", setupToken, "Bearer [redacted]!"},
		{"cut " + setupToken[:40] + "… rest", setupToken, "cut [redacted]… rest"},
		{"url ?key=" + url.QueryEscape(odd), odd, "url ?key=[redacted]"},
		{"the public prefix sk-ant-oat01- is fine", setupToken, "the public prefix sk-ant-oat01- is fine"},
		{"no secret known", "", "no secret known"},
	}
	for _, tt := range tests {
		if got := scrub(tt.in, tt.secret); got != tt.want {
			t.Errorf("scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := server(t, func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) })
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	})
	client := &http.Client{}
	res := probeOneAt(t, srv.URL, Target{ProfileID: "anthropic:a", Provider: "anthropic", Secret: anthropicKey}, Options{HTTPClient: client})
	if res.Outcome != Error || res.HTTPStatus != http.StatusFound || !strings.Contains(res.Detail, "redirect") {
		t.Errorf("got %s (HTTP %d, %q), want error about the redirect", res.Outcome, res.HTTPStatus, res.Detail)
	}
	if elsewhere.Load() != 0 {
		t.Errorf("the redirect was followed: the key went to another server")
	}
	if client.CheckRedirect != nil {
		t.Errorf("Run changed the caller's http.Client")
	}
}

func TestBaseURLOverrides(t *testing.T) {
	var (
		mu    sync.Mutex
		paths []string
	)
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		fmt.Fprint(w, `{}`)
	})
	env := map[string]string{
		"ANTHROPIC_BASE_URL":  srv.URL + "/",
		"OPENAI_BASE_URL":     srv.URL + "/v1",
		"OPENROUTER_BASE_URL": srv.URL + "/api/v1/",
		"GOOGLE_BASE_URL":     srv.URL + "/v1beta",
		"GROQ_BASE_URL":       srv.URL + "/openai/v1",
		"DEEPSEEK_BASE_URL":   srv.URL + "/V1",
	}
	targets := []Target{
		{ProfileID: "anthropic:a", Provider: "anthropic", Secret: anthropicKey},
		{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey},
		{ProfileID: "openrouter:a", Provider: "openrouter", Secret: routerKey},
		{ProfileID: "google:a", Provider: "google", Secret: googleKey},
		{ProfileID: "groq:a", Provider: "groq", Secret: plainKey},
		{ProfileID: "deepseek:a", Provider: "deepseek", Secret: plainKey},
	}
	want := []string{"/v1/models", "/v1/models", "/api/v1/key", "/v1beta/models", "/openai/v1/models", "/models"}
	rs := Run(context.Background(), targets, Options{Concurrency: 1, BaseURL: EnvBaseURL(func(k string) string { return env[k] })}, nil)
	for _, r := range rs {
		if r.Outcome != OK {
			t.Errorf("%s: %s (%q), want ok from the overriding server", r.ProfileID, r.Outcome, r.Detail)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths %q, want %q", paths, want)
	}
}

func TestEnvBaseURL(t *testing.T) {
	env := map[string]string{"GEMINI_BASE_URL": " https://gemini.example ", "GOOGLE_BASE_URL": "https://google.example",
		"OPENAI_BASE_URL": "https://proxy.example/v1"}
	base := EnvBaseURL(func(k string) string { return env[k] })
	for provider, want := range map[string]string{
		"google": "https://gemini.example", "gemini": "https://gemini.example", "OpenAI": "https://proxy.example/v1",
		"anthropic": "", "no-such-provider": "",
	} {
		if got := base(provider); got != want {
			t.Errorf("EnvBaseURL(%q) = %q, want %q", provider, got, want)
		}
	}
	if got := EnvBaseURL(nil)("openai"); got != "" {
		t.Errorf("EnvBaseURL(nil) = %q, want no override", got)
	}
}

func TestBadBaseURL(t *testing.T) {
	for _, base := range []string{"api.openai.com", "ftp://files.example", "https://user:FAKEpass@%zz"} {
		rs := Run(context.Background(), []Target{{ProfileID: "openai:a", Provider: "openai", Secret: openaiKey}},
			Options{BaseURL: at(base)}, nil)
		r := rs[0]
		if r.Outcome != Error || !strings.Contains(r.Detail, "OPENAI_BASE_URL") {
			t.Errorf("base %q: got %s (%q), want an error naming OPENAI_BASE_URL", base, r.Outcome, r.Detail)
		}
		if strings.Contains(r.Detail, "FAKEpass") {
			t.Errorf("base %q: detail %q repeats the URL's password", base, r.Detail)
		}
	}
}

func TestLatencyAndJSON(t *testing.T) {
	srv := server(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`)
	})
	t0 := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	var calls atomic.Int64
	clock := func() time.Time { return t0.Add(time.Duration(calls.Add(1)-1) * 250 * time.Millisecond) }
	rs := Run(context.Background(), []Target{
		{ProfileID: "anthropic:work", Provider: "anthropic", Type: "api_key", Secret: anthropicKey},
		{ProfileID: "minimax:a", Provider: "minimax", Type: "api_key", Secret: plainKey},
	}, Options{BaseURL: at(srv.URL), Now: clock, Concurrency: 1}, nil)
	if rs[0].CheckedAt != t0 || rs[0].Latency != 250*time.Millisecond {
		t.Errorf("CheckedAt %v Latency %v, want %v and 250ms", rs[0].CheckedAt, rs[0].Latency, t0)
	}
	got, _ := json.Marshal(rs)
	want := `[{"profileId":"anthropic:work","provider":"anthropic","type":"api_key","outcome":"auth","httpStatus":401,` +
		`"latencyMs":250,"detail":"invalid x-api-key","checkedAt":1767366245000},` +
		`{"profileId":"minimax:a","provider":"minimax","type":"api_key","outcome":"unsupported","detail":"no live check for provider \"minimax\""}]`
	if string(got) != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
}

func TestOutcomeNames(t *testing.T) {
	want := map[Outcome]string{OK: "ok", Auth: "auth", RateLimited: "rate_limited", Billing: "billing",
		Timeout: "timeout", Network: "network", Unsupported: "unsupported", Error: "error"}
	for o, s := range want {
		if o.String() != s {
			t.Errorf("%q.String() = %q, want %q", string(o), o.String(), s)
		}
		if b, _ := json.Marshal(o); string(b) != `"`+s+`"` {
			t.Errorf("JSON of %s = %s", s, b)
		}
	}
}

func TestFilter(t *testing.T) {
	all := []Target{
		{ProfileID: "anthropic:default", Provider: "anthropic"},
		{ProfileID: "anthropic:work", Provider: "Anthropic"},
		{ProfileID: "openai:default", Provider: "openai"},
		{ProfileID: "zai:a", Provider: "z.ai"},
	}
	ids := func(ts []Target) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.ProfileID)
		}
		return out
	}
	tests := []struct {
		provider string
		profiles []string
		want     []string
		err      string
	}{
		{"", nil, []string{"anthropic:default", "anthropic:work", "openai:default", "zai:a"}, ""},
		{" ANTHROPIC", nil, []string{"anthropic:default", "anthropic:work"}, ""},
		{"z-ai", nil, []string{"zai:a"}, ""},
		{"", []string{"openai:default, anthropic:work", "openai:default"}, []string{"anthropic:work", "openai:default"}, ""},
		{"openai", []string{"anthropic:work"}, nil, ""},
		{"", []string{"anthropic:wrok"}, nil, `no profile "anthropic:wrok"`},
	}
	for _, tt := range tests {
		got, err := Filter(all, tt.provider, tt.profiles)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Filter(%q, %q) error %v, want one containing %q", tt.provider, tt.profiles, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(ids(got), tt.want) {
			t.Errorf("Filter(%q, %q) = %q, %v; want %q", tt.provider, tt.profiles, ids(got), err, tt.want)
		}
	}
}

func TestFromProfileAndEnv(t *testing.T) {
	p := authstore.Profile{ID: "anthropic:default", Provider: "anthropic", Type: authstore.TypeToken, Token: setupToken}
	if got := FromProfile(p); got != (Target{ProfileID: "anthropic:default", Provider: "anthropic", Type: "token", Secret: setupToken}) {
		t.Errorf("FromProfile = %v", got)
	}
	c := authstore.EnvCredential{Provider: "anthropic", Var: "CLAUDE_CODE_OAUTH_TOKEN", Source: authstore.SourceDotEnv, Value: setupToken}
	if got := FromEnv(c); got.ProfileID != ".env:CLAUDE_CODE_OAUTH_TOKEN" || got.Type != authstore.TypeToken || got.Secret != setupToken {
		t.Errorf("FromEnv(token var) = %v", got)
	}
	c = authstore.EnvCredential{Provider: "openai", Var: "OPENAI_API_KEY", Source: authstore.SourceProcessEnv, Value: openaiKey}
	if got := FromEnv(c); got.ProfileID != "env:OPENAI_API_KEY" || got.Type != authstore.TypeAPIKey {
		t.Errorf("FromEnv(key var) = %v", got)
	}
}

func TestProviders(t *testing.T) {
	got := Providers()
	for _, p := range []string{"anthropic", "openai", "openrouter", "google", "groq"} {
		if !slices.Contains(got, p) {
			t.Errorf("Providers() = %q, missing %s", got, p)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i-1] >= got[i] {
			t.Errorf("Providers() not sorted: %q", got)
		}
	}
}

// BenchmarkClassify measures the work done on one error answer: parsing,
// matching, scrubbing and cutting the detail.
func BenchmarkClassify(b *testing.B) {
	body := []byte(`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ` + anthropicKey + `"}}`)
	resp := &http.Response{StatusCode: http.StatusUnauthorized}
	ep := endpoints["anthropic"]
	b.ReportAllocs()
	for b.Loop() {
		if o, _ := classify(ep, resp, body, anthropicKey); o != Auth {
			b.Fatal(o)
		}
	}
}

// BenchmarkRun100 probes 100 profiles against a local server that answers at
// once: the engine's own cost per probe (HTTP on loopback included).
func BenchmarkRun100(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"data":[]}`) }))
	defer srv.Close()
	targets := make([]Target, 100)
	for i := range targets {
		targets[i] = Target{ProfileID: fmt.Sprintf("openai:%d", i), Provider: "openai", Secret: openaiKey}
	}
	opts := Options{Concurrency: 8, BaseURL: at(srv.URL)}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range Run(context.Background(), targets, opts, nil) {
			if r.Outcome != OK {
				b.Fatal(r.Outcome, r.Detail)
			}
		}
	}
}

// TestProbeNeverShowsARunOfTheKey: a server that echoes the key back in any
// form — whole, without its public prefix, a 12-character piece of its
// middle, JSON- or URL-escaped, in a JSON error or a plain-text body — gets
// no run of 8 characters of its hidden part shown, neither in Detail nor
// in the result's JSON (what `models status --probe --json` prints).
func TestProbeNeverShowsARunOfTheKey(t *testing.T) {
	odd := "sk-proj-FAKE/odd+chars=and&more<yes>0123456789abcdef"
	jsonEscapeAll := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	}
	forms := []struct {
		name string
		echo func(key string) string // what the server says, given the key it got
		json bool
	}{
		{"whole", func(k string) string { return "invalid x-api-key " + k }, true},
		{"minus its prefix", func(k string) string { return "key ending " + hiddenPart(k) + " was revoked" }, true},
		{"a 12-character middle run", func(k string) string { h := hiddenPart(k); return "key …" + h[20:32] + "… is invalid" }, true},
		{"JSON-escaped", func(k string) string { return "invalid key " + hiddenPart(k) }, false}, // written \u-escaped below
		{"URL-encoded", func(k string) string { return "GET /v1/models?key=" + url.QueryEscape(k) + " unauthorized" }, true},
		{"plain-text body", func(k string) string { return "401 bad key " + hiddenPart(k)[3:] }, false},
	}
	targets := []Target{
		{ProfileID: "anthropic:work", Provider: "anthropic", Type: "api_key", Secret: anthropicKey},
		{ProfileID: "openai:odd", Provider: "openai", Type: "api_key", Secret: odd},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			srv := server(t, func(w http.ResponseWriter, r *http.Request) {
				key := r.Header.Get("X-Api-Key")
				if key == "" {
					key = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				}
				msg := f.echo(key)
				w.WriteHeader(http.StatusUnauthorized)
				switch {
				case f.name == "JSON-escaped":
					fmt.Fprintf(w, `{"error":{"type":"authentication_error","message":"%s"}}`, jsonEscapeAll(msg))
				case f.json:
					b, _ := json.Marshal(map[string]any{"error": map[string]any{"type": "authentication_error", "message": msg}})
					w.Write(b)
				default:
					fmt.Fprint(w, msg)
				}
			})
			rs := Run(context.Background(), targets, Options{BaseURL: at(srv.URL)}, nil)
			for i, r := range rs {
				secret := targets[i].Secret
				b, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				if r.Outcome != Auth || !strings.Contains(r.Detail, redacted) {
					t.Errorf("%s: %s %q, want auth with the secret shown as %s", r.ProfileID, r.Outcome, r.Detail, redacted)
				}
				for _, text := range []string{r.Detail, string(b)} {
					if run := secretRun(text, secret); run != "" {
						t.Errorf("%s: %q shows %q of the key", r.ProfileID, text, run)
					}
				}
			}
		})
	}
}

// hiddenPart is a key without its public prefix.
func hiddenPart(k string) string {
	for _, p := range []string{"sk-ant-api03-", "sk-proj-"} {
		if strings.HasPrefix(k, p) {
			return k[len(p):]
		}
	}
	return k
}

// secretRun returns a run of 8 characters of the key's hidden part (as is
// or URL-escaped) found in text, or "".
func secretRun(text, key string) string {
	for _, h := range []string{hiddenPart(key), url.QueryEscape(hiddenPart(key))} {
		for i := 0; i+8 <= len(h); i++ {
			if strings.Contains(text, h[i:i+8]) {
				return h[i : i+8]
			}
		}
	}
	return ""
}
