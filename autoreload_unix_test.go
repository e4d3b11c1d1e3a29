//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestConfigWatcherUnsafeFile: a configuration file replaced by a named
// pipe or a device is an unreadable file to the watcher, said once; the
// watcher does not block on it (opening a pipe waits for a writer) nor read
// it forever (/dev/zero), and the running configuration stays.
func TestConfigWatcherUnsafeFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "statuspage_exporter.yml")
	writeConfig(t, path, watchedConfig("a"))
	var log bytes.Buffer
	e, w := newWatchedExporter(t, path, &log)

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	for _, target := range []string{fifo, "/dev/zero"} {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
		done := make(chan bool, 1)
		go func() { done <- w.check() }()
		select {
		case reloaded := <-done:
			if reloaded {
				t.Errorf("%s: check() reloaded", target)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: check() did not return", target)
		}
		if !e.holder.Active().Names()["a"] {
			t.Errorf("%s: the running configuration was replaced", target)
		}
	}
	if !strings.Contains(log.String(), "a named pipe, not a regular file") {
		t.Errorf("no log line says the file is a named pipe:\n%s", &log)
	}
}
