// Package config reads and validates the exporter's YAML configuration and
// holds what is built from the active one, replacing it on reload only when
// the new file is good. It is data only: the HTTP clients, redirect policy
// and fetch targets are built from it in package statuspage.
package config

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v2"
)

// DefaultSeriesLimit bounds the series one page's document may make. The
// largest real pages we know (539 components) make about 3,500; a document
// of minimal incidents can make a million from 4 MiB.
const DefaultSeriesLimit = 20000

// DefaultDefaults are the page settings used when the file sets none.
var DefaultDefaults = Defaults{
	Timeout:          model.Duration(10 * time.Second),
	CacheTTL:         model.Duration(30 * time.Second),
	MaxStale:         model.Duration(15 * time.Minute),
	SeriesLimit:      DefaultSeriesLimit,
	HTTPClientConfig: config.DefaultHTTPClientConfig,
}

// Config is the whole configuration file.
type Config struct {
	Defaults Defaults `yaml:"defaults"`
	Pages    []Page   `yaml:"pages"`
	Probe    Probe    `yaml:"probe,omitempty"`
}

// Defaults apply to every page that does not override them.
type Defaults struct {
	// Timeout bounds one upstream request.
	Timeout model.Duration `yaml:"timeout"`
	// CacheTTL is how long a fetch result, good or bad, is reused.
	CacheTTL model.Duration `yaml:"cache_ttl"`
	// MaxStale is how long the last good data is served after failures.
	MaxStale model.Duration `yaml:"max_stale"`
	// SeriesLimit is the most series a page's document may make; a
	// document that makes more is a failed fetch.
	SeriesLimit int `yaml:"series_limit"`
	// HTTPClientConfig configures proxies, TLS and authorization.
	HTTPClientConfig config.HTTPClientConfig `yaml:"http_client_config"`
}

// Page is one status page. Unset fields take the value from Defaults; a
// page's http_client_config replaces the default one as a whole.
type Page struct {
	Name string `yaml:"name"`
	// Provider is the page's platform (see Providers); empty is statuspage.
	Provider string `yaml:"provider,omitempty"`
	// URL is the page's base URL (statuspage, instatus) or its document
	// (the others); slack, gcp and aws default to the public endpoint.
	URL              string                   `yaml:"url"`
	Timeout          *model.Duration          `yaml:"timeout,omitempty"`
	CacheTTL         *model.Duration          `yaml:"cache_ttl,omitempty"`
	MaxStale         *model.Duration          `yaml:"max_stale,omitempty"`
	SeriesLimit      *int                     `yaml:"series_limit,omitempty"`
	HTTPClientConfig *config.HTTPClientConfig `yaml:"http_client_config,omitempty"`
	// Components chooses the components that make series.
	Components *ComponentFilter `yaml:"components,omitempty"`
	AWS        *AWSOptions      `yaml:"aws,omitempty"`
	GCP        *GCPOptions      `yaml:"gcp,omitempty"`

	// baseURL is URL as Validate parsed and checked it.
	baseURL *url.URL
}

// BaseURL returns the page's URL as Validate parsed and checked it (a copy:
// callers may change it); nil before Validate.
func (p *Page) BaseURL() *url.URL {
	if p.baseURL == nil {
		return nil
	}
	u := *p.baseURL
	return &u
}

// UnmarshalYAML applies DefaultDefaults before reading the file's values.
func (d *Defaults) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Defaults
	*d = DefaultDefaults
	err := unmarshal((*plain)(d))
	var raw map[string]any
	_ = unmarshal(&raw) // only to name fields; a shape error is reported above
	if err != nil {
		return valueError("defaults", raw, err)
	}
	// yaml zeroes a key left empty ("http_client_config:") without calling
	// its unmarshaler, which would silently turn off redirects and HTTP/2;
	// empty means the default here as it does in a page.
	for k, v := range raw {
		if v != nil {
			continue
		}
		switch k {
		case "timeout":
			d.Timeout = DefaultDefaults.Timeout
		case "cache_ttl":
			d.CacheTTL = DefaultDefaults.CacheTTL
		case "max_stale":
			d.MaxStale = DefaultDefaults.MaxStale
		case "series_limit":
			d.SeriesLimit = DefaultDefaults.SeriesLimit
		case "http_client_config":
			d.HTTPClientConfig = DefaultDefaults.HTTPClientConfig
		}
	}
	return nil
}

// UnmarshalYAML makes a missing defaults section mean DefaultDefaults.
func (c *Config) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Config
	*c = Config{Defaults: DefaultDefaults}
	if err := unmarshal((*plain)(c)); err != nil {
		return err
	}
	// A "defaults:" whose keys are all commented out is null, which yaml
	// decodes as zero values without calling Defaults.UnmarshalYAML.
	var raw map[string]any
	if unmarshal(&raw) == nil {
		if v, ok := raw["defaults"]; ok && v == nil {
			c.Defaults = DefaultDefaults
		}
	}
	return nil
}

