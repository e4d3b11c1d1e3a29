package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

func getLanding(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /: status %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// row returns the table row of page name on the landing page.
func row(t *testing.T, page, name string) string {
	t.Helper()
	start := strings.Index(page, `<td><a href="probe?target=`+name+`&amp;debug=true">`+name+`</a>`)
	if start < 0 {
		t.Fatalf("no row for %s in:\n%s", name, page)
	}
	end := strings.Index(page[start:], "</tr>")
	return page[start : start+end]
}

// nextHour matches a next fetch about an hour away (the TTL of the test).
var nextHour = regexp.MustCompile(`<td>in (1h0m0s|59m[0-9]+s)</td>`)

// TestLandingPageStates: the landing page lists every configured page with
// its state, the age of its data, the last error and the next fetch.
func TestLandingPageStates(t *testing.T) {
	t.Parallel()
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: 2, Shape: statuspagetest.Shape{Components: 3}})
	env := newScrapeEnv(t, up, time.Hour)
	before := getLanding(t, env.h)
	for _, name := range []string{"p0", "p1"} {
		if r := row(t, before, name); !strings.Contains(r, "<td>never fetched</td>") {
			t.Errorf("before any scrape, %s: %s", name, r)
		}
	}
	up.SetFailure(1, statuspagetest.ServerError)
	scrapeOnce(t, env.h)
	after := getLanding(t, env.h)
	if r := row(t, after, "p0"); !strings.Contains(r, "<td>fresh</td>") || !nextHour.MatchString(r) {
		t.Errorf("a good page: %s", r)
	}
	if r := row(t, after, "p1"); !strings.Contains(r, "<td>failing</td>") || !strings.Contains(r, "unexpected HTTP status 500") || !strings.Contains(r, "<td>–</td>") {
		t.Errorf("a failing page: %s", r)
	}
	if !strings.Contains(after, "Statuspage Exporter") || !strings.Contains(after, `href="/metrics"`) {
		t.Error("the toolkit's landing page is gone")
	}
}

// TestLandingPageEscapes: text from upstream, such as an error, is escaped.
func TestLandingPageEscapes(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := pagesTable.Execute(&b, []pageRow{{Name: "p", State: "failing", Error: `unsupported Content-Encoding "<script>alert(1)</script>"`}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>") || !strings.Contains(b.String(), "&lt;script&gt;") {
		t.Errorf("not escaped:\n%s", b.String())
	}
}

func getDebug(t *testing.T, h http.Handler, target string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/probe?debug=true&target="+target, nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("debug %s: status %d, content type %q", target, rec.Code, rec.Header().Get("Content-Type"))
	}
	return rec.Body.String()
}

// TestProbeDebug: /probe?debug=true tells what the lookup found: the
// cache's answer, the request, its status and whether it was conditional,
// and the error.
func TestProbeDebug(t *testing.T) {
	t.Parallel()
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: 2, Shape: statuspagetest.Shape{Components: 3}})
	up.SetFailure(1, statuspagetest.ServerError)
	env := newScrapeEnv(t, up, time.Hour)
	first := getDebug(t, env.h, "p0")
	for _, want := range []string{
		"Page:          p0\n",
		"Provider:      statuspage\n",
		"Document:      " + up.URL(0) + "/api/v2/summary.json\n",
		"Settings:      timeout 1m0s, cache_ttl 1h0m0s, max_stale 15m0s, series_limit 20000\n",
		"Cache:         miss: this lookup made the request\n",
		"Result:        statuspage_up 1, ",
		", HTTP 200 OK, conditional: no\n",
		"Error:         none\n",
		"Next fetch:    in ",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("first lookup lacks %q:\n%s", want, first)
		}
	}
	if again := getDebug(t, env.h, "p0"); !strings.Contains(again, "Cache:         hit: answered from the cache, no request\n") {
		t.Errorf("second lookup:\n%s", again)
	}
	failing := getDebug(t, env.h, "p1")
	for _, want := range []string{"Cache:         error: ", "Result:        statuspage_up 0, 0 data series\n", "HTTP 500 Internal Server Error", "Error:         unexpected HTTP status 500", "Last success:  never\n"} {
		if !strings.Contains(failing, want) {
			t.Errorf("failing page lacks %q:\n%s", want, failing)
		}
	}

	// A page refreshed with validators: the request was conditional.
	quick := newScrapeEnv(t, up, time.Millisecond)
	getDebug(t, quick.h, "p0")
	var refreshed string
	for range 100 {
		if refreshed = getDebug(t, quick.h, "p0"); strings.Contains(refreshed, "Cache:         miss") {
			break
		}
		time.Sleep(2 * time.Millisecond) // let the 1 ms TTL pass
	}
	if !strings.Contains(refreshed, "HTTP 304 Not Modified, conditional: yes (If-None-Match / If-Modified-Since), not modified\n") {
		t.Errorf("refresh of an unchanged page:\n%s", refreshed)
	}
}
