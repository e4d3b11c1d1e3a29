package collector_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// TestGCPGolden: the Google Cloud incidents feeds of testdata/providers/gcp
// (current and legacy formats, allow-lists, a component filter, notices,
// unknown codes, an empty feed) as the exporter serves them.
func TestGCPGolden(t *testing.T) {
	t.Parallel()
	providerGolden(t, "gcp")
}

// gcpCounts is what a reader of a feed expects, counted with python from
// the capture (see TestGCPConformance), not from our output.
type gcpCounts struct {
	components, incidents, affected int
	major, partial                  int // components by status
	none, majorImpact, critical     int // incidents by impact
	indicator                       string
	updated                         float64 // page updated: the newest modified of the feed
}

// TestGCPConformance decodes the real captures of the feed: both are the
// history of a healthy dashboard (every incident closed, two of them still
// saying SERVICE_DISRUPTION), so nothing is open; then the same documents
// with every end removed, which opens all their incidents in their real
// shapes. The expected figures come from
//
//	python3 -c 'import json; d=json.load(open(F)); print(len(d), sum(1 for i in d if i.get("end") in (None,"")))'
//
// for the closed feeds (incidents, open), and for the reopened ones from a
// script that takes each incident's products (affected_products, else
// service_key), the worst of SERVICE_OUTAGE/high major_outage,
// SERVICE_DISRUPTION/medium partial_outage, SERVICE_INFORMATION operational
// per product, and the impact none for SERVICE_INFORMATION, else severity
// low/medium/high minor/major/critical:
//
//	current 2022: incidents 157, components 60 (31 major_outage, 29 partial_outage),
//	              impacts 118 major, 20 critical, 19 none, 455 affected-component pairs
//	legacy 2020:  incidents 140, components 30 (6 major_outage, 24 partial_outage),
//	              impacts 129 major, 11 critical, 140 pairs
//
// and the newest modified with max(datetime.fromisoformat(...).timestamp()).
func TestGCPConformance(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(sharedFixtures(t), "providers")
	files := captures(t, filepath.Join("providers", "gcp-*.json"))
	type want struct{ closed, reopened gcpCounts }
	wants := map[string]want{
		"gcp-google-incidents-current-schema-all-closed-2022-07-01.json": {
			closed: gcpCounts{indicator: "none", updated: 1656703545},
			reopened: gcpCounts{components: 60, incidents: 157, affected: 455, major: 31, partial: 29,
				none: 19, majorImpact: 118, critical: 20, indicator: "critical", updated: 1656703545},
		},
		"gcp-google-incidents-legacy-schema-all-closed-2020-07-30.json": {
			closed: gcpCounts{indicator: "none", updated: 1596140220},
			reopened: gcpCounts{components: 30, incidents: 140, affected: 140, major: 6, partial: 24,
				majorImpact: 129, critical: 11, indicator: "critical", updated: 1596140220},
		},
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel()
			w, ok := wants[name]
			if !ok {
				t.Fatalf("no expected counts for %s: add them to the table", name)
			}
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := gcpCount(t, body); got != w.closed {
				t.Errorf("as captured:\n got %+v\nwant %+v", got, w.closed)
			}
			if got := gcpCount(t, reopenAll(t, body)); got != w.reopened {
				t.Errorf("every end removed:\n got %+v\nwant %+v", got, w.reopened)
			}
		})
	}
	for name := range wants {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s is in the table but not in %s", name, dir)
		}
	}
}

// reopenAll removes the end of every incident of a feed.
func reopenAll(t *testing.T, body []byte) []byte {
	t.Helper()
	var feed []map[string]json.RawMessage
	if err := json.Unmarshal(body, &feed); err != nil {
		t.Fatal(err)
	}
	for _, in := range feed {
		delete(in, "end")
	}
	b, err := json.Marshal(feed)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gcpCount serves body as a gcp page with no allow-lists and counts what
// the exporter makes of it, checking it is clean.
func gcpCount(t *testing.T, body []byte) gcpCounts {
	t.Helper()
	target := providerTarget(t, "gcp", "capture", "")
	s, err := decodeProvider(t, target, body)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	mfs := translateCapture(t, s)
	status := func(v string) int {
		return distinct(mfs, "statuspage_component_status", "component_id", func(ls map[string]string) bool {
			return ls["status"] == v && value(mfs, "statuspage_component_status", ls) == 1
		})
	}
	impact := func(v string) int {
		return distinct(mfs, "statuspage_incident_impact", "incident_id", func(ls map[string]string) bool {
			return ls["impact"] == v && value(mfs, "statuspage_incident_impact", ls) == 1
		})
	}
	got := gcpCounts{
		components:  distinct(mfs, "statuspage_component_status", "component_id", nil),
		incidents:   len(series(mfs, "statuspage_incident_info")),
		affected:    len(series(mfs, "statuspage_incident_affected_component_info")),
		major:       status("major_outage"),
		partial:     status("partial_outage"),
		none:        impact("none"),
		majorImpact: impact("major"),
		critical:    impact("critical"),
		indicator:   currentState(mfs, "statuspage_page_status", "indicator"),
	}
	for _, mf := range mfs {
		if mf.GetName() == "statuspage_page_updated_timestamp_seconds" && len(mf.GetMetric()) == 1 {
			got.updated = mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	if n := len(series(mfs, "statuspage_component_updated_timestamp_seconds")); n != got.components {
		t.Errorf("%d components with an updated time, %d with a status", n, got.components)
	}
	return got
}

// value returns the value of the series of name with exactly the labels ls.
func value(mfs []*dto.MetricFamily, name string, ls map[string]string) float64 {
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(ls) {
				continue
			}
			same := true
			for _, lp := range m.GetLabel() {
				same = same && ls[lp.GetName()] == lp.GetValue()
			}
			if same {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}
