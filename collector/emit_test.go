package collector

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	dto "github.com/prometheus/client_model/go"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

func TestLabel(t *testing.T) {
	t.Parallel()
	// 510 ASCII bytes then 3-byte runes: the 512-byte bound falls inside the
	// first "€", which must be dropped whole.
	euroTail := strings.Repeat("a", 510) + strings.Repeat("€", 497)
	// 511 bytes then a 2-byte rune: the bound falls inside "é".
	eacuteTail := strings.Repeat("b", 511) + strings.Repeat("é", 745)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"clean ASCII", "Card Payments", "Card Payments"},
		{"empty", "", ""},
		{"HTML kept as text", "<b>API</b> &amp; Webhooks", "<b>API</b> &amp; Webhooks"},
		{"non-ASCII kept", "São Paulo – Edge ☁", "São Paulo – Edge ☁"},
		{"invalid bytes", "\xff\xfe", "\uFFFD"},
		{"invalid byte inside", "EU\xffWest", "EU\uFFFDWest"},
		{"CRLF", "Mail Relay\r\n(legacy)", "Mail Relay (legacy)"},
		{"tabs", "a\tb\t\tc", "a b c"},
		{"NUL and DEL", "a\x00b\x7fc", "a b c"},
		{"surrounding spaces", "  padded \t", "padded"},
		{"only control characters", "\r\n\t", ""},
		{"unicode line separator", "one\u2028two", "one two"},
		{"cut inside 3-byte rune", euroTail, strings.Repeat("a", 510)},
		{"cut inside 2-byte rune", eacuteTail, strings.Repeat("b", 511)},
		{"cut at rune boundary", strings.Repeat("€", 700), strings.Repeat("€", 170)},
		// A folded space must not push the value past the bound, nor be
		// left dangling at the end when the next rune does not fit.
		{"space at the bound", strings.Repeat("c", 512) + " d", strings.Repeat("c", 512)},
		{"space before a rune that does not fit", strings.Repeat("c", 511) + " é", strings.Repeat("c", 511)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := label(tc.in)
			if got != tc.want {
				t.Errorf("label(%q) = %q (%d bytes), want %q (%d bytes)", abbrev(tc.in), abbrev(got), len(got), abbrev(tc.want), len(tc.want))
			}
			checkLabelValue(t, got)
		})
	}
}

// TestLabelProperties feeds label inputs built around the bound so that every
// alignment of a multi-byte rune and a folded space against it is tried.
func TestLabelProperties(t *testing.T) {
	t.Parallel()
	pieces := []string{"x", "é", "€", "𝄞", " ", "\r\n", "\t", "\xff"}
	for pad := 500; pad <= 514; pad++ {
		for _, p := range pieces {
			in := strings.Repeat("y", pad) + strings.Repeat(p+"z", 600)
			got := label(in)
			checkLabelValue(t, got)
			if !strings.HasPrefix(got, strings.Repeat("y", min(pad, maxLabelBytes))) {
				t.Errorf("pad %d, piece %q: lost the start of the value", pad, p)
			}
		}
	}
}

// Not parallel: AllocsPerRun counts the allocations of every goroutine.
func TestLabelCleanDoesNotAllocate(t *testing.T) {
	// Most upstream text is clean; it is labelled on every fetch of every page.
	s := strings.Repeat("Object Storage ", 20)[:299]
	if n := testing.AllocsPerRun(100, func() { _ = label(s) }); n != 0 {
		t.Errorf("label allocated %v times for clean ASCII", n)
	}
}

// checkLabelValue asserts what DESIGN.md promises about label values taken
// from upstream text.
func checkLabelValue(t *testing.T, v string) {
	t.Helper()
	if !utf8.ValidString(v) {
		t.Errorf("invalid UTF-8: %q", abbrev(v))
	}
	if len(v) > maxLabelBytes {
		t.Errorf("%d bytes, more than %d", len(v), maxLabelBytes)
	}
	if strings.TrimSpace(v) != v {
		t.Errorf("surrounding space in %q", abbrev(v))
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		t.Errorf("control character in %q", abbrev(v))
	}
}

func abbrev(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:20] + "…" + s[len(s)-20:]
}

var testStateFamily = newFamily("test_state", "A state set under test.", "id", "state")

type sample struct {
	labels map[string]string
	value  float64
}

// samples finishes b and returns its series as labels and values.
func samples(t *testing.T, b *builder) []sample {
	t.Helper()
	var out []sample
	for _, m := range b.finish() {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			t.Fatalf("write metric: %v", err)
		}
		s := sample{labels: map[string]string{}, value: pb.GetGauge().GetValue()}
		for _, lp := range pb.GetLabel() {
			s.labels[lp.GetName()] = lp.GetValue()
		}
		out = append(out, s)
	}
	return out
}

