package statuspage

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// fetchResult is everything a fetch case may want to assert on.
type fetchResult struct {
	sum      *Summary
	resp     Response
	err      error
	elapsed  time.Duration
	requests int64 // requests the case's server saw, across redirects
}

type fetchCase struct {
	name string
	// handler serves the case on its own loopback server; the fetch goes to
	// its /api/v2/summary.json.
	handler http.HandlerFunc
	// target replaces handler for failures that need no server of ours or a
	// special client (DNS, TLS, connection refused).
	target func(t *testing.T) *Target
	// maxBody is the Fetcher's cap; zero keeps the default.
	maxBody int64
	// timeout is the fetch's context deadline.
	timeout time.Duration
	check   func(t *testing.T, r fetchResult)
}

// TestFetchFailures has one case per failure that DESIGN.md says real pages
// produce. Each must come back as an error that says what happened, and none
// may panic.
func TestFetchFailures(t *testing.T) {
	t.Parallel()
	good := fixture(t, "all_operational.json")
	var endlessWritten atomic.Int64

	cases := []fetchCase{
		{
			name:    "404",
			handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			check:   wantHTTPError(http.StatusNotFound, 0, "unexpected HTTP status 404 Not Found"),
		},
		{
			name:    "429 with Retry-After in seconds",
			handler: statusWithRetryAfter(http.StatusTooManyRequests, func() string { return "120" }),
			check:   wantHTTPError(http.StatusTooManyRequests, 120*time.Second, "429 Too Many Requests (retry after 2m0s)"),
		},
		{
			name:    "503 with Retry-After in seconds",
			handler: statusWithRetryAfter(http.StatusServiceUnavailable, func() string { return "45" }),
			check:   wantHTTPError(http.StatusServiceUnavailable, 45*time.Second, "503 Service Unavailable (retry after 45s)"),
		},
		{
			name:    "429 with Retry-After as an HTTP date",
			handler: statusWithRetryAfter(http.StatusTooManyRequests, httpDateIn(90*time.Second)),
			check:   wantRetryAfterAbout(http.StatusTooManyRequests, 90*time.Second),
		},
		{
			name:    "503 with Retry-After as an HTTP date",
			handler: statusWithRetryAfter(http.StatusServiceUnavailable, httpDateIn(5*time.Minute)),
			check:   wantRetryAfterAbout(http.StatusServiceUnavailable, 5*time.Minute),
		},
		{
			name:    "503 with Retry-After beyond the cap",
			handler: statusWithRetryAfter(http.StatusServiceUnavailable, func() string { return "86400" }),
			check:   wantHTTPError(http.StatusServiceUnavailable, MaxRetryAfter, "(retry after 10m0s)"),
		},
		{
			name:    "429 with an HTTP date beyond the cap",
			handler: statusWithRetryAfter(http.StatusTooManyRequests, httpDateIn(3*time.Hour)),
			check:   wantHTTPError(http.StatusTooManyRequests, MaxRetryAfter, "(retry after 10m0s)"),
		},
		{
			// Only 429 and 503 carry a meaningful Retry-After.
			name:    "500 ignores Retry-After",
			handler: statusWithRetryAfter(http.StatusInternalServerError, func() string { return "120" }),
			check:   wantHTTPError(http.StatusInternalServerError, 0, "unexpected HTTP status 500 Internal Server Error"),
		},
		{
			name: "500",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "boom", http.StatusInternalServerError)
			},
			check: wantHTTPError(http.StatusInternalServerError, 0, "unexpected HTTP status 500 Internal Server Error"),
		},
		{
			name:    "page moved: one redirect is followed",
			handler: movedPage(good),
			check: func(t *testing.T, r fetchResult) {
				wantOK(t, r)
				if r.sum.Page.ID != "acmepage0001" {
					t.Errorf("page id = %q, want the moved page's", r.sum.Page.ID)
				}
				if r.requests != 2 {
					t.Errorf("server saw %d requests, want 2 (old and new location)", r.requests)
				}
			},
		},
		{
			name:    "redirect loop is stopped",
			handler: redirectLoop,
			check:   wantRedirectsStopped,
		},
		{
			name:    "redirect chain longer than the limit is stopped",
			handler: redirectChain(DefaultMaxRedirects+3, good),
			check:   wantRedirectsStopped,
		},
		{
			name:    "redirect chain at the limit is followed",
			handler: redirectChain(DefaultMaxRedirects, good),
			check: func(t *testing.T, r fetchResult) {
				wantOK(t, r)
				if want := int64(DefaultMaxRedirects + 1); r.requests != want {
					t.Errorf("server saw %d requests, want %d", r.requests, want)
				}
			},
		},
		{
			name: "HTML error page with status 200",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=UTF-8")
				_, _ = w.Write(fixture(t, "not_json.html"))
			},
			check: wantDecodeError("text/html", "got HTML or XML, not JSON"),
		},
		{
			name:    "truncated JSON",
			handler: serveBytes(fixture(t, "truncated.json")),
			check: func(t *testing.T, r fetchResult) {
				wantDecodeError("application/json", "unexpected end of JSON input")(t, r)
				var syn *json.SyntaxError
				if !errors.As(r.err, &syn) {
					t.Errorf("error %v does not wrap a *json.SyntaxError", r.err)
				}
			},
		},
		{
			name:    "wrong top-level type",
			handler: serveBytes(fixture(t, "wrong_top_level.json")),
			check:   wantDecodeError("application/json", "top-level value is not a JSON object"),
		},
		{
			name:    "empty body",
			handler: serveBytes(nil),
			check:   wantDecodeError("application/json", "empty body"),
		},
		{
			name:    "empty object",
			handler: serveBytes(fixture(t, "empty_object.json")),
			check:   wantDecodeError("application/json", "no page object: not a status page summary"),
		},
		{
			name:    "null where objects and arrays belong",
			handler: serveBytes(fixture(t, "null_fields.json")),
			check: func(t *testing.T, r fetchResult) {
				wantOK(t, r)
				if r.sum.Page.ID != "soylentpg001" {
					t.Errorf("page id = %q, want the page to survive null siblings", r.sum.Page.ID)
				}
				if r.sum.Components != nil || r.sum.Incidents != nil || r.sum.Status != (Status{}) {
					t.Errorf("null fields decoded as %+v, want empty", r.sum)
				}
			},
		},
		{
			name:    "UTF-8 byte order mark",
			handler: serveBytes(append([]byte("\xef\xbb\xbf"), good...)),
			check: func(t *testing.T, r fetchResult) {
				wantOK(t, r)
				if len(r.sum.Components) != 5 {
					t.Errorf("got %d components, want 5", len(r.sum.Components))
				}
			},
		},
		{
			name:    "gzip-encoded body",
			handler: gzipped(good),
			check: func(t *testing.T, r fetchResult) {
				wantOK(t, r)
				if r.sum.Page.Name != "Acme Cloud" {
					t.Errorf("page name = %q after gunzip", r.sum.Page.Name)
				}
			},
		},
		{
			// prometheus/common's transport disables Go's transparent
			// decompression; the fetcher asks for gzip and decodes it itself.
			name:    "gzip asked for, with compression off in the transport",
			handler: gzipIfAsked(good),
			check: func(t *testing.T, r fetchResult) {
				wantOK(t, r)
				if r.sum.Page.Name != "Acme Cloud" {
					t.Errorf("page name = %q after gunzip", r.sum.Page.Name)
				}
			},
		},
		{
			name:    "gzip bomb",
			handler: gzipped(append(append([]byte(`{"page":{"id":"x","name":"`), bytes.Repeat([]byte("a"), 8<<20)...), `"}}`...)),
			maxBody: 64 << 10,
			check: func(t *testing.T, r fetchResult) {
				if !errors.Is(r.err, ErrBodyTooLarge) {
					t.Fatalf("err = %v, want ErrBodyTooLarge on the decoded size", r.err)
				}
			},
		},
		{
			name: "unsupported Content-Encoding",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Encoding", "br")
				_, _ = w.Write(good)
			},
			check: func(t *testing.T, r fetchResult) {
				if r.err == nil || !strings.Contains(r.err.Error(), `unsupported Content-Encoding "br"`) {
					t.Fatalf("err = %v, want it to name the encoding", r.err)
				}
			},
		},
		{
			name: "corrupt gzip body",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(good)
			},
			check: func(t *testing.T, r fetchResult) {
				if r.err == nil || !strings.Contains(r.err.Error(), "gzip") {
					t.Fatalf("err = %v, want a gzip error", r.err)
				}
			},
		},
		{
			name:    "body that never ends",
			handler: endlessBody(&endlessWritten),
			maxBody: 64 << 10,
			timeout: 10 * time.Second,
			check: func(t *testing.T, r fetchResult) {
				// The client must hang up near the cap; what the server got
				// out beyond it sits in socket buffers.
				if n := endlessWritten.Load(); n > 32<<20 {
					t.Errorf("server wrote %d bytes before the client hung up", n)
				}
				if !errors.Is(r.err, ErrBodyTooLarge) {
					t.Fatalf("err = %v, want ErrBodyTooLarge", r.err)
				}
				if !strings.Contains(r.err.Error(), "more than 65536 bytes") {
					t.Errorf("err %q does not name the cap", r.err)
				}
				if r.resp.StatusCode != http.StatusOK {
					t.Errorf("status code = %d, want 200", r.resp.StatusCode)
				}
			},
		},
		{
			name:    "slow server hits the deadline",
			handler: hang,
			timeout: 200 * time.Millisecond,
			check: func(t *testing.T, r fetchResult) {
				if !errors.Is(r.err, context.DeadlineExceeded) {
					t.Fatalf("err = %v, want a deadline error", r.err)
				}
				if !strings.Contains(r.err.Error(), "timed out") {
					t.Errorf("err %q does not say it timed out", r.err)
				}
				if r.elapsed < 200*time.Millisecond || r.elapsed > 3*time.Second {
					t.Errorf("gave up after %s, want just over 200ms", r.elapsed)
				}
				if r.resp.StatusCode != 0 {
					t.Errorf("status code = %d, want 0 (no response)", r.resp.StatusCode)
				}
			},
		},
		{
			name:    "body stalls after the headers",
			handler: stallBody,
			timeout: 200 * time.Millisecond,
			check: func(t *testing.T, r fetchResult) {
				if !errors.Is(r.err, context.DeadlineExceeded) || !strings.Contains(r.err.Error(), "timed out") {
					t.Fatalf("err = %v, want a timeout", r.err)
				}
				if r.elapsed > 3*time.Second {
					t.Errorf("gave up after %s, want just over 200ms", r.elapsed)
				}
				if r.resp.StatusCode != http.StatusOK {
					t.Errorf("status code = %d, want 200", r.resp.StatusCode)
				}
			},
		},
		{
			name:   "connection refused",
			target: refusedTarget,
			check: func(t *testing.T, r fetchResult) {
				if !errors.Is(r.err, syscall.ECONNREFUSED) {
					t.Fatalf("err = %v, want connection refused", r.err)
				}
				if r.resp.StatusCode != 0 {
					t.Errorf("status code = %d, want 0", r.resp.StatusCode)
				}
			},
		},
		{
			name:   "DNS failure",
			target: noDNSTarget,
			check: func(t *testing.T, r fetchResult) {
				var dnsErr *net.DNSError
				if !errors.As(r.err, &dnsErr) {
					t.Fatalf("err = %v (%T), want a *net.DNSError", r.err, r.err)
				}
				if dnsErr.Name != "status.example.invalid" {
					t.Errorf("DNS error names %q, want the page's host", dnsErr.Name)
				}
			},
		},
		{
			name:   "TLS certificate from an unknown authority",
			target: untrustedTLSTarget,
			check: func(t *testing.T, r fetchResult) {
				if r.err == nil || !strings.Contains(r.err.Error(), "certificate") {
					t.Fatalf("err = %v, want a certificate error", r.err)
				}
				var unknown x509.UnknownAuthorityError
				if !errors.As(r.err, &unknown) {
					t.Errorf("err = %v, want an x509.UnknownAuthorityError", r.err)
				}
			},
		},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int64
			var target *Target
			if tc.target != nil {
				target = tc.target(t)
			} else {
				srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					requests.Add(1)
					tc.handler(w, r)
				}))
				client := srv.Client()
				// As prometheus/common's transport does in production.
				client.Transport.(*http.Transport).DisableCompression = true
				limitRedirects(client, DefaultMaxRedirects)
				target = &Target{Name: "test", SummaryURL: srv.URL + SummaryPath, Client: client}
			}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			r := fetchNoPanic(t, &Fetcher{UserAgent: "test", MaxBodySize: tc.maxBody}, target, timeout)
			r.requests = requests.Load()
			tc.check(t, r)
		})
	}
}

