package collector

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// table holds the label values of a page's series: each distinct value
// once, and for each series the numbers of its values in its family's
// label name order. A page's series share one table, so a value that many
// series carry (the page name, a component's id and name, a state) costs
// four bytes per series.
type table struct {
	values []string
	// labels holds the value numbers as two bytes each when the page has
	// at most 65,536 distinct values, as every real page does; wide holds
	// them as four bytes otherwise.
	labels []uint16
	wide   []uint32
	// series are the series that use the table, s.pos being the index of s.
	series []series
}

// series is one sample of a page metric, built once and handed over by
// every scrape that serves it. It is never modified.
type series struct {
	fam   *family
	tab   *table
	start uint32 // its label values are tab.labels[start : start+len(fam.labels)]
	pos   uint32 // its index in tab.series
	value float64
}

// labelValue returns the value of the i-th label in name order.
func (s *series) labelValue(i int) string {
	j := int(s.start) + i
	if s.tab.wide != nil {
		return s.tab.values[s.tab.wide[j]]
	}
	return s.tab.values[s.tab.labels[j]]
}

// Desc implements prometheus.Metric.
func (s *series) Desc() *prometheus.Desc { return s.fam.desc }

// Write implements prometheus.Metric, for registries. The exporter's
// handlers do not go through it (see Exposition).
func (s *series) Write(m *dto.Metric) error {
	pairs := make([]dto.LabelPair, len(s.fam.names))
	m.Label = make([]*dto.LabelPair, len(pairs))
	for i := range pairs {
		pairs[i].Name, pairs[i].Value = &s.fam.names[i], new(s.labelValue(i))
		m.Label[i] = &pairs[i]
	}
	m.Gauge = &dto.Gauge{Value: new(s.value)}
	return nil
}

// maxLabels bounds the labels of any family here (page_info has five).
const maxLabels = 6

// builder builds a page's series compactly: values are numbered as they
// come, and finish allocates the series, the table and its value list in
// exact sizes, once. The series of a page live as long as its document is
// cached, so this is most of the exporter's memory.
type builder struct {
	page   string
	index  map[string]uint32
	values []string
	labels []uint32
	series []series
	// seen is the check for duplicate series a registry would make,
	// made once per document.
	seen map[seriesKey]struct{}
	// limit bounds len(series); zero means no limit. Past it, add only
	// counts in over, so that a hostile document costs no more memory
	// than the limit and the log can still say how many series it makes.
	limit int
	over  int
}

type seriesKey struct {
	fam    *family
	labels [maxLabels]uint32
}

// newBuilder returns a builder for a page of about n series, without a
// limit.
func newBuilder(page string, n int) *builder {
	return &builder{
		page:   page,
		index:  make(map[string]uint32, n/2),
		labels: make([]uint32, 0, n*4),
		series: make([]series, 0, n),
		seen:   make(map[seriesKey]struct{}, n),
	}
}

// count returns how many series the document makes: those kept and those
// counted past the limit.
func (b *builder) count() int { return len(b.series) + b.over }

// add records a gauge sample of f with the page label and values, in f's
// label order after the page. Values must be valid label values already
// (see label). A duplicate series is refused: only a bug can make one.
//
// Once the limit is reached, add keeps nothing and only counts: the
// document is refused whole (see prepare), and a duplicate among the
// series past the limit, which only a bug can make, counts too.
func (b *builder) add(f *family, v float64, values ...string) error {
	if len(values)+1 != len(f.labels) || len(f.labels) > maxLabels {
		return fmt.Errorf("metric %s: %d label values for %d labels", f.name, len(values)+1, len(f.labels))
	}
	if b.limit > 0 && len(b.series) >= b.limit {
		b.over++
		return nil
	}
	key := seriesKey{fam: f}
	start := len(b.labels)
	for i, j := range f.sorted {
		value := b.page
		if j > 0 {
			value = values[j-1]
		}
		n, ok := b.index[value]
		if !ok {
			n = uint32(len(b.values))
			b.index[value] = n
			b.values = append(b.values, value)
		}
		key.labels[i] = n
		b.labels = append(b.labels, n)
	}
	if _, dup := b.seen[key]; dup {
		b.labels = b.labels[:start]
		return fmt.Errorf("metric %s: duplicate series %q", f.name, append([]string{b.page}, values...))
	}
	b.seen[key] = struct{}{}
	b.series = append(b.series, series{fam: f, start: uint32(start), value: v})
	return nil
}

// finish returns the series in their final, exact-size form, grouped by
// family (in the order of families, each family's series in the order they
// were added), so that a scrape hands over each family of a page as one
// run of adjacent series (see Drain).
func (b *builder) finish() []series {
	tab := &table{values: append(make([]string, 0, len(b.values)), b.values...)}
	if len(b.values) <= 1<<16 {
		tab.labels = make([]uint16, len(b.labels))
		for i, n := range b.labels {
			tab.labels[i] = uint16(n)
		}
	} else {
		tab.wide = append(make([]uint32, 0, len(b.labels)), b.labels...)
	}
	start := make([]int, len(families)+1)
	for _, s := range b.series {
		start[s.fam.index+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]series, len(b.series))
	for _, s := range b.series {
		i := start[s.fam.index]
		s.tab, s.pos = tab, uint32(i)
		out[i] = s
		start[s.fam.index]++
	}
	tab.series = out
	return out
}
