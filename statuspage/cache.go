package statuspage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// Target is one configured page as the client sees it. Targets are built once
// per config load and never modified afterwards.
type Target struct {
	// Name is the configured page name, the cache key.
	Name string
	// SummaryURL is the document to fetch (see summaryURL).
	SummaryURL string
	// Client is built from the page's http_client_config.
	Client *http.Client
	// Timeout bounds one upstream request.
	Timeout time.Duration
	// CacheTTL is how long a result, good or bad, is reused.
	CacheTTL time.Duration
	// MaxStale is how long the last good data is served after failures.
	MaxStale time.Duration
	// SeriesLimit is the most series Prepare may make of the page's
	// document (see ErrTooManySeries); zero means no limit.
	SeriesLimit int

	// adhoc marks the targets of ad-hoc /probe URLs, which take their
	// request slots from StoreOptions.AdhocMaxConcurrency.
	adhoc bool
	// files are the files the page's http_client_config names, which
	// prometheus/common reads as it makes requests.
	files []config.FileRef
	// settings is a digest of the configuration behind the fields above
	// and Client (see settingsKey); with SummaryURL, it decides whether
	// the page's cache state still belongs to it.
	settings string

	// What the page's platform is and reads (see setProvider); a target
	// without provider is a Statuspage page whose document is SummaryURL.
	provider  *provider
	documents []string
	filter    *componentFilter
	options   DecodeOptions
}

// Outcome says how the store answered one Get.
type Outcome string

// The outcomes of Get. Each call has exactly one.
const (
	// OutcomeHit: fresh data from the cache, no upstream request.
	OutcomeHit Outcome = "hit"
	// OutcomeMiss: the caller started an upstream request that succeeded.
	OutcomeMiss Outcome = "miss"
	// OutcomeShared: the caller joined another caller's request that succeeded.
	OutcomeShared Outcome = "shared"
	// OutcomeStale: the data could not be refreshed; the last good data is served.
	OutcomeStale Outcome = "stale"
	// OutcomeError: the data could not be refreshed and none is left to serve.
	OutcomeError Outcome = "error"
)

// Outcomes lists every Outcome, for initialising counters.
var Outcomes = []Outcome{OutcomeHit, OutcomeMiss, OutcomeShared, OutcomeStale, OutcomeError}

// Result is what a scrape gets for one page. P is what the store's Prepare
// made of the page's document.
type Result[P any] struct {
	// Data is the prepared document to expose; the zero P when there is
	// none younger than MaxStale. Never modify it: it is shared by every
	// scrape.
	Data P
	// HasData says whether Data holds a prepared document, fresh or stale.
	HasData bool
	// Fresh is true when Data comes from a fetch that succeeded within
	// CacheTTL. A false Fresh with HasData is stale data.
	Fresh bool
	// LastSuccess is when the last good data was fetched; zero before the
	// first success.
	LastSuccess time.Time
	// Duration is that of the request behind Data, or of the last failed try.
	Duration time.Duration
	// Err says why the data is not fresh; nil when Fresh.
	Err     error
	Outcome Outcome
}

// Limit names a bound on what one page's document may cost.
type Limit string

// The limits a document can exceed, named after the setting that sets them.
const (
	// LimitSeries: Prepare made more series of the document than the
	// target's SeriesLimit (series_limit in the configuration).
	LimitSeries Limit = "series_limit"
	// LimitBodySize: the body was larger than Fetcher.MaxBodySize
	// (--statuspage.max-body-size).
	LimitBodySize Limit = "max_body_size"
)

// Limits lists every Limit, for initialising counters.
var Limits = []Limit{LimitSeries, LimitBodySize}

// ErrTooManySeries is wrapped by the error of a Prepare that refuses a
// document for making more series than its target's SeriesLimit.
var ErrTooManySeries = errors.New("too many series")

// refusedBy returns the limit that err says a document exceeded.
func refusedBy(err error) (Limit, bool) {
	switch {
	case errors.Is(err, ErrTooManySeries):
		return LimitSeries, true
	case errors.Is(err, ErrBodyTooLarge):
		return LimitBodySize, true
	}
	return "", false
}

// Observer receives the store's events, for self-monitoring.
type Observer interface {
	// UpstreamRequest is called after each upstream request (a page's
	// fetch makes one per document of its provider); code is 0 when
	// no HTTP response arrived.
	UpstreamRequest(page string, code int, d time.Duration)
	// CacheResult is called once per Get.
	CacheResult(page string, o Outcome)
	// DocumentRefused is called when a fetch fails because the page's
	// document exceeds limit.
	DocumentRefused(page string, limit Limit)
}

