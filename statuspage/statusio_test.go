package statuspage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// statusioTestdata returns the golden documents of the status.io provider.
func statusioTestdata(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "providers", "statusio", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no status.io testdata: %v", err)
	}
	docs := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs[strings.TrimSuffix(filepath.Base(p), ".json")] = b
	}
	return docs
}

// statusioTarget is the target of a status.io page with the page's extra
// YAML keys, as the exporter builds it.
func statusioTarget(t *testing.T, extra string) *Target {
	t.Helper()
	doc := "pages:\n  - name: p\n    provider: statusio\n    url: http://127.0.0.1:9/1.0/status/p\n"
	for line := range strings.SplitSeq(strings.TrimRight(extra, "\n"), "\n") {
		if line != "" {
			doc += "    " + line + "\n"
		}
	}
	c, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	set, err := NewTargetSet(c, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set.Target("p")
}

func decodeStatusioBody(t *testing.T, body string) *Summary {
	t.Helper()
	s, err := decodeStatusio([][]byte{[]byte(body)}, &DecodeOptions{})
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, body)
	}
	return s
}

// statusioDoc is a document with the given status_overall code, one
// component "c" in container "k" with containerCode, and one incident
// "i" whose one message has state and status.
func statusioDoc(pageCode, containerCode, state, status string) string {
	return `{"result":{"status_overall":{"status_code":` + pageCode + `},
	  "status":[{"id":"c","name":"C","status_code":100,"containers":[{"id":"k","name":"K","status_code":` + containerCode + `}]}],
	  "incidents":[{"_id":"i","name":"I","messages":[{"state":` + state + `,"status":` + status + `,"datetime":"2026-03-10T12:00:00Z"}],
	    "components_affected":[{"_id":"c","name":"C"}],"containers_affected":[{"_id":"k","name":"K"}]}],
	  "maintenance":{"active":[],"upcoming":[]}}}`
}

// TestStatusioCodes: every status.io code in each place it appears, as a
// number, a numeric string or another spelling of the number; codes
// status.io does not document are kept as their own state, never read as
// operational.
func TestStatusioCodes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		code                                string
		indicator, component, impact, state string
	}{
		{"100", "none", "operational", "none", "investigating"},
		{"200", "maintenance", "under_maintenance", "maintenance", "identified"},
		{"300", "minor", "degraded_performance", "minor", "monitoring"},
		{"400", "major", "partial_outage", "major", "400"},
		{"500", "critical", "major_outage", "critical", "500"},
		{"600", "critical", "major_outage", "critical", "600"},
		{"700", "700", "700", "700", "700"},
		{"0", "0", "0", "0", "0"},
		{"-100", "-100", "-100", "-100", "-100"},
		{"150.5", "150.5", "150.5", "150.5", "150.5"},
		{`"400"`, "major", "partial_outage", "major", "400"},
		{`" 300 "`, "minor", "degraded_performance", "minor", "monitoring"},
		{"4e2", "major", "partial_outage", "major", "400"},
		{"400.0", "major", "partial_outage", "major", "400"},
		{`"Major Outage"`, "major_outage", "major_outage", "major_outage", "major_outage"},
		{"true", "true", "true", "true", "true"},
		{"null", "", "", "", ""},
		{`""`, "", "", "", ""},
		{"[400]", "", "", "", ""},
		{`{"code":400}`, "", "", "", ""},
	} {
		s := decodeStatusioBody(t, statusioDoc(c.code, c.code, c.code, c.code))
		got := []string{s.Status.Indicator, s.Components[1].Status, s.Incidents[0].Impact, s.Incidents[0].Status}
		if want := []string{c.indicator, c.component, c.impact, c.state}; !reflect.DeepEqual(got, want) {
			t.Errorf("code %s: indicator, component, impact, incident status = %q, want %q", c.code, got, want)
		}
		if s.Derive {
			t.Errorf("code %s: Derive set; status.io gives its own indicator", c.code)
		}
	}
}

