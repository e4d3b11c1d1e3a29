//go:build unix

// Web security through the binary: TLS and bcrypt basic auth from the
// exporter-toolkit web configuration, checked with a real TLS client;
// secrets placed in every secret field of the configuration, which must
// never come back out; upstream TLS verification; and the server's header
// and idle timeouts against slow clients.

package e2e

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	webUser     = "prometheus"
	webPassword = "SENTINEL-WEB-PASSWORD-7f3a"
	// webPasswordHash is bcrypt of webPassword at the minimum cost (4), so
	// the race-enabled binary checks it quickly; use 10 or more in earnest.
	webPasswordHash = "$2a$04$MojfHzICX9gp5PDnuE0.eOynTXC0oPwgY.tQdXGkI35wIvtB5DpuS"
	// Every secret of this test starts with the sentinel; yaml quotes the
	// first 7 characters of a long value, so that is what is searched for.
	sentinelPrefix = "SENTINE"
)

// credentialSink is the upstream of the secret-laden pages: it records the
// credentials each page sends, acts as the HTTP proxy of one of them and as
// the OAuth2 token endpoint of others.
type credentialSink struct {
	*upstream

	mu   sync.Mutex
	seen map[string][]string // by path: the credential headers received
}

func newCredentialSink(t *testing.T, doc []byte) *credentialSink {
	s := &credentialSink{seen: map[string][]string{}}
	s.upstream = newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		var got []string
		for _, h := range []string{"Authorization", "X-Api-Key", "Proxy-Authorization"} {
			if v := r.Header.Get(h); v != "" {
				got = append(got, h+": "+v)
			}
		}
		if r.URL.Path == "/token" {
			_ = r.ParseForm()
			got = append(got, "client_secret: "+r.PostForm.Get("client_secret"))
			if u, p, ok := r.BasicAuth(); ok {
				got = append(got, "basic: "+u+":"+p)
			}
		}
		s.mu.Lock()
		s.seen[r.URL.Path] = append(s.seen[r.URL.Path], got...)
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/token":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"SENTINEL-OAUTH-ACCESS-TOKEN","token_type":"Bearer","expires_in":3600}`)
		case strings.HasPrefix(r.URL.Path, "/rejects/"):
			// An upstream that quotes the credential back in its error page.
			http.Error(w, "bad credentials: "+r.Header.Get("Authorization"), http.StatusUnauthorized)
		default:
			_, _ = w.Write(doc)
		}
	})
	return s
}

// received reports whether a request to a path starting with path carried
// a credential containing want (decoded, for basic auth).
func (s *credentialSink) received(path, want string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []string
	for p, hs := range s.seen {
		if strings.HasPrefix(p, path) {
			all = append(all, hs...)
		}
	}
	for _, h := range all {
		if strings.Contains(h, want) {
			return true
		}
		if v, ok := strings.CutPrefix(h, "Authorization: Basic "); ok {
			if b, err := base64.StdEncoding.DecodeString(v); err == nil && strings.Contains(string(b), want) {
				return true
			}
		}
		if v, ok := strings.CutPrefix(h, "Proxy-Authorization: Basic "); ok {
			if b, err := base64.StdEncoding.DecodeString(v); err == nil && strings.Contains(string(b), want) {
				return true
			}
		}
	}
	return false
}

// secretPage is a page whose configuration holds a secret, and how to see
// that the secret is really used.
type secretPage struct {
	name, client string // client: the page's http_client_config, "" for the defaults'
	path, sent   string // the upstream path that must receive sent; "" when not observable
}

func writeSecretFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWebSecurity(t *testing.T) {
	t.Parallel()
	binary(t)
	pki := newPKI(t)
	doc := fixture(t, "all_operational.json")
	sink := newCredentialSink(t, doc)
	dir := t.TempDir()
	file := func(name, secret string) string { return writeSecretFile(t, dir, name, secret) }

	// A self-signed upstream: refused by default, accepted with its CA.
	tlsUp := newTLSUpstream(t, doc)
	upstreamCA := writeSecretFile(t, dir, "upstream-ca.crt",
		string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsUp.Certificate().Raw})))

	pages := []secretPage{
		{"default_basic_auth", "", "/default_basic_auth/", "u:SENTINEL-DEFAULT-BASIC"},
		{"authorization", "{authorization: {type: OAuth, credentials: SENTINEL-AUTH-INLINE}}", "/authorization/", "OAuth SENTINEL-AUTH-INLINE"},
		{"authorization_file", fmt.Sprintf("{authorization: {type: OAuth, credentials_file: %s}}", file("auth", "SENTINEL-AUTH-FILE")), "/authorization_file/", "OAuth SENTINEL-AUTH-FILE"},
		{"bearer_token", "{bearer_token: SENTINEL-BEARER-INLINE}", "/bearer_token/", "Bearer SENTINEL-BEARER-INLINE"},
		{"bearer_token_file", fmt.Sprintf("{bearer_token_file: %s}", file("bearer", "SENTINEL-BEARER-FILE")), "/bearer_token_file/", "Bearer SENTINEL-BEARER-FILE"},
		{"basic_auth", "{basic_auth: {username: u, password: SENTINEL-BASIC-INLINE}}", "/basic_auth/", "u:SENTINEL-BASIC-INLINE"},
		{"basic_auth_file", fmt.Sprintf("{basic_auth: {username: u, password_file: %s}}", file("basic", "SENTINEL-BASIC-FILE")), "/basic_auth_file/", "u:SENTINEL-BASIC-FILE"},
		{"oauth2", fmt.Sprintf("{oauth2: {client_id: id, client_secret: SENTINEL-OAUTH-SECRET, token_url: %q}}", sink.srv.URL+"/token"), "/oauth2/", "Bearer SENTINEL-OAUTH-ACCESS-TOKEN"},
		{"oauth2_file", fmt.Sprintf("{oauth2: {client_id: id, client_secret_file: %s, token_url: %q}}", file("oauth", "SENTINEL-OAUTH-FILE"), sink.srv.URL+"/token"), "/token", "SENTINEL-OAUTH-FILE"},
		{"header", "{http_headers: {X-Api-Key: {secrets: [SENTINEL-HEADER-INLINE]}}}", "/header/", "SENTINEL-HEADER-INLINE"},
		{"header_file", fmt.Sprintf("{http_headers: {X-Api-Key: {files: [%s]}}}", file("header", "SENTINEL-HEADER-FILE")), "/header_file/", "SENTINEL-HEADER-FILE"},
		{"proxy", fmt.Sprintf("{proxy_url: %q, proxy_connect_header: {X-Proxy-Key: [SENTINEL-PROXY-HEADER]}}",
			"http://proxyuser:SENTINEL-PROXY-PASSWORD@"+strings.TrimPrefix(sink.srv.URL, "http://")), "/proxy/", "proxyuser:SENTINEL-PROXY-PASSWORD"},
		{"client_certificate", fmt.Sprintf("{tls_config: {cert_file: %s, key_file: %s}}", pki.clientCert, pki.clientKey), "", ""},
		{"rejected", "{authorization: {type: OAuth, credentials: SENTINEL-AUTH-REJECTED}}", "/rejects/", "OAuth SENTINEL-AUTH-REJECTED"},
	}
	var cfg strings.Builder
	cfg.WriteString("defaults:\n  timeout: 3s\n  http_client_config:\n    basic_auth: {username: u, password: SENTINEL-DEFAULT-BASIC}\npages:\n")
	for _, pg := range pages {
		path := "/" + pg.name
		if pg.name == "rejected" {
			path = "/rejects/x"
		}
		fmt.Fprintf(&cfg, "  - name: %s\n    url: %s%s\n", pg.name, sink.srv.URL, path)
		if pg.client != "" {
			fmt.Fprintf(&cfg, "    http_client_config: %s\n", pg.client)
		}
	}
	fmt.Fprintf(&cfg, "  - name: tls_default\n    url: %s\n", tlsUp.URL)
	fmt.Fprintf(&cfg, "  - name: tls_with_ca\n    url: %s\n    http_client_config: {tls_config: {ca_file: %s}}\n", tlsUp.URL, upstreamCA)
	good := cfg.String()
	cfgPath := filepath.Join(dir, "statuspage_exporter.yml")
	writeFile(t, cfgPath, good)

	webConfig := filepath.Join(dir, "web-config.yml")
	writeFile(t, webConfig, fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  %s: %s\n",
		pki.serverCert, pki.serverKey, webUser, webPasswordHash))

	p := start(t, cfgPath, startOptions{tls: true, args: []string{"--web.config.file=" + webConfig}})
	addr := strings.TrimPrefix(p.url, "https://")
	client := &http.Client{Timeout: waitFor, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pki.caPool}, DisableKeepAlives: true,
	}}
	// Everything the exporter answers, for the secret check at the end.
	var answers []string
	request := func(t *testing.T, method, path, user, pass string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, p.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "5")
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		var h strings.Builder
		_ = res.Header.Write(&h)
		answers = append(answers, method+" "+path+"\n"+h.String()+"\n"+string(b))
		return res.StatusCode, string(b)
	}

	t.Run("basic auth", func(t *testing.T) {
		for _, tt := range []struct {
			method, path, user, pass string
			code                     int
		}{
			{"GET", "/metrics", "", "", 401},
			{"GET", "/metrics", webUser, "wrong-password", 401},
			{"GET", "/metrics", "intruder", webPassword, 401},
			{"GET", "/metrics", webUser, webPassword, 200},
			{"GET", "/", "", "", 401},
			{"GET", "/-/healthy", "", "", 401},
			{"GET", "/probe?target=authorization", "", "", 401},
			{"POST", "/-/reload", "", "", 401},
			{"GET", "/-/healthy", webUser, webPassword, 200},
		} {
			code, body := request(t, tt.method, tt.path, tt.user, tt.pass)
			if code != tt.code {
				t.Errorf("%s %s as %q: %d, want %d", tt.method, tt.path, tt.user, code, tt.code)
			}
			if code == 401 && strings.Contains(body, "statuspage") {
				t.Errorf("%s %s: a 401 answer carries data: %q", tt.method, tt.path, short(body))
			}
		}
		_, body := request(t, "GET", "/metrics", webUser, webPassword)
		if gauge(body, `statuspage_exporter_config_reloads_total{result="success"}`) != 1 {
			t.Error("a POST /-/reload without credentials reloaded the configuration")
		}
	})

	t.Run("TLS", func(t *testing.T) {
		res, err := (&http.Client{Timeout: waitFor}).Get("http://" + addr + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 200 || strings.Contains(string(b), "statuspage") {
				t.Errorf("plain HTTP to the TLS port: %d %q, want a refusal", res.StatusCode, short(string(b)))
			}
		}
		_, err = (&http.Client{Timeout: waitFor}).Get(p.url + "/metrics")
		var uerr x509.UnknownAuthorityError
		if !errors.As(err, &uerr) {
			t.Errorf("a client without our CA: %v, want an unknown authority error", err)
		}
		old := &http.Client{Timeout: waitFor, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.caPool, MaxVersion: tls.VersionTLS11}}}
		if res, err := old.Get(p.url + "/metrics"); err == nil {
			res.Body.Close()
			t.Error("a TLS 1.1 client was served")
		}
	})

	t.Run("secrets are used", func(t *testing.T) {
		code, body := request(t, "GET", "/metrics", webUser, webPassword)
		if code != 200 {
			t.Fatalf("/metrics = %d", code)
		}
		for _, pg := range pages {
			want := 1.0
			if pg.name == "rejected" {
				want = 0
			}
			if got := gauge(body, fmt.Sprintf("statuspage_up{page=%q}", pg.name)); got != want {
				t.Errorf("page %s: statuspage_up = %v, want %v", pg.name, got, want)
			}
			if pg.path != "" && !sink.received(pg.path, pg.sent) {
				t.Errorf("page %s: the upstream did not receive %q: the secret is not in use, so its absence below proves nothing", pg.name, pg.sent)
			}
		}
	})

	t.Run("upstream TLS is verified", func(t *testing.T) {
		_, body := request(t, "GET", "/probe?target=tls_default", webUser, webPassword)
		if gauge(body, `statuspage_up{page="tls_default"}`) != 0 {
			t.Error("a self-signed upstream was accepted without its CA")
		}
		if !p.hasLog("page=tls_default", "certificate signed by unknown authority") {
			t.Error("no log line names the page and the TLS failure")
		}
		_, body = request(t, "GET", "/probe?target=tls_with_ca", webUser, webPassword)
		if gauge(body, `statuspage_up{page="tls_with_ca"}`) != 1 {
			t.Errorf("the upstream with tls_config.ca_file is not up:\n%s", short(body))
		}
	})

	t.Run("slow clients", func(t *testing.T) {
		// A process of its own, with the timeouts shortened: in the main
		// one they would cut off the other subtests' requests on a busy
		// machine.
		slow := start(t, cfgPath, startOptions{tls: true, args: []string{
			"--web.config.file=" + webConfig, "--web.read-header-timeout=2s", "--web.idle-timeout=2s",
		}})
		t.Cleanup(func() { slow.checkAlive(t) }) // after the parallel checks
		slowClientsCheck(t, strings.TrimPrefix(slow.url, "https://"), pki)
	})

	t.Run("secrets never shown", func(t *testing.T) {
		for _, pg := range pages {
			request(t, "GET", "/probe?target="+pg.name, webUser, webPassword)
		}
		for _, path := range []string{"/", "/-/healthy", "/no/such/path", "/probe?target=nope", "/probe", "/probe?target=" + sink.srv.URL} {
			request(t, "GET", path, webUser, webPassword)
		}
		request(t, "GET", "/metrics", webUser, webPassword)
		if code, body := request(t, "POST", "/-/reload", webUser, webPassword); code != 200 {
			t.Errorf("POST /-/reload of the good file = %d %q", code, body)
		}
		withPage := func(client string) string {
			return good + "  - name: broken\n    url: " + sink.srv.URL + "/broken\n    http_client_config: " + client + "\n"
		}
		bad := map[string]string{
			"unknown key":          good + "bogus: 1\n",
			"value for a mapping":  withPage("{basic_auth: SENTINEL-BAD-SHAPE-LONG}"),
			"short value":          withPage("{authorization: SENTINEL}"),
			"proxy_url":            withPage(`{proxy_url: "http://u:SENTINEL-BAD-PROXY@127.0.0.1:port"}`),
			"url with credentials": good + "  - name: broken\n    url: http://u:SENTINEL-BAD-URL@" + strings.TrimPrefix(sink.srv.URL, "http://") + "/broken\n",
			"credentials and file": withPage("{authorization: {credentials: SENTINEL-BAD-BOTH, credentials_file: x}}"),
			"inline key":           withPage("{tls_config: {cert: x, key: SENTINEL-BAD-KEY}}"),
			"reserved header":      withPage("{http_headers: {Authorization: {secrets: [SENTINEL-BAD-HEADER]}}}"),
		}
		for name, content := range bad {
			writeFile(t, cfgPath, content)
			code, body := request(t, "POST", "/-/reload", webUser, webPassword)
			if code != http.StatusInternalServerError {
				t.Errorf("reload with %s: %d %q, want 500", name, code, body)
			}
			badPath := filepath.Join(dir, "bad.yml")
			writeFile(t, badPath, content)
			exit, stdout, stderr := runOnce(t, binary(t), "--config.check", "--config.file="+badPath)
			if exit == 0 {
				t.Errorf("--config.check accepted the config with %s", name)
			}
			answers = append(answers, "--config.check "+name+"\n"+stdout+stderr)
		}
		writeFile(t, cfgPath, good)
		request(t, "GET", "/metrics", webUser, webPassword)

		// A web configuration broken while the exporter runs: exporter-
		// toolkit reads it on every request and TLS handshake and logs its
		// error, which quotes the misplaced value.
		goodWeb, err := os.ReadFile(webConfig)
		if err != nil {
			t.Fatal(err)
		}
		keep := &http.Client{Timeout: waitFor, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.caPool}}}
		defer keep.CloseIdleConnections()
		keepGet := func() int {
			req, _ := http.NewRequest("GET", p.url+"/-/healthy", nil)
			req.SetBasicAuth(webUser, webPassword)
			res, err := keep.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode
		}
		if code := keepGet(); code != 200 {
			t.Fatalf("GET /-/healthy = %d", code)
		}
		writeFile(t, webConfig, fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users: \"SENTINEL-WEB-RUNTIME:x\"\n", pki.serverCert, pki.serverKey))
		if code := keepGet(); code != http.StatusInternalServerError { // on the connection made before
			t.Errorf("a request with a broken web configuration = %d, want 500", code)
		}
		if c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pki.caPool}); err == nil {
			c.Close()
			t.Error("a TLS handshake succeeded with a broken web configuration")
		}
		if !p.hasLog("TLS handshake error", "(value withheld)") || !p.hasLog("Unable to parse configuration", "(value withheld)") {
			t.Error("the broken web configuration was not logged, with its value withheld")
		}
		writeFile(t, webConfig, string(goodWeb))
		request(t, "GET", "/-/healthy", webUser, webPassword)

		// All output is in once the process has exited.
		p.checkAlive(t)
		p.signal(t, syscall.SIGTERM)
		if code := p.wait(t); code != 0 {
			t.Errorf("exit code after SIGTERM = %d, want 0", code)
		}
		leaks := []string{sentinelPrefix, pki.clientKeyExcerpt}
		for _, cred := range []string{"u:SENTINEL-DEFAULT-BASIC", "u:SENTINEL-BASIC-INLINE", "u:SENTINEL-BASIC-FILE",
			"proxyuser:SENTINEL-PROXY-PASSWORD", webUser + ":" + webPassword} {
			leaks = append(leaks, base64.StdEncoding.EncodeToString([]byte(cred)))
		}
		sources := map[string]string{"the log (debug level)": p.output.String()}
		for i, a := range answers {
			sources[fmt.Sprintf("answer %d (%s)", i, strings.SplitN(a, "\n", 2)[0])] = a
		}
		for where, text := range sources {
			for _, leak := range leaks {
				if i := strings.Index(text, leak); i >= 0 {
					t.Errorf("%s shows a secret: …%s…", where, text[max(0, i-60):min(len(text), i+60)])
				}
			}
		}
	})
}

