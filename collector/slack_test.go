package collector_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// TestSlackGolden: what the exporter serves for each document in
// testdata/providers/slack.
func TestSlackGolden(t *testing.T) {
	t.Parallel()
	providerGolden(t, config.ProviderSlack)
}

// slackCounts is what a reader of a Slack document expects, counted from
// the JSON: components (the 14 known services plus any other service an
// open item names), incidents and maintenances, the derived indicator, the
// number of components in each status and of incidents of each impact, and
// the affected-component series (distinct services per open item).
type slackCounts struct {
	components, incidents, maintenances int
	indicator                           string
	statuses, impacts                   map[string]int
	affected                            int
}

// The expected counts of the captures in fixtures/providers, computed
// with jq and python3 from the JSON, not from our output:
//
//	current docs example: jq '.active_incidents | length' → 0, status "ok".
//	history: jq 'length' → 116; jq '[.[].status] | unique' → ["resolved"];
//	  jq '[.[].type] | group_by(.) | map({(.[0]): length}) | add'
//	    → incident 105, notice 5, outage 6 (impacts minor 105, none 5, major 6);
//	  jq '[.[].services[]] | unique' → 10 services, "Connections" the only one
//	    outside the known 14 (so 15 components once items are open);
//	  jq '[.[] | .services | unique | length] | add' → 123 affected series;
//	  per service, the worst type naming it (outage > incident > notice), by
//	  python3 -c 'import json; d=json.load(open(F)); rank={"outage":3,
//	    "incident":2,"notice":1}; w={}; [w.__setitem__(s, max(w.get(s,0),
//	    rank[i["type"]])) for i in d for s in i["services"]]; print(w)'
//	    → outage on 7 services, incident on 3, none only a notice; the other
//	    5 of the 15 are named by nothing → operational.
var (
	slackCurrentOK = slackCounts{
		components: 14, indicator: "none",
		statuses: map[string]int{"operational": 14}, impacts: map[string]int{},
	}
	// The history's items in a current document, as they are: all
	// resolved, so nothing is open.
	slackHistoryResolved = slackCurrentOK
	// The history's items in a current document, each made active: the
	// real shapes of 116 items read as open ones.
	slackHistoryActive = slackCounts{
		components: 15, incidents: 116, indicator: "major",
		statuses: map[string]int{"major_outage": 7, "partial_outage": 3, "operational": 5},
		impacts:  map[string]int{"major": 6, "minor": 105, "none": 5},
		affected: 123,
	}
)

// TestSlackConformance reads the real captures: the documentation's "ok"
// answer, and the history document, which is refused as a page's document
// with an error that names it, and whose items, put in a current document,
// read as the counts above (once as they are, resolved, and once made
// active).
func TestSlackConformance(t *testing.T) {
	t.Parallel()
	files := captures(t, filepath.Join("providers", "slack-*.json"))
	found := 0
	for _, path := range files {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch name := filepath.Base(path); {
		case strings.Contains(name, "-current-"):
			found++
			t.Run(name, func(t *testing.T) { slackCheckCounts(t, body, slackCurrentOK) })
		case strings.Contains(name, "-history-"):
			found++
			t.Run(name, func(t *testing.T) {
				_, err := decodeProvider(t, providerTarget(t, config.ProviderSlack, "capture", ""), body)
				if err == nil || !strings.Contains(err.Error(), "history endpoint") || !strings.Contains(err.Error(), "/api/v2.0.0/current") {
					t.Errorf("the history document read as a current one: got error %v, want one that names the history endpoint", err)
				}
				var items []map[string]any
				if err := json.Unmarshal(body, &items); err != nil {
					t.Fatal(err)
				}
				t.Run("resolved", func(t *testing.T) { slackCheckCounts(t, slackCurrent(t, items), slackHistoryResolved) })
				for _, it := range items {
					it["status"] = "active"
				}
				t.Run("active", func(t *testing.T) { slackCheckCounts(t, slackCurrent(t, items), slackHistoryActive) })
			})
		default:
			t.Errorf("%s: no expectation for this capture", name)
		}
	}
	if found != 2 {
		t.Errorf("%d of the 2 Slack captures found", found)
	}
}

// slackCurrent is a current document holding items.
func slackCurrent(t *testing.T, items []map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"status": "active", "date_updated": "2019-08-26T15:32:23-07:00", "active_incidents": items})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// slackCheckCounts decodes body as a Slack page and compares what the
// exporter serves for it with want.
func slackCheckCounts(t *testing.T, body []byte, want slackCounts) {
	t.Helper()
	s, err := decodeProvider(t, providerTarget(t, config.ProviderSlack, "capture", ""), body)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	mfs := translateCapture(t, s)
	got := slackCounts{
		components:   distinct(mfs, "statuspage_component_status", "component_id", nil),
		incidents:    len(series(mfs, "statuspage_incident_info")),
		maintenances: len(series(mfs, "statuspage_maintenance_info")),
		indicator:    currentState(mfs, "statuspage_page_status", "indicator"),
		statuses:     currentStates(mfs, "statuspage_component_status", "status"),
		impacts:      currentStates(mfs, "statuspage_incident_impact", "impact"),
		affected:     len(series(mfs, "statuspage_incident_affected_component_info")),
	}
	if got.components != want.components || got.incidents != want.incidents || got.maintenances != want.maintenances ||
		got.indicator != want.indicator || got.affected != want.affected ||
		!maps.Equal(got.statuses, want.statuses) || !maps.Equal(got.impacts, want.impacts) {
		t.Errorf("counts:\n got %+v\nwant %+v", got, want)
	}
	if n := len(series(mfs, "statuspage_page_updated_timestamp_seconds")); n != 1 {
		t.Errorf("%d page updated series, want 1 (date_updated)", n)
	}
	// Slack gives no update time per service.
	if n := len(series(mfs, "statuspage_component_updated_timestamp_seconds")); n != 0 {
		t.Errorf("%d component updated series, want none", n)
	}
}