// fetchNoPanic turns a panic into a failure of this case alone.
func fetchNoPanic(t *testing.T, f *Fetcher, target *Target, timeout time.Duration) (r fetchResult) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Fetch panicked: %v", p)
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	start := time.Now()
	r.sum, r.resp, r.err = f.Fetch(ctx, target)
	r.elapsed = time.Since(start)
	return r
}

func wantOK(t *testing.T, r fetchResult) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("unexpected error: %v", r.err)
	}
	if r.sum == nil {
		t.Fatal("nil summary without an error")
	}
	if r.resp.StatusCode != http.StatusOK {
		t.Errorf("status code = %d, want 200", r.resp.StatusCode)
	}
}

func wantHTTPError(code int, retryAfter time.Duration, text string) func(*testing.T, fetchResult) {
	return func(t *testing.T, r fetchResult) {
		t.Helper()
		var herr *HTTPError
		if !errors.As(r.err, &herr) {
			t.Fatalf("err = %v (%T), want *HTTPError", r.err, r.err)
		}
		if herr.StatusCode != code || herr.RetryAfter != retryAfter {
			t.Errorf("got status %d retry after %s, want %d and %s", herr.StatusCode, herr.RetryAfter, code, retryAfter)
		}
		if !strings.Contains(r.err.Error(), text) {
			t.Errorf("err %q does not contain %q", r.err, text)
		}
		if r.resp.StatusCode != code {
			t.Errorf("Response.StatusCode = %d, want %d", r.resp.StatusCode, code)
		}
		if r.sum != nil {
			t.Errorf("summary %+v returned with an error", r.sum)
		}
	}
}

