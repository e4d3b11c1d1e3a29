//go:build unix

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestExampleRules runs promtool on the example rule files, which the mixin
// generates, and on their unit tests.
func TestExampleRules(t *testing.T) {
	t.Parallel()
	promtool := tool(t, "promtool", "prometheus")
	for _, args := range [][]string{
		{"check", "rules", "alerts.yml", "recording_rules.yml"},
		{"test", "rules", "alerts_test.yml", "recording_rules_test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = root("examples")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "SUCCESS") {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
