package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/config"
	"go.yaml.in/yaml/v2"
)

// testdata is relative to the package directory, where go test runs.
var testdata = filepath.Join("..", "testdata", "config")

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(testdata, "bad", "does-not-exist.yml")
	_, err := Load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(%s) = %v, want an error wrapping fs.ErrNotExist", path, err)
	}
	// The OS words the reason; the rest of the message is ours.
	_, osErr := os.ReadFile(path)
	if want := "read config: " + osErr.Error(); err.Error() != want {
		t.Errorf("Load(%s) error:\n got: %s\nwant: %s", path, err, want)
	}
}

func TestLoadBad(t *testing.T) {
	t.Parallel()
	// Each file under testdata/config/bad shows one mistake; want is the
	// error after the "config file <path>: " prefix that Load adds.
	tests := []struct {
		file string
		want string
	}{
		{"not_yaml.yml", "yaml: line 1: did not find expected ',' or ']'"},
		{"unknown_top_level_key.yml", "yaml: unmarshal errors:\n  line 2: field page not found in type config.plain"},
		{"unknown_defaults_key.yml", "yaml: unmarshal errors:\n  line 3: field ttl not found in type config.plain"},
		{"unknown_page_key.yml", "yaml: unmarshal errors:\n  line 4: field address not found in type config.plain"},
		{"unknown_http_client_config_key.yml", "yaml: unmarshal errors:\n  line 6: field proxy not found in type config.plain"},
		{"no_pages.yml", "pages: at least one page is required"},
		{"empty.yml", "pages: at least one page is required"},
		{"page_without_name.yml", "pages[1]: name: missing"},
		{"bad_name_chars.yml", `page "git hub": name: must match ^[a-zA-Z0-9_.-]+$`},
		{"duplicate_names.yml", `page "github": name: duplicate of pages[0]`},
		{"missing_url.yml", `page "github": url: missing`},
		{"url_scheme_ftp.yml", `page "github": url: scheme must be http or https, got "ftp"`},
		{"url_without_host.yml", `page "github": url: missing host`},
		{"url_with_credentials.yml", `page "acme": url: credentials in the URL are not allowed: use http_client_config`},
		{"url_with_credentials_unparsable.yml", `page "acme": url: not a valid URL (details withheld: it may contain credentials; use http_client_config)`},
		{"bad_duration.yml", `page "github": timeout: unknown unit " parsecs" in duration "10 parsecs"`},
		{"negative_timeout.yml", `defaults: timeout: not a valid duration string: "-10s"`},
		{"negative_cache_ttl.yml", `page "github": cache_ttl: not a valid duration string: "-1m"`},
		{"zero_timeout.yml", `page "github": timeout: must be greater than 0`},
		{"zero_default_timeout.yml", `defaults: timeout: must be greater than 0`},
		{"zero_series_limit.yml", `page "github": series_limit: must be at least 1`},
		{"negative_default_series_limit.yml", `defaults: series_limit: must be at least 1`},
		{"series_limit_not_a_number.yml", "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str (value withheld) into int"},
		{"bearer_token_and_file.yml", `page "acme": http_client_config: at most one of bearer_token & bearer_token_file must be configured`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(testdata, "bad", tt.file)
			c, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, want an error", path, c)
			}
			if want := "config file " + path + ": " + tt.want; err.Error() != want {
				t.Errorf("Load(%s) error:\n got: %s\nwant: %s", path, err, want)
			}
			if strings.Contains(err.Error(), "SENTINEL") {
				t.Errorf("Load(%s) error shows a secret: %s", path, err)
			}
		})
	}
	// A bad file without a case here would document nothing that is checked.
	files, err := filepath.Glob(filepath.Join(testdata, "bad", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no case in TestLoadBad", f)
		}
	}
}

