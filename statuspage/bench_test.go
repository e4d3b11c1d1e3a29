package statuspage

import (
	"fmt"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// BenchmarkDecode measures decoding one summary document per page size; the
// documents carry every field real pages send, most of which are skipped.
func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{11, 300, 1000} {
		doc := statuspagetest.Summary(1, statuspagetest.Shape{Components: n, GroupEvery: 10, Incidents: 1, Maintenances: 1}, 0)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := Decode(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
