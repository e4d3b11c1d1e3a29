package config

import (
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/config"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// Active is a loaded configuration with what was built from it once: one
// target, with its HTTP client, per page. It is never modified.
type Active struct {
	Config  *Config
	Targets []*statuspage.Target
	byName  map[string]*statuspage.Target
	adhoc   adhoc
}

// Target returns the page called name, or nil.
func (a *Active) Target(name string) *statuspage.Target {
	return a.byName[name]
}

// Names returns the set of configured page names.
func (a *Active) Names() map[string]bool {
	names := make(map[string]bool, len(a.Targets))
	for _, t := range a.Targets {
		names[t.Name] = true
	}
	return names
}

// Build makes the targets of c, creating each page's HTTP client.
func Build(c *Config) (*Active, error) {
	a := &Active{Config: c, byName: make(map[string]*statuspage.Target, len(c.Pages))}
	var clients clientPool
	for i := range c.Pages {
		p := &c.Pages[i]
		s := p.Settings(c.Defaults)
		u, err := statuspage.SummaryURL(p.URL)
		if err != nil {
			return nil, fmt.Errorf("page %q: url: %w", p.Name, err)
		}
		shared, err := clients.get(s.HTTPClientConfig)
		if err != nil {
			return nil, redact(fmt.Errorf("page %q: http_client_config: %w", p.Name, err))
		}
		// A client of its own, for the redirect policy, on the shared pool.
		client := new(http.Client)
		*client = *shared
		if sendsCredentials(&s.HTTPClientConfig) {
			guardRedirects(client, sameOrigin)
		}
		statuspage.LimitRedirects(client, statuspage.DefaultMaxRedirects)
		t := &statuspage.Target{
			Name:       p.Name,
			SummaryURL: u,
			Client:     client,
			Timeout:    s.Timeout,
			CacheTTL:   s.CacheTTL,
			MaxStale:   s.MaxStale,
		}
		a.Targets = append(a.Targets, t)
		a.byName[p.Name] = t
	}
	if err := a.buildAdhoc(c, &clients); err != nil {
		return nil, err
	}
	return a, nil
}

// clientPool shares one HTTP client, and so one pool of kept-alive
// connections, among the pages of a configuration that have the same
// http_client_config: usually all of them. prometheus/common sizes its
// transport's idle pool at 20000 connections, 1000 per host, so every page
// keeps its connection between fetches.
type clientPool struct {
	configs []config.HTTPClientConfig
	clients []*http.Client
}

func (p *clientPool) get(cfg config.HTTPClientConfig) (*http.Client, error) {
	for i := range p.configs {
		// DeepEqual sees secrets' real values, so pages that differ only
		// in a credential never share a client.
		if reflect.DeepEqual(p.configs[i], cfg) {
			return p.clients[i], nil
		}
	}
	c, err := config.NewClientFromConfig(cfg, "statuspage_exporter")
	if err != nil {
		return nil, err
	}
	p.configs = append(p.configs, cfg)
	p.clients = append(p.clients, c)
	return c, nil
}

// buildAdhoc prepares the client of ad-hoc /probe targets: the defaults'
// settings, following redirects only to allowed hosts.
func (a *Active) buildAdhoc(c *Config, clients *clientPool) error {
	policy, err := parseHostPolicy(c.Probe.AllowedHosts)
	if err != nil {
		return err
	}
	a.adhoc = adhoc{policy: policy, settings: (&Page{}).Settings(c.Defaults)}
	if len(policy) == 0 {
		return nil
	}
	shared, err := clients.get(a.adhoc.settings.HTTPClientConfig)
	if err != nil {
		return redact(fmt.Errorf("defaults: http_client_config: %w", err))
	}
	// A client of its own, for the redirect policy, on the shared pool.
	client := new(http.Client)
	*client = *shared
	guardRedirects(client, policy.allowedHostsOnly)
	statuspage.LimitRedirects(client, statuspage.DefaultMaxRedirects)
	a.adhoc.client = client
	return nil
}

// retireSweepMargin is how long after the longest page timeout a replaced
// configuration's connections are swept a second time.
const retireSweepMargin = 2 * time.Second

// retire releases the connections of a configuration that is no longer
// served. Scrapes that still hold it may use its clients: closing idle
// connections is safe, a busy one finishes normally, but then goes back to
// the idle pool of a client nobody will use again, where it would stay
// open for the transport's idle timeout (minutes). Those fetches end
// within their page's timeout, so a second sweep after the longest one
// closes them too.
func (a *Active) retire(margin time.Duration) {
	a.closeIdle()
	longest := a.adhoc.settings.Timeout
	for _, t := range a.Targets {
		longest = max(longest, t.Timeout)
	}
	time.AfterFunc(longest+margin, a.closeIdle)
}

// closeIdle releases the idle connections of a configuration that is no
// longer served.
func (a *Active) closeIdle() {
	for _, t := range a.Targets {
		if t.Client != nil {
			t.Client.CloseIdleConnections()
		}
	}
	if a.adhoc.client != nil {
		a.adhoc.client.CloseIdleConnections()
	}
}

// Holder keeps the active configuration. Reads are lock-free; reloads are
// serialised, and a reload that fails leaves the active configuration alone.
type Holder struct {
	path   string
	mu     sync.Mutex // serialises reloads
	active atomic.Pointer[Active]
}

// NewHolder returns a holder for the file at path; call Reload to load it.
func NewHolder(path string) *Holder {
	return &Holder{path: path}
}

// Active returns the configuration in use; nil before the first good load.
func (h *Holder) Active() *Active {
	return h.active.Load()
}

// Reload loads the file again. On success the new configuration is active
// and the old one is returned; on failure nothing changes.
func (h *Holder) Reload() (old *Active, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := Load(h.path)
	if err != nil {
		return nil, err
	}
	a, err := Build(c)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", h.path, err)
	}
	old = h.active.Swap(a)
	if old != nil {
		old.retire(retireSweepMargin)
	}
	return old, nil
}
