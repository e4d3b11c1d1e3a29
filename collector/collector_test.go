package collector_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// fakeSource answers with canned results by page name. Pages listed in block
// answer only when the caller's context is done, like a Store whose fetch
// outlives the scrape deadline.
type fakeSource struct {
	results map[string]result
	block   map[string]bool
	// release unblocks blocked pages when the test ends, so that a Collect
	// that ignores its context cannot leave goroutines behind.
	release <-chan struct{}
}

func (f *fakeSource) Get(ctx context.Context, t *statuspage.Target) result {
	if f.block[t.Name] {
		select {
		case <-ctx.Done():
			return result{
				Err:     fmt.Errorf("scrape deadline reached before the page answered: %w", context.Cause(ctx)),
				Outcome: statuspage.OutcomeError,
			}
		case <-f.release:
			return result{Err: errors.New("released by test cleanup"), Outcome: statuspage.OutcomeError}
		}
	}
	if r, ok := f.results[t.Name]; ok {
		return r
	}
	// A page the test did not plan for shows up as failed, failing the
	// comparisons, rather than panicking inside Collect's goroutine.
	return result{Err: errors.New("fakeSource: no result for " + t.Name), Outcome: statuspage.OutcomeError}
}

func newFakeSource(t *testing.T, results map[string]result, block ...string) *fakeSource {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f := &fakeSource{results: results, block: map[string]bool{}, release: release}
	for _, name := range block {
		f.block[name] = true
	}
	return f
}

func targets(names ...string) []*statuspage.Target {
	ts := make([]*statuspage.Target, 0, len(names))
	for _, n := range names {
		ts = append(ts, &statuspage.Target{Name: n, SummaryURL: "http://127.0.0.1:1/" + n + statuspage.SummaryPath})
	}
	return ts
}

// seriesByPage renders every gathered series as name{labels} value and
// sorts them per page, so that whole pages can be compared.
func seriesByPage(mfs []*dto.MetricFamily) map[string][]string {
	out := map[string][]string{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var page string
			var ls []string
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "page" {
					page = lp.GetValue()
				}
				ls = append(ls, lp.GetName()+"="+lp.GetValue())
			}
			out[page] = append(out[page], fmt.Sprintf("%s{%s} %g", mf.GetName(), strings.Join(ls, ","), m.GetGauge().GetValue()))
		}
	}
	for _, s := range out {
		slices.Sort(s)
	}
	return out
}

func gather(t *testing.T, c prometheus.Collector) []*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	return mfs
}

// impl is one way to expose pages: the Collector through a registry, or
// drained and encoded as the exporter's handlers do.
type impl struct {
	name   string
	gather func(ctx context.Context, src collector.Source, ts []*statuspage.Target, t *testing.T) ([]*dto.MetricFamily, error)
}

var impls = []impl{
	{"registry", func(ctx context.Context, src collector.Source, ts []*statuspage.Target, t *testing.T) ([]*dto.MetricFamily, error) {
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(collector.New(ctx, src, ts, testLogger(t)))
		return reg.Gather()
	}},
	{"exposition", func(ctx context.Context, src collector.Source, ts []*statuspage.Target, t *testing.T) ([]*dto.MetricFamily, error) {
		format := expfmt.NewFormat(expfmt.TypeProtoDelim)
		return decodeFamilies(t, expose(t, collector.New(ctx, src, ts, testLogger(t)), nil, format), format), nil
	}},
}

