package statuspage

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// sentinel marks secrets in test configurations; no error may show it.
const sentinel = "SENTINEL-SECRET"

func buildDoc(t *testing.T, doc string, o ...ClientOptions) *TargetSet {
	t.Helper()
	c, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var opts ClientOptions
	if len(o) > 0 {
		opts = o[0]
	}
	a, err := NewTargetSet(c, opts)
	if err != nil {
		t.Fatalf("NewTargetSet: %v", err)
	}
	return a
}

// pageRecorder is a loopback page that records the credentials (Authorization
// and X-Api-Key headers) of each request, and redirects when told to.
type pageRecorder struct {
	srv *httptest.Server

	mu       sync.Mutex
	auth     []string
	redirect string
}

func newPageRecorder(t *testing.T) *pageRecorder {
	r := &pageRecorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auth = append(r.auth, req.Header.Get("Authorization")+req.Header.Get("X-Api-Key"))
		to := r.redirect
		r.mu.Unlock()
		if to != "" {
			http.Redirect(w, req, to, http.StatusMovedPermanently)
			return
		}
		_, _ = w.Write([]byte(`{"page":{"id":"p","name":"P"}}`))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *pageRecorder) redirectTo(u string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.redirect = u
}

func (r *pageRecorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auth...)
}

// TestRedirectKeepsCredentialsAtHome: prometheus/common adds credentials in
// the transport, to every request, so a page with credentials must not
// follow a redirect to another origin, while a page without them may (pages
// move: status.anthropic.com became status.claude.com).
func TestRedirectKeepsCredentialsAtHome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		client     string // the page's http_client_config
		crossHost  bool   // redirect to another server rather than a path of the same one
		wantErr    string // "" when the document is reached
		wantOther  int    // requests the other server gets
		wantStatus int
	}{
		{"credentials, same origin", "{authorization: {type: OAuth, credentials: SENTINEL-SECRET}}", false, "", 0, 200},
		{"credentials, other origin", "{authorization: {type: OAuth, credentials: SENTINEL-SECRET}}", true, "this page sends credentials", 0, 0},
		{"basic auth, other origin", "{basic_auth: {username: u, password: SENTINEL-SECRET}}", true, "this page sends credentials", 0, 0},
		{"secret header, other origin", "{http_headers: {X-Api-Key: {secrets: [SENTINEL-SECRET]}}}", true, "this page sends credentials", 0, 0},
		{"no credentials, other origin", "{}", true, "", 1, 200},
		{"credentials, redirects off", "{follow_redirects: false, authorization: {credentials: SENTINEL-SECRET}}", true, "", 0, 301},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, other := newPageRecorder(t), newPageRecorder(t)
			if tt.crossHost {
				page.redirectTo(other.srv.URL + "/moved/api/v2/summary.json")
			}
			a := buildDoc(t, "pages:\n  - name: p\n    url: "+page.srv.URL+"\n    http_client_config: "+tt.client+"\n")
			target := a.Target("p")
			if !tt.crossHost {
				// Same server, another path: the redirect stays home.
				target.SummaryURL = page.srv.URL + "/old/api/v2/summary.json"
				page.redirectTo("/api/v2/summary.json")
				page.srv.Config.Handler = sameServerRedirect(page)
			}
			res, err := target.Client.Get(target.SummaryURL)
			if err == nil {
				res.Body.Close()
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Get: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Get: %v, want an error with %q", err, tt.wantErr)
			case err == nil && res.StatusCode != tt.wantStatus:
				t.Errorf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if err != nil && strings.Contains(err.Error(), sentinel) {
				t.Errorf("error shows a secret: %v", err)
			}
			for _, h := range other.requests() {
				if h != "" {
					t.Errorf("the other server got credentials %q", h)
				}
			}
			if n := len(other.requests()); n != tt.wantOther {
				t.Errorf("the other server got %d requests, want %d", n, tt.wantOther)
			}
			if got := page.requests(); len(got) == 0 || (tt.client != "{}") == (got[0] == "") {
				t.Errorf("the page itself got credentials %q; want them exactly when configured", got)
			}
		})
	}
}

// sameServerRedirect redirects /old/... to the document on the same server.
func sameServerRedirect(r *pageRecorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auth = append(r.auth, req.Header.Get("Authorization")+req.Header.Get("X-Api-Key"))
		r.mu.Unlock()
		if strings.HasPrefix(req.URL.Path, "/old/") {
			http.Redirect(w, req, "/api/v2/summary.json", http.StatusMovedPermanently)
			return
		}
		_, _ = w.Write([]byte(`{"page":{"id":"p","name":"P"}}`))
	})
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	first, _ := http.NewRequest(http.MethodGet, "https://acme.statuspage.io/api/v2/summary.json", nil)
	for to, ok := range map[string]bool{
		"https://acme.statuspage.io/other":         true,
		"https://ACME.statuspage.io:443/x":         true,
		"http://acme.statuspage.io/x":              false, // a downgrade would send them in clear
		"https://acme.statuspage.io:8443/x":        false,
		"https://other.statuspage.io/x":            false,
		"https://u:SENTINEL-SECRET@evil.example/x": false,
	} {
		u, _ := url.Parse(to)
		err := sameOrigin(u, first)
		if (err == nil) != ok {
			t.Errorf("redirect to %s: %v, want allowed=%v", to, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), sentinel) {
			t.Errorf("error shows the credentials of the Location: %v", err)
		}
	}
}
