// Package probe checks credentials live: one small authenticated request per
// auth profile (list models, or read key info), classified into an Outcome a
// person can act on — ok, rejected, rate limited, out of credit, unreachable.
//
// The requests are chosen to cost nothing: no model is called. A secret only
// ever lives in Target.Secret and in the request header that carries it; no
// Result field, error text or log line contains it.
package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// Defaults for Options (also the defaults of the --probe-timeout and
// --probe-concurrency flags).
const (
	DefaultTimeout     = 8 * time.Second
	DefaultConcurrency = 2
)

// Outcome is what a probe found out about one credential. Its value is the
// stable lower-case name used in JSON output.
type Outcome string

// The outcomes of a probe.
const (
	// OK means the provider accepted the credential.
	OK Outcome = "ok"
	// Auth means the provider rejected the credential (401/403, invalid key).
	Auth Outcome = "auth"
	// RateLimited means the provider answered 429: the credential may be fine.
	RateLimited Outcome = "rate_limited"
	// Billing means the credential is known but the account cannot pay
	// (402, no credit left, quota exhausted).
	Billing Outcome = "billing"
	// Timeout means no answer came within Options.Timeout.
	Timeout Outcome = "timeout"
	// Network means the provider could not be reached (DNS, refused, TLS).
	Network Outcome = "network"
	// Unsupported means there is no cheap live check for this provider or
	// credential type; no request was sent.
	Unsupported Outcome = "unsupported"
	// Error is any other answer (an unexpected HTTP status, a cancelled probe).
	Error Outcome = "error"
)

// String returns the outcome's JSON name.
func (o Outcome) String() string { return string(o) }

// Target is one credential to check. Secret is the credential itself: it is
// used for the request and nothing else.
type Target struct {
	ProfileID string // "provider:name", or a label such as "env:OPENAI_API_KEY"
	Provider  string // provider id; normalised before use (authstore.NormalizeProvider)
	Type      string // authstore.TypeAPIKey, TypeToken, TypeOAuth; "" counts as an API key
	Secret    string
}

// String describes the target without its secret, so that a Target printed
// with %v by mistake cannot leak it.
func (t Target) String() string {
	return fmt.Sprintf("%s (%s %s)", t.ProfileID, t.Provider, t.Type)
}

// GoString is like String, for %#v.
func (t Target) GoString() string { return "probe.Target{" + t.String() + "}" }

// FromProfile turns a store profile into a Target.
func FromProfile(p authstore.Profile) Target {
	return Target{ProfileID: p.ID, Provider: p.Provider, Type: p.Type, Secret: p.Secret()}
}

// FromEnv turns a key found in the environment or .env into a Target whose
// ProfileID is "env:<VAR>" (or ".env:<VAR>"), as the status output labels it.
// Token variables (ANTHROPIC_OAUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN) are typed
// as tokens so that they are sent as such.
func FromEnv(c authstore.EnvCredential) Target {
	typ := authstore.TypeAPIKey
	if strings.HasSuffix(c.Var, "_TOKEN") {
		typ = authstore.TypeToken
	}
	return Target{ProfileID: c.Source + ":" + c.Var, Provider: c.Provider, Type: typ, Secret: c.Value}
}

// Result is the outcome of probing one Target. It holds no secret.
type Result struct {
	ProfileID string
	Provider  string // normalised
	Type      string
	Outcome   Outcome
	// HTTPStatus is the provider's HTTP status code, 0 when no answer came.
	HTTPStatus int
	// Latency is the time from sending the request to the answer's headers.
	Latency time.Duration
	// Detail is one short line for people: the provider's own error message
	// (cut to about 120 characters), or what went wrong on the way. Empty
	// when there is nothing to add to the outcome.
	Detail string
	// CheckedAt is when the probe started (Options.Now); zero when no
	// request was sent.
	CheckedAt time.Time
}

