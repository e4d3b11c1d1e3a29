package collector

import (
	"strings"
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

// TestDuplicateIDsAfterSanitising covers ids that differ upstream but not as
// label values: two series with equal labels would fail the whole scrape.
func TestDuplicateIDsAfterSanitising(t *testing.T) {
	t.Parallel()
	s := &statuspage.Summary{
		Components: []statuspage.Component{
			{ID: "cmp1", Name: "First", Status: "operational"},
			{ID: "cmp1 ", Name: "Second", Status: "major_outage"},
			{ID: "grp1", Name: "Group", Status: "operational", Group: true},
			{ID: "grp1\n", Name: "Group again", Status: "operational", Group: true},
		},
		Incidents: []statuspage.Incident{
			{ID: "inc1", Name: "First", Status: "investigating", Components: []statuspage.AffectedComponent{{ID: "cmp1"}, {ID: " cmp1"}}},
			{ID: "inc1\t", Name: "Second", Status: "identified"},
		},
		ScheduledMaintenances: []statuspage.Maintenance{
			{ID: "mnt1", Name: "First", Status: "scheduled"},
			{ID: " mnt1", Name: "Second", Status: "in_progress"},
		},
	}
	e := newEmitter(newBuilder("acme", 32))
	e.summary(s)
	if len(e.errs) > 0 {
		t.Errorf("the builder refused series (duplicates): %v", e.errs)
	}
	for _, smp := range samples(t, e.b) {
		if smp.labels["status"] == "major_outage" && smp.value == 1 {
			t.Errorf("the second occurrence of cmp1 won: %v", smp.labels)
		}
		if smp.labels["name"] == "Second" || smp.labels["group"] == "Group again" {
			t.Errorf("the second occurrence won: %v", smp.labels)
		}
	}
}
