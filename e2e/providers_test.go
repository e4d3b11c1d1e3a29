//go:build unix

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v2"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// providerCase is a golden case of testdata/providers, with what the
// exporter must serve for it (the text of its .metrics file).
type providerCase struct {
	statuspagetest.ProviderCase
	goldenDoc string
}

// firstProviderCase reads the first case, by name, of provider's golden
// files: the one each provider keeps realistic, with an open incident.
func firstProviderCase(tb testing.TB, provider string) providerCase {
	tb.Helper()
	c := statuspagetest.ProviderCases(tb, root("testdata", "providers"), provider)[0]
	golden, err := os.ReadFile(c.Golden)
	if err != nil {
		tb.Fatal(err)
	}
	return providerCase{c, string(golden)}
}

// main is the case's main document.
func (c providerCase) main() []byte { return c.Documents[0] }

// serve answers as c's platform does: AWS in UTF-16, Instatus as two
// documents (the components one missing when the case has none).
func (c providerCase) serve() http.HandlerFunc {
	switch c.Provider {
	case "aws":
		return serveBody("application/json;charset=utf-16", utf16LE(c.main()))
	case "instatus":
		return func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/summary.json"):
				serveJSON(c.main())(w, r)
			case strings.HasSuffix(r.URL.Path, "/v3/components.json") && c.Documents[1] != nil:
				serveJSON(c.Documents[1])(w, r)
			default:
				http.NotFound(w, r)
			}
		}
	}
	return serveJSON(c.main())
}

// utf16LE is s as AWS Health sends its documents: UTF-16, little-endian,
// without a byte order mark.
func utf16LE(s []byte) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(string(s))) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// dataLines returns the sample lines of page's data series (all but the
// health series, which depend on when and how fast the page answered),
// with the page label renamed to as, sorted.
func dataLines(fams map[string]*dto.MetricFamily, page, as string) []string {
	health := map[string]bool{
		"statuspage_up": true, "statuspage_last_success_timestamp_seconds": true, "statuspage_fetch_duration_seconds": true,
	}
	var lines []string
	for name, mf := range fams {
		if health[name] || !strings.HasPrefix(name, "statuspage_") || strings.HasPrefix(name, "statuspage_exporter_") {
			continue
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			mine := false
			for _, l := range m.GetLabel() {
				v := l.GetValue()
				if l.GetName() == "page" {
					mine, v = v == page, as
				}
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), v))
			}
			if mine {
				lines = append(lines, fmt.Sprintf("%s{%s} %g", name, strings.Join(labels, ","), m.GetGauge().GetValue()))
			}
		}
	}
	slices.Sort(lines)
	return lines
}

// providerPages are the platforms that serveProviders serves, a page each.
var providerPages = []string{"statusio", "slack", "gcp", "aws", "instatus"}

// serveProviders serves on u a page of each provider, named
// "<provider>-page", as the platform does (AWS in UTF-16, Instatus as two
// documents), from the first golden case of each. It returns the cases
// and the pages' entries for the exporter's configuration.
func serveProviders(tb testing.TB, u *upstream) ([]providerCase, string) {
	tb.Helper()
	var cases []providerCase
	var cfg strings.Builder
	for _, provider := range providerPages {
		c := firstProviderCase(tb, provider)
		cases = append(cases, c)
		page := provider + "-page"
		u.handle(page, c.serve())
		fmt.Fprintf(&cfg, "  - name: %s\n    provider: %s\n    url: %s\n", page, provider, u.url(page))
		for line := range strings.SplitSeq(strings.TrimRight(c.Settings, "\n"), "\n") {
			if line != "" {
				cfg.WriteString("    " + line + "\n")
			}
		}
	}
	return cases, cfg.String()
}

