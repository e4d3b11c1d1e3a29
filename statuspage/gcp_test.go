package statuspage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// gcpTarget is a gcp page's target with extra page settings (YAML keys).
func gcpTarget(t *testing.T, extra string) *Target {
	t.Helper()
	var b strings.Builder
	b.WriteString("pages:\n  - name: g\n    provider: gcp\n    url: http://127.0.0.1:9/incidents.json\n")
	for line := range strings.SplitSeq(strings.TrimRight(extra, "\n"), "\n") {
		if line != "" {
			b.WriteString("    " + line + "\n")
		}
	}
	c, err := config.Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("configuration: %v\n%s", err, b.String())
	}
	set, err := NewTargetSet(c, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set.Target("g")
}

// decodeGCPFeed decodes a feed without allow-lists, failing on an error.
func decodeGCPFeed(t *testing.T, body string) *Summary {
	t.Helper()
	s, err := decodeGCP([][]byte{[]byte(body)}, &DecodeOptions{})
	if err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return s
}

// gcpOpen is an open current-format incident with the given extra fields
// (a JSON object's members, possibly empty).
func gcpOpen(id, members string) string {
	if members != "" {
		members = "," + members
	}
	return fmt.Sprintf(`{"id":%q,"begin":"2024-05-01T10:00:00+00:00","modified":"2024-05-01T11:00:00+00:00",`+
		`"external_desc":"Incident %s","uri":"incidents/%s"%s}`, id, id, id, members)
}

// TestGCPStatusAndImpact: what status_impact and severity make of a
// product's status and an incident's impact, and their precedence.
func TestGCPStatusAndImpact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		statusImpact, severity string // "" leaves the key out
		component, impact      string
	}{
		{"SERVICE_OUTAGE", "high", "major_outage", "critical"},
		{"SERVICE_DISRUPTION", "medium", "partial_outage", "major"},
		{"SERVICE_INFORMATION", "low", "operational", "none"},
		// A notice changes no component and has no impact, whatever its severity.
		{"SERVICE_INFORMATION", "high", "operational", "none"},
		{"service_outage", "HIGH", "major_outage", "critical"},
		// Without status_impact (legacy) the severity stands in.
		{"", "high", "major_outage", "critical"},
		{"", "medium", "partial_outage", "major"},
		{"", "low", "operational", "minor"},
		// Without severity the impact follows status_impact.
		{"SERVICE_OUTAGE", "", "major_outage", "critical"},
		{"SERVICE_DISRUPTION", "", "partial_outage", "major"},
		// Unknown values are kept as their own states.
		{"SERVICE_DEGRADATION", "medium", "service_degradation", "major"},
		{"", "Very High", "very_high", "very_high"},
		{"SERVICE_DEGRADATION", "", "service_degradation", ""},
		// Nothing said: absent, never operational.
		{"", "", "", ""},
	} {
		t.Run(tc.statusImpact+"/"+tc.severity, func(t *testing.T) {
			t.Parallel()
			var members []string
			if tc.statusImpact != "" {
				members = append(members, fmt.Sprintf(`"status_impact":%q`, tc.statusImpact))
			}
			if tc.severity != "" {
				members = append(members, fmt.Sprintf(`"severity":%q`, tc.severity))
			}
			members = append(members, `"affected_products":[{"title":"Cloud Run","id":"run"}]`)
			s := decodeGCPFeed(t, "["+gcpOpen("a", strings.Join(members, ","))+"]")
			if len(s.Components) != 1 || len(s.Incidents) != 1 {
				t.Fatalf("got %d components, %d incidents; want 1, 1", len(s.Components), len(s.Incidents))
			}
			if got := s.Components[0].Status; got != tc.component {
				t.Errorf("component status %q, want %q", got, tc.component)
			}
			if got := s.Incidents[0].Impact; got != tc.impact {
				t.Errorf("impact %q, want %q", got, tc.impact)
			}
			if !s.Derive || s.Status.Indicator != "" {
				t.Errorf("Derive %v, indicator %q: want the indicator left to deriveIndicator", s.Derive, s.Status.Indicator)
			}
		})
	}
}

