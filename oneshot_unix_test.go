//go:build unix

package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestOneshotOutputKinds: one-shot mode replaces a regular file only. A
// symbolic link keeps pointing where it pointed and its target is replaced;
// a FIFO or a device is written to in place.
func TestOneshotOutputKinds(t *testing.T) {
	t.Parallel()
	cfg := oneshotConfig(t, oneshotPages(t), "alpha")
	run := func(t *testing.T, out string) (int, string) {
		t.Helper()
		code, stdout, stderr := runOneshotArgs(t, "--config.file="+cfg, "--statuspage.oneshot-output="+out)
		if stdout != "" {
			t.Errorf("stdout %q, want nothing", stdout)
		}
		return code, stderr
	}
	wantMetrics := func(t *testing.T, where string, b []byte) {
		t.Helper()
		if !oneshotHasLine(string(b), `statuspage_up{page="alpha"} 1`) {
			t.Errorf("%s has no statuspage_up for alpha:\n%s", where, b)
		}
	}

	t.Run("symlink", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		mkdirs(t, dir, "real", "links")
		target := filepath.Join(dir, "real", "statuspage.prom")
		writeTestFile(t, target, "old\n")
		link := filepath.Join(dir, "links", "statuspage.prom")
		symlink(t, "../real/statuspage.prom", link)
		if code, stderr := run(t, link); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		wantLink(t, link, "../real/statuspage.prom")
		wantMetrics(t, "the link's target", readTestFile(t, target))
		if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != oneshotFileMode {
			t.Errorf("target: %v, %v; want mode %v", fi, err, os.FileMode(oneshotFileMode))
		}
		oneshotOnlyFiles(t, filepath.Join(dir, "real"), "statuspage.prom")
		oneshotOnlyFiles(t, filepath.Join(dir, "links"), "statuspage.prom")
	})

	t.Run("chain of links beside a symlinked directory", func(t *testing.T) {
		t.Parallel()
		// alias is a link to a/b, so alias/.. is a, not dir: a relative
		// link target is resolved as the system does, not by its text.
		dir := t.TempDir()
		mkdirs(t, dir, "a/b")
		symlink(t, "a/b", filepath.Join(dir, "alias"))
		symlink(t, "../statuspage.prom", filepath.Join(dir, "a", "b", "second"))
		first := filepath.Join(dir, "first.prom")
		symlink(t, "alias/second", first)
		writeTestFile(t, filepath.Join(dir, "a", "statuspage.prom"), "old\n")
		if code, stderr := run(t, first); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		wantLink(t, first, "alias/second")
		wantLink(t, filepath.Join(dir, "a", "b", "second"), "../statuspage.prom")
		wantMetrics(t, "the end of the chain", readTestFile(t, filepath.Join(dir, "a", "statuspage.prom")))
		oneshotOnlyFiles(t, dir, "a", "alias", "first.prom")
		oneshotOnlyFiles(t, filepath.Join(dir, "a"), "b", "statuspage.prom")
	})

	t.Run("dangling symlink", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		link := filepath.Join(dir, "statuspage.prom")
		symlink(t, "target.prom", link)
		if code, stderr := run(t, link); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		wantLink(t, link, "target.prom")
		wantMetrics(t, "the new target", readTestFile(t, filepath.Join(dir, "target.prom")))
	})

	t.Run("link loop", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		symlink(t, "b", a)
		symlink(t, "a", b)
		if code, stderr := run(t, a); code != 1 || !strings.Contains(stderr, "Cannot write the metrics") {
			t.Errorf("exit %d, stderr:\n%s\nwant 1 and the error", code, stderr)
		}
		wantLink(t, a, "b")
		wantLink(t, b, "a")
	})

	t.Run("FIFO with a reader", func(t *testing.T) {
		t.Parallel()
		fifo := filepath.Join(t.TempDir(), "statuspage.prom")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		// Opened before the run, read after it: the output fits in the
		// pipe's buffer.
		r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if code, stderr := run(t, fifo); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		wantMetrics(t, "what the reader got", b)
		wantType(t, fifo, fs.ModeNamedPipe)
	})

	t.Run("FIFO without a reader", func(t *testing.T) {
		t.Parallel()
		fifo := filepath.Join(t.TempDir(), "statuspage.prom")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		// Reported at once rather than waiting forever for a reader.
		if code, stderr := run(t, fifo); code != 1 || !strings.Contains(stderr, "no process reads it") {
			t.Errorf("exit %d, stderr:\n%s\nwant 1 and the error", code, stderr)
		}
		wantType(t, fifo, fs.ModeNamedPipe)
	})

	t.Run("link to an open file descriptor", func(t *testing.T) {
		t.Parallel()
		// What /dev/stdout is: a link to /proc/self/fd/1.
		if _, err := os.Stat("/proc/self/fd"); err != nil {
			t.Skip("no /proc/self/fd")
		}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		link, dest := filepath.Join(t.TempDir(), "stdout"), "/proc/self/fd/"+strconv.Itoa(int(w.Fd()))
		symlink(t, dest, link)
		code, stderr := run(t, link)
		w.Close()
		if code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		wantMetrics(t, "the pipe", b)
		wantLink(t, link, dest)
	})

	t.Run("a path through /dev/fd", func(t *testing.T) {
		t.Parallel()
		// /dev/fd is a link to /proc/self/fd: the file is the open one.
		if dest, err := os.Readlink("/dev/fd"); err != nil || dest != "/proc/self/fd" {
			t.Skipf("/dev/fd is not a link to /proc/self/fd here (%q, %v)", dest, err)
		}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		code, stderr := run(t, "/dev/fd/"+strconv.Itoa(int(w.Fd())))
		w.Close()
		if code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		wantMetrics(t, "the pipe", b)
	})

	t.Run("/dev/null", func(t *testing.T) {
		t.Parallel()
		null := charDevice(t, "/dev/null", 1, 3)
		if code, stderr := run(t, null); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		wantType(t, null, fs.ModeDevice|fs.ModeCharDevice)
	})

	t.Run("/dev/full", func(t *testing.T) {
		t.Parallel()
		full := charDevice(t, "/dev/full", 1, 7)
		code, stderr := run(t, full)
		if code != 1 || !strings.Contains(stderr, "Cannot write the metrics") || !strings.Contains(stderr, "no space left on device") {
			t.Errorf("exit %d, stderr:\n%s\nwant 1 and the write error", code, stderr)
		}
		wantType(t, full, fs.ModeDevice|fs.ModeCharDevice)
	})
}

