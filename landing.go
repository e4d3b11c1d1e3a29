package main

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// pageRow is one configured page on the landing page.
type pageRow struct {
	Name, State, Age, Error, Next string
	Class                         string
}

// pageRows describes every configured page as the cache holds it at now.
func pageRows(store *pageStore, targets []*statuspage.Target, now time.Time) []pageRow {
	rows := make([]pageRow, 0, len(targets))
	for _, t := range targets {
		st := store.State(t, now)
		row := pageRow{Name: t.Name, Age: "–", Next: "on the next scrape"}
		switch {
		case !st.Tried:
			row.State, row.Class = "never fetched", "idle"
		case st.Fresh(now):
			row.State, row.Class = "fresh", "ok"
		case st.Err == nil:
			row.State, row.Class = "expired", "idle"
		case st.HasData:
			row.State, row.Class = "stale", "warn"
		default:
			row.State, row.Class = "failing", "bad"
		}
		if !st.LastSuccess.IsZero() {
			row.Age = now.Sub(st.LastSuccess).Round(time.Second).String()
		}
		if st.Err != nil {
			row.Error = st.Err.Error()
		}
		if st.Tried && now.Before(st.NextFetch) {
			row.Next = "in " + st.NextFetch.Sub(now).Round(time.Second).String()
		}
		rows = append(rows, row)
	}
	return rows
}

// pagesTable renders the rows; html/template escapes every value, error
// texts from upstream included.
var pagesTable = template.Must(template.New("pages").Parse(`<h2>Pages</h2>
<table class="pages">
<tr><th>Page</th><th>State</th><th>Age of the last good data</th><th>Last error</th><th>Next fetch</th></tr>
{{range .}}<tr class="{{.Class}}"><td><a href="probe?target={{.Name}}&amp;debug=true">{{.Name}}</a></td><td>{{.State}}</td><td>{{.Age}}</td><td>{{.Error}}</td><td>{{.Next}}</td></tr>
{{end}}</table>
`))

const pagesCSS = `table.pages { border-collapse: collapse; margin-top: 1em; }
table.pages th, table.pages td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
table.pages tr.ok td:nth-child(2) { color: #2a7d2a; }
table.pages tr.warn td:nth-child(2) { color: #b36b00; }
table.pages tr.bad td:nth-child(2) { color: #c0392b; font-weight: bold; }`

// serveLanding serves the toolkit's landing page with a table of the
// configured pages: state, age of the last good data, last error and when
// each is fetched next, so that why a page is down shows without the log.
func (e *exporter) serveLanding(w http.ResponseWriter, r *http.Request) {
	var table bytes.Buffer
	if err := pagesTable.Execute(&table, pageRows(e.store, e.holder.Active().Targets, time.Now())); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	c := e.landing
	c.ExtraHTML, c.ExtraCSS = table.String(), pagesCSS
	c.Links = append([]web.LandingLinks(nil), e.landing.Links...) // NewLandingPage edits them
	page, err := web.NewLandingPage(c)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	page.ServeHTTP(w, r)
}