// TestGCPIncidentStatus: the last update's status is kept as its own
// state; a legacy update has none.
func TestGCPIncidentStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ members, want string }{
		{`"most_recent_update":{"status":"SERVICE_DISRUPTION","text":"x"}`, "service_disruption"},
		{`"most_recent_update":{"status":"AVAILABLE"}`, "available"},
		{`"most_recent_update":{"status":"Service Information"}`, "service_information"},
		{`"most_recent_update":{"status":"RECOVERING"}`, "recovering"},
		{`"most-recent-update":{"text":"legacy","when":"2020-01-01T00:00:00Z"}`, ""},
		{`"most_recent_update":null`, ""},
		{`"most_recent_update":"AVAILABLE"`, ""},
		{`"most_recent_update":{"status":7}`, "7"},
	} {
		s := decodeGCPFeed(t, "["+gcpOpen("a", tc.members)+"]")
		if len(s.Incidents) != 1 || s.Incidents[0].Status != tc.want {
			t.Errorf("%s: got %+v, want one incident with status %q", tc.members, s.Incidents, tc.want)
		}
	}
}

// TestGCPOpenOnlyByEnd: an incident is open when end is absent, null or
// blank, whatever its last status says; anything else closes it.
func TestGCPOpenOnlyByEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		end  string // "" leaves the key out
		open bool
	}{
		{"", true}, {`null`, true}, {`""`, true}, {`"  "`, true},
		{`"2024-05-01T12:00:00+00:00"`, false}, {`"not a time"`, false}, {`0`, false},
		{`1714564800`, false}, {`false`, false}, {`{}`, false}, {`[]`, false},
	} {
		members := `"status_impact":"SERVICE_DISRUPTION","most_recent_update":{"status":"SERVICE_DISRUPTION"},"affected_products":[{"title":"Cloud Run","id":"run"}]`
		if tc.end != "" {
			members += `,"end":` + tc.end
		}
		s := decodeGCPFeed(t, "["+gcpOpen("a", members)+"]")
		if open := len(s.Incidents) == 1 && len(s.Components) == 1; open != tc.open {
			t.Errorf("end %s: %d incidents, %d components; open %v, want %v", tc.end, len(s.Incidents), len(s.Components), open, tc.open)
		}
		// The page's updated time is the feed's newest change, open or closed.
		if want := time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC); !s.Page.UpdatedAt.Equal(want) {
			t.Errorf("end %s: page updated %v, want %v", tc.end, s.Page.UpdatedAt, want)
		}
	}
}

// TestGCPWorstStatus: a product named by several open incidents takes the
// worst status among them, in either order, and the newest modified.
func TestGCPWorstStatus(t *testing.T) {
	t.Parallel()
	incident := func(id, impact, modified string) string {
		members := `"affected_products":[{"title":"Cloud Run","id":"run"}],"modified":"` + modified + `"`
		if impact != "" {
			members += `,"status_impact":"` + impact + `"`
		}
		return strings.Replace(gcpOpen(id, members), `"modified":"2024-05-01T11:00:00+00:00",`, "", 1)
	}
	for _, tc := range []struct{ a, b, want string }{
		{"SERVICE_DISRUPTION", "SERVICE_OUTAGE", "major_outage"},
		{"SERVICE_INFORMATION", "SERVICE_DISRUPTION", "partial_outage"},
		{"SERVICE_NEW", "SERVICE_DISRUPTION", "partial_outage"},
		{"SERVICE_INFORMATION", "SERVICE_NEW", "service_new"},
		{"SERVICE_INFORMATION", "", "operational"},
		{"", "", ""},
	} {
		for _, order := range [][2]string{{tc.a, tc.b}, {tc.b, tc.a}} {
			feed := "[" + incident("x", order[0], "2024-05-01T11:00:00Z") + "," + incident("y", order[1], "2024-05-01T12:00:00Z") + "]"
			s := decodeGCPFeed(t, feed)
			if len(s.Components) != 1 || s.Components[0].Status != tc.want {
				t.Errorf("%s then %s: components %+v, want one with status %q", order[0], order[1], s.Components, tc.want)
				continue
			}
			if want := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC); !s.Components[0].UpdatedAt.Equal(want) {
				t.Errorf("%s then %s: updated %v, want %v", order[0], order[1], s.Components[0].UpdatedAt, want)
			}
		}
	}
}

