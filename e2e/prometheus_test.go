//go:build unix

// The Prometheus end-to-end test runs the exporter with the example web
// configuration (TLS and basic auth) and a real Prometheus with the example
// scrape configuration and alert rules, both on loopback, and checks what an
// operator relies on: the data arrives, every alert expression and every
// dashboard query evaluates, and nobody scrapes without credentials.

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v2"
	"golang.org/x/crypto/bcrypt"
)

// promWait bounds each wait on Prometheus: its start, the first scrapes,
// the first rule evaluations.
const promWait = 60 * time.Second

// promExamplePassword is the password whose hash examples/web-config.yml
// holds; the file says so.
const promExamplePassword = "change-me"

// TestPrometheusE2E runs each example configuration of Prometheus against
// the exporter: prometheus.yml, the quick start over plain HTTP, and
// prometheus-tls.yml, over TLS with basic auth to the exporter with
// web-config.yml.
func TestPrometheusE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Prometheus; skipped with -short")
	}
	for _, file := range []string{"prometheus.yml", "prometheus-tls.yml"} {
		t.Run(file, func(t *testing.T) { promE2E(t, file) })
	}
}

// promTLS is what a scrape over TLS needs: the certificates, and the
// password of the example's user.
type promTLS struct {
	pki            *pki
	user, password string
}

