package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// fakePages serves n generated summary documents of k components each at
// /p<i>/api/v2/summary.json, answering after latency, and counts requests.
type fakePages struct {
	srv      *httptest.Server
	requests atomic.Int64
	docs     [][]byte
}

func newFakePages(tb testing.TB, n, k int, latency time.Duration) *fakePages {
	tb.Helper()
	f := &fakePages{docs: make([][]byte, n)}
	for i := range n {
		f.docs[i] = fakeSummary(i, k)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/p%d/api/v2/summary.json", &i); err != nil || i < 0 || i >= n {
			http.NotFound(w, r)
			return
		}
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(f.docs[i])
	}))
	tb.Cleanup(f.srv.Close)
	return f
}

// fakeSummary is a page with k components, one of them in partial outage,
// and one incident, shaped like a real Statuspage document.
func fakeSummary(i, k int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"page":{"id":"page%04d","name":"Vendor %d","url":"https://status.vendor%d.example","time_zone":"Etc/UTC","updated_at":"2026-11-20T10:00:00.000Z"},`, i, i, i)
	b.WriteString(`"status":{"indicator":"minor","description":"Minor Service Outage"},"components":[`)
	for c := range k {
		if c > 0 {
			b.WriteByte(',')
		}
		status := "operational"
		if c == 1 {
			status = "partial_outage"
		}
		fmt.Fprintf(&b, `{"id":"cmp%04d%04d","name":"Component %d","status":%q,"updated_at":"2026-11-20T09:00:00.000Z","group_id":null,"group":false}`, i, c, c, status)
	}
	fmt.Fprintf(&b, `],"incidents":[{"id":"inc%04d","name":"Degraded component","status":"investigating","impact":"minor","shortlink":"https://stspg.example/%d","started_at":"2026-11-20T09:00:00.000Z","updated_at":"2026-11-20T10:00:00.000Z","components":[{"id":"cmp%04d0001","name":"Component 1"}]}],"scheduled_maintenances":[]}`, i, i, i)
	return []byte(b.String())
}

// newScrapeExporter returns the exporter's HTTP handler configured for the
// n pages of f, as run() would build it.
func newScrapeExporter(tb testing.TB, f *fakePages, n int) http.Handler {
	tb.Helper()
	var cfg strings.Builder
	cfg.WriteString("pages:\n")
	for i := range n {
		fmt.Fprintf(&cfg, "  - name: p%d\n    url: %s/p%d\n", i, f.srv.URL, i)
	}
	path := filepath.Join(tb.TempDir(), "config.yml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	static := prometheus.NewRegistry()
	metrics := collector.NewExporterMetrics(static)
	e := &exporter{
		holder:  config.NewHolder(path),
		store:   statuspage.NewStore(statuspage.StoreOptions{MaxConcurrency: 128, Logger: logger, Observer: metrics}),
		metrics: metrics,
		logger:  logger,
		static:  static,
		offset:  500 * time.Millisecond,
	}
	if err := e.reload(); err != nil {
		tb.Fatal(err)
	}
	h, err := e.routes("/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		for _, t := range e.holder.Active().Targets {
			t.Client.CloseIdleConnections()
		}
	})
	return h
}

func scrapeOnce(tb testing.TB, h http.Handler) string {
	tb.Helper()
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/metrics", nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("scrape: status %d: %s", rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// TestConcurrentScrapesShareRequests: an HA pair (or twenty scrapers) on a
// cold cache costs one upstream request per page, not one per scraper.
func TestConcurrentScrapesShareRequests(t *testing.T) {
	t.Parallel()
	const pages, scrapers = 100, 20
	f := newFakePages(t, pages, 11, 50*time.Millisecond)
	h := newScrapeExporter(t, f, pages)
	var wg sync.WaitGroup
	bodies := make([]string, scrapers)
	for i := range scrapers {
		wg.Go(func() { bodies[i] = scrapeOnce(t, h) })
	}
	wg.Wait()
	if got := f.requests.Load(); got != pages {
		t.Errorf("upstream requests after %d concurrent scrapes of %d pages: got %d, want %d", scrapers, pages, got, pages)
	}
	for i, body := range bodies {
		if up := strings.Count(body, "} 1\n"); !strings.Contains(body, `statuspage_up{page="p99"} 1`) || up == 0 {
			t.Errorf("scrape %d: page p99 not up", i)
		}
		if strings.Contains(body, "statuspage_up{") && strings.Count(body, "statuspage_up{") != pages {
			t.Errorf("scrape %d: %d statuspage_up series, want %d", i, strings.Count(body, "statuspage_up{"), pages)
		}
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, "statuspage_up{") && !strings.HasSuffix(line, " 1") {
				t.Errorf("scrape %d: %s", i, line)
			}
		}
	}
	scrapeOnce(t, h)
	if got := f.requests.Load(); got != pages {
		t.Errorf("a warm scrape made upstream requests: %d in total, want %d", got, pages)
	}
}

// BenchmarkScrapeCold measures a scrape of 100 pages (11 components, 50 ms
// upstream latency) on an empty cache: the wall time is one round of
// concurrent fetches.
func BenchmarkScrapeCold(b *testing.B) {
	const pages = 100
	f := newFakePages(b, pages, 11, 50*time.Millisecond)
	for b.Loop() {
		b.StopTimer()
		h := newScrapeExporter(b, f, pages)
		b.StartTimer()
		scrapeOnce(b, h)
	}
}

// BenchmarkScrapeWarm measures a scrape of the same 100 pages served from
// the cache.
func BenchmarkScrapeWarm(b *testing.B) {
	const pages = 100
	f := newFakePages(b, pages, 11, 50*time.Millisecond)
	h := newScrapeExporter(b, f, pages)
	scrapeOnce(b, h)
	before := f.requests.Load()
	for b.Loop() {
		scrapeOnce(b, h)
	}
	if f.requests.Load() != before {
		b.Fatalf("warm scrapes made %d upstream requests", f.requests.Load()-before)
	}
}
