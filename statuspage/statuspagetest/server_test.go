package statuspagetest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

func TestSummaryDecodes(t *testing.T) {
	t.Parallel()
	for _, sh := range []statuspagetest.Shape{
		{Components: 11},
		{Components: 300, GroupEvery: 10, Incidents: 2, Maintenances: 1},
		{Components: 1},
	} {
		s, err := statuspage.Decode(statuspagetest.Summary(3, sh, 1))
		if err != nil {
			t.Fatalf("%+v: %v", sh, err)
		}
		if len(s.Components) != sh.Components || len(s.Incidents) != sh.Incidents || len(s.ScheduledMaintenances) != sh.Maintenances {
			t.Errorf("%+v: got %d components, %d incidents, %d maintenances", sh,
				len(s.Components), len(s.Incidents), len(s.ScheduledMaintenances))
		}
		groups := 0
		for _, c := range s.Components {
			if c.Group {
				groups++
			}
		}
		if want := (sh.Components + sh.GroupEvery - 1) / max(sh.GroupEvery, 1); sh.GroupEvery > 0 && groups != want {
			t.Errorf("%+v: %d groups, want %d", sh, groups, want)
		}
	}
}

func newServer(t *testing.T, o statuspagetest.Options) *statuspagetest.Server {
	t.Helper()
	s, err := statuspagetest.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func fetch(t *testing.T, c *http.Client, url string, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+statuspagetest.SummaryPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// Drained, so the connection goes back to the pool.
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestServerCountsAndValidators(t *testing.T) {
	t.Parallel()
	s := newServer(t, statuspagetest.Options{Pages: 3, Shape: statuspagetest.Shape{Components: 5}})
	c := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	res := fetch(t, c, s.URL(1), nil)
	etag, mod := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	if res.StatusCode != http.StatusOK || etag == "" || mod == "" {
		t.Fatalf("first answer: %d, etag %q, last-modified %q", res.StatusCode, etag, mod)
	}
	if got := fetch(t, c, s.URL(1), map[string]string{"If-None-Match": etag}).StatusCode; got != http.StatusNotModified {
		t.Errorf("If-None-Match: got %d", got)
	}
	if got := fetch(t, c, s.URL(1), map[string]string{"If-Modified-Since": mod}).StatusCode; got != http.StatusNotModified {
		t.Errorf("If-Modified-Since: got %d", got)
	}
	s.Update(1, statuspagetest.Shape{Components: 6})
	res = fetch(t, c, s.URL(1), map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == etag {
		t.Errorf("after an update: %d with etag %q", res.StatusCode, res.Header.Get("ETag"))
	}
	if got := fetch(t, c, s.URL(1), map[string]string{"If-Modified-Since": mod}).StatusCode; got != http.StatusOK {
		t.Errorf("If-Modified-Since after an update: got %d", got)
	}
	if r, nm, conns := s.Requests(1), s.NotModified(1), s.Connections(1); r != 5 || nm != 2 || conns != 1 {
		t.Errorf("page 1: %d requests, %d not modified, %d connections; want 5, 2, 1 (keep-alive)", r, nm, conns)
	}
	if s.MinGap(1) <= 0 || s.MinGap(0) != 0 {
		t.Errorf("min gaps: page 1 %s, page 0 %s", s.MinGap(1), s.MinGap(0))
	}
	if r, _, _ := s.Totals(); r != 5 || s.Requests(0) != 0 {
		t.Errorf("totals: %d requests, page 0 has %d", r, s.Requests(0))
	}
}

func TestServerFailures(t *testing.T) {
	t.Parallel()
	s := newServer(t, statuspagetest.Options{Pages: 1, Shape: statuspagetest.Shape{Components: 5}, NoValidators: true})
	f := statuspage.Fetcher{}
	target := &statuspage.Target{Name: "p", SummaryURL: s.URL(0) + statuspagetest.SummaryPath, Client: &http.Client{}}
	check := func(name string, ok func(error) bool) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, _, err := f.Fetch(ctx, target)
		if !ok(err) {
			t.Errorf("%s: unexpected error %v", name, err)
		}
	}
	var herr *statuspage.HTTPError
	var derr *statuspage.DecodeError
	check("ok", func(err error) bool { return err == nil })
	s.SetFailure(0, statuspagetest.ServerError)
	check("500", func(err error) bool { return errors.As(err, &herr) && herr.StatusCode == 500 })
	s.SetFailure(0, statuspagetest.TooManyRequests)
	check("429", func(err error) bool { return errors.As(err, &herr) && herr.RetryAfter == time.Minute })
	s.SetFailure(0, statuspagetest.HTMLPage)
	check("html", func(err error) bool { return errors.As(err, &derr) && derr.ContentType == "text/html" })
	s.SetFailure(0, statuspagetest.Truncated)
	check("truncated", func(err error) bool { return errors.As(err, &derr) })
	s.SetFailure(0, statuspagetest.Hang)
	check("hang", func(err error) bool { return errors.Is(err, context.DeadlineExceeded) })
	s.SetFailure(0, statuspagetest.OK)
	check("recovered", func(err error) bool { return err == nil })
}