// TestGCPAllowLists: products and locations by title or id, ignoring
// case; an incident that names no current location passes a location list.
func TestGCPAllowLists(t *testing.T) {
	t.Parallel()
	feed := "[" + strings.Join([]string{
		gcpOpen("both", `"affected_products":[{"title":"Cloud Spanner","id":"spanner"},{"title":"Cloud Run","id":"run"}],`+
			`"currently_affected_locations":[{"title":"Frankfurt (europe-west3)","id":"europe-west3"}]`),
		gcpOpen("asia", `"affected_products":[{"title":"Cloud Spanner","id":"spanner"}],`+
			`"currently_affected_locations":[{"title":"Taiwan (asia-east1)","id":"asia-east1"}]`),
		gcpOpen("nowhere", `"affected_products":[{"title":"Cloud DNS","id":"dns"}],"currently_affected_locations":[]`),
		gcpOpen("legacy", `"service_name":"Google Compute Engine","service_key":"compute"`),
		gcpOpen("nothing", ``),
	}, ",") + "]"
	for _, tc := range []struct {
		name, extra string
		incidents   []string
		components  []string
		affected    map[string][]string
	}{
		{"no lists", "", []string{"both", "asia", "nowhere", "legacy", "nothing"},
			[]string{"spanner", "run", "dns", "compute"}, map[string][]string{"both": {"spanner", "run"}}},
		{"product by title", "gcp: {products: [CLOUD SPANNER]}", []string{"both", "asia"},
			[]string{"spanner"}, map[string][]string{"both": {"spanner"}}},
		{"product by id", "gcp: {products: [run, Compute]}", []string{"both", "legacy"},
			[]string{"run", "compute"}, map[string][]string{"both": {"run"}}},
		{"legacy by service name", "gcp: {products: [google compute engine]}", []string{"legacy"},
			[]string{"compute"}, nil},
		{"location by id", "gcp: {locations: [Europe-West3]}", []string{"both", "nowhere", "legacy", "nothing"},
			[]string{"spanner", "run", "dns", "compute"}, nil},
		{"location by title", "gcp: {locations: [taiwan (asia-east1)]}", []string{"asia", "nowhere", "legacy", "nothing"},
			[]string{"spanner", "dns", "compute"}, nil},
		{"both lists", "gcp: {products: [spanner, dns], locations: [asia-east1]}", []string{"asia", "nowhere"},
			[]string{"spanner", "dns"}, nil},
		{"nothing allowed", "gcp: {products: [bigquery]}", nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := gcpTarget(t, tc.extra).DecodeDocuments([][]byte{[]byte(feed)}, []string{"application/json"})
			if err != nil {
				t.Fatal(err)
			}
			var incidents, components []string
			for _, in := range s.Incidents {
				incidents = append(incidents, in.ID)
				if want, ok := tc.affected[in.ID]; ok {
					var got []string
					for _, c := range in.Components {
						got = append(got, c.ID)
					}
					if !slices.Equal(got, want) {
						t.Errorf("incident %s affects %v, want %v", in.ID, got, want)
					}
				}
			}
			for _, c := range s.Components {
				components = append(components, c.ID)
			}
			if !slices.Equal(incidents, tc.incidents) || !slices.Equal(components, tc.components) {
				t.Errorf("incidents %v components %v; want %v and %v", incidents, components, tc.incidents, tc.components)
			}
		})
	}
}

