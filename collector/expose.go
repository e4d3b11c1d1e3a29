package collector

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/encoding/protowire"
)

// Exposition is what one scrape's Collect handed over, grouped by family,
// ready to be written. The exporter's handlers use it instead of a
// registry: a registry copies every series into a new dto.Metric and
// checks its labels again on every scrape, and the series were checked
// when their documents were prepared. Encode writes the page series
// straight from their prepared form, so a scrape allocates nothing per
// series beyond the grouping. A registry that the Collector is registered
// in exposes the same series (see the tests).
type Exposition struct {
	// byFamily holds, for each family (indexed like families), the runs
	// of adjacent series that Collect handed over: a page's series of one
	// family are adjacent in memory and handed over in a row, so a scrape
	// keeps one slice header per page and family rather than a pointer per
	// series.
	byFamily [][][]series
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
	x := &Exposition{byFamily: make([][][]series, len(families))}
	for m := range ch {
		// Collect sends nothing else.
		x.add(m.(*series))
	}
	return x
}

// add appends s to the last run of its family when it is the series right
// after that run in memory, else starts a new run.
func (x *Exposition) add(s *series) {
	runs := x.byFamily[s.fam.index]
	if n := len(runs); n > 0 {
		if last := runs[n-1]; len(last) < cap(last) && &last[:len(last)+1][len(last)] == s {
			runs[n-1] = last[:len(last)+1]
			return
		}
	}
	x.byFamily[s.fam.index] = append(runs, s.tab.series[s.pos:s.pos+1])
}

// Formats are the exposition formats Encode writes, in order of preference
// for content negotiation (expfmt.NegotiateAccept): delimited protobuf and
// the text format, the two that Prometheus asks for.
var Formats = []expfmt.Format{expfmt.FmtProtoDelim, expfmt.FmtText}

