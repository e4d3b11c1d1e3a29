package statuspagetest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ProviderCase is a golden case of testdata/providers/<provider>/: the
// page's documents, its extra settings and what the exporter serves for
// it. The files are <name>.json (the main document), <name>.components.json
// (Instatus's second document, when the case has one), <name>.page.yml
// (the page's YAML keys beyond name, provider and url) and <name>.metrics.
type ProviderCase struct {
	Provider, Name string
	// Documents are the bodies in the order the provider fetches them;
	// Instatus's components is nil when the case has none.
	Documents [][]byte
	Settings  string
	// Golden is the path of the case's .metrics file.
	Golden string
}

// ProviderCases reads the golden cases of provider under dir (the
// repository's testdata/providers), sorted by name; a provider without
// cases fails tb.
func ProviderCases(tb testing.TB, dir, provider string) []ProviderCase {
	tb.Helper()
	dir = filepath.Join(dir, provider)
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			tb.Fatal(err)
		}
		return b
	}
	var cases []ProviderCase
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		if strings.Contains(name, ".") {
			continue // <case>.components.json
		}
		base := filepath.Join(dir, name)
		c := ProviderCase{Provider: provider, Name: name, Documents: [][]byte{read(path)},
			Settings: string(read(base + ".page.yml")), Golden: base + ".metrics"}
		if provider == "instatus" {
			c.Documents = append(c.Documents, read(base+".components.json"))
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		tb.Fatalf("no golden cases in %s", dir)
	}
	slices.SortFunc(cases, func(a, b ProviderCase) int { return strings.Compare(a.Name, b.Name) })
	return cases
}