// TestGCPIdentity: incident ids of both formats, derived ones, repeats,
// and product ids and names that are missing or repeated.
func TestGCPIdentity(t *testing.T) {
	t.Parallel()
	legacy := func(members string) string {
		return `{"begin":"2020-07-30T15:38:32Z","external_desc":"x","severity":"medium"` + members + `}`
	}
	for _, tc := range []struct{ element, id, shortlink string }{
		{gcpOpen("Ab1", ""), "Ab1", "https://status.cloud.google.com/incidents/Ab1"},
		{legacy(`,"number":20009,"service_key":"compute","uri":"/incident/compute/20009"`), "compute/20009", "https://status.cloud.google.com/incident/compute/20009"},
		{legacy(`,"number":20009,"service_key":"compute"`), "compute/20009", ""},
		{legacy(`,"number":"20009"`), "20009", ""},
		{legacy(`,"uri":"https://status.cloud.google.com/incidents/Zz9"`), "Zz9", "https://status.cloud.google.com/incidents/Zz9"},
		{legacy(`,"id":"  Cd2  ","uri":"//incidents/Cd2"`), "Cd2", "https://status.cloud.google.com/incidents/Cd2"},
	} {
		s := decodeGCPFeed(t, "["+tc.element+"]")
		if len(s.Incidents) != 1 || s.Incidents[0].ID != tc.id || s.Incidents[0].Shortlink != tc.shortlink {
			t.Errorf("%s: got %+v, want id %q shortlink %q", tc.element, s.Incidents, tc.id, tc.shortlink)
		}
	}

	// Google Workspace serves the same feed; its incidents' pages are on
	// its own dashboard. Any other url (a mirror) links to Google Cloud's.
	for url, want := range map[string]string{
		"https://www.google.com/appsstatus/dashboard/incidents.json": "https://www.google.com/appsstatus/dashboard/incidents/Ws1",
		"https://status.cloud.google.com/incidents.json":             "https://status.cloud.google.com/incidents/Ws1",
		"https://mirror.example/gcp/incidents.json":                  "https://status.cloud.google.com/incidents/Ws1",
	} {
		s, err := decodeGCP([][]byte{[]byte("[" + gcpOpen("Ws1", "") + "]")}, &DecodeOptions{URL: url})
		if err != nil || len(s.Incidents) != 1 || s.Incidents[0].Shortlink != want {
			t.Errorf("feed at %s: %v, %+v; want shortlink %s", url, err, s, want)
		}
	}

	// No id, uri or number: a hash of begin and description, stable, and
	// different for another begin.
	a := decodeGCPFeed(t, `[{"begin":"2024-01-01T00:00:00Z","external_desc":"same"}]`)
	b := decodeGCPFeed(t, `[{"begin":"2024-01-01T00:00:00+00:00","external_desc":"same"}]`)
	c := decodeGCPFeed(t, `[{"begin":"2024-01-02T00:00:00Z","external_desc":"same"}]`)
	if ida := a.Incidents[0].ID; !strings.HasPrefix(ida, "gcp-") || ida != b.Incidents[0].ID || ida == c.Incidents[0].ID {
		t.Errorf("derived ids %q, %q, %q: want a stable gcp- hash that differs by begin", ida, b.Incidents[0].ID, c.Incidents[0].ID)
	}

	// A repeated incident: the first wins, the repeat changes no component.
	s := decodeGCPFeed(t, "["+gcpOpen("r", `"status_impact":"SERVICE_DISRUPTION","affected_products":[{"title":"Run","id":"run"}]`)+","+
		gcpOpen("r", `"status_impact":"SERVICE_OUTAGE","affected_products":[{"title":"Run","id":"run"},{"title":"DNS","id":"dns"}]`)+"]")
	if len(s.Incidents) != 1 || len(s.Components) != 1 || s.Components[0].Status != "partial_outage" {
		t.Errorf("repeated incident: %+v / %+v, want the first only", s.Incidents, s.Components)
	}

	// Products: a repeat once, a missing id or title from the other, a
	// bare string as both, nameless ones and other types skipped.
	s = decodeGCPFeed(t, "["+gcpOpen("p", `"affected_products":[{"title":"Run","id":"run"},{"title":"Run again","id":"run"},`+
		`{"title":"Only title"},{"id":"only-id"},"Bare",{"title":"","id":null},null,7,[],{}]`)+"]")
	var got []string
	for _, c := range s.Components {
		got = append(got, c.ID+"="+c.Name)
	}
	if want := []string{"run=Run", "Only title=Only title", "only-id=only-id", "Bare=Bare"}; !slices.Equal(got, want) {
		t.Errorf("products %v, want %v", got, want)
	}
	if n := len(s.Incidents[0].Components); n != 4 {
		t.Errorf("%d affected components, want 4", n)
	}
}

