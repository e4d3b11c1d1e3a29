//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"cmp"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// What the README promises about the image.
const (
	imageBinary = "/bin/statuspage_exporter"
	imageConfig = "/etc/statuspage_exporter/statuspage_exporter.yml"
	imageUser   = "65534:65534"
	imagePort   = "10036/tcp"
	imageSource = "https://github.com/statuspage-exporter/statuspage_exporter"
)

// TestImage checks the container image that `make image` builds, with
// buildah (podman cannot run containers on our machines): its
// configuration, its files, and the exporter run through the image's
// entrypoint and command with a configuration mounted over the default one,
// scraped on loopback. `make test-image` builds the image and runs this
// test; .ci/run does the same through STATUSPAGE_EXPORTER_IMAGE.
func TestImage(t *testing.T) {
	image := os.Getenv("STATUSPAGE_EXPORTER_IMAGE")
	if image == "" {
		missing(t, "STATUSPAGE_EXPORTER_IMAGE is not set: run make test-image")
	}
	b := newBuildah(t)
	cfg := b.imageConfig(t, image)

	t.Run("config", func(t *testing.T) {
		if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH {
			t.Errorf("platform %s/%s, want linux/%s", cfg.OS, cfg.Architecture, runtime.GOARCH)
		}
		c := cfg.Config
		if c.User != imageUser {
			t.Errorf("user %q, want %q", c.User, imageUser)
		}
		if !slices.Equal(c.Entrypoint, []string{imageBinary}) {
			t.Errorf("entrypoint %q, want [%s]", c.Entrypoint, imageBinary)
		}
		if want := []string{"--config.file=" + imageConfig}; !slices.Equal(c.Cmd, want) {
			t.Errorf("cmd %q, want %q", c.Cmd, want)
		}
		if ports := slices.Sorted(maps.Keys(c.ExposedPorts)); !slices.Equal(ports, []string{imagePort}) {
			t.Errorf("exposed ports %q, want [%s]", ports, imagePort)
		}
		v, err := os.ReadFile(root("VERSION"))
		if err != nil {
			t.Fatal(err)
		}
		labels := c.Labels
		if got, want := labels["org.opencontainers.image.version"], strings.TrimSpace(string(v)); got != want {
			t.Errorf("label version %q, want %q from VERSION", got, want)
		}
		if got := labels["org.opencontainers.image.source"]; got != imageSource {
			t.Errorf("label source %q, want %q", got, imageSource)
		}
		rev := labels["org.opencontainers.image.revision"]
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(rev) {
			t.Errorf("label revision %q is not a git commit", rev)
		} else if head, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil && strings.TrimSpace(string(head)) != rev {
			t.Errorf("label revision %s, want HEAD %s: the image is older than the checkout", rev, head)
		}
	})

	ctr := b.container(t, image)

	t.Run("files", func(t *testing.T) {
		dir := b.mount(t, ctr)
		var files []string
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, path)
				files = append(files, "/"+filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(files)
		want := []string{imageBinary, imageConfig, "/licenses/LICENSE", "/licenses/NOTICE"}
		slices.Sort(want)
		if !slices.Equal(files, want) {
			t.Errorf("image holds %q, want %q", files, want)
		}
		for path, repo := range map[string]string{imageConfig: "statuspage_exporter.yml", "/licenses/LICENSE": "LICENSE", "/licenses/NOTICE": "NOTICE"} {
			got, err := os.ReadFile(filepath.Join(dir, path))
			if err != nil {
				t.Error(err)
				continue
			}
			if want, err := os.ReadFile(root(repo)); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s in the image differs from the repository's %s (%v)", path, repo, err)
			}
		}
		bin := filepath.Join(dir, imageBinary)
		releaseStatic(t, bin)
		// No CA bundle in the image: the binary must carry its own roots.
		info, err := buildinfo.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		const fallback = "golang.org/x/crypto/x509roots/fallback"
		if !slices.ContainsFunc(info.Deps, func(m *debug.Module) bool { return m.Path == fallback }) {
			t.Errorf("the image's binary does not include %s: HTTPS fetches would find no root certificates", fallback)
		}
	})

	t.Run("bundled configuration", func(t *testing.T) {
		args := append(append(append([]string{}, cfg.Config.Entrypoint...), cfg.Config.Cmd...), "--config.check")
		code, stdout, stderr := runOnce(t, b.path, b.args(append([]string{"run", "--isolation", "chroot", ctr, "--"}, args...)...)...)
		if code != 0 || !strings.Contains(stdout, imageConfig+": configuration OK") {
			t.Errorf("--config.check in the image: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
		}
	})

	t.Run("serve", func(t *testing.T) {
		up, _ := newFixtureUpstream(t)
		dir := t.TempDir()
		cfgPath := filepath.Join(dir, "statuspage_exporter.yml")
		writeFile(t, cfgPath, pagesConfig(up, "alpha", "broken"))
		// The exporter runs as nobody and reads the file through the mount.
		if err := os.Chmod(cfgPath, 0o644); err != nil {
			t.Fatal(err)
		}
		// The image's entrypoint and command, with our configuration
		// mounted where the command looks, as the README shows.
		cmd := append(append([]string{}, cfg.Config.Entrypoint...), cfg.Config.Cmd...)
		p := launch(t, launchOptions{
			bin: b.path,
			args: func(addr string) []string {
				return b.args(append([]string{
					"run", "--isolation", "chroot", "--network", "host",
					"--volume", cfgPath + ":" + imageConfig + ":ro",
					ctr, "--",
				}, append(cmd, "--web.listen-address="+addr, "--log.level=debug")...)...)
			},
			ready:   "/-/healthy",
			readyOK: true,
			// The first run of a container sets up its root file system.
			startWait: 30 * time.Second,
		})
		body := p.get(t, "/metrics", http.StatusOK)
		wantLine(t, "/metrics", body, `statuspage_up{page="alpha"} 1`)
		wantLine(t, "/metrics", body, `statuspage_up{page="broken"} 0`)
		if !regexp.MustCompile(`(?m)^statuspage_exporter_build_info\{.*version="` + regexp.QuoteMeta(cfg.Config.Labels["org.opencontainers.image.version"]) + `".*\} 1$`).MatchString(body) {
			t.Errorf("/metrics has no build info with the image's version:\n%s", short(body))
		}
		probe := p.get(t, "/probe?target=alpha", http.StatusOK)
		wantLine(t, "/probe", probe, `statuspage_up{page="alpha"} 1`)
		uid, gid := processIDs(t, imageBinary, "--web.listen-address="+p.addr)
		if got := uid + ":" + gid; got != imageUser {
			t.Errorf("the exporter in the container runs as %s, want %s", got, imageUser)
		}
		p.checkAlive(t)
	})
}