// wantRetryAfterAbout allows for the whole seconds an HTTP date is rounded to
// and for the time between the server writing it and the client reading it.
func wantRetryAfterAbout(code int, d time.Duration) func(*testing.T, fetchResult) {
	return func(t *testing.T, r fetchResult) {
		t.Helper()
		var herr *HTTPError
		if !errors.As(r.err, &herr) {
			t.Fatalf("err = %v (%T), want *HTTPError", r.err, r.err)
		}
		if herr.StatusCode != code {
			t.Errorf("status = %d, want %d", herr.StatusCode, code)
		}
		if herr.RetryAfter < d-5*time.Second || herr.RetryAfter > d {
			t.Errorf("RetryAfter = %s, want about %s", herr.RetryAfter, d)
		}
	}
}

func wantDecodeError(contentType, text string) func(*testing.T, fetchResult) {
	return func(t *testing.T, r fetchResult) {
		t.Helper()
		var derr *DecodeError
		if !errors.As(r.err, &derr) {
			t.Fatalf("err = %v (%T), want *DecodeError", r.err, r.err)
		}
		if derr.ContentType != contentType {
			t.Errorf("content type = %q, want %q", derr.ContentType, contentType)
		}
		if !strings.Contains(r.err.Error(), text) || !strings.Contains(r.err.Error(), contentType) {
			t.Errorf("err %q should contain %q and the content type", r.err, text)
		}
		if r.resp.StatusCode != http.StatusOK {
			t.Errorf("status code = %d, want 200", r.resp.StatusCode)
		}
	}
}