// TestStatusioStatusText: an entry without a code is read from its text,
// status.io's own or the 600 text its pages show; another text is kept.
func TestStatusioStatusText(t *testing.T) {
	t.Parallel()
	for text, want := range map[string][2]string{
		"Operational":                  {"none", "operational"},
		"Planned Maintenance":          {"maintenance", "under_maintenance"},
		"Degraded Performance":         {"minor", "degraded_performance"},
		"Partial Service Disruption":   {"major", "partial_outage"},
		"SERVICE DISRUPTION":           {"critical", "major_outage"},
		"Security Event":               {"critical", "major_outage"},
		"Security Issue":               {"critical", "major_outage"},
		"  partial-service-disruption": {"major", "partial_outage"},
		"Under Review":                 {"under_review", "under_review"},
	} {
		s := decodeStatusioBody(t, `{"result":{"status_overall":{"status":"`+text+`"},
		  "status":[{"id":"c","containers":[{"id":"k","status":"`+text+`"}]}]}}`)
		if got := [2]string{s.Status.Indicator, s.Components[1].Status}; got != want {
			t.Errorf("text %q: indicator, component = %q, want %q", text, got, want)
		}
	}
	// A code wins over the text.
	s := decodeStatusioBody(t, `{"result":{"status_overall":{"status":"Operational","status_code":500}}}`)
	if s.Status.Indicator != "critical" || s.Status.Description != "Operational" {
		t.Errorf("indicator %q, description %q; want critical from the code, the text as description", s.Status.Indicator, s.Status.Description)
	}
}

// TestStatusioPage: the page has no id, name or URL; its updated time is
// status_overall's; the platform's indicator is kept even when an open
// incident is worse (GitLab showed 200 with a 400 incident open).
func TestStatusioPage(t *testing.T) {
	t.Parallel()
	s := decodeStatusioBody(t, statusioDoc("200", "100", "200", "400"))
	if s.Page != (Page{}) {
		t.Errorf("page %+v, want it empty (no updated time given)", s.Page)
	}
	if s.Status.Indicator != "maintenance" || s.Incidents[0].Impact != "major" || s.Derive {
		t.Errorf("indicator %q, impact %q, derive %v; want maintenance, major, false", s.Status.Indicator, s.Incidents[0].Impact, s.Derive)
	}
	s = decodeStatusioBody(t, `{"result":{"status_overall":{"updated":"2026-03-10T17:42:11.408Z","status_code":100}}}`)
	if want := time.Date(2026, 3, 10, 17, 42, 11, 408e6, time.UTC); !s.Page.UpdatedAt.Equal(want) {
		t.Errorf("page updated %v, want %v", s.Page.UpdatedAt, want)
	}
	if len(s.Components) != 0 || len(s.Incidents) != 0 || len(s.ScheduledMaintenances) != 0 {
		t.Errorf("a document with only status_overall made %+v", s)
	}
}

// TestStatusioComponents: a row per component and container, the container
// as the group (no group status), a component without containers as one
// row of its own; the component's own rollup status is not kept.
func TestStatusioComponents(t *testing.T) {
	t.Parallel()
	s := decodeStatusioBody(t, `{"result":{"status_overall":{"status_code":300},"status":[
	  {"id":"a","name":"A","status_code":500,"updated":"2026-03-10T00:00:00Z","containers":[
	    {"id":"eu","name":"EU","status_code":300,"updated":"2026-03-01T00:00:00Z"},
	    {"id":"us","name":"US","status_code":500,"updated":"2026-03-02T00:00:00Z"}]},
	  {"id":"b","name":"B","status_code":200,"updated":"2026-03-03T00:00:00Z","containers":[]},
	  {"id":"c","name":"C","status_code":100,"containers":[{"id":"eu","name":"Europe","status_code":100}]}]}}`)
	day := func(d int) Timestamp { return Timestamp{time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC)} }
	want := []Component{
		{ID: "eu", Name: "EU", Group: true},
		{ID: "us", Name: "US", Group: true},
		{ID: "a/eu", Name: "A", Status: "degraded_performance", UpdatedAt: day(1), GroupID: "eu"},
		{ID: "a/us", Name: "A", Status: "major_outage", UpdatedAt: day(2), GroupID: "us"},
		{ID: "b", Name: "B", Status: "under_maintenance", UpdatedAt: day(3)},
		{ID: "c/eu", Name: "C", Status: "operational", GroupID: "eu"},
	}
	if !reflect.DeepEqual(s.Components, want) {
		t.Errorf("components\n got %+v\nwant %+v", s.Components, want)
	}
}

