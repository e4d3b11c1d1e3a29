package config

import (
	"slices"
	"strings"
	"testing"
)

func TestHostRuleErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		entry, want string
	}{
		{"", "must be a host"},
		{" status.example.com", "without spaces"},
		{"https://status.example.com", "not a URL"},
		{"status.example.com/x", "not a URL"},
		{"user@status.example.com", "not a URL"},
		{"*.statuspage.io", "wildcards are not supported"},
		{".io", "at least two labels"},
		{".", "not a valid host name"},
		{".0.0.1", "not part of an address"},
		{"127.1", "nor an IP address in standard form"},
		{"2130706433:8080", "nor an IP address in standard form"},
		{"status.example.com:0", "invalid port"},
		{"status.example.com:65536", "invalid port"},
		{"status.example.com:http", "invalid port"},
		{"status.example.com:0443", "invalid port"},
		{"bad!host", "not a valid host name"},
		{"-bad.example.com", "not a valid host name"},
		{"bücher.example", "xn-- form"},
		{"fe80::1%eth0", "zones are not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			t.Parallel()
			_, err := ParseAllowedHosts([]string{"ok.example.com", tt.entry})
			if err == nil {
				t.Fatalf("entry %q accepted", tt.entry)
			}
			if !strings.Contains(err.Error(), "probe: allowed_hosts[1]") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to name probe: allowed_hosts[1] and say %q", err, tt.want)
			}
		})
	}
}

func TestProbeConfigErrors(t *testing.T) {
	t.Parallel()
	const page = "pages:\n  - {name: github, url: \"https://www.githubstatus.com\"}\n"
	tests := []struct {
		name, doc, want string
	}{
		{"bad entry", page + "probe: {allowed_hosts: [\"*.example.com\"]}\n", `probe: allowed_hosts[0] "*.example.com": wildcards`},
		{"unknown key", page + "probe: {allowed_host: [x.example.com]}\n", "field allowed_host not found"},
		{"default basic auth", page + "probe: {allowed_hosts: [.statuspage.io]}\n" +
			"defaults: {http_client_config: {basic_auth: {username: u, password: SENTINEL-SECRET}}}\n", "defaults.http_client_config sends credentials"},
		{"default authorization", page + "probe: {allowed_hosts: [.statuspage.io]}\n" +
			"defaults: {http_client_config: {authorization: {credentials: SENTINEL-SECRET}}}\n", "sends credentials"},
		{"default bearer token", page + "probe: {allowed_hosts: [.statuspage.io]}\n" +
			"defaults: {http_client_config: {bearer_token: SENTINEL-SECRET}}\n", "sends credentials"},
		{"default secret header", page + "probe: {allowed_hosts: [.statuspage.io]}\n" +
			"defaults: {http_client_config: {http_headers: {X-Key: {secrets: [SENTINEL-SECRET]}}}}\n", "sends credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse: %v, want an error with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), sentinel) {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
	// Credentials on a page, or headers without secrets, are fine.
	for _, doc := range []string{
		page + "  - {name: acme, url: \"https://acme.statuspage.io\", http_client_config: {authorization: {credentials: k}}}\n" +
			"probe: {allowed_hosts: [.statuspage.io]}\n",
		page + "probe: {allowed_hosts: [.statuspage.io]}\ndefaults: {http_client_config: {http_headers: {X-Team: {values: [sre]}}}}\n",
	} {
		if _, err := Parse([]byte(doc)); err != nil {
			t.Errorf("Parse(%q): %v", doc, err)
		}
	}
}

// TestPageURLEmptyQuery: FuzzConfig found that a page URL ending in an empty
// query ("http://0?") passed validation and was fetched as
// ".../summary.json?".
func TestPageURLEmptyQuery(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://0?", "https://status.example.com/?", "https://status.example.com/#"} {
		_, err := Parse([]byte("pages:\n  - name: a\n    url: \"" + u + "\"\n"))
		if err == nil || !strings.Contains(err.Error(), `page "a": url: query and fragment are not allowed`) {
			t.Errorf("url %q: %v, want it refused", u, err)
		}
	}
}

// TestProbeRules: Validate keeps allowed_hosts as the rules it parsed, for
// the ad-hoc targets to use without parsing them again.
func TestProbeRules(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte("probe: {allowed_hosts: [.StatusPage.io., \"127.0.0.1:8080\", \"[0:0::1]\"]}\npages:\n  - {name: a, url: \"https://a.example\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []HostRule{{Host: ".statuspage.io", Suffix: true}, {Host: "127.0.0.1", Port: "8080"}, {Host: "::1"}}
	if got := c.Probe.Rules(); !slices.Equal(got, want) {
		t.Errorf("Rules() = %+v, want %+v", got, want)
	}
	if (&Probe{AllowedHosts: []string{"a.example"}}).Rules() != nil {
		t.Error("an unchecked allow-list has rules")
	}
}
