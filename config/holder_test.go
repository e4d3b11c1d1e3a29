package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
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

// built is what the tests build from a configuration: its page names.
type built struct{ names []string }

func buildNames(c *Config) (*built, error) {
	b := &built{}
	for _, p := range c.Pages {
		if p.Name == "refused" {
			return nil, errors.New(`page "refused": refused by build`)
		}
		b.names = append(b.names, p.Name)
	}
	return b, nil
}

// TestHolderReload: a failed load or build leaves the held value alone; a
// good one replaces it and hands the old one to retire.
func TestHolderReload(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	var retired []*built
	h := NewHolder(path, buildNames, func(b *built) { retired = append(retired, b) })

	if _, err := h.Reload(); err == nil {
		t.Fatal("Reload of a missing file succeeded")
	}
	if h.Active() != nil {
		t.Fatal("Active() is set after a failed first load")
	}

	writeConfig(t, path, pagesDoc("alpha", "beta"))
	old, err := h.Reload()
	if err != nil || old != nil {
		t.Fatalf("first Reload = %p, %v; want nil, nil", old, err)
	}
	first := h.Active()
	if first == nil || !slices.Equal(first.names, []string{"alpha", "beta"}) {
		t.Fatalf("Active() = %+v, want pages alpha and beta", first)
	}

	for _, bad := range []string{pagesDoc("alpha", "alpha"), pagesDoc("alpha", "refused")} {
		writeConfig(t, path, bad)
		if _, err := h.Reload(); err == nil {
			t.Fatalf("Reload of a bad file succeeded:\n%s", bad)
		} else if !strings.HasPrefix(err.Error(), "config file "+path+": ") {
			t.Errorf("Reload error %q does not name the file", err)
		}
		if h.Active() != first {
			t.Fatal("a failed reload replaced the active value")
		}
	}
	if len(retired) != 0 {
		t.Fatalf("retired %d values before any good reload", len(retired))
	}

	writeConfig(t, path, pagesDoc("gamma"))
	old, err = h.Reload()
	if err != nil || old != first {
		t.Fatalf("Reload = %p, %v; want the previous value %p", old, err, first)
	}
	if !slices.Equal(retired, []*built{first}) {
		t.Errorf("retired %v, want exactly the previous value", retired)
	}
	if got := h.Active(); got == first || !slices.Equal(got.names, []string{"gamma"}) {
		t.Errorf("Active() = %+v after a good reload, want page gamma", got)
	}
}

// TestHolderWithoutRetire: retire is optional.
func TestHolderWithoutRetire(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeConfig(t, path, pagesDoc("alpha"))
	h := NewHolder(path, buildNames, nil)
	for range 2 {
		if _, err := h.Reload(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHolderConcurrent is for the race detector: readers load the active
// value while reloads replace it.
func TestHolderConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeConfig(t, path, pagesDoc("alpha", "beta"))
	h := NewHolder(path, buildNames, func(*built) {})
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
				if b := h.Active(); b == nil || len(b.names) != 2 {
					t.Error("Active() returned an incomplete value")
					return
				}
			}
		})
	}
	wg.Wait()
}
