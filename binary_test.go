//go:build unix

// Helpers for the tests that run the built binary: the hostile-upstream
// matrix, /probe policy, web security and the soak test. They build on the
// e2e helpers of e2e_test.go.

package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var sharedBin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedBin.dir != "" {
		os.RemoveAll(sharedBin.dir)
	}
	os.Exit(code)
}

// binary builds the exporter once for every test of the package that needs
// it (with -race when the tests have it, see e2eBuild).
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	sharedBin.once.Do(func() {
		sharedBin.dir, sharedBin.err = os.MkdirTemp("", "statuspage_exporter_test")
		if sharedBin.err != nil {
			return
		}
		sharedBin.path, sharedBin.err = buildInto(sharedBin.dir)
	})
	if sharedBin.err != nil {
		t.Fatalf("building the binary: %v", sharedBin.err)
	}
	return sharedBin.path
}

func buildInto(dir string) (string, error) {
	bin := filepath.Join(dir, "statuspage_exporter")
	args := []string{"build", "-o", bin}
	if raceEnabled() {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", &buildError{err: err, out: string(out)}
	}
	return bin, nil
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// procOptions say how to start the exporter.
type procOptions struct {
	bin  string   // the binary to run; the shared build when empty
	args []string // beyond --config.file and --web.listen-address; --log.level defaults to debug
	env  []string // added to the test's environment
	// tls makes the health check speak TLS, trusting nothing: the caller
	// checks the certificate with its own client.
	tls bool
}

// startExporter runs the exporter on a free loopback port and waits until
// it serves. Another process can take the port between our probe and the
// exporter's bind, so that case is retried. The returned process has a
// plain HTTP client; TLS tests bring their own.
func startExporter(t *testing.T, cfgPath string, o procOptions) *e2eProc {
	t.Helper()
	bin := o.bin
	if bin == "" {
		bin = binary(t)
	}
	scheme := "http"
	transport := &http.Transport{DisableKeepAlives: true}
	if o.tls {
		scheme = "https"
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // health check only
	}
	for range 5 {
		addr := "127.0.0.1:" + e2eFreePort(t)
		p := &e2eProc{
			url:    scheme + "://" + addr,
			stderr: &e2eBuffer{},
			client: &http.Client{Timeout: e2eWait, Transport: transport},
			exited: make(chan struct{}),
		}
		args := append([]string{"--config.file=" + cfgPath, "--web.listen-address=" + addr}, o.args...)
		if !slices.ContainsFunc(o.args, func(a string) bool { return strings.HasPrefix(a, "--log.level") }) {
			args = append(args, "--log.level=debug")
		}
		p.cmd = exec.Command(bin, args...)
		p.cmd.Env = append(os.Environ(), o.env...)
		p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			_ = p.cmd.Wait()
			close(p.exited)
		}()
		t.Cleanup(func() {
			select {
			case <-p.exited:
			default:
				_ = p.cmd.Process.Kill()
				<-p.exited
			}
			if t.Failed() {
				t.Logf("exporter output (last 200 lines):\n%s", lastLines(p.stderr.String(), 200))
			}
		})
		if p.waitUpAny(t, addr) {
			return p
		}
		if !strings.Contains(p.stderr.String(), "address already in use") {
			t.Fatalf("the exporter did not start:\n%s", p.stderr)
		}
	}
	t.Fatal("no free port after 5 tries")
	return nil
}

// waitUpAny is waitUp for a server that may answer the health check with
// 401 (basic auth): any HTTP answer from our process means it serves.
func (p *e2eProc) waitUpAny(t *testing.T, addr string) bool {
	t.Helper()
	ok := e2ePoll(func() bool {
		select {
		case <-p.exited:
			return true
		default:
		}
		if !strings.Contains(p.stderr.String(), "address="+addr) {
			return false
		}
		res, err := p.client.Get(p.url + "/-/healthy")
		if err != nil {
			return false
		}
		res.Body.Close()
		return true
	})
	select {
	case <-p.exited:
		return false
	default:
	}
	if !ok {
		t.Fatalf("the exporter did not come up within %v:\n%s", e2eWait, p.stderr)
	}
	return true
}

// scrape GETs path and returns the status, body and time taken; transport
// errors fail the test.
func (p *e2eProc) scrape(t *testing.T, path string, timeout float64) (int, string, time.Duration) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if timeout > 0 {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(timeout, 'f', -1, 64))
	}
	start := time.Now()
	res, err := p.client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode, string(b), time.Since(start)
}

// gauge returns the value of the sample line that starts with series
// followed by a space, or -1 when there is none.
func gauge(body, series string) float64 {
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// metricsValue scrapes /metrics and returns one sample's value.
func (p *e2eProc) metricsValue(t *testing.T, series string) float64 {
	t.Helper()
	code, body, _ := p.scrape(t, "/metrics", 0)
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", code)
	}
	return gauge(body, series)
}

// logLines returns the lines of the process's log that contain every one
// of parts.
func (p *e2eProc) logLines(parts ...string) []string {
	var out []string
	for line := range strings.SplitSeq(p.stderr.String(), "\n") {
		all := true
		for _, part := range parts {
			if !strings.Contains(line, part) {
				all = false
				break
			}
		}
		if all {
			out = append(out, line)
		}
	}
	return out
}

// hasLog reports whether a line with every one of parts reaches the log
// within e2eWait: the log arrives through a pipe, possibly after the answer
// of the request that caused it.
func (p *e2eProc) hasLog(parts ...string) bool {
	return e2ePoll(func() bool { return len(p.logLines(parts...)) > 0 })
}

// checkAlive fails the test when the process panicked, raced or exited.
func (p *e2eProc) checkAlive(t *testing.T) {
	t.Helper()
	log := p.stderr.String()
	for _, bad := range []string{"panic:", "WARNING: DATA RACE", "fatal error:"} {
		if strings.Contains(log, bad) {
			t.Errorf("the exporter's output has %q", bad)
		}
	}
	select {
	case <-p.exited:
		t.Fatalf("the exporter exited: %v", p.cmd.ProcessState)
	default:
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// raceEnabled reports whether the tests run with the race detector, so the
// binary gets it too and races in the real process surface (as exit code 66
// and a report in its output).
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return true
			}
		}
	}
	return false
}

// short cuts a body for an error message.
func short(s string) string {
	const n = 2000
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("\n… (%d more bytes)", len(s)-n)
}
