package statuspage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// slackTarget is a Slack page without settings.
func slackTarget() *Target { return &Target{provider: providers[config.ProviderSlack]} }

// decodeSlackDoc decodes body as a Slack page's fetch would, served as
// application/json.
func decodeSlackDoc(t *testing.T, body string) (*Summary, error) {
	t.Helper()
	return slackTarget().DecodeDocuments([][]byte{[]byte(body)}, []string{"application/json"})
}

// slackDoc is a current document holding the items.
func slackDoc(items ...string) string {
	return `{"status":"active","date_updated":"2026-03-10T10:00:00-08:00","active_incidents":[` + strings.Join(items, ",") + `]}`
}

// componentStatus returns the status of the component with id, "" when
// there is none.
func componentStatus(s *Summary, id string) string {
	for _, c := range s.Components {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

// TestDecodeSlackMapping: each type and status of an item gives the
// incident or maintenance, impact and component status of the mapping in
// decodeSlack's comment; closed items give nothing.
func TestDecodeSlackMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ, status string
		// kind is "incident", "maintenance" or "" (left out).
		kind, itemStatus, impact, component string
	}{
		{"incident", "active", "incident", "active", "minor", "partial_outage"},
		{"outage", "active", "incident", "active", "major", "major_outage"},
		{"notice", "active", "incident", "active", "none", "degraded_performance"},
		{"Outage", "ACTIVE", "incident", "active", "major", "major_outage"},
		{"incident", "resolved", "", "", "", "operational"},
		{"outage", "Resolved", "", "", "", "operational"},
		{"incident", "completed", "", "", "", "operational"},
		{"incident", "cancelled", "", "", "", "operational"},
		{"incident", "canceled", "", "", "", "operational"},
		{"incident", "scheduled", "maintenance", "scheduled", "", "operational"},
		{"outage", "scheduled", "maintenance", "scheduled", "", "operational"},
		{"maintenance", "scheduled", "maintenance", "scheduled", "", "operational"},
		{"maintenance", "active", "maintenance", "in_progress", "", "under_maintenance"},
		{"Scheduled Maintenance", "in progress", "maintenance", "in_progress", "", "under_maintenance"},
		{"maintenance", "paused", "maintenance", "paused", "", "operational"},
		{"maintenance", "completed", "", "", "", "operational"},
		// Unknown codes are kept as they are, never read as operational.
		{"degradation", "active", "incident", "active", "degradation", "degradation"},
		{"incident", "Under Review", "incident", "under_review", "minor", "partial_outage"},
		{"incident", "monitoring", "incident", "monitoring", "minor", "partial_outage"},
		// What is missing stays missing: the item is open (it is in
		// active_incidents) but says neither how bad nor where it stands.
		{"", "", "incident", "", "", "operational"},
		{"incident", "", "incident", "", "minor", "partial_outage"},
	} {
		t.Run(tc.typ+"/"+tc.status, func(t *testing.T) {
			t.Parallel()
			item := fmt.Sprintf(`{"id":7,"title":"x","type":%q,"status":%q,"url":"https://slack-status.example/7","services":["Search"]}`, tc.typ, tc.status)
			s, err := decodeSlackDoc(t, slackDoc(item))
			if err != nil {
				t.Fatal(err)
			}
			switch tc.kind {
			case "incident":
				if len(s.Incidents) != 1 || len(s.ScheduledMaintenances) != 0 {
					t.Fatalf("%d incidents, %d maintenances; want the incident", len(s.Incidents), len(s.ScheduledMaintenances))
				}
				in := s.Incidents[0]
				if in.Status != tc.itemStatus || in.Impact != tc.impact {
					t.Errorf("incident status %q impact %q, want %q %q", in.Status, in.Impact, tc.itemStatus, tc.impact)
				}
			case "maintenance":
				if len(s.ScheduledMaintenances) != 1 || len(s.Incidents) != 0 {
					t.Fatalf("%d incidents, %d maintenances; want the maintenance", len(s.Incidents), len(s.ScheduledMaintenances))
				}
				if m := s.ScheduledMaintenances[0]; m.Status != tc.itemStatus {
					t.Errorf("maintenance status %q, want %q", m.Status, tc.itemStatus)
				}
			default:
				if len(s.Incidents)+len(s.ScheduledMaintenances) != 0 {
					t.Errorf("a closed item is open: %+v %+v", s.Incidents, s.ScheduledMaintenances)
				}
			}
			if got := componentStatus(s, "Search"); got != tc.component {
				t.Errorf("Search is %q, want %q", got, tc.component)
			}
		})
	}
}

