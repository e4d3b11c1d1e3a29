package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
)

// oneshotFileMode lets node_exporter, which runs as another user, read the
// file that one-shot mode writes for its textfile collector.
const oneshotFileMode = 0o644

// runOneshot scrapes every configured page once, writes the text exposition
// to f.oneshotOutput and returns the exit code: 0 when every page is up, 1
// when a page failed (the metrics are written all the same, with
// statuspage_up 0) or nothing could be written.
//
// Besides the pages it writes statuspage_exporter_build_info only. The Go and
// process metrics would describe a process that is about to exit, and would
// clash with node_exporter's own go_* and process_* series in its textfile
// collector; the request, cache and reload counters of a single run say
// nothing.
func runOneshot(f *flags, stdout io.Writer, logger *slog.Logger) int {
	e := newExporter(f, logger)
	if err := e.reload(); err != nil {
		logger.Error("Cannot load the configuration", "err", err)
		return 1
	}

	// An interrupt stops the waiting; pages not ready by then count as failed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, f.oneshotTimeout)
	defer cancel()

	// One scrape, so the registry's checks of every series cost nothing
	// that matters here.
	reg := prometheus.NewRegistry()
	reg.MustRegister(versioncollector.NewCollector(exporterName), collector.New(ctx, e.store, e.holder.Active().Targets, logger))
	fams, gatherErr := reg.Gather()
	if gatherErr != nil {
		// Gather still returns what it could gather; write that.
		logger.Error("Some metrics could not be gathered", "err", gatherErr)
	}

	var buf bytes.Buffer
	for _, mf := range fams {
		if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
			logger.Error("Cannot encode the metrics", "metric", mf.GetName(), "err", err)
			return 1
		}
	}
	if err := writeOneshot(f.oneshotOutput, stdout, buf.Bytes()); err != nil {
		logger.Error("Cannot write the metrics", "output", f.oneshotOutput, "err", err)
		return 1
	}

	if failed := failedPages(fams); len(failed) > 0 {
		logger.Error("Some pages failed", "pages", strings.Join(failed, ","), "count", len(failed))
		return 1
	}
	if gatherErr != nil {
		return 1
	}
	return 0
}

// failedPages lists, sorted, the pages whose statuspage_up is not 1.
func failedPages(fams []*dto.MetricFamily) []string {
	var failed []string
	for _, mf := range fams {
		if mf.GetName() != "statuspage_up" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetGauge().GetValue() == 1 {
				continue
			}
			for _, l := range m.GetLabel() {
				if l.GetName() == "page" {
					failed = append(failed, l.GetValue())
				}
			}
		}
	}
	slices.Sort(failed)
	return failed
}

// writeOneshot writes data to stdout for "-", else to the file at path: a
// regular file (or none yet) is replaced atomically, through any symbolic
// links, and anything else (a FIFO, a device, /dev/stdout) is written to in
// place, never replaced.
func writeOneshot(path string, stdout io.Writer, data []byte) error {
	if path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	target, inPlace, err := resolveOutput(path)
	if err != nil {
		return err
	}
	if inPlace {
		return writeInPlace(path, data)
	}
	return writeFileAtomic(target, data, oneshotFileMode)
}

// maxLinks bounds the symbolic links followed, as the kernel does (40 on
// Linux), so that a loop is an error.
const maxLinks = 40

// resolveOutput follows the symbolic links of path to what it names. It
// returns the path of the regular file to replace (which may not exist yet:
// a dangling link's target is created), or inPlace when path names anything
// else. A link into /proc (/dev/stdout is one to /proc/self/fd/1) names an
// open file, not a place in a directory: it is written in place too.
func resolveOutput(path string) (target string, inPlace bool, err error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return path, false, nil
		case err != nil:
			return "", false, err
		case fi.Mode().IsRegular():
			return path, false, nil
		case fi.IsDir():
			return "", false, fmt.Errorf("%s is a directory", path)
		case fi.Mode()&fs.ModeSymlink == 0:
			return "", true, nil
		}
		// Where the link really is: with a symlinked directory on the way
		// (/dev/fd is /proc/self/fd), ".." is not what the text says.
		dir, err := filepath.EvalSymlinks(filepath.Dir(path))
		if err != nil {
			return "", false, err
		}
		if inProc(dir) {
			return "", true, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(dir, dest)
		}
		path = dest
	}
	return "", false, fmt.Errorf("%s: too many levels of symbolic links", path)
}

// inProc reports whether dir is /proc or under it, where links name open
// files and processes' directories, not paths.
func inProc(dir string) bool {
	dir = filepath.Clean(dir)
	return runtime.GOOS == "linux" && (dir == "/proc" || strings.HasPrefix(dir, "/proc/"))
}

// writeInPlace writes data to what path names without creating, truncating
// or replacing it. It appends, so a regular file behind /dev/stdout (a shell's
// "> file" or ">> file") keeps what is in it. A FIFO that no process reads
// is an error, not a wait without end.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|openNonblock, 0)
	if err != nil {
		if errors.Is(err, syscall.ENXIO) {
			return fmt.Errorf("%w (a FIFO: no process reads it)", err)
		}
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeFileAtomic replaces path with data so that a reader sees either the
// old file or the whole new one, never a part: it writes a temporary file in
// the same directory and renames it. The temporary name does not end in
// .prom, so node_exporter's textfile collector skips it.
//
// prometheus.WriteToTextfile does the same for a file, but it cannot write
// to standard output, writes nothing at all when gathering reports an error
// (one-shot writes what it gathered and exits 1), and does not sync the
// file before the rename, so a crash could leave an empty file behind.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close() // may already be closed; the write error matters
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
