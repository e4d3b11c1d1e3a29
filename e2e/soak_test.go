//go:build unix

// The soak test: many concurrent scrapers against one race-enabled exporter
// serving many fake pages, with reloads, page failures and document changes
// under way, then SIGTERM with scrapes in flight. It takes minutes, so it
// runs only with -soak (make soak), never in make test.

package e2e

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

var (
	soak         = flag.Bool("soak", false, "run the soak test (make soak)")
	soakDuration = flag.Duration("soak.duration", 60*time.Second, "how long the scrapers run")
	soakScrapers = flag.Int("soak.scrapers", 200, "concurrent scrapers")
	soakFull     = flag.Int("soak.full-scrapers", 4, "scrapers of /metrics (two HA pairs of Prometheus servers); the others probe one page each time")
	soakInterval = flag.Duration("soak.interval", 5*time.Second, "each scraper's scrape interval, as in a Prometheus job; 0 asks again as soon as an answer comes (overload)")
	soakPages    = flag.Int("soak.pages", 100, "fake status pages")
)

// soakSample is the process's own view of itself at one moment.
type soakSample struct {
	at                    time.Duration
	goroutines, rss, heap float64
}

func (s soakSample) String() string {
	return fmt.Sprintf("goroutines %.0f, RSS %.1f MiB, heap in use %.1f MiB", s.goroutines, s.rss/(1<<20), s.heap/(1<<20))
}

func TestSoak(t *testing.T) {
	if !*soak {
		t.Skip("the soak test runs with -soak (make soak)")
	}
	binary(t)
	shape := statuspagetest.Shape{Components: 12, GroupEvery: 4, Incidents: 1, Maintenances: 1}
	up := statuspagetest.Start(t, statuspagetest.Options{Pages: *soakPages, Shape: shape, Latency: 20 * time.Millisecond})

	// Pages probed by scrapers stay configured through every reload; the
	// last tenth comes and goes.
	stable := *soakPages * 9 / 10
	config := func(generation int) string {
		var b strings.Builder
		// The cache TTL changes with the generation, so reloads change
		// what the pages are, not only which exist.
		fmt.Fprintf(&b, "defaults:\n  timeout: 2s\n  cache_ttl: %dms\n  max_stale: 1m\npages:\n", 500+generation%3*500)
		for i := range *soakPages {
			if i >= stable && generation%2 == 1 {
				continue
			}
			fmt.Fprintf(&b, "  - name: p%d\n    url: %s\n", i, up.URL(i))
		}
		return b.String()
	}
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, config(0))
	p := start(t, cfgPath, startOptions{args: []string{"--log.level=info"}})
	// Under this load an answer can take longer than the e2e helpers wait.
	p.client = &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}

	sample := func(start time.Time) soakSample {
		code, body, _ := p.scrape(t, "/metrics", 10)
		if code != http.StatusOK {
			t.Fatalf("monitoring scrape: %d", code)
		}
		return soakSample{time.Since(start), gauge(body, "go_goroutines"), gauge(body, "process_resident_memory_bytes"), gauge(body, "go_memstats_heap_inuse_bytes")}
	}
	// Warm up: the cache, connection pools and heap reach their working size.
	for range 3 {
		sample(time.Now())
	}
	begin := time.Now()
	base := sample(begin)
	t.Logf("start: %s", base)

	var (
		scrapes, probes, bad atomic.Int64
		mu                   sync.Mutex
		errs                 []string
		latencies            []time.Duration
		wg                   sync.WaitGroup
	)
	stop := make(chan struct{})
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: *soakScrapers}}
	defer client.CloseIdleConnections()
	record := func(took time.Duration, failure string) {
		mu.Lock()
		defer mu.Unlock()
		latencies = append(latencies, took)
		if failure != "" {
			bad.Add(1)
			if len(errs) < 20 {
				errs = append(errs, failure)
			}
		}
	}
	for s := range *soakScrapers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(s), 1))
			// Like a Prometheus job: a fixed interval, started at a
			// random offset within it.
			next := time.Now()
			if *soakInterval > 0 {
				next = next.Add(time.Duration(rng.Int64N(int64(*soakInterval))))
			}
			timer := time.NewTimer(time.Until(next))
			defer timer.Stop()
			for i := 0; i < 1e6; i++ {
				select {
				case <-stop:
					return
				case <-timer.C:
				}
				path := "/metrics"
				if s >= *soakFull {
					path = fmt.Sprintf("/probe?target=p%d", rng.IntN(stable))
					probes.Add(1)
				} else {
					scrapes.Add(1)
				}
				start := time.Now()
				req, _ := http.NewRequest(http.MethodGet, p.url+path, nil)
				req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
				res, err := client.Do(req)
				failure := ""
				if err != nil {
					failure = fmt.Sprintf("GET %s: %v", path, err)
				} else {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						failure = fmt.Sprintf("GET %s: %d", path, res.StatusCode)
					}
				}
				record(time.Since(start), failure)
				next = next.Add(*soakInterval)
				timer.Reset(max(0, time.Until(next)))
			}
		})
	}

	// Meanwhile: reloads by SIGHUP and POST, pages failing and recovering,
	// documents changing; and the process sampled.
	samples := []soakSample{base}
	reloads := 0
	tick := time.NewTicker(2 * time.Second)
	for time.Since(begin) < *soakDuration {
		<-tick.C
		reloads++
		writeFile(t, cfgPath, config(reloads))
		if reloads%2 == 0 {
			p.signal(t, syscall.SIGHUP)
		} else if res, body := p.do(t, http.MethodPost, "/-/reload", nil); res.StatusCode != http.StatusOK {
			t.Errorf("POST /-/reload = %d %q", res.StatusCode, body)
		}
		for range 5 {
			i := rand.IntN(*soakPages)
			up.SetFailure(i, []statuspagetest.Failure{statuspagetest.OK, statuspagetest.ServerError, statuspagetest.Hang, statuspagetest.Truncated, statuspagetest.OK}[rand.IntN(5)])
			sh := shape
			sh.Components = 4 + rand.IntN(16)
			up.Update(rand.IntN(*soakPages), sh)
		}
		samples = append(samples, sample(begin))
	}
	tick.Stop()
	close(stop)
	wg.Wait()
	elapsed := time.Since(begin)
	// Each kept-alive connection holds a goroutine in the exporter.
	client.CloseIdleConnections()
	for i := range *soakPages {
		up.SetFailure(i, statuspagetest.OK)
	}

	// Quiet again: back to the start, give or take what a reload's second
	// connection sweep (timeout + 2s) still has to close.
	var end soakSample
	settled := poll(waitFor, func() bool {
		end = sample(begin)
		return end.goroutines <= base.goroutines+20
	})
	peak := base
	for _, s := range samples {
		peak.goroutines = max(peak.goroutines, s.goroutines)
		peak.rss = max(peak.rss, s.rss)
		peak.heap = max(peak.heap, s.heap)
	}
	requests, _, conns := up.Totals()
	slices.Sort(latencies)
	pct := func(q float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(q*float64(len(latencies))))].Round(time.Millisecond)
	}
	t.Logf("%v with %d scrapers every %v: %d /metrics scrapes, %d /probe scrapes, %d not 200; latency p50 %v, p99 %v, max %v; %d reloads; %d upstream requests over %d connections",
		elapsed.Round(time.Second), *soakScrapers, *soakInterval, scrapes.Load(), probes.Load(), bad.Load(), pct(0.5), pct(0.99), pct(1), reloads, requests, conns)
	t.Logf("start: %s", base)
	t.Logf("peak:  %s", peak)
	t.Logf("end:   %s", end)

	if bad.Load() != 0 {
		t.Errorf("%d answers were not 200, e.g.:\n%s", bad.Load(), strings.Join(errs, "\n"))
	}
	if !settled {
		t.Errorf("goroutines did not return to the start: %s, started with %s", end, base)
	}
	// Flat memory: the second half of the run holds no more than the first
	// half did, allowing for the garbage collector's rhythm.
	// The start sample is from before the load: leave it out.
	loaded := samples[1:]
	if len(loaded) < 6 {
		if *soakInterval == 0 {
			// Overload starves the monitoring scrapes too.
			t.Logf("only %d samples under overload: memory flatness not judged", len(loaded))
			shutdownInFlight(t, p, up)
			return
		}
		t.Fatalf("only %d samples of the process under load: too few to judge its memory", len(loaded))
	}
	half := len(loaded) / 2
	var first, second soakSample
	for i, s := range loaded {
		h := &first
		if i >= half {
			h = &second
		}
		h.rss, h.heap = max(h.rss, s.rss), max(h.heap, s.heap)
	}
	t.Logf("memory peaks: first half RSS %.1f MiB, heap %.1f MiB; second half RSS %.1f MiB, heap %.1f MiB",
		first.rss/(1<<20), first.heap/(1<<20), second.rss/(1<<20), second.heap/(1<<20))
	if second.rss > first.rss*1.25+16<<20 || second.heap > first.heap*1.5+16<<20 {
		t.Errorf("memory grew: first half peak %s, second half peak %s", first, second)
	}
	p.checkAlive(t)

	shutdownInFlight(t, p, up)
}

