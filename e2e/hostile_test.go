//go:build unix

// The hostile-upstream matrix: one exporter process serves every case of
// DESIGN.md's "Behaviour on bad input" at once, next to well-behaved pages,
// so that each scrape also proves that one page's trouble leaves the others
// alone.

package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

const (
	// hostileScrapes is how many scrapes the matrix makes; dynamic cases
	// need several, and every fetch of a bad page is another chance to leak.
	hostileScrapes = 4
	// hostileScrapeTimeout is the scrape timeout announced to the exporter;
	// every scrape must answer well within it.
	hostileScrapeTimeout = 5.0
	// hostileSentinel is the credential of the page that is redirected to
	// another host; it must reach neither that host nor the log.
	hostileSentinel = "SENTINEL-MATRIX-CREDENTIAL"
)

// hostileCase is one page of the matrix.
type hostileCase struct {
	name string
	// serve answers the page's requests at /<name>/… on the shared fake
	// host; nil when url gives a page elsewhere.
	serve http.HandlerFunc
	url   func(*hostileEnv) string
	// extra is YAML added to the page (overrides, http_client_config).
	extra string
	// up is statuspage_up in every scrape; upAt, when set, decides per
	// scrape (0-based) for pages whose behaviour changes.
	up   float64
	upAt func(scrape int) float64
	// reason is part of the log line a failure must produce.
	reason string
	// golden names a file of testdata/golden whose data series the page
	// must expose exactly, every scrape.
	golden string
	// check runs on each scrape's series of the page.
	check func(t *testing.T, scrape int, series []string)
	// after runs once all scrapes are done.
	after func(t *testing.T, env *hostileEnv, p *proc)
}

// hostileEnv holds the fake upstreams.
type hostileEnv struct {
	host  *upstream        // the shared host: /<case>/api/v2/summary.json
	other *upstream        // another host (port) that redirects lead to
	tls   *httptest.Server // a self-signed HTTPS page
	hang  string           // accepts connections and never answers
	// hanging counts the connections the hanging listener still holds.
	hanging atomic.Int64
	// refused is a port nobody listens on.
	refused string
}

// inflight counts the requests and connections the fakes still serve, so
// the test knows when the exporter has let go of everything.
func (env *hostileEnv) inflight() int64 {
	return env.host.inflight.Load() + env.other.inflight.Load() + env.hanging.Load()
}

// register serves the cases that live on the shared host.
func (env *hostileEnv) register(cases []hostileCase) {
	for _, c := range cases {
		if c.serve != nil {
			env.host.handle(c.name, c.serve)
		}
	}
}

// hits counts the requests of a case on the shared host.
func (env *hostileEnv) hits(name string) int { return env.host.hits("/" + name + summaryPath) }

func newHostileEnv(t *testing.T) *hostileEnv {
	good := fixture(t, "all_operational.json")
	env := &hostileEnv{
		host:  newUpstream(t, nil),
		other: newUpstream(t, serveJSON(good)),
		tls:   newTLSUpstream(t, good),
	}
	env.hang = env.hangingListener(t)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env.refused = l.Addr().String()
	l.Close()
	return env
}

// hangingListener accepts connections and never answers; it counts each
// until the client closes it.
func (env *hostileEnv) hangingListener(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			env.hanging.Add(1)
			wg.Go(func() {
				defer env.hanging.Add(-1)
				_, _ = io.Copy(io.Discard, c) // until the client hangs up
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// pageURL is the URL of a case on the shared host.
func (env *hostileEnv) pageURL(name string) string { return env.host.url(name) }

func gzipBytes(t *testing.T, parts ...[]byte) []byte {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	for _, p := range parts {
		if _, err := gz.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// serveGzip sends body gzip-encoded; with onlyIfAsked, only to clients
// that accept gzip, as a well-behaved server does.
func serveGzip(plain, gzipped []byte, onlyIfAsked bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if onlyIfAsked && !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			_, _ = w.Write(plain)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(gzipped)
	}
}

// serveAfter answers after d, unless the client gives up first.
func serveAfter(d time.Duration, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			_, _ = w.Write(body)
		case <-r.Context().Done():
		}
	}
}

// serveTrickle sends a document one byte a second, for at most two minutes.
func serveTrickle(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for i := 0; i < len(body) && i < 120; i++ {
			if _, err := w.Write(body[i : i+1]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			}
		}
	}
}

// hugeBody reads as a JSON document that opens a string and never closes
// it, made up on the fly: nothing of it is ever held in memory.
type hugeBody struct{ off int64 }

func (h *hugeBody) Read(p []byte) (int, error) {
	const head = `{"page":{"id":"huge","name":"`
	n := 0
	for n < len(p) {
		if h.off < int64(len(head)) {
			p[n] = head[h.off]
		} else {
			p[n] = 'a'
		}
		n++
		h.off++
	}
	return n, nil
}

// serveHuge sends size bytes with a Content-Length, or, with size 0, an
// endless chunked body; either stops when the client hangs up.
func serveHuge(size int64) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if size > 0 {
			w.Header().Set("Content-Length", fmt.Sprint(size))
			_, _ = io.CopyN(w, &hugeBody{}, size)
			return
		}
		_, _ = io.CopyN(w, &hugeBody{}, 1<<40) // a terabyte: the client hangs up long before
	}
}

