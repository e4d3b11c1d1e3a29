//go:build unix

package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// adhocTargets is how many ad-hoc /probe targets keep cache state, as
// README.md documents it ("The 100 most recently probed ad-hoc URLs keep
// cache state").
const adhocTargets = 100

// TestProbePolicy runs the binary with an allow-list and proves that /probe
// fetches configured pages and allowed ad-hoc URLs only: a refused target is
// a 400, and the server it names gets no request at all.
func TestProbePolicy(t *testing.T) {
	t.Parallel()
	doc := fixture(t, "all_operational.json")
	refused := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(doc) })
	allowed := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/redirect/") {
			http.Redirect(w, r, refused.srv.URL+summaryPath, http.StatusFound)
			return
		}
		_, _ = w.Write(doc)
	})
	refusedPort := strings.TrimPrefix(refused.host(), "127.0.0.1:")

	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	withAllowList := fmt.Sprintf("defaults: {cache_ttl: 1h}\nprobe:\n  allowed_hosts: [%q]\npages:\n  - name: alpha\n    url: %s/alpha\n",
		allowed.host(), allowed.srv.URL)
	writeFile(t, cfgPath, withAllowList)
	p := start(t, cfgPath, startOptions{})

	t.Run("targets", func(t *testing.T) {
		tests := []struct {
			target string
			code   int
			page   string // the page label of an accepted target
			reason string // part of the 400 answer
		}{
			{"alpha", 200, "alpha", ""},
			{allowed.srv.URL + "/adhoc", 200, allowed.srv.URL + "/adhoc", ""},
			{"HTTP://" + allowed.host() + "/adhoc/", 200, allowed.srv.URL + "/adhoc", ""},
			{"", 400, "", "missing target"},
			{"beta", 400, "", "not a configured page name"},
			{refused.srv.URL, 400, "", "is not in probe.allowed_hosts"},
			{"http://localhost:" + refusedPort, 400, "", "is not in probe.allowed_hosts"},
			{"http://[::ffff:127.0.0.1]:" + refusedPort, 400, "", "is not in probe.allowed_hosts"},
			{"http://2130706433:" + refusedPort, 400, "", "neither a DNS name nor an IP address"},
			{"http://127.1:" + refusedPort, 400, "", "neither a DNS name nor an IP address"},
			{"http://" + allowed.host() + "@" + refused.host() + "/", 400, "", "credentials"},
			{"http://user:SENTINEL-PW@" + allowed.host() + "/", 400, "", "credentials"},
			{"ftp://" + allowed.host() + "/", 400, "", "scheme must be http or https"},
			{"file:///etc/passwd", 400, "", "scheme must be http or https"},
			{"https://" + allowed.host() + "/", 200, "https://" + allowed.host(), ""}, // allowed; fails as TLS to a plain server
			{allowed.srv.URL + "/x?y=1", 400, "", "query and fragment"},
		}
		for _, tt := range tests {
			before := refused.total()
			code, body, _ := p.scrape(t, "/probe?target="+url.QueryEscape(tt.target), 5)
			if code != tt.code {
				t.Errorf("target %q: %d, want %d; body:\n%s", tt.target, code, tt.code, short(body))
				continue
			}
			if refused.total() != before {
				t.Errorf("target %q: the refused host got a request", tt.target)
			}
			if strings.Contains(body, "SENTINEL-PW") {
				t.Errorf("target %q: the answer repeats the URL's password", tt.target)
			}
			if tt.code != 200 {
				if !strings.Contains(body, tt.reason) {
					t.Errorf("target %q: answer %q, want it to say %q", tt.target, body, tt.reason)
				}
				continue
			}
			if gauge(body, fmt.Sprintf("statuspage_up{page=%q}", tt.page)) < 0 {
				t.Errorf("target %q: no statuspage_up for page %q in:\n%s", tt.target, tt.page, short(body))
			}
		}
		if n := allowed.hits("/adhoc" + summaryPath); n != 1 {
			t.Errorf("the ad-hoc page was fetched %d times, want once (two spellings, one cache entry)", n)
		}
		if strings.Contains(p.output.String(), "SENTINEL-PW") {
			t.Error("the log repeats a password given in a target URL")
		}
	})

	t.Run("redirect to a host not allowed", func(t *testing.T) {
		target := allowed.srv.URL + "/redirect"
		code, body, _ := p.scrape(t, "/probe?target="+url.QueryEscape(target), 5)
		if code != 200 || gauge(body, fmt.Sprintf("statuspage_up{page=%q}", target)) != 0 {
			t.Errorf("GET /probe of a redirect to a host not allowed = %d, want 200 with up 0:\n%s", code, short(body))
		}
		if refused.total() != 0 {
			t.Error("the redirect to a host not allowed was followed")
		}
		if !p.hasLog("page="+target, "refused to follow a redirect", "not in probe.allowed_hosts") {
			t.Error("no log line names the page and the refused redirect")
		}
	})

	t.Run("ad-hoc cache is bounded", func(t *testing.T) {
		n := adhocTargets + 10
		for i := range n {
			code, _, _ := p.scrape(t, fmt.Sprintf("/probe?target=%s/n%d", allowed.srv.URL, i), 5)
			if code != 200 {
				t.Fatalf("probe %d: %d", i, code)
			}
		}
		// cache_ttl is an hour: a second request can only come from a
		// target whose cache state was dropped.
		p.get(t, fmt.Sprintf("/probe?target=%s/n%d", allowed.srv.URL, n-1), 200)
		if got := allowed.hits(fmt.Sprintf("/n%d%s", n-1, summaryPath)); got != 1 {
			t.Errorf("the most recent ad-hoc target was fetched %d times, want 1 (cached)", got)
		}
		p.get(t, fmt.Sprintf("/probe?target=%s/n0", allowed.srv.URL), 200)
		if got := allowed.hits("/n0" + summaryPath); got != 2 {
			t.Errorf("the oldest ad-hoc target was fetched %d times, want 2 (its cache state dropped)", got)
		}
		body := p.get(t, "/metrics", 200)
		if strings.Contains(body, `page="http`) {
			t.Error("/metrics has series labelled with an ad-hoc URL: they would grow with every URL probed")
		}
		if v := gauge(body, `statuspage_exporter_upstream_requests_total{code="200",page="(ad-hoc)"}`); v < float64(n) {
			t.Errorf("ad-hoc upstream requests counted %v, want at least %d under page=\"(ad-hoc)\"", v, n)
		}
	})

	t.Run("reload removes the allow-list", func(t *testing.T) {
		writeFile(t, cfgPath, fmt.Sprintf("defaults: {cache_ttl: 1h}\npages:\n  - name: alpha\n    url: %s/alpha\n", allowed.srv.URL))
		p.signal(t, syscall.SIGHUP)
		p.waitMetrics(t, `statuspage_exporter_config_reloads_total{result="success"} 2`)
		before := allowed.total()
		code, body, _ := p.scrape(t, "/probe?target="+url.QueryEscape(allowed.srv.URL+"/fresh"), 5)
		if code != 400 || !strings.Contains(body, "lists no probe.allowed_hosts") {
			t.Errorf("after the reload an ad-hoc target answers %d %q, want 400", code, body)
		}
		if allowed.total() != before {
			t.Error("after the reload an ad-hoc target was fetched")
		}
		p.get(t, "/probe?target=alpha", 200)
	})
	p.checkAlive(t)
}
