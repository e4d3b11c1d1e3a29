//go:build unix

// The process and its log: a closed stderr, and every line in the chosen
// format.

package e2e

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestClosedStderr: the exporter keeps serving when the reader of its
// stderr goes away (journald restarted, a pipe to a log shipper closed).
// Go kills a process on EPIPE from fd 1 or 2 unless SIGPIPE is ignored.
func TestClosedStderr(t *testing.T) {
	t.Parallel()
	up, _ := newFixtureUpstream(t)
	cfgPath := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	writeFile(t, cfgPath, pagesConfig(up, "alpha", "broken"))
	p := start(t, cfgPath, startOptions{stderrPipe: true})
	if err := p.stderr.Close(); err != nil {
		t.Fatal(err)
	}
	// The first scrape fetches both pages and logs broken's failure (and
	// debug lines): writes to the closed pipe.
	for range 3 {
		body := p.get(t, "/metrics", http.StatusOK)
		wantLine(t, "/metrics", body, `statuspage_up{page="alpha"} 1`)
		wantLine(t, "/metrics", body, `statuspage_up{page="broken"} 0`)
	}
	p.get(t, "/probe?target=nope", http.StatusBadRequest)
	p.checkAlive(t)
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code after SIGTERM = %d (%v), want 0", code, p.cmd.ProcessState)
	}
}

// TestLogFormatJSON: with --log.format=json every line the process writes
// is a JSON object, those of net/http included: the server's (a TLS
// handshake error from a client that speaks plain HTTP) and the client's
// (a page that sends more than its response, which net/http logs through
// the standard log package).
func TestLogFormatJSON(t *testing.T) {
	t.Parallel()
	pki := newPKI(t)
	doc := fixture(t, "all_operational.json")
	up := newUpstream(t, nil)
	up.handle("chatty", func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(doc), doc)
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") // nobody asked
		_ = buf.Flush()
	})
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "statuspage_exporter.yml")
	writeFile(t, cfgPath, pagesConfig(up, "chatty"))
	webConfig := filepath.Join(dir, "web-config.yml")
	writeFile(t, webConfig, fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\n", pki.serverCert, pki.serverKey))
	// Kept-alive connections are where an unsolicited response shows.
	p := start(t, cfgPath, startOptions{tls: true, args: []string{
		"--web.config.file=" + webConfig, "--log.format=json", "--statuspage.keep-alive",
	}})
	addr := strings.TrimPrefix(p.url, "https://")

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(c, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
	_, _ = io.Copy(io.Discard, c)
	c.Close()

	client := &http.Client{Timeout: waitFor, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.caPool}}}
	res, err := client.Get(p.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	wantLine(t, "/metrics", string(b), `statuspage_up{page="chatty"} 1`)

	for _, want := range []string{"TLS handshake error", "Unsolicited response"} {
		if !p.hasLog(want) {
			t.Errorf("no log line with %q", want)
		}
	}
	p.checkAlive(t)
	sc := bufio.NewScanner(strings.NewReader(p.output.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var obj map[string]any
		if line := sc.Text(); line != "" && json.Unmarshal([]byte(line), &obj) != nil {
			t.Errorf("not a JSON object: %s", line)
		}
	}
}
