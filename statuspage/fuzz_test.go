package statuspage

import (
	"bytes"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// FuzzDecode: no body makes Decode panic, and an accepted document always
// names its page. collector.FuzzTranslate goes on to translate what Decode
// accepts; this target is faster and so explores the decoder deeper.
func FuzzDecode(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "testdata", "summary", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range seeds {
		if strings.HasSuffix(path, ".md") {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\xef\xbb\xbf {\"page\":{\"id\":\"x\"},\"components\":{}}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := Decode(body)
		switch {
		case err != nil && s != nil:
			t.Fatalf("Decode returned a summary together with error %v", err)
		case err == nil && s.Page.ID == "" && s.Page.Name == "":
			t.Fatal("Decode accepted a document that names no page")
		}
	})
}

// FuzzParseRetryAfter: whatever a page sends, the back-off is between zero
// and MaxRetryAfter.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "120", "-1", "9223372036854775808", "1e3", " 5 ",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Mon, 02 Jan 2006 15:04:05 GMT", "Sunday, 06-Nov-94 08:49:37 GMT"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 10, 18, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d := ParseRetryAfter(v, now); d < 0 || d > MaxRetryAfter {
			t.Fatalf("ParseRetryAfter(%q) = %v, want within [0, %v]", v, d, MaxRetryAfter)
		}
	})
}

// FuzzSummaryURL: a base URL that config.ParseURL accepts gives an http(s)
// URL of a .json document on the same host.
func FuzzSummaryURL(f *testing.F) {
	for _, s := range []string{"https://www.githubstatus.com", "https://status.example.com/", "http://127.0.0.1:8080/x/",
		"https://example.com/custom.json", "https://example.com/%2F/", "ftp://x", "https://", "https://h/a?b#c", "https://[::1]:443/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, base string) {
		checked, err := config.ParseURL(base)
		if err != nil {
			return
		}
		got := summaryURL(checked)
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("SummaryURL(%q) = %q, which does not parse: %v", base, got, err)
		}
		b, _ := url.Parse(base)
		switch {
		case u.Scheme != "http" && u.Scheme != "https":
			t.Fatalf("SummaryURL(%q) = %q: scheme %q", base, got, u.Scheme)
		case u.Host != b.Host:
			t.Fatalf("SummaryURL(%q) = %q: host changed from %q to %q", base, got, b.Host, u.Host)
		case !strings.HasSuffix(u.Path, ".json"):
			t.Fatalf("SummaryURL(%q) = %q: path %q is not a .json document", base, got, u.Path)
		}
	})
}

// FuzzNewTargetSet builds what config.Parse accepts from arbitrary
// documents. Nothing may panic; an accepted configuration must build (unless
// it names files, which the fuzzer must not read) and give one complete
// target per page. A build error must name the page or the defaults.
//
// Seeds are every file in testdata/config, as for config.FuzzConfig; crashers
// found by longer runs are kept in testdata/fuzz/FuzzNewTargetSet.
func FuzzNewTargetSet(f *testing.F) {
	for _, pattern := range []string{"*.yml", filepath.Join("bad", "*.yml")} {
		paths, err := filepath.Glob(filepath.Join("..", "testdata", "config", pattern))
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
		c, err := config.Parse(doc)
		if err != nil {
			return
		}
		if bytes.Contains(doc, []byte("_file")) || bytes.Contains(doc, []byte("_ref")) {
			return
		}
		a, err := NewTargetSet(c, ClientOptions{})
		if err != nil {
			// Certificates and keys are only parsed here; check names the page.
			if !strings.Contains(err.Error(), "page ") && !strings.Contains(err.Error(), "defaults") {
				t.Fatalf("NewTargetSet error names neither a page nor the defaults: %v", err)
			}
			return
		}
		if len(a.Targets) != len(c.Pages) || len(a.Names()) != len(c.Pages) {
			t.Fatalf("%d pages built into %d targets", len(c.Pages), len(a.Targets))
		}
		for _, tg := range a.Targets {
			docs := tg.Documents()
			// Statuspage and Instatus pages read .json documents under
			// their URL; the others' URL is their document.
			json := tg.Provider() != config.ProviderStatuspage && tg.Provider() != config.ProviderInstatus ||
				!slices.ContainsFunc(docs, func(d string) bool { return !strings.HasSuffix(d, ".json") })
			if tg.Client == nil || len(docs) == 0 || tg.SummaryURL != docs[0] || !json || a.Target(tg.Name) != tg {
				t.Fatalf("target %q is incomplete: %+v", tg.Name, tg)
			}
		}
		a.closeIdle()
	})
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
		rules, err := config.ParseAllowedHosts([]string{entry})
		if err != nil {
			return
		}
		a := &TargetSet{adhoc: adhoc{policy: hostPolicy(rules)}}
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