// TestProviders runs the binary against a fake upstream serving one page of
// each platform as the platform does (AWS in UTF-16, Instatus as two
// documents), plus an older Instatus page without components, and a
// status.io page whose vendor moved to Statuspage. Each page's data series
// must be its golden file's: what the unit tests check of the decoders
// holds through HTTP, the cache and the exposition.
func TestProviders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	t.Parallel()
	u := newUpstream(t, nil)
	cases, pages := serveProviders(t, u)
	var cfg strings.Builder
	cfg.WriteString("pages:\n" + pages)
	// An Instatus page from before components were published.
	instatus := cases[len(cases)-1]
	u.handle("instatus-old", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/summary.json") {
			serveJSON(instatus.main())(w, r)
			return
		}
		http.NotFound(w, r)
	})
	// A vendor that moved from status.io to Statuspage.
	u.handle("moved", serveJSON(fixture(t, "active_incident.json")))
	fmt.Fprintf(&cfg, "  - name: instatus-old\n    provider: instatus\n    url: %s\n", u.url("instatus-old"))
	fmt.Fprintf(&cfg, "  - name: moved\n    provider: statusio\n    url: %s\n", u.url("moved"))
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, cfg.String())

	p := start(t, cfgPath, startOptions{})
	code, body, _ := p.scrape(t, "/metrics", 0)
	if code != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d", code)
	}
	fams := parse(t, body)
	for _, c := range cases {
		page := c.Provider + "-page"
		t.Run(c.Provider, func(t *testing.T) {
			if v := gauge(body, fmt.Sprintf(`statuspage_up{page=%q}`, page)); v != 1 {
				t.Errorf("statuspage_up{page=%q} = %v, want 1; log:\n%s", page, v, lastLines(p.output.String(), 20))
			}
			got := dataLines(fams, page, c.Name)
			want := dataLines(parse(t, c.goldenDoc), c.Name, c.Name)
			if len(want) == 0 {
				t.Fatalf("testdata/providers/%s/%s.metrics has no data series", c.Provider, c.Name)
			}
			if !slices.Equal(got, want) {
				t.Errorf("the data series of %s differ from testdata/providers/%s/%s.metrics:\n got %s\nwant %s",
					page, c.Provider, c.Name, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
		})
	}
	if hits := u.hits("/aws-page"); hits != 1 {
		t.Errorf("the aws page was asked %d times, want 1", hits)
	}
	if hits := u.hits("/instatus-page/v3/components.json"); hits != 1 {
		t.Errorf("the instatus components document was asked %d times, want 1", hits)
	}
	// Each request of a page with two documents counts.
	if v := gauge(body, `statuspage_exporter_upstream_requests_total{code="200",page="instatus-page"}`); v != 2 {
		t.Errorf("upstream requests of the instatus page: %v, want 2", v)
	}
	if v := gauge(body, `statuspage_exporter_upstream_requests_total{code="404",page="instatus-old"}`); v != 1 {
		t.Errorf("404s of the older instatus page: %v, want 1", v)
	}

	t.Run("probe debug names every document", func(t *testing.T) {
		debug := p.get(t, "/probe?target=instatus-page&debug=true", http.StatusOK)
		for _, want := range []string{"Provider:      instatus\n", "Document:      " + u.url("instatus-page") + "/summary.json\n",
			"               " + u.url("instatus-page") + "/v3/components.json\n"} {
			if !strings.Contains(debug, want) {
				t.Errorf("/probe debug of the instatus page lacks %q:\n%s", want, debug)
			}
		}
	})
	t.Run("instatus without components", func(t *testing.T) {
		if v := gauge(body, `statuspage_up{page="instatus-old"}`); v != 1 {
			t.Errorf(`statuspage_up{page="instatus-old"} = %v, want 1`, v)
		}
		if n := countPage(fams["statuspage_component_status"], "instatus-old"); n != 0 {
			t.Errorf("%d component series for a page without a components document, want none", n)
		}
		if n := countPage(fams["statuspage_page_status"], "instatus-old"); n == 0 {
			t.Error("no page status for the page without a components document")
		}
	})
	t.Run("migration detected", func(t *testing.T) {
		if v := gauge(body, `statuspage_up{page="moved"}`); v != 0 {
			t.Errorf(`statuspage_up{page="moved"} = %v, want 0`, v)
		}
		for name, mf := range fams {
			if n := countPage(mf, "moved"); n > 0 && strings.Contains(name, "component") {
				t.Errorf("%s has %d series of the moved page, want none", name, n)
			}
		}
		if !p.hasLog("Fetching page failed", "page=moved", "looks like a Statuspage document; provider is statusio") {
			t.Errorf("no log line saying the moved page looks like Statuspage; log:\n%s", lastLines(p.output.String(), 20))
		}
	})
	p.checkAlive(t)
}

// providerAlerts is what the example alerts must find in c's page, from its
// golden file: its incidents of major or critical impact, and its
// components in partial or major outage, as label subsets.
func providerAlerts(tb testing.TB, c providerCase) (incidents, outages []map[string]string) {
	tb.Helper()
	fams := parse(tb, c.goldenDoc)
	page := c.Provider + "-page"
	current := func(family, state string, values ...string) []*dto.Metric {
		var out []*dto.Metric
		for _, m := range fams[family].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == state && slices.Contains(values, l.GetValue()) && m.GetGauge().GetValue() == 1 {
					out = append(out, m)
				}
			}
		}
		return out
	}
	label := func(m *dto.Metric, name string) string {
		for _, l := range m.GetLabel() {
			if l.GetName() == name {
				return l.GetValue()
			}
		}
		return ""
	}
	resolved := map[string]bool{}
	for _, m := range current("statuspage_incident_status", "status", "resolved", "postmortem") {
		resolved[label(m, "incident_id")] = true
	}
	for _, m := range current("statuspage_incident_impact", "impact", "major", "critical") {
		if id := label(m, "incident_id"); !resolved[id] {
			incidents = append(incidents, map[string]string{"page": page, "incident_id": id})
		}
	}
	seen := map[string]bool{}
	for _, m := range current("statuspage_component_status", "status", "partial_outage", "major_outage") {
		if id := label(m, "component_id"); !seen[id] {
			seen[id] = true
			outages = append(outages, map[string]string{"page": page, "component_id": id})
		}
	}
	return incidents, outages
}