func TestLoadGood(t *testing.T) {
	t.Parallel()
	path := filepath.Join(testdata, "good.yml")
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	if len(c.Pages) != 3 {
		t.Fatalf("got %d pages, want 3", len(c.Pages))
	}
	github, slow, acme := c.Pages[0].Settings(c.Defaults), c.Pages[1].Settings(c.Defaults), c.Pages[2].Settings(c.Defaults)

	if got, want := durations(github), [3]time.Duration{5 * time.Second, time.Minute, time.Hour}; got != want {
		t.Errorf("github (file defaults) timeout, cache_ttl, max_stale = %v, want %v", got, want)
	}
	if github.SeriesLimit != 30000 || slow.SeriesLimit != 5000 || acme.SeriesLimit != 30000 {
		t.Errorf("series_limit of github, slow.vendor, acme_private = %d, %d, %d, want 30000 (defaults), 5000 (override), 30000",
			github.SeriesLimit, slow.SeriesLimit, acme.SeriesLimit)
	}
	if got := github.HTTPClientConfig.TLSConfig.MinVersion; got != config.TLSVersion(0x0303) {
		t.Errorf("github tls min_version = %v, want TLS12 from the defaults", got)
	}
	if got, want := durations(slow), [3]time.Duration{20 * time.Second, 2 * time.Minute, 30 * time.Minute}; got != want {
		t.Errorf("slow.vendor (overrides) timeout, cache_ttl, max_stale = %v, want %v", got, want)
	}
	if got := slow.HTTPClientConfig.TLSConfig.MinVersion; got != config.TLSVersion(0x0303) {
		t.Errorf("slow.vendor tls min_version = %v, want TLS12 from the defaults", got)
	}

	// The page's http_client_config replaces the default one as a whole.
	hc := acme.HTTPClientConfig
	if hc.TLSConfig.MinVersion != 0 {
		t.Errorf("acme_private tls min_version = %v, want unset: the page's http_client_config replaces the default", hc.TLSConfig.MinVersion)
	}
	if !hc.FollowRedirects || !hc.EnableHTTP2 {
		t.Errorf("acme_private follow_redirects, enable_http2 = %v, %v, want the prometheus/common defaults (true, true)", hc.FollowRedirects, hc.EnableHTTP2)
	}
	if hc.Authorization == nil {
		t.Fatal("acme_private has no authorization")
	}
	if hc.Authorization.Type != "OAuth" {
		t.Errorf("acme_private authorization type = %q, want OAuth", hc.Authorization.Type)
	}
	dir, err := filepath.Abs(testdata)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hc.Authorization.CredentialsFile, filepath.Join(dir, "acme.key"); got != want {
		t.Errorf("acme_private credentials_file = %q, want %q (next to the config file)", got, want)
	}

	// Validate keeps each URL as it parsed and checked it, for the targets.
	if u := c.Pages[1].BaseURL(); u == nil || u.String() != "https://status.slow-vendor.example/" {
		t.Errorf("slow.vendor base URL = %v, want the configured URL", u)
	}
	if (&Page{URL: "https://unchecked.example"}).BaseURL() != nil {
		t.Error("a page that was not validated has a base URL")
	}
}

// TestLoadDefaults covers files that set no defaults, or leave them empty:
// each page gets 10s, 30s and 15m and the prometheus/common client defaults.
func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"minimal.yml", "empty_defaults.yml", "empty_values.yml"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			c, err := Load(filepath.Join(testdata, file))
			if err != nil {
				t.Fatal(err)
			}
			s := c.Pages[0].Settings(c.Defaults)
			if got, want := durations(s), [3]time.Duration{10 * time.Second, 30 * time.Second, 15 * time.Minute}; got != want {
				t.Errorf("timeout, cache_ttl, max_stale = %v, want %v", got, want)
			}
			if s.SeriesLimit != DefaultSeriesLimit {
				t.Errorf("series_limit = %d, want %d", s.SeriesLimit, DefaultSeriesLimit)
			}
			if !s.HTTPClientConfig.FollowRedirects || !s.HTTPClientConfig.EnableHTTP2 {
				t.Errorf("follow_redirects, enable_http2 = %v, %v, want true, true", s.HTTPClientConfig.FollowRedirects, s.HTTPClientConfig.EnableHTTP2)
			}
		})
	}
}

func TestLoadShippedConfig(t *testing.T) {
	t.Parallel()
	c, err := Load(filepath.Join("..", "statuspage_exporter.yml"))
	if err != nil {
		t.Fatalf("the repository's statuspage_exporter.yml does not load: %v", err)
	}
	if len(c.Pages) == 0 {
		t.Fatal("the repository's statuspage_exporter.yml has no pages")
	}
}

