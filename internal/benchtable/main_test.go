package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	out := `goos: linux
BenchmarkScrapeWarm/pages=10/components=11-2   	 100	 2000000 ns/op	 1500000 cpu-ns/op	 1062 samples	 219282 B/op	 1955 allocs/op
BenchmarkEncodeLowerBound/pages=10/components=11-2 	 200	 500000 ns/op	 500000 cpu-ns/op	 27201 B/op	 260 allocs/op
PASS`
	rows := parse(strings.NewReader(out))
	if len(rows) != 2 || rows[0].name != "ScrapeWarm/pages=10/components=11" {
		t.Fatalf("rows: %+v", rows)
	}
	if rows[0].vals["cpu-ns/op"] != 1.5e6 || rows[0].vals["samples"] != 1062 || rows[1].vals["allocs/op"] != 260 {
		t.Errorf("values: %+v %+v", rows[0].vals, rows[1].vals)
	}
	if got := format("cpu-ns/op", 1.5e6); got != "1.50 ms" {
		t.Errorf("format: %s", got)
	}
}
