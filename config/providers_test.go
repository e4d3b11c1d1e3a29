package config

import (
	"strings"
	"testing"
	"time"
)

func TestProviderSettings(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(`
defaults:
  cache_ttl: 30s
pages:
  - name: github
    url: https://www.githubstatus.com
  - name: gitlab
    provider: statusio
    url: https://api.status.io/1.0/status/0123456789abcdef01234567
  - name: docker
    provider: statusio
    url: https://api.status.io/1.0/status/0123456789abcdef01234568
    cache_ttl: 15s
  - name: slack
    provider: slack
  - name: gcp
    provider: gcp
    gcp:
      products: [Google Compute Engine]
      locations: [us-central1]
  - name: aws
    provider: aws
    aws:
      regions: [us-east-1, global]
    components:
      exclude:
        - name: ".*Legacy.*"
  - name: vendor
    provider: instatus
    url: https://status.vendor.example
    components:
      include:
        - group: Europe|Asia
        - name: API
          group: ""
`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		provider, url string
		cacheTTL      time.Duration
	}{
		"github": {ProviderStatuspage, "https://www.githubstatus.com", 30 * time.Second},
		// status.io's etiquette: one request a minute unless the page says otherwise.
		"gitlab": {ProviderStatusio, "https://api.status.io/1.0/status/0123456789abcdef01234567", time.Minute},
		"docker": {ProviderStatusio, "https://api.status.io/1.0/status/0123456789abcdef01234568", 15 * time.Second},
		"slack":  {ProviderSlack, "https://slack-status.com/api/v2.0.0/current", 30 * time.Second},
		"gcp":    {ProviderGCP, "https://status.cloud.google.com/incidents.json", 30 * time.Second},
		"aws":    {ProviderAWS, "https://health.aws.amazon.com/public/currentevents", 30 * time.Second},
		"vendor": {ProviderInstatus, "https://status.vendor.example", 30 * time.Second},
	}
	for i := range c.Pages {
		p := &c.Pages[i]
		s := p.Settings(c.Defaults)
		w := want[p.Name]
		if s.Provider != w.provider || p.BaseURL().String() != w.url || s.CacheTTL != w.cacheTTL {
			t.Errorf("page %s: provider %q, url %s, cache_ttl %v; want %q, %s, %v", p.Name, s.Provider, p.BaseURL(), s.CacheTTL, w.provider, w.url, w.cacheTTL)
		}
	}
	aws := c.Pages[5].Settings(c.Defaults)
	if len(aws.AWS.Regions) != 2 || len(aws.Components.Exclude) != 1 {
		t.Errorf("aws page settings lost its options: %+v", aws)
	}
	// A longer default cache_ttl is kept for status.io too: the minimum is
	// only a floor.
	c2, err := Parse([]byte("defaults:\n  cache_ttl: 5m\npages:\n  - name: gitlab\n    provider: statusio\n    url: https://api.status.io/1.0/status/x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c2.Pages[0].Settings(c2.Defaults).CacheTTL; got != 5*time.Minute {
		t.Errorf("status.io cache_ttl under a 5m default = %v, want 5m", got)
	}
}

func TestProviderErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		page, want string
	}{
		{"provider: zendesk\n    url: https://x.example", `page "p": provider: unknown "zendesk", want one of aws, gcp, instatus, slack, statusio, statuspage`},
		{"provider: aws", `page "p": aws: regions: required`},
		{"provider: aws\n    aws: {}", `page "p": aws: regions: required`},
		{"provider: aws\n    aws: {regions: [us-east-1, \" \"]}", `page "p": aws: regions[1]: empty`},
		{"provider: aws\n    aws: {regions: [us-east-1], services: [\"\"]}", `page "p": aws: services[0]: empty`},
		{"provider: gcp\n    gcp: {products: [\"\"]}", `page "p": gcp: products[0]: empty`},
		{"url: https://x.example\n    aws: {regions: [us-east-1]}", `page "p": aws: only for provider aws, not statuspage`},
		{"provider: slack\n    gcp: {products: [x]}", `page "p": gcp: only for provider gcp, not slack`},
		// statuspage, statusio and instatus have no public endpoint of their own.
		{"provider: statusio", `page "p": url: missing`},
		{"provider: instatus", `page "p": url: missing`},
		{"url: https://x.example\n    components: {include: [{}]}", `page "p": components: include[0]: a rule needs name, group or both`},
		{"url: https://x.example\n    components: {exclude: [{name: \"(\"}]}", `page "p": components: exclude[0]: name: error parsing regexp: missing closing ): ` + "`^(?:()$`"},
		{"url: https://x.example\n    components: {include: [{group: \"[\"}]}", `page "p": components: include[0]: group: error parsing regexp`},
		{"url: https://x.example\n    components: {include: [{name: null}]}", `page "p": components: include[0]: a rule needs name, group or both`},
		{"url: https://x.example\n    components: {include: [{names: x}]}", "field names not found"},
	} {
		_, err := Parse([]byte("pages:\n  - name: p\n    " + tc.page + "\n"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("page\n    %s\ngot error %v, want one containing %q", tc.page, err, tc.want)
		}
	}
}
