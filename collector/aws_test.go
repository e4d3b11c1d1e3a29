package collector_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

func TestAWSGolden(t *testing.T) {
	t.Parallel()
	providerGolden(t, config.ProviderAWS)
}

// awsCounts is what a reader of an AWS capture expects, counted with
// python3 from the JSON: open events (no end_time and a status other than
// "0"), their impacted services in the allowed region, those with a group
// label, and the page indicator derived from them.
type awsCounts struct {
	components, grouped, incidents int
	indicator                      string
}

// TestAWSConformance translates the real AWS captures. The only one is an
// archived event that is already resolved (status "0" and end_time set), so
// nothing is open; the same event edited in memory shows what it would have
// made while open. The counts come from (in ../shared/fixtures/providers):
//
//	python3 -c 'import json,glob
//	for f in glob.glob("aws-*.json"):
//	    evs = json.load(open(f))
//	    def count(evs):
//	        op = [e for e in evs if not e.get("end_time") and str(e.get("status")) != "0"]
//	        keys = {k for e in op for k in e.get("impacted_services", {}) if k.endswith("-us-west-2")}
//	        return len(op), len(keys)
//	    a = [dict(e) for e in evs]; [e.pop("end_time") for e in a]
//	    b = [dict(e, status="1") for e in a]
//	    print(count(evs), count(a), count(b), [s["current"] for e in b for s in e["impacted_services"].values()])'
//
// which prints (0, 0) (0, 0) (1, 3) ['0', '0', '0']: current 0 is
// operational, status 1 is impact none, so the indicator is none.
func TestAWSConformance(t *testing.T) {
	t.Parallel()
	files := captures(t, filepath.Join("providers", "aws-*.json"))
	want := map[string]map[string]awsCounts{
		"aws-amazon-currentevents-resolved-internet-connectivity-us-west-2-2023-03-13.json": {
			"as captured": {indicator: "none"},
			// status "0" alone still says resolved.
			"without end_time":           {indicator: "none"},
			"without end_time, status 1": {components: 3, grouped: 3, incidents: 1, indicator: "none"},
		},
	}
	for _, path := range files {
		name := filepath.Base(path)
		cases, ok := want[name]
		if !ok {
			t.Errorf("no expected counts for %s", name)
			continue
		}
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for edit, want := range cases {
			t.Run(name+"/"+edit, func(t *testing.T) {
				t.Parallel()
				doc := editAWSEvents(t, body, edit)
				target := providerTarget(t, config.ProviderAWS, "capture", "aws:\n  regions: [us-west-2]\n")
				s, err := decodeProvider(t, target, doc)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				mfs := translateCapture(t, s)
				got := awsCounts{
					components: distinct(mfs, "statuspage_component_status", "component_id", nil),
					grouped: distinct(mfs, "statuspage_component_status", "component_id",
						func(ls map[string]string) bool { return ls["group"] == "us-west-2" }),
					incidents: len(series(mfs, "statuspage_incident_info")),
					indicator: currentState(mfs, "statuspage_page_status", "indicator"),
				}
				if got != want {
					t.Errorf("counts:\n got %+v\nwant %+v", got, want)
				}
				// AWS has no maintenances, no group status, no component
				// update times and no incident lifecycle: those stay absent.
				for _, family := range []string{"statuspage_maintenance_info", "statuspage_component_group_status",
					"statuspage_component_updated_timestamp_seconds", "statuspage_incident_status"} {
					if n := len(series(mfs, family)); n != 0 {
						t.Errorf("%d %s series, want none", n, family)
					}
				}
				if got.incidents > 0 {
					for _, ls := range series(mfs, "statuspage_incident_affected_component_info") {
						if ls["component_id"] == "" {
							t.Errorf("affected component without id: %v", ls)
						}
					}
				}
			})
		}
	}
}

// editAWSEvents returns the capture body with the named in-memory edit
// applied to every event (the file stays as it is).
func editAWSEvents(t *testing.T, body []byte, edit string) []byte {
	t.Helper()
	if edit == "as captured" {
		return body
	}
	var events []map[string]any
	if err := json.Unmarshal(body, &events); err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		delete(e, "end_time")
		if edit == "without end_time, status 1" {
			e["status"] = "1"
		}
	}
	b, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
