package statuspage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// fakeClock drives the store's TTL, staleness and back-off decisions. It
// counts calls so that tests can tell when a caller has looked at the cache:
// Get consults the clock before it joins or starts a fetch.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	calls int
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// Set moves the clock to t, which must not be earlier than now.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *fakeClock) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

type upstreamCall struct {
	page string
	code int
	d    time.Duration
}

// recorder is an Observer that keeps everything it is told.
type recorder struct {
	mu       sync.Mutex
	outcomes map[Outcome]int
	calls    []upstreamCall
	refused  []string // page/limit
}

func (r *recorder) DocumentRefused(page string, limit Limit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refused = append(r.refused, page+"/"+string(limit))
}

func (r *recorder) Refused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.refused...)
}

func (r *recorder) UpstreamRequest(page string, code int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, upstreamCall{page, code, d})
}

func (r *recorder) CacheResult(_ string, o Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.outcomes == nil {
		r.outcomes = map[Outcome]int{}
	}
	r.outcomes[o]++
}

func (r *recorder) Outcomes() map[Outcome]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[Outcome]int{}
	for o, n := range r.outcomes {
		out[o] = n
	}
	return out
}

func (r *recorder) Upstream() []upstreamCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]upstreamCall(nil), r.calls...)
}

// upstream is a fake status page that counts requests and can be switched
// between answering, failing and holding requests until released.
type upstream struct {
	srv         *httptest.Server
	requests    atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	mu         sync.Mutex
	body       []byte
	status     int
	retryAfter string
	gate       chan struct{} // non-nil: each request waits for a token or close
}

func newUpstream(t *testing.T, body []byte) *upstream {
	t.Helper()
	u := &upstream{body: body, status: http.StatusOK}
	u.srv = newServer(t, http.HandlerFunc(u.serve))
	// Registered after the server, so it runs before Close, which waits for
	// the handlers this releases.
	t.Cleanup(u.open)
	return u
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	u.requests.Add(1)
	n := u.inFlight.Add(1)
	defer u.inFlight.Add(-1)
	for m := u.maxInFlight.Load(); n > m && !u.maxInFlight.CompareAndSwap(m, n); m = u.maxInFlight.Load() {
	}
	u.mu.Lock()
	gate := u.gate
	u.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		case <-time.After(10 * time.Second):
			return
		}
	}
	// Read the answer after the gate: a test may switch it while a request
	// is held.
	u.mu.Lock()
	body, status, retryAfter := u.body, u.status, u.retryAfter
	u.mu.Unlock()
	if status != http.StatusOK {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		return
	}
	serveBytes(body)(w, r)
}

func (u *upstream) succeed() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.status, u.retryAfter = http.StatusOK, ""
}

func (u *upstream) fail(status int, retryAfter string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.status, u.retryAfter = status, retryAfter
}

// block makes requests wait until release or open.
func (u *upstream) block() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.gate = make(chan struct{})
}

// release lets exactly one held request go on.
func (u *upstream) release(t *testing.T) {
	t.Helper()
	u.mu.Lock()
	gate := u.gate
	u.mu.Unlock()
	select {
	case gate <- struct{}{}:
	case <-time.After(5 * time.Second):
		t.Fatal("no request was waiting to be released")
	}
}

// open lets every held and future request go on.
func (u *upstream) open() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.gate != nil {
		close(u.gate)
		u.gate = nil
	}
}

func (u *upstream) target(name string) *Target {
	return &Target{
		Name:       name,
		SummaryURL: u.srv.URL + SummaryPath,
		Client:     u.srv.Client(),
		Timeout:    5 * time.Second,
		CacheTTL:   30 * time.Second,
		MaxStale:   15 * time.Minute,
	}
}

type storeEnv struct {
	store *Store[*Summary]
	clock *fakeClock
	obs   *recorder
	up    *upstream
}