// charDevice returns the path of the character device at path. As root a
// mistake here would replace the machine's own device node, so root gets a
// node of the same device (major, minor) made in a temporary directory.
func charDevice(t *testing.T, path string, major, minor uint32) string {
	t.Helper()
	if fi, err := os.Stat(path); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skipf("no character device %s", path)
	}
	if os.Geteuid() != 0 {
		return path
	}
	node := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, int(major<<8|minor)); err != nil {
		t.Skipf("running as root, and cannot make a device node to stand in for %s: %v", path, err)
	}
	// A file system mounted nodev refuses to open it.
	f, err := os.OpenFile(node, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("running as root, and cannot open a device node to stand in for %s: %v", path, err)
	}
	f.Close()
	return node
}

func wantType(t *testing.T, path string, typ fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != typ {
		t.Errorf("%s is now %v, want type %v", path, fi.Mode(), typ)
	}
}

func wantLink(t *testing.T, link, dest string) {
	t.Helper()
	got, err := os.Readlink(link)
	if err != nil || got != dest {
		t.Errorf("%s: readlink %q, %v; want a link to %q", link, got, err, dest)
	}
}

func symlink(t *testing.T, dest, link string) {
	t.Helper()
	if err := os.Symlink(dest, link); err != nil {
		t.Fatal(err)
	}
}

func mkdirs(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(dir, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readTestFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