func promE2E(t *testing.T, file string) {
	promBin := tool(t, "prometheus", "prometheus")
	promtool := tool(t, "promtool", "prometheus")
	bin := binary(t)
	dir := t.TempDir()

	example := promLoadYAML(t, root("examples", file))
	var sec *promTLS
	if file == "prometheus-tls.yml" {
		sec = &promTLS{pki: newPKI(t), user: promExampleUser(t, example), password: promRandom(t)}
	}

	// The pages: the probe job's targets from the example, plus two that
	// only the /metrics job scrapes.
	probePages := promProbeTargets(t, example)
	fixtures := map[string]string{"steady": "all_operational.json", "broken": ""}
	for _, p := range probePages {
		fixtures[p] = "all_operational.json"
	}
	fixtures["github"] = "active_incident.json" // if the example stops probing them,
	fixtures["cloudflare"] = "maintenance.json" // the checks below say so
	upstream := newUpstream(t, nil)
	var pages []string
	for page, file := range fixtures {
		pages = append(pages, page)
		if file == "" {
			upstream.handle(page, serveStatus(http.StatusServiceUnavailable))
		} else {
			upstream.handle(page, serveJSON(fixture(t, file)))
		}
	}
	slices.Sort(pages)
	// A page of every other platform too, through the /metrics job: the
	// rules and the dashboard must work with a mixed list.
	providerCases, providerPages := serveProviders(t, upstream)
	exporterConfig := pagesConfig(upstream, pages...) + providerPages
	cfgPath := filepath.Join(dir, "statuspage_exporter.yml")
	writeFile(t, cfgPath, exporterConfig)

	var exp *proc
	if sec != nil {
		webConfig := promWebConfig(t, dir, sec.pki, sec.user, sec.password)
		exp = promStartExporter(t, bin, cfgPath, webConfig, sec.pki, sec.user, sec.password)
	} else {
		exp = start(t, cfgPath, startOptions{bin: bin})
	}
	promCfg := promConfig(t, dir, file, example, exp.addr, sec)
	if out, err := exec.Command(promtool, "check", "config", promCfg).CombinedOutput(); err != nil {
		t.Fatalf("promtool check config on the configuration made from examples/%s: %v\n%s", file, err, out)
	}
	api := promStart(t, promBin, dir, promCfg)
	api.waitTargets(t, 1+len(probePages))

	t.Run("series stored", func(t *testing.T) {
		for _, c := range []struct {
			expr  string
			value string
		}{
			{`statuspage_component_status{job="statuspage_probe",page="github",component_id="expaycmp0001",status="major_outage"}`, "1"},
			{`statuspage_component_status{job="statuspage_probe",page="cloudflare",component_id="globexcmp002",status="under_maintenance"}`, "1"},
			{`statuspage_incident_info{job="statuspage_probe",page="github",incident_id="expayinc0001",name="Card payments failing for a subset of merchants",shortlink="https://stspg.example/expay1"}`, "1"},
			{`statuspage_incident_impact{job="statuspage_probe",page="github",incident_id="expayinc0001",impact="critical"}`, "1"},
			{`statuspage_maintenance_info{job="statuspage_probe",page="cloudflare",maintenance_id="globexmnt001",name="Block Storage firmware upgrade"}`, "1"},
			{`statuspage_maintenance_status{job="statuspage_probe",page="cloudflare",maintenance_id="globexmnt001",status="in_progress"}`, "1"},
			{`statuspage_maintenance_scheduled_start_timestamp_seconds{job="statuspage_probe",page="cloudflare",maintenance_id="globexmnt001"}`, "1768381200"},
			{`statuspage_up{job="statuspage",page="steady"}`, "1"},
			{`statuspage_up{job="statuspage",page="broken"}`, "0"},
			{`statuspage_exporter_config_last_reload_successful{job="statuspage"}`, "1"},
			{`count(statuspage_up{job="statuspage",page=~".+-page"} == 1)`, fmt.Sprint(len(providerCases))},
			{`count(count by (page) (statuspage_page_status{job="statuspage",page=~".+-page"} == 1))`, fmt.Sprint(len(providerCases))},
		} {
			got := api.waitQuery(t, c.expr)
			if len(got) != 1 || got[0].Value[1] != c.value {
				t.Errorf("%s = %v, want one series of value %s", c.expr, got, c.value)
			}
		}
	})

	t.Run("each page through one job", func(t *testing.T) {
		// The /metrics job drops the pages the probe job scrapes, so no page
		// is stored (and alerts) twice.
		if dup := api.mustQuery(t, `count by (page) (statuspage_up) > 1`); len(dup) > 0 {
			t.Errorf("pages scraped by both jobs: %v", dup)
		}
		probed := api.mustQuery(t, `statuspage_up{job="statuspage_probe"}`)
		if len(probed) != len(probePages) {
			t.Errorf("%d pages through /probe, want %d: %v", len(probed), len(probePages), probed)
		}
		for _, s := range probed {
			if s.Metric["instance"] != s.Metric["page"] {
				t.Errorf("probe series with instance %q for page %q: the relabeling should name the page", s.Metric["instance"], s.Metric["page"])
			}
		}
		if got := api.mustQuery(t, `statuspage_exporter_build_info{job="statuspage"}`); len(got) != 1 {
			t.Errorf("statuspage_exporter_build_info from the /metrics job: %v", got)
		}
		// Every page series, of every family, comes through one job.
		both := `group by (__name__, page) ({job="statuspage_probe",page!=""})
			and on (__name__, page) group by (__name__, page) ({job="statuspage",page!=""})`
		if dup := api.mustQuery(t, both); len(dup) > 0 {
			t.Errorf("page series through both jobs: %v", dup)
		}
	})

	t.Run("relabeling keeps the exporter's own series", func(t *testing.T) {
		// The /metrics job drops page series only: its request counter for
		// the probed pages stays.
		probed := `{job="statuspage",page=~"` + strings.Join(probePages, "|") + `"}`
		kept := api.mustQuery(t, `group by (__name__) (`+probed+`)`)
		var names []string
		for _, s := range kept {
			names = append(names, s.Metric["__name__"])
			if !strings.HasPrefix(s.Metric["__name__"], "statuspage_exporter_") {
				t.Errorf("the /metrics job keeps page series %s of probed pages", s.Metric["__name__"])
			}
		}
		if !slices.Contains(names, "statuspage_exporter_upstream_requests_total") {
			t.Errorf("the /metrics job keeps %v of the probed pages, want statuspage_exporter_upstream_requests_total among them", names)
		}
	})

	allRules := promRules(t, example)
	rules := promAlerts(t, allRules)
	t.Run("alert expressions", func(t *testing.T) {
		// What each alert expression must return for these fixtures,
		// `for` aside: the label subsets of the series, all of them.
		want := map[string][]map[string]string{
			"StatuspageIncident": {{"page": "github", "incident_id": "expayinc0001"}},
			"StatuspageComponentOutage": {
				{"page": "github", "component_id": "expaycmp0001"},
				{"page": "github", "component_id": "expaycmp0002"},
			},
			"StatuspagePageUnreachable":      {{"page": "broken", "job": "statuspage"}},
			"StatuspageDataStale":            nil,
			"StatuspageExporterDown":         nil,
			"StatuspageExporterReloadFailed": nil, // see "reload failure" below
		}
		// The other platforms' pages alert from their golden files' data.
		for _, c := range providerCases {
			incidents, outages := providerAlerts(t, c)
			want["StatuspageIncident"] = append(want["StatuspageIncident"], incidents...)
			want["StatuspageComponentOutage"] = append(want["StatuspageComponentOutage"], outages...)
		}
		for name, expr := range rules {
			w, ok := want[name]
			if !ok {
				t.Errorf("alert %s has no expectation in this test: add one", name)
				continue
			}
			promMatch(t, name, api.mustQuery(t, expr), w)
		}
		for name := range want {
			if _, ok := rules[name]; !ok {
				t.Errorf("alert %s is no longer in examples/alerts.yml", name)
			}
		}
	})

	t.Run("rules loaded and evaluated", func(t *testing.T) {
		api.waitRulesHealthy(t, len(allRules))
		// Annotations come from queries in the templates; Prometheus expands
		// them for pending alerts too.
		api.waitAlert(t, map[string]string{"alertname": "StatuspageIncident", "page": "github", "incident_id": "expayinc0001"},
			map[string]string{
				"summary":       "github: Card payments failing for a subset of merchants",
				"description":   "The status page github reports an incident of critical impact, status identified.",
				"incident_name": "Card payments failing for a subset of merchants",
				"incident_link": "https://stspg.example/expay1",
			})
		api.waitAlert(t, map[string]string{"alertname": "StatuspageComponentOutage", "page": "github", "component_id": "expaycmp0002"},
			map[string]string{"summary": "github: Payouts is in partial_outage", "component": "Payouts"})
		api.waitAlert(t, map[string]string{"alertname": "StatuspagePageUnreachable", "page": "broken"},
			map[string]string{"summary": "broken: the status page cannot be fetched"})
	})

	t.Run("availability rules", func(t *testing.T) {
		// github has components in outage all along, one degraded; a
		// component of cloudflare is under planned maintenance; steady is
		// all operational.
		for _, c := range []struct{ expr, value string }{
			{`statuspage_component:available{page="github",component_id="expaycmp0001"}`, "0"},
			{`statuspage_component:available{page="github",component_id="expaycmp0003"}`, "1"},
			{`statuspage_component:available{page="cloudflare",component_id="globexcmp002"}`, "1"},
			{`statuspage_component:availability30d{page="github",component_id="expaycmp0002"}`, "0"},
			{`statuspage_page:availability1d{page="github"}`, "0"},
			{`statuspage_page:availability30d{page="cloudflare"}`, "1"},
			{`statuspage_page:availability7d{page="steady"}`, "1"},
		} {
			got := api.waitQuery(t, c.expr)
			if len(got) != 1 || got[0].Value[1] != c.value {
				t.Errorf("%s = %v, want one series of value %s", c.expr, got, c.value)
			}
		}
	})

	t.Run("dashboard queries", func(t *testing.T) {
		promCheckDashboard(t, api)
	})

	t.Run("README PromQL", func(t *testing.T) {
		// Each expression evaluates and gives data, unless it is about
		// another exporter's metrics. A condition (a comparison with a
		// number at the end) may be false here, but what it compares must
		// have data.
		exprs := promREADMEExprs(t, root("README.md"))
		for _, expr := range exprs {
			switch m := promCondition.FindStringSubmatch(expr); {
			case strings.Contains(expr, "node_textfile_"):
				api.mustQuery(t, expr)
			case m != nil:
				api.waitQuery(t, m[1])
				api.mustQuery(t, expr)
			default:
				api.waitQuery(t, expr)
			}
		}
		t.Logf("%d PromQL expressions of README.md evaluated", len(exprs))
	})

	if sec != nil {
		t.Run("scrape security", func(t *testing.T) {
			promCheckSecurity(t, exp, sec.pki, sec.user, sec.password)
		})
	}

	t.Run("promtool check metrics", func(t *testing.T) {
		for _, path := range []string{"/metrics", "/probe?target=github"} {
			body := exp.get(t, path, http.StatusOK)
			cmd := exec.Command(promtool, "check", "metrics")
			cmd.Stdin = strings.NewReader(body)
			out, err := cmd.CombinedOutput()
			if err != nil || len(bytes.TrimSpace(out)) > 0 {
				t.Errorf("promtool check metrics on %s: %v\n%s", path, err, out)
			}
		}
	})

	t.Run("reload failure", func(t *testing.T) {
		writeFile(t, cfgPath, exporterConfig+"bogus: 1\n")
		exp.signal(t, syscall.SIGHUP)
		api.waitQuery(t, `statuspage_exporter_config_last_reload_successful{job="statuspage"} == 0`)
		promMatch(t, "StatuspageExporterReloadFailed", api.mustQuery(t, rules["StatuspageExporterReloadFailed"]),
			[]map[string]string{{"job": "statuspage"}})
		// The old configuration goes on serving.
		if got := api.mustQuery(t, `statuspage_up{job="statuspage",page="steady"} == 1`); len(got) != 1 {
			t.Errorf("after the failed reload, steady is not served: %v", got)
		}
	})

	exp.signal(t, syscall.SIGTERM)
	if code := exp.wait(t); code != 0 {
		t.Errorf("exporter exit code after SIGTERM = %d, want 0", code)
	}
}