// resultJSON is Result's JSON form: times in milliseconds like every other
// time in the gateway's files and in models status --json.
type resultJSON struct {
	ProfileID  string  `json:"profileId"`
	Provider   string  `json:"provider"`
	Type       string  `json:"type,omitempty"`
	Outcome    Outcome `json:"outcome"`
	HTTPStatus int     `json:"httpStatus,omitempty"`
	LatencyMs  *int64  `json:"latencyMs,omitempty"`
	Detail     string  `json:"detail,omitempty"`
	CheckedAt  int64   `json:"checkedAt,omitempty"`
}

// MarshalJSON writes profileId, provider, type, outcome, httpStatus,
// latencyMs, detail and checkedAt (ms since the epoch); empty fields are left
// out, and latencyMs is present exactly when an answer came.
func (r Result) MarshalJSON() ([]byte, error) {
	j := resultJSON{
		ProfileID: r.ProfileID, Provider: r.Provider, Type: r.Type,
		Outcome: r.Outcome, HTTPStatus: r.HTTPStatus, Detail: r.Detail,
	}
	if r.HTTPStatus != 0 {
		ms := r.Latency.Milliseconds()
		j.LatencyMs = &ms
	}
	if !r.CheckedAt.IsZero() {
		j.CheckedAt = r.CheckedAt.UnixMilli()
	}
	return json.Marshal(j)
}

// Options tune Run. The zero value is usable.
type Options struct {
	// Timeout bounds each probe, from sending to the end of reading the
	// answer. Zero means DefaultTimeout.
	Timeout time.Duration
	// Concurrency is how many probes may be in flight at once. Zero or less
	// means DefaultConcurrency.
	Concurrency int
	// HTTPClient sends the requests; nil means a client with
	// http.DefaultTransport. Redirects are never followed either way (a
	// redirect could carry a key header to another host).
	HTTPClient *http.Client
	// BaseURL returns the base URL to use for a (normalised) provider id, or
	// "" for the provider's default. A trailing "/" or API version suffix
	// ("/v1", OpenRouter's "/api/v1", …) is tolerated. See EnvBaseURL.
	BaseURL func(provider string) string
	// Now is the clock for CheckedAt and Latency; nil means time.Now.
	Now func() time.Time
}

