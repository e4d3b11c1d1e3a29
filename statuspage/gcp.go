package statuspage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// decodeGCP reads the incidents feed of Google Cloud
// (https://status.cloud.google.com/incidents.json; Google Workspace serves
// the same format). The feed is the dashboard's history, a top-level array
// of incidents, newest first, mostly closed; an empty array is a dashboard
// on which nothing ever happened. Two formats are accepted, element by
// element:
//
//   - the current one (captures from 2021 on): id, number (a string), begin,
//     created, modified, end, external_desc, most_recent_update {status},
//     status_impact, severity, affected_products[] {title, id},
//     currently_affected_locations[] {title, id}, uri "incidents/<id>";
//   - the legacy one (2020 captures): no id, an integer number,
//     most-recent-update (hyphenated, no status), service_name and
//     service_key instead of products, no status_impact, no locations, uri
//     "/incident/<service>/<number>".
//
// Only open incidents count: end absent, null or an empty (or blank)
// string. A closed incident can keep SERVICE_DISRUPTION as its last
// update's status; it is history and makes nothing. Of a closed incident
// only end and modified are read, and nothing of any element's updates or
// texts is kept, so the work is linear in the body and the memory kept is
// that of the open incidents (and one element's bytes at a time).
//
// An open incident is kept when one of its products is in the page's
// product allow-list (title or id, case-insensitively; an empty list allows
// all) and, when the page lists locations, one of its
// currently_affected_locations is in that list. An incident that names no
// current location (every legacy incident, and a current one whose list is
// empty) is kept whatever the location list says: we cannot tell it is
// elsewhere, and hiding an open incident is worse than showing one too
// many.
//
// The platform has no component list, no page indicator and no
// maintenances. The mapping:
//
//   - components: the allowed products of the kept incidents (title as name,
//     id as component id; legacy: service_name and service_key; a current
//     incident without products falls back to its service the same way),
//     first appearance first. Status: the worst over the incidents naming
//     it of status_impact SERVICE_OUTAGE major_outage, SERVICE_DISRUPTION
//     partial_outage, SERVICE_INFORMATION operational (a notice changes no
//     component), any other value kept as its own state and ranked below
//     the two outages. Without status_impact (legacy) the severity stands
//     in, as it pairs in every capture: high major_outage, medium
//     partial_outage, low operational, another severity kept as its own
//     state; with neither the status is absent. Updated: the newest
//     modified of the incidents naming it.
//   - incidents: id, else derived (see gcpIncidentID); name the first line
//     of external_desc; status most_recent_update.status as its own state
//     (service_information, service_disruption, service_outage, available:
//     the platform reports the service's state, not the incident's
//     progress, and we do not invent one; legacy updates have no status,
//     so it is absent); impact none for SERVICE_INFORMATION (PROVIDERS.md:
//     a notice), else severity low/medium/high minor/major/critical (another
//     severity kept as its own state), else without severity
//     SERVICE_OUTAGE critical and SERVICE_DISRUPTION major; started begin
//     (created when begin is missing); updated modified; shortlink
//     https://status.cloud.google.com/ + uri; affected components its
//     allowed products.
//   - page: updated is the newest modified of the whole feed, closed
//     incidents included (when the feed last changed); the indicator is
//     derived (Summary.Derive).
//
// Lost: update texts and their times, previously affected locations,
// created of an incident that has begin, the locations of an incident
// (they only filter), the product of a legacy incident beyond its service.
func decodeGCP(docs [][]byte, o *DecodeOptions) (*Summary, error) {
	body := docs[0]
	if err := otherPlatform(body, config.ProviderGCP); err != nil {
		return nil, err
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, wrongShape(body, config.ProviderGCP, "the top level is not an array of incidents")
	}
	d := newGCPDecoder(o)
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if _, err := dec.Token(); err != nil { // the '['
		return nil, err
	}
	values, incidents := 0, 0
	var raw json.RawMessage // one element at a time, its buffer reused
	for dec.More() {
		if err := dec.Decode(&raw); err != nil {
			return nil, err // broken JSON
		}
		values++
		// Most of the feed is closed incidents: their end and modified
		// are all that is read of them.
		var head gcpHead // another type than an object leaves it empty
		if err := decodeLenient(raw, &head); err != nil {
			return nil, err
		}
		d.feedModified(head.Modified)
		if head.End.set {
			incidents++
			continue
		}
		var in gcpIncident // a field of another type stays empty
		if err := decodeLenient(raw, &in); err != nil {
			return nil, err
		}
		if !in.looksLikeIncident() {
			continue // a stray value among incidents: skipped, see below
		}
		incidents++
		d.add(&in)
	}
	if _, err := dec.Token(); err != nil { // the ']'
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the top-level array")
	}
	if values > 0 && incidents == 0 {
		// An array of anything but incidents is not a feed that says all
		// is well; one odd element among incidents is only skipped.
		return nil, wrongShape(body, config.ProviderGCP, fmt.Sprintf("an array of %d values, none of them an incident", values))
	}
	return d.summary(), nil
}

