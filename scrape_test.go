package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// scrapeEnv is the exporter's HTTP handler configured for the pages of a
// fake upstream, as run() builds it.
type scrapeEnv struct {
	up *statuspagetest.Server
	e  *exporter
	h  http.Handler
}

// newScrapeEnv configures an exporter for every page of up, with cache_ttl
// ttl (the default when zero) and the given flags.
func newScrapeEnv(tb testing.TB, up *statuspagetest.Server, ttl time.Duration, flags ...string) *scrapeEnv {
	tb.Helper()
	var cfg strings.Builder
	// A generous page timeout: on a loaded machine under the race detector
	// a hundred fetches can take seconds, and a test that asserts up=1 must
	// not fail for that.
	cfg.WriteString("defaults:\n  timeout: 60s\n")
	if ttl > 0 {
		fmt.Fprintf(&cfg, "  cache_ttl: %s\n", ttl)
	}
	cfg.WriteString("pages:\n")
	for i := range up.Len() {
		fmt.Fprintf(&cfg, "  - name: p%d\n    url: %s\n", i, up.URL(i))
	}
	e, h := newTestExporter(tb, cfg.String(), flags...)
	return &scrapeEnv{up: up, e: e, h: h}
}

// newTestExporter runs an exporter's handler, as run() builds it, with the
// configuration cfg and the given flags.
func newTestExporter(tb testing.TB, cfg string, flags ...string) (*exporter, http.Handler) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "config.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	f, err := parseFlags(append([]string{"--config.file=" + path}, flags...), io.Discard, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	e := newExporter(f, slog.New(slog.DiscardHandler))
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
	return e, h
}

func scrapeOnce(tb testing.TB, h http.Handler) string {
	tb.Helper()
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/metrics", nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "60")
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
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: pages, Shape: statuspagetest.Shape{Components: 11, Incidents: 1}, Latency: 50 * time.Millisecond})
	h := newScrapeEnv(t, up, 0).h
	var wg sync.WaitGroup
	bodies := make([]string, scrapers)
	for i := range scrapers {
		wg.Go(func() { bodies[i] = scrapeOnce(t, h) })
	}
	wg.Wait()
	if got := upRequests(up); got != pages {
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
	if got := upRequests(up); got != pages {
		t.Errorf("a warm scrape made upstream requests: %d in total, want %d", got, pages)
	}
}

func upRequests(up *statuspagetest.Server) int64 {
	r, _, _ := up.Totals()
	return r
}

// TestConcurrentScrapesInEveryFormat: scrapes share the cached series, so
// concurrent encodings of them (text, OpenMetrics-capable clients served
// text, and protobuf, which writes size caches inside the messages) must not
// race, and every format must carry the same samples.
func TestConcurrentScrapesInEveryFormat(t *testing.T) {
	t.Parallel()
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: 5, Shape: statuspagetest.Shape{Components: 7, Incidents: 1, Maintenances: 1}})
	h := newScrapeEnv(t, up, time.Hour).h
	want := countPageSamples(t, scrapeAs(t, h, ""), "")
	if want == 0 {
		t.Fatal("no page samples in the text scrape")
	}
	accepts := []string{
		"",
		`application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5`,
		`application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited`,
	}
	var wg sync.WaitGroup
	for i := range 12 {
		accept := accepts[i%len(accepts)]
		wg.Go(func() {
			res := scrapeAs(t, h, accept)
			if got := countPageSamples(t, res, accept); got != want {
				t.Errorf("Accept %q: %d page samples, want %d", accept, got, want)
			}
		})
	}
	wg.Wait()
}

func scrapeAs(t *testing.T, h http.Handler, accept string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/metrics", nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("Accept %q: status %d", accept, rec.Code)
	}
	return rec
}

