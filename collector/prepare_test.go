package collector

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// TestSeriesLimit: a document that makes exactly series_limit series is
// served whole; one more series and it is refused whole, with an error that
// says how many it makes and what the limit is.
func TestSeriesLimit(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	doc := statuspagetest.Summary(1, statuspagetest.Shape{Components: 40, GroupEvery: 10, Incidents: 3, Maintenances: 2}, 0)
	s, err := statuspage.Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	all, err := prepare("p", s, 0, logger)
	if err != nil {
		t.Fatalf("without a limit: %v", err)
	}
	n := all.Len()
	if p, err := prepare("p", s, n, logger); err != nil || p.Len() != n {
		t.Fatalf("limit %d, document of %d series: got %v, %v; want it served whole", n, n, p, err)
	}
	p, err := prepare("p", s, n-1, logger)
	if !errors.Is(err, statuspage.ErrTooManySeries) {
		t.Fatalf("limit %d, document of %d series: got %v, %v; want an error wrapping ErrTooManySeries", n-1, n, p, err)
	}
	if want := fmt.Sprintf("the document makes %d series, series_limit is %d", n, n-1); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// TestSeriesLimitBoundsMemory: a document far over the limit costs about
// what the limit allows, not what the document asks for: the builder is
// never sized from the document beyond the limit, and keeps nothing past
// it. Not parallel: it reads the process's allocation counter.
func TestSeriesLimitBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a large document")
	}
	logger := slog.New(slog.DiscardHandler)
	s, err := statuspage.Decode(statuspagetest.MinimalIncidents(50000)) // 650,000 series
	if err != nil {
		t.Fatal(err)
	}
	allocated := func(limit int) (uint64, error) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := prepare("p", s, limit, logger)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, err
	}
	unlimited, err := allocated(0)
	if err != nil {
		t.Fatal(err)
	}
	limited, err := allocated(defaultSeriesLimit)
	if !errors.Is(err, statuspage.ErrTooManySeries) || !strings.Contains(err.Error(), "makes 650001 series") {
		t.Fatalf("got %v, want the document refused with its count", err)
	}
	t.Logf("prepare allocated %.1f MiB without a limit, %.1f MiB with series_limit %d", float64(unlimited)/(1<<20), float64(limited)/(1<<20), defaultSeriesLimit)
	// What is left is the identity check of the document's ids, which
	// grows with the document (already decoded, within the body size cap).
	if limited > unlimited/4 {
		t.Errorf("over the limit, prepare allocated %d bytes, more than a quarter of the %d it takes to build the whole document", limited, unlimited)
	}
}

// defaultSeriesLimit is config.DefaultSeriesLimit, which collector does not import.
const defaultSeriesLimit = 20000
