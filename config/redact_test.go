package config

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v2"
)

// TestConfigErrorsWithholdSecrets: a secret written where the parser did
// not expect it must not come back in the error, which reaches the log and
// the answer of POST /-/reload.
func TestConfigErrorsWithholdSecrets(t *testing.T) {
	t.Parallel()
	const page = "pages:\n  - name: a\n    url: https://a.example\n    http_client_config:\n"
	tests := []struct {
		name, client, want string
	}{
		{"short value for basic_auth", "      basic_auth: hunter2\n", "line 5: cannot unmarshal !!str (value withheld) into"},
		{"long value for authorization", "      authorization: SENTINEL-SECRET-AUTH\n", "cannot unmarshal !!str (value withheld) into config.Authorization"},
		{"value for a header", "      http_headers: {X-Key: SENTINEL-SECRET-HDR}\n", "(value withheld) into config.Header"},
		{"value for header secrets", "      http_headers: {X-Key: {secrets: SENTINEL-SECRET-HDR}}\n", "(value withheld) into []config.Secret"},
		{"multi-line value", "      basic_auth: \"SENTINEL\\nSECRET\"\n", "(value withheld) into"},
		{"proxy_url with a bad port", "      proxy_url: \"http://u:SENTINEL-SECRET-PROXY@127.0.0.1:bad\"\n", "invalid URL (details withheld"},
		{"proxy_url with a slash in the password", "      proxy_url: \"http://u:SENTINEL/SECRET@127.0.0.1:80\"\n", "invalid URL (details withheld"},
		{"proxy_url with a quote in the password", "      proxy_url: 'http://u:SENTINEL\"SECRET@127.0.0.1:x'\n", "invalid URL (details withheld"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(page + tt.client))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want it to contain %q", msg, tt.want)
			}
			for _, leak := range []string{"hunter2", "SENTINE", "SECRET"} {
				if strings.Contains(msg, leak) {
					t.Errorf("error %q shows (part of) a secret: %q", msg, leak)
				}
			}
			for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
				if strings.Contains(u.Error(), "SENTINE") || strings.Contains(u.Error(), "hunter2") {
					t.Errorf("an unwrapped error shows a secret: %q", u)
				}
			}
		})
	}
}

// TestRedactKeepsTypeErrors: redaction keeps yaml's error type, which
// valueError relies on, and leaves errors without secrets alone.
func TestRedactKeepsTypeErrors(t *testing.T) {
	t.Parallel()
	in := &yaml.TypeError{Errors: []string{"line 3: cannot unmarshal !!str `soon` into int"}}
	var terr *yaml.TypeError
	if out := Redact(in); !errors.As(out, &terr) || terr.Errors[0] != "line 3: cannot unmarshal !!str (value withheld) into int" {
		t.Errorf("Redact(%v) = %#v", in, out)
	}
	plain := errors.New(`page "a": timeout: must be greater than 0`)
	if Redact(plain) != plain {
		t.Error("an error without secrets was rewritten")
	}
}
