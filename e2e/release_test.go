//go:build unix

package e2e

import (
	"bytes"
	"debug/elf"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestReleaseTarball checks the release tarball the way an operator uses
// it: unpack it, ask the binary for its version, check the bundled
// configuration, then run the binary and scrape it on loopback.
// `make test-release` builds the tarball with promu and runs this test;
// .ci/run does the same through STATUSPAGE_EXPORTER_TARBALL.
func TestReleaseTarball(t *testing.T) {
	tarball := os.Getenv("STATUSPAGE_EXPORTER_TARBALL")
	if tarball == "" {
		missing(t, "STATUSPAGE_EXPORTER_TARBALL is not set: run make test-release")
	}
	if !filepath.IsAbs(tarball) {
		// Relative to the repository's root, where make and .ci/run work.
		tarball = root(tarball)
	}
	tarBin := tool(t, "tar", "tar")
	v, err := os.ReadFile(root("VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(string(v))
	stem := fmt.Sprintf("statuspage_exporter-%s.%s-%s", version, runtime.GOOS, runtime.GOARCH)
	if got := filepath.Base(tarball); got != stem+".tar.gz" {
		t.Fatalf("tarball is named %s, want %s.tar.gz", got, stem)
	}

	out, err := exec.Command(tarBin, "tzf", tarball).Output()
	if err != nil {
		t.Fatalf("tar tzf %s: %v", tarball, err)
	}
	listing := strings.Fields(string(out))
	slices.Sort(listing)
	want := []string{stem + "/", stem + "/LICENSE", stem + "/NOTICE", stem + "/statuspage_exporter", stem + "/statuspage_exporter.yml"}
	if !slices.Equal(listing, want) {
		t.Fatalf("tarball holds %q, want %q", listing, want)
	}
	dir := t.TempDir()
	if out, err := exec.Command(tarBin, "xzf", tarball, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("tar xzf: %v\n%s", err, out)
	}
	unpacked := filepath.Join(dir, stem)
	for _, name := range []string{"LICENSE", "NOTICE", "statuspage_exporter.yml"} {
		got, err := os.ReadFile(filepath.Join(unpacked, name))
		if err != nil {
			t.Fatal(err)
		}
		if repo, err := os.ReadFile(root(name)); err != nil || !bytes.Equal(got, repo) {
			t.Errorf("%s in the tarball differs from the repository's (%v)", name, err)
		}
	}
	bin := filepath.Join(unpacked, "statuspage_exporter")
	releaseStatic(t, bin)

	t.Run("version", func(t *testing.T) {
		code, stdout, stderr := runOnce(t, bin, "--version")
		if code != 0 {
			t.Fatalf("--version: exit %d, stderr:\n%s", code, stderr)
		}
		t.Logf("--version:\n%s", stdout)
		head := regexp.MustCompile(`^statuspage_exporter, version (\S+) \(branch: (\S+), revision: ([0-9a-f]{40})\)\n`).FindStringSubmatch(stdout)
		if head == nil {
			t.Fatalf("--version first line is not version, branch and a git revision:\n%s", stdout)
		}
		if head[1] != version {
			t.Errorf("version %s, want %s from VERSION", head[1], version)
		}
		if rev, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil && strings.TrimSpace(string(rev)) != head[3] {
			t.Errorf("revision %s, want HEAD %s", head[3], rev)
		}
		for _, re := range []string{
			`(?m)^  build user: +\S+@\S+$`,
			`(?m)^  build date: +\d{8}-\d\d:\d\d:\d\d$`,
			`(?m)^  go version: +go1\.\d+`,
			`(?m)^  platform: +` + runtime.GOOS + `/` + runtime.GOARCH + `$`,
		} {
			if !regexp.MustCompile(re).MatchString(stdout) {
				t.Errorf("--version does not match %s:\n%s", re, stdout)
			}
		}
	})

	t.Run("config check of the bundled configuration", func(t *testing.T) {
		code, stdout, stderr := runOnce(t, bin, "--config.check", "--config.file="+filepath.Join(unpacked, "statuspage_exporter.yml"))
		if code != 0 || !strings.Contains(stdout, "configuration OK") {
			t.Errorf("--config.check: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
		}
	})

	t.Run("serve", func(t *testing.T) {
		up, _ := newFixtureUpstream(t)
		cfg := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
		writeFile(t, cfg, pagesConfig(up, "alpha", "broken"))
		p := start(t, cfg, startOptions{bin: bin})
		body := p.get(t, "/metrics", http.StatusOK)
		wantLine(t, "/metrics", body, `statuspage_up{page="alpha"} 1`)
		wantLine(t, "/metrics", body, `statuspage_up{page="broken"} 0`)
		info := regexp.MustCompile(`(?m)^statuspage_exporter_build_info\{.*\} 1$`).FindString(body)
		if !strings.Contains(info, `version="`+version+`"`) || !regexp.MustCompile(`revision="[0-9a-f]{40}"`).MatchString(info) {
			t.Errorf("build info %q lacks version %s or a revision", info, version)
		}
		p.signal(t, syscall.SIGTERM)
		if code := p.wait(t); code != 0 {
			t.Errorf("exit code after SIGTERM = %d, want 0", code)
		}
	})
}

// releaseStatic checks that a Linux binary has no dynamic loader, so it runs
// on any distribution.
func releaseStatic(t *testing.T, bin string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s is dynamically linked; the release binary must be static", bin)
		}
	}
}
