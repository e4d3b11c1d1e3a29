//go:build unix

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sync"
	"testing"
)

// builds holds the binaries built in this test run, with and without the
// race detector, in one directory that TestMain removes.
var builds struct {
	mu   sync.Mutex
	dir  string
	path map[bool]string
	err  map[bool]error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// root is the repository's root, relative to this package's directory,
// where `go test` runs its tests.
func root(elem ...string) string {
	return filepath.Join(append([]string{".."}, elem...)...)
}

// binary is the exporter the tests run: built with the race detector when
// the tests have it, so that races in the real process surface (as exit
// code 66 and a report in its output).
func binary(tb testing.TB) string {
	tb.Helper()
	return build(tb, raceEnabled())
}

// build builds the module's root package once per test run, with the race
// detector or, without it, as `make build` does (.promu.yml: -trimpath,
// -s -w), and returns the binary's path.
func build(tb testing.TB, race bool) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and runs the binary; skipped with -short")
	}
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.path == nil {
		builds.path, builds.err = map[bool]string{}, map[bool]error{}
	}
	if p, ok := builds.path[race]; ok {
		return p
	}
	if err, ok := builds.err[race]; ok {
		tb.Fatalf("building the binary: %v", err)
	}
	p, err := goBuild(race)
	if err != nil {
		builds.err[race] = err
		tb.Fatalf("building the binary: %v", err)
	}
	builds.path[race] = p
	return p
}

func goBuild(race bool) (string, error) {
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "statuspage_exporter-e2e")
		if err != nil {
			return "", err
		}
		builds.dir = dir
	}
	name, args := "statuspage_exporter", []string{"-trimpath", "-ldflags=-s -w"}
	if race {
		name, args = "statuspage_exporter-race", []string{"-race"}
	}
	bin := filepath.Join(builds.dir, name)
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, args...), ".")...)
	cmd.Dir = root()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// raceEnabled reports whether the tests run with the race detector.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return true
			}
		}
	}
	return false
}
