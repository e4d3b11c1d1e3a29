//go:build unix

// TestE2E builds the binary and runs it against a fake upstream
// on loopback, with real signals, as an operator's systemd would.

package e2e

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := binary(t)

	t.Run("serve", func(t *testing.T) {
		t.Parallel()
		serve(t, bin)
	})
	t.Run("scrape in flight at SIGTERM", func(t *testing.T) {
		t.Parallel()
		shutdown(t, bin)
	})
	t.Run("config check", func(t *testing.T) {
		t.Parallel()
		good, err := filepath.Abs(root("testdata", "config", "good.yml"))
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runOnce(t, bin, "--config.check", "--config.file="+good)
		if code != 0 || !strings.Contains(stdout, "configuration OK") {
			t.Errorf("--config.check with a good file: exit %d, stdout %q, stderr %q; want 0 and OK", code, stdout, stderr)
		}
		bad, err := filepath.Abs(root("testdata", "config", "bad", "unknown_page_key.yml"))
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr = runOnce(t, bin, "--config.check", "--config.file="+bad)
		if code == 0 || !strings.Contains(stderr, "field address not found") || strings.Contains(stdout, "OK") {
			t.Errorf("--config.check with a bad file: exit %d, stdout %q, stderr %q; want non-zero and the error", code, stdout, stderr)
		}
	})
	t.Run("version", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := runOnce(t, bin, "--version")
		if code != 0 || !strings.HasPrefix(stdout, "statuspage_exporter, version") {
			t.Errorf("--version: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("bad telemetry path", func(t *testing.T) {
		t.Parallel()
		good, err := filepath.Abs(root("testdata", "config", "good.yml"))
		if err != nil {
			t.Fatal(err)
		}
		// Each used to panic when the routes were built, or to take the
		// place of the landing page.
		for _, path := range []string{"", "metrics", "/", "/probe", "/-/healthy", "/my metrics"} {
			code, _, stderr := runOnce(t, bin, "--config.file="+good, "--web.listen-address=127.0.0.1:0", "--web.telemetry-path="+path)
			if code == 0 || strings.Contains(stderr, "panic") || !strings.Contains(stderr, "--web.telemetry-path") {
				t.Errorf("--web.telemetry-path=%q: exit %d, stderr:\n%s\nwant non-zero and a message naming the flag", path, code, stderr)
			}
		}
	})
	t.Run("web config values withheld", func(t *testing.T) {
		t.Parallel()
		good, err := filepath.Abs(root("testdata", "config", "good.yml"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for name, content := range map[string]string{
			"short": "basic_auth_users: \"u:SENTI\"\n", // yaml quotes values of up to 10 characters whole
			"long":  "basic_auth_users: \"user:SENTINEL-WEB-PASSWORD\"\n",
		} {
			webConfig := filepath.Join(dir, name+".yml")
			writeFile(t, webConfig, content)
			for _, args := range [][]string{
				{"--config.check", "--config.file=" + good, "--web.config.file=" + webConfig},
				{"--config.file=" + good, "--web.config.file=" + webConfig, "--web.listen-address=127.0.0.1:0"},
			} {
				code, stdout, stderr := runOnce(t, bin, args...)
				if code != 1 || !strings.Contains(stderr, "Web configuration is invalid") || !strings.Contains(stderr, "(value withheld)") {
					t.Errorf("%s %q: exit %d, stderr:\n%s\nwant 1 and the reason", name, args[0], code, stderr)
				}
				if out := stdout + stderr; strings.Contains(out, "SENTI") || strings.Contains(out, "user:") {
					t.Errorf("%s %q shows the value:\n%s", name, args[0], out)
				}
			}
		}
	})
	t.Run("bad config at start", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
		writeFile(t, path, "pages:\n  - name: alpha\n    url: ftp://127.0.0.1/\n")
		code, _, stderr := runOnce(t, bin, "--config.file="+path, "--web.listen-address=127.0.0.1:0")
		if code != 1 || !strings.Contains(stderr, "Cannot load the configuration") ||
			!strings.Contains(stderr, `url: scheme must be http or https, got \"ftp\"`) {
			t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and the error", code, stderr)
		}
	})
}

// serve covers one long-lived exporter: its routes, the cache, reloads
// and a clean exit on SIGTERM.
func serve(t *testing.T, bin string) {
	up, _ := newFixtureUpstream(t)
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, pagesConfig(up, "alpha", "broken"))
	p := start(t, cfgPath, startOptions{bin: bin})

	// Two scrapes in a row: the second one is answered from the cache, and
	// the 503 is not retried before cache_ttl either.
	var body string
	for range 2 {
		body = p.get(t, "/metrics", http.StatusOK, "X-Prometheus-Scrape-Timeout-Seconds", "5")
	}
	if a, b := up.hits("/alpha"+summaryPath), up.hits("/broken"+summaryPath); a != 1 || b != 1 {
		t.Errorf("upstream requests after two scrapes: alpha %d, broken %d; want 1 each", a, b)
	}
	fams := parse(t, body)
	for _, want := range []string{
		`statuspage_up{page="alpha"} 1`,
		`statuspage_up{page="broken"} 0`,
		`statuspage_page_status{indicator="major",page="alpha"} 1`,
		`statuspage_component_status{component="Card Payments",component_id="expaycmp0001",group="",page="alpha",status="major_outage"} 1`,
		`statuspage_incident_status{incident_id="expayinc0001",page="alpha",status="identified"} 1`,
		`statuspage_incident_impact{impact="critical",incident_id="expayinc0001",page="alpha"} 1`,
		`statuspage_exporter_config_last_reload_successful 1`,
	} {
		wantLine(t, "/metrics", body, want)
	}
	for _, name := range []string{"statuspage_incident_info", "statuspage_exporter_build_info", "go_goroutines", "process_start_time_seconds"} {
		if fams[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if n := countPage(fams["statuspage_incident_info"], "alpha"); n != 2 {
		t.Errorf("/metrics has %d statuspage_incident_info series for alpha, want 2", n)
	}
	if strings.Contains(body, `statuspage_last_success_timestamp_seconds{page="broken"}`) {
		t.Error("/metrics has a last success timestamp for a page that never succeeded")
	}

	t.Run("probe", func(t *testing.T) {
		body := p.get(t, "/probe?target=alpha", http.StatusOK)
		fams := parse(t, body)
		if fams["statuspage_up"] == nil {
			t.Fatalf("/probe?target=alpha has no statuspage_up:\n%s", body)
		}
		for name, mf := range fams {
			if !strings.HasPrefix(name, "statuspage_") || strings.HasPrefix(name, "statuspage_exporter_") {
				t.Errorf("/probe serves %s, want only the page's series", name)
			}
			if n := countPage(mf, "alpha"); n != len(mf.GetMetric()) {
				t.Errorf("/probe serves %s series of another page", name)
			}
		}
		if a := up.hits("/alpha" + summaryPath); a != 1 {
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
		for line := range strings.SplitSeq(p.output.String(), "\n") {
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
		p.get(t, "/no/such/path", http.StatusNotFound)

		// Read-only routes answer GET and HEAD; /-/reload only POST.
		for _, path := range []string{"/", "/metrics", "/probe?target=alpha", "/-/healthy"} {
			if res, body := p.do(t, http.MethodHead, path, nil); res.StatusCode != http.StatusOK || body != "" {
				t.Errorf("HEAD %s = %d with %d bytes, want 200 and no body", path, res.StatusCode, len(body))
			}
			for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
				res, _ := p.do(t, method, path, nil)
				if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
					t.Errorf("%s %s = %d, Allow %q; want 405, Allow \"GET, HEAD\"", method, path, res.StatusCode, res.Header.Get("Allow"))
				}
			}
		}
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPut} {
			if res, _ := p.do(t, method, "/-/reload", nil); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
				t.Errorf("%s /-/reload = %d, Allow %q; want 405, Allow \"POST\"", method, res.StatusCode, res.Header.Get("Allow"))
			}
		}
	})

	t.Run("reload", func(t *testing.T) {
		writeFile(t, cfgPath, pagesConfig(up, "alpha", "broken", "gamma"))
		p.signal(t, syscall.SIGHUP)
		p.waitMetrics(t, `statuspage_up{page="gamma"} 1`, `statuspage_exporter_config_last_reload_successful 1`)
		// A reload that keeps a page's URL keeps its cache.
		if a := up.hits("/alpha" + summaryPath); a != 1 {
			t.Errorf("after the reload alpha was fetched %d times, want 1 (cached)", a)
		}

		writeFile(t, cfgPath, pagesConfig(up, "alpha", "gamma")+"bogus: 1\n")
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
			wantLine(t, "/metrics after a failed reload", body, want)
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

// shutdown: SIGTERM lets a scrape that waits for a slow page finish.
func shutdown(t *testing.T, bin string) {
	up, held := newFixtureUpstream(t)
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, pagesConfig(up, "slow"))
	p := start(t, cfgPath, startOptions{bin: bin})

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
	case <-held.entered:
	case r := <-done:
		t.Fatalf("the scrape ended before the upstream was asked: %+v", r)
	case <-time.After(waitFor):
		t.Fatal("the scrape did not reach the upstream")
	}
	p.signal(t, syscall.SIGTERM)
	// Hold the page until the exporter is shutting down, so the scrape is
	// in flight when the server stops taking new ones.
	eventually(t, waitFor, "the exporter to log its shutdown", func() (bool, string) {
		return strings.Contains(p.output.String(), "Shutting down"), "no such log line"
	})
	held.done()

	select {
	case r := <-done:
		if r.err != nil || r.code != http.StatusOK {
			t.Fatalf("scrape in flight at SIGTERM: %d, %v; want 200", r.code, r.err)
		}
		wantLine(t, "/metrics in flight", r.body, `statuspage_up{page="slow"} 1`)
	case <-time.After(waitFor):
		t.Fatal("the scrape in flight at SIGTERM did not complete")
	}
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}
