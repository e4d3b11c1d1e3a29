package statuspage

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// FuzzSummaryURL: an accepted base URL gives an http(s) URL of a .json
// document on the same host.
func FuzzSummaryURL(f *testing.F) {
	for _, s := range []string{"https://www.githubstatus.com", "https://status.example.com/", "http://127.0.0.1:8080/x/",
		"https://example.com/custom.json", "https://example.com/%2F/", "ftp://x", "https://", "https://h/a?b#c", "https://[::1]:443/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, base string) {
		got, err := SummaryURL(base)
		if err != nil {
			return
		}
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