// Run probes every target, at most Options.Concurrency at a time, and returns
// one Result per target in the order of targets. progress, when not nil, is
// called with each Result as soon as it is known (in completion order); the
// calls never overlap, so progress needs no locking of its own, but it runs
// on a probe goroutine and should return quickly (for a bubbletea program,
// hand the result to Program.Send).
//
// Cancelling ctx stops every probe promptly: probes in flight are aborted and
// those not started are not sent; both come back as Error "cancelled" (or
// Timeout when ctx's deadline passed). Run returns only when no goroutine it
// started is left.
func Run(ctx context.Context, targets []Target, opts Options, progress func(Result)) []Result {
	opts = opts.withDefaults()
	results := make([]Result, len(targets))
	workers := min(opts.Concurrency, len(targets))

	var (
		next   atomic.Int64
		report sync.Mutex
		wg     sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(targets) {
					return
				}
				r := probeOne(ctx, targets[i], opts)
				results[i] = r
				if progress != nil {
					report.Lock()
					progress(r)
					report.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return results
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BaseURL == nil {
		o.BaseURL = func(string) string { return "" }
	}
	client := http.Client{}
	if o.HTTPClient != nil {
		client = *o.HTTPClient // a copy: the caller's client is not changed
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	o.HTTPClient = &client
	return o
}

// Filter keeps the targets a user asked for with --probe-provider and
// --probe-profile. provider "" keeps every provider (compared normalised);
// profileIDs may repeat the flag or hold comma-separated lists, and empty
// keeps every profile. An asked-for profile id that no target has is an
// error, so that a typo is not silently ignored.
func Filter(targets []Target, provider string, profileIDs []string) ([]Target, error) {
	want := map[string]bool{}
	var order []string
	for _, v := range profileIDs {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" && !want[id] {
				want[id] = true
				order = append(order, id)
			}
		}
	}
	provider = authstore.NormalizeProvider(provider)
	seen := map[string]bool{}
	var out []Target
	for _, t := range targets {
		seen[t.ProfileID] = true
		if provider != "" && authstore.NormalizeProvider(t.Provider) != provider {
			continue
		}
		if len(want) > 0 && !want[t.ProfileID] {
			continue
		}
		out = append(out, t)
	}
	for _, id := range order {
		if !seen[id] {
			return nil, fmt.Errorf("--probe-profile: no profile %q; run 'moltbot models status' to see the profile ids", id)
		}
	}
	return out, nil
}

// probeOne runs one probe; it never panics on bad input and never returns a
// Result holding the secret.
func probeOne(ctx context.Context, t Target, opts Options) Result {
	prov := authstore.NormalizeProvider(t.Provider)
	res := Result{ProfileID: t.ProfileID, Provider: prov, Type: t.Type}
	if ctx.Err() != nil {
		return cancelled(ctx, res)
	}
	spec, why := lookup(prov, t)
	if why != "" {
		res.Outcome, res.Detail = Unsupported, why
		return res
	}
	if bad := headerUnsafe(t.Secret); bad != "" {
		res.Outcome, res.Detail = Error, bad
		return res
	}
	base, err := spec.baseURL(opts.BaseURL(prov))
	if err != nil {
		res.Outcome, res.Detail = Error, err.Error()
		return res
	}

	pctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	req, err := spec.request(pctx, base, t)
	if err != nil { // only a malformed base URL gets here
		res.Outcome, res.Detail = Error, fmt.Sprintf("cannot build the request for %s: check its base URL", prov)
		return res
	}
	res.CheckedAt = opts.Now()
	resp, err := opts.HTTPClient.Do(req)
	if err != nil {
		return transportFailure(ctx, pctx, res, err, opts.Timeout, req.URL.Host, t.Secret)
	}
	defer resp.Body.Close()
	res.Latency = opts.Now().Sub(res.CheckedAt)
	res.HTTPStatus = resp.StatusCode
	body, err := readBody(resp)
	if err != nil && pctx.Err() != nil {
		// The answer started but did not finish in time.
		return transportFailure(ctx, pctx, res, err, opts.Timeout, req.URL.Host, t.Secret)
	}
	res.Outcome, res.Detail = classify(spec, resp, body, t.Secret)
	return res
}

// cancelled fills in a probe that Run's ctx stopped before it had an answer.
func cancelled(parent context.Context, res Result) Result {
	if errors.Is(parent.Err(), context.DeadlineExceeded) {
		res.Outcome, res.Detail = Timeout, "the time for all probes ran out first"
		return res
	}
	res.Outcome, res.Detail = Error, "cancelled"
	return res
}

// transportFailure classifies a request that got no (complete) answer.
func transportFailure(parent, pctx context.Context, res Result, err error, timeout time.Duration, host, secret string) Result {
	var ne net.Error
	switch {
	case parent.Err() != nil:
		return cancelled(parent, res)
	case pctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout()):
		res.Outcome, res.Detail = Timeout, "no answer within "+fmtTimeout(timeout)
	default:
		res.Outcome, res.Detail = Network, networkDetail(err, host, secret)
	}
	return res
}

// networkDetail says in one line why host could not be reached.
func networkDetail(err error, host, secret string) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return "cannot resolve " + dns.Name + " (DNS)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused by " + host
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by " + host + " before it answered"
	}
	var ue *url.Error
	if errors.As(err, &ue) { // drop `Get "https://…":`, the rest says more
		err = ue.Err
	}
	return cleanDetail(err.Error(), secret)
}

func fmtTimeout(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	return d.String()
}
