// Command benchtable turns `go test -bench` output into one Markdown table,
// giving every warm scrape's CPU time also as a ratio to the encoding lower
// bound of the same size. `make bench` pipes the benchmarks through it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// row is one benchmark result: its name without the GOMAXPROCS suffix and
// its metrics by unit.
type row struct {
	name  string
	units []string
	vals  map[string]float64
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func parse(r io.Reader) []row {
	var rows []row
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		rw := row{name: procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), ""), vals: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			rw.units = append(rw.units, f[i+1])
			rw.vals[f[i+1]] = v
		}
		rows = append(rows, rw)
	}
	return rows
}

// format prints a value in the unit a reader wants for it.
func format(unit string, v float64) string {
	switch unit {
	case "ns/op", "cpu-ns/op":
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f s", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.2f ms", v/1e6)
		default:
			return fmt.Sprintf("%.1f µs", v/1e3)
		}
	case "B/op":
		return fmt.Sprintf("%.2f MB", v/1e6)
	case "MB/s", "peak-rss-MiB", "cold-peak-rss-MiB":
		return fmt.Sprintf("%.1f", v)
	default:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}

func main() {
	rows := parse(os.Stdin)
	lower := map[string]float64{}
	for _, r := range rows {
		if size, ok := strings.CutPrefix(r.name, "EncodeLowerBound/"); ok {
			lower[size] = r.vals["cpu-ns/op"]
		}
	}
	fmt.Println("| benchmark | wall/op | CPU/op | × lower bound | alloc/op | allocs/op | other |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, r := range rows {
		cell := func(unit string) string {
			if v, ok := r.vals[unit]; ok {
				return format(unit, v)
			}
			return ""
		}
		ratio := ""
		if size, ok := strings.CutPrefix(r.name, "ScrapeWarm/"); ok && lower[size] > 0 {
			ratio = fmt.Sprintf("%.2f", r.vals["cpu-ns/op"]/lower[size])
		}
		var other []string
		for _, u := range r.units {
			switch u {
			case "ns/op", "cpu-ns/op", "B/op", "allocs/op":
			default:
				other = append(other, format(u, r.vals[u])+" "+u)
			}
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", r.name, cell("ns/op"), cell("cpu-ns/op"), ratio,
			cell("B/op"), cell("allocs/op"), strings.Join(other, ", "))
	}
}