// buildah runs buildah as root with the storage driver `make image` used.
type buildah struct {
	path   string
	driver string
}

func newBuildah(tb testing.TB) *buildah {
	tb.Helper()
	path := tool(tb, "buildah", "buildah")
	if os.Geteuid() != 0 {
		missing(tb, "buildah with chroot isolation needs root")
	}
	// As in the Makefile; buildah reads STORAGE_DRIVER too.
	return &buildah{path: path, driver: cmp.Or(os.Getenv("STORAGE_DRIVER"), "vfs")}
}

func (b *buildah) args(args ...string) []string {
	return append([]string{"--storage-driver", b.driver}, args...)
}

// run runs a buildah command to its end and returns its standard output.
func (b *buildah) run(tb testing.TB, args ...string) string {
	tb.Helper()
	code, stdout, stderr := runOnce(tb, b.path, b.args(args...)...)
	if code != 0 {
		tb.Fatalf("buildah %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return strings.TrimSpace(stdout)
}

// ociImage is the part of an OCI image configuration the test reads.
type ociImage struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Config       struct {
		User         string              `json:"User"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		Labels       map[string]string   `json:"Labels"`
	} `json:"config"`
}

func (b *buildah) imageConfig(tb testing.TB, image string) ociImage {
	tb.Helper()
	var out struct {
		OCIv1 ociImage `json:"OCIv1"`
	}
	raw := b.run(tb, "inspect", "--type", "image", image)
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		tb.Fatalf("buildah inspect %s: %v", image, err)
	}
	tb.Logf("image %s: user %s, entrypoint %q, cmd %q, ports %v, labels %v", image,
		out.OCIv1.Config.User, out.OCIv1.Config.Entrypoint, out.OCIv1.Config.Cmd,
		slices.Sorted(maps.Keys(out.OCIv1.Config.ExposedPorts)), out.OCIv1.Config.Labels)
	return out.OCIv1
}

// container makes a working container of image, removed when the test
// ends.
func (b *buildah) container(tb testing.TB, image string) string {
	tb.Helper()
	name := fmt.Sprintf("statuspage-exporter-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())
	b.run(tb, "from", "--pull-never", "--name", name, image)
	tb.Cleanup(func() {
		if code, _, stderr := runOnce(tb, b.path, b.args("rm", name)...); code != 0 {
			tb.Errorf("buildah rm %s: exit %d\n%s", name, code, stderr)
		}
	})
	return name
}

// mount returns the directory of ctr's root file system, unmounted when
// the test ends.
func (b *buildah) mount(tb testing.TB, ctr string) string {
	tb.Helper()
	dir := b.run(tb, "mount", ctr)
	tb.Cleanup(func() { runOnce(tb, b.path, b.args("umount", ctr)...) })
	return dir
}

// processIDs returns the user and group ids of the process whose
// command line starts with bin and has arg, as /proc shows them.
func processIDs(tb testing.TB, bin, arg string) (uid, gid string) {
	tb.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		tb.Fatal(err)
	}
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, "cmdline"))
		if err != nil {
			continue // gone, or not ours to read
		}
		argv := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		if argv[0] != bin || !slices.Contains(argv, arg) {
			continue
		}
		f, err := os.Open(filepath.Join(dir, "status"))
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			key, rest, _ := strings.Cut(sc.Text(), ":")
			if fields := strings.Fields(rest); len(fields) > 0 && (key == "Uid" || key == "Gid") {
				// Real, effective, saved and file system ids: all the same.
				if _, err := strconv.Atoi(fields[0]); err != nil || slices.ContainsFunc(fields, func(f string) bool { return f != fields[0] }) {
					tb.Fatalf("%s/status: %s", dir, sc.Text())
				}
				if key == "Uid" {
					uid = fields[0]
				} else {
					gid = fields[0]
				}
			}
		}
		return uid, gid
	}
	tb.Fatalf("no process %s with %s", bin, arg)
	return "", ""
}
