package collector

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// BenchmarkPrepare measures what a fetch costs beyond the request, per page
// size: decoding the document, translating it and checking the series
// once. A warm scrape no longer pays it.
func BenchmarkPrepare(b *testing.B) {
	logger := slog.New(slog.DiscardHandler)
	for _, n := range []int{11, 300, 1000} {
		doc := statuspagetest.Summary(1, statuspagetest.Shape{Components: n, GroupEvery: 10, Incidents: 1, Maintenances: 1}, 0)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			series := 0
			for b.Loop() {
				s, err := statuspage.Decode(doc)
				if err != nil {
					b.Fatal(err)
				}
				p, err := prepare("p", s, 0, logger)
				if err != nil {
					b.Fatal(err)
				}
				series = p.Len()
			}
			b.ReportMetric(float64(series), "series")
		})
	}
}
