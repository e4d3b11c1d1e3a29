//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

var (
	rssBinOnce sync.Once
	rssBin     string
	rssBinErr  error
)

// rssBinary builds the exporter as `make build` does (without the race
// detector, which would change the figures), once per test binary run.
func rssBinary(b *testing.B) string {
	rssBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "statuspage_exporter-rss")
		if err != nil {
			rssBinErr = err
			return
		}
		rssBin = filepath.Join(dir, "statuspage_exporter")
		out, err := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", rssBin, ".").CombinedOutput()
		if err != nil {
			rssBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if rssBinErr != nil {
		b.Fatal(rssBinErr)
	}
	return rssBin
}

// BenchmarkBinaryPeakRSS runs the real binary against fake pages, scrapes it
// once cold and ten times warm, and reports its peak resident set size
// (VmHWM) after each phase. Each operation starts a process; run it with
// -benchtime=1x.
func BenchmarkBinaryPeakRSS(b *testing.B) {
	for _, size := range []struct{ pages, components int }{{100, 11}, {1000, 11}, {100, 300}} {
		b.Run(benchName(size.pages, size.components), func(b *testing.B) {
			bin := rssBinary(b)
			up := newFakeUpstream(b, statuspagetest.Options{Pages: size.pages, Shape: benchShape(size.components), Latency: benchLatency})
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
	dir := b.TempDir()
	var cfg strings.Builder
	cfg.WriteString("pages:\n")
	for i := range up.Len() {
		fmt.Fprintf(&cfg, "  - name: p%d\n    url: %s\n", i, up.URL(i))
	}
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--config.file="+path, "--web.listen-address="+addr, "--log.level=error")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	client := &http.Client{Timeout: 30 * time.Second}
	scrape := func() error {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://"+addr+"/metrics", nil)
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "30")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		n, _ := io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK || n == 0 {
			return fmt.Errorf("status %d, %d bytes", res.StatusCode, n)
		}
		return nil
	}
	// The listener comes up after the configuration is loaded.
	deadline := time.Now().Add(30 * time.Second)
	for {
		start := time.Now()
		err := scrape()
		if err == nil {
			coldScrape = time.Since(start)
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("exporter did not answer: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling a starting process
	}
	cold := procStatusKiB(b, cmd.Process.Pid, "VmHWM")
	for range 10 {
		if err := scrape(); err != nil {
			b.Fatal(err)
		}
	}
	return cold / 1024, procStatusKiB(b, cmd.Process.Pid, "VmHWM") / 1024, coldScrape
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
