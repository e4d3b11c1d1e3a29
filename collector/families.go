package collector

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// familyBuilder builds a page's metric families directly, without const
// metrics and a registry, so that what repeats is stored once: a label pair
// (the page, a component's id, name and group, a state name) is shared by
// every series that carries it, and the values 0 and 1 by every series
// that has them. Families live as long as the page's document is cached,
// so this is most of the exporter's memory. Nothing built here is modified
// after build returns.
type familyBuilder struct {
	families map[*prometheus.Desc]*dto.MetricFamily
	order    []*prometheus.Desc
	pairs    map[[2]string]*dto.LabelPair
	// series holds the label pairs of every series so far: the duplicate
	// check a registry would make, made once per document. Pairs are
	// interned, so equal pointers mean equal labels.
	series map[seriesKey]struct{}
	// metrics and labels are slabs the series are cut from: a few
	// allocations per document instead of two per series, and a page's
	// series side by side in memory.
	metrics  []dto.Metric
	labels   []*dto.LabelPair
	pairSlab []dto.LabelPair
	values   []string
	gauges   []dto.Gauge
	floats   []float64
	// prev are the values and pairs of the last series, by label position:
	// consecutive series (a state set) mostly repeat them.
	prevNames, prevValues []string
	prevPairs             []*dto.LabelPair
}

// maxLabels bounds the labels of any metric here (page_info has five).
const maxLabels = 6

type seriesKey struct {
	desc  *prometheus.Desc
	pairs [maxLabels]*dto.LabelPair
}

var (
	gaugeZero = &dto.Gauge{Value: new(0.0)}
	gaugeOne  = &dto.Gauge{Value: new(1.0)}
	typeGauge = dto.MetricType_GAUGE.Enum()
)

// newFamilyBuilder returns a builder sized for about n series; more only
// cost another slab.
func newFamilyBuilder(n int) *familyBuilder {
	n = max(n, 16)
	return &familyBuilder{
		families: make(map[*prometheus.Desc]*dto.MetricFamily, 24),
		pairs:    make(map[[2]string]*dto.LabelPair, n/2),
		series:   make(map[seriesKey]struct{}, n),
		metrics:  make([]dto.Metric, 0, n),
		labels:   make([]*dto.LabelPair, 0, n*4),
	}
}

// newMetric cuts a series with room for n labels from the slabs. A full
// slab is replaced, never grown: the series cut from it are in use.
func (b *familyBuilder) newMetric(n int) *dto.Metric {
	if len(b.metrics) == cap(b.metrics) {
		b.metrics = make([]dto.Metric, 0, max(64, cap(b.metrics)/2))
	}
	b.metrics = b.metrics[:len(b.metrics)+1]
	m := &b.metrics[len(b.metrics)-1]
	if len(b.labels)+n > cap(b.labels) {
		b.labels = make([]*dto.LabelPair, 0, max(256, cap(b.labels)/2))
	}
	l := len(b.labels)
	b.labels = b.labels[:l+n]
	m.Label = b.labels[l : l+n : l+n]
	return m
}

// pair returns the interned label pair; name points into the static
// descInfo, so only the value is stored per pair.
func (b *familyBuilder) pair(name *string, value string) *dto.LabelPair {
	k := [2]string{*name, value}
	p, ok := b.pairs[k]
	if !ok {
		if len(b.pairSlab) == cap(b.pairSlab) {
			b.pairSlab = make([]dto.LabelPair, 0, 64)
			b.values = make([]string, 0, 64)
		}
		b.values = append(b.values, value)
		b.pairSlab = b.pairSlab[:len(b.pairSlab)+1]
		p = &b.pairSlab[len(b.pairSlab)-1]
		p.Name, p.Value = name, &b.values[len(b.values)-1]
		b.pairs[k] = p
	}
	return p
}

// gauge returns a gauge of value v: the shared ones for 0 and 1, else one
// cut from a slab.
func (b *familyBuilder) gauge(v float64) *dto.Gauge {
	switch v {
	case 0:
		return gaugeZero
	case 1:
		return gaugeOne
	}
	if len(b.gauges) == cap(b.gauges) {
		b.gauges = make([]dto.Gauge, 0, 32)
		b.floats = make([]float64, 0, 32)
	}
	b.floats = append(b.floats, v)
	b.gauges = b.gauges[:len(b.gauges)+1]
	g := &b.gauges[len(b.gauges)-1]
	g.Value = &b.floats[len(b.floats)-1]
	return g
}

// add appends a gauge sample with labels page and then values, in desc
// order. Label values must be valid already (see label).
func (b *familyBuilder) add(desc *prometheus.Desc, v float64, page string, values ...string) error {
	info := descs[desc]
	if info == nil || len(values)+1 != len(info.labels) || len(info.labels) > maxLabels {
		return fmt.Errorf("metric %v: %d label values for its labels", desc, len(values)+1)
	}
	m := b.newMetric(len(info.labels))
	key := seriesKey{desc: desc}
	for i, j := range info.sorted {
		value := page
		if j > 0 {
			value = values[j-1]
		}
		name := &info.labels[j]
		var p *dto.LabelPair
		if i < len(b.prevPairs) && b.prevNames[i] == *name && b.prevValues[i] == value {
			p = b.prevPairs[i]
		} else {
			p = b.pair(name, value)
		}
		m.Label[i], key.pairs[i] = p, p
	}
	if _, dup := b.series[key]; dup {
		// The slot cut for m stays unused; this only happens on a bug.
		return fmt.Errorf("metric %s: duplicate series %q", info.name, append([]string{page}, values...))
	}
	b.series[key] = struct{}{}
	b.prevPairs = m.Label
	b.prevNames, b.prevValues = b.prevNames[:0], b.prevValues[:0]
	for _, p := range m.Label {
		b.prevNames = append(b.prevNames, p.GetName())
		b.prevValues = append(b.prevValues, p.GetValue())
	}
	m.Gauge = b.gauge(v)
	mf := b.families[desc]
	if mf == nil {
		mf = &dto.MetricFamily{Name: &info.name, Help: &info.help, Type: typeGauge}
		b.families[desc] = mf
		b.order = append(b.order, desc)
	}
	mf.Metric = append(mf.Metric, m)
	return nil
}

// build returns the families in the order they were first added.
func (b *familyBuilder) build() []*dto.MetricFamily {
	out := make([]*dto.MetricFamily, 0, len(b.order))
	for _, d := range b.order {
		mf := b.families[d]
		mf.Metric = mf.Metric[:len(mf.Metric):len(mf.Metric)]
		out = append(out, mf)
	}
	return out
}