func wantRedirectsStopped(t *testing.T, r fetchResult) {
	t.Helper()
	want := fmt.Sprintf("stopped after %d redirects", DefaultMaxRedirects)
	if r.err == nil || r.err.Error() != want {
		t.Fatalf("err = %v, want %q", r.err, want)
	}
	if want := int64(DefaultMaxRedirects + 1); r.requests != want {
		t.Errorf("server saw %d requests, want %d", r.requests, want)
	}
}

func statusWithRetryAfter(code int, value func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", value())
		w.WriteHeader(code)
	}
}

func httpDateIn(d time.Duration) func() string {
	return func() string { return time.Now().Add(d).UTC().Format(http.TimeFormat) }
}

// movedPage imitates status.anthropic.com moving to status.claude.com.
func movedPage(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == SummaryPath {
			http.Redirect(w, r, "/moved"+SummaryPath, http.StatusMovedPermanently)
			return
		}
		serveBytes(body)(w, r)
	}
}

func redirectLoop(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == SummaryPath {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
		return
	}
	http.Redirect(w, r, SummaryPath, http.StatusFound)
}

// redirectChain sends the client through hops redirects before the document.
func redirectChain(hops int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("hop"))
		if n < hops {
			http.Redirect(w, r, SummaryPath+"?hop="+strconv.Itoa(n+1), http.StatusFound)
			return
		}
		serveBytes(body)(w, r)
	}
}

