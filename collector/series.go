package collector

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// series is one sample of a page metric, built once and handed over by
// every scrape that serves it. Its label pairs and gauge are shared with
// the other series of its page and never modified.
type series struct {
	fam    *family
	labels []*dto.LabelPair // sorted by name, as dto.Metric wants them
	gauge  *dto.Gauge
}

// Desc implements prometheus.Metric.
func (s *series) Desc() *prometheus.Desc { return s.fam.desc }

// Write implements prometheus.Metric, for registries. It writes copies of
// the label pairs and gauge, which the cache shares between pages and
// scrapes, so that what a registry hands out is the caller's own. The
// exporter's handlers do not go through Write (see Exposition).
func (s *series) Write(m *dto.Metric) error {
	pairs := make([]dto.LabelPair, len(s.labels))
	m.Label = make([]*dto.LabelPair, len(s.labels))
	for i, p := range s.labels {
		pairs[i].Name, pairs[i].Value = p.Name, p.Value
		m.Label[i] = &pairs[i]
	}
	m.Gauge = &dto.Gauge{Value: s.gauge.Value}
	return nil
}

// maxLabels bounds the labels of any family here (page_info has five).
const maxLabels = 6

// builder builds a page's series compactly. While it runs, label pairs are
// numbered rather than allocated; finish then allocates everything in
// exact sizes, once: each distinct label pair of the page once (known
// states are shared by every page), the label lists of all series in one
// array, the gauges other than 0 and 1 in another. The series of a page
// live as long as its document is cached, so this is most of the
// exporter's memory.
type builder struct {
	page string
	// pairs numbers the distinct (name, value) pairs of the page;
	// pairNames and pairValues are indexed by those numbers.
	pairs      map[[2]string]int32
	pairNames  []*string
	pairValues []string
	// labels holds each series' label pairs in name order: a pair number,
	// or -1-k for the k-th entry of known.
	labels []int32
	known  []*dto.LabelPair
	specs  []spec
	// seen is the check for duplicate series a registry would make,
	// made once per document.
	seen map[seriesKey]struct{}
}

// spec is a series before finish: its labels are labels[start:start+len(fam.labels)].
type spec struct {
	fam   *family
	start int32
	value float64
}

type seriesKey struct {
	fam    *family
	labels [maxLabels]int32
}

// newBuilder returns a builder for a page of about n series.
func newBuilder(page string, n int) *builder {
	return &builder{
		page:   page,
		pairs:  make(map[[2]string]int32, n/2),
		specs:  make([]spec, 0, n),
		labels: make([]int32, 0, n*4),
		seen:   make(map[seriesKey]struct{}, n),
	}
}

// add records a gauge sample of f with the page label and values, in f's
// label order after the page. Values must be valid label values already
// (see label). A duplicate series is refused: only a bug can make one.
func (b *builder) add(f *family, v float64, values ...string) error {
	if len(values)+1 != len(f.labels) || len(f.labels) > maxLabels {
		return fmt.Errorf("metric %s: %d label values for %d labels", f.name, len(values)+1, len(f.labels))
	}
	key := seriesKey{fam: f}
	start := len(b.labels)
	for i, j := range f.sorted {
		value := b.page
		if j > 0 {
			value = values[j-1]
		}
		n := b.pair(&f.labels[j], value)
		key.labels[i] = n
		b.labels = append(b.labels, n)
	}
	if _, dup := b.seen[key]; dup {
		b.labels = b.labels[:start]
		return fmt.Errorf("metric %s: duplicate series %q", f.name, append([]string{b.page}, values...))
	}
	b.seen[key] = struct{}{}
	b.specs = append(b.specs, spec{fam: f, start: int32(start), value: v})
	return nil
}

// pair returns the number of the label pair (name, value).
func (b *builder) pair(name *string, value string) int32 {
	k := [2]string{*name, value}
	if p, ok := knownPairs[k]; ok {
		for i, q := range b.known {
			if q == p {
				return int32(-1 - i)
			}
		}
		b.known = append(b.known, p)
		return int32(-len(b.known))
	}
	n, ok := b.pairs[k]
	if !ok {
		n = int32(len(b.pairValues))
		b.pairs[k] = n
		b.pairNames = append(b.pairNames, name)
		b.pairValues = append(b.pairValues, value)
	}
	return n
}

// finish allocates the series in their final, exact-size form.
func (b *builder) finish() []series {
	values := make([]string, len(b.pairValues))
	copy(values, b.pairValues)
	pairs := make([]dto.LabelPair, len(values))
	for i := range pairs {
		pairs[i].Name, pairs[i].Value = b.pairNames[i], &values[i]
	}
	labels := make([]*dto.LabelPair, len(b.labels))
	for i, n := range b.labels {
		if n < 0 {
			labels[i] = b.known[-1-n]
		} else {
			labels[i] = &pairs[n]
		}
	}
	others := 0
	for _, s := range b.specs {
		if s.value != 0 && s.value != 1 {
			others++
		}
	}
	gauges := make([]dto.Gauge, 0, others)
	floats := make([]float64, 0, others)
	out := make([]series, len(b.specs))
	for i, s := range b.specs {
		n := int32(len(s.fam.labels))
		out[i].fam = s.fam
		out[i].labels = labels[s.start : s.start+n : s.start+n]
		switch s.value {
		case 0:
			out[i].gauge = gaugeZero
		case 1:
			out[i].gauge = gaugeOne
		default:
			floats = append(floats, s.value)
			gauges = append(gauges, dto.Gauge{})
			g := &gauges[len(gauges)-1]
			g.Value = &floats[len(floats)-1]
			out[i].gauge = g
		}
	}
	return out
}