// Encode writes the page families merged with others in name order, in
// format, one of Formats. others must be sorted by name and share no name with
// the page families (the exporter's own metrics are statuspage_exporter_*,
// go_* and process_*); a registry's Gather returns them so.
func (x *Exposition) Encode(w io.Writer, format expfmt.Format, others []*dto.MetricFamily) error {
	var writeFamily func(*bufio.Writer, *family, [][]series) error
	switch format.FormatType() {
	case expfmt.TypeTextPlain:
		writeFamily = writeText
	case expfmt.TypeProtoDelim:
		writeFamily = writeProto
	default:
		return fmt.Errorf("unsupported exposition format %s", format)
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := expfmt.NewEncoder(bw, format)
	var errs prometheus.MultiError
	i := 0
	page := func(f *family) {
		if runs := x.byFamily[f.index]; len(runs) > 0 {
			errs.Append(writeFamily(bw, f, runs))
		}
	}
	for _, mf := range others {
		for i < len(families) && families[i].name < mf.GetName() {
			page(families[i])
			i++
		}
		if i < len(families) && families[i].name == mf.GetName() {
			errs.Append(fmt.Errorf("metric family %s is both a page family and another", mf.GetName()))
			continue
		}
		errs.Append(enc.Encode(mf))
	}
	for ; i < len(families); i++ {
		page(families[i])
	}
	errs.Append(bw.Flush())
	return errs.MaybeUnwrap()
}

// eachSeries yields the series of runs in order.
func eachSeries(runs [][]series) iter.Seq[*series] {
	return func(yield func(*series) bool) {
		for _, run := range runs {
			for i := range run {
				if !yield(&run[i]) {
					return
				}
			}
		}
	}
}

// helpEscaper and valueEscaper escape HELP text and label values as the
// text format wants them (and as expfmt writes them).
var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	valueEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// writeText writes a gauge family in the text format. Family and label
// names are valid legacy names, which every text format version writes
// as they are.
func writeText(w *bufio.Writer, f *family, runs [][]series) error {
	w.WriteString("# HELP ")
	w.WriteString(f.name)
	w.WriteByte(' ')
	helpEscaper.WriteString(w, f.help)
	w.WriteString("\n# TYPE ")
	w.WriteString(f.name)
	w.WriteString(" gauge\n")
	var num [32]byte
	for s := range eachSeries(runs) {
		w.WriteString(f.name)
		w.WriteByte('{')
		for j, name := range f.names {
			if j > 0 {
				w.WriteByte(',')
			}
			w.WriteString(name)
			w.WriteString(`="`)
			if v := s.labelValue(j); strings.ContainsAny(v, "\\\n\"") {
				valueEscaper.WriteString(w, v)
			} else {
				w.WriteString(v)
			}
			w.WriteByte('"')
		}
		w.WriteString("} ")
		w.Write(appendFloat(num[:0], s.value))
		if _, err := w.WriteString("\n"); err != nil {
			return err
		}
	}
	return nil
}

// appendFloat formats v as expfmt does.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// Field numbers of io.prometheus.client's MetricFamily, Metric, LabelPair
// and Gauge messages.
const (
	fieldFamilyName   = 1
	fieldFamilyHelp   = 2
	fieldFamilyType   = 3
	fieldFamilyMetric = 4
	fieldMetricLabel  = 1
	fieldMetricGauge  = 2
	fieldPairName     = 1
	fieldPairValue    = 2
	fieldGaugeValue   = 1
)

// gaugeSize is the size of a Gauge message holding a value.
var gaugeSize = protowire.SizeTag(fieldGaugeValue) + protowire.SizeFixed64()

// writeProto writes a gauge family as one length-delimited MetricFamily
// message. The message is streamed series by series, its length computed
// first, so that a large family never sits in memory whole.
func writeProto(w *bufio.Writer, f *family, runs [][]series) error {
	size := protowire.SizeTag(fieldFamilyName) + protowire.SizeBytes(len(f.name)) +
		protowire.SizeTag(fieldFamilyHelp) + protowire.SizeBytes(len(f.help)) +
		protowire.SizeTag(fieldFamilyType) + protowire.SizeVarint(uint64(dto.MetricType_GAUGE))
	for s := range eachSeries(runs) {
		size += protowire.SizeTag(fieldFamilyMetric) + protowire.SizeBytes(metricSize(s))
	}
	b := protowire.AppendVarint(make([]byte, 0, 256), uint64(size))
	b = protowire.AppendTag(b, fieldFamilyName, protowire.BytesType)
	b = protowire.AppendString(b, f.name)
	b = protowire.AppendTag(b, fieldFamilyHelp, protowire.BytesType)
	b = protowire.AppendString(b, f.help)
	b = protowire.AppendTag(b, fieldFamilyType, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(dto.MetricType_GAUGE))
	for s := range eachSeries(runs) {
		b = protowire.AppendTag(b, fieldFamilyMetric, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(metricSize(s)))
		for j, name := range f.names {
			value := s.labelValue(j)
			b = protowire.AppendTag(b, fieldMetricLabel, protowire.BytesType)
			b = protowire.AppendVarint(b, uint64(pairSize(name, value)))
			b = protowire.AppendTag(b, fieldPairName, protowire.BytesType)
			b = protowire.AppendString(b, name)
			b = protowire.AppendTag(b, fieldPairValue, protowire.BytesType)
			b = protowire.AppendString(b, value)
		}
		b = protowire.AppendTag(b, fieldMetricGauge, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(gaugeSize))
		b = protowire.AppendTag(b, fieldGaugeValue, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(s.value))
		if len(b) >= 16<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err := w.Write(b)
	return err
}

func pairSize(name, value string) int {
	return protowire.SizeTag(fieldPairName) + protowire.SizeBytes(len(name)) +
		protowire.SizeTag(fieldPairValue) + protowire.SizeBytes(len(value))
}

func metricSize(s *series) int {
	n := protowire.SizeTag(fieldMetricGauge) + protowire.SizeBytes(gaugeSize)
	for j, name := range s.fam.names {
		n += protowire.SizeTag(fieldMetricLabel) + protowire.SizeBytes(pairSize(name, s.labelValue(j)))
	}
	return n
}
