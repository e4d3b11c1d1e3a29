package collector_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// TestStatusioGolden: what the exporter serves for each status.io case in
// testdata/providers/statusio.
func TestStatusioGolden(t *testing.T) {
	t.Parallel()
	providerGolden(t, config.ProviderStatusio)
}

// statusioCounts is what a reader of a status.io capture expects: rows are
// component × container pairs, groups the distinct containers among them,
// degraded the rows whose container entry is not 100, affected the incident
// and maintenance rows (a listed component in a listed container).
type statusioCounts struct {
	rows, groups, degraded, incidents, maintenances, affected int
	indicator                                                 string
}

// statusioConformance was counted from the captures, not from our output:
//
//	python3 -c 'import json,glob
//	m={100:"none",200:"maintenance",300:"minor",400:"major",500:"critical",600:"critical"}
//	for f in sorted(glob.glob("statusio-*.json")):
//	  r=json.load(open(f))["result"]; ev=r["incidents"]+r["maintenance"]["active"]+r["maintenance"]["upcoming"]
//	  rows=[(c["id"],k["id"],k["status_code"]) for c in r["status"] for k in c["containers"]]
//	  print(f,len(rows),len({k for _,k,_ in rows}),sum(s!=100 for *_,s in rows),len(r["incidents"]),
//	    len(ev)-len(r["incidents"]),sum(len(e["components_affected"])*len(e["containers_affected"]) for e in ev),
//	    m[r["status_overall"]["status_code"]])'
//
// (each capture's events name one component in one container it runs in,
// so the product is the number of affected rows).
var statusioConformance = map[string]statusioCounts{
	"statusio-docker-partial-disruption-400-open-incident-2020-07-16.json": {
		rows: 8, groups: 1, degraded: 1, incidents: 1, affected: 1, indicator: "major"},
	"statusio-docs-example-operational-100-2016-01-29.json": {
		rows: 2, groups: 2, indicator: "none"},
	// The page says maintenance while an incident of status 400 is open.
	"statusio-gitlab-planned-maintenance-200-active-plus-open-400-incident-2020-09-05.json": {
		rows: 15, groups: 5, degraded: 1, incidents: 1, maintenances: 1, affected: 2, indicator: "maintenance"},
}

// TestStatusioConformance translates the real status.io captures.
func TestStatusioConformance(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(sharedFixtures(t), "providers")
	files := captures(t, filepath.Join("providers", "statusio-*.json"))
	found := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		found[name] = true
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel()
			want, ok := statusioConformance[name]
			if !ok {
				t.Errorf("no expected counts for %s: add them to the table", name)
			}
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := decodeProvider(t, providerTarget(t, config.ProviderStatusio, "capture", ""), body)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			mfs := translateCapture(t, s)
			got := statusioCounts{
				rows:   distinct(mfs, "statuspage_component_status", "component_id", nil),
				groups: distinct(mfs, "statuspage_component_status", "group", nil),
				degraded: currentCount(mfs, "statuspage_component_status",
					func(ls map[string]string) bool { return ls["status"] != "operational" }),
				incidents:    len(series(mfs, "statuspage_incident_info")),
				maintenances: len(series(mfs, "statuspage_maintenance_info")),
				affected: len(series(mfs, "statuspage_incident_affected_component_info")) +
					len(series(mfs, "statuspage_maintenance_affected_component_info")),
				indicator: currentState(mfs, "statuspage_page_status", "indicator"),
			}
			if ok && got != want {
				t.Errorf("counts:\n got %+v\nwant %+v", got, want)
			}
			// status.io rolls nothing up per container: no group series.
			if n := len(series(mfs, "statuspage_component_group_status")); n != 0 {
				t.Errorf("%d group status series, want none", n)
			}
			if updated := len(series(mfs, "statuspage_component_updated_timestamp_seconds")); updated != got.rows {
				t.Errorf("%d rows with an updated time, %d with a status", updated, got.rows)
			}
		})
	}
	for name := range statusioConformance {
		if !found[name] {
			t.Errorf("%s is in the table but not in %s", name, dir)
		}
	}
}

// currentCount counts the series of name valued 1 whose labels keep accepts.
func currentCount(mfs []*dto.MetricFamily, name string, keep func(map[string]string) bool) int {
	n := 0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			ls := map[string]string{}
			for _, lp := range m.GetLabel() {
				ls[lp.GetName()] = lp.GetValue()
			}
			if m.GetGauge().GetValue() == 1 && keep(ls) {
				n++
			}
		}
	}
	return n
}
