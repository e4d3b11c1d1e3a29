package collector_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// Fixed so that the golden files do not change from run to run.
var (
	fetchedAt     = time.Date(2026, 3, 10, 18, 30, 0, 0, time.UTC)
	fetchDuration = 250 * time.Millisecond
)

// testLogger fails the test on error logs: Translate logs an error exactly
// when it drops a metric, and a dropped series must not go unnoticed.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(failOnError{t})
}

type failOnError struct{ t *testing.T }

func (h failOnError) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }

func (h failOnError) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	h.t.Errorf("error logged: %s%s", r.Message, b.String())
	return nil
}

func (h failOnError) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h failOnError) WithGroup(string) slog.Handler      { return h }

func decodeFile(t *testing.T, path string) *statuspage.Summary {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := statuspage.Decode(body)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return s
}

// result is what the store gives the collector for a page.
type result = statuspage.Result[*collector.Prepared]

// withData returns r carrying s, prepared for page as the store does.
func withData(t *testing.T, page string, s *statuspage.Summary, r result) result {
	t.Helper()
	p, err := collector.Prepare(testLogger(t))(&statuspage.Target{Name: page}, s)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	r.Data, r.HasData = p, true
	return r
}

// freshResult is s as fresh data of page.
func freshResult(t *testing.T, page string, s *statuspage.Summary) result {
	return withData(t, page, s, result{Fresh: true, LastSuccess: fetchedAt, Duration: fetchDuration, Outcome: statuspage.OutcomeHit})
}

func summaryFixture(name string) string {
	return filepath.Join("..", "testdata", "summary", name+".json")
}

func TestTranslateGolden(t *testing.T) {
	t.Parallel()
	type testCase struct {
		name   string
		result func(t *testing.T, page string) result
	}
	var cases []testCase
	for _, name := range []string{
		"all_operational", "active_incident", "maintenance", "groups", "incident_io",
		"unknown_enums", "edge_values", "null_fields", "identity",
	} {
		cases = append(cases, testCase{name, func(t *testing.T, page string) result {
			return freshResult(t, page, decodeFile(t, summaryFixture(name)))
		}})
	}
	cases = append(cases,
		// The first fetch failed: nothing is known but that the page is down.
		testCase{"health_first_fetch_failed", func(*testing.T, string) result {
			return result{Err: errors.New("connection refused"), Outcome: statuspage.OutcomeError}
		}},
		// The refresh failed within max_stale: the old data stays, with up 0.
		testCase{"health_stale", func(t *testing.T, page string) result {
			return withData(t, page, decodeFile(t, summaryFixture("all_operational")), result{
				LastSuccess: fetchedAt,
				Duration:    10 * time.Second,
				Err:         errors.New("request timed out"),
				Outcome:     statuspage.OutcomeStale,
			})
		}},
		// The last good data is older than max_stale: health series only.
		testCase{"health_expired", func(*testing.T, string) result {
			return result{
				LastSuccess: fetchedAt,
				Duration:    1500 * time.Millisecond,
				Err:         &statuspage.HTTPError{StatusCode: 503},
				Outcome:     statuspage.OutcomeError,
			}
		}},
	)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			compareGolden(t, tc.name, tc.result(t, tc.name), filepath.Join("..", "testdata", "golden", tc.name+".metrics"))
		})
	}
}

