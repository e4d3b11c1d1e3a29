package statuspage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// utf16Bytes encodes s as UTF-16, with a byte order mark when bom is set.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestUTF8Body(t *testing.T) {
	t.Parallel()
	const doc = `[{"summary":"Ausfall in Zürich 🚧"}]`
	for _, tc := range []struct {
		name, contentType string
		body              []byte
		want              string
		err               string
	}{
		{"utf-8", "application/json", []byte(doc), doc, ""},
		{"utf-8 with BOM", "application/json", append([]byte("\xef\xbb\xbf"), doc...), doc, ""},
		{"utf-16le with BOM", "application/json", utf16Bytes(doc, false, true), doc, ""},
		{"utf-16be with BOM", "", utf16Bytes(doc, true, true), doc, ""},
		// AWS Health: charset=utf-16 and no BOM; the zero bytes tell the order.
		{"utf-16le by charset", "application/json;charset=utf-16", utf16Bytes(doc, false, false), doc, ""},
		{"utf-16be by charset", "application/json; charset=UTF-16BE", utf16Bytes(doc, true, false), doc, ""},
		{"utf-16le undeclared", "application/json", utf16Bytes(doc, false, false), doc, ""},
		// Declared UTF-16 but sent as UTF-8: the body is what it looks like.
		{"utf-8 declared utf-16", "application/json;charset=utf-16", []byte(doc), doc, ""},
		{"unpaired surrogate", "", append(utf16Bytes(`"a`, false, true), 0x00, 0xd8, '"', 0), "\"a\uFFFD\"", ""},
		{"truncated utf-16", "", utf16Bytes(doc, false, true)[:9], "", "UTF-16 body of odd length"},
		{"empty", "application/json;charset=utf-16", nil, "", ""},
	} {
		got, err := utf8Body(tc.body, tc.contentType)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && (err != nil || string(got) != tc.want):
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestLooksLike(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, want string }{
		{`{"page":{"id":"x","name":"GitHub"},"status":{"indicator":"none"}}`, looksStatuspage},
		{`{"page":{"id":"x"},"components":[]}`, looksStatuspage},
		{`{"page":{"name":"Acme","status":"UP"}}`, looksInstatus},
		{`{"page":{"name":"Acme"},"activeIncidents":[]}`, looksInstatus},
		{`{"result":{"status_overall":{"status_code":100}}}`, looksStatusio},
		{`{"status":"ok","active_incidents":[]}`, looksSlack},
		{`[{"id":"a","external_desc":"x"}]`, looksGCP},
		{`[{"service_key":"appengine","most-recent-update":{}}]`, looksGCP},
		{`[{"arn":"arn:aws:health:us-east-1::event/x","service":"ec2"}]`, looksAWS},
		{`[{"region_name":"Oregon","impacted_services":{}}]`, looksAWS},
		{` []`, "an empty JSON array"},
		{"<!DOCTYPE html><html>", "HTML or XML"},
		{"", "an empty document"},
		{`{"result":"ok"}`, ""},
		{`{"page":null}`, ""},
		{`{"page":[]}`, ""},
		{`[1,2]`, ""},
		{`[{"a":1}]`, ""},
		{`{"a":`, ""},
		{`"text"`, ""},
	} {
		if got := looksLike([]byte(tc.body)); got != tc.want {
			t.Errorf("looksLike(%s) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

// TestMigrationDetected: a Statuspage page whose vendor moved answers with
// another platform's document; the page fails saying so rather than reading
// as a page without components.
func TestMigrationDetected(t *testing.T) {
	t.Parallel()
	target := &Target{Name: "p"}
	for body, want := range map[string]string{
		`{"page":{"name":"Acme","url":"https://status.acme.example","status":"UP"}}`: "looks like an Instatus summary; provider is statuspage",
		`{"result":{"status_overall":{"status_code":100}}}`:                          "looks like a status.io document; provider is statuspage",
		`[]`: "top-level value is not a JSON object",
	} {
		_, err := target.DecodeDocuments([][]byte{[]byte(body)}, []string{"application/json"})
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", body, err, want)
		}
	}
}

func TestInstatusDocuments(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string][]string{
		"https://status.acme.example":              {"https://status.acme.example/summary.json", "https://status.acme.example/v3/components.json"},
		"https://status.acme.example/":             {"https://status.acme.example/summary.json", "https://status.acme.example/v3/components.json"},
		"https://acme.example/status/summary.json": {"https://acme.example/status/summary.json", "https://acme.example/status/v3/components.json"},
		"http://127.0.0.1:8080/pages/acme/":        {"http://127.0.0.1:8080/pages/acme/summary.json", "http://127.0.0.1:8080/pages/acme/v3/components.json"},
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := instatusDocuments(u); !slices.Equal(got, want) {
			t.Errorf("instatusDocuments(%s) = %q, want %q", raw, got, want)
		}
	}
}

// filterFixture is a page with two groups, a component without group, an
// incident on a kept and a dropped component, one only on dropped ones, one
// on none, and a maintenance on a component the list does not hold.
func filterFixture() *Summary {
	return &Summary{
		Components: []Component{
			{ID: "g-eu", Name: "Europe", Group: true, Status: "partial_outage"},
			{ID: "g-us", Name: "Americas", Group: true, Status: "operational"},
			{ID: "api-eu", Name: "API", GroupID: "g-eu", Status: "partial_outage"},
			{ID: "web-eu", Name: "Website", GroupID: "g-eu", Status: "operational"},
			{ID: "api-us", Name: "API", GroupID: "g-us", Status: "operational"},
			{ID: "legacy-us", Name: "Legacy API", GroupID: "g-us", Status: "major_outage"},
			{ID: "billing", Name: "Billing", Status: "operational"},
		},
		Incidents: []Incident{
			{ID: "i1", Components: []AffectedComponent{{ID: "api-eu", Name: "API"}, {ID: "web-eu", Name: "Website"}}},
			{ID: "i2", Components: []AffectedComponent{{ID: "legacy-us", Name: "Legacy API"}}},
			{ID: "i3"},
		},
		ScheduledMaintenances: []Maintenance{
			{ID: "m1", Components: []AffectedComponent{{ID: "unlisted", Name: "Website"}}},
			{ID: "m2", Components: []AffectedComponent{{ID: "unlisted2", Name: "API"}}},
		},
	}
}

func ptr(s string) *string { return &s }

func TestComponentFilter(t *testing.T) {
	t.Parallel()
	ids := func(s *Summary) (cs, is, ms []string) {
		for _, c := range s.Components {
			cs = append(cs, c.ID)
		}
		for _, in := range s.Incidents {
			var a []string
			for _, c := range in.Components {
				a = append(a, c.ID)
			}
			is = append(is, in.ID+":"+strings.Join(a, ","))
		}
		for _, m := range s.ScheduledMaintenances {
			ms = append(ms, m.ID)
		}
		return cs, is, ms
	}
	for _, tc := range []struct {
		name       string
		filter     config.ComponentFilter
		components []string
		incidents  []string
		mnts       []string
	}{
		{
			name:       "none",
			components: []string{"g-eu", "g-us", "api-eu", "web-eu", "api-us", "legacy-us", "billing"},
			incidents:  []string{"i1:api-eu,web-eu", "i2:legacy-us", "i3:"},
			mnts:       []string{"m1", "m2"},
		},
		{
			name:       "include by name, anchored",
			filter:     config.ComponentFilter{Include: []config.ComponentMatch{{Name: ptr("API")}}},
			components: []string{"g-eu", "g-us", "api-eu", "api-us"},
			incidents:  []string{"i1:api-eu", "i3:"},
			mnts:       []string{"m2"},
		},
		{
			name:       "include by group, exclude by name",
			filter:     config.ComponentFilter{Include: []config.ComponentMatch{{Group: ptr("Americas")}}, Exclude: []config.ComponentMatch{{Name: ptr("Legacy.*")}}},
			components: []string{"g-us", "api-us"},
			incidents:  []string{"i3:"},
			mnts:       nil,
		},
		{
			name:       "name and group together",
			filter:     config.ComponentFilter{Exclude: []config.ComponentMatch{{Name: ptr("API"), Group: ptr("Europe")}}},
			components: []string{"g-eu", "g-us", "web-eu", "api-us", "legacy-us", "billing"},
			incidents:  []string{"i1:web-eu", "i2:legacy-us", "i3:"},
			// m2's API is not listed: judged with group "", which is not Europe.
			mnts: []string{"m1", "m2"},
		},
		{
			// A component without group has group "".
			name: "ungrouped only",
			// The maintenances' unlisted components count as ungrouped.
			filter:     config.ComponentFilter{Include: []config.ComponentMatch{{Group: ptr("")}, {Name: ptr("Billing")}}},
			components: []string{"billing"},
			incidents:  []string{"i3:"},
			mnts:       []string{"m1", "m2"},
		},
	} {
		f, err := newComponentFilter(&tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		s := filterFixture()
		f.apply(s)
		cs, is, ms := ids(s)
		if !slices.Equal(cs, tc.components) || !slices.Equal(is, tc.incidents) || !slices.Equal(ms, tc.mnts) {
			t.Errorf("%s:\n got components %q incidents %q maintenances %q\nwant components %q incidents %q maintenances %q",
				tc.name, cs, is, ms, tc.components, tc.incidents, tc.mnts)
		}
	}
}

func TestDeriveIndicator(t *testing.T) {
	t.Parallel()
	comps := func(statuses ...string) []Component {
		var cs []Component
		for i, s := range statuses {
			cs = append(cs, Component{ID: string(rune('a' + i)), Status: s})
		}
		return cs
	}
	for _, tc := range []struct {
		name string
		s    Summary
		want string
	}{
		{"nothing at all", Summary{}, "none"},
		{"all operational", Summary{Components: comps("operational", "operational")}, "none"},
		{"degraded", Summary{Components: comps("operational", "degraded_performance")}, "minor"},
		{"partial", Summary{Components: comps("operational", "Partial Outage")}, "minor"},
		{"one major", Summary{Components: comps("operational", "major_outage")}, "major"},
		{"all major", Summary{Components: comps("major_outage", "MAJOR_OUTAGE")}, "critical"},
		{"maintenance only", Summary{Components: comps("operational", "under_maintenance")}, "maintenance"},
		{"maintenance and degraded", Summary{Components: comps("under_maintenance", "degraded_performance")}, "minor"},
		{"maintenance in progress", Summary{ScheduledMaintenances: []Maintenance{{ID: "m", Status: "in_progress"}}}, "maintenance"},
		{"scheduled maintenance", Summary{ScheduledMaintenances: []Maintenance{{ID: "m", Status: "scheduled"}}}, "none"},
		{"incident impact", Summary{Components: comps("operational"), Incidents: []Incident{{ID: "i", Impact: "critical"}}}, "critical"},
		{"incident without impact", Summary{Incidents: []Incident{{ID: "i", Impact: "none"}}}, "none"},
		{"worst of both", Summary{Components: comps("major_outage", "operational"), Incidents: []Incident{{ID: "i", Impact: "minor"}}}, "major"},
		// Unknown never reads as operational.
		{"unknown component status", Summary{Components: comps("operational", "code_700")}, "minor"},
		{"unknown impact", Summary{Incidents: []Incident{{ID: "i", Impact: "severe"}}}, "minor"},
		{"groups do not count", Summary{Components: []Component{{ID: "g", Group: true, Status: "major_outage"}, {ID: "c", Status: "operational"}}}, "none"},
	} {
		if got := deriveIndicator(&tc.s); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// twoDocuments is a provider reading a main document and an optional
// second one, recording what it was given.
func twoDocuments(got *[][]byte, mu *sync.Mutex) *provider {
	return &provider{
		name: "two",
		documents: func(u *url.URL) []string {
			return []string{u.String() + "/main.json", u.String() + "/extra.json"}
		},
		optional: func(i int) bool { return i == 1 },
		decode: func(docs [][]byte, _ *DecodeOptions) (*Summary, error) {
			mu.Lock()
			defer mu.Unlock()
			*got = slices.Clone(docs)
			if !strings.Contains(string(docs[0]), "page") {
				return nil, errors.New("no page")
			}
			return &Summary{Page: Page{Name: string(docs[0])}}, nil
		},
	}
}

// TestFetchDocuments: a provider's documents are fetched one after the
// other; an optional one may be missing, any other failure fails the fetch
// naming the document; validators are kept per document.
func TestFetchDocuments(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		status   = map[string]int{"/main.json": 200, "/extra.json": 200}
		bodies   = map[string][]byte{"/main.json": []byte(`"page"`), "/extra.json": utf16Bytes(`"extra é"`, false, false)}
		etags    = map[string]string{"/main.json": `"m1"`, "/extra.json": `"e1"`}
		requests []string
	)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		requests = append(requests, r.URL.Path+" "+r.Header.Get("If-None-Match"))
		if code := status[r.URL.Path]; code != http.StatusOK {
			w.WriteHeader(code)
			return
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etags[r.URL.Path] {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etags[r.URL.Path])
		if r.URL.Path == "/extra.json" {
			w.Header().Set("Content-Type", "application/json;charset=utf-16")
		}
		w.WriteHeader(status[r.URL.Path])
		_, _ = w.Write(bodies[r.URL.Path])
	}))
	var decoded [][]byte
	p := twoDocuments(&decoded, &mu)
	u, _ := url.Parse(srv.URL)
	target := &Target{Name: "p", provider: p, documents: p.documents(u), SummaryURL: p.documents(u)[0]}
	f := &Fetcher{}
	fetch := func(v []Validators) (*Summary, Response, []string, error) {
		mu.Lock()
		requests = nil
		mu.Unlock()
		s, resp, err := f.FetchIfChanged(context.Background(), target, v)
		mu.Lock()
		defer mu.Unlock()
		return s, resp, slices.Clone(requests), err
	}

	s, resp, reqs, err := fetch(nil)
	if err != nil || s == nil || string(decoded[1]) != `"extra é"` || !reflect.DeepEqual(resp.Validators, []Validators{{ETag: `"m1"`}, {ETag: `"e1"`}}) {
		t.Fatalf("both documents: %v, %q, validators %+v", err, decoded, resp.Validators)
	}
	if !slices.Equal(reqs, []string{"/main.json ", "/extra.json "}) {
		t.Errorf("requests %q", reqs)
	}
	validators := resp.Validators

	// Nothing changed: one conditional request each, no decoding.
	_, resp, reqs, err = fetch(validators)
	if err != nil || !resp.NotModified || !slices.Equal(reqs, []string{`/main.json "m1"`, `/extra.json "e1"`}) {
		t.Errorf("unchanged: %v, not modified %t, requests %q", err, resp.NotModified, reqs)
	}

	// Only the second changed: the first is asked again without validators,
	// since only decoded data is cached.
	mu.Lock()
	etags["/extra.json"], bodies["/extra.json"] = `"e2"`, []byte(`"extra 2"`)
	mu.Unlock()
	_, resp, reqs, err = fetch(validators)
	if err != nil || resp.NotModified || string(decoded[0]) != `"page"` || string(decoded[1]) != `"extra 2"` {
		t.Errorf("second changed: %v, not modified %t, decoded %q", err, resp.NotModified, decoded)
	}
	if !slices.Equal(reqs, []string{`/main.json "m1"`, `/extra.json "e1"`, "/main.json "}) {
		t.Errorf("second changed: requests %q", reqs)
	}
	// Each request is reported, for statuspage_exporter_upstream_requests_total.
	if codes := []int{}; len(resp.Exchanges) == 3 {
		for _, x := range resp.Exchanges {
			codes = append(codes, x.StatusCode)
		}
		if !slices.Equal(codes, []int{304, 200, 200}) {
			t.Errorf("second changed: exchanges %v", codes)
		}
	} else {
		t.Errorf("second changed: %d exchanges, want 3", len(resp.Exchanges))
	}

	// The optional document goes missing while the main one is
	// unchanged: the page has changed (its second document is gone), and
	// is decoded with it nil.
	validators = resp.Validators
	mu.Lock()
	status["/extra.json"] = http.StatusNotFound
	mu.Unlock()
	decoded = nil
	_, resp, reqs, err = fetch(validators)
	if err != nil || resp.NotModified || len(decoded) != 2 || decoded[1] != nil || resp.Validators[1].Missing.IsZero() {
		t.Errorf("optional document gone: %v, not modified %t, decoded %q, validators %+v", err, resp.NotModified, decoded, resp.Validators)
	}
	if !slices.Equal(reqs, []string{`/main.json "m1"`, `/extra.json "e2"`, "/main.json "}) {
		t.Errorf("optional document gone: requests %q", reqs)
	}
	// Known missing, it is not asked for again on every refresh: one
	// conditional request, and nothing changed.
	validators = resp.Validators
	_, resp, reqs, err = fetch(validators)
	if err != nil || !resp.NotModified || !slices.Equal(reqs, []string{`/main.json "m1"`}) {
		t.Errorf("optional document known missing: %v, not modified %t, requests %q", err, resp.NotModified, reqs)
	}
	// After optionalRecheck it is asked for again.
	stale := slices.Clone(validators)
	stale[1].Missing = stale[1].Missing.Add(-optionalRecheck)
	if _, _, reqs, err = fetch(stale); err != nil || !slices.Equal(reqs, []string{`/main.json "m1"`, "/extra.json "}) {
		t.Errorf("optional document missing for an hour: %v, requests %q", err, reqs)
	}
	// Without validators (the first fetch), it is decoded as nil.
	if _, _, _, err = fetch(nil); err != nil || decoded[1] != nil {
		t.Errorf("optional document missing: %v, decoded %q", err, decoded)
	}
	// It fails otherwise, naming the document; Retry-After still counts.
	mu.Lock()
	status["/extra.json"] = http.StatusTooManyRequests
	mu.Unlock()
	_, resp, _, err = fetch(nil)
	var herr *HTTPError
	if err == nil || !strings.HasPrefix(err.Error(), "/extra.json: unexpected HTTP status 429") || !errors.As(err, &herr) || resp.StatusCode != 429 {
		t.Errorf("second document failing: %v (status %d)", err, resp.StatusCode)
	}
	// The main document is never optional.
	mu.Lock()
	status["/extra.json"], status["/main.json"] = 200, http.StatusNotFound
	mu.Unlock()
	if _, _, _, err = fetch(nil); err == nil || !strings.HasPrefix(err.Error(), "unexpected HTTP status 404") {
		t.Errorf("main document missing: %v", err)
	}
	// A decoding failure is a DecodeError.
	mu.Lock()
	status["/main.json"], bodies["/main.json"] = 200, []byte(`{}`)
	mu.Unlock()
	var derr *DecodeError
	if _, _, _, err = fetch(nil); !errors.As(err, &derr) {
		t.Errorf("bad main document: %v, want a DecodeError", err)
	}
}

// providerTestdata holds the providers' golden cases.
var providerTestdata = filepath.Join("..", "testdata", "providers")

// providerDocuments returns, for each provider, the documents of its first
// golden case (testdata/summary's active_incident for statuspage).
func providerDocuments(t *testing.T) map[string][][]byte {
	t.Helper()
	docs := map[string][][]byte{config.ProviderStatuspage: {fixture(t, "active_incident.json")}}
	for name := range providers {
		if name != config.ProviderStatuspage {
			docs[name] = statuspagetest.ProviderCases(t, providerTestdata, name)[0].Documents
		}
	}
	return docs
}

// targetOf is a page of provider as NewTargetSet makes it, with the
// allow-lists that the golden cases of aws need.
func targetOf(t testing.TB, provider string) *Target {
	t.Helper()
	page := "pages:\n  - name: p\n    provider: " + provider + "\n    url: http://127.0.0.1:9/p\n"
	if provider == config.ProviderAWS {
		page += "    aws: {regions: [us-east-1, us-west-2, eu-west-1, global]}\n"
	}
	c, err := config.Parse([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	set, err := NewTargetSet(c, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set.Target("p")
}

// TestWrongPlatform gives every provider every other platform's document:
// each fails, saying what it got, and none reads as a page in good health.
func TestWrongPlatform(t *testing.T) {
	t.Parallel()
	docs := providerDocuments(t)
	for reader := range providers {
		target := targetOf(t, reader)
		for platform, own := range docs {
			if platform == reader {
				continue
			}
			bodies := make([][]byte, len(target.Documents()))
			for i := range bodies {
				bodies[i] = own[0]
			}
			s, err := target.DecodeDocuments(bodies, nil)
			if err == nil {
				t.Errorf("provider %s accepted the %s document: %+v", reader, platform, s.Status)
				continue
			}
			want := fmt.Sprintf("looks like %s; provider is %s", platformLooks[platform], reader)
			if err.Error() != want {
				t.Errorf("provider %s given the %s document: %q, want %q", reader, platform, err, want)
			}
		}
	}
}

// TestEveryProviderReadsUTF16: a page served in UTF-16 (as AWS Health
// does), or in UTF-8 with a byte order mark, reads as it does in plain
// UTF-8, whatever the platform, every document of it; truncated UTF-16
// fails the fetch.
func TestEveryProviderReadsUTF16(t *testing.T) {
	t.Parallel()
	for provider, docs := range providerDocuments(t) {
		target := targetOf(t, provider)
		bodies := docs[:len(target.Documents())]
		want, err := target.DecodeDocuments(bodies, nil)
		if err != nil {
			t.Fatalf("%s: %v", provider, err)
		}
		for _, enc := range []struct {
			name        string
			encode      func(string) []byte
			contentType string
		}{
			{"utf-8 with BOM", func(s string) []byte { return append([]byte("\xef\xbb\xbf"), s...) }, "application/json"},
			{"utf-16le with BOM", func(s string) []byte { return utf16Bytes(s, false, true) }, "application/json"},
			{"utf-16le by charset", func(s string) []byte { return utf16Bytes(s, false, false) }, "application/json;charset=utf-16"},
			{"utf-16le undeclared", func(s string) []byte { return utf16Bytes(s, false, false) }, "application/json"},
			{"utf-16be with BOM", func(s string) []byte { return utf16Bytes(s, true, true) }, "application/json;charset=utf-16"},
			{"utf-16be by charset", func(s string) []byte { return utf16Bytes(s, true, false) }, "application/json; charset=UTF-16BE"},
		} {
			converted := make([][]byte, len(bodies))
			types := make([]string, len(bodies))
			for i, b := range bodies {
				if b != nil {
					converted[i], types[i] = enc.encode(string(b)), enc.contentType
				}
			}
			got, err := target.DecodeDocuments(converted, types)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s in %s: %v; the summary differs from UTF-8's: %t", provider, enc.name, err, !reflect.DeepEqual(got, want))
			}
		}
		truncated := utf16Bytes(string(bodies[0]), false, true)
		truncated = truncated[:len(truncated)-1]
		if _, err := target.DecodeDocuments([][]byte{truncated}, []string{"application/json;charset=utf-16"}); err == nil || !strings.Contains(err.Error(), "odd length") {
			t.Errorf("%s: truncated UTF-16: %v, want an error", provider, err)
		}
	}
}

// checkModel asserts what every provider's summary must hold for the
// collector: components with unique non-empty ids, group references to
// group rows of the page, group rows outside groups, and ids on every
// incident, maintenance and affected component. Each provider's tests add
// what its platform promises beyond this.
func checkModel(t testing.TB, s *Summary) {
	t.Helper()
	ids := make(map[string]bool, len(s.Components))
	groups := make(map[string]bool)
	for _, c := range s.Components {
		if c.ID == "" || ids[c.ID] {
			t.Fatalf("component id %q empty or repeated", c.ID)
		}
		ids[c.ID] = true
		if c.Group {
			groups[c.ID] = true
		}
	}
	for _, c := range s.Components {
		if c.GroupID != "" && (c.Group || !groups[c.GroupID]) {
			t.Fatalf("component %q: group %q is not a group row of the page", c.ID, c.GroupID)
		}
	}
	affected := func(kind, id string, cs []AffectedComponent) {
		if id == "" {
			t.Fatalf("%s without an id", kind)
		}
		for _, c := range cs {
			if c.ID == "" {
				t.Fatalf("%s %q affects a component without an id", kind, id)
			}
		}
	}
	for _, in := range s.Incidents {
		affected("incident", in.ID, in.Components)
	}
	for _, m := range s.ScheduledMaintenances {
		affected("maintenance", m.ID, m.Components)
	}
}

// TestEveryCaseHoldsTheModel decodes every golden case of every provider
// and checks the model's rules on it (checkModel).
func TestEveryCaseHoldsTheModel(t *testing.T) {
	t.Parallel()
	for name := range providers {
		if name == config.ProviderStatuspage {
			continue
		}
		target := targetOf(t, name)
		for _, c := range statuspagetest.ProviderCases(t, providerTestdata, name) {
			s, err := target.DecodeDocuments(c.Documents, nil)
			if err != nil {
				t.Errorf("%s/%s: %v", name, c.Name, err)
				continue
			}
			checkModel(t, s)
		}
	}
}

// TestUTF16SizeCap: --statuspage.max-body-size holds the bytes received,
// whatever their encoding: a UTF-16 document over the cap is refused, one
// at it is read.
func TestUTF16SizeCap(t *testing.T) {
	t.Parallel()
	body := utf16Bytes(string(fixture(t, "all_operational.json")), false, true)
	srv := newServer(t, serveBytes(body))
	target := &Target{Name: "p", SummaryURL: srv.URL + SummaryPath}
	if _, _, err := (&Fetcher{MaxBodySize: int64(len(body)) - 1}).Fetch(t.Context(), target); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("UTF-16 body one byte over the cap: %v, want ErrBodyTooLarge", err)
	}
	if s, _, err := (&Fetcher{MaxBodySize: int64(len(body))}).Fetch(t.Context(), target); err != nil || s.Page.Name == "" {
		t.Errorf("UTF-16 body at the cap: %v", err)
	}
}
