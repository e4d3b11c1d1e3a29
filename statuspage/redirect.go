package statuspage

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// guardRedirects adds check to the redirect policy of c. c's own policy runs
// first, so follow_redirects: false still stops at the first redirect.
func guardRedirects(c *http.Client, check func(to *url.URL, first *http.Request) error) {
	inner := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if inner != nil {
			if err := inner(req, via); err != nil {
				return err
			}
		}
		return check(req.URL, via[0])
	}
}

// sameOrigin refuses a redirect that leaves the origin (scheme, host and
// port) of the page's URL, for pages whose requests carry credentials.
func sameOrigin(to *url.URL, first *http.Request) error {
	fromHost, fromPort := targetHost(first.URL)
	toHost, toPort := targetHost(to)
	if to.Scheme == first.URL.Scheme && toHost == fromHost && toPort == fromPort {
		return nil
	}
	return fmt.Errorf("refused to follow a redirect to %s: this page sends credentials, which must not leave %s://%s; configure the new URL if the page has moved",
		to.Redacted(), first.URL.Scheme, first.URL.Host)
}

// targetHost returns the host the HTTP client will connect to, normalised
// like allowed_hosts entries, and the port, defaulted from the scheme.
func targetHost(u *url.URL) (host, port string) {
	host = strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String()
	}
	port = u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	return host, port
}

func defaultPort(scheme string) string {
	if scheme == "http" {
		return "80"
	}
	return "443"
}