// UnmarshalYAML names the page in the errors of its values' own parsers.
func (p *Page) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Page
	err := unmarshal((*plain)(p))
	if err == nil {
		return nil
	}
	var raw map[string]any
	_ = unmarshal(&raw) // only to name the page; a shape error is reported above
	section := "page"
	if name, ok := raw["name"].(string); ok && name != "" {
		section = fmt.Sprintf("page %q", name)
	}
	return valueError(section, raw, err)
}

// valueError adds the section and field to an error from a value's own
// parser (a duration, http_client_config), which yaml passes on without a
// line number or key. Errors of yaml's own carry a line and stay as they are.
func valueError(section string, raw map[string]any, err error) error {
	var terr *yaml.TypeError
	if errors.As(err, &terr) {
		return err
	}
	// Only durations and http_client_config have parsers that can fail.
	field := "http_client_config"
	for _, k := range []string{"timeout", "cache_ttl", "max_stale"} {
		if v, ok := raw[k]; ok && v != nil {
			if _, perr := model.ParseDuration(fmt.Sprint(v)); perr != nil {
				field = k
				break
			}
		}
	}
	return fmt.Errorf("%s: %s: %w", section, field, err)
}

// Settings are the effective values of one page after defaults apply.
type Settings struct {
	Timeout          time.Duration
	CacheTTL         time.Duration
	MaxStale         time.Duration
	SeriesLimit      int
	HTTPClientConfig config.HTTPClientConfig

	// Provider and what it reads: they decide what a document becomes,
	// so a reload that changes them starts the page afresh.
	Provider   string
	Components ComponentFilter
	AWS        AWSOptions
	GCP        GCPOptions
}

// Settings returns the page's effective settings under d.
func (p *Page) Settings(d Defaults) Settings {
	s := Settings{
		Timeout:          time.Duration(d.Timeout),
		CacheTTL:         time.Duration(d.CacheTTL),
		MaxStale:         time.Duration(d.MaxStale),
		SeriesLimit:      d.SeriesLimit,
		HTTPClientConfig: d.HTTPClientConfig,
		Provider:         p.provider(),
	}
	if info := providers[s.Provider]; s.CacheTTL < info.minCacheTTL {
		s.CacheTTL = info.minCacheTTL
	}
	if p.Timeout != nil {
		s.Timeout = time.Duration(*p.Timeout)
	}
	if p.CacheTTL != nil {
		s.CacheTTL = time.Duration(*p.CacheTTL)
	}
	if p.MaxStale != nil {
		s.MaxStale = time.Duration(*p.MaxStale)
	}
	if p.SeriesLimit != nil {
		s.SeriesLimit = *p.SeriesLimit
	}
	if p.HTTPClientConfig != nil {
		s.HTTPClientConfig = *p.HTTPClientConfig
	}
	if p.Components != nil {
		s.Components = *p.Components
	}
	if p.AWS != nil {
		s.AWS = *p.AWS
	}
	if p.GCP != nil {
		s.GCP = *p.GCP
	}
	return s
}

// maxConfigSize bounds the configuration file: ten thousand pages take
// about a megabyte.
const maxConfigSize = 16 << 20

// Load reads, parses strictly and validates the file at path. Relative
// *_file paths in it resolve against the file's directory, and every file
// it names must be safe to read (see CheckFile), as must the configuration
// file itself: a reload holds the reload lock while it reads them.
func Load(path string) (*Config, error) {
	b, err := ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	c.SetDirectory(dir)
	if err := c.checkFiles(); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return c, nil
}

// ReadFile reads a configuration file, refusing what is not a regular
// file (a symbolic link to one is) before opening it: opening a named pipe
// blocks until a writer comes, and a device like /dev/zero never ends. It
// reads at most 16 MiB.
func ReadFile(path string) ([]byte, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %s, not a regular file", path, fileKind(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxConfigSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxConfigSize)
	}
	return b, nil
}

// Parse parses and validates a configuration document. Unknown keys are
// errors; errors withhold values that may be secrets (see Redact).
func Parse(b []byte) (*Config, error) {
	c := &Config{Defaults: DefaultDefaults}
	if err := yaml.UnmarshalStrict(b, c); err != nil {
		return nil, Redact(err)
	}
	if err := c.Validate(); err != nil {
		return nil, Redact(err)
	}
	return c, nil
}

