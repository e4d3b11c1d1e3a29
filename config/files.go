package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"github.com/prometheus/common/config"
)

// MaxFileSize bounds a file that the configuration names (a credential, a
// certificate, a header value). Real ones are a few kilobytes.
const MaxFileSize = 1 << 20

// FileRef is a file named by a page's http_client_config.
type FileRef struct {
	// Field is where the configuration names it, as a YAML path:
	// "http_client_config.tls_config.ca_file".
	Field string
	// Path is the file, absolute once the configuration is loaded.
	Path string
}

// Files returns every file that c names: each *_file field and each file
// of http_headers, found by walking the whole structure, so that a field
// prometheus/common adds later is not missed.
func Files(c *config.HTTPClientConfig) []FileRef {
	var out []FileRef
	walkFiles(reflect.ValueOf(c).Elem(), "http_client_config", func(field string, path *string) {
		if *path != "" {
			out = append(out, FileRef{Field: field, Path: *path})
		}
	})
	return out
}

// walkFiles calls fn with every file path field under v, a struct of
// prometheus/common's configuration, named by its YAML path from at. The
// paths are settable: fn may rewrite them.
func walkFiles(v reflect.Value, at string, fn func(field string, path *string)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkFiles(v.Elem(), at, fn)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			field := at
			if name != "" && !strings.Contains(opts, "inline") {
				field += "." + name
			}
			fv := v.Field(i)
			switch {
			case f.Type.Kind() == reflect.String && strings.HasSuffix(name, "_file") && fv.CanAddr():
				fn(field, fv.Addr().Interface().(*string))
			case f.Type == reflect.TypeFor[[]string]() && name == "files":
				for j := range fv.Len() {
					fn(fmt.Sprintf("%s[%d]", field, j), fv.Index(j).Addr().Interface().(*string))
				}
			default:
				walkFiles(fv, field, fn)
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			// Map values cannot be addressed, but the slices of files
			// inside them share their arrays.
			walkFiles(it.Value(), at+"."+fmt.Sprint(it.Key().Interface()), fn)
		}
	case reflect.Slice:
		for j := range v.Len() {
			walkFiles(v.Index(j), fmt.Sprintf("%s[%d]", at, j), fn)
		}
	}
}

// CheckFile reports whether path can be read safely as a file that the
// configuration names: a regular file (a symbolic link to one is) of at
// most MaxFileSize bytes. It looks with stat and never opens the file:
// opening a named pipe blocks until someone writes to it, and reading a
// device like /dev/zero never ends. A file that does not exist passes: it
// is read when it is needed, and fails then with the reason, as
// prometheus/common does.
func CheckFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %s, not a regular file", path, fileKind(fi.Mode()))
	}
	if fi.Size() > MaxFileSize {
		return fmt.Errorf("%s: %d bytes, more than the %d a credential or certificate file may have", path, fi.Size(), MaxFileSize)
	}
	return nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "of type " + m.Type().String()
}

// checkFiles checks every file the configuration names (see CheckFile).
// It runs once relative paths are resolved, so that --config.check, the
// start and every reload refuse a file that would hang or exhaust the
// process when prometheus/common reads it (a credentials_file on every
// request, a ca_file when the client is built, under the reload lock).
func (c *Config) checkFiles() error {
	check := func(where string, hc *config.HTTPClientConfig) error {
		for _, f := range Files(hc) {
			if err := CheckFile(f.Path); err != nil {
				return fmt.Errorf("%s: %s: %w", where, f.Field, err)
			}
		}
		return nil
	}
	if err := check("defaults", &c.Defaults.HTTPClientConfig); err != nil {
		return err
	}
	for i := range c.Pages {
		if hc := c.Pages[i].HTTPClientConfig; hc != nil {
			if err := check(fmt.Sprintf("page %q", c.Pages[i].Name), hc); err != nil {
				return err
			}
		}
	}
	return nil
}
