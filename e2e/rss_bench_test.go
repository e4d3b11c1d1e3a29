//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// rssLatency and the shape below are those of the root package's scrape
// benchmarks (benchLatency, benchShape), so that the figures compare.
const rssLatency = 50 * time.Millisecond

// maxInFlight is the exporter's default --statuspage.max-concurrency.
const maxInFlight = 128

// BenchmarkBinaryPeakRSS runs the real binary, built as `make build` does,
// against fake pages, scrapes it once cold and ten times warm, and reports
// its peak resident set size (VmHWM) after each phase. Each operation
// starts a process; run it with -benchtime=1x.
//
// Beside it, the fetch floor: the time to fetch every page once, as a
// freshly started exporter must at least, with nothing decoded;
// cold-over-floor is how far the first scrape is from it.
func BenchmarkBinaryPeakRSS(b *testing.B) {
	for _, size := range []struct{ pages, components int }{{100, 11}, {1000, 11}, {100, 300}} {
		b.Run(fmt.Sprintf("pages=%d/components=%d", size.pages, size.components), func(b *testing.B) {
			bin := build(b, false) // the race detector would change the figures
			shape := statuspagetest.Shape{Components: size.components, Incidents: 1, Maintenances: 1}
			up := statuspagetest.Start(b, statuspagetest.Options{Pages: size.pages, Shape: shape, Latency: rssLatency})
			floor := fetchFloor(b, up)
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
			b.ReportMetric(floor.Seconds(), "fetch-floor-s")
			b.ReportMetric(first.Seconds()/floor.Seconds(), "cold-over-floor")
			b.ReportMetric(cold, "cold-peak-rss-MiB")
			b.ReportMetric(warm, "peak-rss-MiB")
		})
	}
}

// fetchFloor returns the time to fetch every page of up once: concurrently,
// at most maxInFlight requests at a time, through a new transport (no warm
// connections, as in a freshly started exporter), asking for gzip as the
// exporter does, each body read to the end and not decoded.
func fetchFloor(b *testing.B, up *statuspagetest.Server) time.Duration {
	b.Helper()
	transport := &http.Transport{MaxIdleConnsPerHost: maxInFlight}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	slots := make(chan struct{}, maxInFlight)
	errs := make(chan error, up.Len())
	var wg sync.WaitGroup
	start := time.Now()
	for i := range up.Len() {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			errs <- fetchRaw(client, up.URL(i)+statuspagetest.SummaryPath)
		})
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return took
}

// fetchRaw GETs url and reads the body, as sent, into io.Discard.
func fetchRaw(client *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	// Set by hand, the transport leaves a gzip body as it is.
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if res.StatusCode != http.StatusOK || n == 0 {
		return fmt.Errorf("%s: status %d, %d bytes", url, res.StatusCode, n)
	}
	return nil
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
