//go:build unix

package e2e

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// parse checks that body is valid text exposition and returns its
// families by name.
func parse(tb testing.TB, body string) map[string]*dto.MetricFamily {
	tb.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		tb.Fatalf("not valid text exposition: %v\n%s", err, short(body))
	}
	return fams
}

// countPage counts the series of mf for page.
func countPage(mf *dto.MetricFamily, page string) int {
	n := 0
	for _, m := range mf.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "page" && l.GetValue() == page {
				n++
			}
		}
	}
	return n
}

// The helpers below look at the text as the exporter writes it, label
// order included.

// gauge returns the value of the sample line that starts with series
// followed by a space, or -1 when there is none.
func gauge(body, series string) float64 {
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			if v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64); err == nil {
				return v
			}
		}
	}
	return -1
}

func hasLine(body, line string) bool {
	for l := range strings.SplitSeq(body, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func wantLine(tb testing.TB, where, body, line string) {
	tb.Helper()
	if !hasLine(body, line) {
		tb.Errorf("%s has no line %s", where, line)
	}
}

// short cuts a body for an error message.
func short(s string) string {
	const n = 2000
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("\n… (%d more bytes)", len(s)-n)
}