func durations(s Settings) [3]time.Duration {
	return [3]time.Duration{s.Timeout, s.CacheTTL, s.MaxStale}
}

const sentinel = "SENTINEL-SECRET"

// TestSecretsHidden breaks secrets.yml in places other than its secrets and
// checks that no error quotes them, and that a marshalled config hides them.
// (fmt's %+v of a config.Secret prints it raw: never log a Config that way.)
func TestSecretsHidden(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(testdata, "secrets.yml"))
	if err != nil {
		t.Fatal(err)
	}
	good := string(src)

	c, err := Load(filepath.Join(testdata, "secrets.yml"))
	if err != nil {
		t.Fatalf("secrets.yml: %v", err)
	}
	if got := c.Pages[0].HTTPClientConfig.Authorization.Credentials; string(got) != sentinel+"-5678" {
		t.Fatalf("acme credentials = %q, want them read from the file", got)
	}
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), sentinel) {
		t.Errorf("yaml.Marshal of the config shows a secret:\n%s", out)
	}
	if !strings.Contains(string(out), "<secret>") {
		t.Errorf("yaml.Marshal of the config has no <secret> placeholder:\n%s", out)
	}

	acme := "  - name: acme\n    url: https://acme.statuspage.io\n"
	// want is part of the error, to be sure each variant breaks where meant.
	variants := []struct {
		name, doc, want string
	}{
		{"unknown top-level key", good + "extra: 1\n", "field extra not found"},
		{"unknown page key", strings.Replace(good, acme, acme+"    colour: red\n", 1), "field colour not found"},
		{"unknown auth key", strings.Replace(good, "        type: OAuth\n", "        kind: OAuth\n", 1), "field kind not found"},
		{"unknown basic_auth key", strings.Replace(good, "      username: u\n", "      username: u\n      realm: x\n", 1), "field realm not found"},
		{"bad duration", strings.Replace(good, acme, acme+"    timeout: soon\n", 1), `page "acme": timeout: not a valid duration`},
		{"zero timeout", strings.Replace(good, acme, acme+"    timeout: 0s\n", 1), `page "acme": timeout: must be greater than 0`},
		{"duplicate page", strings.Replace(good, "name: github", "name: acme", 1), "duplicate"},
		{"bad url", strings.Replace(good, "https://acme.statuspage.io", "ftp://acme.statuspage.io", 1), "scheme must be http or https"},
		{"missing name", strings.Replace(good, "  - name: acme\n", "  - \n", 1), "pages[0]: name: missing"},
		{"two auth schemes", strings.Replace(good, "        credentials: "+sentinel+"-5678\n",
			"        credentials: "+sentinel+"-5678\n      bearer_token: x\n", 1), "not compatible with bearer_token"},
		{"auth and basic auth", strings.Replace(good, "      authorization:\n",
			"      basic_auth: {username: v, password: "+sentinel+"-9}\n      authorization:\n", 1), "at most one of basic_auth"},
		{"credentials and file", strings.Replace(good, "        type: OAuth\n",
			"        type: OAuth\n        credentials_file: acme.key\n", 1), "at most one of authorization credentials"},
		{"basic auth type", strings.Replace(good, "type: OAuth", "type: Basic", 1), `cannot be set to "basic"`},
		{"not yaml", good + "  - [\n", "did not find expected node content"},
		{"tab indentation", good + "\t- name: x\n", "found a tab character"},
		{"wrong type", strings.Replace(good, "  - name: github\n", "  - name: [github]\n", 1), "cannot unmarshal !!seq into string"},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "secrets.yml")
			if err := os.WriteFile(path, []byte(v.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatalf("Load succeeded, want an error for:\n%s", v.doc)
			}
			if !strings.Contains(err.Error(), v.want) {
				t.Errorf("error %q does not contain %q", err, v.want)
			}
			if strings.Contains(err.Error(), sentinel) {
				t.Errorf("error shows a secret: %s", err)
			}
		})
	}
}