// compareGolden checks what the collector makes of page's result against
// the golden file (rewritten with -update), in every format it serves.
func compareGolden(t *testing.T, page string, r result, golden string) {
	t.Helper()
	src := newFakeSource(t, map[string]result{page: r})
	c := collector.New(t.Context(), src, targets(page), testLogger(t))
	if *update {
		if err := os.WriteFile(golden, formatText(t, c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	// CollectAndCompare registers c in a pedantic registry.
	if err := testutil.CollectAndCompare(c, bytes.NewReader(want)); err != nil {
		t.Errorf("output differs from %s (run with -update if the change is intended):\n%v", golden, err)
	}
	checkClean(t, c)
	// What the exporter's handlers serve: Collect drained and encoded
	// without a registry.
	for _, format := range exposeFormats {
		if got := sortedLines(t, decodeFamilies(t, expose(t, c, nil, format), format)); got != sortedLines(t, gatherPedantic(t, c)) {
			t.Errorf("%s: the exposition differs from the pedantic registry's:\n%s\nwant\n%s", format, got, sortedLines(t, gatherPedantic(t, c)))
		}
	}
}

// formatText renders c in the text format. testutil.CollectAndFormat would
// do, but without metric names it filters every family out.
func formatText(t *testing.T, c prometheus.Collector) []byte {
	t.Helper()
	mfs := gatherPedantic(t, c)
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// checkClean asserts what must hold for any page: promtool-clean names and
// help, no two series with equal labels, valid label values, and state sets
// with exactly one current state per object. It returns the gathered families.
func checkClean(t *testing.T, c prometheus.Collector) []*dto.MetricFamily {
	t.Helper()
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatalf("lint: %v", err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	// The pedantic registry fails Gather on series collected twice with the
	// same labels, the error that would fail a whole scrape in production.
	mfs := gatherPedantic(t, c)
	checkFamilies(t, mfs)
	return mfs
}

// stateLabels names the state label of each state-set metric.
var stateLabels = map[string]string{
	"statuspage_page_status":            "indicator",
	"statuspage_component_status":       "status",
	"statuspage_component_group_status": "status",
	"statuspage_incident_status":        "status",
	"statuspage_incident_impact":        "impact",
	"statuspage_maintenance_status":     "status",
}

func checkFamilies(t *testing.T, mfs []*dto.MetricFamily) {
	t.Helper()
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "statuspage_") {
			t.Errorf("unexpected metric %s", mf.GetName())
		}
		for _, m := range mf.GetMetric() {
			if m.TimestampMs != nil {
				t.Errorf("%s carries an explicit timestamp", mf.GetName())
			}
			for _, lp := range m.GetLabel() {
				v := lp.GetValue()
				if !utf8.ValidString(v) || len(v) > 512 || strings.IndexFunc(v, unicode.IsControl) >= 0 {
					t.Errorf("%s: bad value for label %s: %q", mf.GetName(), lp.GetName(), v)
				}
			}
		}
		if state, ok := stateLabels[mf.GetName()]; ok {
			checkStateSet(t, mf, state)
		}
	}
}

// checkStateSet asserts that each object of a state set (the series that
// share every label but the state) has exactly one state valued 1.
func checkStateSet(t *testing.T, mf *dto.MetricFamily, state string) {
	t.Helper()
	current := map[string]int{}
	for _, m := range mf.GetMetric() {
		var key []string
		for _, lp := range m.GetLabel() {
			if lp.GetName() != state {
				key = append(key, lp.GetName()+"="+lp.GetValue())
			}
		}
		k := strings.Join(key, ",")
		v := m.GetGauge().GetValue()
		if v != 0 && v != 1 {
			t.Errorf("%s{%s}: value %v in a state set", mf.GetName(), k, v)
		}
		current[k] += int(v)
	}
	for k, n := range current {
		if n != 1 {
			t.Errorf("%s{%s}: %d current states, want 1", mf.GetName(), k, n)
		}
	}
}

// series returns the label sets of the series of one family.
func series(mfs []*dto.MetricFamily, name string) []map[string]string {
	var out []map[string]string
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			ls := map[string]string{}
			for _, lp := range m.GetLabel() {
				ls[lp.GetName()] = lp.GetValue()
			}
			out = append(out, ls)
		}
	}
	return out
}

// distinct counts the distinct values of label among the series of name,
// optionally only those for which keep is true.
func distinct(mfs []*dto.MetricFamily, name, label string, keep func(map[string]string) bool) int {
	seen := map[string]bool{}
	for _, ls := range series(mfs, name) {
		if keep == nil || keep(ls) {
			seen[ls[label]] = true
		}
	}
	return len(seen)
}