func newStoreEnv(t *testing.T, maxConcurrency int) *storeEnv {
	t.Helper()
	env := &storeEnv{clock: newFakeClock(), obs: &recorder{}, up: newUpstream(t, fixture(t, "all_operational.json"))}
	env.store = NewStore(StoreOptions[*Summary]{
		Prepare:        keepSummary,
		Fetcher:        Fetcher{UserAgent: "statuspage_exporter/test"},
		MaxConcurrency: maxConcurrency,
		Observer:       env.obs,
		Now:            env.clock.Now,
	})
	return env
}

// getAsync runs Get in the background; the channel yields its result.
func (env *storeEnv) getAsync(ctx context.Context, tg *Target) <-chan Result[*Summary] {
	ch := make(chan Result[*Summary], 1)
	go func() { ch <- env.store.Get(ctx, tg) }()
	return ch
}

func wantRequests(t *testing.T, u *upstream, n int64) {
	t.Helper()
	if got := u.requests.Load(); got != n {
		t.Fatalf("upstream saw %d requests, want %d", got, n)
	}
}

func wantResult(t *testing.T, r Result[*Summary], o Outcome, fresh bool) {
	t.Helper()
	if r.Outcome != o || r.Fresh != fresh {
		t.Fatalf("got outcome %s fresh %t (err %v), want %s fresh %t", r.Outcome, r.Fresh, r.Err, o, fresh)
	}
	if fresh && (r.Data == nil || r.Err != nil) {
		t.Fatalf("fresh result with summary %v and err %v", r.Data, r.Err)
	}
	if !fresh && r.Err == nil {
		t.Fatal("result is not fresh but carries no error")
	}
}

func awaitResult(t *testing.T, ch <-chan Result[*Summary]) Result[*Summary] {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("Get did not return")
		return Result[*Summary]{}
	}
}