// TestShippedConfig runs the binary with the configuration it ships
// (statuspage_exporter.yml, a mixed list of platforms), each page's URL
// pointed at a loopback page of its provider: every page is fetched, read
// and served, with the allow-lists and settings as shipped.
func TestShippedConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	t.Parallel()
	b, err := os.ReadFile(root("statuspage_exporter.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	u := newUpstream(t, nil)
	pages, _ := cfg["pages"].([]any)
	providers := map[string]bool{}
	var names []string
	for _, p := range pages {
		page, _ := p.(map[any]any)
		name, _ := page["name"].(string)
		provider, _ := page["provider"].(string)
		if provider == "" {
			provider = "statuspage"
			u.handle(name, serveJSON(fixture(t, "active_incident.json")))
		} else {
			u.handle(name, firstProviderCase(t, provider).serve())
		}
		providers[provider] = true
		page["url"] = u.url(name)
		names = append(names, name)
	}
	if len(providers) < 3 {
		t.Fatalf("statuspage_exporter.yml names the providers %v: want a mixed list", providers)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, string(out))
	p := start(t, cfgPath, startOptions{})
	code, body, _ := p.scrape(t, "/metrics", 0)
	if code != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d", code)
	}
	fams := parse(t, body)
	for _, name := range names {
		if v := gauge(body, fmt.Sprintf(`statuspage_up{page=%q}`, name)); v != 1 {
			t.Errorf("statuspage_up{page=%q} = %v, want 1; log:\n%s", name, v, lastLines(p.output.String(), 20))
		}
		if n := countPage(fams["statuspage_page_status"], name); n == 0 {
			t.Errorf("page %s has no page status", name)
		}
	}
	p.checkAlive(t)
}
