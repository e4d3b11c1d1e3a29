package collector

import (
	"strings"
	"testing"
)

// TestBuilderChecks: the builder refuses what a registry would refuse (a
// duplicate series, a wrong label count), stores each label value of a page
// once, and orders labels by name.
func TestBuilderChecks(t *testing.T) {
	t.Parallel()
	b := newBuilder("acme", 1)
	if err := b.add(componentUpdatedFamily, 12.5, "c1", "API", ""); err != nil {
		t.Fatal(err)
	}
	err := b.add(componentUpdatedFamily, 13, "c1", "API", "")
	if err == nil || !strings.Contains(err.Error(), "duplicate series") {
		t.Errorf("duplicate: got %v", err)
	}
	if err := b.add(componentUpdatedFamily, 1, "c1", "API", "", "extra"); err == nil {
		t.Error("wrong label count accepted")
	}
	for _, v := range []float64{0, 1} {
		if err := b.add(groupStatusFamily, v, "g1", "API", []string{"operational", "major_outage"}[int(v)]); err != nil {
			t.Fatal(err)
		}
	}
	ss := b.finish()
	if len(ss) != 3 || ss[0].fam != componentUpdatedFamily || ss[1].fam != groupStatusFamily || ss[0].value != 12.5 {
		t.Fatalf("series: %+v", ss)
	}
	// acme, c1, API, "", g1, operational, major_outage: each once.
	if got := strings.Join(ss[0].tab.values, ","); got != "API,c1,,acme,g1,operational,major_outage" {
		t.Errorf("values %q, want each value once in order of first use", got)
	}
	if ss[0].tab != ss[2].tab || len(ss[0].tab.labels) != 4+4+4 || cap(ss[0].tab.labels) != 12 {
		t.Error("the page's series do not share one exact-size table")
	}
	var pairs []string
	for i, name := range ss[1].fam.names {
		pairs = append(pairs, name+"="+ss[1].labelValue(i))
	}
	if got := strings.Join(pairs, ","); got != "group=API,group_id=g1,page=acme,status=operational" {
		t.Errorf("labels %s, want sorted by name", got)
	}
}