func TestStoreTTL(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	tg := env.up.target("acme")
	ctx := t.Context()

	fetchedAt := env.clock.Advance(0)
	first := env.store.Get(ctx, tg)
	wantResult(t, first, OutcomeMiss, true)
	wantRequests(t, env.up, 1)
	if first.Data.Page.ID != "acmepage0001" {
		t.Errorf("page id = %q", first.Data.Page.ID)
	}
	if !first.LastSuccess.Equal(fetchedAt) {
		t.Errorf("LastSuccess = %v, want %v", first.LastSuccess, fetchedAt)
	}
	if first.Duration <= 0 {
		t.Errorf("Duration = %s, want the request's", first.Duration)
	}

	env.clock.Advance(tg.CacheTTL - time.Second)
	second := env.store.Get(ctx, tg)
	wantResult(t, second, OutcomeHit, true)
	wantRequests(t, env.up, 1)
	if second.Data != first.Data || !second.LastSuccess.Equal(fetchedAt) || second.Duration != first.Duration {
		t.Errorf("hit %+v differs from the fetch %+v", second, first)
	}

	// The TTL is a bound: at exactly CacheTTL the data is no longer fresh.
	refetchedAt := env.clock.Advance(time.Second)
	third := env.store.Get(ctx, tg)
	wantResult(t, third, OutcomeMiss, true)
	wantRequests(t, env.up, 2)
	if !third.LastSuccess.Equal(refetchedAt) {
		t.Errorf("LastSuccess = %v, want %v", third.LastSuccess, refetchedAt)
	}

	want := map[Outcome]int{OutcomeMiss: 2, OutcomeHit: 1}
	if got := env.obs.Outcomes(); !equalCounts(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
}

// TestStoreZeroTTL: cache_ttl 0 means a request on every Get, and the data a
// caller waited for is fresh although its age is already past the TTL.
func TestStoreZeroTTL(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	tg := env.up.target("acme")
	tg.CacheTTL = 0
	ctx := t.Context()
	for i := range 3 {
		r := env.store.Get(ctx, tg)
		wantResult(t, r, OutcomeMiss, true)
		wantRequests(t, env.up, int64(i+1))
		env.clock.Advance(time.Millisecond)
	}
}

func equalCounts(a, b map[Outcome]int) bool {
	for o, n := range a {
		if b[o] != n {
			return false
		}
	}
	for o, n := range b {
		if a[o] != n {
			return false
		}
	}
	return true
}

// TestStoreSharesConcurrentFetch is the HA-pair promise: callers that need
// the same page at the same moment cause one upstream request.
func TestStoreSharesConcurrentFetch(t *testing.T) {
	t.Parallel()
	const callers = 50
	env := newStoreEnv(t, 0)
	env.up.block()
	tg := env.up.target("acme")

	results := make(chan Result[*Summary], callers)
	get := func() { results <- env.store.Get(t.Context(), tg) }
	go get()
	waitFor(t, "the first request", func() bool { return env.up.requests.Load() == 1 }, 5*time.Second)
	// Every later caller reads the clock once before it joins the fetch, so
	// when the count has risen by callers-1, none of them can still find
	// the cache filled and report a hit.
	base := env.clock.Calls()
	for range callers - 1 {
		go get()
	}
	waitFor(t, "all callers to check the cache", func() bool { return env.clock.Calls() >= base+callers-1 }, 5*time.Second)
	env.up.open()

	var first *Summary
	for range callers {
		r := awaitResult(t, results)
		if !r.Fresh || r.Data == nil {
			t.Fatalf("caller got %+v, want fresh data", r)
		}
		if first == nil {
			first = r.Data
		} else if r.Data != first {
			t.Error("callers got different summaries from one fetch")
		}
	}
	wantRequests(t, env.up, 1)
	want := map[Outcome]int{OutcomeMiss: 1, OutcomeShared: callers - 1}
	if got := env.obs.Outcomes(); !equalCounts(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
	if n := len(env.obs.Upstream()); n != 1 {
		t.Errorf("observer saw %d upstream requests, want 1", n)
	}
}

// TestStoreCancelledCallerDoesNotCancelOthers: the fetch belongs to nobody,
// so the caller that started it may leave without taking it down.
func TestStoreCancelledCallerDoesNotCancelOthers(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	env.up.block()
	tg := env.up.target("acme")

	ctxA, cancelA := context.WithCancel(t.Context())
	defer cancelA()
	chA := env.getAsync(ctxA, tg)
	waitFor(t, "the request of caller A", func() bool { return env.up.requests.Load() == 1 }, 5*time.Second)
	base := env.clock.Calls()
	chB := env.getAsync(t.Context(), tg)
	waitFor(t, "caller B to check the cache", func() bool { return env.clock.Calls() > base }, 5*time.Second)

	start := time.Now()
	cancelA()
	a := awaitResult(t, chA)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("cancelled caller returned after %s", elapsed)
	}
	wantResult(t, a, OutcomeError, false)
	if a.Data != nil || !a.LastSuccess.IsZero() {
		t.Errorf("cancelled caller got summary %v, last success %v; want neither", a.Data, a.LastSuccess)
	}
	if !strings.Contains(a.Err.Error(), "deadline") || !errors.Is(a.Err, context.Canceled) {
		t.Errorf("err = %v, want one that names the scrape deadline and wraps the cancellation", a.Err)
	}
	select {
	case b := <-chB:
		t.Fatalf("caller B returned %+v before the page answered", b)
	default:
	}

	env.up.open()
	b := awaitResult(t, chB)
	wantResult(t, b, OutcomeShared, true)
	later := env.store.Get(t.Context(), tg)
	wantResult(t, later, OutcomeHit, true)
	wantRequests(t, env.up, 1)
	if later.Data != b.Data {
		t.Error("the later hit does not serve the shared fetch's data")
	}
}

// TestStoreCallerDeadlineDetachedFetch: a scrape that runs out of time
// reports the page as failed, and the fetch it started still fills the cache
// for the next scrape.
func TestStoreCallerDeadlineDetachedFetch(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	env.up.block()
	tg := env.up.target("acme")

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := env.store.Get(ctx, tg)
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Get returned after %s, want soon after the 100ms deadline", elapsed)
	}
	wantResult(t, r, OutcomeError, false)
	if !strings.Contains(r.Err.Error(), "deadline") || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the scrape deadline", r.Err)
	}
	if r.Data != nil || !r.LastSuccess.IsZero() {
		t.Errorf("got summary %v, last success %v before any success", r.Data, r.LastSuccess)
	}

	env.up.open()
	// Either joins the fetch that is still finishing or finds its result.
	next := env.store.Get(t.Context(), tg)
	if next.Outcome != OutcomeShared && next.Outcome != OutcomeHit || !next.Fresh {
		t.Fatalf("after release: outcome %s fresh %t err %v, want the detached fetch's data", next.Outcome, next.Fresh, next.Err)
	}
	wantResult(t, env.store.Get(t.Context(), tg), OutcomeHit, true)
	wantRequests(t, env.up, 1)
	if next.LastSuccess.IsZero() {
		t.Error("LastSuccess not set by the detached fetch")
	}
}

