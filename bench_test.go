package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// benchLatency is the upstream latency of every scrape benchmark.
const benchLatency = 50 * time.Millisecond

// benchSizes are the page counts and page sizes the scrape benchmarks run:
// from a small setup to a thousand vendor pages, and a hundred big pages.
var benchSizes = []struct{ pages, components int }{
	{10, 11}, {100, 11}, {1000, 11}, {100, 300},
}

func benchShape(components int) statuspagetest.Shape {
	return statuspagetest.Shape{Components: components, Incidents: 1, Maintenances: 1}
}

func benchName(pages, components int) string {
	return fmt.Sprintf("pages=%d/components=%d", pages, components)
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start: the scrape
// benchmarks run goroutines on every core, so wall time alone understates
// their cost.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// discardWriter is a ResponseWriter that only counts, so that a benchmark
// measures the handler rather than a recorder's buffer.
type discardWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// scrapeDiscard serves one /metrics request and returns the body's size.
func scrapeDiscard(tb testing.TB, h http.Handler, header ...string) int {
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/metrics", nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := &discardWriter{header: http.Header{}, code: http.StatusOK}
	h.ServeHTTP(w, req)
	if w.code != http.StatusOK {
		tb.Fatalf("scrape: status %d", w.code)
	}
	return w.n
}

// countSamples counts the sample lines of a text exposition.
func countSamples(body string) int {
	n := 0
	for line := range strings.Lines(body) {
		if line != "" && line[0] != '#' {
			n++
		}
	}
	return n
}

// BenchmarkScrapeWarm measures a /metrics scrape answered from the cache:
// the cost that every scrape of a running exporter pays.
func BenchmarkScrapeWarm(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(benchName(size.pages, size.components), func(b *testing.B) {
			up := statuspagetest.Start(b, statuspagetest.Options{Pages: size.pages, Shape: benchShape(size.components), Latency: benchLatency})
			env := newScrapeEnv(b, up, time.Hour)
			body := scrapeOnce(b, env.h)
			before := upRequests(up)
			start := cpuTime()
			for b.Loop() {
				scrapeDiscard(b, env.h)
			}
			reportCPU(b, start)
			b.ReportMetric(float64(countSamples(body)), "samples")
			if got := upRequests(up) - before; got != 0 {
				b.Fatalf("warm scrapes made %d upstream requests", got)
			}
		})
	}
}

// BenchmarkScrapeWarmGzip is BenchmarkScrapeWarm as Prometheus asks for it,
// gzip-compressed: compression is not part of the lower bound, but it is part
// of what a real scrape costs.
func BenchmarkScrapeWarmGzip(b *testing.B) {
	for _, size := range benchSizes[1:3] {
		b.Run(benchName(size.pages, size.components), func(b *testing.B) {
			up := statuspagetest.Start(b, statuspagetest.Options{Pages: size.pages, Shape: benchShape(size.components), Latency: benchLatency})
			env := newScrapeEnv(b, up, time.Hour)
			scrapeOnce(b, env.h)
			start := cpuTime()
			n := 0
			for b.Loop() {
				n = scrapeDiscard(b, env.h, "Accept-Encoding", "gzip")
			}
			reportCPU(b, start)
			b.ReportMetric(float64(n), "gzip-bytes")
		})
	}
}

