package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// osvEntry is a minimal OSV entry as data/osv holds them: "modified" is
// the zero time there.
func osvEntry(id string, aliases []string, modules ...string) string {
	type pkg struct {
		Name      string `json:"name"`
		Ecosystem string `json:"ecosystem"`
	}
	type affected struct {
		Package pkg `json:"package"`
	}
	e := struct {
		ID       string     `json:"id"`
		Modified string     `json:"modified"`
		Aliases  []string   `json:"aliases,omitempty"`
		Affected []affected `json:"affected"`
	}{ID: id, Modified: "0001-01-01T00:00:00Z", Aliases: aliases}
	for _, m := range modules {
		e.Affected = append(e.Affected, affected{pkg{m, "Go"}})
	}
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	a := osvEntry("GO-2026-0001", []string{"CVE-2026-1"}, "example.com/a", "stdlib", "example.com/a")
	b := osvEntry("GO-2026-0002", nil, "example.com/a")
	src := writeFiles(t, map[string]string{
		"GO-2026-0001.json": a,
		"GO-2026-0002.json": b,
		"README.md":         "not an entry",
	})
	out := filepath.Join(t.TempDir(), "db")
	when := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)

	n, err := build(src, out, when)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("build returned %d entries, want 2", n)
	}

	var db struct{ Modified time.Time }
	readJSON(t, filepath.Join(out, "index", "db.json"), &db)
	if !db.Modified.Equal(when) {
		t.Errorf("db.json modified %v, want %v", db.Modified, when)
	}

	type vuln struct {
		ID      string
		Aliases []string
	}
	var modules []struct {
		Path  string
		Vulns []vuln
	}
	readJSON(t, filepath.Join(out, "index", "modules.json"), &modules)
	wantModules := []struct {
		Path  string
		Vulns []vuln
	}{
		{"example.com/a", []vuln{{ID: "GO-2026-0001"}, {ID: "GO-2026-0002"}}},
		{"stdlib", []vuln{{ID: "GO-2026-0001"}}},
	}
	if !reflect.DeepEqual(modules, wantModules) {
		t.Errorf("modules.json = %+v, want %+v", modules, wantModules)
	}

	var vulns []vuln
	readJSON(t, filepath.Join(out, "index", "vulns.json"), &vulns)
	wantVulns := []vuln{{"GO-2026-0001", []string{"CVE-2026-1"}}, {"GO-2026-0002", nil}}
	if !reflect.DeepEqual(vulns, wantVulns) {
		t.Errorf("vulns.json = %+v, want %+v", vulns, wantVulns)
	}

	for id, want := range map[string]string{"GO-2026-0001": a, "GO-2026-0002": b} {
		got, err := os.ReadFile(filepath.Join(out, "ID", id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("ID/%s.json is not the entry as given:\n%s", id, got)
		}
	}
}

// A failed build leaves the database of the last good one.
func TestBuildFailureKeepsDatabase(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "db")
	good := writeFiles(t, map[string]string{"GO-2026-0001.json": osvEntry("GO-2026-0001", nil, "example.com/a")})
	if _, err := build(good, out, time.Now()); err != nil {
		t.Fatal(err)
	}

	for name, files := range map[string]map[string]string{
		"empty":        {},
		"not JSON":     {"GO-2026-0003.json": "{"},
		"wrong name":   {"GO-2026-0003.json": osvEntry("GO-2026-0004", nil, "example.com/a")},
		"second wrong": {"GO-2026-0001.json": osvEntry("GO-2026-0001", nil, "m"), "GO-2026-0002.json": "[]"},
	} {
		if _, err := build(writeFiles(t, files), out, time.Now()); err == nil {
			t.Errorf("%s: build succeeded", name)
		}
		if _, err := os.Stat(filepath.Join(out, "ID", "GO-2026-0001.json")); err != nil {
			t.Errorf("%s: the last good database is gone: %v", name, err)
		}
	}
}
