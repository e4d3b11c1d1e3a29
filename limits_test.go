package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// TestSeriesLimitScrape: a page whose document makes more series than its
// series_limit is a failed fetch (statuspage_up 0, none of its data series)
// counted in the exporter's own metrics; a page exactly at its limit is
// served whole, and the other pages are untouched.
func TestSeriesLimitScrape(t *testing.T) {
	t.Parallel()
	up := newFakeUpstream(t, statuspagetest.Options{Pages: 3, Shape: statuspagetest.Shape{Components: 20, Incidents: 1}})
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
