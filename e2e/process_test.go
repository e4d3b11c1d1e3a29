//go:build unix

package e2e

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// waitFor bounds every wait on the exporter: its start, polling, its exit.
const waitFor = 10 * time.Second

// proc is a server process under test: the exporter or Prometheus.
type proc struct {
	cmd    *exec.Cmd
	url    string // scheme://addr
	addr   string // 127.0.0.1:port
	output *syncBuffer
	client *http.Client
	exited chan struct{} // closed once cmd.Wait has returned
	// stderr is the read end of the process's stderr when launched with
	// stderrPipe: closing it makes the process's later writes fail (EPIPE).
	stderr *os.File
}

// launchOptions say how to run a server process.
type launchOptions struct {
	bin  string
	args func(addr string) []string // the process's flags for its listen address
	env  []string                   // added to the test's environment
	// tls makes the readiness check speak TLS, trusting nothing: the
	// caller checks the certificate with its own client.
	tls bool
	// ready is the path polled until the process serves; with readyOK
	// only a 200 counts, else any HTTP answer (a 401 of basic auth too).
	ready   string
	readyOK bool
	// startWait bounds the wait for readiness; waitFor when zero.
	startWait time.Duration
	// stderrPipe gives the process a pipe as stderr, copied to output
	// until the test closes proc.stderr.
	stderrPipe bool
}

// launch runs a server on a free loopback port, waits until it serves and
// stops it when the test ends, showing its output if the test failed.
// Another process can take the port between our probe and the server's
// bind, so that case is retried.
func launch(tb testing.TB, o launchOptions) *proc {
	tb.Helper()
	scheme := "http"
	transport := &http.Transport{DisableKeepAlives: true}
	if o.tls {
		scheme = "https"
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // readiness only
	}
	for range 5 {
		addr := "127.0.0.1:" + freePort(tb)
		p := &proc{
			url:    scheme + "://" + addr,
			addr:   addr,
			output: &syncBuffer{},
			client: &http.Client{Timeout: waitFor, Transport: transport},
			exited: make(chan struct{}),
		}
		p.cmd = exec.Command(o.bin, o.args(addr)...)
		p.cmd.Env = append(os.Environ(), o.env...)
		p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
		var stderrW *os.File
		if o.stderrPipe {
			r, w, err := os.Pipe()
			if err != nil {
				tb.Fatal(err)
			}
			p.stderr, stderrW, p.cmd.Stderr = r, w, w
			tb.Cleanup(func() { r.Close() })
			go func() { _, _ = io.Copy(p.output, r) }() // ends when r is closed
		}
		err := p.cmd.Start()
		if stderrW != nil {
			stderrW.Close() // the child has its own copy
		}
		if err != nil {
			tb.Fatal(err)
		}
		go func() {
			_ = p.cmd.Wait()
			close(p.exited)
		}()
		tb.Cleanup(func() {
			p.stop()
			if tb.Failed() {
				tb.Logf("output of %s (last 200 lines):\n%s", o.bin, lastLines(p.output.String(), 200))
			}
		})
		if p.waitReady(tb, o) {
			return p
		}
		if !strings.Contains(p.output.String(), "address already in use") {
			tb.Fatalf("%s did not start:\n%s", o.bin, p.output)
		}
	}
	tb.Fatal("no free port after 5 tries")
	return nil
}

// waitReady reports whether the process serves, false when it exited.
func (p *proc) waitReady(tb testing.TB, o launchOptions) bool {
	tb.Helper()
	within := cmp.Or(o.startWait, waitFor)
	last := ""
	ok := poll(within, func() bool {
		select {
		case <-p.exited:
			return true
		default:
		}
		// The log line with our address proves the answer is ours.
		if out := p.output.String(); !strings.Contains(out, "address="+p.addr) && !strings.Contains(out, `"address":"`+p.addr+`"`) {
			last = "no log line with address=" + p.addr
			return false
		}
		res, err := p.client.Get(p.url + o.ready)
		if err != nil {
			last = err.Error()
			return false
		}
		res.Body.Close()
		last = res.Status
		return !o.readyOK || res.StatusCode == http.StatusOK
	})
	select {
	case <-p.exited:
		return false
	default:
	}
	if !ok {
		tb.Fatalf("%s did not serve within %v (last: %s):\n%s", o.bin, within, last, p.output)
	}
	return true
}

