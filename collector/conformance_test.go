package collector_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// sharedFixtures finds ../shared/fixtures beside the repository root. The
// root is found by its go.mod rather than assumed from the working directory,
// so the test still finds the folder if it moves to another package.
func sharedFixtures(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for range 32 { // deeper than any real checkout; ends the walk on odd filesystems
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			fixtures := filepath.Join(dir, "..", "shared", "fixtures")
			if fi, err := os.Stat(fixtures); err != nil || !fi.IsDir() {
				t.Skipf("no real captures at %s", fixtures)
			}
			return fixtures
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Skip("repository root (go.mod) not found")
	return ""
}

// captures returns the real captures that pattern matches under
// ../shared/fixtures, and skips the test when there are none.
func captures(t *testing.T, pattern string) []string {
	t.Helper()
	dir := sharedFixtures(t)
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no captures %s in %s", pattern, dir)
	}
	return files
}

// translateCapture is what the exporter serves for the decoded capture s,
// checked by checkClean.
func translateCapture(t *testing.T, s *statuspage.Summary) []*dto.MetricFamily {
	t.Helper()
	src := newFakeSource(t, map[string]result{"capture": freshResult(t, "capture", s)})
	return checkClean(t, collector.New(t.Context(), src, targets("capture"), testLogger(t)))
}

// conformanceCounts is what a reader of each capture expects, counted with
// jq/python from the JSON, not from our output: components are rows without
// group true (a repeated id once), grouped those of them with a group_id of a
// group on the page, groups the rows with group true.
type conformanceCounts struct {
	components, grouped, groups, incidents, maintenances int
	indicator                                            string // "" when the document has no status
}

var conformance = map[string]conformanceCounts{
	"github-active-incident-partial-outage-2022-11-25.json":                          {components: 11, incidents: 1, indicator: "minor"},
	"github-all-operational-compact-2019-12-30.json":                                 {components: 9, indicator: "none"},
	"github-maintenance-in-progress-2020-12-17.json":                                 {components: 9, maintenances: 1, indicator: "maintenance"},
	"github-major-outage-incident-2020-04-02.json":                                   {components: 9, incidents: 1, indicator: "major"},
	"github-minor-incident-multi-partial-outage-2020-05-22.json":                     {components: 9, incidents: 1, indicator: "minor"},
	"github-status-json-maintenance-2020-12-17.json":                                 {indicator: "maintenance"},
	"github-status-json-minor-2020-05-22.json":                                       {indicator: "minor"},
	"linode-group-partial-outage-components-json-2021-12-17.json":                    {components: 62, grouped: 58, groups: 6},
	"qualys-271-components-major-outage-maintenance-components-json-2021-12-01.json": {components: 259, grouped: 258, groups: 12},
	"reddit-unicode-name-groups-components-json-2021-12-02.json":                     {components: 45, grouped: 42, groups: 2},
}

// TestConformance translates real captures of public pages, including the
// components.json and status.json shapes that lack most keys.
func TestConformance(t *testing.T) {
	t.Parallel()
	dir := sharedFixtures(t)
	files := captures(t, "*.json")
	found := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		found[name] = true
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel()
			want, ok := conformance[name]
			if !ok {
				t.Errorf("no expected counts for %s: add them to the conformance table", name)
			}
			mfs := translateCapture(t, decodeFile(t, path))

			got := conformanceCounts{
				components: distinct(mfs, "statuspage_component_status", "component_id", nil),
				grouped: distinct(mfs, "statuspage_component_status", "component_id",
					func(ls map[string]string) bool { return ls["group"] != "" }),
				groups:       distinct(mfs, "statuspage_component_group_status", "group_id", nil),
				incidents:    len(series(mfs, "statuspage_incident_info")),
				maintenances: len(series(mfs, "statuspage_maintenance_info")),
				indicator:    currentState(mfs, "statuspage_page_status", "indicator"),
			}
			if ok && got != want {
				t.Errorf("counts:\n got %+v\nwant %+v", got, want)
			}
			if n := len(series(mfs, "statuspage_page_info")); n != 1 {
				t.Errorf("%d page_info series, want 1", n)
			}
			// A component without a status would have only its updated time;
			// real pages always send a status, so none may go missing here.
			if updated := len(series(mfs, "statuspage_component_updated_timestamp_seconds")); updated != got.components {
				t.Errorf("%d components with an updated time, %d with a status", updated, got.components)
			}
		})
	}
	for name := range conformance {
		if !found[name] {
			t.Errorf("%s is in the conformance table but not in %s", name, dir)
		}
	}
}

// currentState returns the state valued 1 in a state set with one object,
// "" when the family is absent.
func currentState(mfs []*dto.MetricFamily, name, state string) string {
	for s := range currentStates(mfs, name, state) {
		return s
	}
	return ""
}

// currentStates counts the objects of a state set by their current
// state.
func currentStates(mfs []*dto.MetricFamily, name, state string) map[string]int {
	counts := map[string]int{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetGauge().GetValue() != 1 {
				continue
			}
			for _, lp := range m.GetLabel() {
				if lp.GetName() == state {
					counts[lp.GetValue()]++
				}
			}
		}
	}
	return counts
}
