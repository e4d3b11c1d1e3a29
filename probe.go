package main

import (
	"container/list"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// maxAdhocTargets bounds how many ad-hoc /probe targets keep cache state.
const maxAdhocTargets = 100

// defaultAdhocMax is the default of --statuspage.adhoc-max-concurrency: the
// upstream requests of ad-hoc targets in flight at once. Whoever may call
// /probe chooses those URLs, so they get a small budget of their own, and
// what a hanging or hostile allowed host can hold (connections, response
// headers up to Go's 10 MiB each) is bounded by it.
const defaultAdhocMax = 16

// adhocPageLabel stands for every ad-hoc target in the exporter's own
// metrics, whose series would otherwise grow with each distinct URL probed.
// Page names cannot hold parentheses, so it never names a configured page.
const adhocPageLabel = "(ad-hoc)"

// serveProbe serves one page: a configured page named by the target
// parameter, or an ad-hoc URL whose host probe.allowed_hosts lists. Anything
// else is a 400 and nothing is fetched.
func (e *exporter) serveProbe(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("target")
	if target == "" {
		http.Error(w, "missing target parameter: give a configured page name", http.StatusBadRequest)
		return
	}
	active := e.holder.Active()
	if t := active.Target(target); t != nil {
		e.probe(w, r, t)
		return
	}
	if !strings.Contains(target, "://") {
		http.Error(w, fmt.Sprintf("unknown target %q: not a configured page name", target), http.StatusBadRequest)
		return
	}
	t, err := active.AdhocTarget(target)
	if err != nil {
		// Neither the log nor the answer repeats the URL: it may carry
		// credentials. The reason names the host when that is the problem.
		e.logger.Debug("Refused an ad-hoc probe target", "err", err)
		http.Error(w, "target refused: "+err.Error(), http.StatusBadRequest)
		return
	}
	e.adhoc.use(t.Name, active)
	e.probe(w, r, t)
}

// probe serves one page's metrics, or with debug=true a plain-text account
// of the lookup.
func (e *exporter) probe(w http.ResponseWriter, r *http.Request, t *statuspage.Target) {
	if r.URL.Query().Get("debug") != "true" {
		e.serveTargets(w, r, []*statuspage.Target{t}, false)
		return
	}
	ctx, cancel := scrapeContext(r, e.offset)
	defer cancel()
	res := e.store.Get(ctx, t)
	now := time.Now()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	writeDebug(w, t, res, e.store.State(t, now), now)
}

// outcomeText says what each cache outcome means for the lookup.
var outcomeText = map[statuspage.Outcome]string{
	statuspage.OutcomeHit:    "answered from the cache, no request",
	statuspage.OutcomeMiss:   "this lookup made the request",
	statuspage.OutcomeShared: "joined a request another scrape had started",
	statuspage.OutcomeStale:  "the data could not be refreshed; the last good data is served",
	statuspage.OutcomeError:  "the data could not be refreshed, and none is left to serve",
}

// writeDebug writes, like blackbox_exporter's debug output, what a lookup of
// t found: the cache's answer, the last request and its error. URLs carry
// no credentials (the configuration refuses them), and nothing here comes
// from the page's http_client_config.
func writeDebug(w io.Writer, t *statuspage.Target, res statuspage.Result[*collector.Prepared], st statuspage.PageState, now time.Time) {
	ago := func(at time.Time) string {
		return fmt.Sprintf("%s (%s ago)", at.UTC().Format(time.RFC3339), now.Sub(at).Round(time.Millisecond))
	}
	fmt.Fprintf(w, "Page:          %s\n", t.Name)
	fmt.Fprintf(w, "Provider:      %s\n", t.Provider())
	for i, doc := range t.Documents() {
		label := "Document:"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(w, "%-15s%s\n", label, doc)
	}
	fmt.Fprintf(w, "Settings:      timeout %s, cache_ttl %s, max_stale %s, series_limit %d\n", t.Timeout, t.CacheTTL, t.MaxStale, t.SeriesLimit)
	fmt.Fprintf(w, "Cache:         %s: %s\n", res.Outcome, outcomeText[res.Outcome])
	up, series := 0, 0
	if res.Fresh {
		up = 1
	}
	if res.HasData && res.Data != nil {
		series = res.Data.Len()
	}
	fmt.Fprintf(w, "Result:        statuspage_up %d, %d data series\n", up, series)
	if st.LastSuccess.IsZero() {
		fmt.Fprintf(w, "Last success:  never\n")
	} else {
		fmt.Fprintf(w, "Last success:  %s, the request took %s\n", ago(st.LastSuccess), st.LastDuration.Round(time.Millisecond))
	}
	if q := st.LastRequest; q.At.IsZero() {
		fmt.Fprintf(w, "Last request:  none\n")
	} else {
		status := "no response"
		if q.StatusCode != 0 {
			status = fmt.Sprintf("HTTP %d %s", q.StatusCode, http.StatusText(q.StatusCode))
		}
		conditional := "no"
		if q.Conditional {
			conditional = "yes (If-None-Match / If-Modified-Since)"
			if q.NotModified {
				conditional += ", not modified"
			}
		}
		fmt.Fprintf(w, "Last request:  %s, took %s, %s, conditional: %s\n", ago(q.At), q.Duration.Round(time.Millisecond), status, conditional)
	}
	if err := res.Err; err != nil {
		fmt.Fprintf(w, "Error:         %v\n", err)
	} else {
		fmt.Fprintf(w, "Error:         none\n")
	}
	if st.Tried && now.Before(st.NextFetch) {
		fmt.Fprintf(w, "Next fetch:    in %s\n", st.NextFetch.Sub(now).Round(time.Second))
	} else {
		fmt.Fprintf(w, "Next fetch:    on the next scrape\n")
	}
}

// adhocTargets remembers the ad-hoc targets used most recently, at most
// max, and drops the cache state of the others from the store, so that
// many distinct URLs cannot grow the cache without bound.
type adhocTargets struct {
	max   int
	store *pageStore

	mu     sync.Mutex
	order  *list.List // of names, most recent first
	byName map[string]*list.Element
}

func newAdhocTargets(store *pageStore, maxTargets int) *adhocTargets {
	return &adhocTargets{max: maxTargets, store: store, order: list.New(), byName: map[string]*list.Element{}}
}

// use records that name is served now under the configuration active.
func (a *adhocTargets) use(name string, active *statuspage.TargetSet) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if el, ok := a.byName[name]; ok {
		a.order.MoveToFront(el)
		return
	}
	a.byName[name] = a.order.PushFront(name)
	if a.order.Len() <= a.max {
		return
	}
	oldest := a.order.Back()
	a.order.Remove(oldest)
	delete(a.byName, oldest.Value.(string))
	keep := active.Names()
	for n := range a.byName {
		keep[n] = true
	}
	a.store.Retain(keep)
}

// adhocObserver counts the requests of every ad-hoc target under one page
// label.
type adhocObserver struct {
	statuspage.Observer
}

func (o adhocObserver) UpstreamRequest(page string, code int, d time.Duration) {
	o.Observer.UpstreamRequest(pageLabel(page), code, d)
}

func (o adhocObserver) DocumentRefused(page string, limit statuspage.Limit) {
	o.Observer.DocumentRefused(pageLabel(page), limit)
}

// pageLabel is the page label of a target in the exporter's own metrics.
func pageLabel(name string) string {
	if statuspage.IsAdhocName(name) {
		return adhocPageLabel
	}
	return name
}
