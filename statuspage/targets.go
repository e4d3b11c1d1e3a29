package statuspage

import (
	"fmt"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// TargetSet is what is built once from a loaded configuration: one target,
// with its HTTP client, per page, and the maker of ad-hoc /probe targets.
// It is never modified.
type TargetSet struct {
	// Targets are the configured pages, in the order of the file.
	Targets []*Target
	byName  map[string]*Target
	adhoc   adhoc
}

// NewTargetSet makes the targets of c, creating each page's HTTP client and
// redirect policy. c must be checked: from config.Parse or config.Load.
func NewTargetSet(c *config.Config, o ClientOptions) (*TargetSet, error) {
	s := &TargetSet{byName: make(map[string]*Target, len(c.Pages))}
	clients := clientPool{options: o}
	for i := range c.Pages {
		p := &c.Pages[i]
		settings := p.Settings(c.Defaults)
		base := p.BaseURL()
		if base == nil {
			return nil, fmt.Errorf("page %q: url: not checked (the configuration did not come from config.Parse or config.Load)", p.Name)
		}
		client, err := clients.pageClient(&settings.HTTPClientConfig)
		if err != nil {
			return nil, config.Redact(fmt.Errorf("page %q: http_client_config: %w", p.Name, err))
		}
		t := &Target{
			Name:        p.Name,
			Client:      client,
			Timeout:     settings.Timeout,
			CacheTTL:    settings.CacheTTL,
			MaxStale:    settings.MaxStale,
			SeriesLimit: settings.SeriesLimit,
			files:       config.Files(&settings.HTTPClientConfig),
			settings:    settingsKey(&settings),
		}
		if err := t.setProvider(base, &settings); err != nil {
			return nil, fmt.Errorf("page %q: %w", p.Name, err)
		}
		s.Targets = append(s.Targets, t)
		s.byName[p.Name] = t
	}
	adhoc, err := newAdhoc(c, &clients)
	if err != nil {
		return nil, err
	}
	s.adhoc = adhoc
	return s, nil
}

// Target returns the page called name, or nil.
func (s *TargetSet) Target(name string) *Target {
	return s.byName[name]
}

// Names returns the set of configured page names.
func (s *TargetSet) Names() map[string]bool {
	names := make(map[string]bool, len(s.Targets))
	for _, t := range s.Targets {
		names[t.Name] = true
	}
	return names
}

// retireSweepMargin is how long after the longest page timeout a replaced
// configuration's connections are swept a second time.
const retireSweepMargin = 2 * time.Second

// Retire releases the connections of a set that a reload replaced (see
// config.Holder): now, and again once its longest timeout has passed.
func (s *TargetSet) Retire() {
	s.retire(retireSweepMargin)
}

// retire releases the connections of a set that is no longer served.
// Scrapes that still hold it may use its clients: closing idle connections
// is safe, a busy one finishes normally, but then goes back to the idle pool
// of a client nobody will use again, where it would stay open for the
// transport's idle timeout (minutes). Those fetches end within their page's
// timeout, so a second sweep after the longest one closes them too.
func (s *TargetSet) retire(margin time.Duration) {
	s.closeIdle()
	longest := s.adhoc.settings.Timeout
	for _, t := range s.Targets {
		longest = max(longest, t.Timeout)
	}
	time.AfterFunc(longest+margin, s.closeIdle)
}

// closeIdle releases the idle connections of a set that is no longer
// served.
func (s *TargetSet) closeIdle() {
	for _, t := range s.Targets {
		if t.Client != nil {
			t.Client.CloseIdleConnections()
		}
	}
	if s.adhoc.client != nil {
		s.adhoc.client.CloseIdleConnections()
	}
}