func TestStateSet(t *testing.T) {
	t.Parallel()
	known := []string{"operational", "degraded_performance", "major_outage"}
	for _, tc := range []struct {
		name, current string
		// want lists the state of each series in order, and which is 1.
		want     []string
		current1 string
	}{
		{"known", "degraded_performance", known, "degraded_performance"},
		{"known after sanitising", " operational\r\n", known, "operational"},
		{"upper case", "MAJOR_OUTAGE", known, "major_outage"},
		{"surrounding spaces", " Operational ", known, "operational"},
		{"spaces for underscores", "Degraded  Performance", known, "degraded_performance"},
		{"unknown in upper case stays as sent", "FULL_OUTAGE", append(append([]string(nil), known...), "FULL_OUTAGE"), "FULL_OUTAGE"},
		{"a look-alike is not known", "MAJOR_OUTAGE\u212a", append(append([]string(nil), known...), "MAJOR_OUTAGE\u212a"), "MAJOR_OUTAGE\u212a"},
		{"a non-ASCII fold is not known", "operational\u017f", append(append([]string(nil), known...), "operational\u017f"), "operational\u017f"},
		{"unknown gets its own series", "full_outage", append(append([]string(nil), known...), "full_outage"), "full_outage"},
		{"empty emits nothing", "", nil, ""},
		{"blank emits nothing", " \r\n", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEmitter(newBuilder("acme", 8))
			e.stateSet(testStateFamily, known, tc.current, "cmp1")
			if len(e.errs) > 0 {
				t.Fatalf("errors: %v", e.errs)
			}
			got := samples(t, e.b)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d series, want %d", len(got), len(tc.want))
			}
			for i, s := range got {
				if s.labels["page"] != "acme" || s.labels["id"] != "cmp1" {
					t.Errorf("series %d: labels %v", i, s.labels)
				}
				if s.labels["state"] != tc.want[i] {
					t.Errorf("series %d: state %q, want %q", i, s.labels["state"], tc.want[i])
				}
				wantV := 0.0
				if s.labels["state"] == tc.current1 {
					wantV = 1
				}
				if s.value != wantV {
					t.Errorf("series %d (%s): value %v, want %v", i, s.labels["state"], s.value, wantV)
				}
			}
		})
	}
}

func TestTimestamp(t *testing.T) {
	t.Parallel()
	e := newEmitter(newBuilder("acme", 1))
	e.timestamp(pageUpdatedFamily, time.Time{})
	if len(e.b.series) != 0 {
		t.Fatalf("zero time emitted %d series, want none", len(e.b.series))
	}
	e.timestamp(pageUpdatedFamily, time.Date(2026, 3, 10, 18, 2, 18, 733_999_999, time.UTC))
	got := samples(t, e.b)
	if len(got) != 1 || got[0].value != 1773165738.733 {
		t.Fatalf("got %+v, want one sample 1773165738.733", got)
	}
}

// collidingIDs are upstream ids that are equal once made valid label values
// by label, and must stay apart as ids.
var collidingIDs = []string{
	"a b", "a\nb", "a\tb", "a\u00a0b", "a  b", " a b", "a b\r\n", "a\u2028b",
	// Longer than the bound, equal in their first 512 bytes.
	strings.Repeat("x", 512) + "1", strings.Repeat("x", 512) + "2",
	// Invalid UTF-8 that label replaces by the same character.
	"c\xffd", "c\xfed", "c\uFFFDd",
	// Only spaces: empty as a label, but an id all the same.
	" ", "\t", "\n\n",
	// Clean ids that look like what idLabel makes of others.
	"a b~" + strings.Repeat("0", 16), "x~0123456789abcdef",
}

func TestIDLabel(t *testing.T) {
	t.Parallel()
	// Clean ids, which is what real pages send, are kept as they are.
	for _, id := range []string{"", "expaycmp0001", "01JB8X5ZQ2YV6C1N8Q3K9W4R7T", "a b", "São Paulo", "x~abc", "x~0123456789ABCDEF", strings.Repeat("y", 512)} {
		if got := idLabel(id); got != id {
			t.Errorf("idLabel(%q) = %q, want it unchanged", abbrev(id), abbrev(got))
		}
	}
	seen := map[string]string{}
	for _, id := range collidingIDs {
		got := idLabel(id)
		checkLabelValue(t, got)
		if got == "" {
			t.Errorf("idLabel(%q) is empty", id)
		}
		if again := idLabel(id); again != got {
			t.Errorf("idLabel(%q) is not stable: %q, then %q", abbrev(id), got, again)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("idLabel(%q) = idLabel(%q) = %q", abbrev(id), abbrev(other), abbrev(got))
		}
		seen[got] = id
	}
	// What a changed id looks like: its readable form and a suffix.
	if got := idLabel("a\tb"); !strings.HasPrefix(got, "a b~") || len(got) != len("a b")+idSuffixLen || !hasIDSuffix(got) {
		t.Errorf("idLabel(%q) = %q, want \"a b~\" and 16 hex digits", "a\tb", got)
	}
	if got := idLabel(strings.Repeat("€", 300)); len(got) > maxLabelBytes || !strings.HasPrefix(got, "€") {
		t.Errorf("a long id: %q (%d bytes)", abbrev(got), len(got))
	}
}