func serveRedirect(to func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to(), http.StatusFound)
	}
}

// serveSequence answers request i (from 0) with handlers[i % len].
func serveSequence(handlers ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1) - 1
		handlers[i%int64(len(handlers))](w, r)
	}
}

// componentsDoc is a page with k components c0…c(k-1).
func componentsDoc(k int) []byte {
	var b strings.Builder
	b.WriteString(`{"page":{"id":"chg","name":"Changing"},"components":[`)
	for i := range k {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"c%d","name":"Component %d","status":"operational"}`, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// noDataSeries checks that a failed page without earlier data shows only
// its health series.
func noDataSeries(t *testing.T, i int, series []string) {
	t.Helper()
	for _, s := range series {
		if !volatile(s) {
			t.Errorf("scrape %d: data series %s", i, s)
		}
	}
}

// refusedFor checks that the exporter counted the refusals of page's
// documents for exceeding limit.
func refusedFor(page, limit string) func(*testing.T, *hostileEnv, *proc) {
	return func(t *testing.T, _ *hostileEnv, p *proc) {
		series := fmt.Sprintf("statuspage_exporter_documents_refused_total{page=%q,reason=%q}", page, limit)
		if v := p.metricsValue(t, series); v < 1 {
			t.Errorf("%s = %v, want at least 1", series, v)
		}
	}
}

// countSeries counts the series of metric among a page's series.
func countSeries(series []string, metric string) int {
	n := 0
	for _, s := range series {
		if strings.HasPrefix(s, metric+"{") {
			n++
		}
	}
	return n
}

func wantSeries(t *testing.T, series []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(series, w) {
			t.Errorf("no series %s", w)
		}
	}
}

func hostileCases(t *testing.T) []hostileCase {
	good := fixture(t, "all_operational.json")
	goodGz := gzipBytes(t, good)
	bomb := gzipBytes(t, []byte(`{"page":{"id":"bomb","name":"`), bytes.Repeat([]byte("a"), 16<<20), []byte(`"}}`))
	fixtureCase := func(name string) hostileCase {
		return hostileCase{name: name, serve: serveJSON(fixture(t, name+".json")), up: 1, golden: name}
	}
	longName := strings.Repeat("Very long component name ", 4000) // 100 KB
	labelsAtMost512 := func(t *testing.T, _ int, series []string) {
		for _, s := range series {
			for _, m := range regexp.MustCompile(`="((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(s, -1) {
				if len(m[1]) > 512 {
					t.Errorf("label value of %d bytes in %.80s…", len(m[1]), s)
				}
			}
		}
	}
	deep := `{"page":{"id":"deep","name":"Deep"},"components":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	return []hostileCase{
		// Well-behaved pages, which every scrape must show exactly as their
		// documents say whatever the others do.
		fixtureCase("all_operational"),
		fixtureCase("active_incident"),
		// JSON that real pages send and the decoder must tolerate.
		fixtureCase("null_fields"),
		fixtureCase("incident_io"),
		fixtureCase("maintenance"), // reminder_intervals null and "[]", offsets
		fixtureCase("unknown_enums"),
		fixtureCase("edge_values"), // HTML, CR/LF, 600-character names, nulls
		fixtureCase("groups"),      // same name in two groups, group named like its child, repeated id
		fixtureCase("identity"),    // ids alike as label values, enums in other case and spacing
		{name: "invalid_utf8", serve: serveJSON([]byte("{\"page\":{\"id\":\"u\",\"name\":\"Bad \xff\xfe page\"},\"components\":[{\"id\":\"c1\",\"name\":\"Caf\xe9 \xc3\x28\",\"status\":\"operational\"}]}")),
			up: 1, check: func(t *testing.T, _ int, series []string) {
				if countSeries(series, "statuspage_component_status") != 5 {
					t.Errorf("want the 5 states of the one component, got:\n%s", strings.Join(series, "\n"))
				}
			}},
		{name: "very_long_names", serve: serveJSON([]byte(`{"page":{"id":"l","name":"` + longName + `"},"components":[{"id":"c1","name":"` + longName + `","status":"operational"}],` +
			`"incidents":[{"id":"i1","name":"` + longName + `","status":"investigating","impact":"minor"}]}`)), up: 1, check: labelsAtMost512},
		{name: "date_only_and_odd_times", serve: serveJSON([]byte(`{"page":{"id":"d","name":"D","updated_at":"yesterday"},"components":[{"id":"c1","name":"C","status":"operational","start_date":"2020-01-02","updated_at":"2020-01-02"}],` +
			`"scheduled_maintenances":[{"id":"m1","name":"M","status":"scheduled","scheduled_for":"2026-01-02","scheduled_until":null,"reminder_intervals":"[]"}]}`)), up: 1,
			check: func(t *testing.T, _ int, series []string) {
				wantSeries(t, series, `statuspage_maintenance_status{maintenance_id="m1",page="date_only_and_odd_times",status="scheduled"} 1`)
				if countSeries(series, "statuspage_page_updated_timestamp_seconds") != 0 {
					t.Error("an unreadable updated_at became a timestamp")
				}
			}},
		{name: "wrong_content_type", serve: serveBody("text/plain; charset=iso-8859-1", good), up: 1},
		{name: "no_groups", serve: serveJSON([]byte(`{"page":{"id":"n","name":"N"},"components":[{"id":"c1","name":"Same","status":"operational"},{"id":"c2","name":"Same","status":"major_outage"}]}`)), up: 1,
			check: func(t *testing.T, _ int, series []string) {
				wantSeries(t, series,
					`statuspage_component_status{component="Same",component_id="c1",group="",page="no_groups",status="operational"} 1`,
					`statuspage_component_status{component="Same",component_id="c2",group="",page="no_groups",status="major_outage"} 1`)
			}},
		{name: "slow_within_timeout", serve: serveAfter(300*time.Millisecond, good), extra: "    timeout: 3s\n", up: 1},
		{name: "gzip_when_asked", serve: serveGzip(good, goodGz, true), up: 1},

		// HTTP failures.
		{name: "not_found", serve: serveStatus(404), reason: "unexpected HTTP status 404 Not Found"},
		{name: "server_error", serve: serveStatus(500), reason: "unexpected HTTP status 500 Internal Server Error"},
		{name: "no_content", serve: serveStatus(204), reason: "unexpected HTTP status 204 No Content"},
		{name: "too_many_requests", serve: serveStatus(429, "Retry-After", "120"), reason: "429 Too Many Requests (retry after 2m0s)",
			after: func(t *testing.T, env *hostileEnv, _ *proc) {
				if n := env.hits("too_many_requests"); n != 1 {
					t.Errorf("%d requests despite Retry-After: 120, want 1", n)
				}
			}},
		{name: "unavailable_until_date", serve: func(w http.ResponseWriter, r *http.Request) {
			serveStatus(503, "Retry-After", time.Now().Add(2*time.Minute).UTC().Format(http.TimeFormat))(w, r)
		}, reason: "503 Service Unavailable (retry after",
			after: func(t *testing.T, env *hostileEnv, _ *proc) {
				if n := env.hits("unavailable_until_date"); n != 1 {
					t.Errorf("%d requests despite a Retry-After date 2 minutes ahead, want 1", n)
				}
			}},
		{name: "html_error_page", serve: serveBody("text/html", fixture(t, "not_json.html")), reason: "got HTML or XML, not JSON"},
		{name: "connection_refused", url: func(env *hostileEnv) string { return "http://" + env.refused }, reason: "connection refused"},
		{name: "dns_failure", url: func(*hostileEnv) string { return "http://" + strings.Repeat("x", 64) + ".invalid" }, reason: "no such host"},
		{name: "tls_self_signed", url: func(env *hostileEnv) string { return env.tls.URL }, reason: "certificate signed by unknown authority"},
		{name: "slow_past_timeout", serve: serveAfter(time.Minute, good), extra: "    timeout: 500ms\n", reason: "request timed out"},
		{name: "accepts_never_answers", url: func(env *hostileEnv) string { return "http://" + env.hang }, extra: "    timeout: 500ms\n", reason: "request timed out"},
		{name: "trickle_one_byte_a_second", serve: serveTrickle(good), extra: "    timeout: 1100ms\n", reason: "request timed out"},
		{name: "two_gib_body", serve: serveHuge(2 << 30), reason: "response body too large", after: refusedFor("two_gib_body", "max_body_size")},
		{name: "endless_chunked_body", serve: serveHuge(0), reason: "response body too large"},
		{name: "gzip_unasked", serve: serveGzip(good, goodGz, false), up: 1},
		{name: "gzip_bomb", serve: serveGzip(nil, bomb, false), reason: "response body too large"},

		// Redirects.
		{name: "redirect_loop", serve: serveRedirect(func() string { return "/redirect_loop/api/v2/summary.json" }), reason: "stopped after 5 redirects"},
		{name: "moved_to_other_host", up: 1, after: func(t *testing.T, env *hostileEnv, _ *proc) {
			if env.other.hits("/moved"+summaryPath) == 0 {
				t.Error("the redirect to the other host was not followed")
			}
		}},
		{name: "credentials_redirected_home", serve: serveRedirect(func() string { return "/all_operational/api/v2/summary.json" }), up: 1,
			extra: "    http_client_config:\n      authorization: {type: OAuth, credentials: " + hostileSentinel + "}\n"},
		{name: "credentials_redirected_away", reason: "refused to follow a redirect",
			extra: "    http_client_config:\n      authorization: {type: OAuth, credentials: " + hostileSentinel + "}\n",
			after: func(t *testing.T, env *hostileEnv, _ *proc) {
				if n := env.other.hits("/creds" + summaryPath); n != 0 {
					t.Errorf("the other host got %d requests from a page with credentials", n)
				}
			}},

		// Bodies that are not a summary.
		{name: "empty_body", serve: serveJSON(nil), reason: "empty body"},
		{name: "malformed_json", serve: serveJSON([]byte(`{"page":{"id":"m","name":"M"},}`)), reason: "invalid summary document"},
		{name: "truncated_json", serve: serveJSON(fixture(t, "truncated.json")), reason: "invalid summary document"},
		{name: "top_level_array", serve: serveJSON(fixture(t, "wrong_top_level.json")), reason: "top-level value is not a JSON object"},
		{name: "top_level_null", serve: serveJSON([]byte("null")), reason: "top-level value is not a JSON object"},
		{name: "empty_object", serve: serveJSON(fixture(t, "empty_object.json")), reason: "no page object"},
		{name: "deep_nesting", serve: serveJSON([]byte(deep)), reason: "invalid summary document"},

		// Documents that make more series than series_limit (DESIGN.md,
		// "Limits"): 20 components make 101 series with the page's info.
		{name: "at_series_limit", serve: serveJSON(componentsDoc(20)), extra: "    series_limit: 101\n", up: 1,
			check: func(t *testing.T, _ int, series []string) {
				if n := countSeries(series, "statuspage_component_status"); n != 100 {
					t.Errorf("%d component series, want all 100", n)
				}
			}},
		{name: "over_series_limit", serve: serveJSON(componentsDoc(20)), extra: "    series_limit: 100\n",
			reason: "too many series: the document makes 101 series, series_limit is 100",
			check:  noDataSeries,
			after:  refusedFor("over_series_limit", "series_limit")},
		{name: "minimal_incidents", serve: serveJSON(statuspagetest.MinimalIncidents(2000)),
			reason: "the document makes 26001 series, series_limit is 20000",
			check:  noDataSeries,
			after:  refusedFor("minimal_incidents", "series_limit")},

		// Pages that change between fetches (cache_ttl is 0: one fetch per scrape).
		{name: "alternating_good_bad", serve: serveSequence(serveJSON(good), serveStatus(500)),
			upAt:   func(i int) float64 { return float64(1 - i%2) },
			reason: "unexpected HTTP status 500",
			check: func(t *testing.T, i int, series []string) {
				// A bad fetch keeps serving the last good data, as stale.
				if n := countSeries(series, "statuspage_component_status"); n != 25 {
					t.Errorf("scrape %d: %d component series, want 25 (fresh or stale)", i, n)
				}
			}},
		{name: "component_count_changes", serve: serveSequence(serveJSON(componentsDoc(1)), serveJSON(componentsDoc(4)), serveJSON(componentsDoc(2)), serveJSON(componentsDoc(6))),
			up: 1, check: func(t *testing.T, i int, series []string) {
				want := []int{1, 4, 2, 6}[i%4] * 5
				if n := countSeries(series, "statuspage_component_status"); n != want {
					t.Errorf("scrape %d: %d component series, want %d: series of a vanished component linger or new ones are missing", i, n, want)
				}
			}},
	}
}

// hostileConfig writes the configuration of the given cases.
func hostileConfig(env *hostileEnv, cases []hostileCase) string {
	var b strings.Builder
	// cache_ttl 0: every scrape fetches every page again, so each scrape is
	// another round of trouble and dynamic pages show every answer.
	b.WriteString("defaults:\n  timeout: 2s\n  cache_ttl: 0s\npages:\n")
	for _, c := range cases {
		u := env.pageURL(c.name)
		if c.url != nil {
			u = c.url(env)
		}
		fmt.Fprintf(&b, "  - name: %s\n    url: %s\n%s", c.name, u, c.extra)
	}
	return b.String()
}

// pageSeries splits a scrape into the sample lines of each page.
func pageSeries(body string) map[string][]string {
	out := map[string][]string{}
	re := regexp.MustCompile(`[{,]page="([^"]*)"`)
	for line := range strings.SplitSeq(body, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if m := re.FindStringSubmatch(line); m != nil && strings.HasPrefix(line, "statuspage_") && !strings.HasPrefix(line, "statuspage_exporter_") {
			out[m[1]] = append(out[m[1]], line)
		}
	}
	return out
}