// BenchmarkScrapeCold measures a /metrics scrape of an exporter that has
// just started: every page is fetched, at most --statuspage.max-concurrency
// (128) at a time.
func BenchmarkScrapeCold(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(benchName(size.pages, size.components), func(b *testing.B) {
			up := statuspagetest.Start(b, statuspagetest.Options{Pages: size.pages, Shape: benchShape(size.components), Latency: benchLatency})
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				env := newScrapeEnv(b, up, time.Hour)
				b.StartTimer()
				start := cpuTime()
				scrapeDiscard(b, env.h)
				cpu += cpuTime() - start
				b.StopTimer()
				for _, t := range env.e.holder.Active().Targets {
					t.Client.CloseIdleConnections()
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkEncodeLowerBound measures what no scrape can avoid: encoding the
// same metric families, already built and gathered, to the text format.
// Warm scrapes are judged against it.
func BenchmarkEncodeLowerBound(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(benchName(size.pages, size.components), func(b *testing.B) {
			up := statuspagetest.Start(b, statuspagetest.Options{Pages: size.pages, Shape: benchShape(size.components), Latency: benchLatency})
			env := newScrapeEnv(b, up, time.Hour)
			scrapeOnce(b, env.h)
			pages := prometheus.NewRegistry()
			pages.MustRegister(collector.New(context.Background(), env.e.store, env.e.holder.Active().Targets, nil))
			mfs, err := prometheus.Gatherers{pages, env.e.static}.Gather()
			if err != nil {
				b.Fatal(err)
			}
			format := expfmt.NewFormat(expfmt.TypeTextPlain)
			start := cpuTime()
			for b.Loop() {
				w := &discardWriter{}
				enc := expfmt.NewEncoder(w, format)
				for _, mf := range mfs {
					if err := enc.Encode(mf); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkUpstreamRequests runs 1, 2 and 50 scrapers, each scraping 20
// pages twice per cache TTL at its own phase (as Prometheus servers with a
// scrape interval of half the TTL would), for 12 TTLs. It reports upstream
// requests per page per TTL; the shortest time between two requests to the
// same page, in TTLs (at least 1 means never two requests within a TTL,
// whatever the number of scrapers); and new connections per request after
// the first round: 1 by default, 0 with --statuspage.keep-alive when every
// request reused a kept-alive connection.
// Each operation takes seconds; run it with -benchtime=1x.
func BenchmarkUpstreamRequests(b *testing.B) {
	const pages, ttl, rounds = 20, 500 * time.Millisecond, 12
	interval := ttl / 2
	for _, run := range []struct {
		scrapers  int
		keepAlive bool
	}{{1, false}, {2, false}, {50, false}, {2, true}} {
		scrapers := run.scrapers
		b.Run(fmt.Sprintf("scrapers=%d/keep-alive=%t", scrapers, run.keepAlive), func(b *testing.B) {
			var perTTL, connsPerReq, minGap float64
			for b.Loop() {
				up := statuspagetest.Start(b, statuspagetest.Options{Pages: pages, Shape: benchShape(11), Latency: benchLatency})
				flag := "--no-statuspage.keep-alive"
				if run.keepAlive {
					flag = "--statuspage.keep-alive"
				}
				env := newScrapeEnv(b, up, ttl, flag)
				scrapeDiscard(b, env.h)
				req0, _, conns0 := up.Totals()
				start := time.Now()
				deadline := start.Add(rounds * ttl)
				var wg sync.WaitGroup
				for i := range scrapers {
					wg.Go(func() {
						next := start.Add(interval * time.Duration(i) / time.Duration(scrapers))
						for next.Before(deadline) {
							time.Sleep(time.Until(next)) // a scrape interval, not a wait for a result
							scrapeDiscard(b, env.h)
							next = next.Add(interval)
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(start)
				req, _, conns := up.Totals()
				perTTL = float64(req-req0) / pages / (float64(elapsed) / float64(ttl))
				connsPerReq = float64(conns-conns0) / float64(max(req-req0, 1))
				gap := up.MinGap(0)
				for i := range pages {
					gap = min(gap, up.MinGap(i))
				}
				minGap = float64(gap) / float64(ttl)
			}
			b.ReportMetric(perTTL, "req/page/ttl")
			b.ReportMetric(minGap, "min-gap/ttl")
			b.ReportMetric(connsPerReq, "conns/req")
		})
	}
}

// BenchmarkScrapeRefresh measures scrapes that must refresh every page (a
// cache TTL shorter than a scrape) of 100 pages × 300 components with no
// latency: what a conditional request saves when pages have not changed (a
// 304 costs no download, no decoding and no translation), against pages
// that send no validators.
func BenchmarkScrapeRefresh(b *testing.B) {
	for _, validators := range []bool{true, false} {
		b.Run(fmt.Sprintf("validators=%t", validators), func(b *testing.B) {
			up := statuspagetest.Start(b, statuspagetest.Options{Pages: 100, Shape: benchShape(300), NoValidators: !validators})
			env := newScrapeEnv(b, up, time.Millisecond)
			scrapeDiscard(b, env.h)
			req0, nm0, _ := up.Totals()
			start := cpuTime()
			for b.Loop() {
				time.Sleep(time.Millisecond) // let the 1 ms TTL pass: every page is refreshed
				scrapeDiscard(b, env.h)
			}
			reportCPU(b, start)
			req, nm, _ := up.Totals()
			b.ReportMetric(float64(req-req0)/float64(b.N), "requests/op")
			b.ReportMetric(float64(nm-nm0)/float64(max(req-req0, 1)), "304/request")
		})
	}
}