// gcpHead is what is read of every element: whether it is closed, and
// when it changed.
type gcpHead struct {
	Modified Timestamp `json:"modified"`
	End      gcpEnd    `json:"end"`
}

// gcpIncident is the part of an open incident the exporter reads; updates[]
// and the texts are not decoded at all.
type gcpIncident struct {
	ID           jsonText     `json:"id"`
	Number       jsonText     `json:"number"`
	Begin        Timestamp    `json:"begin"`
	Created      Timestamp    `json:"created"`
	Modified     Timestamp    `json:"modified"`
	ExternalDesc jsonText     `json:"external_desc"`
	Update       gcpUpdate    `json:"most_recent_update"`
	LegacyUpdate gcpUpdate    `json:"most-recent-update"`
	StatusImpact jsonText     `json:"status_impact"`
	Severity     jsonText     `json:"severity"`
	ServiceKey   jsonText     `json:"service_key"`
	ServiceName  jsonText     `json:"service_name"`
	Products     gcpNamedList `json:"affected_products"`
	Locations    gcpNamedList `json:"currently_affected_locations"`
	URI          jsonText     `json:"uri"`
}

// looksLikeIncident reports whether the element carries any field of an
// incident of either format: a null, a number or an object of other keys
// in the array is not one.
func (in *gcpIncident) looksLikeIncident() bool {
	return in.ID != "" || in.Number != "" || in.ExternalDesc != "" || !in.Begin.IsZero() ||
		!in.Modified.IsZero() || in.Update.present || in.LegacyUpdate.present ||
		in.StatusImpact != "" || in.ServiceKey != "" || len(in.Products) > 0
}

// gcpEnd records whether an incident's end is set: anything but absent,
// null or a blank string closes the incident, even a value that is not a
// readable time (the incident says it ended; when is its business).
type gcpEnd struct{ set bool }

// UnmarshalJSON implements json.Unmarshaler.
func (e *gcpEnd) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		e.set = false
	case len(b) > 0 && b[0] == '"':
		var s string
		e.set = json.Unmarshal(b, &s) != nil || strings.TrimSpace(s) != ""
	default:
		e.set = true
	}
	return nil
}

