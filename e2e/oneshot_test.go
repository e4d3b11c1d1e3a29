//go:build unix

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneshotDevStdout: --statuspage.oneshot-output=/dev/stdout writes to
// the process's standard output, whatever it is, and never replaces the
// link (a root run used to rename a file over it).
func TestOneshotDevStdout(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	up, _ := newFixtureUpstream(t)
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, pagesConfig(up, "alpha"))
	out := devStdout(t)
	args := []string{"--statuspage.oneshot", "--config.file=" + cfgPath, "--statuspage.oneshot-output=" + out}
	const want = `statuspage_up{page="alpha"} 1`

	t.Run("a pipe", func(t *testing.T) {
		code, stdout, stderr := runOnce(t, bin, args...)
		if code != 0 || !hasLine(stdout, want) {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant 0 and %s on stdout", code, short(stdout), stderr, want)
		}
	})

	t.Run("a regular file", func(t *testing.T) {
		// As after "exporter ... >> file": what the file holds stays.
		path := filepath.Join(t.TempDir(), "out.prom")
		writeFile(t, path, "# kept\n")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		before, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		var stderr syncBuffer
		cmd.Stdout, cmd.Stderr = f, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v; stderr:\n%s", err, stderr.String())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "# kept\n") || !hasLine(string(b), want) {
			t.Errorf("the file holds:\n%s\nwant what it held, then %s", short(string(b)), want)
		}
		if after, err := os.Stat(path); err != nil || !os.SameFile(before, after) {
			t.Errorf("the file was replaced (%v)", err)
		}
	})

	if fi, err := os.Lstat(out); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link: %v, %v", out, fi, err)
	}
}

// devStdout is /dev/stdout, or as root a link of its own to where
// /dev/stdout leads: a mistake would otherwise replace the machine's own.
func devStdout(t *testing.T) string {
	t.Helper()
	dest, err := os.Readlink("/dev/stdout")
	if err != nil || !strings.HasPrefix(dest, "/proc/") {
		t.Skipf("/dev/stdout is not a link into /proc here (%q, %v)", dest, err)
	}
	if os.Geteuid() != 0 {
		return "/dev/stdout"
	}
	link := filepath.Join(t.TempDir(), "stdout")
	if err := os.Symlink(dest, link); err != nil {
		t.Fatal(err)
	}
	return link
}
