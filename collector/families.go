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
	// series holds the label pairs of every series so far, per family: the
	// duplicate check a registry would make, made once per document. Pairs
	// are interned, so equal pointers mean equal labels.
	series map[*prometheus.Desc]map[seriesKey]struct{}
	// prev are the values and pairs of the last series, by label position:
	// consecutive series (a state set) mostly repeat them.
	prevNames, prevValues []string
	prevPairs             []*dto.LabelPair
}

// maxLabels bounds the labels of any metric here (page_info has five).
const maxLabels = 6

type seriesKey [maxLabels]*dto.LabelPair

var (
	gaugeZero = &dto.Gauge{Value: new(0.0)}
	gaugeOne  = &dto.Gauge{Value: new(1.0)}
	typeGauge = dto.MetricType_GAUGE.Enum()
)

func newFamilyBuilder() *familyBuilder {
	return &familyBuilder{
		families: map[*prometheus.Desc]*dto.MetricFamily{},
		pairs:    map[[2]string]*dto.LabelPair{},
		series:   map[*prometheus.Desc]map[seriesKey]struct{}{},
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

// add appends a gauge sample with labels page and then values, in desc
// order. Label values must be valid already (see label).
func (b *familyBuilder) add(desc *prometheus.Desc, v float64, page string, values ...string) error {
	info := descs[desc]
	if info == nil || len(values)+1 != len(info.labels) || len(info.labels) > maxLabels {
		return fmt.Errorf("metric %v: %d label values for its labels", desc, len(values)+1)
	}
	m := &dto.Metric{Label: make([]*dto.LabelPair, len(info.labels))}
	var key seriesKey
	for i, j := range info.sorted {
		value := page
		if j > 0 {
			value = values[j-1]
		}
		name := info.labels[j]
		var p *dto.LabelPair
		if i < len(b.prevPairs) && b.prevNames[i] == name && b.prevValues[i] == value {
			p = b.prevPairs[i]
		} else {
			p = b.pair(name, value)
		}
		m.Label[i], key[i] = p, p
	}
	seen := b.series[desc]
	if seen == nil {
		seen = map[seriesKey]struct{}{}
		b.series[desc] = seen
	}
	if _, dup := seen[key]; dup {
		return fmt.Errorf("metric %s: duplicate series %q", info.name, append([]string{page}, values...))
	}
	seen[key] = struct{}{}
	b.prevPairs = m.Label
	b.prevNames, b.prevValues = b.prevNames[:0], b.prevValues[:0]
	for _, p := range m.Label {
		b.prevNames = append(b.prevNames, p.GetName())
		b.prevValues = append(b.prevValues, p.GetValue())
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
