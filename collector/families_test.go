package collector

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
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
	// Grouped by family in name order: component_group_status first.
	ss := b.finish()
	if len(ss) != 3 || ss[0].fam != groupStatusFamily || ss[1].fam != groupStatusFamily || ss[2].fam != componentUpdatedFamily || ss[2].value != 12.5 || ss[1].value != 1 {
		t.Fatalf("series: %+v", ss)
	}
	for i := range ss {
		if &ss[i].tab.series[ss[i].pos] != &ss[i] {
			t.Errorf("series %d does not know its place in the table", i)
		}
	}
	// acme, c1, API, "", g1, operational, major_outage: each once.
	if got := strings.Join(ss[0].tab.values, ","); got != "API,c1,,acme,g1,operational,major_outage" {
		t.Errorf("values %q, want each value once in order of first use", got)
	}
	if ss[0].tab != ss[2].tab || len(ss[0].tab.labels) != 4+4+4 || cap(ss[0].tab.labels) != 12 {
		t.Error("the page's series do not share one exact-size table")
	}
	var pairs []string
	for i, name := range ss[0].fam.names {
		pairs = append(pairs, name+"="+ss[0].labelValue(i))
	}
	if got := strings.Join(pairs, ","); got != "group=API,group_id=g1,page=acme,status=operational" {
		t.Errorf("labels %s, want sorted by name", got)
	}
}

type staticSource map[string]statuspage.Result[*Prepared]

func (s staticSource) Get(_ context.Context, t *statuspage.Target) statuspage.Result[*Prepared] {
	return s[t.Name]
}

// TestDrainKeepsRuns: a scrape keeps one run per page and family, not a
// pointer per series, and loses no series.
func TestDrainKeepsRuns(t *testing.T) {
	t.Parallel()
	src := staticSource{}
	var targets []*statuspage.Target
	total := 0
	for _, name := range []string{"a", "b", "c"} {
		s := &statuspage.Summary{Page: statuspage.Page{ID: name, Name: name}}
		for i := range 7 {
			s.Components = append(s.Components, statuspage.Component{ID: fmt.Sprint("c", i), Name: "C", Status: "operational"})
		}
		p, err := Prepare(nil)(&statuspage.Target{Name: name}, s)
		if err != nil {
			t.Fatal(err)
		}
		src[name] = statuspage.Result[*Prepared]{Data: p, HasData: true, Fresh: true}
		targets = append(targets, &statuspage.Target{Name: name})
		total += p.Len() + 1 // and statuspage_up
	}
	x := Drain(New(t.Context(), src, targets, nil))
	if runs := x.byFamily[componentStatusFamily.index]; len(runs) != 3 || len(runs[0]) != 7*5 {
		t.Errorf("component_status: %d runs (first of %d series), want 3 of 35", len(runs), len(runs[0]))
	}
	n := 0
	for _, runs := range x.byFamily {
		for s := range eachSeries(runs) {
			if s.fam == nil {
				t.Fatal("a run reaches past its page's series")
			}
			n++
		}
	}
	if n != total {
		t.Errorf("%d series drained, want %d", n, total)
	}
}

// TestWideTable: a page with more than 65,536 distinct label values keeps
// four bytes per value number, and reads every value back.
func TestWideTable(t *testing.T) {
	t.Parallel()
	b := newBuilder("acme", 1)
	const n = 1<<16 + 10 // with "acme", n+1 distinct values
	for i := range n {
		if err := b.add(incidentStartedFamily, float64(i), fmt.Sprint("inc", i)); err != nil {
			t.Fatal(err)
		}
	}
	ss := b.finish()
	if ss[0].tab.wide == nil || ss[0].tab.labels != nil {
		t.Fatal("a table of more than 65,536 values is not wide")
	}
	for _, i := range []int{0, 1 << 15, 1 << 16, n - 1} {
		if got, want := ss[i].labelValue(0), fmt.Sprint("inc", i); got != want || ss[i].labelValue(1) != "acme" {
			t.Errorf("series %d: incident_id %q, page %q; want %q, acme", i, got, ss[i].labelValue(1), want)
		}
	}
}