// StoreOptions configure a Store whose payload is P.
type StoreOptions[P any] struct {
	Fetcher Fetcher
	// MaxConcurrency bounds upstream requests in flight across all
	// configured pages; zero means unbounded.
	MaxConcurrency int
	// AdhocMaxConcurrency bounds those of ad-hoc targets (see
	// TargetSet.AdhocTarget), which have request slots of their own so
	// that they can never hold the configured pages' slots; zero means
	// unbounded.
	AdhocMaxConcurrency int
	Logger              *slog.Logger
	Observer            Observer
	// Now replaces time.Now in tests.
	Now func() time.Time
	// FailureLogInterval is how often a page that keeps failing is
	// logged again; DefaultFailureLogInterval when zero.
	FailureLogInterval time.Duration
	// Prepare is called once for each new document a fetch brings, outside
	// any lock, so that the work every scrape would repeat (the translation
	// into metrics) is done once per fetch. The store keeps only what it
	// returns, not the decoded document. An error fails the fetch.
	Prepare func(t *Target, s *Summary) (P, error)
}

// Store is the per-page cache in front of the upstream pages, holding what
// Prepare made of each page's last good document. It is safe for concurrent
// use; no lock is held across a request.
type Store[P any] struct {
	fetcher Fetcher
	sem     chan struct{} // request slots of configured pages
	// work bounds the documents decoded and prepared at once to the
	// processors Go may use: the work is CPU-bound, and a burst of answers
	// (the first scrape after a start fetches every page) handled all at
	// once would only hold more memory for the same time.
	work     chan struct{}
	adhocSem chan struct{} // request slots of ad-hoc targets
	logger   *slog.Logger
	observer Observer
	now      func() time.Time
	logEvery time.Duration
	prepare  func(*Target, *Summary) (P, error)
	group    singleflight.Group

	mu      sync.Mutex
	entries map[string]*entry[P]
}

// entry is the state of one page. Its fields are guarded by mu.
type entry[P any] struct {
	mu sync.Mutex
	// The state below belongs to this URL under these settings (see
	// Target.owns).
	url, settings string

	has     bool // data holds a prepared document
	data    P
	goodAt  time.Time
	goodDur time.Duration
	// validators of data's documents, for conditional requests
	validators []Validators

	last      Request // the last upstream request
	err       error   // of the last attempt; nil when it succeeded
	errDur    time.Duration
	notBefore time.Time // no request before this after a failure

	// The current run of failures, for the log (see logFailure).
	failingSince time.Time // zero while the page does not fail
	failures     int       // in this run
	unlogged     int       // failures since the last line
	loggedAt     time.Time
}

