package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
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

	// rules are AllowedHosts as Validate parsed them.
	rules []HostRule
}

// Rules returns AllowedHosts as Validate parsed and checked them; none
// before Validate, so that an unchecked list allows nothing.
func (p *Probe) Rules() []HostRule {
	return p.rules
}

// HostRule is one probe.allowed_hosts entry, parsed and checked.
type HostRule struct {
	// Host is lower case, without a trailing dot: an IP address in its
	// standard form, or a DNS name (see IsDNSName); for a suffix, with its
	// leading dot.
	Host string
	// Suffix rules match every name below Host, never Host itself nor an
	// address.
	Suffix bool
	// Port is the only port allowed; "" means the default port of the
	// URL's scheme.
	Port string
}

// ParseAllowedHosts parses and checks probe.allowed_hosts entries; errors
// name the entry.
func ParseAllowedHosts(entries []string) ([]HostRule, error) {
	p := make([]HostRule, 0, len(entries))
	for i, e := range entries {
		r, err := parseHostRule(e)
		if err != nil {
			return nil, fmt.Errorf("probe: allowed_hosts[%d] %q: %w", i, e, err)
		}
		p = append(p, r)
	}
	return p, nil
}

func parseHostRule(e string) (HostRule, error) {
	var r HostRule
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
		host, r.Port = h, port
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
		r.Host = ip.String()
		return r, nil
	}
	r.Suffix = strings.HasPrefix(host, ".")
	name := strings.ToLower(strings.TrimPrefix(host, "."))
	if !isHostName(name) {
		return r, errors.New("not a valid host name (IDNs must be written in their xn-- form)")
	}
	if looksNumeric(name) {
		if r.Suffix {
			return r, errors.New("a suffix must be a domain name, not part of an address")
		}
		// "127.1" or "2130706433": some resolvers read these as
		// addresses, so they are neither names nor allowed.
		return r, errors.New("not a valid host name, nor an IP address in standard form")
	}
	if r.Suffix {
		if !strings.Contains(name, ".") {
			return r, errors.New("a suffix must have at least two labels: a single one would allow a whole top-level domain")
		}
		name = "." + name
	}
	r.Host = name
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

// IsDNSName reports whether s, in lower case and without a trailing dot,
// is a DNS name as allowed_hosts entries and the hosts of ad-hoc URLs must
// be: ASCII, and not an IPv4 address in some notation ("127.1",
// "2130706433"), which some resolvers would read as one.
func IsDNSName(s string) bool {
	return isHostName(s) && !looksNumeric(s)
}