// slowClientsCheck: clients that trickle their headers, stall the TLS
// handshake or sit on an idle connection are disconnected by the server's
// timeouts (both set to 2s for the test), and oversized headers are
// refused.
func slowClientsCheck(t *testing.T, addr string, pki *pki) {
	const bound = 8 * time.Second // well past the 2s timeouts
	tlsConf := &tls.Config{RootCAs: pki.caPool}
	closedWithin := func(t *testing.T, what string, c net.Conn, start time.Time) {
		t.Helper()
		_ = c.SetReadDeadline(start.Add(bound))
		_, err := io.Copy(io.Discard, c)
		var nerr net.Error
		if errors.As(err, &nerr) && nerr.Timeout() {
			t.Errorf("%s: the server kept the connection open for %v", what, bound)
			return
		}
		t.Logf("%s: disconnected after %v", what, time.Since(start).Round(10*time.Millisecond))
	}

	t.Run("stalled handshake", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		closedWithin(t, "a client that never starts TLS", c, time.Now())
	})

	t.Run("trickled headers", func(t *testing.T) {
		t.Parallel()
		c, err := tls.Dial("tcp", addr, tlsConf)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		if _, err := io.WriteString(c, "GET /metrics HTTP/1.1\r\nHost: x\r\n"); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for i := range 150 { // 15 s at most, far past the timeout
				<-tick.C
				if _, err := fmt.Fprintf(c, "X-Slow-%d: x\r\n", i); err != nil {
					return
				}
			}
		}()
		r := bufio.NewReader(c)
		_ = c.SetReadDeadline(start.Add(bound))
		res, err := http.ReadResponse(r, nil)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				t.Error("a request whose headers never ended was served")
			}
		}
		closedWithin(t, "a client that trickles headers", c, start)
		c.Close()
		<-done
	})

	t.Run("idle connection", func(t *testing.T) {
		t.Parallel()
		c, err := tls.Dial("tcp", addr, tlsConf)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		req, _ := http.NewRequest("GET", "https://"+addr+"/-/healthy", nil)
		req.SetBasicAuth(webUser, webPassword)
		if err := req.Write(c); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		res, err := http.ReadResponse(r, req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Close {
			t.Fatalf("keep-alive request: %d, close %v", res.StatusCode, res.Close)
		}
		closedWithin(t, "an idle keep-alive connection", c, time.Now())
	})

	t.Run("stalled HTTP/2 headers", func(t *testing.T) {
		t.Parallel()
		// Over HTTP/2 the read-header timeout covers the TLS handshake
		// only (and Go waits a fixed 10 s for the connection preface); a
		// request whose header block never ends is bounded by the idle
		// timeout, since no request is in flight until the block ends.
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pki.caPool, NextProtos: []string{"h2"}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if p := c.ConnectionState().NegotiatedProtocol; p != "h2" {
			t.Fatalf("negotiated %q, want h2", p)
		}
		start := time.Now()
		frame := func(typ, flags byte, stream uint32, payload []byte) []byte {
			n := len(payload)
			return append([]byte{byte(n >> 16), byte(n >> 8), byte(n), typ, flags,
				byte(stream >> 24), byte(stream >> 16), byte(stream >> 8), byte(stream)}, payload...)
		}
		var out []byte
		out = append(out, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"...)
		out = append(out, frame(0x4, 0, 0, nil)...) // SETTINGS
		// HEADERS of stream 1 (GET, https, /), without END_HEADERS: a
		// CONTINUATION is due and never comes.
		out = append(out, frame(0x1, 0, 1, []byte{0x82, 0x87, 0x84})...)
		if _, err := c.Write(out); err != nil {
			t.Fatal(err)
		}
		closedWithin(t, "a client that never ends an HTTP/2 header block", c, start)
	})

	t.Run("oversized headers", func(t *testing.T) {
		t.Parallel()
		req, _ := http.NewRequest("GET", "https://"+addr+"/-/healthy", nil)
		req.Header.Set("X-Big", strings.Repeat("x", 100<<10))
		res, err := (&http.Client{Timeout: waitFor, Transport: &http.Transport{TLSClientConfig: tlsConf}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("100 KiB of headers: %d, want 431", res.StatusCode)
		}
	})
}