func promRandom(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// promLoadYAML reads a YAML file into plain maps with string keys.
func promLoadYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.UnmarshalStrict(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	m, ok := promPlain(v).(map[string]any)
	if !ok {
		t.Fatalf("%s: not a mapping", path)
	}
	return m
}

// promPlain turns the map[any]any of yaml.v2 into map[string]any.
func promPlain(v any) any {
	switch v := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = promPlain(e)
		}
		return m
	case []any:
		for i, e := range v {
			v[i] = promPlain(e)
		}
	}
	return v
}

// promKey returns m[key] as a map, failing the test if it is not one.
func promKey(t *testing.T, where string, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("%s has no mapping %s", where, key)
	}
	return v
}

func promWriteYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(b))
}

// promScrapeConfigs returns the example's scrape configs by job name.
func promScrapeConfigs(t *testing.T, cfg map[string]any) map[string]map[string]any {
	t.Helper()
	list, _ := cfg["scrape_configs"].([]any)
	jobs := map[string]map[string]any{}
	for _, sc := range list {
		m, ok := sc.(map[string]any)
		if !ok {
			t.Fatalf("examples/prometheus.yml: a scrape config is not a mapping")
		}
		jobs[fmt.Sprint(m["job_name"])] = m
	}
	for _, job := range []string{"statuspage", "statuspage_probe"} {
		if jobs[job] == nil {
			t.Fatalf("examples/prometheus.yml has no job %s (alerts.yml and this test name it)", job)
		}
	}
	if jobs["statuspage_probe"]["metrics_path"] != "/probe" {
		t.Fatalf("the statuspage_probe job does not scrape /probe")
	}
	return jobs
}