// shutdownInFlight: SIGTERM while scrapes wait for hanging pages; they all
// finish with 200 before the process exits, cleanly and without a race.
func shutdownInFlight(t *testing.T, p *proc, up *statuspagetest.Server) {
	for i := range up.Len() {
		up.SetFailure(i, statuspagetest.Hang)
	}
	const n = 50
	type result struct {
		code int
		err  error
	}
	results := make(chan result, n)
	client := &http.Client{Timeout: time.Minute}
	for range n {
		go func() {
			req, _ := http.NewRequest(http.MethodGet, p.url+"/metrics", nil)
			req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "6")
			res, err := client.Do(req)
			if err != nil {
				results <- result{err: err}
				return
			}
			_, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			results <- result{res.StatusCode, err}
		}()
	}
	// The handler's own in-flight gauge counts the monitoring scrape too.
	eventually(t, waitFor, fmt.Sprintf("%d scrapes in flight", n), func() (bool, string) {
		_, body, _ := p.scrape(t, "/metrics", 1)
		v := gauge(body, "promhttp_metric_handler_requests_in_flight")
		return v >= n+1, fmt.Sprint(v, " in flight")
	})
	p.signal(t, syscall.SIGTERM)
	deadline := time.After(30 * time.Second)
	for range n {
		select {
		case r := <-results:
			if r.err != nil || r.code != http.StatusOK {
				t.Errorf("scrape in flight at SIGTERM: %d, %v; want 200", r.code, r.err)
			}
		case <-deadline:
			t.Fatal("scrapes in flight at SIGTERM did not finish within 30s")
		}
	}
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0 (66 is a race report)", code)
	}
	t.Logf("SIGTERM with %d scrapes in flight: all answered 200, exit 0", n)
}
