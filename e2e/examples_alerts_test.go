//go:build unix

package e2e

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestExampleRules runs promtool on the example rule files, which the mixin
// generates, and on their unit tests; and checks that the PrometheusRule of
// examples/kubernetes holds the same groups.
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

	t.Run("README shows the outage alert as generated", func(t *testing.T) {
		// Comments and spacing aside.
		norm := func(expr string) string {
			var b strings.Builder
			for _, l := range strings.Split(expr, "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
					b.WriteString(strings.Join(strings.Fields(l), " ") + " ")
				}
			}
			return b.String()
		}
		alerts := promAlerts(t, promRules(t, map[string]any{"rule_files": []any{"alerts.yml"}}))
		shown := ""
		for _, b := range mdParse(t, root("README.md"), nil) {
			if b.section == "Alerts" && b.lang == "promql" {
				shown = b.text
			}
		}
		if norm(shown) != norm(alerts["StatuspageComponentOutage"]) {
			t.Errorf("README.md, Alerts, shows\n%s\nbut examples/alerts.yml has\n%s", shown, alerts["StatuspageComponentOutage"])
		}
	})

	t.Run("PrometheusRule", func(t *testing.T) {
		obj := promLoadYAML(t, root("examples", "kubernetes", "prometheus-rule.yaml"))
		meta, _ := obj["metadata"].(map[string]any)
		if obj["apiVersion"] != "monitoring.coreos.com/v1" || obj["kind"] != "PrometheusRule" || meta["name"] != "statuspage-exporter" {
			t.Errorf("examples/kubernetes/prometheus-rule.yaml: %v %v %v, want the PrometheusRule statuspage-exporter of monitoring.coreos.com/v1",
				obj["apiVersion"], obj["kind"], meta["name"])
		}
		spec := promKey(t, "examples/kubernetes/prometheus-rule.yaml", obj, "spec")
		var want []any
		for _, file := range []string{"alerts.yml", "recording_rules.yml"} {
			groups, _ := promLoadYAML(t, root("examples", file))["groups"].([]any)
			want = append(want, groups...)
		}
		if !reflect.DeepEqual(spec["groups"], want) {
			t.Errorf("the PrometheusRule's groups are not those of alerts.yml and recording_rules.yml")
		}
		path := filepath.Join(t.TempDir(), "rules.yml")
		promWriteYAML(t, path, spec)
		if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
			t.Errorf("promtool check rules on the PrometheusRule's spec: %v\n%s", err, out)
		}
	})
}
