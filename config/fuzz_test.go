package config

import (
	"fmt"
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
// Validate). Nothing may panic; an accepted configuration must validate
// again unchanged, keep each page's URL as checked, and marshal without any
// of its secrets. (statuspage.FuzzNewTargetSet builds what is accepted.)
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
			raw := p.URL
			if raw == "" {
				// Slack, Google Cloud and AWS have a public endpoint.
				raw = providers[p.provider()].defaultURL
			}
			if _, err := ParseURL(raw); err != nil {
				t.Fatalf("accepted page %q of provider %q with url %q: %v", p.Name, p.provider(), p.URL, err)
			}
			if u := p.BaseURL(); u == nil || u.String() != mustParse(t, raw).String() {
				t.Fatalf("accepted page %q with url %q keeps base URL %v", p.Name, p.URL, u)
			}
		}
		checkSecretsHidden(t, c)
	})
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
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