// promExampleUser is the basic auth user that the example scrapes with.
func promExampleUser(t *testing.T, cfg map[string]any) string {
	t.Helper()
	var user string
	for job, sc := range promScrapeConfigs(t, cfg) {
		ba := promKey(t, "job "+job, sc, "basic_auth")
		u, _ := ba["username"].(string)
		if u == "" || (user != "" && u != user) {
			t.Fatalf("job %s: basic_auth username %q, want one user for both jobs", job, u)
		}
		user = u
	}
	return user
}

func promProbeTargets(t *testing.T, cfg map[string]any) []string {
	t.Helper()
	return promJobTargets(t, promScrapeConfigs(t, cfg)["statuspage_probe"])
}

// promJobTargets returns the targets of a scrape config's static_configs.
func promJobTargets(t *testing.T, sc map[string]any) []string {
	t.Helper()
	var pages []string
	statics, _ := sc["static_configs"].([]any)
	for _, s := range statics {
		m, _ := s.(map[string]any)
		targets, _ := m["targets"].([]any)
		for _, p := range targets {
			pages = append(pages, fmt.Sprint(p))
		}
	}
	if len(pages) == 0 {
		t.Fatalf("the %v job has no targets", sc["job_name"])
	}
	return pages
}

// promWebConfig writes examples/web-config.yml with this test's certificate
// and a user of its own, keeping every other setting of the example.
func promWebConfig(t *testing.T, dir string, pki *pki, user, password string) string {
	t.Helper()
	cfg := promLoadYAML(t, root("examples", "web-config.yml"))
	tlsCfg := promKey(t, "examples/web-config.yml", cfg, "tls_server_config")
	for _, k := range []string{"cert_file", "key_file"} {
		if _, ok := tlsCfg[k]; !ok {
			t.Fatalf("examples/web-config.yml: tls_server_config has no %s", k)
		}
	}
	tlsCfg["cert_file"], tlsCfg["key_file"] = pki.serverCert, pki.serverKey
	users := promKey(t, "examples/web-config.yml", cfg, "basic_auth_users")
	hash, ok := users[user].(string)
	if !ok {
		t.Fatalf("examples/web-config.yml has no user %q, whom examples/prometheus.yml scrapes as", user)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(promExamplePassword)); err != nil {
		t.Errorf("the example hash of %s is not of the documented password %q: %v", user, promExamplePassword, err)
	}
	fresh, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg["basic_auth_users"] = map[string]any{user: string(fresh)}
	path := filepath.Join(dir, "web-config.yml")
	promWriteYAML(t, path, cfg)
	return path
}

// promConfig writes the example configuration pointed at the exporter, with
// a one-second rhythm and, over TLS, this test's certificate and password;
// everything else (jobs, relabeling, TLS and auth settings) stays as the
// example has it.
func promConfig(t *testing.T, dir, file string, cfg map[string]any, exporterAddr string, sec *promTLS) string {
	t.Helper()
	where := "examples/" + file
	global := promKey(t, where, cfg, "global")
	global["scrape_interval"], global["evaluation_interval"] = "1s", "1s"

	// The rule files keep their relative paths: Prometheus reads them
	// beside its configuration, as it reads those beside the example.
	for _, name := range promRuleFileNames(t, cfg) {
		promCopyRules(t, root("examples", name), filepath.Join(dir, name))
	}

	for job, sc := range promScrapeConfigs(t, cfg) {
		if sec != nil {
			promConfigTLS(t, dir, job, sc, sec)
		} else {
			for _, k := range []string{"scheme", "basic_auth", "tls_config"} {
				if sc[k] != nil {
					t.Errorf("%s, job %s: %s is set; the quick start scrapes plain HTTP", where, job, k)
				}
			}
		}
		sc["scrape_interval"], sc["scrape_timeout"] = "1s", "1s"
		if job == "statuspage_probe" {
			promPointProbe(t, sc, exporterAddr)
		} else {
			sc["static_configs"] = []any{map[string]any{"targets": []any{exporterAddr}}}
		}
	}
	path := filepath.Join(dir, "prometheus.yml")
	promWriteYAML(t, path, cfg)
	return path
}

// promConfigTLS checks a job's TLS and basic auth settings and points them
// at this test's certificate and password.
func promConfigTLS(t *testing.T, dir, job string, sc map[string]any, sec *promTLS) {
	t.Helper()
	passwordFile := filepath.Join(dir, "password")
	if err := os.WriteFile(passwordFile, []byte(sec.password), 0o600); err != nil {
		t.Fatal(err)
	}
	if sc["scheme"] != "https" {
		t.Errorf("job %s: scheme %v, want https", job, sc["scheme"])
	}
	ba := promKey(t, "job "+job, sc, "basic_auth")
	if _, ok := ba["password_file"]; !ok {
		t.Errorf("job %s: basic_auth has no password_file", job)
	}
	ba["password_file"] = passwordFile
	tc := promKey(t, "job "+job, sc, "tls_config")
	if _, ok := tc["ca_file"]; !ok {
		t.Errorf("job %s: tls_config has no ca_file", job)
	}
	tc["ca_file"] = sec.pki.caFile
}