func TestStorePageTimeoutBoundsHangingUpstream(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	env.up.block()
	tg := env.up.target("acme")
	tg.Timeout = 200 * time.Millisecond

	start := time.Now()
	r := env.store.Get(context.Background(), tg) // no deadline of its own
	elapsed := time.Since(start)
	if elapsed < tg.Timeout || elapsed > 3*time.Second {
		t.Errorf("Get returned after %s, want just over the page timeout %s", elapsed, tg.Timeout)
	}
	wantResult(t, r, OutcomeError, false)
	if !errors.Is(r.Err, context.DeadlineExceeded) || !strings.Contains(r.Err.Error(), "timed out") {
		t.Errorf("err = %v, want a timeout", r.Err)
	}
	calls := env.obs.Upstream()
	if len(calls) != 1 || calls[0].code != 0 || calls[0].page != "acme" {
		t.Errorf("observer saw %+v, want one request for acme without an HTTP code", calls)
	}
}

// TestStoreCachesFailures: a failing page is asked again only after
// CacheTTL, whether or not there is older data to fall back on.
func TestStoreCachesFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		goodFirst   bool
		wantOutcome Outcome
	}{
		{"before any success", false, OutcomeError},
		{"with good data to fall back on", true, OutcomeStale},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newStoreEnv(t, 0)
			tg := env.up.target("acme")
			ctx := t.Context()
			var want int64
			if tc.goodFirst {
				wantResult(t, env.store.Get(ctx, tg), OutcomeMiss, true)
				want++
				env.clock.Advance(tg.CacheTTL)
			}
			env.up.fail(http.StatusInternalServerError, "")

			r := env.store.Get(ctx, tg)
			want++
			wantResult(t, r, tc.wantOutcome, false)
			wantRequests(t, env.up, want)
			var herr *HTTPError
			if !errors.As(r.Err, &herr) || herr.StatusCode != http.StatusInternalServerError {
				t.Errorf("err = %v, want the HTTP 500", r.Err)
			}
			if !tc.goodFirst && !r.LastSuccess.IsZero() {
				t.Errorf("LastSuccess = %v before any success, want zero", r.LastSuccess)
			}

			for _, step := range []time.Duration{time.Second, tg.CacheTTL - 2*time.Second} {
				env.clock.Advance(step)
				again := env.store.Get(ctx, tg)
				wantResult(t, again, tc.wantOutcome, false)
				wantRequests(t, env.up, want)
				if again.Err != r.Err {
					t.Errorf("cached failure err = %v, want %v", again.Err, r.Err)
				}
			}

			env.clock.Advance(time.Second)
			env.up.succeed()
			wantResult(t, env.store.Get(ctx, tg), OutcomeMiss, true)
			wantRequests(t, env.up, want+1)
		})
	}
}

