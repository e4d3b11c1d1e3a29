// Package layout holds the project's package layout rules as a test: the
// statuspage package is an API client that knows nothing of Prometheus
// client code, and the collector package only translates, so it builds no
// HTTP requests of its own. The rules live here, not in the packages they
// constrain, so that changing a package does not quietly change its rule.
package layout