// promPointProbe points the probe job's __address__ rewrite at the exporter.
func promPointProbe(t *testing.T, sc map[string]any, addr string) {
	t.Helper()
	relabels, _ := sc["relabel_configs"].([]any)
	for _, r := range relabels {
		m, _ := r.(map[string]any)
		if m["target_label"] == "__address__" {
			m["replacement"] = addr
			return
		}
	}
	t.Fatal("the statuspage_probe job does not set __address__ to the exporter")
}

// promAuth adds basic auth to every request.
type promAuth struct {
	user, password string
	next           http.RoundTripper
}

func (a promAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(a.user, a.password)
	return a.next.RoundTrip(r)
}

func promTLSClient(pool *x509.CertPool, auth *promAuth) *http.Client {
	var rt http.RoundTripper = &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
	}
	if auth != nil {
		auth.next = rt
		rt = auth
	}
	return &http.Client{Timeout: waitFor, Transport: rt}
}

// promStartExporter starts the exporter behind TLS and basic auth.
func promStartExporter(t *testing.T, bin, cfgPath, webConfig string, pki *pki, user, password string) *proc {
	t.Helper()
	p := start(t, cfgPath, startOptions{bin: bin, tls: true, args: []string{"--web.config.file=" + webConfig}})
	// From here on, requests verify the certificate and authenticate.
	p.client = promTLSClient(pki.caPool, &promAuth{user: user, password: password})
	if !strings.Contains(p.output.String(), "TLS is enabled") {
		t.Fatalf("the exporter does not log TLS as enabled:\n%s", p.output)
	}
	return p
}

// promAPI talks to a running Prometheus.
type promAPI struct {
	base   string
	client *http.Client
}

// promStart runs Prometheus with a scratch TSDB on a free loopback port.
func promStart(t *testing.T, promBin, dir, cfgPath string) promAPI {
	t.Helper()
	p := launch(t, launchOptions{
		bin: promBin,
		args: func(addr string) []string {
			return []string{"--config.file=" + cfgPath, "--web.listen-address=" + addr,
				"--storage.tsdb.path=" + filepath.Join(dir, "data-"+strings.ReplaceAll(addr, ":", "-"))}
		},
		ready:     "/-/ready",
		readyOK:   true,
		startWait: promWait,
	})
	return promAPI{base: p.url, client: &http.Client{Timeout: waitFor}}
}