// gcpUpdate is most_recent_update without its text and locations.
type gcpUpdate struct {
	Status  jsonText
	present bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (u *gcpUpdate) UnmarshalJSON(b []byte) error {
	var v struct {
		Status jsonText `json:"status"`
	}
	*u = gcpUpdate{}
	if !bytes.Equal(bytes.TrimSpace(b), []byte("null")) && json.Unmarshal(b, &v) == nil {
		*u = gcpUpdate{Status: v.Status, present: true}
	}
	return nil
}

// gcpNamed is a product or a location.
type gcpNamed struct {
	Title, ID string
}

// gcpNamedList is a list of products or locations. An element given as a
// bare string is taken as both title and id; one of another type (a bare
// number names nothing one would configure), or naming nothing, is
// skipped; a list of another type is empty.
type gcpNamedList []gcpNamed

// UnmarshalJSON implements json.Unmarshaler.
func (l *gcpNamedList) UnmarshalJSON(b []byte) error {
	*l = nil
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	for _, r := range raw {
		var n gcpNamed
		var s string
		var obj struct {
			Title jsonText `json:"title"`
			ID    jsonText `json:"id"`
		}
		if json.Unmarshal(r, &obj) == nil {
			n = gcpNamed{Title: strings.TrimSpace(string(obj.Title)), ID: strings.TrimSpace(string(obj.ID))}
		} else if json.Unmarshal(r, &s) == nil {
			n = gcpNamed{Title: strings.TrimSpace(s), ID: strings.TrimSpace(s)}
		}
		if n.Title != "" || n.ID != "" {
			*l = append(*l, n)
		}
	}
	return nil
}

// gcpDecoder gathers the open incidents of a feed into a Summary.
type gcpDecoder struct {
	products, locations map[string]bool // lower-cased allow-lists; nil allows all
	s                   Summary
	seen                map[string]bool // incident ids
	component           map[string]int  // component id → index in s.Components
	rank                []int           // rank of each component's status
	dashboard           string          // the base of the incidents' uri
}

func newGCPDecoder(o *DecodeOptions) *gcpDecoder {
	d := &gcpDecoder{seen: map[string]bool{}, component: map[string]int{}, dashboard: gcpDashboard}
	if o != nil {
		d.products = allowList(o.GCP.Products)
		d.locations = allowList(o.GCP.Locations)
		if strings.HasPrefix(o.URL, workspaceDashboard) {
			d.dashboard = workspaceDashboard
		}
	}
	d.s.Derive = true
	return d
}

// allows reports whether one of list's title or id is in set.
func allows(set map[string]bool, n gcpNamed) bool {
	return set[strings.ToLower(n.Title)] || set[strings.ToLower(n.ID)]
}

func (d *gcpDecoder) summary() *Summary {
	s := d.s
	return &s
}

// feedModified records the modified time of an element of the feed: the
// page's updated time is the newest.
func (d *gcpDecoder) feedModified(modified Timestamp) {
	if modified.After(d.s.Page.UpdatedAt.Time) {
		d.s.Page.UpdatedAt = modified
	}
}

// add takes an open incident when it is allowed and not a repeat (the
// first occurrence wins).
func (d *gcpDecoder) add(in *gcpIncident) {
	products := d.allowedProducts(in)
	if len(products) == 0 && d.products != nil {
		return // none of its products is watched
	}
	if d.locations != nil && len(in.Locations) > 0 && !anyAllowed(d.locations, in.Locations) {
		return
	}
	id := gcpIncidentID(in)
	if d.seen[id] {
		return
	}
	d.seen[id] = true
	status := gcpComponentStatus(in)
	affected := make([]AffectedComponent, 0, len(products))
	for _, p := range products {
		affected = append(affected, AffectedComponent{ID: p.ID, Name: p.Title})
		d.touch(p, status, in.Modified)
	}
	update := in.Update.Status
	if update == "" {
		update = in.LegacyUpdate.Status
	}
	d.s.Incidents = append(d.s.Incidents, Incident{
		ID:         id,
		Name:       firstLine(string(in.ExternalDesc)),
		Status:     normalState(string(update)),
		Impact:     gcpImpact(in),
		Shortlink:  gcpShortlink(d.dashboard, string(in.URI)),
		CreatedAt:  in.Created,
		StartedAt:  in.Begin,
		UpdatedAt:  in.Modified,
		Components: affected,
	})
}

// allowedProducts is the products of in that the page watches, each once,
// with a non-empty id (the title when the platform gives none) and name
// (the id when it gives no title). A legacy incident's product is its
// service, as is that of a current one that lists no products.
func (d *gcpDecoder) allowedProducts(in *gcpIncident) []gcpNamed {
	list := in.Products
	if len(list) == 0 {
		svc := gcpNamed{Title: strings.TrimSpace(string(in.ServiceName)), ID: strings.TrimSpace(string(in.ServiceKey))}
		if svc.Title != "" || svc.ID != "" {
			list = gcpNamedList{svc}
		}
	}
	out := make([]gcpNamed, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, p := range list {
		if d.products != nil && !allows(d.products, p) {
			continue
		}
		if p.ID == "" {
			p.ID = p.Title
		}
		if p.Title == "" {
			p.Title = p.ID
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out
}

func anyAllowed(set map[string]bool, list gcpNamedList) bool {
	for _, n := range list {
		if allows(set, n) {
			return true
		}
	}
	return false
}

// The ranks of the component statuses an incident gives, worst last: a
// known outage is worse than a state we do not know, which is worse than
// operational, which says more than nothing.
const (
	gcpRankNone = iota
	gcpRankOperational
	gcpRankUnknown
	gcpRankPartial
	gcpRankMajor
)

func gcpRank(status string) int {
	switch status {
	case "":
		return gcpRankNone
	case "operational":
		return gcpRankOperational
	case "partial_outage":
		return gcpRankPartial
	case "major_outage":
		return gcpRankMajor
	}
	return gcpRankUnknown
}

// touch records that a kept incident with component status status, last
// modified at modified, names product p.
func (d *gcpDecoder) touch(p gcpNamed, status string, modified Timestamp) {
	i, ok := d.component[p.ID]
	if !ok {
		i = len(d.s.Components)
		d.component[p.ID] = i
		d.s.Components = append(d.s.Components, Component{ID: p.ID, Name: p.Title})
		d.rank = append(d.rank, gcpRankNone)
	}
	c := &d.s.Components[i]
	if r := gcpRank(status); r > d.rank[i] {
		c.Status, d.rank[i] = status, r
	}
	if modified.After(c.UpdatedAt.Time) {
		c.UpdatedAt = modified
	}
}

// gcpComponentStatus is what in says of the products it names.
func gcpComponentStatus(in *gcpIncident) string {
	switch impact := normalState(string(in.StatusImpact)); impact {
	case "service_outage":
		return "major_outage"
	case "service_disruption":
		return "partial_outage"
	case "service_information":
		return "operational"
	case "":
	default:
		return impact
	}
	switch severity := normalState(string(in.Severity)); severity {
	case "high":
		return "major_outage"
	case "medium":
		return "partial_outage"
	case "low":
		return "operational"
	default:
		return severity // "" when the incident says nothing
	}
}

// gcpImpact is the incident's impact: none for a notice, else its
// severity, else what its status_impact implies.
func gcpImpact(in *gcpIncident) string {
	statusImpact := normalState(string(in.StatusImpact))
	if statusImpact == "service_information" {
		return "none"
	}
	switch severity := normalState(string(in.Severity)); severity {
	case "low":
		return "minor"
	case "medium":
		return "major"
	case "high":
		return "critical"
	case "":
	default:
		return severity
	}
	switch statusImpact {
	case "service_outage":
		return "critical"
	case "service_disruption":
		return "major"
	}
	return ""
}

// gcpIncidentID is the incident's id; a legacy incident has none, and its
// number is unique only per service, so its id is the path of its uri
// after incident/ or incidents/ ("/incident/compute/20009" is
// compute/20009), else service_key/number, else the number.
// An element with neither is named by a hash of its begin time and
// description, stable while those stay.
func gcpIncidentID(in *gcpIncident) string {
	if id := strings.TrimSpace(string(in.ID)); id != "" {
		return id
	}
	uri := strings.TrimSpace(string(in.URI))
	if _, rest, ok := strings.Cut(uri, "://"); ok { // an absolute URL: its path
		_, uri, _ = strings.Cut(rest, "/")
	}
	uri = strings.Trim(uri, "/")
	for _, prefix := range []string{"incidents/", "incident/"} {
		uri = strings.TrimPrefix(uri, prefix)
	}
	if uri != "" {
		return uri
	}
	number := strings.TrimSpace(string(in.Number))
	if key := strings.TrimSpace(string(in.ServiceKey)); key != "" && number != "" {
		return key + "/" + number
	}
	if number != "" {
		return number
	}
	h := fnv.New64a()
	h.Write([]byte(in.Begin.UTC().String()))
	h.Write([]byte{0})
	h.Write([]byte(in.ExternalDesc))
	return fmt.Sprintf("gcp-%016x", h.Sum64())
}

// The bases of the incidents' uri: Google Cloud's dashboard, and Google
// Workspace's, which serves its feed in the same format (its page's url
// starts with workspaceDashboard; any other url reads as Google Cloud's, a
// mirror included).
const (
	gcpDashboard       = "https://status.cloud.google.com/"
	workspaceDashboard = "https://www.google.com/appsstatus/dashboard/"
)

// gcpShortlink is the dashboard page of an incident: uri is relative to
// the dashboard ("incidents/<id>", legacy "/incident/<service>/<number>");
// an absolute http(s) URL is kept as it is.
func gcpShortlink(dashboard, uri string) string {
	uri = strings.TrimSpace(uri)
	switch {
	case uri == "":
		return ""
	case strings.HasPrefix(uri, "https://"), strings.HasPrefix(uri, "http://"):
		return uri
	}
	return dashboard + strings.TrimLeft(uri, "/")
}

// firstLine is the first non-blank line of a text, trimmed.
func firstLine(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}
