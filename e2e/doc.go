// Package e2e holds the tests that run the built statuspage_exporter binary
// or outside tools (Prometheus, promtool, systemd-analyze, the release
// tarball), with one harness: the binary is built once per test run, one
// helper starts a server process on a free loopback port, one polls with a
// deadline, one parses the text exposition, one makes certificates, and
// fake upstreams serve on loopback only.
//
// The package has no code of its own; `go test ./e2e/` runs it, and
// `make test` runs it with the rest. Tests that need a missing tool skip,
// except under CI=true, where they fail.
package e2e