// TestGCPName: the first non-blank line of external_desc, trimmed.
func TestGCPName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ desc, want string }{
		{`"One line"`, "One line"},
		{`"First\nsecond"`, "First"},
		{`"\r\n  \n  Title here  \r\nmore"`, "Title here"},
		{`""`, ""},
		{`null`, ""},
		{`42`, "42"},
		{`"bad \u0000 byte \ud800"`, "bad \x00 byte \ufffd"},
	} {
		s := decodeGCPFeed(t, `[{"id":"n","external_desc":`+tc.desc+`}]`)
		if len(s.Incidents) != 1 || s.Incidents[0].Name != tc.want {
			t.Errorf("external_desc %s: got %+v, want name %q", tc.desc, s.Incidents, tc.want)
		}
	}
}

// TestGCPShape: what is not a feed fails saying what it looks like; an
// empty feed and odd elements among incidents do not.
func TestGCPShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, err string }{
		{``, "looks like an empty document; provider is gcp"},
		{`<html>Service Unavailable</html>`, "looks like HTML or XML; provider is gcp"},
		{`{}`, "not a Google Cloud incidents feed"},
		{`null`, "not a Google Cloud incidents feed"},
		{`"[]"`, "not a Google Cloud incidents feed"},
		{`5`, "not a Google Cloud incidents feed"},
		{`{"page":{"id":"x","name":"Example"},"components":[]}`, "looks like a Statuspage document; provider is gcp"},
		{`[{"arn":"arn:aws:health:us-east-1::event/EC2/x","service":"EC2"}]`, "looks like an AWS Health events list; provider is gcp"},
		{`{"status":"ok","active_incidents":[]}`, "looks like a Slack status document; provider is gcp"},
		{`[1,2,3]`, "none of them an incident"},
		{`[null]`, "none of them an incident"},
		{`[[]]`, "none of them an incident"},
		{`[{"name":"x","status":"down"}]`, "none of them an incident"},
		{`[{}]`, "none of them an incident"},
		{`[{"id":"a"`, "unexpected EOF"},
		{`[{"id":"a"},]`, "invalid character"},
		{`[] []`, "data after the top-level array"},
		{`[]x`, "data after the top-level array"},
	} {
		s, err := decodeGCP([][]byte{[]byte(tc.body)}, &DecodeOptions{})
		if err == nil || s != nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: got %v, %v; want an error containing %q", tc.body, s, err, tc.err)
		}
	}
	for _, body := range []string{`[]`, " \r\n[ ]\n", "\xef\xbb\xbf[]"} {
		s, err := gcpTarget(t, "").DecodeDocuments([][]byte{[]byte(body)}, []string{"application/json"})
		if err != nil || len(s.Components)+len(s.Incidents)+len(s.ScheduledMaintenances) != 0 || s.Status.Indicator != "none" {
			t.Errorf("%q: got %+v, %v; want an empty page with indicator none", body, s, err)
		}
	}
	// One stray value among incidents is skipped, not fatal.
	s := decodeGCPFeed(t, "[7,null,\"x\","+gcpOpen("a", "")+",{}]")
	if len(s.Incidents) != 1 {
		t.Errorf("stray values: %d incidents, want 1", len(s.Incidents))
	}
}

