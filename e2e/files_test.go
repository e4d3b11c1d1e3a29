//go:build unix

package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestUnsafeFilesInConfig: a configuration that names a named pipe as
// ca_file (prometheus/common reads it when the client is built, during the
// reload) or /dev/zero as credentials_file is refused at once by
// POST /-/reload, SIGHUP and --config.check, naming the page and the field;
// the running configuration goes on, the next reload works, and SIGTERM
// ends the process promptly. Before, the first reload hung for good while
// holding the reload lock, every later reload hung behind it, and SIGTERM
// waited out --web.shutdown-timeout.
func TestUnsafeFilesInConfig(t *testing.T) {
	t.Parallel()
	up, _ := newFixtureUpstream(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "statuspage_exporter.yml")
	good := pagesConfig(up, "alpha")
	writeFile(t, cfgPath, good)
	fifo := filepath.Join(dir, "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Should the exporter open the pipe after all, a writer releases it
	// when the test ends.
	t.Cleanup(func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	p := start(t, cfgPath, startOptions{})
	p.waitMetrics(t, `statuspage_up{page="alpha"} 1`)

	bad := map[string]string{
		"named pipe as ca_file":         good + "    http_client_config: {tls_config: {ca_file: ca.pem}}\n",
		"/dev/zero as credentials_file": good + "    http_client_config: {authorization: {type: OAuth, credentials_file: /dev/zero}}\n",
	}
	wants := map[string]string{
		"named pipe as ca_file":         `page "alpha": http_client_config.tls_config.ca_file: ` + fifo + ": a named pipe, not a regular file",
		"/dev/zero as credentials_file": `page "alpha": http_client_config.authorization.credentials_file: /dev/zero: a device, not a regular file`,
	}
	for name, doc := range bad {
		t.Run(name, func(t *testing.T) {
			writeFile(t, cfgPath, doc)
			start := time.Now()
			res, body := p.do(t, http.MethodPost, "/-/reload", nil)
			if took := time.Since(start); res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, wants[name]) || took > 2*time.Second {
				t.Errorf("POST /-/reload = %d %q after %v, want 500 with %q at once", res.StatusCode, body, took, wants[name])
			}
			// The log quotes the page's name with backslashes.
			_, reason, _ := strings.Cut(wants[name], `"alpha": `)
			before := len(p.logLines("Reloading the configuration failed", reason))
			p.signal(t, syscall.SIGHUP)
			if !poll(waitFor, func() bool { return len(p.logLines("Reloading the configuration failed", reason)) > before }) {
				t.Error("SIGHUP: no log line with the reason")
			}
			code, _, stderr := runOnce(t, binary(t), "--config.check", "--config.file="+cfgPath)
			if code != 1 || !strings.Contains(stderr, reason) {
				t.Errorf("--config.check: exit %d, stderr %q; want 1 and %q", code, stderr, reason)
			}
			wantLine(t, "/metrics", p.get(t, "/metrics", http.StatusOK), `statuspage_up{page="alpha"} 1`)
		})
	}

	writeFile(t, cfgPath, pagesConfig(up, "alpha", "gamma"))
	if res, body := p.do(t, http.MethodPost, "/-/reload", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("POST /-/reload of a good file after the bad ones = %d %q", res.StatusCode, body)
	}
	p.waitMetrics(t, `statuspage_up{page="gamma"} 1`, `statuspage_exporter_config_last_reload_successful 1`)

	p.checkAlive(t)
	start := time.Now()
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("SIGTERM took %v to end the process", took)
	}
}
