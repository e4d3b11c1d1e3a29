package collector_test

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// exposeFormats are the formats the exporter's handlers serve: both text
// format versions and delimited protobuf.
var exposeFormats = []expfmt.Format{
	expfmt.NewFormat(expfmt.TypeTextPlain),
	// What Prometheus 3 asks for, as the handlers negotiate it.
	expfmt.NegotiateAccept(http.Header{"Accept": {"text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5"}}, collector.Formats...),
	expfmt.NewFormat(expfmt.TypeProtoDelim),
}

// expose drains c and encodes it with others in format, as the handlers do.
func expose(t *testing.T, c *collector.Collector, others []*dto.MetricFamily, format expfmt.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := collector.Drain(c).Encode(&buf, format, others); err != nil {
		t.Fatalf("encode %s: %v", format, err)
	}
	return buf.Bytes()
}

// decodeFamilies parses an exposition back into families.
func decodeFamilies(t *testing.T, b []byte, format expfmt.Format) []*dto.MetricFamily {
	t.Helper()
	dec := expfmt.NewDecoder(bytes.NewReader(b), format)
	var out []*dto.MetricFamily
	for range 10000 {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err != nil {
			if err != io.EOF {
				t.Fatalf("decode %s: %v", format, err)
			}
			return out
		}
		out = append(out, mf)
	}
	t.Fatal("more than 10000 families")
	return nil
}

// gatherPedantic gathers c through a pedantic registry, which checks every
// series against its descriptor and rejects duplicates.
func gatherPedantic(t *testing.T, c prometheus.Collector) []*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("pedantic gather: %v", err)
	}
	return mfs
}

// sortedLines renders families in the text format with their lines sorted,
// so that expositions that differ only in series order compare equal.
func sortedLines(t *testing.T, mfs []*dto.MetricFamily) string {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestExposeMergesOthers: the exporter's own families are merged in name
// order with the page families, and a name both claim is refused rather
// than served twice.
func TestExposeMergesOthers(t *testing.T) {
	t.Parallel()
	src := newFakeSource(t, map[string]result{"acme": freshResult(t, "acme", decodeFile(t, summaryFixture("active_incident")))})
	c := collector.New(t.Context(), src, targets("acme"), testLogger(t))
	gauge := func(name string) *dto.MetricFamily {
		return &dto.MetricFamily{Name: &name, Help: new("A test family."), Type: dto.MetricType_GAUGE.Enum(),
			Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: new(1.0)}}}}
	}
	others := []*dto.MetricFamily{gauge("aaa_first"), gauge("statuspage_exporter_pages"), gauge("zzz_last")}
	for _, format := range exposeFormats {
		b := expose(t, c, others, format)
		mfs := decodeFamilies(t, b, format)
		var names []string
		if format.FormatType() == expfmt.TypeProtoDelim {
			for _, mf := range mfs {
				names = append(names, mf.GetName())
			}
		} else {
			// The text parser returns a map; read the order off the text.
			for line := range strings.SplitSeq(string(b), "\n") {
				if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
					name, _, _ := strings.Cut(rest, " ")
					names = append(names, name)
				}
			}
		}
		if !slices.IsSorted(names) || names[0] != "aaa_first" || names[len(names)-1] != "zzz_last" || !slices.Contains(names, "statuspage_exporter_pages") {
			t.Errorf("%s: families %v, want every family once in name order", format, names)
		}
		if got, want := sortedLines(t, mfs), sortedLines(t, append(gatherPedantic(t, c), others...)); got != want {
			t.Errorf("%s: merged exposition\n%s\nwant\n%s", format, got, want)
		}
	}
	var buf bytes.Buffer
	err := collector.Drain(c).Encode(&buf, exposeFormats[0], []*dto.MetricFamily{gauge("statuspage_up")})
	if err == nil || !strings.Contains(err.Error(), "statuspage_up is both") {
		t.Errorf("a family named like a page family: err %v", err)
	}
	if n := strings.Count(buf.String(), "# TYPE statuspage_up "); n != 1 {
		t.Errorf("statuspage_up typed %d times, want once", n)
	}
}

// TestExposeEscapes: label values and help text are escaped as the text
// format wants, and formats the handlers do not serve are refused.
func TestExposeEscapes(t *testing.T) {
	t.Parallel()
	s := &statuspage.Summary{
		Page:       statuspage.Page{ID: `p"1`, Name: `C:\Status "Page"`},
		Components: []statuspage.Component{{ID: `c\1`, Name: `say "hi"`, Status: "operational"}},
	}
	src := newFakeSource(t, map[string]result{"acme": freshResult(t, "acme", s)})
	c := collector.New(t.Context(), src, targets("acme"), testLogger(t))
	text := string(expose(t, c, nil, exposeFormats[0]))
	for _, want := range []string{
		`statuspage_page_info{name="C:\\Status \"Page\"",page="acme",page_id="p\"1",time_zone="",url=""} 1`,
		`component="say \"hi\"",component_id="c\\1"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text exposition lacks %s:\n%s", want, text)
		}
	}
	for _, format := range exposeFormats {
		if got, want := sortedLines(t, decodeFamilies(t, expose(t, c, nil, format), format)), sortedLines(t, gatherPedantic(t, c)); got != want {
			t.Errorf("%s: %s\nwant\n%s", format, got, want)
		}
	}
	var buf bytes.Buffer
	if err := collector.Drain(c).Encode(&buf, expfmt.NewFormat(expfmt.TypeOpenMetrics), nil); err == nil || buf.Len() > 0 {
		t.Errorf("OpenMetrics: err %v, %d bytes written; want a refusal", err, buf.Len())
	}
}

var _ collector.Source = (*statuspage.Store[*collector.Prepared])(nil)
