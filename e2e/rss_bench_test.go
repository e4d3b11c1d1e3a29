//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// rssLatency and the shape below are those of the root package's scrape
// benchmarks (benchLatency, benchShape), so that the figures compare.
const rssLatency = 50 * time.Millisecond

// BenchmarkBinaryPeakRSS runs the real binary, built as `make build` does,
// against fake pages, scrapes it once cold and ten times warm, and reports
// its peak resident set size (VmHWM) after each phase. Each operation
// starts a process; run it with -benchtime=1x.
func BenchmarkBinaryPeakRSS(b *testing.B) {
	for _, size := range []struct{ pages, components int }{{100, 11}, {1000, 11}, {100, 300}} {
		b.Run(fmt.Sprintf("pages=%d/components=%d", size.pages, size.components), func(b *testing.B) {
			bin := build(b, false) // the race detector would change the figures
			shape := statuspagetest.Shape{Components: size.components, Incidents: 1, Maintenances: 1}
			up := fakePages(b, statuspagetest.Options{Pages: size.pages, Shape: shape, Latency: rssLatency})
			var (
				cold, warm float64
				first      time.Duration
			)
			for b.Loop() {
				cold, warm, first = runForRSS(b, bin, up)
			}
			// The first scrape of a process that has just started, fetching
			// every page: the cold scrape without the fake pages' own work
			// in the measured process.
			b.ReportMetric(first.Seconds(), "cold-scrape-s")
			b.ReportMetric(cold, "cold-peak-rss-MiB")
			b.ReportMetric(warm, "peak-rss-MiB")
		})
	}
}

// runForRSS returns the peak RSS after the first (cold) scrape and after ten
// more (warm) ones, and how long the first scrape took. Warm scrapes
// allocate, and the garbage collector lets the heap grow to twice what is
// live (GOGC=100) before it collects.
func runForRSS(b *testing.B, bin string, up *statuspagetest.Server) (coldMiB, warmMiB float64, coldScrape time.Duration) {
	var cfg strings.Builder
	cfg.WriteString("pages:\n")
	for i := range up.Len() {
		fmt.Fprintf(&cfg, "  - name: p%d\n    url: %s\n", i, up.URL(i))
	}
	path := filepath.Join(b.TempDir(), "config.yml")
	writeFile(b, path, cfg.String())
	// Info, not debug: the start helper waits for the listening line, and
	// nothing is logged per page while they all answer.
	p := start(b, path, startOptions{bin: bin, args: []string{"--log.level=info"}})
	defer p.stop() // one process at a time, whatever the benchtime
	p.client = &http.Client{Timeout: 30 * time.Second}
	scrape := func() time.Duration {
		code, body, took := p.scrape(b, "/metrics", 30)
		if code != http.StatusOK || body == "" {
			b.Fatalf("GET /metrics: status %d, %d bytes", code, len(body))
		}
		return took
	}
	coldScrape = scrape()
	cold := procStatusKiB(b, p.cmd.Process.Pid, "VmHWM")
	for range 10 {
		scrape()
	}
	return cold / 1024, procStatusKiB(b, p.cmd.Process.Pid, "VmHWM") / 1024, coldScrape
}

func procStatusKiB(b *testing.B, pid int, key string) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}