// TestStoreServesStaleData: after a failure the last good data stays up to
// MaxStale old, marked not fresh; after that only the failure remains.
func TestStoreServesStaleData(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	tg := env.up.target("acme")
	ctx := t.Context()

	goodAt := env.clock.Advance(0)
	good := env.store.Get(ctx, tg)
	wantResult(t, good, OutcomeMiss, true)

	env.up.fail(http.StatusBadGateway, "")
	env.clock.Advance(tg.CacheTTL + time.Second)
	stale := env.store.Get(ctx, tg)
	wantResult(t, stale, OutcomeStale, false)
	wantRequests(t, env.up, 2)
	if stale.Data != good.Data {
		t.Error("stale result does not carry the last good data")
	}
	if !stale.LastSuccess.Equal(goodAt) {
		t.Errorf("LastSuccess = %v, want the good fetch's %v", stale.LastSuccess, goodAt)
	}
	var herr *HTTPError
	if !errors.As(stale.Err, &herr) || herr.StatusCode != http.StatusBadGateway {
		t.Errorf("err = %v, want the HTTP 502", stale.Err)
	}

	// Just inside MaxStale the old data is still served.
	env.clock.Set(goodAt.Add(tg.MaxStale - time.Second))
	if r := env.store.Get(ctx, tg); r.Outcome != OutcomeStale || r.Data != good.Data {
		t.Fatalf("just inside MaxStale: outcome %s summary %v, want stale data", r.Outcome, r.Data)
	}

	env.clock.Advance(2 * time.Second)
	expired := env.store.Get(ctx, tg)
	wantResult(t, expired, OutcomeError, false)
	if expired.Data != nil {
		t.Error("data older than MaxStale is still served")
	}
	if !expired.LastSuccess.Equal(goodAt) {
		t.Errorf("LastSuccess = %v, want it kept at %v", expired.LastSuccess, goodAt)
	}
	if !errors.As(expired.Err, &herr) {
		t.Errorf("err = %v, want the HTTP error", expired.Err)
	}
}

func TestStoreRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		status     int
		retryAfter string
		quietUntil time.Duration // a Get at this offset makes no request
		askAt      time.Duration // a Get at this offset does
	}{
		{"429 longer than the TTL", http.StatusTooManyRequests, "120", 31 * time.Second, 121 * time.Second},
		{"503 longer than the TTL", http.StatusServiceUnavailable, "120", 119 * time.Second, 121 * time.Second},
		{"an hour is capped at 10 minutes", http.StatusTooManyRequests, "3600", MaxRetryAfter - time.Second, MaxRetryAfter + time.Second},
		{"shorter than the TTL", http.StatusTooManyRequests, "5", 29 * time.Second, 31 * time.Second},
		{"500 ignores it", http.StatusInternalServerError, "120", 29 * time.Second, 31 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newStoreEnv(t, 0)
			tg := env.up.target("acme")
			ctx := t.Context()
			env.up.fail(tc.status, tc.retryAfter)

			start := env.clock.Advance(0)
			wantResult(t, env.store.Get(ctx, tg), OutcomeError, false)
			wantRequests(t, env.up, 1)

			env.clock.Set(start.Add(tc.quietUntil))
			wantResult(t, env.store.Get(ctx, tg), OutcomeError, false)
			wantRequests(t, env.up, 1)

			env.clock.Set(start.Add(tc.askAt))
			env.up.succeed()
			wantResult(t, env.store.Get(ctx, tg), OutcomeMiss, true)
			wantRequests(t, env.up, 2)
		})
	}
}

func TestStoreRetain(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	ctx := t.Context()
	kept, dropped := env.up.target("kept"), env.up.target("dropped")
	wantResult(t, env.store.Get(ctx, kept), OutcomeMiss, true)
	wantResult(t, env.store.Get(ctx, dropped), OutcomeMiss, true)

	env.store.Retain(map[string]bool{"kept": true})
	wantResult(t, env.store.Get(ctx, kept), OutcomeHit, true)
	wantRequests(t, env.up, 2)
	// A page added back under the same name starts from nothing.
	wantResult(t, env.store.Get(ctx, dropped), OutcomeMiss, true)
	wantRequests(t, env.up, 3)

	env.store.Retain(nil)
	wantResult(t, env.store.Get(ctx, kept), OutcomeMiss, true)
	wantRequests(t, env.up, 4)
}