// TestStatusioIdentity: component ids are unique and non-empty whatever
// the document repeats or leaves out, and the pair id keeps different
// pairs apart even for ids holding "/" or "%".
func TestStatusioIdentity(t *testing.T) {
	t.Parallel()
	s := decodeStatusioBody(t, `{"result":{"status_overall":{"status_code":100},"status":[
	  {"id":"a/b","containers":[{"id":"c","status_code":100}]},
	  {"id":"a","containers":[{"id":"b/c","status_code":300}]},
	  {"id":"a%2Fb","containers":[{"id":"c","status_code":400}]},
	  {"id":"x","containers":[{"id":"k","status_code":100},{"id":"k","status_code":500}]},
	  {"id":"x","containers":[{"id":"k","status_code":500}]},
	  {"id":"k","name":"component named like a container id","status_code":300},
	  {"id":"","name":"no id","status_code":500},
	  {"name":"no id either","containers":[{"id":"k"}]},
	  {"id":"y","status_code":200,"containers":[{"id":""},{"name":"no id"}]}]}}`)
	got := map[string]string{}
	for _, c := range s.Components {
		if c.ID == "" {
			t.Errorf("component without an id: %+v", c)
		}
		if _, dup := got[c.ID]; dup {
			t.Errorf("id %q twice", c.ID)
		}
		got[c.ID] = c.Status
	}
	want := map[string]string{
		"c": "", "b/c": "", "k": "", // groups
		"a%2Fb/c": "operational", "a/b%2Fc": "degraded_performance", "a%252Fb/c": "partial_outage",
		"x/k": "operational", // the first of a repeated pair wins
		"y":   "under_maintenance",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ids and statuses\n got %v\nwant %v", got, want)
	}
}

// TestStatusioAffected: affected components are the listed components'
// rows in the listed containers; all their rows when no listed container
// holds them; their own id when the page does not list them.
func TestStatusioAffected(t *testing.T) {
	t.Parallel()
	page := `"status":[
	  {"id":"a","name":"A","containers":[{"id":"eu","status_code":100},{"id":"us","status_code":100},{"id":"ap","status_code":100}]},
	  {"id":"b","name":"B","containers":[{"id":"us","status_code":100}]},
	  {"id":"c","name":"C","status_code":100}]`
	for _, c := range []struct {
		name, components, containers string
		want                         []AffectedComponent
	}{
		{"pair", `[{"_id":"a","name":"A"}]`, `[{"_id":"eu"}]`, []AffectedComponent{{"a/eu", "A"}}},
		{"cross product keeps existing pairs", `[{"_id":"a"},{"_id":"b"}]`, `[{"_id":"eu"},{"_id":"us"}]`,
			[]AffectedComponent{{"a/eu", "A"}, {"a/us", "A"}, {"b/us", "B"}}},
		{"no container listed", `[{"_id":"a"}]`, `[]`, []AffectedComponent{{"a/eu", "A"}, {"a/us", "A"}, {"a/ap", "A"}}},
		{"containers null", `[{"_id":"b"}]`, `null`, []AffectedComponent{{"b/us", "B"}}},
		{"none of its containers listed", `[{"_id":"b"}]`, `[{"_id":"eu"}]`, []AffectedComponent{{"b/us", "B"}}},
		{"without containers", `[{"_id":"c","name":"listed name"}]`, `[{"_id":"eu"}]`, []AffectedComponent{{"c", "C"}}},
		{"not on the page", `[{"_id":"z/1","name":"Z"}]`, `[{"_id":"eu"}]`, []AffectedComponent{{"z%2F1", "Z"}}},
		{"repeated", `[{"_id":"b"},{"id":"b"},{"_id":""},{"name":"no id"}]`, `[{"_id":"us"},{"id":"us"}]`, []AffectedComponent{{"b/us", "B"}}},
		{"more containers than rows", `[{"_id":"b"}]`, `[{"_id":"eu"},{"_id":"ap"},{"_id":"us"},{"_id":"x"}]`, []AffectedComponent{{"b/us", "B"}}},
		{"no components", `[]`, `[{"_id":"eu"}]`, nil},
		{"components wrong type", `{"_id":"a"}`, `[{"_id":"eu"}]`, nil},
	} {
		event := `{"_id":"e","components_affected":` + c.components + `,"containers_affected":` + c.containers + `}`
		s := decodeStatusioBody(t, `{"result":{"status_overall":{},`+page+`,"incidents":[`+event+`],"maintenance":{"upcoming":[`+event+`]}}}`)
		if got := s.Incidents[0].Components; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: incident affects %v, want %v", c.name, got, c.want)
		}
		if got := s.ScheduledMaintenances[0].Components; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: maintenance affects %v, want %v", c.name, got, c.want)
		}
	}
}

