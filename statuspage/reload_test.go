package statuspage

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// targetsOf builds the target set of a configuration document.
func targetsOf(t *testing.T, doc string) *TargetSet {
	t.Helper()
	c, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewTargetSet(c, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestReloadClearsWhatItChanges: a failure cached under a page's old fetch
// settings (here a 401 for a wrong credential, with the back-off of a
// cache_ttl of an hour) does not outlive a reload that changes them: the
// page is fetched at once with the new ones. A page whose settings did not
// change keeps its cache; so does a reload of the same file.
func TestReloadClearsWhatItChanges(t *testing.T) {
	t.Parallel()
	doc := fixture(t, "all_operational.json")
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/private/") && r.Header.Get("Authorization") != "OAuth right" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		serveBytes(doc)(w, r)
	}))
	clock := newFakeClock()
	s := NewStore(StoreOptions[*Summary]{Prepare: keepSummary, Now: clock.Now})
	config := func(credential, extra string) string {
		return "defaults:\n  cache_ttl: 1h\npages:\n" +
			"  - name: private\n    url: " + srv.URL + "/private\n" +
			"    http_client_config: {authorization: {type: OAuth, credentials: " + credential + "}}\n" + extra +
			"  - name: public\n    url: " + srv.URL + "/public\n"
	}
	get := func(set *TargetSet, name string) Result[*Summary] {
		return s.Get(t.Context(), set.Target(name))
	}

	old := targetsOf(t, config("wrong", ""))
	wantResult(t, get(old, "private"), OutcomeError, false)
	wantResult(t, get(old, "public"), OutcomeMiss, true)
	clock.Advance(time.Minute)

	// The same file again: both pages keep their state.
	same := targetsOf(t, config("wrong", ""))
	wantResult(t, get(same, "private"), OutcomeError, false)
	wantResult(t, get(same, "public"), OutcomeHit, true)

	fixed := targetsOf(t, config("right", ""))
	if r := get(fixed, "private"); r.Outcome != OutcomeMiss || !r.Fresh {
		t.Errorf("after the credential was fixed: outcome %s fresh %t err %v; want a new fetch", r.Outcome, r.Fresh, r.Err)
	}
	wantResult(t, get(fixed, "public"), OutcomeHit, true)

	// Every fetch setting counts, not only the client's.
	for _, extra := range []string{"    timeout: 3s\n", "    cache_ttl: 2h\n", "    max_stale: 1h\n", "    series_limit: 500\n"} {
		changed := targetsOf(t, config("right", extra))
		if r := get(changed, "private"); r.Outcome != OutcomeMiss {
			t.Errorf("after a reload that set %s: outcome %s; want a new fetch", strings.TrimSpace(extra), r.Outcome)
		}
		wantResult(t, get(changed, "public"), OutcomeHit, true)
	}
}

// TestSettingsKey: the key tells apart settings that differ anywhere,
// secrets and header maps included, and is equal for equal settings built
// separately.
func TestSettingsKey(t *testing.T) {
	t.Parallel()
	base := "pages:\n  - name: p\n    url: https://p.example\n"
	key := func(page string) string {
		t.Helper()
		return targetsOf(t, base+page).Target("p").settings
	}
	variants := []string{
		"",
		"    http_client_config: {authorization: {credentials: a}}\n",
		"    http_client_config: {authorization: {credentials: b}}\n",
		"    http_client_config: {basic_auth: {username: u, password: a}}\n",
		"    http_client_config: {http_headers: {X-A: {values: [a]}, X-B: {values: [b]}}}\n",
		"    http_client_config: {http_headers: {X-A: {values: [b]}, X-B: {values: [a]}}}\n",
		"    http_client_config: {tls_config: {server_name: a.example}}\n",
		"    http_client_config: {follow_redirects: false}\n",
		"    http_client_config: {proxy_url: http://proxy.example:3128}\n",
		"    timeout: 9s\n",
	}
	seen := map[string]int{}
	for i, v := range variants {
		k := key(v)
		if j, dup := seen[k]; dup {
			t.Errorf("variants %d and %d have the same key:\n%s\n%s", j, i, variants[j], v)
		}
		seen[k] = i
		if again := key(v); again != k {
			t.Errorf("variant %d: two loads give different keys", i)
		}
	}
	// Map order is not part of the settings.
	if key("    http_client_config: {http_headers: {X-A: {values: [a]}, X-B: {values: [b]}}}\n") !=
		key("    http_client_config: {http_headers: {X-B: {values: [b]}, X-A: {values: [a]}}}\n") {
		t.Error("the order of http_headers changes the key")
	}
}

// TestReloadFilterChange: what a page's document becomes depends on its
// provider settings too. A reload that changes its component filter fetches
// it afresh with the new filter, though the cached data is fresh.
func TestReloadFilterChange(t *testing.T) {
	t.Parallel()
	srv := newServer(t, serveBytes(fixture(t, "all_operational.json")))
	s := NewStore(StoreOptions[*Summary]{Prepare: keepSummary})
	config := func(filter string) string {
		return "defaults:\n  cache_ttl: 1h\npages:\n  - name: p\n    url: " + srv.URL + "\n" + filter
	}
	all := targetsOf(t, config(""))
	r := s.Get(t.Context(), all.Target("p"))
	wantResult(t, r, OutcomeMiss, true)
	if n := len(r.Data.Components); n != 5 {
		t.Fatalf("%d components without a filter, want 5", n)
	}
	wantResult(t, s.Get(t.Context(), all.Target("p")), OutcomeHit, true)

	filtered := targetsOf(t, config("    components:\n      include: [{name: DNS|Compute}]\n"))
	r = s.Get(t.Context(), filtered.Target("p"))
	wantResult(t, r, OutcomeMiss, true)
	var names []string
	for _, c := range r.Data.Components {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "Compute,DNS" {
		t.Errorf("components after the reload: %q, want Compute and DNS", names)
	}
}
