package config

import "github.com/prometheus/common/config"

// SendsCredentials reports whether requests made with c carry credentials
// of the operator's. prometheus/common adds them in the client's transport,
// so they go with every request, redirected ones included: Go's own rule of
// dropping Authorization on a redirect to another host does not apply.
func SendsCredentials(c *config.HTTPClientConfig) bool {
	if c.BasicAuth != nil || c.Authorization != nil || c.OAuth2 != nil ||
		c.BearerToken != "" || c.BearerTokenFile != "" {
		return true
	}
	if c.HTTPHeaders != nil {
		for _, h := range c.HTTPHeaders.Headers {
			if len(h.Secrets) > 0 || len(h.Files) > 0 {
				return true
			}
		}
	}
	return false
}
