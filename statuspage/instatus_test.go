package statuspage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// instatusTarget is a page of provider instatus without settings.
func instatusTarget() *Target {
	return &Target{Name: "instatus", provider: providers[config.ProviderInstatus]}
}

// decodeInstatusDocs reads a summary and a components document (nil: the
// page answered 404) as a fetch would, derived indicator included.
func decodeInstatusDocs(summary, components string, hasComponents bool) (*Summary, error) {
	docs := [][]byte{[]byte(summary), nil}
	if hasComponents {
		docs[1] = []byte(components)
	}
	return instatusTarget().DecodeDocuments(docs, []string{"application/json", "application/json"})
}

const instatusUp = `{"page":{"name":"P","url":"https://p.example","status":"UP"}}`

func TestInstatusPageIndicator(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status, want string
		derive       bool
	}{
		{`"UP"`, "none", false},
		{`"up"`, "none", false},
		{`"UNDERMAINTENANCE"`, "maintenance", false},
		{`"Under Maintenance"`, "maintenance", false},
		{`"HASISSUES"`, "none", true}, // derived from nothing: none
		{`"HAS_ISSUES"`, "none", true},
		{`"DOWN"`, "down", false},
		{`"Partly Down"`, "partly_down", false},
		{`7`, "7", false},
		// No status text: every Instatus page says one; a page object
		// without it is Statuspage's, not a page with no indicator.
		{`null`, "", false},
		{`""`, "", false},
		{`{"x":1}`, "", false},
	} {
		s, err := decodeInstatusDocs(`{"page":{"url":"https://p.example","status":`+tc.status+`}}`, "", false)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "the page object has no status") {
				t.Errorf("status %s: %v, want the summary refused", tc.status, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("status %s: %v", tc.status, err)
			continue
		}
		if s.Status.Indicator != tc.want || s.Derive != tc.derive {
			t.Errorf("status %s: indicator %q, derive %v; want %q, %v", tc.status, s.Status.Indicator, s.Derive, tc.want, tc.derive)
		}
		if s.Page.URL != "https://p.example" {
			t.Errorf("status %s: page URL %q", tc.status, s.Page.URL)
		}
	}
}

// TestInstatusDerivedIndicator: HASISSUES is derived from the components
// and incidents; UP is kept even when a component says otherwise (the
// page's word is its own).
func TestInstatusDerivedIndicator(t *testing.T) {
	t.Parallel()
	components := `[{"id":"a","name":"A","status":"MAJOROUTAGE"},{"id":"b","name":"B","status":"OPERATIONAL"}]`
	for _, tc := range []struct{ status, components, incidents, want string }{
		{"HASISSUES", components, "", "major"},
		{"HASISSUES", `[{"id":"a","status":"MAJOROUTAGE"}]`, "", "critical"},
		{"HASISSUES", `[{"id":"a","status":"DEGRADEDPERFORMANCE"}]`, "", "minor"},
		{"HASISSUES", `[{"id":"a","status":"UNDERMAINTENANCE"}]`, "", "maintenance"},
		{"HASISSUES", `[]`, `[{"name":"x","status":"INVESTIGATING","impact":"MAJOROUTAGE"}]`, "critical"},
		{"HASISSUES", `[]`, `[{"name":"x","status":"RESOLVED","impact":"MAJOROUTAGE"}]`, "none"},
		{"UP", components, "", "none"},
	} {
		summary := `{"page":{"name":"P","status":"` + tc.status + `"}`
		if tc.incidents != "" {
			summary += `,"activeIncidents":` + tc.incidents
		}
		s, err := decodeInstatusDocs(summary+"}", tc.components, true)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status.Indicator != tc.want {
			t.Errorf("%s with %s and %s: indicator %q, want %q", tc.status, tc.components, tc.incidents, s.Status.Indicator, tc.want)
		}
	}
}