// TestDecodeSlackFields: every field of an item lands where the mapping
// says, with the local offsets of Slack's times read as the instants they
// name.
func TestDecodeSlackFields(t *testing.T) {
	t.Parallel()
	s, err := decodeSlackDoc(t, `{"status":"active","date_created":"2026-03-10T07:00:00-08:00","date_updated":"2026-03-10T09:30:00-08:00",
		"active_incidents":[{"id":2417,"date_created":"2026-07-01T09:41:07-07:00","date_updated":"2026-07-01T10:12:55-07:00",
		"title":"Threads are slow","type":"incident","status":"active","url":"https://slack-status.example/2026-07/ab",
		"services":["Messaging"," Files "],"notes":[{"date_created":"2026-07-01T10:12:55-07:00","body":"a\r\nb"}]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Derive || s.Status.Indicator != "minor" {
		t.Errorf("Derive %v, indicator %q; want the indicator derived: minor", s.Derive, s.Status.Indicator)
	}
	if want := time.Date(2026, 3, 10, 17, 30, 0, 0, time.UTC); !s.Page.UpdatedAt.Equal(want) {
		t.Errorf("page updated %v, want %v", s.Page.UpdatedAt, want)
	}
	if s.Page.ID != "" || s.Page.Name != "" || s.Page.URL != "" {
		t.Errorf("page %+v: Slack gives no id, name or url", s.Page)
	}
	in := s.Incidents[0]
	want := Incident{
		ID: "2417", Name: "Threads are slow", Status: "active", Impact: "minor",
		Shortlink:  "https://slack-status.example/2026-07/ab",
		Components: []AffectedComponent{{ID: "Messaging", Name: "Messaging"}, {ID: "Files", Name: "Files"}},
	}
	if in.ID != want.ID || in.Name != want.Name || in.Status != want.Status || in.Impact != want.Impact ||
		in.Shortlink != want.Shortlink || fmt.Sprint(in.Components) != fmt.Sprint(want.Components) {
		t.Errorf("incident\n got %+v\nwant %+v", in, want)
	}
	if started := time.Date(2026, 7, 1, 16, 41, 7, 0, time.UTC); !in.Started().Equal(started) {
		t.Errorf("started %v, want %v", in.Started(), started)
	}
	if updated := time.Date(2026, 7, 1, 17, 12, 55, 0, time.UTC); !in.UpdatedAt.Equal(updated) {
		t.Errorf("updated %v, want %v", in.UpdatedAt, updated)
	}
	if len(s.Components) != len(slackServices) {
		t.Errorf("%d components, want the %d known services", len(s.Components), len(slackServices))
	}
	for _, c := range s.Components {
		if c.Group || c.GroupID != "" || !c.UpdatedAt.IsZero() || c.ID != c.Name {
			t.Errorf("component %+v: want id = name, no group, no updated time", c)
		}
	}
}

// TestSlackServices: the known services are distinct, so their ids are.
func TestSlackServices(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, name := range slackServices {
		if name == "" || seen[name] || strings.TrimSpace(name) != name {
			t.Errorf("service %q is empty, repeated or padded", name)
		}
		seen[name] = true
	}
	if len(slackServices) != 14 {
		t.Errorf("%d known services, want 14", len(slackServices))
	}
}

// TestDecodeSlackWorstWins: a service named by several open items takes
// the worst of their effects, whatever their order; a service Slack names
// that the known list lacks becomes a component after the known ones.
func TestDecodeSlackWorstWins(t *testing.T) {
	t.Parallel()
	items := []string{
		`{"id":1,"type":"notice","status":"active","services":["Messaging","Calls","Connections"]}`,
		`{"id":2,"type":"outage","status":"active","services":["Messaging"]}`,
		`{"id":3,"type":"incident","status":"active","services":["Messaging","Calls","Connections"]}`,
		`{"id":4,"type":"maintenance","status":"active","services":["Calls","Files","Connections"]}`,
		`{"id":5,"type":"surprise","status":"active","services":["Files","Huddles"]}`,
		`{"id":6,"type":"outage","status":"resolved","services":["Files","Huddles"]}`,
	}
	want := map[string]string{
		"Messaging":   "major_outage",
		"Calls":       "partial_outage",
		"Connections": "partial_outage",
		"Files":       "surprise", // unknown ranks above maintenance and degraded
		"Huddles":     "surprise",
		"Search":      "operational",
	}
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {2, 0, 4, 1, 5, 3}} {
		var doc []string
		for _, i := range order {
			doc = append(doc, items[i])
		}
		s, err := decodeSlackDoc(t, slackDoc(doc...))
		if err != nil {
			t.Fatal(err)
		}
		for id, status := range want {
			if got := componentStatus(s, id); got != status {
				t.Errorf("order %v: %s is %q, want %q", order, id, got, status)
			}
		}
		if n, last := len(s.Components), s.Components[len(s.Components)-1]; n != len(slackServices)+1 || last.ID != "Connections" {
			t.Errorf("order %v: %d components, the last %q; want the known ones and then Connections", order, n, last.ID)
		}
		if len(s.Incidents) != 4 || len(s.ScheduledMaintenances) != 1 || s.Status.Indicator != "major" {
			t.Errorf("order %v: %d incidents, %d maintenances, indicator %q; want 4, 1, major",
				order, len(s.Incidents), len(s.ScheduledMaintenances), s.Status.Indicator)
		}
	}
	// A maintenance in progress alone is what the page says.
	s, err := decodeSlackDoc(t, slackDoc(`{"id":4,"type":"maintenance","status":"active","services":["Files"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Status.Indicator != "maintenance" {
		t.Errorf("indicator %q, want maintenance", s.Status.Indicator)
	}
}

// TestDecodeSlackIDs: ids come as numbers or strings; an item without one
// gets a derived id that is never empty and never looks like Slack's.
func TestDecodeSlackIDs(t *testing.T) {
	t.Parallel()
	s, err := decodeSlackDoc(t, slackDoc(
		`{"id":756,"type":"incident","status":"active"}`,
		`{"id":"546","type":"incident","status":"active"}`,
		`{"id":12.5,"type":"incident","status":"active"}`,
		`{"id":true,"type":"incident","status":"active"}`,
		`{"id":null,"type":"incident","status":"active","url":"https://slack-status.example/2026-03/ff"}`,
		`{"id":{"x":1},"type":"incident","status":"active","title":"T","date_created":"2026-03-10T10:00:00-08:00"}`,
		`{"id":"  ","type":"incident","status":"active"}`,
		`{"type":"incident","status":"scheduled"}`,
	))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range s.Incidents {
		got = append(got, in.ID)
	}
	for _, m := range s.ScheduledMaintenances {
		got = append(got, m.ID)
	}
	want := []string{"756", "546", "12.5", "true", "url:https://slack-status.example/2026-03/ff",
		"created:2026-03-10T18:00:00Z T", "item:6", "item:7"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ids\n got %q\nwant %q", got, want)
	}
}

// TestDecodeSlackShape: documents that are not Slack's current document
// fail, saying what they look like; the shapes Slack answers are accepted.
func TestDecodeSlackShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, err string // err "" when accepted
	}{
		{"docs ok", `{"status":"ok","active_incidents": [],"date_created":"2018-09-07T18:34:15-07:00","date_updated":"2018-09-07T18:34:15-07:00"}`, ""},
		{"ok without list", `{"status":"ok","date_updated":"2026-03-10T10:00:00-08:00"}`, ""},
		{"OK without list", `{"status":" OK "}`, ""},
		{"list without status", `{"active_incidents":[]}`, ""},
		{"status of another type", `{"status":5,"active_incidents":[]}`, ""},
		{"unknown status", `{"status":"degraded","active_incidents":[]}`, ""},
		{"history", `[{"id":1,"title":"t","type":"incident","status":"resolved","services":[],"notes":[]}]`, "history endpoint"},
		{"other array", `[{"a":1}]`, "a JSON array, not an object"},
		{"array of numbers", `[1,2]`, "a JSON array, not an object"},
		{"empty array", `[]`, "looks like an empty JSON array"},
		{"empty object", `{}`, "no status text and no active_incidents"},
		{"null", `null`, "not a JSON object"},
		{"string", `"ok"`, "not a JSON object"},
		{"number", `200`, "not a JSON object"},
		{"empty", ``, "looks like an empty document"},
		{"html", `<html><body>Service Unavailable</body></html>`, "looks like HTML"},
		{"truncated", `{"status":"active","active_incidents":[{"id":1,`, "not a JSON object"},
		{"error object", `{"status":"error","message":"rate limited"}`, `status "error" without active_incidents`},
		{"active without list", `{"status":"active"}`, `status "active" without active_incidents`},
		// A page's text in an error is cut short: it is logged and shown.
		{"long status", `{"status":"` + strings.Repeat("x", 5000) + `"}`, `status "` + strings.Repeat("x", 40) + `…" without active_incidents`},
		{"active with null list", `{"status":"active","active_incidents":null}`, `without active_incidents`},
		{"status object", `{"status":{"indicator":"none"}}`, "no status text and no active_incidents"},
		// Slack's own shape, broken inside: the decoder's reason.
		{"list of another type", `{"status":"ok","active_incidents":{"id":1}}`, "not a Slack status document: active_incidents is not a list"},
		{"list as text", `{"status":"ok","active_incidents":"[]"}`, "not a Slack status document: active_incidents is not a list"},
		{"statuspage", `{"page":{"id":"x","name":"X"},"status":{"indicator":"none"},"components":[]}`, "looks like a Statuspage document"},
		{"statusio", `{"result":{"status_overall":{"status_code":100},"status":[]}}`, "looks like a status.io document"},
		{"instatus", `{"page":{"name":"X","status":"UP"}}`, "looks like an Instatus summary"},
		{"gcp", `[{"id":"a","external_desc":"x","affected_products":[]}]`, "looks like a Google Cloud incidents feed"},
		{"aws", `[{"arn":"arn:aws:health:us-east-1::event/x","service":"ec2"}]`, "looks like an AWS Health events list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := decodeSlackDoc(t, tc.body)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.err == "" && len(s.Components) != len(slackServices):
				t.Errorf("%d components, want the %d known services", len(s.Components), len(slackServices))
			case tc.err != "" && (err == nil || s != nil):
				t.Fatalf("accepted as %+v, %v; want an error saying %q", s, err, tc.err)
			case tc.err != "" && !strings.Contains(err.Error(), tc.err):
				t.Errorf("error %q does not say %q", err, tc.err)
			}
		})
	}
}

