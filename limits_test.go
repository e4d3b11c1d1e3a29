package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// TestSeriesLimitScrape: a page whose document makes more series than its
// series_limit is a failed fetch (statuspage_up 0, none of its data series)
// counted in the exporter's own metrics; a page exactly at its limit is
// served whole, and the other pages are untouched.
func TestSeriesLimitScrape(t *testing.T) {
	t.Parallel()
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: 3, Shape: statuspagetest.Shape{Components: 20, Incidents: 1}})
	// Learn how many data series a page makes.
	_, h := newTestExporter(t, fmt.Sprintf("pages:\n  - name: probe\n    url: %s\n", up.URL(0)))
	n := len(dataLines(scrapeOnce(t, h), "probe"))
	if n < 100 {
		t.Fatalf("a page makes only %d data series", n)
	}

	_, h = newTestExporter(t, fmt.Sprintf("pages:\n"+
		"  - name: over\n    url: %s\n    series_limit: %d\n"+
		"  - name: at\n    url: %s\n    series_limit: %d\n"+
		"  - name: default\n    url: %s\n", up.URL(0), n-1, up.URL(1), n, up.URL(2)))
	body := scrapeOnce(t, h)
	for _, want := range []string{
		`statuspage_up{page="over"} 0`,
		`statuspage_up{page="at"} 1`,
		`statuspage_up{page="default"} 1`,
		`statuspage_exporter_documents_refused_total{page="over",reason="series_limit"} 1`,
		`statuspage_exporter_documents_refused_total{page="at",reason="series_limit"} 0`,
		`statuspage_exporter_documents_refused_total{page="default",reason="max_body_size"} 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("no line %s", want)
		}
	}
	if got := dataLines(body, "over"); len(got) != 0 {
		t.Errorf("the page over its limit has %d data series:\n%s", len(got), strings.Join(got, "\n"))
	}
	if got := len(dataLines(body, "at")); got != n {
		t.Errorf("the page at its limit has %d data series, want %d", got, n)
	}
}

// dataLines returns the data series of page in a text exposition: its
// statuspage_* samples other than the health series.
func dataLines(body, page string) []string {
	var out []string
	for line := range strings.SplitSeq(body, "\n") {
		if !strings.HasPrefix(line, "statuspage_") || strings.HasPrefix(line, "statuspage_exporter_") || !strings.Contains(line, `page="`+page+`"`) {
			continue
		}
		switch {
		case strings.HasPrefix(line, "statuspage_up{"),
			strings.HasPrefix(line, "statuspage_last_success_timestamp_seconds{"),
			strings.HasPrefix(line, "statuspage_fetch_duration_seconds{"):
			continue
		}
		out = append(out, line)
	}
	return out
}

// hangingHost accepts connections and never answers until the test ends.
func hangingHost(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// TestAdhocCannotStarveConfiguredPages: ad-hoc /probe URLs on a hanging
// allowed host, each asked with a 10 ms scrape timeout, hold their own
// request slots only: a configured page is still fetched at once. Before,
// they held every slot of --statuspage.max-concurrency for the page timeout
// and configured pages failed "waiting for a free request slot".
func TestAdhocCannotStarveConfiguredPages(t *testing.T) {
	t.Parallel()
	const adhoc, slots = 40, 8
	good := statuspagetest.Start(t, statuspagetest.Options{Pages: 1, Shape: statuspagetest.Shape{Components: 3}})
	hang := hangingHost(t)
	_, h := newTestExporter(t, fmt.Sprintf("defaults:\n  timeout: 3s\n  cache_ttl: 0s\n"+
		"pages:\n  - name: good\n    url: %s\nprobe:\n  allowed_hosts: [%q]\n", good.URL(0), hang),
		fmt.Sprintf("--statuspage.max-concurrency=%d", slots))
	var wg sync.WaitGroup
	for i := range adhoc {
		wg.Go(func() {
			serve(h, fmt.Sprintf("/probe?target=http://%s/p%d", hang, i), "0.51")
		})
	}
	wg.Wait()
	start := time.Now()
	body := serve(h, "/probe?target=good", "2.5")
	if !strings.Contains(body, `statuspage_up{page="good"} 1`+"\n") {
		t.Errorf("the configured page is not up after %v while %d ad-hoc URLs hang:\n%s", time.Since(start), adhoc, body)
	}
}

// serve answers one GET of path with the given scrape timeout header.
func serve(h http.Handler, path, timeout string) string {
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, path, nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", timeout)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.String()
}

func TestAdhocMaxConcurrencyFlag(t *testing.T) {
	t.Parallel()
	f, err := parseFlags(nil, io.Discard, io.Discard)
	if err != nil || f.adhocMax != 16 {
		t.Fatalf("default --statuspage.adhoc-max-concurrency = %v (%v), want 16", f, err)
	}
	for _, v := range []string{"0", "-1"} {
		if _, err := parseFlags([]string{"--statuspage.adhoc-max-concurrency=" + v}, io.Discard, io.Discard); err == nil {
			t.Errorf("--statuspage.adhoc-max-concurrency=%s accepted", v)
		}
	}
}
