package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/config"
)

// TestFilesFindsEveryField: Files finds each file field of prometheus/common's
// HTTPClientConfig, nested ones and header files included. A new field in a
// newer prometheus/common shows up here as an unexpected name.
func TestFilesFindsEveryField(t *testing.T) {
	t.Parallel()
	tls := config.TLSConfig{CAFile: "ca", CertFile: "cert", KeyFile: "key"}
	hc := config.HTTPClientConfig{
		BasicAuth:       &config.BasicAuth{UsernameFile: "user", PasswordFile: "password"},
		Authorization:   &config.Authorization{CredentialsFile: "credentials"},
		OAuth2:          &config.OAuth2{ClientSecretFile: "secret", ClientCertificateKeyFile: "jwt-key", TLSConfig: tls},
		BearerTokenFile: "bearer",
		TLSConfig:       tls,
		HTTPHeaders: &config.Headers{Headers: map[string]config.Header{
			"X-Token": {Values: []string{"not a file"}, Files: []string{"h1", "h2"}},
		}},
	}
	var got []string
	for _, f := range Files(&hc) {
		got = append(got, f.Field+"="+f.Path)
	}
	slices.Sort(got)
	want := []string{
		"http_client_config.authorization.credentials_file=credentials",
		"http_client_config.basic_auth.password_file=password",
		"http_client_config.basic_auth.username_file=user",
		"http_client_config.bearer_token_file=bearer",
		"http_client_config.http_headers.X-Token.files[0]=h1",
		"http_client_config.http_headers.X-Token.files[1]=h2",
		"http_client_config.oauth2.client_certificate_key_file=jwt-key",
		"http_client_config.oauth2.client_secret_file=secret",
		"http_client_config.oauth2.tls_config.ca_file=ca",
		"http_client_config.oauth2.tls_config.cert_file=cert",
		"http_client_config.oauth2.tls_config.key_file=key",
		"http_client_config.tls_config.ca_file=ca",
		"http_client_config.tls_config.cert_file=cert",
		"http_client_config.tls_config.key_file=key",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if Files(&config.HTTPClientConfig{}) != nil {
		t.Error("Files of an empty configuration is not empty")
	}
}

// TestSetDirectoryResolvesEveryFile: relative paths resolve next to the
// configuration file, oauth2's client_certificate_key_file too, which
// prometheus/common's own SetDirectory leaves relative.
func TestSetDirectoryResolvesEveryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "statuspage_exporter.yml")
	doc := "pages:\n  - name: acme\n    url: https://acme.example\n    http_client_config:\n" +
		"      oauth2:\n        client_id: x\n        grant_type: urn:ietf:params:oauth:grant-type:jwt-bearer\n" +
		"        client_certificate_key_file: jwt.pem\n        token_url: https://auth.example/token\n" +
		"        tls_config: {ca_file: ../ca.pem}\n" +
		"      http_headers: {X-Token: {files: [token]}}\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Files(c.Pages[0].HTTPClientConfig) {
		if !filepath.IsAbs(f.Path) || !strings.HasPrefix(f.Path, filepath.Dir(dir)) {
			t.Errorf("%s = %q, want it resolved next to the configuration file", f.Field, f.Path)
		}
	}
}