// stop ends the process: SIGTERM, and SIGKILL if it has not exited within
// waitFor.
func (p *proc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(waitFor):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// startOptions say how to start the exporter.
type startOptions struct {
	bin  string   // the binary to run; binary() when empty
	args []string // beyond --config.file and --web.listen-address; --log.level defaults to debug
	env  []string // added to the test's environment
	tls  bool     // the exporter serves TLS (--web.config.file in args)
	// stderrPipe: see launchOptions.
	stderrPipe bool
}

// start runs the exporter with the configuration at cfgPath and waits until
// it serves. The returned process has a plain HTTP client; TLS tests bring
// their own.
func start(tb testing.TB, cfgPath string, o startOptions) *proc {
	tb.Helper()
	bin := o.bin
	if bin == "" {
		bin = binary(tb)
	}
	return launch(tb, launchOptions{
		bin: bin,
		env: o.env,
		tls: o.tls,
		args: func(addr string) []string {
			args := append([]string{"--config.file=" + cfgPath, "--web.listen-address=" + addr}, o.args...)
			if !slices.ContainsFunc(o.args, func(a string) bool { return strings.HasPrefix(a, "--log.level") }) {
				args = append(args, "--log.level=debug")
			}
			return args
		},
		ready:      "/-/healthy",
		stderrPipe: o.stderrPipe,
	})
}

// do sends a request and returns the answer with its body read; transport
// errors fail the test.
func (p *proc) do(tb testing.TB, method, path string, header http.Header) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(method, p.url+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if header != nil {
		req.Header = header
	}
	res, err := p.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	return res, string(b)
}

// get requests path with the given header pairs and checks the status.
func (p *proc) get(tb testing.TB, path string, want int, headerPairs ...string) string {
	tb.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(headerPairs); i += 2 {
		h.Set(headerPairs[i], headerPairs[i+1])
	}
	res, body := p.do(tb, http.MethodGet, path, h)
	if res.StatusCode != want {
		tb.Errorf("GET %s = %d, want %d; body:\n%s", path, res.StatusCode, want, body)
	}
	return body
}

// scrape GETs path with a scrape timeout (none when 0) and returns the
// status, body and time taken.
func (p *proc) scrape(tb testing.TB, path string, timeout float64) (int, string, time.Duration) {
	tb.Helper()
	h := http.Header{}
	if timeout > 0 {
		h.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(timeout, 'f', -1, 64))
	}
	start := time.Now()
	res, body := p.do(tb, http.MethodGet, path, h)
	return res.StatusCode, body, time.Since(start)
}

// metricsValue scrapes /metrics and returns one sample's value.
func (p *proc) metricsValue(tb testing.TB, series string) float64 {
	tb.Helper()
	code, body, _ := p.scrape(tb, "/metrics", 0)
	if code != http.StatusOK {
		tb.Fatalf("GET /metrics = %d", code)
	}
	return gauge(body, series)
}

// waitMetrics polls /metrics until it has every wanted line.
func (p *proc) waitMetrics(tb testing.TB, lines ...string) {
	tb.Helper()
	eventually(tb, waitFor, "/metrics to have "+strings.Join(lines, ", "), func() (bool, string) {
		res, err := p.client.Get(p.url + "/metrics")
		if err != nil {
			return false, err.Error()
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return false, err.Error()
		}
		for _, l := range lines {
			if !hasLine(string(b), l) {
				return false, "body:\n" + string(b)
			}
		}
		return true, ""
	})
}

// logLines returns the lines of the process's output that contain every
// one of parts.
func (p *proc) logLines(parts ...string) []string {
	var out []string
	for line := range strings.SplitSeq(p.output.String(), "\n") {
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
// within waitFor: the log arrives through a pipe, possibly after the answer
// of the request that caused it.
func (p *proc) hasLog(parts ...string) bool {
	return poll(waitFor, func() bool { return len(p.logLines(parts...)) > 0 })
}

// checkAlive fails the test when the process panicked, raced or exited.
func (p *proc) checkAlive(tb testing.TB) {
	tb.Helper()
	out := p.output.String()
	for _, bad := range []string{"panic:", "WARNING: DATA RACE", "fatal error:"} {
		if strings.Contains(out, bad) {
			tb.Errorf("the process's output has %q", bad)
		}
	}
	select {
	case <-p.exited:
		tb.Fatalf("the process exited: %v", p.cmd.ProcessState)
	default:
	}
}

func (p *proc) signal(tb testing.TB, sig os.Signal) {
	tb.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		tb.Fatalf("signal %v: %v", sig, err)
	}
}

// wait returns the exit code once the process has exited.
func (p *proc) wait(tb testing.TB) int {
	tb.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(waitFor):
		tb.Fatalf("the process did not exit within %v", waitFor)
		return -1
	}
}

// runOnce runs the binary to completion, for at most waitFor.
func runOnce(tb testing.TB, bin string, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && ctx.Err() == nil:
		code = exitErr.ExitCode()
	default:
		tb.Fatalf("%s %q: %v\nstderr:\n%s", bin, args, err, &errOut)
	}
	return code, out.String(), errOut.String()
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func freePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// poll calls cond until it is true, for at most within; it reports whether
// cond became true. The interval grows with within, so a wait makes at
// most about 500 calls.
func poll(within time.Duration, cond func() bool) bool {
	every := max(20*time.Millisecond, within/500)
	tick := time.NewTicker(every)
	defer tick.Stop()
	deadline := time.After(within)
	for range within/every + 1 {
		if cond() {
			return true
		}
		select {
		case <-deadline:
			return false
		case <-tick.C:
		}
	}
	return false
}

// eventually fails the test unless cond becomes true within the time
// given; last says what cond saw, for the failure message.
func eventually(tb testing.TB, within time.Duration, what string, cond func() (ok bool, last string)) {
	tb.Helper()
	var last string
	if !poll(within, func() bool {
		var ok bool
		ok, last = cond()
		return ok
	}) {
		tb.Fatalf("timed out after %v waiting for %s; last: %s", within, what, last)
	}
}

// writeFile writes and renames, so a process never reads a half-written
// file.
func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
