package collector_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// FuzzTranslate feeds arbitrary bodies through what a fetch and a scrape do
// with a page's answer: Decode, Prepare, then Collect as fresh and as stale
// data. Whatever
// the page sends, the output must gather through a pedantic registry (no
// duplicate series, labels consistent with their descriptors), pass promlint,
// survive a round trip through the text format, and drop no metric; and
// the exposition the handlers serve must be exactly what the registry
// gathers.
//
// Seeds are every fixture in testdata/summary; crashers found by longer runs
// are kept in testdata/fuzz/FuzzTranslate.
func FuzzTranslate(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "testdata", "summary", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range seeds {
		if strings.HasSuffix(path, ".md") {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Identity traps that the fixtures spread over several files, in one
	// document small enough for the mutator to work on.
	f.Add([]byte(`{"page":{"id":"p","name":"P"},"components":[` +
		`{"id":"g","name":"API","group":true,"status":"operational"},` +
		`{"id":"c","name":"API","group_id":"g","status":"major_outage"},` +
		`{"id":"c","name":"API again","status":"operational"},` +
		`{"id":"","name":"","status":""}],` +
		`"incidents":[{"id":"i","name":"x\r\n<b>y</b>","status":"new","impact":"severe","components":[{"id":"c"},{"id":"c"}]},{"id":"i"}],` +
		`"scheduled_maintenances":[{"id":"m","status":"postponed","scheduled_for":"2026-01-02","components":null}]}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := statuspage.Decode(body)
		if err != nil {
			if s != nil {
				t.Fatalf("Decode returned a summary together with error %v", err)
			}
			return
		}
		if s.Page.ID == "" && s.Page.Name == "" {
			t.Fatal("Decode accepted a document that names no page")
		}
		fetched := time.Date(2026, 3, 10, 18, 30, 0, 0, time.UTC)
		base := map[string]result{
			"fresh": {Fresh: true, LastSuccess: fetched, Duration: time.Second, Outcome: statuspage.OutcomeMiss},
			"stale": {LastSuccess: fetched, Duration: time.Second, Err: errors.New("unexpected HTTP status 500"), Outcome: statuspage.OutcomeStale},
		}
		for name, r := range base {
			logs := &errorLog{}
			p, err := collector.Prepare(slog.New(logs))(&statuspage.Target{Name: "fuzz"}, s)
			if err != nil {
				t.Fatalf("%s: prepare: %v", name, err)
			}
			if msg := logs.String(); msg != "" {
				t.Fatalf("%s: Prepare dropped metrics: %s", name, msg)
			}
			r.Data, r.HasData = p, true
			c := collector.New(t.Context(), newFakeSource(t, map[string]result{"fuzz": r}), targets("fuzz"), slog.New(logs))
			want := checkExposition(t, name, c)
			// What the handlers serve must be exactly what the registry
			// gathers, in every format.
			for _, format := range exposeFormats {
				if got := sortedLines(t, decodeFamilies(t, expose(t, c, nil, format), format)); got != sortedLines(t, gatherPedantic(t, c)) {
					t.Fatalf("%s: the %s exposition\n%s\ndiffers from the registry's\n%s", name, format, got, want)
				}
			}
		}
	})
}

func encodeText(t *testing.T, fams []*dto.MetricFamily) string {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range fams {
		if err := enc.Encode(mf); err != nil {
			t.Fatalf("encode %s: %v", mf.GetName(), err)
		}
	}
	return buf.String()
}

// checkExposition gathers c the way a scrape does, but pedantically, and
// lints and re-parses the result, which it returns in the text format.
func checkExposition(t *testing.T, name string, c prometheus.Collector) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatalf("%s: register: %v", name, err)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatalf("%s: gather (duplicate or inconsistent series): %v", name, err)
	}
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatalf("%s: lint: %v", name, err)
	}
	if len(problems) > 0 {
		t.Fatalf("%s: lint problems: %v", name, problems)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range fams {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				v := l.GetValue()
				if !utf8.ValidString(v) || strings.ContainsAny(v, "\r\n") {
					t.Fatalf("%s: %s label %s=%q is not clean text", name, mf.GetName(), l.GetName(), v)
				}
				if len(v) > 512 {
					t.Fatalf("%s: %s label %s is %d bytes, more than 512", name, mf.GetName(), l.GetName(), len(v))
				}
			}
		}
		if err := enc.Encode(mf); err != nil {
			t.Fatalf("%s: encode %s: %v", name, mf.GetName(), err)
		}
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	back, err := parser.TextToMetricFamilies(&buf)
	if err != nil {
		t.Fatalf("%s: the text exposition does not parse back: %v", name, err)
	}
	if len(back) != len(fams) {
		t.Fatalf("%s: %d families gathered, %d parsed back", name, len(fams), len(back))
	}
	return encodeText(t, fams)
}

// errorLog records error-level log lines: Translate logs one exactly when it
// drops a metric.
type errorLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (h *errorLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }

func (h *errorLog) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		h.b.WriteString(" " + a.String())
		return true
	})
	h.b.WriteString("; ")
	return nil
}

func (h *errorLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorLog) WithGroup(string) slog.Handler      { return h }

func (h *errorLog) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.b.String()
}
