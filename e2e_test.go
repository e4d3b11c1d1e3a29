//go:build unix

// The end-to-end test builds the binary and runs it against a fake upstream
// on loopback, with real signals, as an operator's systemd would.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// e2eWait bounds every wait of this test: startup, polling, exit.
const e2eWait = 10 * time.Second

func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := binary(t)

	t.Run("serve", func(t *testing.T) {
		t.Parallel()
		e2eServe(t, bin)
	})
	t.Run("scrape in flight at SIGTERM", func(t *testing.T) {
		t.Parallel()
		e2eShutdown(t, bin)
	})
	t.Run("config check", func(t *testing.T) {
		t.Parallel()
		good, err := filepath.Abs(filepath.Join("testdata", "config", "good.yml"))
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := e2eRunOnce(t, bin, "--config.check", "--config.file="+good)
		if code != 0 || !strings.Contains(stdout, "configuration OK") {
			t.Errorf("--config.check with a good file: exit %d, stdout %q, stderr %q; want 0 and OK", code, stdout, stderr)
		}
		bad, err := filepath.Abs(filepath.Join("testdata", "config", "bad", "unknown_page_key.yml"))
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr = e2eRunOnce(t, bin, "--config.check", "--config.file="+bad)
		if code == 0 || !strings.Contains(stderr, "field address not found") || strings.Contains(stdout, "OK") {
			t.Errorf("--config.check with a bad file: exit %d, stdout %q, stderr %q; want non-zero and the error", code, stdout, stderr)
		}
	})
	t.Run("version", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := e2eRunOnce(t, bin, "--version")
		if code != 0 || !strings.HasPrefix(stdout, "statuspage_exporter, version") {
			t.Errorf("--version: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("bad config at start", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
		e2eWriteFile(t, path, "pages:\n  - name: alpha\n    url: ftp://127.0.0.1/\n")
		code, _, stderr := e2eRunOnce(t, bin, "--config.file="+path, "--web.listen-address=127.0.0.1:0")
		if code != 1 || !strings.Contains(stderr, "Cannot load the configuration") ||
			!strings.Contains(stderr, `url: scheme must be http or https, got \"ftp\"`) {
			t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and the error", code, stderr)
		}
	})
}