func upValue(t *testing.T, mfs []*dto.MetricFamily, page string) float64 {
	t.Helper()
	for _, mf := range mfs {
		if mf.GetName() != "statuspage_up" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "page" && lp.GetValue() == page {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	t.Fatalf("no statuspage_up for %s", page)
	return 0
}

// TestCollectorCollect shows that one broken page costs only its own data:
// the other pages are complete and the scrape as a whole succeeds. Through
// a registry or drained, every page is exactly what it is alone.
func TestCollectorCollect(t *testing.T) {
	t.Parallel()
	results := map[string]result{
		"acme":    freshResult(t, "acme", decodeFile(t, summaryFixture("all_operational"))),
		"expay":   freshResult(t, "expay", decodeFile(t, summaryFixture("active_incident"))),
		"initech": freshResult(t, "initech", decodeFile(t, summaryFixture("groups"))),
		"umbrella": withData(t, "umbrella", decodeFile(t, summaryFixture("maintenance")), result{
			LastSuccess: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
			Err:         errors.New("request timed out"),
			Outcome:     statuspage.OutcomeStale,
		}),
		"broken": {
			Err:      &statuspage.HTTPError{StatusCode: 500},
			Duration: 80 * time.Millisecond,
			Outcome:  statuspage.OutcomeError,
		},
	}
	names := slices.Sorted(maps.Keys(results))
	for _, im := range impls {
		{
			t.Run(im.name, func(t *testing.T) {
				mfs, err := im.gather(t.Context(), newFakeSource(t, results), targets(names...), t)
				if err != nil {
					t.Fatalf("gather: %v", err)
				}
				got := seriesByPage(mfs)
				if pages := slices.Sorted(maps.Keys(got)); !slices.Equal(pages, names) {
					t.Fatalf("pages %v, want %v", pages, names)
				}
				for _, name := range names {
					alone := collector.New(t.Context(), newFakeSource(t, map[string]result{name: results[name]}), targets(name), testLogger(t))
					want := seriesByPage(gather(t, alone))[name]
					if !slices.Equal(got[name], want) {
						t.Errorf("page %s:\n got %d series %v\nwant %d series %v", name, len(got[name]), got[name], len(want), want)
					}
				}
				wantBroken := []string{
					"statuspage_fetch_duration_seconds{page=broken} 0.08",
					"statuspage_up{page=broken} 0",
				}
				if !slices.Equal(got["broken"], wantBroken) {
					t.Errorf("broken page: got %v, want only %v", got["broken"], wantBroken)
				}
				for _, name := range names {
					want := 1.0
					if name == "broken" || name == "umbrella" {
						want = 0
					}
					if v := upValue(t, mfs, name); v != want {
						t.Errorf("statuspage_up{page=%q} = %v, want %v", name, v, want)
					}
				}
			})
		}
	}
}

// TestCollectorCollectStopsAtDeadline shows that both ways
// return when the scrape's context ends, even though a page never answers by
// itself, and still report the pages that did answer.
func TestCollectorCollectStopsAtDeadline(t *testing.T) {
	t.Parallel()
	results := map[string]result{
		"acme": freshResult(t, "acme", decodeFile(t, summaryFixture("all_operational"))),
	}
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			src := newFakeSource(t, results, "hanging", "hanging2")
			type gathered struct {
				mfs []*dto.MetricFamily
				err error
			}
			done := make(chan gathered, 1)
			go func() {
				mfs, err := im.gather(ctx, src, targets("acme", "hanging", "hanging2"), t)
				done <- gathered{mfs, err}
			}()
			var g gathered
			select {
			case g = <-done:
			case <-time.After(10 * time.Second): // generous bound for a loaded -race run
				t.Fatal("gathering did not return after the context deadline")
			}
			if g.err != nil {
				t.Fatalf("gather: %v", g.err)
			}
			if ctx.Err() == nil {
				t.Fatal("gathering returned before the deadline although pages were blocked")
			}
			got := seriesByPage(g.mfs)
			for _, name := range []string{"hanging", "hanging2"} {
				if want := []string{"statuspage_up{page=" + name + "} 0"}; !slices.Equal(got[name], want) {
					t.Errorf("page %s: got %v, want %v", name, got[name], want)
				}
			}
			if v := upValue(t, g.mfs, "acme"); v != 1 || len(got["acme"]) < 10 {
				t.Errorf("the page that answered lost its data: up %v, %d series", v, len(got["acme"]))
			}
		})
	}
}