// TestStatusioIncident: status from the newest message that has a state,
// updated the newest message time (by time, not by position), impact from
// the worst message status.
func TestStatusioIncident(t *testing.T) {
	t.Parallel()
	s := decodeStatusioBody(t, `{"result":{"status_overall":{"status_code":400},"incidents":[
	  {"_id":"i","name":"Builds slow","datetime_open":"2026-03-10T10:00:00.000Z","messages":[
	    {"state":300,"status":300,"datetime":"2026-03-10T12:00:00Z"},
	    {"state":100,"status":500,"datetime":"2026-03-10T10:00:00Z"},
	    {"state":null,"status":200,"datetime":"2026-03-10T13:00:00Z"},
	    {"state":200,"status":"x","datetime":null}]},
	  {"_id":"j","messages":[{"state":100,"datetime":"2026-03-10T10:00:00Z"},{"state":200,"datetime":"2026-03-10T10:00:00Z"}]},
	  {"_id":"k","messages":[{"status":"mystery"},{"status":"other"}]},
	  {"_id":"l","messages":"none"}]}}`)
	at := func(h int) Timestamp { return Timestamp{time.Date(2026, 3, 10, h, 0, 0, 0, time.UTC)} }
	want := []Incident{
		{ID: "i", Name: "Builds slow", Status: "monitoring", Impact: "critical", StartedAt: at(10), UpdatedAt: at(13)},
		{ID: "j", Status: "identified", UpdatedAt: at(10)}, // equal times: the later in the list
		{ID: "k", Impact: "other"}, // no number: the last code given
		{ID: "l"},
	}
	if !reflect.DeepEqual(s.Incidents, want) {
		t.Errorf("incidents\n got %+v\nwant %+v", s.Incidents, want)
	}
}

// TestStatusioMaintenances: active ones are in progress, upcoming ones
// scheduled, with their planned window.
func TestStatusioMaintenances(t *testing.T) {
	t.Parallel()
	s := decodeStatusioBody(t, `{"result":{"status_overall":{"status_code":200},"maintenance":{
	  "active":[{"_id":"m1","name":"Now","datetime_planned_start":"2026-03-10T10:00:00Z","datetime_planned_end":"2026-03-10T12:00:00Z",
	    "messages":[{"state":100,"status":200,"datetime":"2026-03-10T10:05:00Z"}]}],
	  "upcoming":[{"_id":"m2","name":"Later","datetime_planned_start":"2026-03-11","datetime_planned_end":"soon"},null,"x"]}}}`)
	at := func(d, h, m int) Timestamp { return Timestamp{time.Date(2026, 3, d, h, m, 0, 0, time.UTC)} }
	if len(s.ScheduledMaintenances) != 4 {
		t.Fatalf("%d maintenances, want 4 (two of them with derived ids): %+v", len(s.ScheduledMaintenances), s.ScheduledMaintenances)
	}
	want := []Maintenance{
		{ID: "m1", Name: "Now", Status: "in_progress", ScheduledFor: at(10, 10, 0), ScheduledUntil: at(10, 12, 0), UpdatedAt: at(10, 10, 5)},
		{ID: "m2", Name: "Later", Status: "scheduled", ScheduledFor: at(11, 0, 0)},
	}
	if !reflect.DeepEqual(s.ScheduledMaintenances[:2], want) {
		t.Errorf("maintenances\n got %+v\nwant %+v", s.ScheduledMaintenances[:2], want)
	}
}

