package statuspage

import "time"

// PageState is what the store knows of one page, for people: the landing
// page and /probe's debug output show it.
type PageState struct {
	// Tried is true once a fetch of the page's current URL, under its
	// current settings, has completed, good or bad.
	Tried bool
	// HasData is true while data younger than MaxStale is held.
	HasData bool
	// LastSuccess is when the data held was fetched; zero before the
	// first success. LastDuration is how long that request took.
	LastSuccess  time.Time
	LastDuration time.Duration
	// Err is why the last attempt failed; nil when it succeeded.
	Err error
	// NextFetch is the earliest time a scrape will ask the page again:
	// when the data ages past CacheTTL, or when a failure's back-off
	// (CacheTTL, or a longer Retry-After) ends. Zero before any attempt.
	NextFetch time.Time
	// LastRequest is the last upstream request, whatever its outcome;
	// zero before the first.
	LastRequest Request
}

// Request describes one upstream request.
type Request struct {
	At       time.Time
	Duration time.Duration
	// StatusCode is the HTTP status, 0 when no response arrived.
	StatusCode int
	// Conditional says the request carried If-None-Match or
	// If-Modified-Since; NotModified that the page answered 304.
	Conditional, NotModified bool
}

func (e *entry[P]) recordRequest(r Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.last = r
}

// Fresh reports whether a scrape at now would serve the data without a
// request.
func (p PageState) Fresh(now time.Time) bool {
	return p.HasData && p.Err == nil && now.Before(p.NextFetch)
}

// State returns what the store holds for t at now, without fetching.
func (s *Store[P]) State(t *Target, now time.Time) PageState {
	s.mu.Lock()
	e, ok := s.entries[t.Name]
	s.mu.Unlock()
	if !ok {
		return PageState{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.owns(t) || (!e.has && e.err == nil) {
		return PageState{}
	}
	st := PageState{
		Tried:        true,
		HasData:      e.has && now.Sub(e.goodAt) < t.MaxStale,
		LastSuccess:  e.goodAt,
		LastDuration: e.goodDur,
		Err:          e.err,
		NextFetch:    e.goodAt.Add(t.CacheTTL),
		LastRequest:  e.last,
	}
	if e.err != nil {
		st.NextFetch = e.notBefore
	}
	return st
}
