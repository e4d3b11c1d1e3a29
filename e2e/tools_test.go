//go:build unix

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// inCI reports whether the tests run in CI (CI=true, as .ci/run sets).
func inCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// missing skips the test for a missing prerequisite, except in CI, where a
// missing install step must fail the run instead of turning it green.
func missing(tb testing.TB, why string) {
	tb.Helper()
	if inCI() {
		tb.Fatalf("%s (CI=true: .ci/run must provide it)", why)
	}
	tb.Skip(why)
}

// tool returns the path of an outside program the test needs.
func tool(tb testing.TB, name, pkg string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(tb, fmt.Sprintf("%s is not on PATH (Debian package %s)", name, pkg))
	}
	return path
}
