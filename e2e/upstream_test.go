//go:build unix

package e2e

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// summaryPath is what the exporter appends to a page's URL.
const summaryPath = statuspagetest.SummaryPath

// upstream is a fake status page host on loopback. A page named n answers
// under /n/ with the handler set for n, anything else with the fallback
// (404 when nil). Requests are counted by path.
type upstream struct {
	srv      *httptest.Server
	fallback http.HandlerFunc
	// inflight counts the requests being answered, so a test knows when
	// the exporter has let go of everything.
	inflight atomic.Int64

	mu     sync.Mutex
	pages  map[string]http.HandlerFunc
	byPath map[string]int
}

func newUpstream(tb testing.TB, fallback http.HandlerFunc) *upstream {
	tb.Helper()
	u := &upstream{fallback: fallback, pages: map[string]http.HandlerFunc{}, byPath: map[string]int{}}
	u.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.inflight.Add(1)
		defer u.inflight.Add(-1)
		name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		u.mu.Lock()
		u.byPath[r.URL.Path]++
		h := u.pages[name]
		u.mu.Unlock()
		switch {
		case h != nil:
			h(w, r)
		case u.fallback != nil:
			u.fallback(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	u.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // hostile clients are the point
	u.srv.Start()
	tb.Cleanup(u.srv.Close)
	return u
}

// handle serves page name with h.
func (u *upstream) handle(name string, h http.HandlerFunc) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.pages[name] = h
}

// url is the URL of page name, to be configured.
func (u *upstream) url(name string) string { return u.srv.URL + "/" + name }

func (u *upstream) host() string { return strings.TrimPrefix(u.srv.URL, "http://") }

// hits is the number of requests to path.
func (u *upstream) hits(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byPath[path]
}

func (u *upstream) total() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, v := range u.byPath {
		n += v
	}
	return n
}

// pagesConfig is an exporter configuration with the named pages of u.
func pagesConfig(u *upstream, names ...string) string {
	var b strings.Builder
	b.WriteString("pages:\n")
	for _, name := range names {
		fmt.Fprintf(&b, "  - name: %s\n    url: %s\n", name, u.url(name))
	}
	return b.String()
}

// heldPage answers only once released, so a test can hold a scrape in
// flight.
type heldPage struct {
	entered     chan struct{} // closed when the first request arrives
	release     chan struct{}
	enterOnce   sync.Once
	releaseOnce sync.Once
}

func (h *heldPage) serve(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.enterOnce.Do(func() { close(h.entered) })
		select {
		case <-h.release:
		case <-r.Context().Done():
			return
		}
		serveJSON(body)(w, r)
	}
}

func (h *heldPage) done() { h.releaseOnce.Do(func() { close(h.release) }) }

// newFixtureUpstream serves testdata fixtures: alpha has an incident, gamma
// is all operational, broken answers 503, and slow answers when released.
func newFixtureUpstream(tb testing.TB) (*upstream, *heldPage) {
	tb.Helper()
	operational := fixture(tb, "all_operational.json")
	u := newUpstream(tb, nil)
	held := &heldPage{entered: make(chan struct{}), release: make(chan struct{})}
	tb.Cleanup(held.done) // before the server's Close, which waits for handlers
	u.handle("alpha", serveJSON(fixture(tb, "active_incident.json")))
	u.handle("gamma", serveJSON(operational))
	u.handle("broken", serveStatus(http.StatusServiceUnavailable))
	u.handle("slow", held.serve(operational))
	return u, held
}

// newTLSUpstream is a page behind a self-signed certificate.
func newTLSUpstream(tb testing.TB, doc []byte) *httptest.Server {
	tb.Helper()
	srv := httptest.NewUnstartedServer(serveJSON(doc))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // "TLS handshake error" is the point
	srv.StartTLS()
	tb.Cleanup(srv.Close)
	return srv
}

// fixture reads a summary document of testdata/summary.
func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(root("testdata", "summary", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func serveBody(ct string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(body)
	}
}

func serveJSON(body []byte) http.HandlerFunc { return serveBody("application/json", body) }

func serveStatus(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		http.Error(w, http.StatusText(code), code)
	}
}
