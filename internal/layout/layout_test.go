package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// pkg is what `go list -deps -json` says of a package that the rules need.
// Imports are those of the non-test files built for this platform.
type pkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Module     *struct{ Main bool }
}

// graph is a package and its dependencies by import path.
type graph map[string]pkg

// rule is a package whose imports must stay clear of some others.
type rule struct {
	// dir is the package's directory relative to this one.
	dir string
	// forbidden are import paths, each also forbidding what lies below it.
	forbidden []string
	// mainOnly: look only at the packages of our module that the package
	// reaches through our module; else at every package it reaches.
	mainOnly bool
	// stop are packages allowed although they reach forbidden ones: the walk
	// does not look into them (besides the standard library, which is never
	// looked into).
	stop []string
}

var rules = []rule{
	{
		// The API client decodes documents; metrics are the collector's.
		// prometheus/common/config builds its HTTP client and reaches
		// client_golang through go-conntrack's metrics, and
		// prometheus/common/model (the durations of the configuration)
		// reaches client_model for its metric family helpers: allowed, and
		// not looked into. expfmt, the exposition formats, stays forbidden.
		dir: "../../statuspage",
		forbidden: []string{
			"github.com/prometheus/client_golang",
			"github.com/prometheus/client_model",
			"github.com/prometheus/common/expfmt",
		},
		stop: []string{"github.com/prometheus/common/config", "github.com/prometheus/common/model"},
	},
	{
		// The collector only translates: no requests, URLs or HTTP client
		// settings of its own, in its files or in any package of ours that
		// it imports, except through statuspage, the API client. Beyond our
		// module net/http is unavoidable: client_golang imports it.
		dir: "../../collector",
		forbidden: []string{
			"net/http",
			"net/url",
			"github.com/prometheus/common/config",
		},
		mainOnly: true,
		stop:     []string{"github.com/statuspage-exporter/statuspage_exporter/statuspage"},
	},
}

func TestLayout(t *testing.T) {
	t.Parallel()
	for _, r := range rules {
		t.Run(strings.TrimLeft(r.dir, "./"), func(t *testing.T) {
			t.Parallel()
			root, g, err := goList(r.dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range r.violations(root, g) {
				t.Error(v)
			}
		})
	}
}

// goList runs `go list -deps -json` on dir and returns the import path of
// dir's package and the graph.
func goList(dir string) (string, graph, error) {
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard,Imports,Module", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", nil, errors.New("go list " + dir + ": " + err.Error() + ": " + stderr.String())
	}
	g := graph{}
	var last string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return "", nil, err
		}
		g[p.ImportPath] = p
		last = p.ImportPath // -deps lists a package after its dependencies
	}
	return last, g, nil
}

// below reports whether path is prefix or a package below it.
func below(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// violations walks the imports from root and names every forbidden import
// with the chain that leads to it.
func (r rule) violations(root string, g graph) []string {
	var found []string
	seen := map[string]bool{root: true}
	type step struct {
		path  string
		chain []string
	}
	queue := []step{{root, []string{root}}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, imp := range g[s.path].Imports {
			if seen[imp] {
				continue
			}
			chain := append(slices.Clone(s.chain), imp)
			if slices.ContainsFunc(r.forbidden, func(f string) bool { return below(imp, f) }) {
				seen[imp] = true // named once, by its shortest chain
				found = append(found, "forbidden import: "+strings.Join(chain, " -> "))
				continue
			}
			p, ok := g[imp]
			if !ok || p.Standard || slices.Contains(r.stop, imp) ||
				r.mainOnly && (p.Module == nil || !p.Module.Main) {
				continue
			}
			seen[imp] = true
			queue = append(queue, step{imp, chain})
		}
	}
	return found
}

// The rules must be able to fail: a graph with each kind of violation.
func TestViolations(t *testing.T) {
	t.Parallel()
	main := &struct{ Main bool }{true}
	other := &struct{ Main bool }{false}
	const (
		sp  = "github.com/statuspage-exporter/statuspage_exporter/statuspage"
		col = "github.com/statuspage-exporter/statuspage_exporter/collector"
		hlp = "github.com/statuspage-exporter/statuspage_exporter/internal/helper"
	)
	g := graph{
		sp: {ImportPath: sp, Module: main, Imports: []string{"net/http", "github.com/prometheus/common/config", "example.com/lib",
			"github.com/prometheus/client_golang/prometheus"}},
		col:        {ImportPath: col, Module: main, Imports: []string{sp, "net/http", hlp, "github.com/prometheus/client_golang/prometheus"}},
		hlp:        {ImportPath: hlp, Module: main, Imports: []string{"net/url"}},
		"net/http": {ImportPath: "net/http", Standard: true, Imports: []string{"net/url"}},
		"net/url":  {ImportPath: "net/url", Standard: true},
		"github.com/prometheus/common/config": {ImportPath: "github.com/prometheus/common/config", Module: other,
			Imports: []string{"github.com/prometheus/client_golang/prometheus"}},
		"example.com/lib": {ImportPath: "example.com/lib", Module: other,
			Imports: []string{"github.com/prometheus/client_model/go"}},
		"github.com/prometheus/client_golang/prometheus": {ImportPath: "github.com/prometheus/client_golang/prometheus",
			Module: other, Imports: []string{"net/http"}},
	}
	for _, tc := range []struct {
		rule rule
		root string
		want []string
	}{
		{rules[0], sp, []string{
			"forbidden import: " + sp + " -> github.com/prometheus/client_golang/prometheus",
			"forbidden import: " + sp + " -> example.com/lib -> github.com/prometheus/client_model/go",
		}},
		{rules[1], col, []string{
			"forbidden import: " + col + " -> net/http",
			"forbidden import: " + col + " -> " + hlp + " -> net/url",
		}},
	} {
		if got := tc.rule.violations(tc.root, g); !slices.Equal(got, tc.want) {
			t.Errorf("violations(%s) =\n%q\nwant\n%q", tc.root, got, tc.want)
		}
	}
}
