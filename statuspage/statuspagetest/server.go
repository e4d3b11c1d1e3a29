// Package statuspagetest runs fake status pages on loopback for tests and
// benchmarks: N pages of generated summary documents, each on its own port
// (so each is its own host to an HTTP client, as real vendor pages are),
// with configurable latency and failures, counting requests, conditional
// answers and new connections per page.
package statuspagetest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// SummaryPath is where every fake page serves its document.
const SummaryPath = "/api/v2/summary.json"

// Failure makes a page misbehave.
type Failure int

// The failures a page can be set to.
const (
	// OK serves the document.
	OK Failure = iota
	// ServerError answers 500.
	ServerError
	// TooManyRequests answers 429 with Retry-After: 60.
	TooManyRequests
	// HTMLPage answers 200 with an HTML error page.
	HTMLPage
	// Truncated answers 200 with the first half of the document.
	Truncated
	// Hang accepts the request and never answers until the client gives up.
	Hang
)

// Options configure a Server.
type Options struct {
	Pages int
	Shape Shape
	// Latency is waited before each answer; the client can cancel it.
	Latency time.Duration
	// NoValidators stops the pages from sending ETag and Last-Modified, so
	// clients cannot make conditional requests.
	NoValidators bool
}

// Server is a set of fake pages. Its methods are safe for concurrent use.
type Server struct {
	opts  Options
	srv   *http.Server
	pages []*page
	port  map[int]*page
	wg    sync.WaitGroup
}

type page struct {
	index int
	url   string

	mu      sync.Mutex
	doc     []byte
	etag    string
	mod     time.Time
	version int
	failure Failure

	requests    atomic.Int64
	notModified atomic.Int64
	conns       atomic.Int64

	arrivals sync.Mutex // guards last and minGap
	last     time.Time
	minGap   time.Duration
}

// NewServer starts o.Pages fake pages on free 127.0.0.1 ports. Close it.
func NewServer(o Options) (*Server, error) {
	s := &Server{opts: o, port: make(map[int]*page, o.Pages)}
	var listeners []net.Listener
	for i := range o.Pages {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return nil, fmt.Errorf("page %d: %w", i, err)
		}
		listeners = append(listeners, l)
		p := &page{index: i, url: "http://" + l.Addr().String()}
		p.set(Summary(i, o.Shape, 0), 0, o.NoValidators)
		s.pages = append(s.pages, p)
		s.port[l.Addr().(*net.TCPAddr).Port] = p
	}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateNew {
				if p := s.pageOf(c.LocalAddr()); p != nil {
					p.conns.Add(1)
				}
			}
		},
	}
	for _, l := range listeners {
		s.wg.Go(func() { _ = s.srv.Serve(l) })
	}
	return s, nil
}

// Start starts a server for tb, failing tb if it cannot, and closes it
// when tb ends.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	s, err := NewServer(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Close stops every page and closes their connections.
func (s *Server) Close() {
	_ = s.srv.Close()
	s.wg.Wait()
}

// URL returns page i's base URL; its document is at URL(i)+SummaryPath.
func (s *Server) URL(i int) string { return s.pages[i].url }

// Len returns the number of pages.
func (s *Server) Len() int { return len(s.pages) }

// Requests returns the requests page i has received.
func (s *Server) Requests(i int) int64 { return s.pages[i].requests.Load() }

// NotModified returns the requests page i answered with 304.
func (s *Server) NotModified(i int) int64 { return s.pages[i].notModified.Load() }

// Connections returns the connections opened to page i.
func (s *Server) Connections(i int) int64 { return s.pages[i].conns.Load() }

// Totals returns requests, 304 answers and connections over every page.
func (s *Server) Totals() (requests, notModified, conns int64) {
	for _, p := range s.pages {
		requests += p.requests.Load()
		notModified += p.notModified.Load()
		conns += p.conns.Load()
	}
	return requests, notModified, conns
}

// MinGap returns the shortest time between two consecutive requests to page
// i, zero before its second request. A cache that never asks twice within
// its TTL keeps it at or above the TTL.
func (s *Server) MinGap(i int) time.Duration {
	p := s.pages[i]
	p.arrivals.Lock()
	defer p.arrivals.Unlock()
	return p.minGap
}

// SetFailure makes page i misbehave (or recover, with OK).
func (s *Server) SetFailure(i int, f Failure) {
	p := s.pages[i]
	p.mu.Lock()
	p.failure = f
	p.mu.Unlock()
}

// Update publishes a new version of page i's document, with shape sh, as a
// vendor's edit would: a new ETag and Last-Modified.
func (s *Server) Update(i int, sh Shape) {
	p := s.pages[i]
	p.mu.Lock()
	v := p.version + 1
	p.mu.Unlock()
	p.set(Summary(i, sh, v), v, s.opts.NoValidators)
}

// Document returns the document page i serves now.
func (s *Server) Document(i int) []byte {
	p := s.pages[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.doc
}

func (p *page) set(doc []byte, version int, noValidators bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.doc, p.version = doc, version
	p.etag, p.mod = "", time.Time{}
	if !noValidators {
		p.etag = `W/"` + strconv.Itoa(p.index) + "-" + strconv.Itoa(version) + `"`
		// Whole seconds, as HTTP dates carry, and distinct per version.
		p.mod = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).Add(time.Duration(version) * time.Second)
	}
}

func (p *page) arrived(now time.Time) {
	p.arrivals.Lock()
	defer p.arrivals.Unlock()
	if !p.last.IsZero() {
		if gap := now.Sub(p.last); p.minGap == 0 || gap < p.minGap {
			p.minGap = gap
		}
	}
	p.last = now
}

func (s *Server) pageOf(a net.Addr) *page {
	if ta, ok := a.(*net.TCPAddr); ok {
		return s.port[ta.Port]
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	a, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	p := s.pageOf(a)
	if p == nil || r.URL.Path != SummaryPath {
		http.NotFound(w, r)
		return
	}
	p.requests.Add(1)
	p.arrived(time.Now())
	if !wait(r.Context(), s.opts.Latency) {
		return
	}
	p.mu.Lock()
	doc, etag, mod, failure := p.doc, p.etag, p.mod, p.failure
	p.mu.Unlock()
	switch failure {
	case ServerError:
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case TooManyRequests:
		w.Header().Set("Retry-After", "60")
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	case HTMLPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body>We'll be right back.</body></html>"))
		return
	case Hang:
		<-r.Context().Done()
		return
	case Truncated:
		doc = doc[:len(doc)/2]
	}
	if etag != "" {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", mod.Format(http.TimeFormat))
		if notModified(r, etag, mod) {
			p.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	_, _ = w.Write(doc)
}

// notModified applies RFC 9110's precedence: If-None-Match when sent,
// If-Modified-Since otherwise.
func notModified(r *http.Request, etag string, mod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			if tag = strings.TrimSpace(tag); tag == etag || tag == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !mod.After(t)
	}
	return false
}

func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
