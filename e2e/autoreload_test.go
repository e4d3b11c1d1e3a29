//go:build unix

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAutoReload runs the binary with --config.auto-reload-interval on a
// configuration laid out as the kubelet lays out a ConfigMap volume: the
// file is a symlink into ..data, which is swapped to a new directory on
// every update. No signal is sent: the exporter sees the new content.
func TestAutoReload(t *testing.T) {
	t.Parallel()
	up, _ := newFixtureUpstream(t)
	dir := t.TempDir()
	n := 0
	update := func(content string) {
		t.Helper()
		n++
		version := filepath.Join(dir, fmt.Sprintf("..v%d", n))
		if err := os.Mkdir(version, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(version, "statuspage_exporter.yml"), content)
		tmp := filepath.Join(dir, "..data_tmp")
		if err := os.Symlink(filepath.Base(version), tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	update(pagesConfig(up, "alpha"))
	cfgPath := filepath.Join(dir, "statuspage_exporter.yml")
	if err := os.Symlink(filepath.Join("..data", "statuspage_exporter.yml"), cfgPath); err != nil {
		t.Fatal(err)
	}
	p := start(t, cfgPath, startOptions{args: []string{"--config.auto-reload-interval=100ms"}})
	p.waitMetrics(t, `statuspage_up{page="alpha"} 1`, `statuspage_exporter_config_reloads_total{result="success"} 1`)

	update(pagesConfig(up, "alpha", "gamma"))
	p.waitMetrics(t, `statuspage_up{page="gamma"} 1`,
		`statuspage_exporter_config_last_reload_successful 1`,
		`statuspage_exporter_config_reloads_total{result="success"} 2`)

	update(pagesConfig(up, "gamma") + "bogus: 1\n")
	p.waitMetrics(t, `statuspage_exporter_config_last_reload_successful 0`,
		`statuspage_exporter_config_reloads_total{result="failure"} 1`,
		`statuspage_up{page="alpha"} 1`, `statuspage_up{page="gamma"} 1`)
	if !p.hasLog("Reloading the configuration failed", "field bogus not found") {
		t.Error("no log line says why the new file was refused")
	}

	update(pagesConfig(up, "gamma"))
	p.waitMetrics(t, `statuspage_exporter_config_last_reload_successful 1`,
		`statuspage_exporter_config_reloads_total{result="success"} 3`,
		`statuspage_exporter_config_reloads_total{result="failure"} 1`)
	if body := p.get(t, "/metrics", http.StatusOK); strings.Contains(body, `page="alpha"`) {
		t.Error("alpha is still served after it left the configuration")
	}
	p.checkAlive(t)
}