// TestDecodeSlackHostile: nulls, wrong types and invalid text anywhere in
// the items cost only the value concerned.
func TestDecodeSlackHostile(t *testing.T) {
	t.Parallel()
	body := `{"status":"active","date_created":null,"date_updated":{"x":1},"active_incidents":[
		null, "an item", 5, [1,2], true, {},
		{"id":1,"type":"outage","status":"active","title":null,"url":17,"services":null,"notes":"none","date_created":12345,"date_updated":"yesterday"},
		{"id":2,"type":["outage"],"status":{"x":1},"title":"T\r\n<b>bold</b>","services":"Messaging"},
		{"id":3,"type":"incident","status":"active","title":"bad INVALID text","services":[null, 5, "", "  ", "Search", "Search", "New INVALID", {"x":1}, ["Calls"]]},
		{"id":4,"type":null,"status":null,"services":["Calls"]}
	]}`
	s, err := decodeSlackDoc(t, strings.ReplaceAll(body, "INVALID", "\xff\xfe"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Page.UpdatedAt.IsZero() {
		t.Errorf("page updated %v from an object, want unknown", s.Page.UpdatedAt)
	}
	// {} and the items 1 to 4 are open; the other elements are not items.
	if len(s.Incidents) != 5 || len(s.ScheduledMaintenances) != 0 {
		t.Fatalf("%d incidents, %d maintenances; want 5 incidents", len(s.Incidents), len(s.ScheduledMaintenances))
	}
	one := s.Incidents[1]
	if one.ID != "1" || one.Name != "" || one.Shortlink != "17" || len(one.Components) != 0 || !one.Started().IsZero() || !one.UpdatedAt.IsZero() {
		t.Errorf("item 1: %+v", one)
	}
	if two := s.Incidents[2]; two.ID != "2" || two.Status != "" || two.Impact != "" || two.Name != "T\r\n<b>bold</b>" || len(two.Components) != 0 {
		t.Errorf("item 2: %+v", two)
	}
	three := s.Incidents[3]
	if !utf8.ValidString(three.Name) {
		t.Errorf("item 3's name is not valid UTF-8: %q", three.Name)
	}
	var names []string
	for _, c := range three.Components {
		names = append(names, c.ID)
	}
	if want := []string{"5", "Search", "Search", "New \uFFFD\uFFFD"}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("item 3 affects %q, want %q", names, want)
	}
	if got := componentStatus(s, "Search"); got != "partial_outage" {
		t.Errorf("Search is %q, want partial_outage", got)
	}
	// An item without a type names Calls but says nothing of how bad.
	if got := componentStatus(s, "Calls"); got != "operational" {
		t.Errorf("Calls is %q, want operational", got)
	}
	checkSlackInvariants(t, s)
}

// TestDecodeSlackLarge: 50,000 items, each naming its own service and a
// shared one, decode into 50,000 incidents and a component per service
// (the work is linear: one pass, map lookups).
func TestDecodeSlackLarge(t *testing.T) {
	t.Parallel()
	const n = 50000
	var b bytes.Buffer
	b.WriteString(`{"status":"active","active_incidents":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		typ := [...]string{"incident", "outage", "notice"}[i%3]
		fmt.Fprintf(&b, `{"id":%d,"title":"item %d","type":%q,"status":"active","services":["Messaging","Service %d"]}`, i, i, typ, i)
	}
	b.WriteString(`]}`)
	s, err := slackTarget().DecodeDocuments([][]byte{b.Bytes()}, []string{"application/json"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Incidents) != n || len(s.Components) != len(slackServices)+n {
		t.Fatalf("%d incidents, %d components; want %d and %d", len(s.Incidents), len(s.Components), n, len(slackServices)+n)
	}
	if got := componentStatus(s, "Messaging"); got != "major_outage" {
		t.Errorf("Messaging is %q, want major_outage", got)
	}
	if got := componentStatus(s, "Service 2"); got != "degraded_performance" {
		t.Errorf("Service 2 (a notice) is %q, want degraded_performance", got)
	}
	checkSlackInvariants(t, s)
}

// checkSlackInvariants asserts what any accepted document gives:
// components with unique non-empty ids and a status, incidents and
// maintenances with ids, affected components that are components, and an
// indicator derived from them.
func checkSlackInvariants(t testing.TB, s *Summary) {
	t.Helper()
	checkModel(t, s)
	ids := make(map[string]bool, len(s.Components))
	for _, c := range s.Components {
		switch {
		case c.Status == "":
			t.Fatalf("component without a status: %+v", c)
		case c.Group || c.GroupID != "":
			t.Fatalf("component %q in a group", c.ID)
		}
		ids[c.ID] = true
	}
	check := func(kind, id string, cs []AffectedComponent) {
		for _, c := range cs {
			if !ids[c.ID] {
				t.Fatalf("%s %q affects %q, which is not a component", kind, id, c.ID)
			}
		}
	}
	for _, in := range s.Incidents {
		check("incident", in.ID, in.Components)
	}
	for _, m := range s.ScheduledMaintenances {
		check("maintenance", m.ID, m.Components)
	}
	if !s.Derive || s.Status.Indicator == "" {
		t.Fatalf("Derive %v, indicator %q: want a derived indicator", s.Derive, s.Status.Indicator)
	}
}

// FuzzSlackDecode: no body makes the Slack decoder panic; it returns a
// summary or an error, never both, and an accepted summary holds its
// invariants (checkSlackInvariants). Seeds are the golden documents;
// crashers are kept in testdata/fuzz/FuzzSlackDecode.
func FuzzSlackDecode(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "testdata", "providers", "slack", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds in testdata/providers/slack")
	}
	for _, path := range seeds {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"id":1,"type":"incident","status":"resolved","services":["Messaging"],"notes":[]}]`))
	f.Add([]byte(slackDoc(`{"type":"maintenance","status":"active","services":["Files",""," x "]}`, `null`, `{"id":{}}`)))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := slackTarget().DecodeDocuments([][]byte{body}, []string{"application/json"})
		switch {
		case err != nil && s != nil:
			t.Fatalf("a summary together with error %v", err)
		case err == nil && s == nil:
			t.Fatal("neither a summary nor an error")
		case err == nil:
			checkSlackInvariants(t, s)
		}
	})
}