// NewStore returns an empty store. o.Prepare is required.
func NewStore[P any](o StoreOptions[P]) *Store[P] {
	s := &Store[P]{
		fetcher:  o.Fetcher,
		logger:   o.Logger,
		observer: o.Observer,
		now:      o.Now,
		logEvery: o.FailureLogInterval,
		prepare:  o.Prepare,
		entries:  map[string]*entry[P]{},
	}
	if o.MaxConcurrency > 0 {
		s.sem = make(chan struct{}, o.MaxConcurrency)
	}
	s.work = make(chan struct{}, runtime.GOMAXPROCS(0))
	s.fetcher.work = s.work
	if o.AdhocMaxConcurrency > 0 {
		s.adhocSem = make(chan struct{}, o.AdhocMaxConcurrency)
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logEvery <= 0 {
		s.logEvery = DefaultFailureLogInterval
	}
	return s
}

// Retain drops the state of every page whose name is not in names, so that
// pages removed by a reload do not keep memory.
func (s *Store[P]) Retain(names map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name := range s.entries {
		if !names[name] {
			delete(s.entries, name)
		}
	}
}

func (s *Store[P]) entry(t *Target) *entry[P] {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[t.Name]
	if !ok {
		e = &entry[P]{url: t.SummaryURL, settings: t.settings}
		s.entries[t.Name] = e
	}
	return e
}

// owns reports whether e's state was made for t: for its document, fetched
// and prepared with its settings. A reload that changes either gives the
// page a fresh state, so no failure or Retry-After of the old settings
// outlives them. Callers hold e.mu.
func (e *entry[P]) owns(t *Target) bool {
	return e.url == t.SummaryURL && e.settings == t.settings
}

// Get returns the data for t, fetching it when the cache cannot answer. It
// waits for a fetch at most until ctx is done; the fetch itself goes on,
// bounded by t.Timeout, and fills the cache for later callers.
func (s *Store[P]) Get(ctx context.Context, t *Target) Result[P] {
	e := s.entry(t)
	if r, ok := e.cached(t, s.now()); ok {
		s.observe(t.Name, r.Outcome)
		return r
	}
	started := false
	// A fetch under other settings (before a reload) is not this one.
	ch := s.group.DoChan(t.Name+"\x00"+t.SummaryURL+"\x00"+t.settings, func() (any, error) {
		// A fetch that completed between our cache check and this call has
		// already answered; asking again would cost the page a request.
		if _, ok := e.cached(t, s.now()); ok {
			return false, nil
		}
		started = true
		return s.refresh(ctx, t, e), nil
	})
	var r Result[P]
	select {
	case res := <-ch:
		// Data from the fetch we waited for is fresh even when the TTL is
		// shorter than the request took (or zero).
		fetched, _ := res.Val.(bool)
		r = e.result(t, s.now(), fetched)
		switch {
		case r.Fresh && started:
			r.Outcome = OutcomeMiss
		case r.Fresh:
			r.Outcome = OutcomeShared
		}
	case <-ctx.Done():
		r = e.result(t, s.now(), false)
		if r.Fresh {
			// A fetch that finished just now made the data fresh.
			r.Outcome = OutcomeShared
		} else {
			r.Err = fmt.Errorf("scrape deadline reached before the page answered: %w", context.Cause(ctx))
		}
	}
	s.observe(t.Name, r.Outcome)
	return r
}

func (s *Store[P]) observe(page string, o Outcome) {
	if s.observer != nil {
		s.observer.CacheResult(page, o)
	}
}

// refresh performs one upstream request for t and records its result in e,
// reporting whether it got good data. It runs detached from the caller:
// giving up on waiting does not cancel it.
func (s *Store[P]) refresh(ctx context.Context, t *Target, e *entry[P]) bool {
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = time.Duration(config.DefaultDefaults.Timeout)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var (
		sum  *Summary
		resp Response
		err  error
	)
	sem := s.sem
	if t.adhoc {
		sem = s.adhocSem
	}
	if err = acquire(ctx, sem); err == nil {
		v := e.validatorsFor(t)
		started := s.now()
		sum, resp, err = s.fetcher.FetchIfChanged(ctx, t, v)
		release(sem)
		if s.observer != nil {
			for _, x := range resp.Exchanges {
				s.observer.UpstreamRequest(t.Name, x.StatusCode, x.Duration)
			}
			if len(resp.Exchanges) == 0 {
				// No request could be made (a credentials file gone bad).
				s.observer.UpstreamRequest(t.Name, 0, resp.Duration)
			}
		}
		e.recordRequest(Request{At: started, StatusCode: resp.StatusCode, Duration: resp.Duration,
			Conditional: conditional(v), NotModified: resp.NotModified})
	} else {
		err = fmt.Errorf("waiting for a free request slot: %w", err)
	}
	var data P
	if err == nil && sum != nil {
		if err = acquire(ctx, s.work); err == nil {
			data, err = s.prepare(t, sum)
			release(s.work)
			if err != nil {
				err = fmt.Errorf("prepare document: %w", err)
			}
		} else {
			err = fmt.Errorf("waiting to prepare the document: %w", err)
		}
		sum = nil // only what Prepare made of it is kept
	}
	now := s.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.owns(t) {
		return false // the page was reconfigured meanwhile; this data is not its
	}
	switch {
	case err == nil && resp.NotModified && !e.has:
		// Only possible if the entry was reset during the request.
		err = errors.New("page answered 304 Not Modified but no document is cached")
	case err == nil:
		if !resp.NotModified {
			e.has, e.data = true, data
		}
		e.goodAt, e.goodDur, e.validators = now, resp.Duration, resp.Validators
		e.err, e.notBefore = nil, time.Time{}
		s.logRecovery(t, e, now)
		return true
	}
	if limit, ok := refusedBy(err); ok && s.observer != nil {
		s.observer.DocumentRefused(t.Name, limit)
	}
	wait := t.CacheTTL
	var herr *HTTPError
	if errors.As(err, &herr) && herr.RetryAfter > wait {
		wait = herr.RetryAfter
	}
	e.err, e.errDur, e.notBefore = err, resp.Duration, now.Add(wait)
	s.logFailure(t, e, now, wait)
	return false
}

// DefaultFailureLogInterval is how often a page that keeps failing is
// logged again: five offline pages with a cache_ttl of 30s made 14,400
// lines a day when every failed fetch was logged.
const DefaultFailureLogInterval = 5 * time.Minute

// logFailure logs a failed fetch of t, recorded in e (whose lock the caller
// holds): a warning when the page starts failing, then at most one every
// logEvery while it goes on, with the failures since the last one. Every
// failure is logged at debug level.
func (s *Store[P]) logFailure(t *Target, e *entry[P], now time.Time, wait time.Duration) {
	retry := wait.Round(time.Millisecond)
	e.failures++
	e.unlogged++
	switch {
	case e.failingSince.IsZero():
		e.failingSince = now
		s.logger.Warn("Fetching page failed", "page", t.Name, "url", t.SummaryURL, "err", e.err, "retry_in", retry)
	case now.Sub(e.loggedAt) >= s.logEvery:
		s.logger.Warn("Page still failing", "page", t.Name, "url", t.SummaryURL, "err", e.err, "retry_in", retry,
			"failures", e.unlogged, "failing_for", now.Sub(e.failingSince).Round(time.Second))
	default:
		s.logger.Debug("Fetching page failed", "page", t.Name, "url", t.SummaryURL, "err", e.err, "retry_in", retry)
		return
	}
	e.loggedAt, e.unlogged = now, 0
}

// logRecovery logs, once, that t succeeds again after failing.
func (s *Store[P]) logRecovery(t *Target, e *entry[P], now time.Time) {
	if e.failingSince.IsZero() {
		return
	}
	s.logger.Info("Page recovered", "page", t.Name, "url", t.SummaryURL,
		"failures", e.failures, "failing_for", now.Sub(e.failingSince).Round(time.Second))
	e.failingSince, e.failures, e.unlogged, e.loggedAt = time.Time{}, 0, 0, time.Time{}
}

// validatorsFor returns what identifies the cached document, so that an
// unchanged page can answer 304 instead of sending it again.
func (e *entry[P]) validatorsFor(t *Target) []Validators {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.has || !e.owns(t) {
		return nil
	}
	return e.validators
}

// acquire takes a slot of sem (request slots, or work slots for decoding
// and preparing), waiting at most until ctx is done; a nil sem has slots
// for all.
func acquire(ctx context.Context, sem chan struct{}) error {
	if sem == nil {
		return nil
	}
	select {
	case sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func release(sem chan struct{}) {
	if sem != nil {
		<-sem
	}
}

// cached answers from e without a request when the state allows it: fresh
// data, or a failure whose back-off has not passed.
func (e *entry[P]) cached(t *Target, now time.Time) (Result[P], bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.owns(t) {
		// Reconfigured to another document or other settings: what we
		// hold is not its data. Reset field by field: assigning a whole
		// entry would also replace the mutex held here.
		e.url, e.settings = t.SummaryURL, t.settings
		var zero P
		e.has, e.data, e.goodAt, e.goodDur, e.validators = false, zero, time.Time{}, 0, nil
		e.err, e.errDur, e.notBefore, e.last = nil, 0, time.Time{}, Request{}
		e.failingSince, e.failures, e.unlogged, e.loggedAt = time.Time{}, 0, 0, time.Time{}
	}
	switch {
	case e.err == nil && e.has && now.Sub(e.goodAt) < t.CacheTTL:
	case e.err != nil && now.Before(e.notBefore):
	default:
		return Result[P]{}, false
	}
	return e.resultLocked(t, now, false), true
}

func (e *entry[P]) result(t *Target, now time.Time, fetched bool) Result[P] {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.resultLocked(t, now, fetched)
}

// resultLocked describes the state of e. fetched says the caller waited for
// the fetch that produced the current state, so good data counts as fresh
// whatever its age against the TTL.
func (e *entry[P]) resultLocked(t *Target, now time.Time, fetched bool) Result[P] {
	r := Result[P]{LastSuccess: e.goodAt}
	age := now.Sub(e.goodAt)
	switch {
	case e.has && e.err == nil && (fetched || age < t.CacheTTL):
		r.Data, r.HasData, r.Fresh, r.Duration, r.Outcome = e.data, true, true, e.goodDur, OutcomeHit
		return r
	case e.has && age < t.MaxStale:
		r.Data, r.HasData, r.Outcome = e.data, true, OutcomeStale
	default:
		r.Outcome = OutcomeError
	}
	r.Err, r.Duration = e.err, e.errDur
	if e.err == nil {
		// The last fetch succeeded but its data has aged past the TTL and no
		// new fetch has completed in time.
		r.Err, r.Duration = errors.New("cached data expired and the refresh has not completed"), e.goodDur
	}
	return r
}
