package collector

import (
	"strings"
	"testing"
)

// TestFamilyBuilderChecks: the builder refuses what a registry would refuse
// (a duplicate series, a wrong label count) and shares repeated label pairs
// and the values 0 and 1.
func TestFamilyBuilderChecks(t *testing.T) {
	t.Parallel()
	b := newFamilyBuilder(1)
	if err := b.add(componentUpdatedDesc, 12.5, "acme", "c1", "API", ""); err != nil {
		t.Fatal(err)
	}
	err := b.add(componentUpdatedDesc, 13, "acme", "c1", "API", "")
	if err == nil || !strings.Contains(err.Error(), "duplicate series") {
		t.Errorf("duplicate: got %v", err)
	}
	if err := b.add(componentUpdatedDesc, 1, "acme", "c1", "API", "", "extra"); err == nil {
		t.Error("wrong label count accepted")
	}
	for _, v := range []float64{0, 1} {
		if err := b.add(groupStatusDesc, v, "acme", "g1", "Group", []string{"operational", "major_outage"}[int(v)]); err != nil {
			t.Fatal(err)
		}
	}
	mfs := b.build()
	if len(mfs) != 2 || len(mfs[0].Metric) != 1 || len(mfs[1].Metric) != 2 {
		t.Fatalf("families: %v", mfs)
	}
	g := mfs[1].Metric
	if g[0].Label[1] != g[1].Label[1] || g[0].Gauge != gaugeZero || g[1].Gauge != gaugeOne {
		t.Error("label pairs or gauge values not shared")
	}
	var names []string
	for _, lp := range g[0].Label {
		names = append(names, lp.GetName())
	}
	if got := strings.Join(names, ","); got != "group,group_id,page,status" {
		t.Errorf("label order %s, want sorted by name", got)
	}
}
