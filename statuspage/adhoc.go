package statuspage

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// adhoc makes the targets of ad-hoc /probe URLs.
type adhoc struct {
	policy   hostPolicy
	client   *http.Client
	settings config.Settings
	key      string // settingsKey(&settings)
	files    []config.FileRef
}

// newAdhoc prepares the client of ad-hoc /probe targets: the defaults'
// settings, following redirects only to allowed hosts.
func newAdhoc(c *config.Config, clients *clientPool) (adhoc, error) {
	a := adhoc{policy: hostPolicy(c.Probe.Rules()), settings: (&config.Page{}).Settings(c.Defaults)}
	a.key, a.files = settingsKey(&a.settings), config.Files(&a.settings.HTTPClientConfig)
	if len(a.policy) == 0 {
		return a, nil
	}
	client, err := clients.client(&a.settings.HTTPClientConfig, a.policy.allowedHostsOnly)
	if err != nil {
		return adhoc{}, config.Redact(fmt.Errorf("defaults: http_client_config: %w", err))
	}
	a.client = client
	return a, nil
}

// IsAdhocName reports whether a target name is that of an ad-hoc target:
// they are named by their URL, and configured names cannot hold ':' or '/',
// so an ad-hoc target never takes a configured page's place.
func IsAdhocName(name string) bool {
	return strings.Contains(name, "://")
}

// AdhocTarget returns the target for a URL given to /probe, or an error
// saying why it is refused; a refused URL is never fetched. The target uses
// the defaults' settings and HTTP client, and is named by its URL.
func (s *TargetSet) AdhocTarget(raw string) (*Target, error) {
	u, err := config.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(u.Host); i++ {
		if u.Host[i] >= 0x80 {
			return nil, errors.New("host must be ASCII (write IDNs in their xn-- form)")
		}
	}
	if err := s.adhoc.policy.allows(u); err != nil {
		return nil, err
	}
	// Name the target by its normalised URL, so that spellings of one URL
	// share one cache entry.
	host, port := targetHost(u)
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != defaultPort(u.Scheme) {
		host += ":" + port
	}
	u.Host = host
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	t := &Target{
		Name:        u.String(),
		Client:      s.adhoc.client,
		Timeout:     s.adhoc.settings.Timeout,
		CacheTTL:    s.adhoc.settings.CacheTTL,
		MaxStale:    s.adhoc.settings.MaxStale,
		SeriesLimit: s.adhoc.settings.SeriesLimit,
		adhoc:       true,
		files:       s.adhoc.files,
		settings:    s.adhoc.key,
	}
	// Ad-hoc pages are Statuspage pages: the defaults name no provider.
	if err := t.setProvider(u, &s.adhoc.settings); err != nil {
		return nil, err
	}
	return t, nil
}

// hostPolicy decides which hosts ad-hoc targets may use: those that
// probe.allowed_hosts lists.
type hostPolicy []config.HostRule

// allows reports whether u may be fetched as an ad-hoc target, or why not.
func (p hostPolicy) allows(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme must be http or https, got %q", u.Scheme)
	}
	if u.User != nil {
		return errors.New("credentials in the URL are not allowed")
	}
	host, port := targetHost(u)
	if host == "" {
		return errors.New("missing host")
	}
	if _, err := netip.ParseAddr(host); err != nil && !config.IsDNSName(host) {
		// "127.1", "2130706433", "0x7f.0.0.1": not names, and read as
		// addresses by some resolvers, so no rule can be trusted with them.
		return fmt.Errorf("host %q is neither a DNS name nor an IP address in standard form", host)
	}
	if len(p) == 0 {
		return errors.New("ad-hoc URLs are not allowed: the configuration lists no probe.allowed_hosts")
	}
	for _, r := range p {
		if matches(r, host, port, u.Scheme) {
			return nil
		}
	}
	shown := host
	if strings.Contains(shown, ":") {
		shown = "[" + shown + "]"
	}
	return fmt.Errorf("host %s port %s is not in probe.allowed_hosts", shown, port)
}

// matches reports whether rule r allows host and port, normalised as
// targetHost does, for a URL of scheme.
func matches(r config.HostRule, host, port, scheme string) bool {
	want := r.Port
	if want == "" {
		want = defaultPort(scheme)
	}
	if port != want {
		return false
	}
	if !r.Suffix {
		return host == r.Host
	}
	// A suffix never matches an address: ".0.1" must not allow 127.0.0.1.
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	return strings.HasSuffix(host, r.Host) && len(host) > len(r.Host)
}

// allowedHostsOnly refuses a redirect of an ad-hoc target to a host that
// probe.allowed_hosts does not list; otherwise a listed host with an open
// redirect would make /probe a proxy to anywhere.
func (p hostPolicy) allowedHostsOnly(to *url.URL, _ *http.Request) error {
	if err := p.allows(to); err != nil {
		return fmt.Errorf("refused to follow a redirect to %s: %w", to.Redacted(), err)
	}
	return nil
}