// SetDirectory resolves relative file paths against dir: every path that
// Files finds, which includes oauth2's client_certificate_key_file that
// prometheus/common's own SetDirectory (v0.73) leaves relative to the
// working directory.
func (c *Config) SetDirectory(dir string) {
	resolve := func(hc *config.HTTPClientConfig) {
		walkFiles(reflect.ValueOf(hc).Elem(), "", func(_ string, path *string) {
			*path = config.JoinDir(dir, *path)
		})
	}
	resolve(&c.Defaults.HTTPClientConfig)
	for i := range c.Pages {
		if hc := c.Pages[i].HTTPClientConfig; hc != nil {
			resolve(hc)
		}
	}
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// Validate checks the whole configuration and keeps what it parsed for the
// targets built from it (each page's BaseURL, the probe's Rules); errors
// name the page and field.
func (c *Config) Validate() error {
	if err := validateSettings("defaults", Settings{
		Timeout:     time.Duration(c.Defaults.Timeout),
		CacheTTL:    time.Duration(c.Defaults.CacheTTL),
		MaxStale:    time.Duration(c.Defaults.MaxStale),
		SeriesLimit: c.Defaults.SeriesLimit,
	}); err != nil {
		return err
	}
	if err := c.Defaults.HTTPClientConfig.Validate(); err != nil {
		return fmt.Errorf("defaults: http_client_config: %w", err)
	}
	if len(c.Pages) == 0 {
		return errors.New("pages: at least one page is required")
	}
	rules, err := ParseAllowedHosts(c.Probe.AllowedHosts)
	if err != nil {
		return err
	}
	c.Probe.rules = rules
	if len(c.Probe.AllowedHosts) > 0 && SendsCredentials(&c.Defaults.HTTPClientConfig) {
		// Ad-hoc targets use the defaults' client: every allowed host, and
		// a suffix allows hosts anyone can register, would get them.
		return errors.New("probe: allowed_hosts: not allowed while defaults.http_client_config sends credentials, which every allowed host would receive; set them on the pages that need them")
	}
	seen := make(map[string]int, len(c.Pages))
	for i := range c.Pages {
		p := &c.Pages[i]
		where := fmt.Sprintf("pages[%d]", i)
		if p.Name != "" {
			where = fmt.Sprintf("page %q", p.Name)
		}
		switch {
		case p.Name == "":
			return fmt.Errorf("%s: name: missing", where)
		case !nameRE.MatchString(p.Name):
			return fmt.Errorf("%s: name: must match %s", where, nameRE)
		}
		if j, dup := seen[p.Name]; dup {
			return fmt.Errorf("%s: name: duplicate of pages[%d]", where, j)
		}
		seen[p.Name] = i
		raw, err := p.validateProvider()
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		u, err := ParseURL(raw)
		if err != nil {
			return fmt.Errorf("%s: url: %w", where, err)
		}
		p.baseURL = u
		if err := validateSettings(where, p.Settings(c.Defaults)); err != nil {
			return err
		}
		if p.HTTPClientConfig != nil {
			if err := p.HTTPClientConfig.Validate(); err != nil {
				return fmt.Errorf("%s: http_client_config: %w", where, err)
			}
		}
	}
	return nil
}

// validateSettings checks a page's effective settings, or the defaults'.
func validateSettings(where string, s Settings) error {
	switch {
	case s.Timeout <= 0:
		return fmt.Errorf("%s: timeout: must be greater than 0", where)
	case s.CacheTTL < 0:
		return fmt.Errorf("%s: cache_ttl: must not be negative", where)
	case s.MaxStale < 0:
		return fmt.Errorf("%s: max_stale: must not be negative", where)
	case s.SeriesLimit < 1:
		return fmt.Errorf("%s: series_limit: must be at least 1", where)
	}
	return nil
}

// ParseURL parses and checks the URL of a status page, configured or given
// to /probe: http or https, with a host, and without credentials, query,
// fragment or surrounding spaces. Errors never quote the URL.
func ParseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("missing")
	}
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			// The reason may quote part of a password ("invalid port
			// \":secr\" after host" for a password with a "/" in it).
			return nil, errors.New("not a valid URL (details withheld: it may contain credentials; use http_client_config)")
		}
		// url.Parse quotes the input; keep only its reason.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("not a valid URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("scheme must be http or https, got %q", u.Scheme)
	case u.Host == "":
		return nil, errors.New("missing host")
	case u.User != nil:
		return nil, errors.New("credentials in the URL are not allowed: use http_client_config")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		// Empty ones too: "https://host?" would fetch ".../summary.json?".
		return nil, errors.New("query and fragment are not allowed")
	case strings.TrimSpace(raw) != raw:
		return nil, errors.New("surrounding spaces are not allowed")
	}
	return u, nil
}