// e2eServe covers one long-lived exporter: its routes, the cache, reloads
// and a clean exit on SIGTERM.
func e2eServe(t *testing.T, bin string) {
	up := e2eNewUpstream(t)
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	e2eWriteFile(t, cfgPath, e2eConfig(up, "alpha", "broken"))
	p := e2eStart(t, bin, cfgPath)

	// Two scrapes in a row: the second one is answered from the cache, and
	// the 503 is not retried before cache_ttl either.
	var body string
	for range 2 {
		body = p.get(t, "/metrics", http.StatusOK, "X-Prometheus-Scrape-Timeout-Seconds", "5")
	}
	if a, b := up.hits("/a"+e2eSummary), up.hits("/b"+e2eSummary); a != 1 || b != 1 {
		t.Errorf("upstream requests after two scrapes: alpha %d, broken %d; want 1 each", a, b)
	}
	fams := e2eParse(t, body)
	for _, want := range []string{
		`statuspage_up{page="alpha"} 1`,
		`statuspage_up{page="broken"} 0`,
		`statuspage_page_status{indicator="major",page="alpha"} 1`,
		`statuspage_component_status{component="Card Payments",component_id="expaycmp0001",group="",page="alpha",status="major_outage"} 1`,
		`statuspage_incident_status{incident_id="expayinc0001",page="alpha",status="identified"} 1`,
		`statuspage_incident_impact{impact="critical",incident_id="expayinc0001",page="alpha"} 1`,
		`statuspage_exporter_config_last_reload_successful 1`,
	} {
		e2eWantLine(t, "/metrics", body, want)
	}
	for _, name := range []string{"statuspage_incident_info", "statuspage_exporter_build_info", "go_goroutines", "process_start_time_seconds"} {
		if fams[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if n := e2eCount(fams["statuspage_incident_info"], "alpha"); n != 2 {
		t.Errorf("/metrics has %d statuspage_incident_info series for alpha, want 2", n)
	}
	if strings.Contains(body, `statuspage_last_success_timestamp_seconds{page="broken"}`) {
		t.Error("/metrics has a last success timestamp for a page that never succeeded")
	}

	t.Run("probe", func(t *testing.T) {
		body := p.get(t, "/probe?target=alpha", http.StatusOK)
		fams := e2eParse(t, body)
		if fams["statuspage_up"] == nil {
			t.Fatalf("/probe?target=alpha has no statuspage_up:\n%s", body)
		}
		for name, mf := range fams {
			if !strings.HasPrefix(name, "statuspage_") || strings.HasPrefix(name, "statuspage_exporter_") {
				t.Errorf("/probe serves %s, want only the page's series", name)
			}
			if n := e2eCount(mf, "alpha"); n != len(mf.GetMetric()) {
				t.Errorf("/probe serves %s series of another page", name)
			}
		}
		if a := up.hits("/a" + e2eSummary); a != 1 {
			t.Errorf("/probe did not use the cache: %d upstream requests for alpha", a)
		}

		p.get(t, "/probe", http.StatusBadRequest)
		p.get(t, "/probe?target=nope", http.StatusBadRequest)
		before := up.total()
		p.get(t, "/probe?target="+url.QueryEscape(up.srv.URL+"/x"), http.StatusBadRequest)
		if up.hits("/x") != 0 || up.total() != before {
			t.Error("/probe fetched a URL given as target: it must not be an open proxy")
		}
	})

	t.Run("log", func(t *testing.T) {
		for line := range strings.SplitSeq(p.stderr.String(), "\n") {
			if strings.Contains(line, "page=broken") && strings.Contains(line, "503 Service Unavailable") {
				return
			}
		}
		t.Errorf("no log line names page=broken and the 503")
	})

	t.Run("routes", func(t *testing.T) {
		res, body := p.do(t, http.MethodGet, "/", nil)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, "Statuspage Exporter") {
			t.Errorf("GET / = %d %q, want the HTML landing page", res.StatusCode, res.Header.Get("Content-Type"))
		}
		p.get(t, "/-/healthy", http.StatusOK)
		p.get(t, "/-/reload", http.StatusMethodNotAllowed)
		p.get(t, "/no/such/path", http.StatusNotFound)
	})

	t.Run("reload", func(t *testing.T) {
		e2eWriteFile(t, cfgPath, e2eConfig(up, "alpha", "broken", "gamma"))
		p.signal(t, syscall.SIGHUP)
		p.waitMetrics(t, `statuspage_up{page="gamma"} 1`, `statuspage_exporter_config_last_reload_successful 1`)
		// A reload that keeps a page's URL keeps its cache.
		if a := up.hits("/a" + e2eSummary); a != 1 {
			t.Errorf("after the reload alpha was fetched %d times, want 1 (cached)", a)
		}

		e2eWriteFile(t, cfgPath, e2eConfig(up, "alpha", "gamma")+"bogus: 1\n")
		res, body := p.do(t, http.MethodPost, "/-/reload", nil)
		if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "field bogus not found") {
			t.Errorf("POST /-/reload of a bad file = %d %q, want 500 naming the problem", res.StatusCode, body)
		}
		body = p.get(t, "/metrics", http.StatusOK)
		for _, want := range []string{
			`statuspage_exporter_config_last_reload_successful 0`,
			`statuspage_up{page="alpha"} 1`,
			`statuspage_up{page="gamma"} 1`,
			`statuspage_up{page="broken"} 0`,
		} {
			e2eWantLine(t, "/metrics after a failed reload", body, want)
		}

		p.signal(t, syscall.SIGHUP)
		p.waitMetrics(t, `statuspage_exporter_config_reloads_total{result="failure"} 2`,
			`statuspage_up{page="alpha"} 1`, `statuspage_up{page="gamma"} 1`)
	})

	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}

// e2eShutdown: SIGTERM lets a scrape that waits for a slow page finish.
func e2eShutdown(t *testing.T, bin string) {
	up := e2eNewUpstream(t)
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	e2eWriteFile(t, cfgPath, e2eConfig(up, "slow"))
	p := e2eStart(t, bin, cfgPath)

	type result struct {
		code int
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		res, err := p.client.Get(p.url + "/metrics")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		done <- result{res.StatusCode, string(b), err}
	}()
	select {
	case <-up.slowEntered:
	case r := <-done:
		t.Fatalf("the scrape ended before the upstream was asked: %+v", r)
	case <-time.After(e2eWait):
		t.Fatal("the scrape did not reach the upstream")
	}
	p.signal(t, syscall.SIGTERM)
	// Hold the page until the exporter is shutting down, so the scrape is
	// in flight when the server stops taking new ones.
	e2eEventually(t, "the exporter to log its shutdown", func() bool {
		return strings.Contains(p.stderr.String(), "Shutting down")
	})
	up.releaseSlow()

	select {
	case r := <-done:
		if r.err != nil || r.code != http.StatusOK {
			t.Fatalf("scrape in flight at SIGTERM: %d, %v; want 200", r.code, r.err)
		}
		e2eWantLine(t, "/metrics in flight", r.body, `statuspage_up{page="slow"} 1`)
	case <-time.After(e2eWait):
		t.Fatal("the scrape in flight at SIGTERM did not complete")
	}
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}

// e2eRunOnce runs the binary to completion.
func e2eRunOnce(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
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
		t.Fatalf("%s %q: %v\nstderr:\n%s", bin, args, err, &errOut)
	}
	return code, out.String(), errOut.String()
}

// e2eBuffer collects a child's output while the test reads it.
type e2eBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *e2eBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *e2eBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// e2eProc is a running exporter.
type e2eProc struct {
	cmd    *exec.Cmd
	url    string
	stderr *e2eBuffer
	client *http.Client
	exited chan struct{} // closed once cmd.Wait has returned
}

