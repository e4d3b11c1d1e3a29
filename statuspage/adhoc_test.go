package statuspage

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

func TestHostPolicy(t *testing.T) {
	t.Parallel()
	rules, err := config.ParseAllowedHosts([]string{
		"status.example.com", ".statuspage.io", "127.0.0.1:8080", "[::1]:9090", "10.0.0.1.", "Mixed.Example.ORG.",
	})
	if err != nil {
		t.Fatal(err)
	}
	policy := hostPolicy(rules)
	tests := []struct {
		url  string
		want string // "" when allowed, else part of the reason
	}{
		{"https://status.example.com", ""},
		{"https://STATUS.Example.com./", ""},
		{"http://status.example.com", ""},
		{"https://status.example.com:443/x", ""},
		{"https://status.example.com:8443", "port 8443 is not in"},
		{"https://sub.status.example.com", "not in probe.allowed_hosts"},
		{"https://acme.statuspage.io", ""},
		{"https://a.b.statuspage.io", ""},
		{"https://statuspage.io", "not in probe.allowed_hosts"},
		{"https://evilstatuspage.io", "not in probe.allowed_hosts"},
		{"https://acme.statuspage.io.evil.example", "not in probe.allowed_hosts"},
		{"https://acme.statuspage.io:8443", "not in probe.allowed_hosts"},
		{"http://127.0.0.1:8080", ""},
		{"http://127.0.0.1", "port 80 is not in"},
		{"http://127.0.0.1:8081", "not in probe.allowed_hosts"},
		{"http://127.0.0.2:8080", "not in probe.allowed_hosts"},
		{"http://[::1]:9090", ""},
		{"http://[0:0::1]:9090", ""},
		{"https://10.0.0.1", ""},
		{"https://010.0.0.1", "neither a DNS name nor an IP address"},
		{"https://0x0a.0.0.1", "neither a DNS name nor an IP address"},
		{"https://10.0.0.1.", ""},
		{"https://2130706433", "neither a DNS name nor an IP address"},
		{"https://a!b.example", "neither a DNS name nor an IP address"},
		{"https://mixed.example.org", ""},
		{"https://user:pw@status.example.com", "credentials"},
		{"https://user@acme.statuspage.io", "credentials"},
		{"ftp://status.example.com", "scheme"},
		{"file:///etc/passwd", "scheme"},
		{"https://", "missing host"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			err = policy.allows(u)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("allowed, want refused (%s)", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("refused with %q, want %q", err, tt.want)
			}
		})
	}
}

func TestHostPolicyEmpty(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://status.example.com")
	if err := hostPolicy(nil).allows(u); err == nil || !strings.Contains(err.Error(), "lists no probe.allowed_hosts") {
		t.Errorf("empty policy: %v, want a refusal that names probe.allowed_hosts", err)
	}
}

func TestAdhocTarget(t *testing.T) {
	t.Parallel()
	a := buildDoc(t, `
defaults: {timeout: 3s, cache_ttl: 20s, max_stale: 5m}
probe:
  allowed_hosts: [".statuspage.io", "127.0.0.1:8080"]
pages:
  - {name: github, url: "https://www.githubstatus.com"}
`)
	tests := []struct {
		target, name, want string // want: part of the error; "" for success
	}{
		{"https://acme.statuspage.io", "https://acme.statuspage.io", ""},
		{"https://ACME.statuspage.io./", "https://acme.statuspage.io", ""},
		{"https://acme.statuspage.io:443", "https://acme.statuspage.io", ""},
		{"http://127.0.0.1:8080/sub/", "http://127.0.0.1:8080/sub", ""},
		{"https://acme.statuspage.io/custom.json", "https://acme.statuspage.io/custom.json", ""},
		{"https://acme.statuspage.io?x=1", "", "query and fragment"},
		{"https://acme.statuspage.io#x", "", "query and fragment"},
		{"https://acme.statuspage.io?", "", "query and fragment"},
		{"https://acme.statuspage.io/#", "", "query and fragment"},
		{"https://u:p@acme.statuspage.io", "", "credentials"},
		{"https://acme.statuspage.io@evil.example", "", "credentials"},
		{"https://acme.ѕtatuspage.io", "", "ASCII"},
		{"https://acme.statuspage.io%2f@evil.example", "", "credentials"},
		{"https://evil.example\\@acme.statuspage.io", "", "not a valid URL"},
		{"https://evilstatuspage.io", "", "not in probe.allowed_hosts"},
		{"acme.statuspage.io", "", "scheme must be http or https"},
		{" https://acme.statuspage.io", "", "not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			t.Parallel()
			target, err := a.AdhocTarget(tt.target)
			if tt.want != "" {
				if err == nil {
					t.Fatalf("accepted as %q, want refused (%s)", target.Name, tt.want)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("refused with %q, want %q", err, tt.want)
				}
				if strings.Contains(err.Error(), "u:p") {
					t.Errorf("error shows the URL's credentials: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if target.Name != tt.name || !IsAdhocName(target.Name) {
				t.Errorf("name %q, want %q", target.Name, tt.name)
			}
			if !strings.HasSuffix(target.SummaryURL, ".json") || !strings.HasPrefix(target.SummaryURL, tt.name) {
				t.Errorf("summary URL %q does not belong to %q", target.SummaryURL, tt.name)
			}
			if target.Client == nil || target.Client != a.adhoc.client {
				t.Error("an ad-hoc target does not use the shared ad-hoc client")
			}
			if target.Timeout != 3*time.Second || target.CacheTTL != 20*time.Second || target.MaxStale != 5*time.Minute {
				t.Errorf("settings %v %v %v, want the defaults", target.Timeout, target.CacheTTL, target.MaxStale)
			}
		})
	}
	if IsAdhocName("github") {
		t.Error("a configured page name counts as ad-hoc")
	}
}

func TestAdhocTargetRefusedWithoutAllowList(t *testing.T) {
	t.Parallel()
	a := buildDoc(t, "pages:\n  - {name: github, url: \"https://www.githubstatus.com\"}\n")
	if _, err := a.AdhocTarget("https://www.githubstatus.com"); err == nil || !strings.Contains(err.Error(), "lists no probe.allowed_hosts") {
		t.Errorf("AdhocTarget without an allow-list: %v, want refused", err)
	}
}

// TestAdhocRedirectStaysOnAllowedHosts: an allowed host that redirects
// elsewhere does not make /probe a proxy to the elsewhere.
func TestAdhocRedirectStaysOnAllowedHosts(t *testing.T) {
	t.Parallel()
	allowed, other := newPageRecorder(t), newPageRecorder(t)
	allowed.redirectTo(other.srv.URL + "/api/v2/summary.json")
	host := strings.TrimPrefix(allowed.srv.URL, "http://")
	a := buildDoc(t, "probe: {allowed_hosts: [\""+host+"\"]}\npages:\n  - {name: github, url: \"https://www.githubstatus.com\"}\n")
	target, err := a.AdhocTarget(allowed.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res, err := target.Client.Get(target.SummaryURL)
	if err == nil {
		res.Body.Close()
		t.Fatal("the redirect to a host not allowed was followed")
	}
	if !strings.Contains(err.Error(), "refused to follow a redirect") || !strings.Contains(err.Error(), "not in probe.allowed_hosts") {
		t.Errorf("error %q, want it to say the redirect was refused and why", err)
	}
	if n := len(other.requests()); n != 0 {
		t.Errorf("the host not allowed got %d requests", n)
	}
}