// promGet calls an API path and decodes its data into out.
func (a promAPI) promGet(path string, params url.Values, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path+"?"+params.Encode(), nil)
	if err != nil {
		return err
	}
	res, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var envelope struct {
		Status    string          `json:"status"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return fmt.Errorf("%s: %d %s", path, res.StatusCode, body)
	}
	if envelope.Status != "success" {
		return fmt.Errorf("%s: %s: %s", path, envelope.ErrorType, envelope.Error)
	}
	return json.Unmarshal(envelope.Data, out)
}

// promSample is one series of an instant query; Value is [time, "value"].
type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (a promAPI) query(expr string) ([]promSample, error) {
	var data struct {
		ResultType string       `json:"resultType"`
		Result     []promSample `json:"result"`
	}
	if err := a.promGet("/api/v1/query", url.Values{"query": {expr}}, &data); err != nil {
		return nil, err
	}
	if data.ResultType != "vector" {
		return nil, fmt.Errorf("%s: result type %s, want vector", expr, data.ResultType)
	}
	return data.Result, nil
}

func (a promAPI) mustQuery(t *testing.T, expr string) []promSample {
	t.Helper()
	got, err := a.query(expr)
	if err != nil {
		t.Fatalf("query %s: %v", expr, err)
	}
	return got
}

// waitQuery polls an instant query until it returns data.
func (a promAPI) waitQuery(t *testing.T, expr string) []promSample {
	t.Helper()
	var got []promSample
	eventually(t, promWait, "data for "+expr, func() (bool, string) {
		var err error
		got, err = a.query(expr)
		if err != nil {
			t.Fatalf("query %s: %v", expr, err)
		}
		return len(got) > 0, "no data"
	})
	return got
}

// queryRange returns the number of series of a range query over the last
// minute.
func (a promAPI) queryRange(expr string) (int, error) {
	now := time.Now()
	var data struct {
		Result []json.RawMessage `json:"result"`
	}
	params := url.Values{
		"query": {expr},
		"start": {strconv.FormatInt(now.Add(-time.Minute).Unix(), 10)},
		"end":   {strconv.FormatInt(now.Unix(), 10)},
		"step":  {"1"},
	}
	err := a.promGet("/api/v1/query_range", params, &data)
	return len(data.Result), err
}

// promTarget is an active scrape target.
type promTarget struct {
	Labels    map[string]string `json:"labels"`
	ScrapeURL string            `json:"scrapeUrl"`
	Health    string            `json:"health"`
	LastError string            `json:"lastError"`
}

func (a promAPI) targets() ([]promTarget, error) {
	var data struct {
		ActiveTargets []promTarget `json:"activeTargets"`
	}
	err := a.promGet("/api/v1/targets", url.Values{"state": {"active"}}, &data)
	return data.ActiveTargets, err
}

// waitTargets waits until n targets are active and all of them up, and
// returns them.
func (a promAPI) waitTargets(t *testing.T, n int) []promTarget {
	t.Helper()
	var targets []promTarget
	eventually(t, promWait, fmt.Sprintf("%d targets up", n), func() (bool, string) {
		var err error
		if targets, err = a.targets(); err != nil {
			return false, err.Error()
		}
		var seen []string
		up := 0
		for _, tg := range targets {
			seen = append(seen, fmt.Sprintf("%s %s %s %q", tg.Labels["job"], tg.ScrapeURL, tg.Health, tg.LastError))
			if tg.Health == "up" {
				up++
			}
		}
		return len(targets) == n && up == n, strings.Join(seen, "; ")
	})
	return targets
}

// waitRulesHealthy waits until n rules have been evaluated without error.
func (a promAPI) waitRulesHealthy(t *testing.T, n int) {
	t.Helper()
	eventually(t, promWait, fmt.Sprintf("%d healthy rules", n), func() (bool, string) {
		var data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		}
		if err := a.promGet("/api/v1/rules", url.Values{}, &data); err != nil {
			return false, err.Error()
		}
		var seen []string
		ok := 0
		for _, g := range data.Groups {
			for _, r := range g.Rules {
				if r.LastError != "" {
					t.Fatalf("rule %s: %s", r.Name, r.LastError)
				}
				if r.Health == "ok" {
					ok++
				}
				seen = append(seen, r.Name+" "+r.Health)
			}
		}
		return ok == n, strings.Join(seen, "; ")
	})
}

// waitAlert waits for an active (pending or firing) alert with the given
// labels and checks its annotations.
func (a promAPI) waitAlert(t *testing.T, labels, annotations map[string]string) {
	t.Helper()
	eventually(t, promWait, fmt.Sprintf("alert %v", labels), func() (bool, string) {
		var data struct {
			Alerts []struct {
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
				State       string            `json:"state"`
			} `json:"alerts"`
		}
		if err := a.promGet("/api/v1/alerts", url.Values{}, &data); err != nil {
			return false, err.Error()
		}
		var seen []string
		for _, al := range data.Alerts {
			if !promHas(al.Labels, labels) {
				seen = append(seen, al.Labels["alertname"])
				continue
			}
			for k, v := range annotations {
				if al.Annotations[k] != v {
					t.Errorf("alert %v (%s): annotation %s = %q, want %q", labels, al.State, k, al.Annotations[k], v)
				}
			}
			return true, ""
		}
		return false, "active alerts: " + strings.Join(seen, ", ")
	})
}

func promHas(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// promMatch checks that got has exactly one series per want, each
// carrying that want's labels.
func promMatch(t *testing.T, name string, got []promSample, want []map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s returns %d series, want %d: %v", name, len(got), len(want), got)
		return
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(s promSample) bool { return promHas(s.Metric, w) }) {
			t.Errorf("%s returns no series with %v: %v", name, w, got)
		}
	}
}

// promRule is one rule of the example rule files: an alert or a
// recording rule.
type promRule struct {
	Alert  string `yaml:"alert"`
	Record string `yaml:"record"`
	Expr   string `yaml:"expr"`
}

// promRuleFileNames are the rule files examples/prometheus.yml names: paths
// relative to it, of files that are there.
func promRuleFileNames(t *testing.T, cfg map[string]any) []string {
	t.Helper()
	files, _ := cfg["rule_files"].([]any)
	var names []string
	for _, f := range files {
		name := fmt.Sprint(f)
		if filepath.IsAbs(name) || !filepath.IsLocal(name) {
			t.Errorf("examples/prometheus.yml: rule file %s: want a path to a file beside it", name)
			continue
		}
		if _, err := os.Stat(root("examples", name)); err != nil {
			t.Errorf("examples/prometheus.yml names a rule file that is not there: %v", err)
			continue
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		t.Fatal("examples/prometheus.yml names no rule file")
	}
	return names
}

// promRules reads the rules of the files examples/prometheus.yml names.
func promRules(t *testing.T, cfg map[string]any) []promRule {
	t.Helper()
	var rules []promRule
	for _, name := range promRuleFileNames(t, cfg) {
		b, err := os.ReadFile(root("examples", name))
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			Groups []struct {
				Rules []promRule `yaml:"rules"`
			} `yaml:"groups"`
		}
		if err := yaml.Unmarshal(b, &file); err != nil {
			t.Fatalf("examples/%s: %v", name, err)
		}
		for _, g := range file.Groups {
			rules = append(rules, g.Rules...)
		}
	}
	return rules
}

// promAlerts returns the alerts among rules: name → expression.
func promAlerts(t *testing.T, rules []promRule) map[string]string {
	t.Helper()
	alerts := map[string]string{}
	for _, r := range rules {
		if r.Alert != "" {
			alerts[r.Alert] = r.Expr
		}
	}
	if len(alerts) == 0 {
		t.Fatal("the example rule files have no alerts")
	}
	return alerts
}

// promCopyRules copies a rule file, with each group that has an interval of
// its own evaluated every second, like the others in this test.
func promCopyRules(t *testing.T, from, to string) {
	t.Helper()
	v := promLoadYAML(t, from)
	groups, _ := v["groups"].([]any)
	for _, g := range groups {
		if m, ok := g.(map[string]any); ok && m["interval"] != nil {
			m["interval"] = "1s"
		}
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	promWriteYAML(t, to, v)
}

// promCheckDashboard evaluates every query of the example dashboard, with
// its variables set to All, and wants data from each: the fixtures have an
// incident, outages, a maintenance and a failing page, so every panel has
// something to show.
func promCheckDashboard(t *testing.T, api promAPI) {
	t.Helper()
	b, err := os.ReadFile(root("examples", "grafana", "statuspage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Inputs     []json.RawMessage `json:"__inputs"`
		Templating struct {
			List []struct {
				Name       string          `json:"name"`
				Type       string          `json:"type"`
				Datasource promDatasource  `json:"datasource"`
				Query      json.RawMessage `json:"query"`
				AllValue   string          `json:"allValue"`
			} `json:"list"`
		} `json:"templating"`
		Panels []promPanel `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("examples/grafana/statuspage.json: %v", err)
	}
	if len(dash.Inputs) != 0 {
		t.Errorf("__inputs = %s: the data source is the dashboard's variable, not an import input", dash.Inputs)
	}

	// Variables in order: a later one may use an earlier one (page is
	// chained to job), set to All.
	vars := map[string]string{"$__rate_interval": "1m"}
	substitute := func(expr string) string {
		for k, v := range vars {
			expr = strings.ReplaceAll(expr, k, v)
		}
		return expr
	}
	datasource := false
	for _, v := range dash.Templating.List {
		if v.Type == "datasource" {
			var q string
			datasource = v.Name == "datasource" && json.Unmarshal(v.Query, &q) == nil && q == "prometheus"
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("variable %s: query: %v", v.Name, err)
		}
		metric, label, ok := promLabelValues(substitute(q.Query))
		if !ok || v.Datasource.UID != "${datasource}" || strings.Contains(metric, "$") {
			t.Errorf("variable %s: query %q on %q, want label_values(metric, label) of earlier variables on ${datasource}", v.Name, q.Query, v.Datasource.UID)
			continue
		}
		var values []string
		if err := api.promGet("/api/v1/label/"+label+"/values", url.Values{"match[]": {metric}}, &values); err != nil || len(values) == 0 {
			t.Errorf("variable %s: %s gives %v, %v; want values", v.Name, q.Query, values, err)
		}
		if v.Name == "page" {
			for _, want := range []string{"github", "cloudflare", "steady", "broken"} {
				if !slices.Contains(values, want) {
					t.Errorf("variable page: %v lacks %s", values, want)
				}
			}
		}
		vars["$"+v.Name] = v.AllValue
	}
	if !datasource {
		t.Error("the dashboard has no variable datasource of type datasource for Prometheus")
	}
	for _, want := range []string{"$job", "$page"} {
		if _, ok := vars[want]; !ok {
			t.Errorf("the dashboard has no variable %s", want)
		}
	}

	ids := map[int]bool{}
	queries := 0
	for _, p := range dash.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d is used twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: data source %q, want ${datasource}", p.Title, p.Datasource.UID)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			queries++
			expr := substitute(tg.Expr)
			if strings.Contains(expr, "$") {
				t.Errorf("panel %q: a variable is left in %s", p.Title, expr)
				continue
			}
			eventually(t, promWait, fmt.Sprintf("data for panel %q query %s", p.Title, tg.RefID), func() (bool, string) {
				var n int
				var err error
				if tg.Instant {
					var got []promSample
					got, err = api.query(expr)
					n = len(got)
				} else {
					n, err = api.queryRange(expr)
				}
				if err != nil {
					t.Fatalf("panel %q query %s: %s: %v", p.Title, tg.RefID, expr, err)
				}
				return n > 0, "no data from " + expr
			})
		}
	}
	t.Logf("%d dashboard queries in %d panels evaluated with data", queries, len(ids))
}

type promDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type promPanel struct {
	ID         int            `json:"id"`
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Datasource promDatasource `json:"datasource"`
	Targets    []struct {
		RefID   string `json:"refId"`
		Expr    string `json:"expr"`
		Instant bool   `json:"instant"`
	} `json:"targets"`
}

// promLabelValues splits Grafana's label_values(metric, label).
func promLabelValues(q string) (metric, label string, ok bool) {
	inner, ok := strings.CutPrefix(q, "label_values(")
	if !ok {
		return "", "", false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndex(inner, ",")
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(inner[:i]), strings.TrimSpace(inner[i+1:]), true
}

// promCheckSecurity: only a client that trusts the certificate and has the
// password gets metrics.
func promCheckSecurity(t *testing.T, exp *proc, pki *pki, user, password string) {
	t.Helper()
	get := func(c *http.Client, u string) (int, string, error) {
		res, err := c.Get(u)
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, string(b), err
	}
	for _, c := range []struct {
		name   string
		client *http.Client
	}{
		{"no credentials", promTLSClient(pki.caPool, nil)},
		{"wrong password", promTLSClient(pki.caPool, &promAuth{user: user, password: password + "x"})},
		{"unknown user", promTLSClient(pki.caPool, &promAuth{user: "someone", password: password})},
	} {
		for _, path := range []string{"/metrics", "/probe?target=github", "/-/healthy"} {
			code, body, err := get(c.client, exp.url+path)
			if err != nil || code != http.StatusUnauthorized || strings.Contains(body, "statuspage_") {
				t.Errorf("%s: GET %s = %d, %v; want 401 and no metrics", c.name, path, code, err)
			}
		}
	}

	// Plain HTTP to the TLS port: Go's TLS server answers 400, never metrics.
	plain := &http.Client{Timeout: waitFor, Transport: promAuth{user: user, password: password, next: http.DefaultTransport}}
	code, body, err := get(plain, "http://"+exp.addr+"/metrics")
	if err == nil && (code == http.StatusOK || strings.Contains(body, "statuspage_")) {
		t.Errorf("plain HTTP to the TLS port: %d, want a refusal:\n%s", code, body)
	}

	// A client that does not trust the certificate does not get through.
	untrusted := promTLSClient(x509.NewCertPool(), &promAuth{user: user, password: password})
	if _, _, err := get(untrusted, exp.url+"/metrics"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client that does not trust the certificate: %v, want a certificate error", err)
	}

	code, body, err = get(exp.client, exp.url+"/metrics")
	if err != nil || code != http.StatusOK || !strings.Contains(body, "statuspage_up") {
		t.Errorf("with TLS and the password: %d, %v; want 200 and metrics", code, err)
	}
}

// TestPrometheusExamplesAgree: prometheus-tls.yml is prometheus.yml over
// TLS. Without the TLS and auth settings and the exporter's address, their
// rule files and jobs are the same.
func TestPrometheusExamplesAgree(t *testing.T) {
	t.Parallel()
	strip := func(file string) map[string]any {
		cfg := promLoadYAML(t, root("examples", file))
		for _, sc := range promScrapeConfigs(t, cfg) {
			for _, k := range []string{"scheme", "basic_auth", "tls_config"} {
				delete(sc, k)
			}
			if sc["job_name"] == "statuspage_probe" {
				promPointProbe(t, sc, "exporter")
			} else {
				sc["static_configs"] = nil
			}
		}
		return cfg
	}
	plain, tls := strip("prometheus.yml"), strip("prometheus-tls.yml")
	if !reflect.DeepEqual(plain, tls) {
		a, _ := yaml.Marshal(plain)
		b, _ := yaml.Marshal(tls)
		t.Errorf("examples/prometheus.yml and prometheus-tls.yml differ beyond TLS:\n%s\n---\n%s", a, b)
	}
}

// promCondition is an expression that ends in a comparison with a number;
// the first group is what it compares.
var promCondition = regexp.MustCompile(`(?s)^(.*\S)\s*(?:==|!=|>=|<=|>|<)\s*[0-9.]+\s*$`)

// promInlinePromQL is what PromQL looks like in a code span: a selector, or
// an operator, aggregation or function.
var promInlinePromQL = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}$|==|!=|\b(by|on|without|ignoring) \(|\b(time|rate|increase|[a-z]+_over_time)\(|\[[0-9]+[smhdw]\]`)

// mdBlock is a fenced code block of a Markdown file.
type mdBlock struct {
	lang    string // after the opening fence
	section string // the heading it is under, without the #s
	line    int    // of its first line of code
	indent  string // of the fence, taken off each line
	text    string
}

// mdParse returns the fenced code blocks of a Markdown file, and calls
// inline for each code span outside them with its line number.
func mdParse(t *testing.T, path string, inline func(line int, span string)) []mdBlock {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []mdBlock
	var cur *mdBlock
	section := ""
	spans := regexp.MustCompile("`([^`]+)`")
	for i, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```") && cur == nil:
			indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
			cur = &mdBlock{lang: strings.TrimPrefix(trimmed, "```"), section: section, line: i + 2, indent: indent}
		case strings.HasPrefix(trimmed, "```"):
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			// A block in a list item is indented with its fence.
			cur.text += strings.TrimPrefix(line, cur.indent) + "\n"
		case strings.HasPrefix(line, "#"):
			section = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case inline != nil:
			for _, m := range spans.FindAllStringSubmatch(line, -1) {
				inline(i+1, m[1])
			}
		}
	}
	if cur != nil {
		t.Fatalf("%s: the code block of line %d is not closed", path, cur.line-1)
	}
	return blocks
}

// promREADMEExprs returns the PromQL expressions of a Markdown file: those
// of its promql code blocks, separated by blank or comment lines. PromQL in
// an inline code span fails the test, as no test would evaluate it.
func promREADMEExprs(t *testing.T, path string) []string {
	t.Helper()
	blocks := mdParse(t, path, func(line int, span string) {
		if promInlinePromQL.MatchString(span) {
			t.Errorf("%s:%d: PromQL in an inline code span, `%s`: put it in a promql block, where a test evaluates it", path, line, span)
		}
	})
	var exprs []string
	for _, b := range blocks {
		if b.lang != "promql" {
			continue
		}
		var cur []string
		for _, line := range strings.Split(b.text, "\n") {
			if trimmed := strings.TrimSpace(line); trimmed != "" && !strings.HasPrefix(trimmed, "#") {
				cur = append(cur, line)
				continue
			}
			if len(cur) > 0 {
				exprs = append(exprs, strings.Join(cur, "\n"))
				cur = nil
			}
		}
	}
	if len(exprs) == 0 {
		t.Fatalf("%s has no promql block", path)
	}
	return exprs
}
