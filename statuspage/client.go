package statuspage

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"

	promconfig "github.com/prometheus/common/config"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// DefaultMaxRedirects bounds redirect chains: pages move (status.anthropic.com
// to status.claude.com), but a loop must end.
const DefaultMaxRedirects = 5

// ClientOptions are the settings of the HTTP clients that are not part of
// a page's configuration.
type ClientOptions struct {
	// KeepAlive keeps each page's connection open between fetches, so that
	// a fetch skips the TCP and TLS handshakes. An idle connection costs
	// about 30 KiB (its buffers, prometheus/common's connection trace and
	// two goroutines), and pages are fetched at most once per cache_ttl,
	// so by default, as blackbox_exporter does for its probes, a
	// connection serves one request.
	KeepAlive bool
}

// clientPool shares one HTTP client, and so one pool of connections, among
// the pages of a configuration that have the same http_client_config:
// usually all of them. With KeepAlive, prometheus/common sizes the
// transport's idle pool at 20000 connections, 1000 per host, so every page
// keeps its connection between fetches.
type clientPool struct {
	options ClientOptions
	configs []promconfig.HTTPClientConfig
	clients []*http.Client
}

func (p *clientPool) get(cfg promconfig.HTTPClientConfig) (*http.Client, error) {
	for i := range p.configs {
		// DeepEqual sees secrets' real values, so pages that differ only
		// in a credential never share a client.
		if reflect.DeepEqual(p.configs[i], cfg) {
			return p.clients[i], nil
		}
	}
	var opts []promconfig.HTTPClientOption
	if !p.options.KeepAlive {
		opts = append(opts, promconfig.WithKeepAlivesDisabled())
	}
	c, err := promconfig.NewClientFromConfig(cfg, "statuspage_exporter", opts...)
	if err != nil {
		return nil, err
	}
	p.configs = append(p.configs, cfg)
	p.clients = append(p.clients, c)
	return c, nil
}

// pageClient returns a client for a configured page: on the shared pool, and
// of its own for the redirect policy, which keeps credentials on the page's
// origin and bounds the hops.
func (p *clientPool) pageClient(cfg *promconfig.HTTPClientConfig) (*http.Client, error) {
	var guard func(to *url.URL, first *http.Request) error
	if config.SendsCredentials(cfg) {
		guard = sameOrigin
	}
	return p.client(cfg, guard)
}

// client returns a client of its own, for the redirect policy, on the shared
// pool for cfg: guard, when not nil, checks every redirect after cfg's own
// policy, and at most DefaultMaxRedirects are followed.
func (p *clientPool) client(cfg *promconfig.HTTPClientConfig, guard func(to *url.URL, first *http.Request) error) (*http.Client, error) {
	shared, err := p.get(*cfg)
	if err != nil {
		return nil, err
	}
	client := new(http.Client)
	*client = *shared
	if guard != nil {
		guardRedirects(client, guard)
	}
	limitRedirects(client, DefaultMaxRedirects)
	return client, nil
}

// limitRedirects makes c follow at most n redirects, keeping c's own policy
// (such as not following at all) for the rest.
func limitRedirects(c *http.Client, n int) {
	inner := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > n {
			return fmt.Errorf("stopped after %d redirects", n)
		}
		if inner != nil {
			return inner(req, via)
		}
		return nil
	}
}
