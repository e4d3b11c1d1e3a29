package config

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// Probe configures /probe. By default it serves configured pages only; an
// ad-hoc URL given as target is fetched only when its host is listed here.
type Probe struct {
	// AllowedHosts are the hosts /probe may fetch ad-hoc URLs from. An entry
	// is a host name or IP address, matched exactly, or a name with a
	// leading dot, matching every name below it (".statuspage.io" matches
	// "acme.statuspage.io", not "statuspage.io" nor "evilstatuspage.io").
	// Without a port, an entry allows the default port of the URL's scheme
	// only; "host:port" allows that port only.
	AllowedHosts []string `yaml:"allowed_hosts,omitempty"`
}

// hostRule is one parsed allowed_hosts entry.
type hostRule struct {
	host   string // lower case, no trailing dot; for a suffix, with its leading dot
	suffix bool
	port   string // "" means the scheme's default port
}

// hostPolicy decides which hosts ad-hoc targets may use.
type hostPolicy []hostRule

func parseHostPolicy(entries []string) (hostPolicy, error) {
	p := make(hostPolicy, 0, len(entries))
	for i, e := range entries {
		r, err := parseHostRule(e)
		if err != nil {
			return nil, fmt.Errorf("probe: allowed_hosts[%d] %q: %w", i, e, err)
		}
		p = append(p, r)
	}
	return p, nil
}

func parseHostRule(e string) (hostRule, error) {
	var r hostRule
	if e == "" || strings.TrimSpace(e) != e {
		return r, errors.New("must be a host name or address, without spaces")
	}
	if strings.Contains(e, "://") || strings.ContainsAny(e, "/?#@") {
		return r, errors.New(`must be a host, optionally with ":port", not a URL`)
	}
	host := e
	if h, port, err := net.SplitHostPort(e); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return r, fmt.Errorf("invalid port %q", port)
		}
		host, r.port = h, port
	} else if strings.HasPrefix(e, "[") {
		host = strings.TrimSuffix(strings.TrimPrefix(e, "["), "]")
	}
	// A trailing dot names the same host; drop it before telling an
	// address from a name, so that "10.0.0.1." is the address.
	host = strings.TrimSuffix(host, ".")
	if strings.HasPrefix(host, "*") {
		return r, errors.New(`wildcards are not supported: write ".example.com" to allow every name below example.com`)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return r, errors.New("IPv6 zones are not supported")
		}
		r.host = ip.String()
		return r, nil
	}
	r.suffix = strings.HasPrefix(host, ".")
	name := strings.ToLower(strings.TrimPrefix(host, "."))
	if !isHostName(name) {
		return r, errors.New("not a valid host name (IDNs must be written in their xn-- form)")
	}
	if looksNumeric(name) {
		if r.suffix {
			return r, errors.New("a suffix must be a domain name, not part of an address")
		}
		// "127.1" or "2130706433": some resolvers read these as
		// addresses, so they are neither names nor allowed.
		return r, errors.New("not a valid host name, nor an IP address in standard form")
	}
	if r.suffix {
		if !strings.Contains(name, ".") {
			return r, errors.New("a suffix must have at least two labels: a single one would allow a whole top-level domain")
		}
		name = "." + name
	}
	r.host = name
	return r, nil
}

// isHostName accepts ASCII DNS names: letters, digits, '-' and '_' in
// labels of 1 to 63 characters.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// looksNumeric reports whether the last label is all digits, as in the tail
// of an IPv4 address: no top-level domain is numeric, so such a name is an
// address in some notation, never a DNS name.
func looksNumeric(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

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
	if _, err := netip.ParseAddr(host); err != nil && (!isHostName(host) || looksNumeric(host)) {
		// "127.1", "2130706433", "0x7f.0.0.1": not names, and read as
		// addresses by some resolvers, so no rule can be trusted with them.
		return fmt.Errorf("host %q is neither a DNS name nor an IP address in standard form", host)
	}
	if len(p) == 0 {
		return errors.New("ad-hoc URLs are not allowed: the configuration lists no probe.allowed_hosts")
	}
	for _, r := range p {
		if r.matches(host, port, u.Scheme) {
			return nil
		}
	}
	shown := host
	if strings.Contains(shown, ":") {
		shown = "[" + shown + "]"
	}
	return fmt.Errorf("host %s port %s is not in probe.allowed_hosts", shown, port)
}

func (r hostRule) matches(host, port, scheme string) bool {
	want := r.port
	if want == "" {
		want = defaultPort(scheme)
	}
	if port != want {
		return false
	}
	if !r.suffix {
		return host == r.host
	}
	// A suffix never matches an address: ".0.1" must not allow 127.0.0.1.
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	return strings.HasSuffix(host, r.host) && len(host) > len(r.host)
}

// adhoc builds the targets of ad-hoc /probe URLs.
type adhoc struct {
	policy   hostPolicy
	client   *http.Client
	settings Settings
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
func (a *Active) AdhocTarget(raw string) (*statuspage.Target, error) {
	if err := validateURL(raw); err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a valid URL")
	}
	for i := 0; i < len(u.Host); i++ {
		if u.Host[i] >= 0x80 {
			return nil, errors.New("host must be ASCII (write IDNs in their xn-- form)")
		}
	}
	if err := a.adhoc.policy.allows(u); err != nil {
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
	name := u.String()
	summary, err := statuspage.SummaryURL(name)
	if err != nil {
		return nil, err
	}
	return &statuspage.Target{
		Name:       name,
		SummaryURL: summary,
		Client:     a.adhoc.client,
		Timeout:    a.adhoc.settings.Timeout,
		CacheTTL:   a.adhoc.settings.CacheTTL,
		MaxStale:   a.adhoc.settings.MaxStale,
	}, nil
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