func gzipped(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		_, _ = gz.Write(body)
		_ = gz.Close()
	}
}

// gzipIfAsked serves body gzip-encoded only to a client that asked for it,
// as real pages (and their CDNs) do.
func gzipIfAsked(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "this test wants gzip asked for", http.StatusNotAcceptable)
			return
		}
		gzipped(body)(w, r)
	}
}

// endlessBody streams whitespace inside an object until the client goes
// away, counting what it got out. The bounds (256 MiB, 10 s) only matter if
// the size cap were broken.
func endlessBody(written *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(" "), 4096)
		_, _ = w.Write([]byte(`{"page":`))
		stop := time.Now().Add(10 * time.Second)
		for i := 0; i < 64<<10 && r.Context().Err() == nil && time.Now().Before(stop); i++ {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

// hang never answers; it returns when the client gives up or, as a bound,
// after a while.
func hang(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

// stallBody sends the headers and the start of a document, then waits like
// hang.
func stallBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"page":`))
	_ = http.NewResponseController(w).Flush()
	hang(w, r)
}

// freshClient has its own transport: no proxy from the environment, system
// roots for TLS, and connections closed when the test ends.
func freshClient(t *testing.T, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	tr := &http.Transport{DialContext: dial}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func refusedTarget(t *testing.T) *Target {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return &Target{Name: "refused", SummaryURL: "http://" + addr + SummaryPath, Client: freshClient(t, nil)}
}

// noDNSTarget fails name resolution inside the process, so the test never
// asks a real resolver.
func noDNSTarget(t *testing.T) *Target {
	d := &net.Dialer{Resolver: &net.Resolver{
		PreferGo: true,
		Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("no dns in tests")
		},
	}}
	return &Target{
		Name:       "nodns",
		SummaryURL: "http://status.example.invalid" + SummaryPath,
		Client:     freshClient(t, d.DialContext),
	}
}

func untrustedTLSTarget(t *testing.T) *Target {
	srv := httptest.NewUnstartedServer(serveBytes(fixture(t, "all_operational.json")))
	// The rejected handshake is the point of the test, not server news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &Target{Name: "tls", SummaryURL: srv.URL + SummaryPath, Client: freshClient(t, nil)}
}

// TestFetchRequestHeaders checks what upstream pages see of us: a User-Agent
// they can contact us by and a request for JSON.
func TestFetchRequestHeaders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, userAgent, wantUA string
	}{
		{"configured user agent", "statuspage_exporter/1.2.3", "statuspage_exporter/1.2.3"},
		{"default user agent", "", "Go-http-client/1.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan http.Header, 1)
			body := fixture(t, "all_operational.json")
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case got <- r.Header.Clone():
				default:
				}
				serveBytes(body)(w, r)
			}))
			f := &Fetcher{UserAgent: tc.userAgent}
			r := fetchNoPanic(t, f, &Target{Name: "h", SummaryURL: srv.URL + SummaryPath, Client: srv.Client()}, 5*time.Second)
			wantOK(t, r)
			h := <-got
			if ua := h.Get("User-Agent"); ua != tc.wantUA {
				t.Errorf("User-Agent = %q, want %q", ua, tc.wantUA)
			}
			if a := h.Get("Accept"); a != "application/json" {
				t.Errorf("Accept = %q, want application/json", a)
			}
		})
	}
}

// TestSummaryURL: where the summary document of a base URL is; bad base
// URLs are refused before that, by config.ParseURL.
func TestSummaryURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		base, want, wantErr string
	}{
		{base: "https://status.example.com", want: "https://status.example.com/api/v2/summary.json"},
		{base: "https://status.example.com/", want: "https://status.example.com/api/v2/summary.json"},
		{base: "https://example.com/status", want: "https://example.com/status/api/v2/summary.json"},
		{base: "https://example.com/status/", want: "https://example.com/status/api/v2/summary.json"},
		{base: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/api/v2/summary.json"},
		{base: "HTTPS://Status.Example.com", want: "https://Status.Example.com/api/v2/summary.json"},
		{base: "https://status.example.com/api/v2/summary.json", want: "https://status.example.com/api/v2/summary.json"},
		{base: "https://example.com/feeds/status.json", want: "https://example.com/feeds/status.json"},
		// config.ParseURL refuses queries; summaryURL would keep one.
		{base: "https://status.example.com?lang=en", want: "https://status.example.com/api/v2/summary.json?lang=en"},
		{base: "ftp://status.example.com", wantErr: `scheme must be http or https, got "ftp"`},
		{base: "status.example.com", wantErr: `scheme must be http or https, got ""`},
		{base: "https://", wantErr: "missing host"},
		{base: "https:///api/v2/summary.json", wantErr: "missing host"},
		{base: "http://[::1", wantErr: "missing ']' in host"},
	}
	for _, tc := range cases {
		t.Run(tc.base, func(t *testing.T) {
			t.Parallel()
			if tc.wantErr != "" {
				// Bad base URLs never get here: config.ParseURL, the one
				// check of page and ad-hoc URLs, refuses them.
				u, err := config.ParseURL(tc.base)
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("config.ParseURL(%q) = %v, %v; want error %q", tc.base, u, err, tc.wantErr)
				}
				return
			}
			u, err := url.Parse(tc.base)
			if err != nil {
				t.Fatal(err)
			}
			if got := summaryURL(u); got != tc.want {
				t.Fatalf("summaryURL(%q) = %q; want %q", tc.base, got, tc.want)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		body    []byte
		wantErr string
	}{
		{"empty", nil, "empty body"},
		{"whitespace only", []byte(" \r\n\t"), "empty body"},
		{"byte order mark only", []byte("\xef\xbb\xbf"), "empty body"},
		{"HTML", fixture(t, "not_json.html"), "got HTML or XML, not JSON"},
		{"XML", []byte(`<?xml version="1.0"?><error/>`), "got HTML or XML, not JSON"},
		{"array", fixture(t, "wrong_top_level.json"), "top-level value is not a JSON object"},
		{"null", []byte("null"), "top-level value is not a JSON object"},
		{"string", []byte(`"ok"`), "top-level value is not a JSON object"},
		{"truncated", fixture(t, "truncated.json"), "unexpected end of JSON input"},
		{"trailing garbage", []byte(`{"page":{}} {}`), "invalid character"},
		{"malformed", []byte(`{"page": {"id": "x",}}`), "invalid character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Decode(tc.body)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Decode = %+v, %v; want error %q", s, err, tc.wantErr)
			}
			if s != nil {
				t.Errorf("summary %+v returned with an error", s)
			}
		})
	}
}

// TestDecodeTolerates covers shapes real pages send that must not cost us
// the page.
func TestDecodeTolerates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		body  []byte
		check func(t *testing.T, s *Summary)
	}{
		{
			name: "date-only start_date and updated_at",
			body: []byte(`{"page":{"id":"p","updated_at":"2026-02-03"},"components":[{"id":"c","start_date":"2024-03-01","updated_at":"2024-03-01"}]}`),
			check: func(t *testing.T, s *Summary) {
				want := time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)
				if !s.Page.UpdatedAt.Equal(want) {
					t.Errorf("page updated_at = %v, want %v", s.Page.UpdatedAt, want)
				}
				if len(s.Components) != 1 || s.Components[0].UpdatedAt.Year() != 2024 {
					t.Errorf("components = %+v", s.Components)
				}
			},
		},
		{
			name: "fixture with a date-only start_date",
			body: fixture(t, "all_operational.json"),
			check: func(t *testing.T, s *Summary) {
				if len(s.Components) != 5 || s.Status.Indicator != "none" {
					t.Errorf("got %d components, indicator %q", len(s.Components), s.Status.Indicator)
				}
			},
		},
		{
			name: "reminder_intervals null and \"[]\"",
			body: fixture(t, "maintenance.json"),
			check: func(t *testing.T, s *Summary) {
				if len(s.ScheduledMaintenances) != 2 {
					t.Fatalf("got %d maintenances, want 2", len(s.ScheduledMaintenances))
				}
				m := s.ScheduledMaintenances[1]
				if m.ID != "globexmnt002" || m.Status != "scheduled" || m.ScheduledFor.IsZero() {
					t.Errorf("second maintenance = %+v", m)
				}
			},
		},
		{
			name: "components of the wrong type",
			body: []byte(`{"page":{"id":"p"},"components":"oops","incidents":[{"id":"i1","status":"investigating"}],"status":{"indicator":"minor"}}`),
			check: func(t *testing.T, s *Summary) {
				if s.Components != nil {
					t.Errorf("components = %+v, want none", s.Components)
				}
				// Fields after the bad one still count.
				if s.Page.ID != "p" || len(s.Incidents) != 1 || s.Status.Indicator != "minor" {
					t.Errorf("rest of the document lost: %+v", s)
				}
			},
		},
		{
			name: "component name of the wrong type",
			body: []byte(`{"page":{"id":"p1"},"components":[{"id":"c1","name":5,"status":"operational"},{"id":"c2","name":"Two","status":"major_outage"}]}`),
			check: func(t *testing.T, s *Summary) {
				if len(s.Components) != 2 {
					t.Fatalf("got %d components, want 2", len(s.Components))
				}
				if c := s.Components[0]; c.ID != "c1" || c.Name != "" || c.Status != "operational" {
					t.Errorf("first component = %+v", c)
				}
				if c := s.Components[1]; c.Name != "Two" || c.Status != "major_outage" {
					t.Errorf("second component = %+v", c)
				}
			},
		},
		{
			name: "timestamps and flags of the wrong type",
			body: []byte(`{"page":{"id":"p","updated_at":1700000000},"components":[{"id":"c","group":"yes","updated_at":"soon"}]}`),
			check: func(t *testing.T, s *Summary) {
				if !s.Page.UpdatedAt.IsZero() || len(s.Components) != 1 || !s.Components[0].UpdatedAt.IsZero() {
					t.Errorf("got %+v", s)
				}
			},
		},
		{
			name: "invalid UTF-8 in a name",
			body: []byte("{\"page\":{\"name\":\"Caf\xe9 \xff\xfe\"},\"components\":[{\"id\":\"c\",\"name\":\"S\xc3o Paulo\"}]}"),
			check: func(t *testing.T, s *Summary) {
				for _, name := range []string{s.Page.Name, s.Components[0].Name} {
					if !utf8.ValidString(name) {
						t.Errorf("name %q is not valid UTF-8", name)
					}
					if !strings.ContainsRune(name, utf8.RuneError) {
						t.Errorf("name %q lost the marker of its bad bytes", name)
					}
				}
				if !strings.HasPrefix(s.Page.Name, "Caf") {
					t.Errorf("page name = %q, want the valid part kept", s.Page.Name)
				}
			},
		},
		{
			name: "unknown enum values",
			body: fixture(t, "unknown_enums.json"),
			check: func(t *testing.T, s *Summary) {
				got := []string{s.Status.Indicator, s.Components[0].Status, s.Incidents[0].Status, s.Incidents[0].Impact, s.ScheduledMaintenances[0].Status}
				want := []string{"degraded", "full_outage", "in_review", "severe", "postponed"}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("got %q, want %q verbatim", got, want)
				}
			},
		},
		{
			name: "incident.io shape",
			body: fixture(t, "incident_io.json"),
			check: func(t *testing.T, s *Summary) {
				if s.Page.TimeZone != "" || s.Incidents != nil || s.ScheduledMaintenances != nil || len(s.Components) != 4 {
					t.Errorf("got %+v", s)
				}
			},
		},
		{
			name: "edge values",
			body: fixture(t, "edge_values.json"),
			check: func(t *testing.T, s *Summary) {
				if len(s.Components) != 5 {
					t.Fatalf("got %d components, want 5", len(s.Components))
				}
				if n := s.Components[0].Name; n != "<b>API</b> &amp; Webhooks" {
					t.Errorf("HTML name = %q, want it verbatim", n)
				}
				if n := s.Components[1].Name; n != "Mail Relay\r\n(legacy)" {
					t.Errorf("CR/LF name = %q, want it verbatim", n)
				}
				if n := len(s.Components[2].Name); n != 600 {
					t.Errorf("long name has %d bytes, want 600", n)
				}
				if s.Components[4].Status != "" {
					t.Errorf("null status = %q", s.Components[4].Status)
				}
				inc := s.Incidents[0]
				if inc.Shortlink != "" || !inc.StartedAt.IsZero() || inc.Started().IsZero() {
					t.Errorf("incident with null started_at: %+v", inc)
				}
			},
		},
		{
			name: "leading whitespace and byte order mark",
			body: []byte("\xef\xbb\xbf\r\n  {\"page\":{\"id\":\"p\"}}"),
			check: func(t *testing.T, s *Summary) {
				if s.Page.ID != "p" {
					t.Errorf("page id = %q", s.Page.ID)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Decode(tc.body)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			tc.check(t, s)
		})
	}
}

func TestTimestampUnmarshal(t *testing.T) {
	t.Parallel()
	utc := func(y int, m time.Month, d, hh, mm, ss, ms int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, ms*int(time.Millisecond), time.UTC)
	}
	cases := []struct {
		in   string
		want time.Time // zero for unknown
	}{
		{`"2026-02-03T09:15:27.481Z"`, utc(2026, 2, 3, 9, 15, 27, 481)},
		{`"2026-02-03T09:15:27Z"`, utc(2026, 2, 3, 9, 15, 27, 0)},
		{`"2026-03-10T14:27:51.208-04:00"`, utc(2026, 3, 10, 18, 27, 51, 208)},
		{`"2026-03-10T14:27:51+0200"`, utc(2026, 3, 10, 12, 27, 51, 0)},
		{`"2026-03-10T14:27:51"`, utc(2026, 3, 10, 14, 27, 51, 0)},
		{`"2024-03-01"`, utc(2024, 3, 1, 0, 0, 0, 0)},
		{`null`, time.Time{}},
		{`""`, time.Time{}},
		{`"next tuesday"`, time.Time{}},
		{`1700000000`, time.Time{}},
		{`true`, time.Time{}},
		{`"\u0032026-01-01"`, utc(2026, 1, 1, 0, 0, 0, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			// Start from a set time: an unreadable value must reset it.
			ts := Timestamp{Time: time.Unix(1, 0)}
			if err := ts.UnmarshalJSON([]byte(tc.in)); err != nil {
				t.Fatalf("UnmarshalJSON(%s): %v", tc.in, err)
			}
			if !ts.Equal(tc.want) || ts.IsZero() != tc.want.IsZero() {
				t.Errorf("UnmarshalJSON(%s) = %v, want %v", tc.in, ts.Time, tc.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	cases := []struct {
		name, in string
		want     time.Duration
	}{
		{"empty", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"seconds with spaces", " 30 ", 30 * time.Second},
		{"zero", "0", 0},
		{"negative", "-5", 0},
		{"at the cap", "600", MaxRetryAfter},
		{"beyond the cap", "3600", MaxRetryAfter},
		{"huge", "99999999999", MaxRetryAfter},
		{"beyond int64", "99999999999999999999999", MaxRetryAfter},
		{"below int64", "-99999999999999999999999", 0},
		{"fraction", "1.5", 0},
		{"garbage", "soon", 0},
		{"date", date(90 * time.Second), 90 * time.Second},
		{"RFC 850 date", now.Add(time.Minute).Format(time.RFC850), time.Minute},
		{"ANSI C date", now.Add(2 * time.Minute).Format(time.ANSIC), 2 * time.Minute},
		{"date now", date(0), 0},
		{"past date", date(-time.Hour), 0},
		{"far future date", date(48 * time.Hour), MaxRetryAfter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ParseRetryAfter(tc.in, now); got != tc.want {
				t.Errorf("ParseRetryAfter(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestHTTPErrorText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  *HTTPError
		want string
	}{
		{&HTTPError{StatusCode: 404}, "unexpected HTTP status 404 Not Found"},
		{&HTTPError{StatusCode: 429, RetryAfter: 90 * time.Second}, "unexpected HTTP status 429 Too Many Requests (retry after 1m30s)"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestReadBodyPreallocation: an announced Content-Length sizes the buffer
// only up to maxPrealloc, so a page that announces 4 MiB and sends a few
// bytes costs a few bytes; a real body still reads whole.
func TestReadBodyPreallocation(t *testing.T) {
	t.Parallel()
	body, err := readBody(strings.NewReader(`{"page":{"id":"x"}}`), 4<<20, 4<<20)
	if err != nil {
		t.Fatal(err)
	}
	// Allocations round up to a size class: about maxPrealloc, not 4 MiB.
	if c := cap(body); c > 2*maxPrealloc {
		t.Errorf("a 4 MiB announcement allocated %d bytes for a 19-byte body, want at most %d", c, 2*maxPrealloc)
	}
	big := strings.Repeat("a", 300<<10)
	if body, err := readBody(strings.NewReader(big), 4<<20, int64(len(big))); err != nil || string(body) != big {
		t.Errorf("a 300 KiB body: %d bytes, %v", len(body), err)
	}
}
