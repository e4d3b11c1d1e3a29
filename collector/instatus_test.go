package collector_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstatusGolden: what the exporter serves for each Instatus case in
// testdata/providers/instatus (a case without a .components.json is an
// older page whose components document answered 404).
func TestInstatusGolden(t *testing.T) {
	t.Parallel()
	providerGolden(t, "instatus")
}

// instatusConformance is what a reader of each capture expects, counted
// from the JSON, not from our output:
//
//	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
//	  print(d["page"]["status"],
//	    [i["impact"] for i in d.get("activeIncidents",[]) if i["status"]!="RESOLVED"],
//	    len([m for m in d.get("activeMaintenances",[]) if m["status"]!="COMPLETED"]),
//	    [x["url"].rstrip("/").rsplit("/",1)[1] for x in d.get("activeIncidents",[])+d.get("activeMaintenances",[])])' <capture>
//
// HASISSUES is derived: no components document, so the worst open
// incident's impact (MAJOROUTAGE: critical). The times are
// datetime.strptime(s without " (…)", "%a %b %d %Y %H:%M:%S GMT%z").timestamp(),
// the end plus 60 * float(duration).
var instatusConformance = map[string]struct {
	incidents, maintenances   int
	indicator                 string
	incidentID, maintenanceID string
	started, start, end       int64
}{
	"instatus-instatus-summary-docs-example-hasissues-incident-maintenance-2022-06-11.json": {
		incidents: 1, maintenances: 1, indicator: "critical",
		incidentID: "cl4a8n3070721qtmzvts760c4", maintenanceID: "cl4a8nlv50918qtmzdlw60ivu",
		started: 1654973750, start: 1654973754, end: 1654977354,
	},
}

// TestInstatusConformance reads the real Instatus documents in the shared
// captures. Only the documentation's example of summary.json exists, and
// no components document: it is read as an older page's (docs[1] nil).
func TestInstatusConformance(t *testing.T) {
	t.Parallel()
	files := captures(t, filepath.Join("providers", "instatus-*.json"))
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel()
			want, ok := instatusConformance[name]
			if !ok {
				t.Fatalf("no expected counts for %s: add them to instatusConformance", name)
			}
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := decodeProvider(t, providerTarget(t, "instatus", "capture", ""), body, nil)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			mfs := translateCapture(t, s)
			if n := distinct(mfs, "statuspage_component_status", "component_id", nil); n != 0 {
				t.Errorf("%d components, want none without a components document", n)
			}
			if n := len(series(mfs, "statuspage_incident_info")); n != want.incidents {
				t.Errorf("%d incidents, want %d", n, want.incidents)
			}
			if n := len(series(mfs, "statuspage_maintenance_info")); n != want.maintenances {
				t.Errorf("%d maintenances, want %d", n, want.maintenances)
			}
			if got := currentState(mfs, "statuspage_page_status", "indicator"); got != want.indicator {
				t.Errorf("indicator %q, want %q", got, want.indicator)
			}
			if got := distinct(mfs, "statuspage_incident_info", "incident_id", func(ls map[string]string) bool {
				return ls["incident_id"] == want.incidentID
			}); got != 1 {
				t.Errorf("no incident with id %s", want.incidentID)
			}
			if got := distinct(mfs, "statuspage_maintenance_info", "maintenance_id", func(ls map[string]string) bool {
				return ls["maintenance_id"] == want.maintenanceID
			}); got != 1 {
				t.Errorf("no maintenance with id %s", want.maintenanceID)
			}
			if got := s.Incidents[0].StartedAt.Unix(); got != want.started {
				t.Errorf("incident started %d, want %d", got, want.started)
			}
			m := s.ScheduledMaintenances[0]
			if got := m.ScheduledFor.Unix(); got != want.start {
				t.Errorf("maintenance start %d, want %d", got, want.start)
			}
			if got := m.ScheduledUntil.Unix(); got != want.end {
				t.Errorf("maintenance end %d, want %d", got, want.end)
			}
		})
	}
}