// TestStoreURLChangeUnderSameName: a reload that points a page name at
// another document must not serve the old document's data under it.
func TestStoreURLChangeUnderSameName(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	other := newUpstream(t, fixture(t, "incident_io.json"))
	ctx := t.Context()
	before := env.up.target("vendor")
	after := other.target("vendor")

	wantResult(t, env.store.Get(ctx, before), OutcomeMiss, true)
	r := env.store.Get(ctx, after) // well within the TTL of the old data
	wantResult(t, r, OutcomeMiss, true)
	if r.Data.Page.ID != "hoolipage001" {
		t.Errorf("page id = %q, want the new document's", r.Data.Page.ID)
	}
	wantRequests(t, other, 1)
	if r = env.store.Get(ctx, after); r.Outcome != OutcomeHit || r.Data.Page.ID != "hoolipage001" {
		t.Errorf("second Get: outcome %s page %q, want a hit on the new document", r.Outcome, r.Data.Page.ID)
	}

	// A failure of the old document does not show up under the new one.
	env.up.fail(http.StatusNotFound, "")
	env.clock.Advance(before.CacheTTL)
	wantResult(t, env.store.Get(ctx, before), OutcomeError, false)
	if r = env.store.Get(ctx, after); r.Outcome != OutcomeMiss || !r.Fresh {
		t.Errorf("new document after the old one failed: outcome %s fresh %t err %v", r.Outcome, r.Fresh, r.Err)
	}
}

// TestStoreURLChangeDuringFetch: a fetch of the old document that completes
// after the reload must not overwrite the new document's data.
func TestStoreURLChangeDuringFetch(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	other := newUpstream(t, fixture(t, "incident_io.json"))
	before := env.up.target("vendor")
	after := other.target("vendor")

	env.up.block()
	old := env.getAsync(t.Context(), before)
	waitFor(t, "the old document's request", func() bool { return env.up.requests.Load() == 1 }, 5*time.Second)
	wantResult(t, env.store.Get(t.Context(), after), OutcomeMiss, true)

	env.up.open()
	awaitResult(t, old)
	r := env.store.Get(t.Context(), after)
	wantResult(t, r, OutcomeHit, true)
	if r.Data.Page.ID != "hoolipage001" {
		t.Errorf("page id = %q, want the new document's", r.Data.Page.ID)
	}
	wantRequests(t, other, 1)
}

// TestStoreMaxConcurrency hands out upstream answers one at a time and
// checks that each freed slot lets exactly one waiting page in.
func TestStoreMaxConcurrency(t *testing.T) {
	t.Parallel()
	const pages, limit = 6, 2
	env := newStoreEnv(t, limit)
	env.up.block()

	results := make(chan Result[*Summary], pages)
	for i := range pages {
		tg := env.up.target("page" + string(rune('a'+i)))
		go func() { results <- env.store.Get(t.Context(), tg) }()
	}
	waitFor(t, "the first requests", func() bool { return env.up.requests.Load() == limit }, 5*time.Second)
	for n := int64(limit + 1); n <= pages; n++ {
		env.up.release(t)
		waitFor(t, "the next page to get a slot", func() bool { return env.up.requests.Load() == n }, 5*time.Second)
	}
	env.up.open()
	for range pages {
		wantResult(t, awaitResult(t, results), OutcomeMiss, true)
	}
	if got := env.up.maxInFlight.Load(); got != limit {
		t.Errorf("at most %d requests were in flight, want %d", got, limit)
	}
}

// TestStoreWaitingForASlotIsBounded: a page that cannot get a request slot
// within its timeout fails without an upstream request.
func TestStoreWaitingForASlotIsBounded(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 1)
	env.up.block()
	busy := env.getAsync(t.Context(), env.up.target("busy"))
	waitFor(t, "the slot to be taken", func() bool { return env.up.requests.Load() == 1 }, 5*time.Second)

	tg := env.up.target("starved")
	tg.Timeout = 100 * time.Millisecond
	r := env.store.Get(t.Context(), tg)
	wantResult(t, r, OutcomeError, false)
	if !strings.Contains(r.Err.Error(), "free request slot") || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a timeout waiting for a slot", r.Err)
	}
	env.up.open()
	wantResult(t, awaitResult(t, busy), OutcomeMiss, true)
	wantRequests(t, env.up, 1)
	for _, c := range env.obs.Upstream() {
		if c.page == "starved" {
			t.Errorf("observer saw an upstream request %+v that was never made", c)
		}
	}
}