// TestGCPWrongTypes: every field null or of another type: no failure,
// the rest of the element still counts.
func TestGCPWrongTypes(t *testing.T) {
	t.Parallel()
	for _, v := range []string{`null`, `true`, `12`, `"text"`, `[]`, `{}`, `[1,"a",null]`, `{"x":[{}]}`} {
		var members []string
		for _, k := range []string{"number", "begin", "created", "modified", "end", "external_desc", "most_recent_update",
			"most-recent-update", "status_impact", "severity", "service_key", "service_name", "affected_products",
			"currently_affected_locations", "previously_affected_locations", "uri", "updates", "public"} {
			members = append(members, fmt.Sprintf("%q:%s", k, v))
		}
		body := `[{"id":"w",` + strings.Join(members, ",") + `},` + gcpOpen("ok", `"affected_products":[{"title":"Run","id":"run"}],"severity":"low"`) + `]`
		s, err := decodeGCP([][]byte{[]byte(body)}, &DecodeOptions{})
		if err != nil {
			t.Errorf("every field %s: %v", v, err)
			continue
		}
		last := s.Incidents[len(s.Incidents)-1]
		if last.ID != "ok" || last.Impact != "minor" || len(s.Components) == 0 {
			t.Errorf("every field %s: the good incident after it is lost: %+v", v, s.Incidents)
		}
	}
}

// TestGCPInvalidUTF8: invalid bytes in texts become U+FFFD.
func TestGCPInvalidUTF8(t *testing.T) {
	t.Parallel()
	body := "[{\"id\":\"u\xff\",\"external_desc\":\"Bad \xe2\x82 name\",\"uri\":\"incidents/u\xff\"," +
		"\"affected_products\":[{\"title\":\"Run \xc3\x28\",\"id\":\"r\xfe\"}]}]"
	s := decodeGCPFeed(t, body)
	in, c := s.Incidents[0], s.Components[0]
	for _, v := range []string{in.ID, in.Name, in.Shortlink, c.ID, c.Name} {
		if !utf8.ValidString(v) || !strings.Contains(v, "\ufffd") {
			t.Errorf("%q: want valid UTF-8 with U+FFFD", v)
		}
	}
}

