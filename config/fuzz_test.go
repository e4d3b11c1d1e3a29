package config

import (
	"bytes"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/common/config"
	"go.yaml.in/yaml/v2"
)

// FuzzConfig runs arbitrary documents through Parse (strict YAML and
// Validate) and Build. Nothing may panic; an accepted configuration must
// validate again unchanged, build (unless it names files, which the fuzzer
// must not read), give one target per page, and marshal without any of its
// secrets.
//
// Seeds are every file in testdata/config; crashers found by longer runs
// are kept in testdata/fuzz/FuzzConfig.
func FuzzConfig(f *testing.F) {
	for _, pattern := range []string{"*.yml", filepath.Join("bad", "*.yml")} {
		paths, err := filepath.Glob(filepath.Join(testdata, pattern))
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range paths {
			b, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("probe:\n  allowed_hosts: [.statuspage.io, \"127.0.0.1:8080\", \"[::1]\"]\npages:\n  - {name: a, url: \"http://127.0.0.1:8080/x\"}\n"))
	f.Add([]byte("defaults:\n  http_client_config:\n    oauth2: {client_id: i, client_secret: SECRET-OAUTH, token_url: \"http://127.0.0.1/t\"}\n" +
		"    http_headers: {X-Key: {secrets: [SECRET-HEADER]}}\npages:\n  - {name: a, url: \"https://a.example\", http_client_config: {bearer_token: SECRET-BEARER}}\n"))

	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := Parse(doc)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse returned a configuration together with error %v", err)
			}
			if err.Error() == "" {
				t.Fatal("Parse failed with an empty error")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("an accepted configuration fails Validate again: %v", err)
		}
		seen := map[string]bool{}
		for _, p := range c.Pages {
			if !nameRE.MatchString(p.Name) || seen[p.Name] {
				t.Fatalf("accepted page name %q (duplicate: %v)", p.Name, seen[p.Name])
			}
			seen[p.Name] = true
			if err := validateURL(p.URL); err != nil {
				t.Fatalf("accepted page %q with url %q: %v", p.Name, p.URL, err)
			}
		}
		// Last: it changes c.
		defer checkSecretsHidden(t, c)
		if bytes.Contains(doc, []byte("_file")) || bytes.Contains(doc, []byte("_ref")) {
			return
		}
		a, err := Build(c)
		if err != nil {
			// Certificates and keys are only parsed here; check names the page.
			if !strings.Contains(err.Error(), "page ") && !strings.Contains(err.Error(), "defaults") {
				t.Fatalf("Build error names neither a page nor the defaults: %v", err)
			}
			return
		}
		if len(a.Targets) != len(c.Pages) || len(a.Names()) != len(c.Pages) {
			t.Fatalf("%d pages built into %d targets", len(c.Pages), len(a.Targets))
		}
		for _, tg := range a.Targets {
			if tg.Client == nil || !strings.HasSuffix(tg.SummaryURL, ".json") || a.Target(tg.Name) != tg {
				t.Fatalf("target %q is incomplete: %+v", tg.Name, tg)
			}
		}
		a.closeIdle()
	})
}

// checkSecretsHidden replaces every secret of c with a marker no other
// value can hold, marshals c and looks for the markers: each secret field
// must marshal hidden, whatever its value. (Looking for the fuzzed values
// themselves finds page names and field names that happen to equal them.)
// It changes c: call it last.
func checkSecretsHidden(t *testing.T, c *Config) {
	t.Helper()
	n := 0
	markSecrets(reflect.ValueOf(c), &n)
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatalf("an accepted configuration does not marshal: %v", err)
	}
	if strings.Contains(string(out), secretMarker) {
		t.Fatalf("the marshalled configuration shows a secret:\n%s", out)
	}
}

const secretMarker = "MARKED-SECRET"

var secretType = reflect.TypeFor[config.Secret]()

// markSecrets sets every settable config.Secret under v, and the password
// of every URL, to a marker.
func markSecrets(v reflect.Value, n *int) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if u, ok := v.Interface().(*url.URL); ok {
			if u.User != nil {
				*n++
				u.User = url.UserPassword(u.User.Username(), fmt.Sprintf("%s-%d", secretMarker, *n))
			}
			return
		}
		markSecrets(v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				markSecrets(v.Field(i), n)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			markSecrets(v.Index(i), n)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			markSecrets(e, n)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.Type() == secretType && v.CanSet() {
			*n++
			v.SetString(fmt.Sprintf("%s-%d", secretMarker, *n))
		}
	}
}

// FuzzAllowedHosts: whatever the allow-list entry and the target, an
// accepted ad-hoc target is fetched from a URL whose host the entry allows,
// checked here by a second, label-by-label reading of the rules.
func FuzzAllowedHosts(f *testing.F) {
	for _, s := range [][2]string{
		{".statuspage.io", "https://acme.statuspage.io"},
		{".statuspage.io", "https://evilstatuspage.io"},
		{"status.example.com", "https://STATUS.example.com.:443/x/"},
		{"127.0.0.1:8080", "http://127.0.0.1:8080/p"},
		{"[::1]:9090", "http://[::1]:9090"},
		{"10.0.0.1", "https://010.0.0.1"},
		{".example.com", "https://a.example.com@b.example.net"},
		{".example.com", "https://a.example.com%2f.evil.net"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, entry, target string) {
		policy, err := parseHostPolicy([]string{entry})
		if err != nil {
			return
		}
		a := &Active{adhoc: adhoc{policy: policy}}
		tg, err := a.AdhocTarget(target)
		if err != nil {
			return
		}
		u, err := url.Parse(tg.SummaryURL)
		if err != nil {
			t.Fatalf("target %q gives summary URL %q, which does not parse: %v", target, tg.SummaryURL, err)
		}
		if !IsAdhocName(tg.Name) {
			t.Fatalf("ad-hoc target %q is named %q, which could be a page name", target, tg.Name)
		}
		if u.User != nil || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("target %q gives summary URL %q", target, tg.SummaryURL)
		}
		if !allowedByLabels(entry, u) {
			t.Fatalf("entry %q let target %q through to %q", entry, target, tg.SummaryURL)
		}
	})
}

// allowedByLabels reads an allowed_hosts entry the slow way: compare label
// lists from the right.
func allowedByLabels(entry string, u *url.URL) bool {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	want := map[string]string{"http": "80", "https": "443"}[u.Scheme]
	e := strings.ToLower(entry)
	if i := strings.LastIndex(e, ":"); i >= 0 && !strings.HasSuffix(e, "]") && strings.Count(e, ":") == 1 {
		e, want = e[:i], e[i+1:]
	} else if strings.HasPrefix(e, "[") && strings.Contains(e, "]:") {
		i := strings.LastIndex(e, "]:")
		e, want = e[1:i], e[i+2:]
	}
	e = strings.TrimSuffix(strings.Trim(e, "[]"), ".")
	if port != want {
		return false
	}
	host = strings.TrimSuffix(host, ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		eip, err := netip.ParseAddr(e)
		return err == nil && eip == ip
	}
	suffix := strings.HasPrefix(e, ".")
	el := strings.Split(strings.TrimSuffix(strings.TrimPrefix(e, "."), "."), ".")
	hl := strings.Split(host, ".")
	if len(hl) < len(el) || (!suffix && len(hl) != len(el)) || (suffix && len(hl) == len(el)) {
		return false
	}
	for i := 1; i <= len(el); i++ {
		if hl[len(hl)-i] != el[len(el)-i] {
			return false
		}
	}
	return true
}