func TestStoreObservesUpstreamRequests(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		setup    func(t *testing.T, env *storeEnv, tg *Target)
		wantCode int
	}{
		{"success", func(*testing.T, *storeEnv, *Target) {}, http.StatusOK},
		{"HTTP error", func(_ *testing.T, env *storeEnv, _ *Target) { env.up.fail(http.StatusServiceUnavailable, "") }, http.StatusServiceUnavailable},
		{"no response", func(t *testing.T, _ *storeEnv, tg *Target) {
			*tg = *refusedTarget(t)
			tg.Name, tg.Timeout, tg.CacheTTL = "acme", 5*time.Second, 30*time.Second
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newStoreEnv(t, 0)
			tg := env.up.target("acme")
			tc.setup(t, env, tg)
			env.store.Get(t.Context(), tg)
			calls := env.obs.Upstream()
			if len(calls) != 1 {
				t.Fatalf("observer saw %d upstream requests, want 1", len(calls))
			}
			if c := calls[0]; c.page != "acme" || c.code != tc.wantCode || c.d <= 0 {
				t.Errorf("observer saw %+v, want page acme, code %d and a duration", c, tc.wantCode)
			}
		})
	}
}

// TestStoreWithoutObserver: the observer and logger are optional.
func TestStoreWithoutObserver(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, fixture(t, "all_operational.json"))
	s := NewStore(StoreOptions[*Summary]{Prepare: keepSummary})
	tg := up.target("acme")
	wantResult(t, s.Get(t.Context(), tg), OutcomeMiss, true)
	wantResult(t, s.Get(t.Context(), tg), OutcomeHit, true)
	up.fail(http.StatusInternalServerError, "")
	wantResult(t, s.Get(t.Context(), up.target("other")), OutcomeError, false)
}

// keepSummary prepares a document as itself, so that tests see what was
// decoded.
func keepSummary(_ *Target, s *Summary) (*Summary, error) { return s, nil }

// TestPrepareError: a document that Prepare refuses is a failed fetch, logged
// and retried like any other, and never replaces the last good data.
func TestPrepareError(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, fixture(t, "all_operational.json"))
	clock := newFakeClock()
	refuse := false
	s := NewStore(StoreOptions[*Summary]{Now: clock.Now, Prepare: func(tg *Target, sum *Summary) (*Summary, error) {
		if refuse {
			return nil, errors.New("too many series")
		}
		return sum, nil
	}})
	tg := up.target("acme")
	good := s.Get(t.Context(), tg)
	wantResult(t, good, OutcomeMiss, true)
	refuse = true // read inside the fetch, which this goroutine waits for
	clock.Advance(tg.CacheTTL + time.Second)
	r := s.Get(t.Context(), tg)
	wantResult(t, r, OutcomeStale, false)
	if r.Data != good.Data || r.Err == nil || !strings.Contains(r.Err.Error(), "prepare document: too many series") {
		t.Errorf("refused document: data kept %t, err %v; want the old data and the reason", r.Data == good.Data, r.Err)
	}
}

