package collector

import (
	"fmt"
	"strings"

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
	// series holds the label values of every series so far, per family: the
	// duplicate check a registry would make, made once per document.
	series map[*prometheus.Desc]map[string]struct{}
}

var (
	gaugeZero = &dto.Gauge{Value: new(0.0)}
	gaugeOne  = &dto.Gauge{Value: new(1.0)}
	typeGauge = dto.MetricType_GAUGE.Enum()
)

func newFamilyBuilder() *familyBuilder {
	return &familyBuilder{
		families: map[*prometheus.Desc]*dto.MetricFamily{},
		pairs:    map[[2]string]*dto.LabelPair{},
		series:   map[*prometheus.Desc]map[string]struct{}{},
	}
}

func (b *familyBuilder) pair(name, value string) *dto.LabelPair {
	k := [2]string{name, value}
	p, ok := b.pairs[k]
	if !ok {
		p = &dto.LabelPair{Name: &k[0], Value: &k[1]}
		b.pairs[k] = p
	}
	return p
}

// add appends a gauge sample; values are the label values in desc order,
// page first. Label values must be valid already (see label).
func (b *familyBuilder) add(desc *prometheus.Desc, v float64, values ...string) error {
	info := descs[desc]
	if info == nil || len(values) != len(info.labels) {
		return fmt.Errorf("metric %v: %d label values for %d labels", desc, len(values), len(info.labels))
	}
	sig := strings.Join(values, "\xff")
	seen := b.series[desc]
	if seen == nil {
		seen = map[string]struct{}{}
		b.series[desc] = seen
	}
	if _, dup := seen[sig]; dup {
		return fmt.Errorf("metric %s: duplicate series %q", info.name, values)
	}
	seen[sig] = struct{}{}
	m := &dto.Metric{Label: make([]*dto.LabelPair, len(values))}
	for i, j := range info.sorted {
		m.Label[i] = b.pair(info.labels[j], values[j])
	}
	switch v {
	case 0:
		m.Gauge = gaugeZero
	case 1:
		m.Gauge = gaugeOne
	default:
		m.Gauge = &dto.Gauge{Value: &v}
	}
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
