package collector_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// The golden files of the providers live in testdata/providers/<provider>/:
// for each case, <case>.json is the page's main document (for instatus,
// <case>.components.json its components document, when the case has one),
// <case>.page.yml the page's settings beyond name, provider and url when it
// needs any (allow-lists, component filters), and <case>.metrics what the
// exporter serves for it. The documents are written by us, modelled on the
// real captures in ../shared/fixtures/providers.

// providerTarget is the target of a page called name of provider, as the
// exporter builds it from a configuration with the page's extra settings
// (YAML keys of a page, possibly empty).
func providerTarget(t *testing.T, provider, name, extra string) *statuspage.Target {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "pages:\n  - name: %s\n    provider: %s\n    url: http://127.0.0.1:9/%s\n", name, provider, name)
	for line := range strings.SplitSeq(strings.TrimRight(extra, "\n"), "\n") {
		if line != "" {
			b.WriteString("    " + line + "\n")
		}
	}
	c, err := config.Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("configuration of page %s: %v\n%s", name, err, b.String())
	}
	set, err := statuspage.NewTargetSet(c, statuspage.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set.Target(name)
}

// decodeProvider reads documents as the page's fetch would, each served
// with content type application/json.
func decodeProvider(t *testing.T, target *statuspage.Target, docs ...[]byte) (*statuspage.Summary, error) {
	t.Helper()
	types := make([]string, len(docs))
	for i := range types {
		types[i] = "application/json"
	}
	return target.DecodeDocuments(docs, types)
}

// providerCases reads provider's golden cases.
func providerCases(t *testing.T, provider string) []statuspagetest.ProviderCase {
	return statuspagetest.ProviderCases(t, filepath.Join("..", "testdata", "providers"), provider)
}

// providerGolden compares, for every case of provider, what the exporter
// serves with the case's golden file.
func providerGolden(t *testing.T, provider string) {
	for _, c := range providerCases(t, provider) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			s, err := decodeProvider(t, providerTarget(t, provider, c.Name, c.Settings), c.Documents...)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			compareGolden(t, c.Name, freshResult(t, c.Name, s), c.Golden)
		})
	}
}

// TestProviderSeriesLimit: for every provider, the first golden case on a
// page whose series_limit is one less than the series it makes is refused
// whole, and served whole at the limit.
func TestProviderSeriesLimit(t *testing.T) {
	t.Parallel()
	prepare := collector.Prepare(testLogger(t))
	for _, provider := range config.Providers() {
		if provider == config.ProviderStatuspage {
			continue // TestSeriesLimit and the hostile e2e matrix
		}
		t.Run(provider, func(t *testing.T) {
			t.Parallel()
			first := providerCases(t, provider)[0]
			serve := func(limit int) (*collector.Prepared, error) {
				target := providerTarget(t, provider, "limited", fmt.Sprintf("%s\nseries_limit: %d\n", first.Settings, limit))
				s, err := decodeProvider(t, target, first.Documents...)
				if err != nil {
					t.Fatalf("decode %s: %v", first.Name, err)
				}
				return prepare(target, s)
			}
			all, err := serve(config.DefaultSeriesLimit)
			if err != nil {
				t.Fatal(err)
			}
			n := all.Len()
			if p, err := serve(n - 1); p != nil || !errors.Is(err, statuspage.ErrTooManySeries) {
				t.Errorf("series_limit %d for %s's %d series: %v, %v; want the document refused with ErrTooManySeries", n-1, first.Name, n, p, err)
			}
			if p, err := serve(n); err != nil || p.Len() != n {
				t.Errorf("series_limit %d: %v; want the %d series served", n, err, n)
			}
		})
	}
}
