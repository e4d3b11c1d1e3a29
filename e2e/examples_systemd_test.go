//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// exporterPath is where the unit expects the binary, as README's Install
// section puts it.
const exporterPath = "/usr/local/bin/statuspage_exporter"

// TestSystemdUnits checks examples/systemd with systemd's own tools, in a
// scratch root directory that holds the units as an operator installs them,
// the exporter binary at the unit's ExecStart path, the other commands the
// unit runs, and systemd's stock units from this machine:
//   - systemd-analyze verify: syntax, directives, referenced units and
//     executables (it only warns on unknown directives, so any output fails);
//   - systemd-analyze security: the hardening keeps the exposure at most 2.0;
//   - systemd-sysusers creates the user that the unit runs as.
func TestSystemdUnits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	analyze := tool(t, "systemd-analyze", "systemd")
	sysusers := tool(t, "systemd-sysusers", "systemd")
	src := root("examples", "systemd")
	sysroot := t.TempDir()

	systemUnits := filepath.Join(sysroot, "usr", "lib", "systemd", "system")
	copied := 0
	for _, dir := range []string{"/usr/lib/systemd/system", "/lib/systemd/system"} {
		copied += systemdCopyUnits(t, dir, systemUnits)
	}
	if copied == 0 {
		missing(t, "no stock systemd units on this machine (Debian package systemd)")
	}

	etcUnits := filepath.Join(sysroot, "etc", "systemd", "system")
	for _, name := range []string{"statuspage_exporter.service", "statuspage_exporter.socket"} {
		systemdCopyFile(t, filepath.Join(src, name), filepath.Join(etcUnits, name), 0o644)
	}
	systemdCopyFile(t, filepath.Join(src, "statuspage_exporter.sysusers"),
		filepath.Join(sysroot, "usr", "lib", "sysusers.d", "statuspage_exporter.conf"), 0o644)

	unit := systemdParse(t, filepath.Join(src, "statuspage_exporter.service"))
	bin := binary(t)
	for _, key := range []string{"ExecStart", "ExecReload"} {
		cmd := unit[key]
		if len(cmd) == 0 {
			t.Fatalf("the service has no %s", key)
		}
		argv := strings.Fields(cmd[0])
		path := strings.TrimLeft(argv[0], "-@+!:")
		if !filepath.IsAbs(path) {
			t.Fatalf("%s runs %s, want an absolute path", key, path)
		}
		from := path // any other command comes from this machine, where it must exist
		if key == "ExecStart" {
			if path != exporterPath {
				t.Fatalf("ExecStart runs %s, want %s (README: Install)", path, exporterPath)
			}
			from = bin
			systemdCheckFlags(t, bin, "ExecStart", argv[1:])
		}
		systemdCopyFile(t, from, filepath.Join(sysroot, path), 0o755)
	}

	t.Run("verify", func(t *testing.T) {
		cmd := exec.Command(analyze, "verify", "--man=no", "--root="+sysroot,
			"statuspage_exporter.service", "statuspage_exporter.socket")
		out, err := cmd.CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	})

	t.Run("security", func(t *testing.T) {
		cmd := exec.Command(analyze, "security", "--offline=yes", "--root="+sysroot, "--threshold=20", "--no-pager",
			"statuspage_exporter.service")
		out, err := cmd.CombinedOutput()
		level := regexp.MustCompile(`Overall exposure level for statuspage_exporter.service: (\S+ \S+)`).FindSubmatch(out)
		if err != nil || level == nil {
			t.Fatalf("systemd-analyze security: exposure over 2.0 or no verdict: %v\n%s", err, out)
		}
		t.Logf("systemd-analyze security: exposure %s", level[1])
	})

	t.Run("sysusers", func(t *testing.T) {
		out, err := exec.Command(sysusers, "--root="+sysroot).CombinedOutput()
		if err != nil {
			t.Fatalf("systemd-sysusers: %v\n%s", err, out)
		}
		passwd, err := os.ReadFile(filepath.Join(sysroot, "etc", "passwd"))
		if err != nil {
			t.Fatal(err)
		}
		user := unit["User"]
		if len(user) != 1 || !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(user[0])+`:x:\d+:\d+:.*:/usr/sbin/nologin$`).Match(passwd) {
			t.Errorf("sysusers.d did not create the unit's User=%q with no login shell:\n%s", user, passwd)
		}
		if group := unit["Group"]; len(group) != 1 || group[0] != user[0] {
			t.Errorf("Group=%q, want the user's own group %q", group, user)
		}
	})

	t.Run("environment file", func(t *testing.T) {
		if got := unit["EnvironmentFile"]; len(got) != 1 || got[0] != "-/etc/default/statuspage_exporter" {
			t.Errorf("EnvironmentFile=%q, want the optional -/etc/default/statuspage_exporter", got)
		}
		env := systemdParseEnv(t, filepath.Join(src, "statuspage_exporter.default"))
		args, ok := env["STATUSPAGE_EXPORTER_ARGS"]
		if !ok || !strings.Contains(unit["ExecStart"][0], "$STATUSPAGE_EXPORTER_ARGS") {
			t.Fatalf("the environment file and ExecStart do not share STATUSPAGE_EXPORTER_ARGS: %q, %q", env, unit["ExecStart"])
		}
		systemdCheckFlags(t, bin, "the environment file", strings.Fields(args))
	})

	t.Run("starts without TLS", func(t *testing.T) {
		// The unit's flags as shipped, with a configuration of this test's,
		// serve plain HTTP: TLS is an opt-in of the environment file.
		env := systemdParseEnv(t, filepath.Join(src, "statuspage_exporter.default"))
		var flags []string
		for _, a := range append(strings.Fields(unit["ExecStart"][0])[1:], strings.Fields(env["STATUSPAGE_EXPORTER_ARGS"])...) {
			switch {
			case strings.HasPrefix(a, "$"), strings.HasPrefix(a, "--config.file="):
			case strings.HasPrefix(a, "--web.config.file"):
				t.Errorf("the service as shipped turns TLS on with %s: a plain install must start without it", a)
			default:
				flags = append(flags, a)
			}
		}
		upstream := newUpstream(t, nil)
		upstream.handle("steady", serveJSON(fixture(t, "all_operational.json")))
		cfg := filepath.Join(t.TempDir(), "statuspage_exporter.yml")
		writeFile(t, cfg, pagesConfig(upstream, "steady"))
		p := start(t, cfg, startOptions{bin: bin, args: flags})
		p.waitMetrics(t, `statuspage_up{page="steady"} 1`)
	})
}

