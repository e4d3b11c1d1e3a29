package main

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// configWatcher reloads the configuration when the content of its file
// changes (--config.auto-reload-interval), for files that are replaced with
// nobody to send SIGHUP: a Kubernetes ConfigMap volume, whose kubelet swaps a
// symlink to a new directory. It compares a hash of the bytes, not the
// modification time, which a symlink swap need not change and a touch
// changes without a change of content. A file that fails to load is refused
// like any reload and not tried again until its content changes again.
type configWatcher struct {
	path    string
	reload  func() error // logs and counts its outcome
	logger  *slog.Logger
	last    [sha256.Size]byte // the content last given to reload, or loaded at start
	readErr bool              // the last read failed, and was logged
}

// newConfigWatcher hashes the file as it is now; call it before the first
// load, so that a change made in between is seen.
func newConfigWatcher(path string, reload func() error, logger *slog.Logger) *configWatcher {
	w := &configWatcher{path: path, reload: reload, logger: logger}
	w.last, _ = hashFile(path) // unreadable: the first load fails and the exporter stops
	return w
}

// run checks the file every interval until ctx is done.
func (w *configWatcher) run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			w.check()
		}
	}
}

// check reloads when the file's content differs from the content seen
// last, and reports whether it did.
func (w *configWatcher) check() bool {
	sum, err := hashFile(w.path)
	if err != nil {
		// A file that is gone or unreadable is not a new configuration:
		// the running one stays. Said once, not at every interval.
		if !w.readErr {
			w.logger.Error("Cannot read the configuration file to look for changes", "file", w.path, "err", err)
		}
		w.readErr = true
		return false
	}
	w.readErr = false
	if sum == w.last {
		return false
	}
	w.last = sum
	w.logger.Info("The configuration file changed; reloading", "file", w.path)
	_ = w.reload() // logged and counted by reload
	return true
}

// hashFile returns the SHA-256 of the file's content, following symlinks.
// It reads as the reload does (config.ReadFile), so a file replaced by a
// named pipe or a device is an unreadable file, not a watcher that hangs.
func hashFile(path string) ([sha256.Size]byte, error) {
	b, err := config.ReadFile(path)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(b), nil
}
