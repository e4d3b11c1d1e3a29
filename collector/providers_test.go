package collector_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
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

// providerCases returns the case names of provider's golden files.
func providerCases(t *testing.T, provider string) (dir string, cases []string) {
	t.Helper()
	dir = filepath.Join("..", "testdata", "providers", provider)
	docs, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		base := strings.TrimSuffix(filepath.Base(d), ".json")
		if !strings.Contains(base, ".") { // not <case>.components.json
			cases = append(cases, base)
		}
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", dir)
	}
	return dir, cases
}

// readOptional returns the file at path, nil when there is none.
func readOptional(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// providerGolden compares, for every case of provider, what the exporter
// serves with the case's golden file.
func providerGolden(t *testing.T, provider string) {
	dir, cases := providerCases(t, provider)
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			docs := [][]byte{readOptional(t, filepath.Join(dir, name+".json"))}
			if provider == config.ProviderInstatus {
				docs = append(docs, readOptional(t, filepath.Join(dir, name+".components.json")))
			}
			target := providerTarget(t, provider, name, string(readOptional(t, filepath.Join(dir, name+".page.yml"))))
			s, err := decodeProvider(t, target, docs...)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			compareGolden(t, name, freshResult(t, name, s), filepath.Join(dir, name+".metrics"))
		})
	}
}