// TestStatusioDerivedIDs: an event without an _id gets an id from its name
// and time, the same on every fetch and different for different events.
func TestStatusioDerivedIDs(t *testing.T) {
	t.Parallel()
	doc := `{"result":{"status_overall":{},"incidents":[
	  {"name":"A","datetime_open":"2026-03-10T10:00:00Z"},
	  {"name":"A","datetime_open":"2026-03-10T10:00:00.000+00:00"},
	  {"name":"A","datetime_open":"2026-03-10T11:00:00Z"},
	  {"name":"B","datetime_open":"2026-03-10T10:00:00Z"},
	  {"_id":"","name":"B"},
	  {"_id":null}]}}`
	first := decodeStatusioBody(t, doc)
	ids := make([]string, len(first.Incidents))
	for i, in := range first.Incidents {
		ids[i] = in.ID
		if !strings.HasPrefix(in.ID, "derived-") || len(in.ID) != len("derived-")+16 {
			t.Errorf("incident %d: id %q, want derived- and 16 hex digits", i, in.ID)
		}
	}
	if ids[0] != ids[1] {
		t.Errorf("the same name and time made ids %q and %q", ids[0], ids[1])
	}
	if distinct := map[string]bool{ids[0]: true, ids[2]: true, ids[3]: true, ids[4]: true, ids[5]: true}; len(distinct) != 5 {
		t.Errorf("different events share ids: %q", ids)
	}
	if again := decodeStatusioBody(t, doc); !reflect.DeepEqual(again.Incidents, first.Incidents) {
		t.Errorf("a second decode differs:\n%+v\n%+v", again.Incidents, first.Incidents)
	}
}

// TestStatusioWrongShape: a document that is not status.io's is a failed
// fetch that says what it looks like.
func TestStatusioWrongShape(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ body, want string }{
		{``, "looks like an empty document; provider is statusio"},
		{`  `, "looks like an empty document; provider is statusio"},
		{`<html><body>Bad gateway</body></html>`, "looks like HTML or XML; provider is statusio"},
		{`{}`, "not a status.io document: no result.status_overall"},
		{`[]`, "looks like an empty JSON array; provider is statusio"},
		{`[{"result":{"status_overall":{}}}]`, "not a status.io document"},
		{`null`, "not a status.io document"},
		{`"result"`, "not a status.io document"},
		{`42`, "not a status.io document"},
		{`{"result":null}`, "not a status.io document"},
		{`{"result":[]}`, "not a status.io document"},
		{`{"result":"x"}`, "not a status.io document"},
		{`{"result":{}}`, "not a status.io document"},
		{`{"result":{"status":[]}}`, "not a status.io document"},
		{`{"status_overall":{"status_code":100}}`, "not a status.io document"},
		{`{"result":{"status_overall":{}}`, "not a status.io document"}, // truncated
		{`{"result":{"status_overall":{}}} trailing`, "not a status.io document"},
		{`{"page":{"id":"abc","name":"Acme"},"components":[]}`, "looks like a Statuspage document; provider is statusio"},
		{`{"page":{"name":"Acme","status":"UP"},"activeIncidents":[]}`, "looks like an Instatus summary; provider is statusio"},
		{`{"status":"ok","active_incidents":[]}`, "looks like a Slack status document; provider is statusio"},
		{`[{"id":"x","external_desc":"y"}]`, "looks like a Google Cloud incidents feed; provider is statusio"},
		{`[{"arn":"x","event_log":[]}]`, "looks like an AWS Health events list; provider is statusio"},
	} {
		s, err := decodeStatusio([][]byte{[]byte(c.body)}, &DecodeOptions{})
		if err == nil || s != nil {
			t.Errorf("%q: got %+v, %v; want an error and no summary", c.body, s, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %q, want it to say %q", c.body, err, c.want)
		}
	}
	if s, err := decodeStatusio(nil, &DecodeOptions{}); err == nil || s != nil {
		t.Errorf("no documents: got %+v, %v; want an error", s, err)
	}
}

