package main

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/exporter-toolkit/web"
)

// TestWebConfigError: errors about the web configuration withhold what
// it holds, through webConfigError and in what the toolkit and the HTTP
// server log.
func TestWebConfigError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct{ name, content, secret, want string }{
		{"short value for a mapping", "basic_auth_users: \"u:pw9\"\n", "u:pw9", "(value withheld) into map[string]config.Secret"},
		{"long value for a mapping", "basic_auth_users: \"user:SENTINEL-PASSWORD\"\n", "user:SE", "(value withheld) into map[string]config.Secret"},
		{"password for a hash", "basic_auth_users:\n  user: " + strings.Repeat("S", 64) + "\n", "'S'", "is not a bcrypt hash (value withheld)"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".yml")
		if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		raw := web.Validate(path)
		if raw == nil || !strings.Contains(raw.Error(), tt.secret) {
			t.Fatalf("%s: exporter-toolkit's error %v does not show %q any more; this test proves nothing", tt.name, raw, tt.secret)
		}
		got := webConfigError(raw).Error()
		if strings.Contains(got, tt.secret) || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q and not %q", tt.name, got, tt.want, tt.secret)
		}

		var buf bytes.Buffer
		logger := slog.New(redactingHandler{slog.NewTextHandler(&buf, nil)})
		logger.Error("Unable to parse configuration", "err", raw.Error())
		logger.With("err", raw).Error("With an error value")
		logger.Error("In a group", slog.Group("g", "err", raw))
		slog.NewLogLogger(logger.Handler(), slog.LevelError).Printf("http: TLS handshake error from 127.0.0.1:1: %v", raw)
		if strings.Contains(buf.String(), tt.secret) || strings.Count(buf.String(), tt.want) != 4 {
			t.Errorf("%s: the log shows the value, or lost the reason:\n%s", tt.name, &buf)
		}
	}
	if webConfigError(nil) != nil {
		t.Error("webConfigError(nil) is not nil")
	}
	if err := errors.New("open web.yml: no such file or directory"); webConfigError(err).Error() != err.Error() {
		t.Errorf("an error without values changed: %v", webConfigError(err))
	}
}
