package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The platforms a page can name with provider:.
const (
	ProviderStatuspage = "statuspage"
	ProviderStatusio   = "statusio"
	ProviderSlack      = "slack"
	ProviderGCP        = "gcp"
	ProviderAWS        = "aws"
	ProviderInstatus   = "instatus"
)

// providerInfo is what the configuration needs to know of a platform.
type providerInfo struct {
	// defaultURL is used when a page leaves url out; empty when the page
	// must name it.
	defaultURL string
	// minCacheTTL is the cache_ttl a page gets when it sets none and the
	// defaults ask for less: the platform's rate-limit etiquette.
	minCacheTTL time.Duration
}

var providers = map[string]providerInfo{
	ProviderStatuspage: {},
	// status.io asks for at most one request a minute per page.
	ProviderStatusio: {minCacheTTL: time.Minute},
	ProviderSlack:    {defaultURL: "https://slack-status.com/api/v2.0.0/current"},
	ProviderGCP:      {defaultURL: "https://status.cloud.google.com/incidents.json"},
	ProviderAWS:      {defaultURL: "https://health.aws.amazon.com/public/currentevents"},
	ProviderInstatus: {},
}

// Providers returns the names provider: accepts, sorted.
func Providers() []string {
	names := make([]string, 0, len(providers))
	for name := range providers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// ComponentFilter chooses the components of a page that make series. A
// component is kept when no include rule is given or one matches it, and no
// exclude rule matches it.
type ComponentFilter struct {
	Include []ComponentMatch `yaml:"include,omitempty"`
	Exclude []ComponentMatch `yaml:"exclude,omitempty"`
}

// Empty reports whether f keeps every component.
func (f *ComponentFilter) Empty() bool {
	return len(f.Include) == 0 && len(f.Exclude) == 0
}

// ComponentMatch matches a component by name, by group, or by both (both
// must match then). Each is a regular expression anchored at both ends, as
// in Prometheus relabelling; a component without a group has group "", so
// `group: ""` matches the components outside any group.
type ComponentMatch struct {
	Name  *string `yaml:"name,omitempty"`
	Group *string `yaml:"group,omitempty"`
}

// CompileMatch compiles a rule's expression anchored at both ends; nil
// (the rule does not say) compiles to nil, which matches anything.
func CompileMatch(expr *string) (*regexp.Regexp, error) {
	if expr == nil {
		return nil, nil
	}
	return regexp.Compile("^(?:" + *expr + ")$")
}

func (m ComponentMatch) validate() error {
	if m.Name == nil && m.Group == nil {
		return errors.New("a rule needs name, group or both")
	}
	if _, err := CompileMatch(m.Name); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if _, err := CompileMatch(m.Group); err != nil {
		return fmt.Errorf("group: %w", err)
	}
	return nil
}

func (f *ComponentFilter) validate() error {
	for i, m := range f.Include {
		if err := m.validate(); err != nil {
			return fmt.Errorf("include[%d]: %w", i, err)
		}
	}
	for i, m := range f.Exclude {
		if err := m.validate(); err != nil {
			return fmt.Errorf("exclude[%d]: %w", i, err)
		}
	}
	return nil
}

// AWSOptions are the allow-lists of an aws page. Region-wide events stay
// open for months and touch more than a hundred services, so the regions
// are required. Values are compared case-insensitively; "global" is the
// region of events without one.
type AWSOptions struct {
	Regions  []string `yaml:"regions,omitempty"`
	Services []string `yaml:"services,omitempty"`
}

// GCPOptions are the allow-lists of a gcp page: products and locations,
// each by title ("Google Compute Engine", "Iowa (us-central1)") or id
// ("us-central1"), compared case-insensitively. Empty lists allow all.
type GCPOptions struct {
	Products  []string `yaml:"products,omitempty"`
	Locations []string `yaml:"locations,omitempty"`
}

// provider is the page's platform: statuspage when it names none.
func (p *Page) provider() string {
	if p.Provider == "" {
		return ProviderStatuspage
	}
	return p.Provider
}

// validateProvider checks the provider of p and the options that go with
// it, and returns the URL to use: p.URL, or the platform's default.
func (p *Page) validateProvider() (string, error) {
	name := p.provider()
	info, ok := providers[name]
	if !ok {
		return "", fmt.Errorf("provider: unknown %q, want one of %s", name, strings.Join(Providers(), ", "))
	}
	if p.AWS != nil && name != ProviderAWS {
		return "", fmt.Errorf("aws: only for provider aws, not %s", name)
	}
	if p.GCP != nil && name != ProviderGCP {
		return "", fmt.Errorf("gcp: only for provider gcp, not %s", name)
	}
	if name == ProviderAWS {
		if p.AWS == nil || len(p.AWS.Regions) == 0 {
			return "", errors.New("aws: regions: required (for example [us-east-1, global]): region-wide events touch more than a hundred services")
		}
		if err := noBlanks("aws: regions", p.AWS.Regions); err != nil {
			return "", err
		}
		if err := noBlanks("aws: services", p.AWS.Services); err != nil {
			return "", err
		}
	}
	if p.GCP != nil {
		if err := noBlanks("gcp: products", p.GCP.Products); err != nil {
			return "", err
		}
		if err := noBlanks("gcp: locations", p.GCP.Locations); err != nil {
			return "", err
		}
	}
	if p.Components != nil {
		if err := p.Components.validate(); err != nil {
			return "", fmt.Errorf("components: %w", err)
		}
	}
	if p.URL == "" && info.defaultURL != "" {
		return info.defaultURL, nil
	}
	return p.URL, nil
}

func noBlanks(field string, values []string) error {
	for i, v := range values {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("%s[%d]: empty", field, i)
		}
	}
	return nil
}