// TestStatusioNullsAndTypes: any field may be null or of another type; the
// rest of the document still counts and nothing reads as operational.
func TestStatusioNullsAndTypes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"result":{"status_overall":null}}`,
		`{"result":{"status_overall":[],"status":null,"incidents":null,"maintenance":null}}`,
		`{"result":{"status_overall":"x","status":{},"incidents":{},"maintenance":[]}}`,
		`{"result":{"status_overall":{"updated":5,"status":[],"status_code":{}},"status":"x","incidents":7,"maintenance":{"active":{},"upcoming":"x"}}}`,
		`{"result":{"status_overall":{},"status":[null,1,"x",[],{}],"incidents":[null,1,"x",[]],"maintenance":{"active":[null,true],"upcoming":[[]]}}}`,
		`{"result":{"status_overall":{},"status":[{"id":null,"name":null,"containers":null},{"id":{},"containers":[null,1,{"id":[]}]}]}}`,
	} {
		s := decodeStatusioBody(t, body)
		if s.Status.Indicator != "" || s.Derive {
			t.Errorf("%s: indicator %q, derive %v; want none given, nothing derived", body, s.Status.Indicator, s.Derive)
		}
		for _, c := range s.Components {
			t.Errorf("%s: component %+v from nothing", body, c)
		}
		for _, in := range s.Incidents {
			if in.ID == "" || in.Status != "" || in.Impact != "" || len(in.Components) != 0 {
				t.Errorf("%s: incident %+v, want only a derived id", body, in)
			}
		}
		for _, m := range s.ScheduledMaintenances {
			if m.ID == "" || len(m.Components) != 0 || !m.ScheduledFor.IsZero() {
				t.Errorf("%s: maintenance %+v, want only a derived id and its status", body, m)
			}
		}
	}
	// A wrong type in one place leaves the rest of the document whole.
	s := decodeStatusioBody(t, `{"result":{"status_overall":{"status_code":300,"updated":[]},
	  "status":[{"id":"a","name":7,"containers":[{"id":"k","name":true,"status_code":300,"updated":1773158400}]},"x",{"id":"b","status_code":100}],
	  "incidents":"none","maintenance":{"active":[{"_id":"m","name":{"en":"x"}}]}}}`)
	if s.Status.Indicator != "minor" || len(s.Components) != 3 || len(s.ScheduledMaintenances) != 1 || len(s.Incidents) != 0 {
		t.Fatalf("got %+v", s)
	}
	if c := s.Components[1]; c.ID != "a/k" || c.Name != "7" || c.Status != "degraded_performance" || !c.UpdatedAt.IsZero() || s.Components[0].Name != "true" {
		t.Errorf("components %+v", s.Components)
	}
	if m := s.ScheduledMaintenances[0]; m.ID != "m" || m.Name != "" || m.Status != "in_progress" {
		t.Errorf("maintenance %+v", m)
	}
}

// TestStatusioInvalidUTF8: invalid UTF-8 and control characters in names
// decode (as U+FFFD); the collector's label check does the rest.
func TestStatusioInvalidUTF8(t *testing.T) {
	t.Parallel()
	s := decodeStatusioBody(t, "{\"result\":{\"status_overall\":{\"status_code\":100},\"status\":[{\"id\":\"a\xff\",\"name\":\"Web \xc3\x28 \\u0000\\r\\n\",\"containers\":[{\"id\":\"k\",\"name\":\"\xed\xa0\x80EU\",\"status_code\":100}]}]}}")
	if len(s.Components) != 2 {
		t.Fatalf("components %+v", s.Components)
	}
	if g, c := s.Components[0], s.Components[1]; g.Name != "\uFFFD\uFFFD\uFFFDEU" || c.ID != "a\uFFFD/k" || c.Name != "Web \uFFFD( \x00\r\n" {
		t.Errorf("group %q, component %q %q", g.Name, c.ID, c.Name)
	}
}

// TestStatusioComponentFilter: a filter by group (container) keeps the rows
// of the matching containers, drops incidents that affected only others,
// and leaves the platform's indicator alone.
func TestStatusioComponentFilter(t *testing.T) {
	t.Parallel()
	target := statusioTarget(t, "components:\n  exclude:\n    - group: EU\n    - name: Chat\n")
	s, err := target.DecodeDocuments([][]byte{[]byte(`{"result":{"status_overall":{"status_code":500},"status":[
	  {"id":"a","name":"API","containers":[{"id":"eu","name":"EU","status_code":500},{"id":"us","name":"US","status_code":100}]},
	  {"id":"c","name":"Chat","status_code":100}],
	  "incidents":[
	    {"_id":"i1","components_affected":[{"_id":"a"}],"containers_affected":[{"_id":"eu"}]},
	    {"_id":"i2","components_affected":[{"_id":"a"},{"_id":"c"}],"containers_affected":[]},
	    {"_id":"i3","components_affected":[{"_id":"c"}]}]}}`)}, []string{"application/json"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range s.Components {
		ids = append(ids, c.ID)
	}
	if want := []string{"us", "a/us"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("components %q, want %q", ids, want)
	}
	if len(s.Incidents) != 1 || s.Incidents[0].ID != "i2" || !reflect.DeepEqual(s.Incidents[0].Components, []AffectedComponent{{"a/us", "API"}}) {
		t.Errorf("incidents %+v, want i2 affecting a/us only", s.Incidents)
	}
	if s.Status.Indicator != "critical" {
		t.Errorf("indicator %q, want the platform's critical", s.Status.Indicator)
	}
}

// TestStatusioHuge: a document with 50,000 components, incidents and
// maintenances decodes whole.
func TestStatusioHuge(t *testing.T) {
	t.Parallel()
	const n = 50000
	var b bytes.Buffer
	b.WriteString(`{"result":{"status_overall":{"status_code":400},"status":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"c%d","name":"C%d","containers":[{"id":"k%d","name":"K","status_code":%d}]}`, i, i, i%7, 100*(1+i%6))
	}
	b.WriteString(`],"incidents":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"_id":"i%d","name":"I","messages":[{"state":100,"status":400,"datetime":"2026-03-10T10:00:00Z"}],"components_affected":[{"_id":"c%d"}],"containers_affected":[{"_id":"k%d"}]}`, i, i, i%7)
	}
	b.WriteString(`],"maintenance":{"active":[],"upcoming":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"_id":"m%d","components_affected":[{"_id":"c%d"}]}`, i, i)
	}
	b.WriteString(`]}}}`)
	s, err := decodeStatusio([][]byte{b.Bytes()}, &DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Components) != n+7 || len(s.Incidents) != n || len(s.ScheduledMaintenances) != n {
		t.Fatalf("%d components, %d incidents, %d maintenances; want %d, %d, %d", len(s.Components), len(s.Incidents), len(s.ScheduledMaintenances), n+7, n, n)
	}
	last := s.Incidents[n-1]
	if want := []AffectedComponent{{fmt.Sprintf("c%d/k%d", n-1, (n-1)%7), fmt.Sprintf("C%d", n-1)}}; !reflect.DeepEqual(last.Components, want) {
		t.Errorf("last incident affects %v, want %v", last.Components, want)
	}
}

// TestStatusioJoinBounded: events that name a component of very many
// containers cannot make the affected lists grow with the product of the
// two: the join spends at most a step per eight bytes of the document, and what
// it cannot afford is kept as the component's own id.
func TestStatusioJoinBounded(t *testing.T) {
	t.Parallel()
	const containers, events = 20000, 5000
	var b bytes.Buffer
	b.WriteString(`{"result":{"status_overall":{},"status":[{"id":"big","name":"Big","containers":[`)
	for i := range containers {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"k%d","status_code":100}`, i)
	}
	b.WriteString(`]}],"incidents":[`)
	for i := range events {
		if i > 0 {
			b.WriteByte(',')
		}
		// No container listed: the event means all of the component's rows.
		fmt.Fprintf(&b, `{"_id":"i%d","components_affected":[{"_id":"big","name":"Big"}]}`, i)
	}
	b.WriteString(`]}}`)
	body := b.Bytes()
	s, err := decodeStatusio([][]byte{body}, &DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	total, whole, own := 0, 0, 0
	for _, in := range s.Incidents {
		total += len(in.Components)
		switch {
		case len(in.Components) == containers:
			whole++
		case len(in.Components) == 1 && in.Components[0] == (AffectedComponent{"big", "Big"}):
			own++
		default:
			t.Fatalf("incident %s affects %d components", in.ID, len(in.Components))
		}
	}
	if total > len(body)/8+events {
		t.Errorf("%d affected entries from a %d-byte document", total, len(body))
	}
	if whole == 0 || own == 0 || whole+own != events {
		t.Errorf("%d incidents with every row, %d with the component's id; want both, %d in all", whole, own, events)
	}
	// A listed container is looked up, not searched for: the same events
	// naming one container each cost a step each.
	body = bytes.ReplaceAll(body, []byte(`"name":"Big"}]`), []byte(`"name":"Big"}],"containers_affected":[{"_id":"k7"}]`))
	if s, err = decodeStatusio([][]byte{body}, &DecodeOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, in := range s.Incidents {
		if want := []AffectedComponent{{"big/k7", "Big"}}; !reflect.DeepEqual(in.Components, want) {
			t.Fatalf("incident %s affects %v, want %v", in.ID, in.Components, want)
		}
	}
}

// FuzzStatusioDecode: no body makes the status.io decoder panic; it returns
// a summary or an error, never both; the summary's ids are non-empty and
// its component ids unique, components point at groups that exist, and
// nothing is derived over the platform's indicator.
func FuzzStatusioDecode(f *testing.F) {
	for _, b := range statusioTestdata(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"result":{"status_overall":{"status_code":"4e2"},"status":[{"id":"a/b","containers":[{"id":"%"},{"id":"%"}]},{"id":"%"}]}}`))
	f.Add([]byte(`{"result":{"status_overall":null,"incidents":[{"messages":[{"datetime":"2026-03-10"}],"components_affected":[{"id":1}]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeStatusio([][]byte{body}, &DecodeOptions{})
		if (err == nil) == (s == nil) {
			t.Fatalf("got summary %v and error %v; want exactly one", s != nil, err)
		}
		if err != nil {
			return
		}
		if s.Derive {
			t.Fatal("Derive set")
		}
		checkModel(t, s)
		for _, c := range s.Components {
			if c.Group && c.Status != "" {
				t.Fatalf("group %q has status %q; status.io gives none", c.ID, c.Status)
			}
		}
		affected := 0
		for _, in := range s.Incidents {
			affected += len(in.Components)
		}
		for _, m := range s.ScheduledMaintenances {
			if m.Status != "in_progress" && m.Status != "scheduled" {
				t.Fatalf("maintenance id %q, status %q", m.ID, m.Status)
			}
			affected += len(m.Components)
		}
		if affected > 2*len(body) {
			t.Fatalf("%d affected entries from %d bytes", affected, len(body))
		}
	})
}