// TestStoreObservesRefusedDocuments: a document refused for a limit is
// counted by limit; other failures are not refusals.
func TestStoreObservesRefusedDocuments(t *testing.T) {
	t.Parallel()
	overLimit := func(tg *Target, _ *Summary) (*Summary, error) {
		return nil, fmt.Errorf("%w: the document makes 3 series, series_limit is %d", ErrTooManySeries, tg.SeriesLimit)
	}
	cases := []struct {
		name    string
		prepare func(*Target, *Summary) (*Summary, error)
		maxBody int64
		status  int
		want    []string
	}{
		{"series limit", overLimit, 0, http.StatusOK, []string{"acme/series_limit"}},
		{"body size", keepSummary, 100, http.StatusOK, []string{"acme/max_body_size"}},
		{"HTTP error", keepSummary, 0, http.StatusInternalServerError, nil},
		{"success", keepSummary, 0, http.StatusOK, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := newUpstream(t, fixture(t, "all_operational.json"))
			if tc.status != http.StatusOK {
				up.fail(tc.status, "")
			}
			obs := &recorder{}
			s := NewStore(StoreOptions[*Summary]{Prepare: tc.prepare, Observer: obs, Fetcher: Fetcher{MaxBodySize: tc.maxBody}})
			tg := up.target("acme")
			tg.SeriesLimit = 2
			r := s.Get(t.Context(), tg)
			if got := obs.Refused(); !slices.Equal(got, tc.want) {
				t.Errorf("refusals %q, want %q (fetch: %v)", got, tc.want, r.Err)
			}
			if len(tc.want) > 0 && (r.Fresh || r.HasData) {
				t.Errorf("a refused document is served: %+v", r)
			}
		})
	}
}

// TestStoreAdhocBudget: ad-hoc targets take their request slots from a
// budget of their own. When ad-hoc fetches hang on every one of those
// slots and more wait, a configured page still gets its slot at once; and
// configured pages that hold all theirs do not keep ad-hoc targets out.
func TestStoreAdhocBudget(t *testing.T) {
	t.Parallel()
	env := newStoreEnv(t, 0)
	env.store = NewStore(StoreOptions[*Summary]{
		Prepare:             keepSummary,
		MaxConcurrency:      1,
		AdhocMaxConcurrency: 2,
		Now:                 env.clock.Now,
	})
	hanging := newUpstream(t, fixture(t, "all_operational.json"))
	hanging.block()
	var waiting []<-chan Result[*Summary]
	for i := range 5 {
		tg := hanging.target(fmt.Sprintf("https://adhoc%d.example", i))
		tg.adhoc = true
		waiting = append(waiting, env.getAsync(t.Context(), tg))
	}
	waitFor(t, "the ad-hoc budget to be taken", func() bool { return hanging.requests.Load() == 2 }, 5*time.Second)

	wantResult(t, env.store.Get(t.Context(), env.up.target("configured")), OutcomeMiss, true)

	// And the other way round: a configured page holds the only slot of
	// configured pages; an ad-hoc target is not kept out by it.
	env.up.block()
	held := env.getAsync(t.Context(), env.up.target("held"))
	waitFor(t, "the configured slot to be taken", func() bool { return env.up.requests.Load() == 2 }, 5*time.Second)
	hanging.open()
	for _, ch := range waiting {
		wantResult(t, awaitResult(t, ch), OutcomeMiss, true)
	}
	if got := hanging.maxInFlight.Load(); got != 2 {
		t.Errorf("%d ad-hoc requests were in flight at once, want the budget of 2", got)
	}
	env.up.open()
	wantResult(t, awaitResult(t, held), OutcomeMiss, true)
}

// TestPrepareBoundedByProcessors: however many answers arrive at once,
// at most GOMAXPROCS documents are prepared at the same time.
func TestPrepareBoundedByProcessors(t *testing.T) {
	t.Parallel()
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: 24, Shape: statuspagetest.Shape{Components: 3}})
	var running, most atomic.Int32
	s := NewStore(StoreOptions[*Summary]{Prepare: func(_ *Target, sum *Summary) (*Summary, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(5 * time.Millisecond) // long enough for the others to pile up
		return sum, nil
	}})
	var wg sync.WaitGroup
	for i := range up.Len() {
		tg := &Target{Name: fmt.Sprint("p", i), SummaryURL: up.URL(i) + SummaryPath, Timeout: 10 * time.Second, CacheTTL: time.Minute, MaxStale: time.Hour}
		wg.Go(func() {
			if r := s.Get(t.Context(), tg); !r.Fresh {
				t.Errorf("%s: %v", tg.Name, r.Err)
			}
		})
	}
	wg.Wait()
	if n, limit := most.Load(), int32(runtime.GOMAXPROCS(0)); n > limit || n < 1 {
		t.Errorf("%d documents prepared at once, want 1 to %d", n, limit)
	}
}