// volatile series change with every fetch.
func volatile(line string) bool {
	for _, p := range []string{"statuspage_up{", "statuspage_last_success_timestamp_seconds{", "statuspage_fetch_duration_seconds{"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

func goldenSeries(t *testing.T, name string) []string {
	b, err := os.ReadFile(root("testdata", "golden", name+".metrics"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range pageSeries(string(b))[name] {
		if !volatile(l) {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

func TestHostileUpstreams(t *testing.T) {
	t.Parallel()
	binary(t)
	cases := hostileCases(t)
	env := newHostileEnv(t)
	// Cases whose redirect target is known only now.
	for i := range cases {
		switch cases[i].name {
		case "moved_to_other_host":
			cases[i].serve = serveRedirect(func() string { return env.other.srv.URL + "/moved" + summaryPath })
		case "credentials_redirected_away":
			cases[i].serve = serveRedirect(func() string { return env.other.srv.URL + "/creds" + summaryPath })
		}
	}
	env.register(cases)
	if len(cases) < 30 {
		t.Fatalf("the matrix has %d cases, want at least 30", len(cases))
	}

	// Start with the well-behaved page only, to learn the process's
	// goroutine baseline, then load the matrix by a reload.
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	baseline := hostileConfig(env, cases[:1])
	writeFile(t, cfgPath, baseline)
	// The pure Go resolver refuses the over-long DNS label without sending
	// a query: the DNS case never leaves the machine.
	p := start(t, cfgPath, startOptions{env: []string{"GODEBUG=netdns=go"}})
	var g0 float64
	for range 3 {
		g0 = p.metricsValue(t, "go_goroutines")
	}

	writeFile(t, cfgPath, hostileConfig(env, cases))
	if res, body := p.do(t, http.MethodPost, "/-/reload", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("POST /-/reload of the matrix = %d %q", res.StatusCode, body)
	}

	scrapes := make([]map[string][]string, hostileScrapes)
	peak := g0
	for i := range hostileScrapes {
		code, body, took := p.scrape(t, "/metrics", hostileScrapeTimeout)
		if code != http.StatusOK {
			t.Fatalf("scrape %d = %d:\n%s", i, code, short(body))
		}
		if took >= time.Duration(hostileScrapeTimeout*float64(time.Second)) {
			t.Errorf("scrape %d took %v, longer than the %vs scrape timeout", i, took, hostileScrapeTimeout)
		}
		checkExposition(t, i, body)
		scrapes[i] = pageSeries(body)
		peak = max(peak, gauge(body, "go_goroutines"))
		t.Logf("scrape %d: %v, %d bytes", i, took, len(body))
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want []string
			if c.golden != "" {
				want = goldenSeries(t, c.golden)
			}
			failed := false
			for i, s := range scrapes {
				up := c.up
				if c.upAt != nil {
					up = c.upAt(i)
				}
				failed = failed || up == 0
				if got := gauge(strings.Join(s[c.name], "\n"), fmt.Sprintf("statuspage_up{page=%q}", c.name)); got != up {
					t.Errorf("scrape %d: statuspage_up = %v, want %v", i, got, up)
				}
				if want != nil {
					var got []string
					for _, l := range s[c.name] {
						if !volatile(l) {
							got = append(got, l)
						}
					}
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Errorf("scrape %d: the data series differ from testdata/golden/%s.metrics:\ngot:\n%s\nwant:\n%s",
							i, c.golden, strings.Join(got, "\n"), strings.Join(want, "\n"))
					}
				}
				if c.check != nil {
					c.check(t, i, s[c.name])
				}
			}
			failures := p.logLines("Fetching page failed", "page="+c.name+" ")
			switch {
			case failed && !p.hasLog("page="+c.name+" ", c.reason):
				t.Errorf("no log line names page=%s and %q; its failures:\n%s", c.name, c.reason, strings.Join(failures, "\n"))
			case !failed && len(failures) > 0:
				t.Errorf("a good page logged failures:\n%s", strings.Join(failures, "\n"))
			}
			if c.after != nil {
				c.after(t, env, p)
			}
		})
	}

	// Every fetch ends within its page's timeout; then a reload to the
	// baseline closes the idle connections of the matrix, and the process
	// must be back to its baseline goroutines: nothing leaked.
	eventually(t, waitFor, "the fake upstreams to be let go", func() (bool, string) { return env.inflight() == 0, fmt.Sprint(env.inflight(), " in flight") })
	writeFile(t, cfgPath, baseline)
	p.signal(t, syscall.SIGHUP)
	p.waitMetrics(t, `statuspage_exporter_pages 1`)
	var g float64
	if !poll(waitFor, func() bool {
		g = p.metricsValue(t, "go_goroutines")
		return g <= g0+3
	}) {
		t.Errorf("go_goroutines = %v after the matrix, baseline %v: goroutines leaked", g, g0)
	}
	t.Logf("%d cases; go_goroutines: baseline %v, peak %v, after %v", len(cases), g0, peak, g)

	p.checkAlive(t)
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0 (66 is a race report)", code)
	}
	// All output is in once the process has exited.
	if strings.Contains(p.output.String(), hostileSentinel) {
		t.Error("the log shows a page's credentials")
	}
}

// checkExposition checks a whole scrape: valid text, no duplicate series,
// and the statuspage_ families lint-clean.
func checkExposition(t *testing.T, scrape int, body string) {
	t.Helper()
	fams := parse(t, body)
	seen := map[string]bool{}
	for line := range strings.SplitSeq(body, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		series, _, _ := strings.Cut(line, "} ")
		if seen[series] {
			t.Errorf("scrape %d: duplicate series %s", scrape, series)
		}
		seen[series] = true
	}
	var ours []*dto.MetricFamily
	for name, mf := range fams {
		if strings.HasPrefix(name, "statuspage_") {
			ours = append(ours, mf)
		}
	}
	problems, err := promlint.NewWithMetricFamilies(ours).Lint()
	if err != nil {
		t.Fatalf("scrape %d: lint: %v", scrape, err)
	}
	for _, pr := range problems {
		t.Errorf("scrape %d: lint: %s: %s", scrape, pr.Metric, pr.Text)
	}
}

// TestGzipSentUnasked: a page (or a CDN in front of it) that sends a
// gzip-encoded body without being asked is still read through the real
// binary, although prometheus/common's transport disables Go's transparent
// decompression: the fetcher decodes gzip itself, with the size cap on the
// decoded bytes (the matrix's gzip_bomb stays down).
func TestGzipSentUnasked(t *testing.T) {
	t.Parallel()
	doc := fixture(t, "all_operational.json")
	up := newUpstream(t, serveGzip(doc, gzipBytes(t, doc), false))
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, "pages:\n  - name: gz\n    url: "+up.srv.URL+"\n")
	p := start(t, cfgPath, startOptions{})
	body := p.get(t, "/probe?target=gz", http.StatusOK)
	wantLine(t, "/probe?target=gz", body, `statuspage_up{page="gz"} 1`)
}
