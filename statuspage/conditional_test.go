package statuspage

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// TestConditionalRequests: once a page has given validators, an unchanged
// document costs a 304 and no new translation, counts as a success and
// makes the data fresh again; a changed one is fetched and prepared anew.
func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	for _, validators := range []string{"etag", "last-modified"} {
		t.Run(validators, func(t *testing.T) {
			t.Parallel()
			up := statuspagetest.Start(t, statuspagetest.Options{Pages: 1, Shape: statuspagetest.Shape{Components: 3}})
			clock := newFakeClock()
			prepared := 0
			s := NewStore(StoreOptions[int]{Now: clock.Now, Prepare: func(_ *Target, sum *Summary) (int, error) {
				prepared++ // called inside the singleflight fetch: never concurrently here
				return len(sum.Components), nil
			}})
			target := &Target{Name: "p", SummaryURL: up.URL(0) + SummaryPath, Timeout: 5 * time.Second, CacheTTL: time.Minute, MaxStale: time.Hour}
			if validators == "last-modified" {
				target.Client = &http.Client{Transport: dropETag{http.DefaultTransport}}
			}
			first := s.Get(context.Background(), target)
			if !first.Fresh || first.Data != 3 || prepared != 1 || !first.HasData {
				t.Fatalf("first Get: fresh %t, data %v, %d preparations, has data %t", first.Fresh, first.Data, prepared, first.HasData)
			}

			at := clock.Advance(2 * time.Minute)
			r := s.Get(context.Background(), target)
			if !r.Fresh || r.Outcome != OutcomeMiss || r.Data != 3 || !r.LastSuccess.Equal(at) {
				t.Errorf("after a 304: fresh %t, outcome %s, data %v, last success %s (want %s)",
					r.Fresh, r.Outcome, r.Data, r.LastSuccess, at)
			}
			if got := up.NotModified(0); got != 1 || prepared != 1 {
				t.Errorf("304 answers: %d, preparations: %d; want 1 and 1", got, prepared)
			}
			if r := s.Get(context.Background(), target); r.Outcome != OutcomeHit {
				t.Errorf("within the TTL after a 304: outcome %s, want hit", r.Outcome)
			}

			// Past max_stale the data is gone from results but a 304 still
			// revives it: the page says it has not changed.
			up.SetFailure(0, statuspagetest.ServerError)
			clock.Advance(2 * time.Minute)
			if r := s.Get(context.Background(), target); r.Fresh || !r.HasData {
				t.Errorf("after a failure: fresh %t, has data %t; want stale data", r.Fresh, r.HasData)
			}
			clock.Advance(2 * time.Hour)
			if r := s.Get(context.Background(), target); r.HasData {
				t.Errorf("past max_stale: data still served")
			}
			up.SetFailure(0, statuspagetest.OK)
			clock.Advance(2 * time.Minute)
			if r := s.Get(context.Background(), target); !r.Fresh || r.Data != 3 || prepared != 1 || up.NotModified(0) != 2 {
				t.Errorf("304 after max_stale: fresh %t, prepared %v, %d preparations, %d 304s", r.Fresh, r.Data, prepared, up.NotModified(0))
			}

			up.Update(0, statuspagetest.Shape{Components: 5})
			clock.Advance(2 * time.Minute)
			r = s.Get(context.Background(), target)
			if !r.Fresh || r.Data != 5 || prepared != 2 || up.Requests(0) != 6 {
				t.Errorf("after an update: fresh %t, prepared %v, %d preparations, %d requests", r.Fresh, r.Data, prepared, up.Requests(0))
			}
		})
	}
}

// dropETag hides the ETag header, leaving Last-Modified as the only validator.
type dropETag struct{ rt http.RoundTripper }

func (d dropETag) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := d.rt.RoundTrip(r)
	if err == nil {
		res.Header.Del("ETag")
	}
	return res, err
}

// TestNotModifiedWithoutConditionalRequest: a 304 to a request that asked
// nothing conditional is an error, not a success with no data.
func TestNotModifiedWithoutConditionalRequest(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	f := Fetcher{}
	_, resp, err := f.Fetch(context.Background(), &Target{Name: "p", SummaryURL: srv.URL + SummaryPath})
	var herr *HTTPError
	if !errors.As(err, &herr) || herr.StatusCode != http.StatusNotModified || resp.NotModified {
		t.Errorf("got %v (not modified %t), want an HTTP 304 error", err, resp.NotModified)
	}
}

// TestValidatorTooLong: a page cannot make the exporter store and resend an
// absurd header.
func TestValidatorTooLong(t *testing.T) {
	t.Parallel()
	etag := `"` + strings.Repeat("a", 2000) + `"`
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Fri, 20 Nov 2026 10:00:00 GMT")
		serveBytes(statuspagetest.Summary(0, statuspagetest.Shape{Components: 1}, 0))(w, r)
	}))
	f := Fetcher{}
	_, resp, err := f.Fetch(context.Background(), &Target{Name: "p", SummaryURL: srv.URL + SummaryPath})
	if err != nil || len(resp.Validators) != 1 || resp.Validators[0].ETag != "" || resp.Validators[0].LastModified == "" {
		t.Errorf("got %v, validators %+v; want the ETag dropped and Last-Modified kept", err, resp.Validators)
	}
}