// FuzzIDLabel: distinct ids make distinct, valid label values.
func FuzzIDLabel(f *testing.F) {
	for i, a := range collidingIDs {
		f.Add(a, collidingIDs[(i+1)%len(collidingIDs)])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		la, lb := idLabel(a), idLabel(b)
		for _, l := range []string{la, lb} {
			checkLabelValue(t, l)
		}
		if a != b && la == lb {
			t.Fatalf("idLabel(%q) = idLabel(%q) = %q", a, b, la)
		}
		if (la == "") != (a == "") {
			t.Fatalf("idLabel(%q) = %q: only the empty id may be empty", a, la)
		}
	})
}

// TestNoComponentDisappears: objects whose ids differ upstream are all
// exposed, however alike their ids look as label values; only a truly
// repeated id is dropped, first occurrence winning, with a debug line.
func TestNoComponentDisappears(t *testing.T) {
	t.Parallel()
	s := &statuspage.Summary{
		Components: []statuspage.Component{
			{ID: "g 1", Name: "Group", Status: "operational", Group: true},
			{ID: "g\t1", Name: "Other group", Status: "major_outage", Group: true},
			{ID: "g 1", Name: "Group repeated", Status: "partial_outage", Group: true},
			{ID: "a b", Name: "API", Status: "operational", GroupID: "g 1"},
			{ID: "a\tb", Name: "API", Status: "major_outage", GroupID: "g\t1"},
			{ID: "a\u00a0b", Name: "API", Status: "degraded_performance"},
			{ID: "a b", Name: "API repeated", Status: "partial_outage"},
		},
		Incidents: []statuspage.Incident{
			{ID: "i 1", Name: "First", Status: "investigating", Components: []statuspage.AffectedComponent{{ID: "a\tb"}, {ID: "a b"}, {ID: "a\tb"}}},
			{ID: "i\n1", Name: "Second", Status: "identified"},
			{ID: "i 1", Name: "Repeated", Status: "monitoring"},
		},
		ScheduledMaintenances: []statuspage.Maintenance{
			{ID: "m 1", Name: "First", Status: "scheduled"},
			{ID: " m 1", Name: "Second", Status: "in_progress"},
		},
	}
	var log logCapture
	e := newEmitter(newBuilder("acme", 64))
	e.summary(s)
	e.logErrors(slog.New(&log))
	if len(e.errs) > 0 {
		t.Fatalf("the builder refused series: %v", e.errs)
	}
	current := map[string]string{}  // by family and id: the state valued 1
	components := map[string]bool{} // component ids of the affected component series
	for _, smp := range samples(t, e.b) {
		ls := smp.labels
		switch {
		case ls["status"] != "" && smp.value == 1:
			id := ls["component_id"] + ls["group_id"] + ls["incident_id"] + ls["maintenance_id"]
			key := id + "/" + ls["group"]
			if _, dup := current[key]; dup {
				t.Errorf("two current states for %q", key)
			}
			current[key] = ls["status"]
		case ls["incident_id"] != "" && ls["component_id"] != "":
			components[ls["component_id"]] = true
		}
		if strings.Contains(ls["component"]+ls["group"]+ls["name"], "repeated") || strings.Contains(ls["name"], "Repeated") {
			t.Errorf("a repeated id's second occurrence was exposed: %v", ls)
		}
	}
	for _, want := range []struct{ id, group, status string }{
		{idLabel("g 1"), "Group", "operational"},
		{idLabel("g\t1"), "Other group", "major_outage"},
		{idLabel("a b"), "Group", "operational"},
		{idLabel("a\tb"), "Other group", "major_outage"}, // its group found through the raw group id
		{idLabel("a\u00a0b"), "", "degraded_performance"},
		{idLabel("i 1"), "", "investigating"},
		{idLabel("i\n1"), "", "identified"},
		{idLabel("m 1"), "", "scheduled"},
		{idLabel(" m 1"), "", "in_progress"},
	} {
		if got := current[want.id+"/"+want.group]; got != want.status {
			t.Errorf("id %q in group %q: current state %q, want %q", want.id, want.group, got, want.status)
		}
	}
	if len(current) != 9 {
		t.Errorf("%d objects with a state, want 9: %v", len(current), current)
	}
	// An affected component carries the id its component series has.
	if len(components) != 2 || !components[idLabel("a\tb")] || !components["a b"] {
		t.Errorf("affected component ids %v, want %q and %q", components, idLabel("a\tb"), "a b")
	}
	for _, want := range []string{
		"kind=component count=2 first=\"g 1\"",
		"kind=incident count=1 first=\"i 1\"",
		"kind=\"incident affected component\" count=1 first=" + fmt.Sprintf("%q", idLabel("a\tb")),
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("no debug line with %s; log:\n%s", want, log.String())
		}
	}
}

// logCapture records log lines at every level as text.
type logCapture struct {
	mu    sync.Mutex
	lines []string
}

func (h *logCapture) Enabled(context.Context, slog.Level) bool { return true }

func (h *logCapture) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	th := slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	if err := th.Handle(context.Background(), r); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, b.String())
	return nil
}

func (h *logCapture) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logCapture) WithGroup(string) slog.Handler      { return h }

func (h *logCapture) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.lines, "")
}