// systemdCheckFlags runs the binary with the flags a unit passes ($VARIABLES
// left out) and --config.check. Exit code 2 is the exporter's answer to
// flags it rejects; any other answer (the configuration file the flags name
// does not exist here) means they parsed.
func systemdCheckFlags(t *testing.T, bin, where string, args []string) {
	t.Helper()
	var flags []string
	for _, a := range args {
		if !strings.HasPrefix(a, "$") {
			flags = append(flags, a)
		}
	}
	if code, _, stderr := runOnce(t, bin, append(flags, "--config.check")...); code == 2 {
		t.Errorf("%s passes flags the exporter rejects: %q:\n%s", where, flags, stderr)
	}
}

// systemdParse reads a unit file into key → values, joining continued lines.
func systemdParse(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	var line string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if line == "" && (l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, ";") || strings.HasPrefix(l, "[")) {
			continue
		}
		if cont, ok := strings.CutSuffix(l, `\`); ok {
			line += cont + " "
			continue
		}
		line += l
		if k, v, ok := strings.Cut(line, "="); ok {
			out[strings.TrimSpace(k)] = append(out[strings.TrimSpace(k)], strings.TrimSpace(v))
		}
		line = ""
	}
	return out
}

// systemdParseEnv reads KEY="value" lines of an EnvironmentFile.
func systemdParseEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for l := range strings.SplitSeq(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s: not KEY=value: %q", path, l)
		}
		env[k] = strings.Trim(v, `"`)
	}
	return env
}

// systemdCopyUnits copies the regular unit files of dir into dst and returns
// how many it copied; symlinks (aliases, masks) are left out.
func systemdCopyUnits(t *testing.T, dir, dst string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dst, e.Name())); err == nil {
			continue // /lib is /usr/lib on merged-/usr systems
		}
		systemdCopyFile(t, filepath.Join(dir, e.Name()), filepath.Join(dst, e.Name()), 0o644)
		n++
	}
	return n
}

func systemdCopyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}
