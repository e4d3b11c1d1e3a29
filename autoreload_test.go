package main

import (
	"bytes"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestConfigWatcher steps the watcher of --config.auto-reload-interval by
// hand, with the exporter's own reload: a change of content reloads, a bad
// file is refused once and kept out, and neither an unchanged file nor a
// missing one reloads.
func TestConfigWatcher(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	write := func(content string) {
		t.Helper()
		writeConfig(t, path, content)
	}
	write(watchedConfig("a"))
	var log bytes.Buffer
	e, w := newWatchedExporter(t, path, &log)

	steps := []struct {
		name     string
		change   func()
		reloaded bool
		pages    []string
		ok       float64 // statuspage_exporter_config_last_reload_successful
		success  float64 // statuspage_exporter_config_reloads_total
		failure  float64
	}{
		{"unchanged", func() {}, false, []string{"a"}, 1, 1, 0},
		{"same content, new modification time", func() {
			write(watchedConfig("a"))
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
		}, false, []string{"a"}, 1, 1, 0},
		{"good to good", func() { write(watchedConfig("a", "b")) }, true, []string{"a", "b"}, 1, 2, 0},
		{"good to bad: refused, old one kept", func() { write(watchedConfig("a") + "unknown_key: 1\n") }, true, []string{"a", "b"}, 0, 2, 1},
		{"bad, unchanged: not tried again", func() {}, false, []string{"a", "b"}, 0, 2, 1},
		{"bad, rewritten alike: not tried again", func() { write(watchedConfig("a") + "unknown_key: 1\n") }, false, []string{"a", "b"}, 0, 2, 1},
		{"another bad one", func() { write("pages: [\n") }, true, []string{"a", "b"}, 0, 2, 2},
		{"bad to good", func() { write(watchedConfig("c")) }, true, []string{"c"}, 1, 3, 2},
		{"file gone: running configuration kept", func() {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, false, []string{"c"}, 1, 3, 2},
		{"still gone", func() {}, false, []string{"c"}, 1, 3, 2},
		{"back with the same content", func() { write(watchedConfig("c")) }, false, []string{"c"}, 1, 3, 2},
	}
	for _, s := range steps {
		s.change()
		if got := w.check(); got != s.reloaded {
			t.Errorf("%s: check() = %v, want %v", s.name, got, s.reloaded)
		}
		if got := slices.Sorted(maps.Keys(e.holder.Active().Names())); !slices.Equal(got, s.pages) {
			t.Errorf("%s: active pages %q, want %q", s.name, got, s.pages)
		}
		for _, m := range []struct {
			name, result string
			want         float64
		}{
			{"statuspage_exporter_config_last_reload_successful", "", s.ok},
			{"statuspage_exporter_config_reloads_total", "success", s.success},
			{"statuspage_exporter_config_reloads_total", "failure", s.failure},
		} {
			if got := gatherValue(t, e.static, m.name, m.result); got != m.want {
				t.Errorf("%s: %s{result=%q} = %v, want %v", s.name, m.name, m.result, got, m.want)
			}
		}
	}
	if n := strings.Count(log.String(), "Cannot read the configuration file"); n != 1 {
		t.Errorf("a missing file was logged %d times, want once:\n%s", n, &log)
	}
}

// TestConfigWatcherConfigMap: the kubelet updates a ConfigMap volume by
// pointing the ..data symlink at a new directory; the file's path and
// modification time may stay the same, its content does not.
func TestConfigWatcherConfigMap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stamp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	version := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name, "statuspage_exporter.yml")
		if err := os.Mkdir(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		writeConfig(t, p, content)
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
		// Swapped atomically, as the kubelet does.
		if err := os.Symlink(name, filepath.Join(dir, "..data_tmp")); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	version("..v1", watchedConfig("a"))
	path := filepath.Join(dir, "statuspage_exporter.yml")
	if err := os.Symlink(filepath.Join("..data", "statuspage_exporter.yml"), path); err != nil {
		t.Fatal(err)
	}
	e, w := newWatchedExporter(t, path, io.Discard)
	if w.check() {
		t.Error("reloaded before the ConfigMap changed")
	}
	version("..v2", watchedConfig("a", "b"))
	if !w.check() {
		t.Fatal("the swap of ..data was not seen")
	}
	if got := slices.Sorted(maps.Keys(e.holder.Active().Names())); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("active pages %q after the swap, want [a b]", got)
	}
}

func TestParseFlagsAutoReload(t *testing.T) {
	t.Parallel()
	f, err := parseFlags(nil, io.Discard, io.Discard)
	if err != nil || f.autoReload != 0 {
		t.Fatalf("default: %v, %v; want off", f.autoReload, err)
	}
	if f, err := parseFlags([]string{"--config.auto-reload-interval=30s"}, io.Discard, io.Discard); err != nil || f.autoReload != 30*time.Second {
		t.Errorf("30s: %v, %v", f, err)
	}
	if _, err := parseFlags([]string{"--config.auto-reload-interval=-1s"}, io.Discard, io.Discard); err == nil {
		t.Error("a negative interval was accepted")
	}
}

// newWatchedExporter loads the configuration at path into an exporter, as
// run() does with --config.auto-reload-interval, and returns its watcher.
func newWatchedExporter(t *testing.T, path string, log io.Writer) (*exporter, *configWatcher) {
	t.Helper()
	f, err := parseFlags([]string{"--config.file=" + path}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(log, nil))
	e := newExporter(f, logger)
	w := newConfigWatcher(path, e.reload, logger)
	if err := e.reload(); err != nil {
		t.Fatal(err)
	}
	return e, w
}

// watchedConfig configures pages that are never fetched: no scrape runs.
func watchedConfig(names ...string) string {
	var b strings.Builder
	b.WriteString("pages:\n")
	for _, n := range names {
		b.WriteString("  - name: " + n + "\n    url: http://127.0.0.1:1/" + n + "\n")
	}
	return b.String()
}

// writeConfig replaces the file at path in one rename, so a reader never
// sees half of it.
func writeConfig(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// gatherValue returns the value of the series of family name (with
// result=result when result is set) in reg, or -1.
func gatherValue(t *testing.T, reg *prometheus.Registry, name, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := result == ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					match = true
				}
			}
			if !match {
				continue
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}
