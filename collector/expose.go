package collector

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Exposition is what one scrape's Collect handed over, grouped by family,
// ready to be encoded. The exporter's handlers use it instead of a
// registry: a registry would copy every series into a new dto.Metric and
// check its labels again on every scrape, and the series were checked when
// their documents were prepared. A registry that Collect is registered in
// exposes the same series (see the tests).
type Exposition struct {
	byFamily [][]*series // indexed like families
}

// drainBuffer is how many metrics Collect may send ahead of the drain.
const drainBuffer = 1024

// Drain runs c.Collect and groups what it sends by family.
func Drain(c *Collector) *Exposition {
	ch := make(chan prometheus.Metric, drainBuffer)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	x := &Exposition{byFamily: make([][]*series, len(families))}
	for m := range ch {
		// Collect sends nothing else.
		s := m.(*series)
		x.byFamily[s.fam.index] = append(x.byFamily[s.fam.index], s)
	}
	return x
}

// Encode writes the page families merged with others in name order, one
// family at a time, so that only the largest family is ever held as
// dto.Metric values. others must be sorted by name and share no name with
// the page families (the exporter's own metrics are statuspage_exporter_*,
// go_* and process_*); a registry's Gather returns them so.
func (x *Exposition) Encode(enc expfmt.Encoder, others []*dto.MetricFamily) error {
	var (
		metrics []dto.Metric
		ptrs    []*dto.Metric
		errs    prometheus.MultiError
	)
	encodePage := func(f *family) {
		ss := x.byFamily[f.index]
		if len(ss) == 0 {
			return
		}
		if cap(metrics) < len(ss) {
			metrics = make([]dto.Metric, len(ss))
			ptrs = make([]*dto.Metric, len(ss))
		}
		metrics, ptrs = metrics[:len(ss)], ptrs[:len(ss)]
		for i, s := range ss {
			m := &metrics[i]
			m.Reset()
			m.Label, m.Gauge = s.labels, s.gauge
			ptrs[i] = m
		}
		errs.Append(enc.Encode(&dto.MetricFamily{Name: &f.name, Help: &f.help, Type: typeGauge, Metric: ptrs}))
	}
	i := 0
	for _, mf := range others {
		for i < len(families) && families[i].name < mf.GetName() {
			encodePage(families[i])
			i++
		}
		if i < len(families) && families[i].name == mf.GetName() {
			errs.Append(fmt.Errorf("metric family %s is both a page family and another", mf.GetName()))
			continue
		}
		errs.Append(enc.Encode(mf))
	}
	for ; i < len(families); i++ {
		encodePage(families[i])
	}
	if closer, ok := enc.(expfmt.Closer); ok {
		errs.Append(closer.Close())
	}
	return errs.MaybeUnwrap()
}
