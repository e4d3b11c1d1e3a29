//go:build unix

package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"go.yaml.in/yaml/v2"
)

// shardSection is the README section whose yaml block is the sharded
// scrape configuration.
const shardSection = "Shard pages across exporters"

// TestPrometheusShards runs the scrape configuration of README.md's
// "Shard pages across exporters" as it stands: two exporter processes with
// the same pages, and a real Prometheus whose probe job picks one replica
// per page with hashmod. Every page must be fetched by the replica
// Prometheus assigned it and by no other, and Prometheus must hold one set
// of series per page.
func TestPrometheusShards(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Prometheus; skipped with -short")
	}
	promBin := tool(t, "prometheus", "prometheus")
	bin := binary(t)
	dir := t.TempDir()

	job := shardJob(t)
	pages := promJobTargets(t, job)
	replicaRules := shardReplicaRules(t, job)

	// The replicas' configurations are the same but for a header that names
	// the replica, so the fake upstream can tell whose request it answers.
	var mu sync.Mutex
	fetches := map[string]map[string]int{} // page → replica → requests
	doc := fixture(t, "active_incident.json")
	upstream := newUpstream(t, nil)
	for _, page := range pages {
		upstream.handle(page, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			if fetches[page] == nil {
				fetches[page] = map[string]int{}
			}
			fetches[page][r.Header.Get("X-Replica")]++
			mu.Unlock()
			serveJSON(doc)(w, r)
		})
	}
	replicas := map[string]int{} // address → replica
	for i := range replicaRules {
		cfg := filepath.Join(dir, fmt.Sprintf("replica-%d.yml", i))
		writeFile(t, cfg, fmt.Sprintf("defaults:\n  http_client_config:\n    http_headers:\n      X-Replica: {values: [%q]}\n", strconv.Itoa(i))+
			pagesConfig(upstream, pages...))
		p := start(t, cfg, startOptions{bin: bin})
		replicas[p.addr] = i
		replicaRules[i]["replacement"] = p.addr
	}

	job["scrape_interval"], job["scrape_timeout"] = "1s", "1s"
	promCfg := filepath.Join(dir, "prometheus.yml")
	promWriteYAML(t, promCfg, map[string]any{
		"global":         map[string]any{"scrape_interval": "1s", "evaluation_interval": "1s"},
		"scrape_configs": []any{job},
	})
	api := promStart(t, promBin, dir, promCfg)

	// Which replica Prometheus scrapes for each page.
	assigned := map[string]int{}
	for _, tg := range api.waitTargets(t, len(pages)) {
		u, err := url.Parse(tg.ScrapeURL)
		if err != nil {
			t.Fatal(err)
		}
		i, ok := replicas[u.Host]
		if !ok {
			t.Fatalf("target %s is scraped at %s, no replica's address", tg.Labels["instance"], tg.ScrapeURL)
		}
		assigned[tg.Labels["instance"]] = i
	}
	if used := slices.Sorted(maps.Values(assigned)); len(used) == 0 || used[0] == used[len(used)-1] {
		t.Errorf("hashmod gave every page to one replica: %v; the README's pages should spread", assigned)
	}

	// A few scrapes of every page.
	api.waitQuery(t, `min(count_over_time(statuspage_up{job="statuspage_probe"}[1m])) >= 3`)

	t.Run("each page fetched by its replica only", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		t.Logf("replica of each page: %v; requests by page and replica: %v", assigned, fetches)
		for _, page := range pages {
			want := strconv.Itoa(assigned[page])
			if len(fetches[page]) != 1 || fetches[page][want] == 0 {
				t.Errorf("page %s, assigned to replica %s: requests by replica %v", page, want, fetches[page])
			}
		}
	})

	t.Run("one set of series per page", func(t *testing.T) {
		up := api.mustQuery(t, `count by (page) (statuspage_up{job="statuspage_probe"})`)
		if len(up) != len(pages) {
			t.Errorf("statuspage_up for %d pages, want %d: %v", len(up), len(pages), up)
		}
		for _, s := range up {
			if s.Value[1] != "1" {
				t.Errorf("page %s has %s statuspage_up series, want 1", s.Metric["page"], s.Value[1])
			}
		}
		if dup := api.mustQuery(t, `count by (page, component_id, status) (statuspage_component_status) > 1`); len(dup) > 0 {
			t.Errorf("component series stored more than once: %v", dup)
		}
		if dup := api.mustQuery(t, `count by (page) (count by (page, instance) (statuspage_component_status)) > 1`); len(dup) > 0 {
			t.Errorf("pages with series from more than one target: %v", dup)
		}
	})
}

// shardJob is the scrape config of the yaml block in README.md's section
// on sharding.
func shardJob(t *testing.T) map[string]any {
	t.Helper()
	var text string
	for _, b := range mdParse(t, root("README.md"), nil) {
		if b.section == shardSection && b.lang == "yaml" {
			text = b.text
			break
		}
	}
	if text == "" {
		t.Fatalf("README.md has no yaml block in section %q", shardSection)
	}
	var v any
	if err := yaml.UnmarshalStrict([]byte(text), &v); err != nil {
		t.Fatalf("README.md, %s: %v", shardSection, err)
	}
	cfg, _ := promPlain(v).(map[string]any)
	jobs, _ := cfg["scrape_configs"].([]any)
	if len(jobs) != 1 {
		t.Fatalf("README.md, %s: %d scrape configs, want 1", shardSection, len(jobs))
	}
	job, _ := jobs[0].(map[string]any)
	if job["job_name"] != "statuspage_probe" || job["metrics_path"] != "/probe" {
		t.Fatalf("README.md, %s: want the job statuspage_probe on /probe, the alerts' and dashboard's: %v", shardSection, job)
	}
	return job
}

// shardReplicaRules returns the relabel rules that set __address__ to a
// replica, by replica number, checking that there is one for each value of
// the hashmod rule's modulus.
func shardReplicaRules(t *testing.T, job map[string]any) []map[string]any {
	t.Helper()
	relabels, _ := job["relabel_configs"].([]any)
	modulus, shard := 0, ""
	byNumber := map[int]map[string]any{}
	for _, r := range relabels {
		m, _ := r.(map[string]any)
		switch {
		case m["action"] == "hashmod":
			modulus, _ = m["modulus"].(int)
			shard, _ = m["target_label"].(string)
			if src, _ := m["source_labels"].([]any); len(src) != 1 || src[0] != "__param_target" {
				t.Errorf("README.md, %s: hashmod of %v, want of __param_target (the page)", shardSection, src)
			}
		case m["target_label"] == "__address__" && shard != "":
			n, err := strconv.Atoi(fmt.Sprint(m["regex"]))
			if src, _ := m["source_labels"].([]any); err != nil || len(src) != 1 || src[0] != shard {
				t.Fatalf("README.md, %s: a rule sets __address__ from %v, regex %v; want one per value of %s", shardSection, m["source_labels"], m["regex"], shard)
			}
			byNumber[n] = m
		}
	}
	if modulus < 2 || len(byNumber) != modulus {
		t.Fatalf("README.md, %s: modulus %d and %d replica addresses, want one per replica, at least 2", shardSection, modulus, len(byNumber))
	}
	rules := make([]map[string]any, modulus)
	for i := range rules {
		if rules[i] = byNumber[i]; rules[i] == nil {
			t.Fatalf("README.md, %s: no address for replica %d", shardSection, i)
		}
	}
	return rules
}