// countPageSamples decodes a scrape in the format it was served in and
// counts the samples of statuspage_* families.
func countPageSamples(t *testing.T, rec *httptest.ResponseRecorder, accept string) int {
	format := expfmt.ResponseFormat(rec.Header())
	if accept != "" && strings.Contains(accept, "protobuf") && format.FormatType() != expfmt.TypeProtoDelim {
		t.Errorf("asked for protobuf, got %s", format)
	}
	dec := expfmt.NewDecoder(rec.Body, format)
	n := 0
	for range 1000 {
		var mf dto.MetricFamily
		if err := dec.Decode(&mf); err != nil {
			if err != io.EOF {
				t.Errorf("decode %s: %v", format, err)
			}
			break
		}
		if strings.HasPrefix(mf.GetName(), "statuspage_") && !strings.HasPrefix(mf.GetName(), "statuspage_exporter_") {
			n += len(mf.GetMetric())
		}
	}
	return n
}

// TestMetricsEqualsRegistry: what /metrics serves of the pages, in each
// format it negotiates, is exactly what the same Collector exposes when
// registered in a pedantic registry.
func TestMetricsEqualsRegistry(t *testing.T) {
	t.Parallel()
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: 4, Shape: statuspagetest.Shape{Components: 9, GroupEvery: 4, Incidents: 2, Maintenances: 1}})
	env := newScrapeEnv(t, up, time.Hour)
	scrapeOnce(t, env.h) // fills the cache; the TTL keeps it for both sides
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(collector.New(t.Context(), env.e.store, env.e.holder.Active().Targets, nil))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := pageLines(t, mfs)
	if len(want) < 100 {
		t.Fatalf("only %d page series from the registry", len(want))
	}
	for _, accept := range []string{"", `application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited`} {
		rec := scrapeAs(t, env.h, accept)
		dec := expfmt.NewDecoder(rec.Body, expfmt.ResponseFormat(rec.Header()))
		var got []*dto.MetricFamily
		for range 1000 {
			mf := &dto.MetricFamily{}
			if err := dec.Decode(mf); err != nil {
				if err != io.EOF {
					t.Fatalf("Accept %q: decode: %v", accept, err)
				}
				break
			}
			got = append(got, mf)
		}
		if g := pageLines(t, got); !slices.Equal(g, want) {
			t.Errorf("Accept %q: /metrics serves %d page series, the registry %d:\n%s\nwant\n%s", accept, len(g), len(want), strings.Join(g, "\n"), strings.Join(want, "\n"))
		}
	}
}

// pageLines renders the page families (statuspage_*, not the exporter's
// own) as sorted text lines.
func pageLines(t *testing.T, mfs []*dto.MetricFamily) []string {
	t.Helper()
	var buf strings.Builder
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "statuspage_") || strings.HasPrefix(mf.GetName(), "statuspage_exporter_") {
			continue
		}
		if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	slices.Sort(lines)
	return lines
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]bool{
		"":                    false,
		"gzip":                true,
		"GZIP":                true,
		"deflate, gzip":       true,
		"gzip;q=0.5, br":      true,
		" gzip ; q=1 ":        true,
		"gzip;q=0":            false,
		"gzip;q=0.000":        false,
		"gzip;q=nonsense":     false,
		"br, identity":        false,
		"x-gzip":              false,
		"*":                   false,
		"identity;q=0, gzip":  true,
		"gzipped, deflate":    false,
		"deflate;q=0.1, gzip": true,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %t, want %t", header, got, want)
		}
	}
}

// TestMetricsGzip: a scrape that accepts gzip gets the same exposition,
// compressed and labelled so.
func TestMetricsGzip(t *testing.T) {
	t.Parallel()
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: 3, Shape: statuspagetest.Shape{Components: 5, Incidents: 1}})
	env := newScrapeEnv(t, up, time.Hour)
	plain := scrapeOnce(t, env.h)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	page := func(s string) []string {
		var out []string
		for line := range strings.SplitSeq(s, "\n") {
			if strings.HasPrefix(line, "statuspage_") && !strings.HasPrefix(line, "statuspage_exporter_") {
				out = append(out, line)
			}
		}
		return out
	}
	if got, want := page(string(body)), page(plain); len(want) < 50 || !slices.Equal(got, want) {
		t.Errorf("gzipped scrape: %d page lines, plain: %d; they differ", len(got), len(want))
	}
}
