package statuspage

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestRetireClosesLateConnections: with KeepAlive, a scrape that still holds a replaced
// configuration can start a request on its client after the reload has
// closed the client's idle connections; Go's transport then keeps new idle
// connections again, on a client nobody will use, for its idle timeout
// (minutes), two goroutines each. retire sweeps again once the page's
// timeout has passed.
func TestRetireClosesLateConnections(t *testing.T) {
	t.Parallel()
	srv, _, open := connCountingPage(t)
	a := buildDoc(t, "defaults: {timeout: 300ms}\npages:\n  - {name: p, url: \""+srv.URL+"\"}\n", ClientOptions{KeepAlive: true})
	target := a.Target("p")
	a.retire(100 * time.Millisecond)
	// The late request: its connection stays idle afterwards.
	res, err := target.Client.Get(target.SummaryURL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if open.Load() != 1 {
		t.Fatalf("%d connections open after the late request, want 1 (idle)", open.Load())
	}
	deadline := time.Now().Add(5 * time.Second)
	for open.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the idle connection of a retired configuration with a 300ms timeout is still open after 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConnectionPerFetch: without KeepAlive, no connection stays open after
// a fetch; with it, the next fetch of the page reuses the connection.
func TestConnectionPerFetch(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		srv, opened, open := connCountingPage(t)
		a := buildDoc(t, "pages:\n  - {name: p, url: \""+srv.URL+"\"}\n", ClientOptions{KeepAlive: keep})
		target := a.Target("p")
		var f Fetcher
		for range 3 {
			if _, _, err := f.Fetch(t.Context(), target); err != nil {
				t.Fatalf("keep-alive %t: %v", keep, err)
			}
		}
		want := int64(3)
		if keep {
			want = 1
		}
		if n := opened.Load(); n != want {
			t.Errorf("keep-alive %t: %d connections for 3 fetches, want %d", keep, n, want)
		}
		if !keep {
			deadline := time.Now().Add(5 * time.Second)
			for open.Load() != 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond) // the server sees the close a moment later
			}
			if n := open.Load(); n != 0 {
				t.Errorf("keep-alive off: %d connections still open after the fetches", n)
			}
		}
		target.Client.CloseIdleConnections()
	}
}

// connCountingPage serves a minimal document on loopback and counts the
// connections opened and those still open.
func connCountingPage(t *testing.T) (srv *httptest.Server, opened, open *atomic.Int64) {
	opened, open = new(atomic.Int64), new(atomic.Int64)
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"page":{"id":"p","name":"P"}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			opened.Add(1)
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, opened, open
}
