//go:build unix

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestExampleAlertRules runs promtool on examples/alerts.yml and on its unit
// tests, examples/alerts_test.yml.
func TestExampleAlertRules(t *testing.T) {
	t.Parallel()
	promtool := tool(t, "promtool", "prometheus")
	for _, args := range [][]string{
		{"check", "rules", "alerts.yml"},
		{"test", "rules", "alerts_test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = root("examples")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "SUCCESS") {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