// e2eStart runs bin on a free loopback port and waits until it serves.
func e2eStart(t *testing.T, bin, cfgPath string) *e2eProc {
	t.Helper()
	return startExporter(t, cfgPath, procOptions{bin: bin})
}

func (p *e2eProc) do(t *testing.T, method, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, p.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if header != nil {
		req.Header = header
	}
	res, err := p.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res, string(b)
}

// get requests path with the given header pairs and checks the status.
func (p *e2eProc) get(t *testing.T, path string, want int, headerPairs ...string) string {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(headerPairs); i += 2 {
		h.Set(headerPairs[i], headerPairs[i+1])
	}
	res, body := p.do(t, http.MethodGet, path, h)
	if res.StatusCode != want {
		t.Errorf("GET %s = %d, want %d; body:\n%s", path, res.StatusCode, want, body)
	}
	return body
}

func (p *e2eProc) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// waitMetrics polls /metrics until it has every wanted line.
func (p *e2eProc) waitMetrics(t *testing.T, lines ...string) {
	t.Helper()
	var body string
	ok := e2ePoll(func() bool {
		res, err := p.client.Get(p.url + "/metrics")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return false
		}
		body = string(b)
		for _, l := range lines {
			if !e2eHasLine(body, l) {
				return false
			}
		}
		return true
	})
	if !ok {
		t.Fatalf("/metrics did not get %q within %v; last body:\n%s", lines, e2eWait, body)
	}
}

// wait returns the exit code once the process has exited.
func (p *e2eProc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(e2eWait):
		t.Fatalf("the exporter did not exit within %v", e2eWait)
		return -1
	}
}

func e2eFreePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// e2ePoll calls cond until it is true, for at most e2eWait.
func e2ePoll(cond func() bool) bool {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(e2eWait)
	for !cond() {
		select {
		case <-deadline:
			return false
		case <-tick.C:
		}
	}
	return true
}

func e2eEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !e2ePoll(cond) {
		t.Fatalf("timed out after %v waiting for %s", e2eWait, what)
	}
}

const e2eSummary = "/api/v2/summary.json"

// e2eUpstream is a fake status page host: /a serves an incident, /b is down,
// /c is all operational, and /slow answers only when released.
type e2eUpstream struct {
	srv         *httptest.Server
	slowEntered chan struct{}
	release     chan struct{}
	releaseOnce sync.Once
	enterOnce   sync.Once

	mu     sync.Mutex
	byPath map[string]int
}

func e2eNewUpstream(t *testing.T) *e2eUpstream {
	t.Helper()
	incident, err := os.ReadFile(filepath.Join("testdata", "summary", "active_incident.json"))
	if err != nil {
		t.Fatal(err)
	}
	operational, err := os.ReadFile(filepath.Join("testdata", "summary", "all_operational.json"))
	if err != nil {
		t.Fatal(err)
	}
	u := &e2eUpstream{slowEntered: make(chan struct{}), release: make(chan struct{}), byPath: map[string]int{}}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.byPath[r.URL.Path]++
		u.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/a" + e2eSummary:
			_, _ = w.Write(incident)
		case "/b" + e2eSummary:
			http.Error(w, "upstream overloaded", http.StatusServiceUnavailable)
		case "/c" + e2eSummary:
			_, _ = w.Write(operational)
		case "/slow" + e2eSummary:
			u.enterOnce.Do(func() { close(u.slowEntered) })
			select {
			case <-u.release:
			case <-r.Context().Done():
				return
			}
			_, _ = w.Write(operational)
		default:
			http.NotFound(w, r)
		}
	}))
	// Release before Close, which waits for handlers.
	t.Cleanup(u.srv.Close)
	t.Cleanup(u.releaseSlow)
	return u
}

func (u *e2eUpstream) releaseSlow() {
	u.releaseOnce.Do(func() { close(u.release) })
}

func (u *e2eUpstream) hits(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byPath[path]
}

func (u *e2eUpstream) total() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, v := range u.byPath {
		n += v
	}
	return n
}

// e2eConfig writes a config whose pages point at the fake upstream.
func e2eConfig(u *e2eUpstream, pages ...string) string {
	path := map[string]string{"alpha": "/a", "broken": "/b", "gamma": "/c", "slow": "/slow"}
	var b strings.Builder
	b.WriteString("pages:\n")
	for _, name := range pages {
		fmt.Fprintf(&b, "  - name: %s\n    url: %s%s\n", name, u.srv.URL, path[name])
	}
	return b.String()
}

func e2eWriteFile(t *testing.T, path, content string) {
	t.Helper()
	// Write and rename, so the exporter never reads a half-written file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// e2eParse checks that body is valid text exposition.
func e2eParse(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not valid text exposition: %v\n%s", err, body)
	}
	return fams
}

// e2eCount counts the series of mf for page.
func e2eCount(mf *dto.MetricFamily, page string) int {
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

func e2eHasLine(body, line string) bool {
	for l := range strings.SplitSeq(body, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func e2eWantLine(t *testing.T, where, body, line string) {
	t.Helper()
	if !e2eHasLine(body, line) {
		t.Errorf("%s has no line %s", where, line)
	}
}