func TestInstatusComponentStatus(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{
		"OPERATIONAL":          "operational",
		"operational":          "operational",
		"UNDERMAINTENANCE":     "under_maintenance",
		"UNDER_MAINTENANCE":    "under_maintenance",
		"DEGRADEDPERFORMANCE":  "degraded_performance",
		"Degraded performance": "degraded_performance",
		"PARTIALOUTAGE":        "partial_outage",
		"MINOROUTAGE":          "partial_outage",
		"minor-outage":         "partial_outage",
		"MAJOROUTAGE":          "major_outage",
		"FLAKY":                "flaky",
		"Not Monitored":        "not_monitored",
		"":                     "",
	} {
		if got := instatusStatus(v); got != want {
			t.Errorf("instatusStatus(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestInstatusImpact(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{
		"DEGRADEDPERFORMANCE": "minor",
		"PARTIALOUTAGE":       "major",
		"MINOROUTAGE":         "major",
		"MAJOROUTAGE":         "critical",
		"major_outage":        "critical",
		"OPERATIONAL":         "none",
		"UNDERMAINTENANCE":    "maintenance",
		"SEVERE":              "severe",
		"":                    "",
	} {
		if got := instatusImpact(v); got != want {
			t.Errorf("instatusImpact(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestInstatusIncidents(t *testing.T) {
	t.Parallel()
	s, err := decodeInstatusDocs(`{"page":{"name":"P","status":"HASISSUES"},"activeIncidents":[
		{"name":"a","started":"2026-03-10T17:00:00Z","status":"INVESTIGATING","impact":"MAJOROUTAGE","url":"https://p.example/incident/inc-a"},
		{"name":"b","started":"2026-03-10T17:00:00Z","status":"IDENTIFIED","impact":"DEGRADEDPERFORMANCE","url":"https://p.example/incident/inc-b/"},
		{"name":"c","started":"2026-03-10T17:00:00Z","status":"MONITORING","impact":"MINOROUTAGE","url":"https://p.example/incident/inc-c?x=1#y"},
		{"name":"d","started":"2026-03-10T17:00:00Z","status":"RESOLVED","impact":"MAJOROUTAGE","url":"https://p.example/incident/inc-d"},
		{"name":"e","started":"2026-03-10T17:00:00Z","status":"Resolved","url":"https://p.example/incident/inc-e"},
		{"name":"f","status":"ESCALATED","impact":"WHOLE_REGION"},
		{"status":"INVESTIGATING","impact":"MAJOROUTAGE"}
	]}`, "", false)
	if err != nil {
		t.Fatal(err)
	}
	type got struct{ id, name, status, impact, link string }
	var gots []got
	for _, in := range s.Incidents {
		gots = append(gots, got{in.ID, in.Name, in.Status, in.Impact, in.Shortlink})
	}
	want := []got{
		{"inc-a", "a", "investigating", "critical", "https://p.example/incident/inc-a"},
		{"inc-b", "b", "identified", "minor", "https://p.example/incident/inc-b/"},
		{"inc-c", "c", "monitoring", "major", "https://p.example/incident/inc-c?x=1#y"},
		{instatusItemID("", "", "f", ""), "f", "escalated", "whole_region", ""},
	}
	if fmt.Sprint(gots) != fmt.Sprint(want) {
		t.Errorf("incidents:\n got %v\nwant %v", gots, want)
	}
	if in := s.Incidents[0]; !in.StartedAt.Equal(time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC)) || !in.UpdatedAt.IsZero() || in.Components != nil {
		t.Errorf("incident a: started %v, updated %v, components %v; want the start only", in.StartedAt, in.UpdatedAt, in.Components)
	}
	if s.ScheduledMaintenances != nil || s.Components != nil {
		t.Errorf("maintenances %v, components %v; want none", s.ScheduledMaintenances, s.Components)
	}
}

func TestInstatusMaintenances(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 12, 2, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		status, start, duration string
		wantStatus              string
		wantEnd                 time.Time
		skipped                 bool
	}{
		{`"NOTSTARTEDYET"`, `"2026-03-12T02:00:00Z"`, `"60"`, "scheduled", start.Add(time.Hour), false},
		{`"INPROGRESS"`, `"2026-03-12T02:00:00Z"`, `45`, "in_progress", start.Add(45 * time.Minute), false},
		{`"in_progress"`, `"2026-03-12T02:00:00Z"`, `"1.5"`, "in_progress", start.Add(90 * time.Second), false},
		{`"NOTSTARTEDYET"`, `"2026-03-12T02:00:00Z"`, `" 0 "`, "scheduled", start, false},
		{`"NOTSTARTEDYET"`, `"2026-03-12T02:00:00Z"`, `"-5"`, "scheduled", time.Time{}, false},
		{`"NOTSTARTEDYET"`, `"2026-03-12T02:00:00Z"`, `1e300`, "scheduled", time.Time{}, false},
		{`"NOTSTARTEDYET"`, `"2026-03-12T02:00:00Z"`, `"NaN"`, "scheduled", time.Time{}, false},
		{`"NOTSTARTEDYET"`, `"2026-03-12T02:00:00Z"`, `"an hour"`, "scheduled", time.Time{}, false},
		{`"NOTSTARTEDYET"`, `"2026-03-12T02:00:00Z"`, `null`, "scheduled", time.Time{}, false},
		{`"NOTSTARTEDYET"`, `"soon"`, `"60"`, "scheduled", time.Time{}, false},
		{`"NOTSTARTEDYET"`, `"Thu Mar 12 2026 03:00:00 GMT+0100 (Central European Standard Time)"`, `"60"`, "scheduled", start.Add(time.Hour), false},
		{`"POSTPONED"`, `null`, `"60"`, "postponed", time.Time{}, false},
		{`null`, `"2026-03-12T02:00:00Z"`, `"60"`, "", start.Add(time.Hour), false},
		{`"COMPLETED"`, `"2026-03-12T02:00:00Z"`, `"60"`, "", time.Time{}, true},
	} {
		doc := `{"page":{"name":"P","status":"UP"},"activeMaintenances":[{"name":"m","start":` + tc.start +
			`,"status":` + tc.status + `,"duration":` + tc.duration + `,"url":"https://p.example/maintenance/mnt-1"}]}`
		s, err := decodeInstatusDocs(doc, "", false)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if tc.skipped {
			if len(s.ScheduledMaintenances) != 0 {
				t.Errorf("%s: %+v, want it skipped", doc, s.ScheduledMaintenances)
			}
			continue
		}
		if len(s.ScheduledMaintenances) != 1 {
			t.Fatalf("%s: %d maintenances, want 1", doc, len(s.ScheduledMaintenances))
		}
		m := s.ScheduledMaintenances[0]
		if m.ID != "mnt-1" || m.Status != tc.wantStatus || !m.ScheduledUntil.Equal(tc.wantEnd) || m.Impact != "" || m.Components != nil {
			t.Errorf("%s: id %q status %q end %v impact %q components %v; want mnt-1 %q %v, no impact or components",
				doc, m.ID, m.Status, m.ScheduledUntil.Time, m.Impact, m.Components, tc.wantStatus, tc.wantEnd)
		}
	}
}

func TestInstatusTimes(t *testing.T) {
	t.Parallel()
	utc := func(h, m, s int) time.Time { return time.Date(2022, 6, 11, h, m, s, 0, time.UTC) }
	for v, want := range map[string]time.Time{
		"Sat Jun 11 2022 18:55:50 GMT+0000 (Coordinated Universal Time)":   utc(18, 55, 50),
		"Sat Jun 11 2022 20:55:50 GMT+0200 (Central European Summer Time)": utc(18, 55, 50),
		"Sat Jun 11 2022 13:25:50 GMT-0530":                                utc(18, 55, 50),
		"Sat Jun 11 2022 18:55:50 GMT+0000 (UTC":                           {},
		"Sat, 11 Jun 2022 18:55:50 GMT":                                    utc(18, 55, 50),
		"2022-06-11T18:55:50.000Z":                                         utc(18, 55, 50),
		"2022-06-11T20:55:50+02:00":                                        utc(18, 55, 50),
		" 2022-06-11T18:55:50Z ":                                           utc(18, 55, 50),
		"2022-06-11":                                                       utc(0, 0, 0),
		"Sat Jun 11 2022":                                                  {},
		"1654973750":                                                       {},
		"":                                                                 {},
		"(x)":                                                              {},
	} {
		if got := parseInstatusTime(v); !got.Equal(want) {
			t.Errorf("parseInstatusTime(%q) = %v, want %v", v, got, want)
		}
	}
	// A time that is not a string is unknown.
	s, err := decodeInstatusDocs(`{"page":{"status":"UP"},"activeIncidents":[{"name":"x","started":1654973750000,"status":"INVESTIGATING"}]}`, "", false)
	if err != nil || len(s.Incidents) != 1 || !s.Incidents[0].StartedAt.IsZero() {
		t.Errorf("numeric started: %+v, %v; want one incident without a start", s, err)
	}
}

func TestInstatusItemID(t *testing.T) {
	t.Parallel()
	hashed := instatusItemID("", "", "name", "start")
	if len(hashed) != 16 || hashed == instatusItemID("", "", "nam", "estart") || hashed != instatusItemID("", "", "name", "start") {
		t.Errorf("derived id %q: want 16 hex digits, stable, and the name and start kept apart", hashed)
	}
	for _, tc := range []struct{ url, id, name, started, want string }{
		{"https://p.example/incident/abc", "", "", "", "abc"},
		{"https://p.example/incident/abc/", "zzz", "n", "s", "abc"},
		{"https://p.example/incident/abc//?q=1", "", "", "", "abc"},
		{"/incident/abc", "", "", "", "abc"},
		{"abc", "", "", "", "abc"},
		{"https://p.example/", "zzz", "", "", "zzz"},
		{"https://p.example", "", "name", "start", hashed},
		{"%zz", "", "name", "start", hashed},
		{"", "", "", "", ""},
	} {
		if got := instatusItemID(tc.url, tc.id, tc.name, tc.started); got != tc.want {
			t.Errorf("instatusItemID(%q, %q, %q, %q) = %q, want %q", tc.url, tc.id, tc.name, tc.started, got, tc.want)
		}
	}
}

// TestInstatusWrongShape: a summary that is not Instatus's fails, saying
// what it looks like when that is known.
func TestInstatusWrongShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, want string }{
		{``, "looks like an empty document; provider is instatus"},
		{`   `, "looks like an empty document"},
		{`null`, "not an Instatus summary: the summary is not a JSON object"},
		{`[]`, "looks like an empty JSON array"},
		{`[{"page":{"status":"UP"}}]`, "the summary is not a JSON object"},
		{`"UP"`, "the summary is not a JSON object"},
		{`<html><body>502</body></html>`, "looks like HTML or XML"},
		{`{}`, "the summary has no page object"},
		{`{"page":null}`, "the summary has no page object"},
		{`{"page":"UP"}`, "the summary has no page object"},
		{`{"activeIncidents":[]}`, "not an Instatus summary: the summary has no page object"},
		{`{"page":[],"activeMaintenances":[]}`, "not an Instatus summary: the summary has no page object"},
		{`{"page":{"id":"y2j98763l56x","name":"GitHub"},"status":{"indicator":"none"}}`, "looks like a Statuspage document; provider is instatus"},
		{`{"page":{"name":"P","status":null}}`, "looks like a Statuspage document; provider is instatus"},
		{`{"result":{"status_overall":{"status_code":100}}}`, "looks like a status.io document; provider is instatus"},
		{`{"status":"ok","active_incidents":[]}`, "looks like a Slack status document; provider is instatus"},
		{`{"page":{"status":"UP"}`, "unexpected end of JSON input"},
		{`{"page":{"status":"UP"}} {}`, "invalid character"},
	} {
		s, err := decodeInstatusDocs(tc.body, "", false)
		if err == nil || s != nil {
			t.Errorf("%q: got %+v, %v; want an error", tc.body, s, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %q does not say %q", tc.body, err, tc.want)
		}
	}
}

// TestInstatusComponentsDocument: both shapes of the components document
// read, and anything else fails the page rather than reading as a page
// without components.
func TestInstatusComponentsDocument(t *testing.T) {
	t.Parallel()
	one := `{"id":"c1","name":"API","status":"OPERATIONAL"}`
	for _, tc := range []struct {
		doc   string
		has   bool
		count int
		err   string
	}{
		{"", false, 0, ""},
		{`[]`, true, 0, ""},
		{`[` + one + `]`, true, 1, ""},
		{` [` + one + `,null,1,"x",[]]`, true, 1, ""},
		{`{"components":[` + one + `]}`, true, 1, ""},
		{`{"page":{"name":"x"},"components":[` + one + `]}`, true, 1, ""},
		{`{"components":[]}`, true, 0, ""},
		{`{"components":null}`, true, 0, ""},
		{`{}`, true, 0, "no components array"},
		{`{"data":[` + one + `]}`, true, 0, "no components array"},
		{`{"components":{"c1":` + one + `}}`, true, 0, "components is not an array"},
		{`{"components":"none"}`, true, 0, "components is not an array"},
		{`null`, true, 0, "not a JSON array or object"},
		{`""`, true, 0, "not a JSON array or object"},
		{" \r\n", true, 0, "looks like an empty document"},
		{`<!doctype html><title>Not found</title>`, true, 0, "looks like HTML or XML"},
		{`[` + one, true, 0, "unexpected end of JSON input"},
		{`{"components":[` + one + `]`, true, 0, "unexpected end of JSON input"},
	} {
		s, err := decodeInstatusDocs(instatusUp, tc.doc, tc.has)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "components document") {
				t.Errorf("%q: got %v; want an error about the components document saying %q", tc.doc, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.doc, err)
			continue
		}
		if len(s.Components) != tc.count {
			t.Errorf("%q: %d components, want %d", tc.doc, len(s.Components), tc.count)
		}
	}
}

// TestInstatusGroups: every way a component names its group, and the ids
// staying unique whatever the document repeats.
func TestInstatusGroups(t *testing.T) {
	t.Parallel()
	doc := `[
		{"id":"eu","name":"Europe","status":"PARTIALOUTAGE","isParent":true,"children":[
			{"id":"ams","name":"Amsterdam","status":"MINOROUTAGE","group":{"id":"other","name":"Other"}},
			{"id":"nested","name":"Nested","status":"OPERATIONAL","children":[
				{"id":"deep","name":"Deep","status":"OPERATIONAL"}
			]}
		]},
		{"id":"lonely","name":"Lonely parent","isParent":true,"children":[]},
		{"name":"No id parent","status":"OPERATIONAL","children":[{"id":"kid","name":"Kid","status":"OPERATIONAL"}]},
		{"children":[{"id":"orphan","name":"Orphan","status":"OPERATIONAL","group":"Strays"}]},
		{"id":"obj","name":"Object group","status":"OPERATIONAL","group":{"id":"g1","name":"Group one"}},
		{"id":"obj2","name":"Object group again","status":"OPERATIONAL","group":{"id":"g1","name":"Renamed"}},
		{"id":"gid","name":"By groupId","status":"OPERATIONAL","groupId":"g1"},
		{"id":"gidonly","name":"Unknown groupId","status":"OPERATIONAL","groupId":"g9"},
		{"id":"noname","name":"Group object without a name","status":"OPERATIONAL","group":{"name":"Named only"}},
		{"id":"str","name":"Named group","status":"OPERATIONAL","group":"Strays"},
		{"id":"plain","name":"Plain","status":"OPERATIONAL","group":""},
		{"id":"named","name":"Named as a group below","status":"DEGRADEDPERFORMANCE","group":{"id":"g1"}},
		{"id":"refnamed","name":"In a group listed as an item","status":"OPERATIONAL","group":{"id":"named","name":"Named"}},
		{"id":"ams","name":"Amsterdam again","status":"MAJOROUTAGE"},
		{"id":"g1","name":"The item of group one","status":"MAJOROUTAGE"},
		{"id":"self","name":"Its own group","status":"OPERATIONAL","groupId":"self"},
		{"id":"eu","name":"Parent again","isParent":true,"children":[{"id":"late","name":"Late","status":"OPERATIONAL"}]},
		{"id":"group:Strays","name":"Taken id","status":"OPERATIONAL"}
	]`
	s, err := decodeInstatusDocs(instatusUp, doc, true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range s.Components {
		kind := "c"
		if c.Group {
			kind = "g"
		}
		got = append(got, fmt.Sprintf("%s %s %q %s >%s", kind, c.ID, c.Name, c.Status, c.GroupID))
	}
	want := []string{
		`g eu "Europe" partial_outage >`,
		`c ams "Amsterdam" partial_outage >eu`,
		`g nested "Nested" operational >`,
		`c deep "Deep" operational >nested`,
		`g lonely "Lonely parent"  >`,
		`g group:No id parent "No id parent" operational >`,
		`c kid "Kid" operational >group:No id parent`,
		`g group:Strays~2 "Strays"  >`,
		`c orphan "Orphan" operational >group:Strays~2`,
		`g g1 "The item of group one" major_outage >`,
		`c obj "Object group" operational >g1`,
		`c obj2 "Object group again" operational >g1`,
		`c gid "By groupId" operational >g1`,
		`g g9 ""  >`,
		`c gidonly "Unknown groupId" operational >g9`,
		`g group:Named only "Named only"  >`,
		`c noname "Group object without a name" operational >group:Named only`,
		`c str "Named group" operational >group:Strays~2`,
		`c plain "Plain" operational >`,
		`g named "Named as a group below" degraded_performance >`,
		`c refnamed "In a group listed as an item" operational >named`,
		`g self "Its own group" operational >`,
		`c late "Late" operational >eu`,
		`c group:Strays "Taken id" operational >`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkInstatusSummary(t, s)
}

// checkInstatusSummary asserts the model's rules on a decoded page, and
// that nothing resolved or completed is open.
func checkInstatusSummary(t testing.TB, s *Summary) {
	t.Helper()
	checkModel(t, s)
	for _, in := range s.Incidents {
		if normalState(in.Status) == "resolved" {
			t.Fatalf("incident %+v: resolved", in)
		}
	}
	for _, m := range s.ScheduledMaintenances {
		if normalState(m.Status) == "completed" {
			t.Fatalf("maintenance %+v: completed", m)
		}
	}
}

// TestInstatusNullsAndWrongTypes: every field null or of another type
// reads as absent, and the rest of the document still counts.
func TestInstatusNullsAndWrongTypes(t *testing.T) {
	t.Parallel()
	summary := `{"page":{"name":null,"url":[],"status":"UP"},
		"activeIncidents":[{"name":{},"started":[],"status":null,"impact":5,"url":true,"id":null},
			{"name":"kept","status":"INVESTIGATING","url":"https://p.example/incident/kept"}],
		"activeMaintenances":{"not":"an array"}}`
	components := `{"components":[
		{"id":null,"name":"no id"},
		{"id":"a","name":null,"status":[],"group":[],"groupId":{},"isParent":"yes","children":"none"},
		{"id":"b","name":"B","status":"OPERATIONAL","group":{"id":[],"name":{}}},
		{"id":"c","name":"C","status":"OPERATIONAL","children":[null,5,{"id":"d","name":"D","status":"OPERATIONAL"}]}
	]}`
	s, err := decodeInstatusDocs(summary, components, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Page.Name != "" || s.Page.URL != "" || s.Status.Indicator != "none" {
		t.Errorf("page %+v, indicator %q", s.Page, s.Status.Indicator)
	}
	// The first incident is known by its url, a boolean read as text.
	if len(s.Incidents) != 2 || s.Incidents[0].ID != "true" || s.Incidents[1].ID != "kept" {
		t.Errorf("incidents %+v", s.Incidents)
	}
	if s.ScheduledMaintenances != nil {
		t.Errorf("maintenances %+v, want none", s.ScheduledMaintenances)
	}
	var got []string
	for _, c := range s.Components {
		got = append(got, fmt.Sprintf("%s:%q:%s:%v:%s", c.ID, c.Name, c.Status, c.Group, c.GroupID))
	}
	if want := `a:""::false: b:"B":operational:false: c:"C":operational:true: d:"D":operational:false:c`; strings.Join(got, " ") != want {
		t.Errorf("components %s\nwant %s", strings.Join(got, " "), want)
	}
	checkInstatusSummary(t, s)
}

// TestInstatusInvalidUTF8: names with invalid UTF-8 decode (as U+FFFD, as
// encoding/json does), and the ids stay apart.
func TestInstatusInvalidUTF8(t *testing.T) {
	t.Parallel()
	s, err := decodeInstatusDocs("{\"page\":{\"name\":\"bad \xff\xfe name\",\"status\":\"UP\"}}",
		"[{\"id\":\"x\xff\",\"name\":\"n\xc3\",\"status\":\"OPERATIONAL\"},{\"id\":\"x\xfe\",\"name\":\"m\",\"status\":\"OPERATIONAL\"}]", true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Page.Name != "bad \ufffd\ufffd name" || len(s.Components) != 1 || s.Components[0].Name != "n\ufffd" {
		// encoding/json makes both ids "x\ufffd": the second is a repeat.
		t.Errorf("page %q, components %+v", s.Page.Name, s.Components)
	}
}

// TestInstatusHuge: 50,000 components in 100 named groups, 10,000
// incidents and maintenances (fewer: each costs more, and -race multiplies
// it), and children nested thousands deep, decode in one pass each (the
// nesting is decoded once, not once per level) with every item kept.
func TestInstatusHuge(t *testing.T) {
	t.Parallel()
	const n, items = 50000, 10000
	var sb, cb bytes.Buffer
	sb.WriteString(`{"page":{"name":"Huge","status":"HASISSUES"},"activeIncidents":[`)
	for i := range items {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"name":"incident %d","started":"Sat Jun 11 2022 18:55:50 GMT+0000 (Coordinated Universal Time)","status":"INVESTIGATING","impact":"PARTIALOUTAGE","url":"https://p.example/incident/i%d"}`, i, i)
	}
	sb.WriteString(`],"activeMaintenances":[`)
	for i := range items {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"name":"m %d","start":"2026-03-12T02:00:00Z","status":"NOTSTARTEDYET","duration":"60","url":"https://p.example/maintenance/m%d"}`, i, i)
	}
	sb.WriteString(`]}`)
	cb.WriteString(`{"components":[`)
	for i := range n {
		if i > 0 {
			cb.WriteByte(',')
		}
		fmt.Fprintf(&cb, `{"id":"c%d","name":"component %d","status":"OPERATIONAL","group":"group %d"}`, i, i, i%100)
	}
	cb.WriteString(`]}`)
	s, err := decodeInstatusDocs(sb.String(), cb.String(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Incidents) != items || len(s.ScheduledMaintenances) != items || len(s.Components) != n+100 || s.Status.Indicator != "major" {
		t.Errorf("%d incidents, %d maintenances, %d rows, indicator %q; want %d, %d, %d, major",
			len(s.Incidents), len(s.ScheduledMaintenances), len(s.Components), s.Status.Indicator, items, items, n+100)
	}
	checkInstatusSummary(t, s)

	// Children nested 2,000 deep: each level is a group of the next.
	const depth = 2000
	deep := `{"id":"x","isParent":true,"children":[` +
		strings.Repeat(`{"id":"p","children":[`, depth) + `{"id":"leaf","status":"OPERATIONAL"}` + strings.Repeat(`]}`, depth) + `]}`
	deep = "[" + deep + "]"
	s, err = decodeInstatusDocs(instatusUp, deep, true)
	if err != nil {
		t.Fatal(err)
	}
	// x and one p are groups (p repeats its id: the first wins); the leaf
	// is under the innermost p, which is the same group row.
	if len(s.Components) != 3 {
		t.Errorf("%d rows, want 3", len(s.Components))
	}
	checkInstatusSummary(t, s)
	// Deeper than encoding/json reads (10,000 levels): an error, no panic.
	deep = strings.Repeat(`[{"children":`, 6000) + `[]` + strings.Repeat(`}]`, 6000)
	if s, err = decodeInstatusDocs(instatusUp, deep, true); err == nil || !strings.Contains(err.Error(), "exceeded max depth") {
		t.Errorf("nested 12,000 deep: %+v, %v; want an error", s, err)
	}
}

// FuzzInstatusDecode: no pair of documents makes the decoder panic; it
// returns a summary or an error, never both; and an accepted page keeps
// the model's rules (see checkInstatusSummary).
func FuzzInstatusDecode(f *testing.F) {
	dir := filepath.Join("..", "testdata", "providers", "instatus")
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range paths {
		if strings.HasSuffix(path, ".components.json") {
			continue
		}
		summary, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		components, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".components.json")
		f.Add(summary, components, err == nil)
	}
	f.Add([]byte(instatusUp), []byte(`[{"id":"a","children":[{"id":"a","isParent":true,"children":[{"id":"b","group":"a"}]}]}]`), true)
	f.Add([]byte(`{"page":{"status":"HASISSUES"},"activeIncidents":[{"name":"x"}]}`), []byte(`{"components":null}`), true)
	f.Fuzz(func(t *testing.T, summary, components []byte, has bool) {
		docs := [][]byte{summary, nil}
		if has {
			docs[1] = components
		}
		s, err := instatusTarget().DecodeDocuments(docs, []string{"application/json", "application/json"})
		switch {
		case err != nil && s != nil:
			t.Fatalf("a summary together with error %v", err)
		case err == nil && s == nil:
			t.Fatal("neither a summary nor an error")
		case err == nil:
			checkInstatusSummary(t, s)
		}
	})
}
