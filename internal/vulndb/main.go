// Command vulndb builds a Go vulnerability database for `govulncheck -db
// file://…` from the module proxy alone. Our machines and CI reach the module
// proxy but not vuln.go.dev; the proxy serves golang.org/x/vulndb, whose
// data/osv holds every report as an OSV file. This command downloads that
// module and writes the documented v1 layout (go.dev/security/vuln/database):
// index/db.json, index/modules.json, index/vulns.json and ID/<id>.json.
// `make vuln` runs it.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// module is the repository of Go's vulnerability reports; osvDir is where it
// keeps them as OSV files.
const (
	module = "golang.org/x/vulndb"
	osvDir = "data/osv"
)

func main() {
	version := flag.String("version", "latest", "version of "+module+" to build from (a module query)")
	out := flag.String("out", ".build/vulndb", "directory to write the database to (replaced)")
	flag.Parse()
	if err := run(*version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

func run(version, out string) error {
	src, err := download(version)
	if err != nil {
		return err
	}
	n, err := build(filepath.Join(src.Dir, osvDir), out, src.Time)
	if err != nil {
		return err
	}
	fmt.Printf("vulndb: %d entries from %s@%s (%s, %d days old) in %s\n",
		n, module, src.Version, src.Time.Format(time.DateOnly), int(time.Since(src.Time).Hours()/24), out)
	return nil
}

// source is a downloaded version of the vulndb module.
type source struct {
	Version string
	Dir     string
	Time    time.Time
}

// download fetches the module through the go command, so GOPROXY, GOFLAGS
// and the checksum database apply as to any module. It runs outside our
// module so that the query neither reads nor changes our go.mod.
func download(version string) (source, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	var d struct {
		Version, Dir, Info, Error string
	}
	if jerr := json.Unmarshal(stdout, &d); jerr == nil && d.Error != "" {
		return source{}, fmt.Errorf("download %s@%s: %s", module, version, d.Error)
	}
	if err != nil {
		return source{}, fmt.Errorf("download %s@%s: %w: %s", module, version, err, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(stdout, &d); err != nil {
		return source{}, fmt.Errorf("download %s@%s: %w", module, version, err)
	}
	// The .info file holds the commit time, which dates the reports: the
	// OSV files' own "modified" fields are only filled in on vuln.go.dev.
	b, err := os.ReadFile(d.Info)
	if err != nil {
		return source{}, fmt.Errorf("download %s@%s: %w", module, version, err)
	}
	var info struct{ Time time.Time }
	if err := json.Unmarshal(b, &info); err != nil {
		return source{}, fmt.Errorf("download %s@%s: info: %w", module, version, err)
	}
	return source{Version: d.Version, Dir: d.Dir, Time: info.Time}, nil
}

// entry is the part of an OSV entry that the indexes need.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

// moduleVulns is one element of index/modules.json. It leaves out "fixed",
// which only lets govulncheck skip reading entries that cannot apply: without
// it govulncheck reads every entry of a module in use and matches the
// entry's own version ranges.
type moduleVulns struct {
	Path  string      `json:"path"`
	Vulns []vulnIndex `json:"vulns"`
}

// vulnIndex is one element of index/vulns.json, and of a module's vulns in
// index/modules.json (which reads only id and modified).
type vulnIndex struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

// build reads every <id>.json in dir and writes the database to out,
// dated modified. It writes next to out first and replaces out only when
// everything is written, so a failed build leaves the last good one.
func build(dir, out string, modified time.Time) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no OSV files in %s", dir)
	}
	tmp := out + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, err
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			return 0, err
		}
	}
	byModule := map[string][]vulnIndex{}
	var vulns []vulnIndex
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, err
		}
		var e entry
		if err := json.Unmarshal(b, &e); err != nil {
			return 0, fmt.Errorf("%s: %w", f, err)
		}
		if e.ID+".json" != filepath.Base(f) {
			return 0, fmt.Errorf("%s: holds entry %q", f, e.ID)
		}
		v := vulnIndex{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases}
		vulns = append(vulns, v)
		seen := map[string]bool{}
		for _, a := range e.Affected {
			if p := a.Package.Name; p != "" && !seen[p] {
				seen[p] = true
				byModule[p] = append(byModule[p], vulnIndex{ID: e.ID, Modified: e.Modified})
			}
		}
		if err := os.WriteFile(filepath.Join(tmp, "ID", e.ID+".json"), b, 0o644); err != nil {
			return 0, err
		}
	}
	modules := make([]moduleVulns, 0, len(byModule))
	for p, v := range byModule {
		modules = append(modules, moduleVulns{Path: p, Vulns: v})
	}
	sort.Slice(modules, func(i, j int) bool { return modules[i].Path < modules[j].Path })
	err = errors.Join(
		writeJSON(filepath.Join(tmp, "index", "db.json"), struct {
			Modified time.Time `json:"modified"`
		}{modified.UTC()}),
		writeJSON(filepath.Join(tmp, "index", "modules.json"), modules),
		writeJSON(filepath.Join(tmp, "index", "vulns.json"), vulns),
	)
	if err != nil {
		return 0, err
	}
	if err := os.RemoveAll(out); err != nil {
		return 0, err
	}
	return len(vulns), os.Rename(tmp, out)
}

func writeJSON(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}
