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

// TestRetireClosesLateConnections: a scrape that still holds a replaced
// configuration can start a request on its client after the reload has
// closed the client's idle connections; Go's transport then keeps new idle
// connections again, on a client nobody will use, for its idle timeout
// (minutes), two goroutines each. retire sweeps again once the page's
// timeout has passed.
func TestRetireClosesLateConnections(t *testing.T) {
	t.Parallel()
	var open atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"page":{"id":"p","name":"P"}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	a := buildDoc(t, "defaults: {timeout: 300ms}\npages:\n  - {name: p, url: \""+srv.URL+"\"}\n")
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
