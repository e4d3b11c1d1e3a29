package main

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestScrapeContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string // "" sends no header
		offset time.Duration
		want   time.Duration // 0: no deadline
	}{
		{"no header", "", 500 * time.Millisecond, 0},
		{"integer seconds", "10", 500 * time.Millisecond, 9500 * time.Millisecond},
		{"fractional seconds", "2.5", 500 * time.Millisecond, 2 * time.Second},
		{"no offset", "10", 0, 10 * time.Second},
		// Subtracting would leave nothing: the whole timeout is better.
		{"offset larger than timeout", "1", 2 * time.Second, time.Second},
		{"offset equal to timeout", "1", time.Second, time.Second},
		{"garbage", "ten", 500 * time.Millisecond, 0},
		{"zero", "0", 500 * time.Millisecond, 0},
		{"negative", "-5", 500 * time.Millisecond, 0},
		// These would convert to a negative duration and fail the scrape at once.
		{"NaN", "NaN", 500 * time.Millisecond, 0},
		{"infinity", "+Inf", 500 * time.Millisecond, 0},
		{"beyond time.Duration", "1e300", 500 * time.Millisecond, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "/metrics", nil)
			if tt.header != "" {
				r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tt.header)
			}
			before := time.Now()
			ctx, cancel := scrapeContext(r, tt.offset)
			after := time.Now()
			defer cancel()

			deadline, ok := ctx.Deadline()
			if tt.want == 0 {
				if ok {
					t.Fatalf("deadline in %v, want none", deadline.Sub(before))
				}
				if ctx.Err() != nil {
					t.Fatalf("context is done at once: %v", ctx.Err())
				}
				return
			}
			if !ok {
				t.Fatalf("no deadline, want one in %v", tt.want)
			}
			if deadline.Before(before.Add(tt.want)) || deadline.After(after.Add(tt.want)) {
				t.Errorf("deadline in %v, want %v", deadline.Sub(before), tt.want)
			}
		})
	}
}

// TestScrapeContextFollowsRequest: a scrape whose client went away stops
// waiting for pages.
func TestScrapeContextFollowsRequest(t *testing.T) {
	t.Parallel()
	for _, header := range []string{"", "10"} {
		reqCtx, cancelReq := context.WithCancel(context.Background())
		r := httptest.NewRequest("GET", "/metrics", nil).WithContext(reqCtx)
		if header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", header)
		}
		ctx, cancel := scrapeContext(r, 0)
		cancelReq()
		<-ctx.Done() // blocks forever, failing by the test timeout, if not derived
		cancel()
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	t.Parallel()
	f, err := parseFlags(nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := *f.web.WebListenAddresses; !slices.Equal(got, []string{":10036"}) {
		t.Errorf("web.listen-address = %v, want [:10036]", got)
	}
	if f.metricsPath != "/metrics" {
		t.Errorf("web.telemetry-path = %q, want /metrics", f.metricsPath)
	}
	if f.configFile != "statuspage_exporter.yml" {
		t.Errorf("config.file = %q, want statuspage_exporter.yml", f.configFile)
	}
	if f.configCheck {
		t.Error("config.check is on by default")
	}
	if f.timeoutOffset != 500*time.Millisecond {
		t.Errorf("statuspage.timeout-offset = %v, want 0.5s", f.timeoutOffset)
	}
	if *f.web.WebConfigFile != "" || *f.web.WebSystemdSocket {
		t.Errorf("web.config.file = %q, web.systemd-socket = %v, want unset", *f.web.WebConfigFile, *f.web.WebSystemdSocket)
	}
	if got := f.log.Level.String(); got != "info" {
		t.Errorf("log.level = %q, want info", got)
	}
	if f.keepAlive {
		t.Error("statuspage.keep-alive is on by default")
	}
}

func TestParseFlagsSet(t *testing.T) {
	t.Parallel()
	f, err := parseFlags([]string{
		"--config.file=x.yml", "--web.listen-address=127.0.0.1:1", "--web.telemetry-path=/m",
		"--statuspage.timeout-offset=1s", "--log.level=debug", "--statuspage.keep-alive",
	}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if f.configFile != "x.yml" || f.metricsPath != "/m" || f.timeoutOffset != time.Second || !f.keepAlive ||
		!slices.Equal(*f.web.WebListenAddresses, []string{"127.0.0.1:1"}) || f.log.Level.String() != "debug" {
		t.Errorf("flags not taken: %+v", f)
	}
	if _, err := parseFlags([]string{"--no-such-flag"}, io.Discard, io.Discard); err == nil {
		t.Error("an unknown flag was accepted")
	}
}

// TestRunConfigCheck runs --config.check in-process; e2e/serve_test.go does the
// same through the binary.
func TestRunConfigCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		code       int
		out, errIn string
	}{
		{[]string{"--config.check", "--config.file=" + filepath.Join("testdata", "config", "good.yml")}, 0, "configuration OK (3 pages)", ""},
		{[]string{"--config.check", "--config.file=" + filepath.Join("testdata", "config", "bad", "duplicate_names.yml")}, 1, "", `page \"github\": name: duplicate of pages[0]`},
		{[]string{"--config.check", "--config.file=" + filepath.Join("testdata", "config", "missing.yml")}, 1, "", "read config"},
		{[]string{"--no-such-flag"}, 2, "", "unknown long flag"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, &stdout, &stderr)
		if code != tt.code {
			t.Errorf("run(%q) = %d, want %d; stderr:\n%s", tt.args, code, tt.code, &stderr)
		}
		if !strings.Contains(stdout.String(), tt.out) {
			t.Errorf("run(%q) stdout = %q, want it to contain %q", tt.args, &stdout, tt.out)
		}
		if !strings.Contains(stderr.String(), tt.errIn) {
			t.Errorf("run(%q) stderr = %q, want it to contain %q", tt.args, &stderr, tt.errIn)
		}
	}
}

