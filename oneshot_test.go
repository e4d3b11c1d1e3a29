package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// oneshotPages serves summaries on loopback: /alpha has an incident, /gamma
// is all operational, /broken answers 503 and /slow never answers before the
// test ends.
func oneshotPages(t *testing.T) string {
	t.Helper()
	incident, err := os.ReadFile(filepath.Join("testdata", "summary", "active_incident.json"))
	if err != nil {
		t.Fatal(err)
	}
	operational, err := os.ReadFile(filepath.Join("testdata", "summary", "all_operational.json"))
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/alpha/api/v2/summary.json":
			_, _ = w.Write(incident)
		case "/gamma/api/v2/summary.json":
			_, _ = w.Write(operational)
		case "/broken/api/v2/summary.json":
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		case "/slow/api/v2/summary.json":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: Close waits for handlers
	return srv.URL
}

// oneshotConfig writes a configuration with the named pages of base.
func oneshotConfig(t *testing.T, base string, pages ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("pages:\n")
	for _, p := range pages {
		fmt.Fprintf(&b, "  - name: %s\n    url: %s/%s\n", p, base, p)
	}
	path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runOneshotArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"--statuspage.oneshot"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// oneshotParse checks that body is clean text exposition and returns the
// metric names in it.
func oneshotParse(t *testing.T, body string) map[string]bool {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not valid text exposition: %v\n%s", err, body)
	}
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", err, problems)
	}
	names := map[string]bool{}
	for n := range fams {
		names[n] = true
	}
	return names
}

func TestOneshotStdout(t *testing.T) {
	t.Parallel()
	cfg := oneshotConfig(t, oneshotPages(t), "alpha", "gamma")
	code, stdout, stderr := runOneshotArgs(t, "--config.file="+cfg)
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	names := oneshotParse(t, stdout)
	for _, want := range []string{
		`statuspage_up{page="alpha"} 1`,
		`statuspage_up{page="gamma"} 1`,
		`statuspage_incident_impact{impact="critical",incident_id="expayinc0001",page="alpha"} 1`,
	} {
		if !oneshotHasLine(stdout, want) {
			t.Errorf("stdout has no line %s", want)
		}
	}
	if !names["statuspage_exporter_build_info"] {
		t.Error("no statuspage_exporter_build_info")
	}
	// Only the pages and the build info: go_* and process_* would clash
	// with node_exporter's own series in its textfile collector.
	for n := range names {
		if !strings.HasPrefix(n, "statuspage_") ||
			strings.HasPrefix(n, "statuspage_exporter_") && n != "statuspage_exporter_build_info" {
			t.Errorf("one-shot output has %s", n)
		}
	}
	if strings.Contains(stderr, "level=ERROR") {
		t.Errorf("errors logged:\n%s", stderr)
	}
}

func TestOneshotFailedPage(t *testing.T) {
	t.Parallel()
	cfg := oneshotConfig(t, oneshotPages(t), "alpha", "broken")
	code, stdout, stderr := runOneshotArgs(t, "--config.file="+cfg)
	if code != 1 {
		t.Errorf("exit %d, want 1 when a page failed", code)
	}
	oneshotParse(t, stdout)
	// The output is written all the same: the failure is data.
	for _, want := range []string{`statuspage_up{page="alpha"} 1`, `statuspage_up{page="broken"} 0`} {
		if !oneshotHasLine(stdout, want) {
			t.Errorf("stdout has no line %s:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "Some pages failed") || !strings.Contains(stderr, "pages=broken") {
		t.Errorf("stderr does not name the failed page:\n%s", stderr)
	}
}

func TestOneshotTimeout(t *testing.T) {
	t.Parallel()
	// The page may take a minute; one-shot mode must not wait that long.
	cfg := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	body := fmt.Sprintf("defaults:\n  timeout: 1m\npages:\n  - name: slow\n    url: %s/slow\n", oneshotPages(t))
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, stdout, _ := runOneshotArgs(t, "--config.file="+cfg, "--statuspage.oneshot-timeout=300ms")
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("one-shot took %v with a 300ms timeout", d)
	}
	if code != 1 {
		t.Errorf("exit %d, want 1 when a page is not ready in time", code)
	}
	if !oneshotHasLine(stdout, `statuspage_up{page="slow"} 0`) {
		t.Errorf("stdout has no line statuspage_up{page=\"slow\"} 0:\n%s", stdout)
	}
}

func TestOneshotFile(t *testing.T) {
	t.Parallel()
	base := oneshotPages(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "statuspage.prom")
	if err := os.WriteFile(out, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runOneshotArgs(t, "--config.file="+oneshotConfig(t, base, "alpha"), "--statuspage.oneshot-output="+out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, want 0 and nothing on stdout; stderr:\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	oneshotParse(t, string(b))
	if !oneshotHasLine(string(b), `statuspage_up{page="alpha"} 1`) {
		t.Errorf("file has no statuspage_up for alpha:\n%s", b)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != oneshotFileMode {
		t.Errorf("file mode %v, want %v so node_exporter can read it", fi.Mode().Perm(), os.FileMode(oneshotFileMode))
	}
	oneshotOnlyFiles(t, dir, "statuspage.prom")

	// A failed page still replaces the file: statuspage_up 0 is the news.
	code, _, _ = runOneshotArgs(t, "--config.file="+oneshotConfig(t, base, "broken"), "--statuspage.oneshot-output="+out)
	b, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 || !oneshotHasLine(string(b), `statuspage_up{page="broken"} 0`) {
		t.Errorf("exit %d, file:\n%s\nwant 1 and statuspage_up 0 for broken", code, b)
	}
	oneshotOnlyFiles(t, dir, "statuspage.prom")

	// A configuration that cannot be loaded writes nothing.
	bad := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(bad, []byte("pages:\n  - name: x\n    url: ftp://127.0.0.1/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runOneshotArgs(t, "--config.file="+bad, "--statuspage.oneshot-output="+out)
	if code != 1 || !strings.Contains(stderr, "Cannot load the configuration") {
		t.Errorf("bad configuration: exit %d, stderr:\n%s", code, stderr)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(after, b) {
		t.Errorf("a bad configuration changed the file:\n%s", after)
	}
}

func TestOneshotFileErrors(t *testing.T) {
	t.Parallel()
	cfg := oneshotConfig(t, oneshotPages(t), "alpha")
	dir := t.TempDir()
	sub := filepath.Join(dir, "taken")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		filepath.Join(dir, "missing", "statuspage.prom"), // no such directory
		sub, // a directory cannot be replaced by a file
	} {
		code, _, stderr := runOneshotArgs(t, "--config.file="+cfg, "--statuspage.oneshot-output="+out)
		if code != 1 || !strings.Contains(stderr, "Cannot write the metrics") {
			t.Errorf("output %s: exit %d, stderr:\n%s\nwant 1 and the error", out, code, stderr)
		}
	}
	oneshotOnlyFiles(t, dir, "taken") // no temporary file left behind
}

// oneshotOnlyFiles checks that dir holds exactly the named entries.
func oneshotOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func oneshotHasLine(body, line string) bool {
	return strings.Contains("\n"+body, "\n"+line+"\n")
}
