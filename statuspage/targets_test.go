package statuspage

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

func writeConfig(t *testing.T, path, doc string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
}

func pagesDoc(names ...string) string {
	var b strings.Builder
	b.WriteString("pages:\n")
	for _, n := range names {
		b.WriteString("  - name: " + n + "\n    url: https://" + n + ".statuspage.example\n")
	}
	return b.String()
}

func sortedNames(a *TargetSet) []string {
	return slices.Sorted(maps.Keys(a.Names()))
}

// newHolder returns the holder of target sets that the exporter uses.
func newHolder(path string) *config.Holder[TargetSet] {
	return config.NewHolder(path, func(c *config.Config) (*TargetSet, error) { return NewTargetSet(c, ClientOptions{}) }, (*TargetSet).Retire)
}

// TestHolderReload: the holder of target sets, as the exporter wires it.
func TestHolderReload(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	h := newHolder(path)

	// Nothing to keep yet: a failed first load leaves no configuration.
	if _, err := h.Reload(); err == nil {
		t.Fatal("Reload of a missing file succeeded")
	}
	if h.Active() != nil {
		t.Fatal("Active() is set after a failed first load")
	}

	writeConfig(t, path, pagesDoc("alpha", "beta"))
	old, err := h.Reload()
	if err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if old != nil {
		t.Errorf("first Reload returned old = %p, want nil", old)
	}
	first := h.Active()
	if got := sortedNames(first); !slices.Equal(got, []string{"alpha", "beta"}) {
		t.Fatalf("pages = %v, want [alpha beta]", got)
	}
	if first.Target("alpha") == nil || first.Target("alpha").Client == nil || first.Target("gamma") != nil {
		t.Errorf("Target lookups are wrong: alpha=%+v gamma=%+v", first.Target("alpha"), first.Target("gamma"))
	}

	for _, bad := range []string{
		"pages:\n  - name: alpha\n    url: https://alpha.statuspage.example\n    colour: red\n",
		pagesDoc("alpha", "alpha"),
		"",
	} {
		writeConfig(t, path, bad)
		if _, err := h.Reload(); err == nil {
			t.Fatalf("Reload of a bad file succeeded:\n%s", bad)
		} else if !strings.HasPrefix(err.Error(), "config file "+path+": ") {
			t.Errorf("Reload error %q does not name the file", err)
		}
		if h.Active() != first {
			t.Fatalf("a failed reload replaced the active configuration")
		}
	}

	writeConfig(t, path, pagesDoc("alpha", "gamma"))
	old, err = h.Reload()
	if err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if old != first {
		t.Errorf("Reload returned old = %p, want the previous configuration %p", old, first)
	}
	if h.Active() == first {
		t.Fatal("a good reload kept the old configuration")
	}
	if got := sortedNames(h.Active()); !slices.Equal(got, []string{"alpha", "gamma"}) {
		t.Errorf("pages = %v, want [alpha gamma]", got)
	}
}

// TestHolderConcurrent is for the race detector: scrapes read the active
// configuration while reloads replace it.
func TestHolderConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeConfig(t, path, pagesDoc("alpha", "beta"))
	h := newHolder(path)
	if _, err := h.Reload(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if _, err := h.Reload(); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() {
			for range 200 {
				a := h.Active()
				if a == nil || a.Target("alpha") == nil || len(a.Targets) != 2 {
					t.Error("Active() returned an incomplete configuration")
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestNewTargetSetSharesClients: pages with the same http_client_config share one
// connection pool; a page whose settings differ, if only by a credential,
// gets its own. Each page keeps a client of its own for its redirect policy.
func TestNewTargetSetSharesClients(t *testing.T) {
	t.Parallel()
	c, err := config.Parse([]byte(`
pages:
  - name: a
    url: https://a.example
  - name: b
    url: https://b.example
  - name: c
    url: https://c.example
    http_client_config:
      authorization: {type: OAuth, credentials: one}
  - name: d
    url: https://d.example
    http_client_config:
      authorization: {type: OAuth, credentials: two}
  - name: e
    url: https://e.example
    http_client_config:
      authorization: {type: OAuth, credentials: one}
`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewTargetSet(c, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr := func(name string) any { return a.Target(name).Client.Transport }
	if tr("a") != tr("b") || tr("c") != tr("e") {
		t.Error("pages with equal settings do not share a transport")
	}
	if tr("a") == tr("c") || tr("c") == tr("d") {
		t.Error("pages with different settings (or credentials) share a transport")
	}
	if a.Target("a").Client == a.Target("b").Client {
		t.Error("pages share a client, and so a redirect policy")
	}
}

// TestNewTargetSetFromFiles builds the test configuration and the one the
// repository ships. Building makes the clients; a key file is read per
// request, so its absence here is no error.
func TestNewTargetSetFromFiles(t *testing.T) {
	t.Parallel()
	for _, path := range []string{filepath.Join("..", "testdata", "config", "good.yml"), filepath.Join("..", "statuspage_exporter.yml")} {
		c, err := config.Load(path)
		if err != nil {
			t.Fatalf("Load(%s): %v", path, err)
		}
		a, err := NewTargetSet(c, ClientOptions{})
		if err != nil {
			t.Fatalf("NewTargetSet(%s): %v", path, err)
		}
		if len(a.Targets) != len(c.Pages) {
			t.Errorf("%s: %d pages built into %d targets", path, len(c.Pages), len(a.Targets))
		}
	}
	c, err := config.Load(filepath.Join("..", "testdata", "config", "good.yml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewTargetSet(c, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tg := a.Target("slow.vendor"); tg == nil || tg.SummaryURL != "https://status.slow-vendor.example/api/v2/summary.json" {
		t.Errorf("slow.vendor target = %+v, want the summary URL under the base URL", tg)
	}
}

// TestNewTargetSetUnchecked: a configuration that did not come from
// config.Parse or config.Load has unchecked URLs and builds nothing.
func TestNewTargetSetUnchecked(t *testing.T) {
	t.Parallel()
	c := &config.Config{Defaults: config.DefaultDefaults, Pages: []config.Page{{Name: "p", URL: "https://p.example"}}}
	if _, err := NewTargetSet(c, ClientOptions{}); err == nil || !strings.Contains(err.Error(), `page "p": url: not checked`) {
		t.Errorf("NewTargetSet of an unchecked configuration: %v", err)
	}
}
