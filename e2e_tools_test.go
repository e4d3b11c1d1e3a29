//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// e2eInCI reports whether the tests run in CI (CI=true, as .ci/run sets).
func e2eInCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// e2eMissing skips the test for a missing prerequisite, except in CI, where
// a missing install step must fail the run instead of turning it green.
func e2eMissing(t *testing.T, why string) {
	t.Helper()
	if e2eInCI() {
		t.Fatalf("%s (CI=true: .ci/run must provide it)", why)
	}
	t.Skip(why)
}

// e2eTool returns the path of an external program the test needs.
func e2eTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		e2eMissing(t, fmt.Sprintf("%s is not on PATH (Debian package %s)", name, pkg))
	}
	return path
}