// TestRunBadConfigAtStart: a configuration that cannot be loaded at start
// stops the exporter with a message that does not pretend a previous
// configuration is kept.
func TestRunBadConfigAtStart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing.yml")
	var stderr strings.Builder
	if code := run([]string{"--config.file=" + path, "--web.listen-address=127.0.0.1:0"}, io.Discard, &stderr); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if log := stderr.String(); !strings.Contains(log, "Cannot load the configuration") || strings.Contains(log, "previous") {
		t.Errorf("start-up log:\n%s", log)
	}
}

func TestParseFlagsTelemetryPath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"/metrics", "/m", "/metrics/", "/exporter/metrics", "/-/metrics", "/metrics.txt", "/a:b@c~d"} {
		if _, err := parseFlags([]string{"--web.telemetry-path=" + p}, io.Discard, io.Discard); err != nil {
			t.Errorf("--web.telemetry-path=%q: %v", p, err)
		}
	}
	// Each of these used to panic when the routes were built, or to take
	// the place of another route.
	for _, tt := range []struct{ path, err string }{
		{"", "must be an absolute URL path"},
		{"metrics", "must be an absolute URL path"},
		{"/", "taken by another route"},
		{"/probe", "taken by another route"},
		{"/-/healthy", "taken by another route"},
		{"/-/reload", "taken by another route"},
		{"/my metrics", `' ' is not allowed`},
		{"GET /metrics", "must be an absolute URL path"},
		{"/metrics\t", `'\t' is not allowed`},
		{"/{name}", `'{' is not allowed`},
		{"/a%zz", `'%' is not allowed`},
		{"/a/../metrics", "not a clean path"},
		{"//metrics", "not a clean path"},
		{"//", "not a clean path"},
		{"/metrics?x=1", `'?' is not allowed`},
		{"/mètrics", `'è' is not allowed`},
	} {
		_, err := parseFlags([]string{"--web.telemetry-path=" + tt.path}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "--web.telemetry-path") {
			t.Errorf("--web.telemetry-path=%q: %v, want an error with %q", tt.path, err, tt.err)
		}
	}
}
