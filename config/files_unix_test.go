//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRefusesUnsafeFiles: every file the configuration names must be a
// regular file of at most 1 MiB, found with stat and never opened, so that
// --config.check, the start and a reload refuse a named pipe (which blocks
// whoever opens it), a device (/dev/zero never ends), a directory or a
// huge file, with an error naming the page, the field and the file, and
// return at once. A symbolic link to a regular file is fine, and so is a
// file that does not exist yet (prometheus/common reads it when needed).
func TestLoadRefusesUnsafeFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular")
	mustWrite(t, regular, "secret\n")
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large")
	mustWrite(t, large, "")
	if err := os.Truncate(large, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	atLimit := filepath.Join(dir, "at-limit")
	mustWrite(t, atLimit, "")
	if err := os.Truncate(atLimit, MaxFileSize); err != nil {
		t.Fatal(err)
	}
	linkToRegular, linkToFIFO := filepath.Join(dir, "link-regular"), filepath.Join(dir, "link-fifo")
	for link, to := range map[string]string{linkToRegular: "regular", linkToFIFO: "fifo"} {
		if err := os.Symlink(to, link); err != nil {
			t.Fatal(err)
		}
	}
	subdir := filepath.Join(dir, "subdir")
	if err := os.Mkdir(subdir, 0o700); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, file, want string
	}{
		{"regular", regular, ""},
		{"symlink to a regular file", linkToRegular, ""},
		{"exactly 1 MiB", atLimit, ""},
		{"missing", filepath.Join(dir, "missing"), ""},
		{"named pipe", fifo, fifo + ": a named pipe, not a regular file"},
		{"symlink to a named pipe", linkToFIFO, linkToFIFO + ": a named pipe, not a regular file"},
		{"device", "/dev/zero", "/dev/zero: a device, not a regular file"},
		{"directory", subdir, subdir + ": a directory, not a regular file"},
		{"too large", large, large + ": 1048577 bytes, more than the 1048576 a credential or certificate file may have"},
	}
	// Where a file can be named: a page's credential, the defaults' CA,
	// a header file.
	places := []struct {
		name, yaml, where string
	}{
		{"credentials_file", "pages:\n  - name: acme\n    url: https://acme.example\n    http_client_config: {authorization: {type: OAuth, credentials_file: %q}}\n",
			`page "acme": http_client_config.authorization.credentials_file: `},
		{"defaults ca_file", "defaults:\n  http_client_config: {tls_config: {ca_file: %q}}\npages:\n  - name: acme\n    url: https://acme.example\n",
			`defaults: http_client_config.tls_config.ca_file: `},
		{"header file", "pages:\n  - name: acme\n    url: https://acme.example\n    http_client_config: {http_headers: {X-Token: {files: [%q]}}}\n",
			`page "acme": http_client_config.http_headers.X-Token.files[0]: `},
	}
	for _, tc := range cases {
		for _, pl := range places {
			t.Run(tc.name+"/"+pl.name, func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
				mustWrite(t, path, strings.ReplaceAll(pl.yaml, "%q", `"`+tc.file+`"`))
				err := loadWithin(t, path)
				switch {
				case tc.want == "" && err != nil:
					t.Errorf("Load: %v, want success", err)
				case tc.want != "" && (err == nil || err.Error() != "config file "+path+": "+pl.where+tc.want):
					t.Errorf("Load error:\n got: %v\nwant: %s", err, "config file "+path+": "+pl.where+tc.want)
				}
			})
		}
	}
}

// TestLoadRefusesUnsafeConfigFile: the configuration file itself is read
// only when it is a regular file.
func TestLoadRefusesUnsafeConfigFile(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		fifo:        "read config: " + fifo + ": a named pipe, not a regular file",
		"/dev/zero": "read config: /dev/zero: a device, not a regular file",
	} {
		if err := loadWithin(t, path); err == nil || err.Error() != want {
			t.Errorf("Load(%s) = %v, want %s", path, err, want)
		}
	}
}

// loadWithin runs Load, failing the test if it does not return within
// 10 s: the failure these tests guard against is a Load that hangs.
func loadWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Load(%s) did not return within 10s", path)
		return nil
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