// TestGCPLarge: big feeds decode completely, in one pass. A feed of
// 50,000 closed incidents with long update texts and one open one; 50,000
// open incidents over 100 products; one incident naming 50,000 products
// and 50,000 locations.
func TestGCPLarge(t *testing.T) {
	t.Parallel()
	const n = 50000
	text := "An update of some length, with \"quotes\" and a\nnewline."
	var b bytes.Buffer
	b.WriteString("[")
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c%d","end":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","status_impact":"SERVICE_OUTAGE",`+
			`"affected_products":[{"title":"P%d","id":"p%d"}],"updates":[{"text":%q}],"most_recent_update":{"text":%q,"status":"SERVICE_OUTAGE"}},`,
			i, i, i, text, text)
	}
	b.WriteString(gcpOpen("last", `"status_impact":"SERVICE_OUTAGE","affected_products":[{"title":"Run","id":"run"}]`) + "]")
	s := decodeGCPFeed(t, b.String())
	if len(s.Incidents) != 1 || s.Incidents[0].ID != "last" || len(s.Components) != 1 {
		t.Errorf("closed history: %d incidents, %d components; want the last one only", len(s.Incidents), len(s.Components))
	}

	b.Reset()
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(gcpOpen(fmt.Sprintf("o%d", i), fmt.Sprintf(`"status_impact":"SERVICE_DISRUPTION","affected_products":[{"title":"P%d","id":"p%d"}]`, i%100, i%100)))
	}
	b.WriteString("]")
	s = decodeGCPFeed(t, b.String())
	if len(s.Incidents) != n || len(s.Components) != 100 {
		t.Errorf("open incidents: %d incidents, %d components; want %d, 100", len(s.Incidents), len(s.Components), n)
	}

	var products, locations []string
	for i := range n {
		products = append(products, fmt.Sprintf(`{"title":"P%d","id":"p%d"}`, i, i%(n/2)))
		locations = append(locations, fmt.Sprintf(`{"title":"L%d","id":"l%d"}`, i, i))
	}
	feed := "[" + gcpOpen("wide", `"affected_products":[`+strings.Join(products, ",")+`],"currently_affected_locations":[`+strings.Join(locations, ",")+`]`) + "]"
	wide, err := decodeGCP([][]byte{[]byte(feed)}, &DecodeOptions{GCP: config.GCPOptions{Locations: []string{fmt.Sprintf("l%d", n-1)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(wide.Components) != n/2 || len(wide.Incidents) != 1 || len(wide.Incidents[0].Components) != n/2 {
		t.Errorf("wide incident: %d components; want %d, each once", len(wide.Components), n/2)
	}
}

// FuzzGCPDecode: no feed makes the decoder panic; it returns a summary or
// an error, never both; components have unique non-empty ids, incidents
// non-empty ids, every affected component is a component, allow-lists
// hold, and no indicator is made up before it is derived.
func FuzzGCPDecode(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "testdata", "providers", "gcp", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range seeds {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte(`[{"id":"a","affected_products":["Cloud Spanner"],"currently_affected_locations":[{"id":"europe-west3"}]}]`), true)
	f.Add([]byte(`[{"begin":"2020-07-30T15:38:32Z","number":1,"service_key":"compute","most-recent-update":{}}]`), true)
	f.Fuzz(func(t *testing.T, body []byte, lists bool) {
		o := &DecodeOptions{}
		if lists {
			o.GCP = config.GCPOptions{Products: []string{"Cloud Spanner", "compute"}, Locations: []string{"europe-west3"}}
		}
		s, err := decodeGCP([][]byte{body}, o)
		switch {
		case err != nil && s != nil:
			t.Fatalf("a summary together with error %v", err)
		case err != nil:
			return
		case s == nil:
			t.Fatal("neither a summary nor an error")
		case !s.Derive || s.Status.Indicator != "":
			t.Fatalf("Derive %v, indicator %q", s.Derive, s.Status.Indicator)
		case len(s.ScheduledMaintenances) != 0:
			t.Fatal("maintenances from a feed that has none")
		}
		checkModel(t, s)
		ids := map[string]bool{}
		for _, c := range s.Components {
			if c.Name == "" || c.Group || c.GroupID != "" {
				t.Fatalf("component without a name, or in a group: %+v", c)
			}
			ids[c.ID] = true
			if lists {
				allowed := map[string]bool{"cloud spanner": true, "compute": true}
				if !allowed[strings.ToLower(c.ID)] && !allowed[strings.ToLower(c.Name)] {
					t.Fatalf("component %+v is not in the allow-list", c)
				}
			}
		}
		incidents := map[string]bool{}
		for _, in := range s.Incidents {
			if incidents[in.ID] {
				t.Fatalf("repeated incident id in %+v", in)
			}
			incidents[in.ID] = true
			for _, a := range in.Components {
				if !ids[a.ID] {
					t.Fatalf("incident %s affects %q, not a component", in.ID, a.ID)
				}
			}
		}
	})
}
