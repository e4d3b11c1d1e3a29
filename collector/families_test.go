package collector

import (
	"strings"
	"testing"
)

// TestBuilderChecks: the builder refuses what a registry would refuse (a
// duplicate series, a wrong label count) and shares repeated label pairs,
// known states across pages, and the values 0 and 1.
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
		if err := b.add(groupStatusFamily, v, "g1", "Group", []string{"operational", "major_outage"}[int(v)]); err != nil {
			t.Fatal(err)
		}
	}
	ss := b.finish()
	if len(ss) != 3 || ss[0].fam != componentUpdatedFamily || ss[1].fam != groupStatusFamily {
		t.Fatalf("series: %+v", ss)
	}
	if ss[0].gauge.GetValue() != 12.5 || ss[1].gauge != gaugeZero || ss[2].gauge != gaugeOne {
		t.Error("gauge values wrong or 0 and 1 not shared")
	}
	// group, group_id, page, status: the page and group pairs are shared,
	// the state pair is the one every page shares.
	if ss[1].labels[2] != ss[2].labels[2] || ss[1].labels[0] != ss[2].labels[0] || ss[0].labels[3] != ss[1].labels[2] {
		t.Error("label pairs not shared within the page")
	}
	if ss[2].labels[3] != knownPairs[[2]string{"status", "major_outage"}] {
		t.Error("known state pair not shared across pages")
	}
	var names []string
	for _, lp := range ss[1].labels {
		names = append(names, lp.GetName())
	}
	if got := strings.Join(names, ","); got != "group,group_id,page,status" {
		t.Errorf("label order %s, want sorted by name", got)
	}
}
