//go:build unix

package statuspage

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFetchRefusesFileReplacedByPipe: a credentials file that became a
// named pipe after the configuration was checked fails the fetch at once,
// with the field and the reason; prometheus/common would block on it
// forever, holding the fetch and its request slot.
func TestFetchRefusesFileReplacedByPipe(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, fixture(t, "all_operational.json"))
	dir := t.TempDir()
	key := filepath.Join(dir, "acme.key")
	if err := os.WriteFile(key, []byte("right\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	set := targetsOf(t, "pages:\n  - name: acme\n    url: "+up.srv.URL+"\n"+
		"    http_client_config: {authorization: {type: OAuth, credentials_file: "+key+"}}\n")
	f := &Fetcher{}
	if _, _, err := f.Fetch(t.Context(), set.Target("acme")); err != nil {
		t.Fatalf("with a regular file: %v", err)
	}

	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(key, 0o600); err != nil {
		t.Fatal(err)
	}
	// Should the fetch open the pipe after all, a writer releases it when
	// the test ends.
	t.Cleanup(func() {
		if w, err := os.OpenFile(key, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	done := make(chan error, 1)
	go func() {
		_, _, err := f.Fetch(t.Context(), set.Target("acme"))
		done <- err
	}()
	select {
	case err := <-done:
		want := "http_client_config.authorization.credentials_file: " + key + ": a named pipe, not a regular file"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("fetch with a named pipe as credentials file: %v, want %q", err, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the fetch blocked on the named pipe")
	}
	if n := up.requests.Load(); n != 1 {
		t.Errorf("%d upstream requests, want 1: the refused fetch must not leave", n)
	}
}
