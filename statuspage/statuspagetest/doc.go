package statuspagetest

import (
	"fmt"
	"strings"
)

// Shape says what a generated summary document holds.
type Shape struct {
	// Components is the number of component rows, groups included.
	Components int
	// GroupEvery makes every n-th row a group that the rows after it
	// belong to; zero means no groups.
	GroupEvery int
	// Incidents and Maintenances are the unresolved incidents and the
	// in-progress maintenances, each with two updates of text.
	Incidents    int
	Maintenances int
}

// Summary returns a summary document shaped like the ones Atlassian
// Statuspage serves, with every field real pages send (the exporter decodes
// only some of them, and the rest must cost it little). page makes ids and
// names unique across pages; version changes the page's updated_at and the
// status of one component, as an edit by the vendor would.
func Summary(page int, s Shape, version int) []byte {
	var b strings.Builder
	b.Grow(600 + s.Components*420 + (s.Incidents+s.Maintenances)*1400)
	pageID := fmt.Sprintf("pg%06d", page)
	fmt.Fprintf(&b, `{"page":{"id":%q,"name":"Vendor %d","url":"https://status.vendor%d.example","time_zone":"Etc/UTC","updated_at":"2026-11-20T10:%02d:%02d.000Z"},`,
		pageID, page, page, version/60%60, version%60)
	b.WriteString(`"components":[`)
	group := ""
	for c := range s.Components {
		if c > 0 {
			b.WriteByte(',')
		}
		id := fmt.Sprintf("c%06d%05d", page, c)
		isGroup := s.GroupEvery > 0 && c%s.GroupEvery == 0
		status := "operational"
		switch {
		case c == 1 && version%2 == 0:
			status = "partial_outage"
		case c == 1:
			status = "degraded_performance"
		case c == 2 && s.Maintenances > 0:
			status = "under_maintenance"
		}
		groupID := "null"
		if group != "" && !isGroup {
			groupID = fmt.Sprintf("%q", group)
		}
		fmt.Fprintf(&b, `{"id":%q,"name":"Component %d","status":%q,"created_at":"2017-01-31T20:05:05.370Z","updated_at":"2026-11-20T09:00:00.000Z","position":%d,"description":"Performance of component %d and the operations that depend on it","showcase":false,"start_date":"2017-01-31","group_id":%s,"page_id":%q,"group":%t,"only_show_if_degraded":false`,
			id, c, status, c+1, c, groupID, pageID, isGroup)
		if isGroup {
			fmt.Fprintf(&b, `,"components":[%q]`, fmt.Sprintf("c%06d%05d", page, c+1))
			group = id
		}
		b.WriteByte('}')
	}
	b.WriteString(`],"incidents":[`)
	for i := range s.Incidents {
		if i > 0 {
			b.WriteByte(',')
		}
		writeEvent(&b, page, i, pageID, "incident", s.Components)
	}
	b.WriteString(`],"scheduled_maintenances":[`)
	for i := range s.Maintenances {
		if i > 0 {
			b.WriteByte(',')
		}
		writeEvent(&b, page, i, pageID, "maintenance", s.Components)
	}
	indicator := "minor"
	if s.Incidents == 0 && s.Maintenances > 0 {
		indicator = "maintenance"
	}
	fmt.Fprintf(&b, `],"status":{"indicator":%q,"description":"Partially Degraded Service"}}`, indicator)
	return []byte(b.String())
}

func writeEvent(b *strings.Builder, page, i int, pageID, kind string, components int) {
	id := fmt.Sprintf("%c%06d%03d", kind[0], page, i)
	status, impact, window := "investigating", "minor", `"scheduled_for":null,"scheduled_until":null`
	if kind == "maintenance" {
		status, impact = "in_progress", "maintenance"
		window = `"scheduled_for":"2026-11-20T08:00:00.000Z","scheduled_until":"2026-11-20T12:00:00.000Z"`
	}
	affected := ""
	if components > 1 {
		affected = fmt.Sprintf(`{"id":"c%06d%05d","name":"Component 1","status":"partial_outage","group_id":null,"group":false}`, page, 1)
	}
	fmt.Fprintf(b, `{"id":%q,"name":"Degraded %s %d","status":%q,"created_at":"2026-11-20T09:00:00.000Z","updated_at":"2026-11-20T10:00:00.000Z","monitoring_at":null,"resolved_at":null,"impact":%q,"shortlink":"https://stspg.example/%s","started_at":"2026-11-20T09:00:00.000Z","page_id":%q,%s,"incident_updates":[`,
		id, kind, i, status, impact, id, pageID, window)
	for u := range 2 {
		if u > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"id":"%s-u%d","status":%q,"body":"We are investigating reports of degraded performance for some customers. We will provide an update as soon as we know more; in the meantime retries should succeed.","incident_id":%q,"created_at":"2026-11-20T09:00:00.000Z","updated_at":"2026-11-20T09:00:00.000Z","display_at":"2026-11-20T09:00:00.000Z","affected_components":null,"deliver_notifications":true,"custom_tweet":null,"tweet_id":null}`,
			id, u, status, id)
	}
	fmt.Fprintf(b, `],"components":[%s],"reminder_intervals":null}`, affected)
}

// MinimalIncidents returns a document of k incidents that carry only an id,
// a status and an impact: about 40 bytes of JSON each that make 13 series,
// the cheapest way for a page to make many series.
func MinimalIncidents(k int) []byte {
	var b strings.Builder
	b.WriteString(`{"page":{"id":"min","name":"Minimal"},"incidents":[`)
	for i := range k {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"i%d","status":"s","impact":"i"}`, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}
