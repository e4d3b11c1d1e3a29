package statuspage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// decodeInstatus reads an Instatus page: docs[0] is <page>/summary.json,
// docs[1] is <page>/v3/components.json, nil when the page answered 404
// (older pages serve only the summary; they then have no components).
//
// Only a documentation example of the summary and third-party clients of
// the components document were available, no capture of a real page, so
// every field is optional and every type is checked.
//
// Summary (docs[0]):
//   - page.name, page.url: the page's name and URL; there is no page id,
//     time zone or updated time.
//   - page.status: UP is indicator none, UNDERMAINTENANCE maintenance;
//     HASISSUES says only that something is wrong, so the indicator is
//     derived from the components and incidents (Summary.Derive). Another
//     value is kept as its own state and not derived over.
//   - activeIncidents[] {name, started, status, impact, url}: status
//     INVESTIGATING, IDENTIFIED, MONITORING in lower case (RESOLVED ones are
//     not open and are skipped); impact DEGRADEDPERFORMANCE minor,
//     PARTIALOUTAGE and MINOROUTAGE major, MAJOROUTAGE critical (and, since
//     impacts use the component vocabulary, OPERATIONAL none and
//     UNDERMAINTENANCE maintenance); started; url as the shortlink. No
//     updated time and no affected components.
//   - activeMaintenances[] {name, start, status, duration, url}: status
//     NOTSTARTEDYET scheduled, INPROGRESS in_progress (COMPLETED ones are
//     skipped); start, and start plus duration minutes (a string or a
//     number) as the end; url as the shortlink. No impact and no affected
//     components.
//   - Incidents and maintenances carry no id: see instatusItemID.
//   - Times are ISO 8601 or JavaScript's Date.toString() ("Sat Jun 11 2022
//     18:55:50 GMT+0000 (Coordinated Universal Time)"), also read as
//     Date.toUTCString(); others (numbers included) are unknown.
//
// Components (docs[1]): {components: [...]} or a bare array of {id, name,
// status, group, groupId, isParent, children}. Status OPERATIONAL,
// DEGRADEDPERFORMANCE, PARTIALOUTAGE, MINOROUTAGE (partial_outage),
// MAJOROUTAGE, UNDERMAINTENANCE. An item with isParent, with children or
// whose id another names as its group is a group row, with its own status
// when it has one. A component's group is, in this order, the parent it
// is listed under, its group object {id, name}, its group name (a string:
// the group's id is then derived from the name, see
// instatusComponents.derived) or its groupId. A group named only by
// reference has no status. Groups do not nest: a parent listed under
// another is a group of its own. A components document of any
// other shape fails the page: a broken components document must not read
// as a page without components.
//
// Vocabulary is compared case-insensitively and without spaces, hyphens or
// underscores; a value with no mapping is kept (normalState).
func decodeInstatus(docs [][]byte, _ *DecodeOptions) (*Summary, error) {
	if len(docs) == 0 {
		return nil, errors.New("no summary document")
	}
	body := docs[0]
	if !isJSONObject(body) {
		return nil, wrongShape(body, config.ProviderInstatus, "the summary is not a JSON object")
	}
	var doc instatusSummary
	if err := decodeLenient(body, &doc); err != nil {
		return nil, err
	}
	var page instatusPage
	if !isJSONObject(doc.Page) || decodeLenient(doc.Page, &page) != nil {
		return nil, wrongShape(body, config.ProviderInstatus, "the summary has no page object")
	}
	// Every Instatus page says its status; a page object without one is
	// Statuspage's.
	if strings.TrimSpace(string(page.Status)) == "" {
		return nil, wrongShape(body, config.ProviderInstatus, "the page object has no status")
	}
	s := &Summary{Page: Page{Name: string(page.Name), URL: string(page.URL)}}
	switch status := string(page.Status); instatusKey(status) {
	case "UP":
		s.Status.Indicator = "none"
	case "UNDERMAINTENANCE":
		s.Status.Indicator = "maintenance"
	case "HASISSUES":
		s.Derive = true
	default:
		s.Status.Indicator = normalState(status)
	}
	for i := range doc.Incidents {
		if in, ok := doc.Incidents[i].incident(); ok {
			s.Incidents = append(s.Incidents, in)
		}
	}
	for i := range doc.Maintenances {
		if m, ok := doc.Maintenances[i].maintenance(); ok {
			s.ScheduledMaintenances = append(s.ScheduledMaintenances, m)
		}
	}
	if len(docs) > 1 && docs[1] != nil {
		cs, err := decodeInstatusComponents(docs[1])
		if err != nil {
			return nil, err
		}
		s.Components = cs
	}
	return s, nil
}

type instatusSummary struct {
	Page         json.RawMessage       `json:"page"`
	Incidents    []instatusIncident    `json:"activeIncidents"`
	Maintenances []instatusMaintenance `json:"activeMaintenances"`
}

type instatusPage struct {
	Name   jsonText `json:"name"`
	URL    jsonText `json:"url"`
	Status jsonText `json:"status"`
}

type instatusIncident struct {
	ID      jsonText `json:"id"`
	Name    jsonText `json:"name"`
	Started jsonText `json:"started"`
	Status  jsonText `json:"status"`
	Impact  jsonText `json:"impact"`
	URL     jsonText `json:"url"`
}

// incident is in as the model's open incident; false when it is resolved
// or has nothing to know it by.
func (in *instatusIncident) incident() (Incident, bool) {
	status := string(in.Status)
	switch instatusKey(status) {
	case "RESOLVED":
		return Incident{}, false
	case "INVESTIGATING", "IDENTIFIED", "MONITORING":
		status = strings.ToLower(instatusKey(status))
	default:
		status = normalState(status)
	}
	id := instatusItemID(string(in.URL), string(in.ID), string(in.Name), string(in.Started))
	if id == "" {
		return Incident{}, false
	}
	return Incident{
		ID:        id,
		Name:      string(in.Name),
		Status:    status,
		Impact:    instatusImpact(string(in.Impact)),
		Shortlink: string(in.URL),
		StartedAt: Timestamp{parseInstatusTime(string(in.Started))},
	}, true
}

type instatusMaintenance struct {
	ID       jsonText   `json:"id"`
	Name     jsonText   `json:"name"`
	Start    jsonText   `json:"start"`
	Status   jsonText   `json:"status"`
	Duration jsonNumber `json:"duration"`
	URL      jsonText   `json:"url"`
}

// maxInstatusDuration bounds a maintenance's duration in minutes (ten
// years): beyond it the end is unknown rather than an overflowed time.
const maxInstatusDuration = 10 * 366 * 24 * 60

// maintenance is m as the model's maintenance; false when it is completed
// or has nothing to know it by.
func (m *instatusMaintenance) maintenance() (Maintenance, bool) {
	status := string(m.Status)
	switch instatusKey(status) {
	case "COMPLETED":
		return Maintenance{}, false
	case "NOTSTARTEDYET":
		status = "scheduled"
	case "INPROGRESS":
		status = "in_progress"
	default:
		status = normalState(status)
	}
	id := instatusItemID(string(m.URL), string(m.ID), string(m.Name), string(m.Start))
	if id == "" {
		return Maintenance{}, false
	}
	start := parseInstatusTime(string(m.Start))
	var end time.Time
	if d := m.Duration; !start.IsZero() && d.OK && d.Value >= 0 && d.Value <= maxInstatusDuration {
		end = start.Add(time.Duration(d.Value * float64(time.Minute)))
	}
	return Maintenance{
		ID:             id,
		Name:           string(m.Name),
		Status:         status,
		Shortlink:      string(m.URL),
		ScheduledFor:   Timestamp{start},
		ScheduledUntil: Timestamp{end},
	}, true
}

// instatusItemID identifies an incident or a maintenance, which the summary
// gives no id field: the last path segment of its URL
// (https://<page>/incident/<id>), else an id field if a page sends one,
// else the first 16 hex digits of the SHA-256 of its name, a zero byte and
// its start as written, stable while the item lasts. "" when it has none of
// these.
func instatusItemID(rawURL, id, name, started string) string {
	if u, err := url.Parse(strings.TrimSpace(rawURL)); err == nil {
		path := strings.TrimRight(u.Path, "/")
		if seg := path[strings.LastIndexByte(path, '/')+1:]; seg != "" {
			return seg
		}
	}
	if id != "" {
		return id
	}
	if name == "" && started == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(name + "\x00" + started))
	return hex.EncodeToString(sum[:8])
}

// instatusImpact maps an incident's impact, which uses the component
// vocabulary, to the model's.
func instatusImpact(v string) string {
	switch instatusKey(v) {
	case "":
		return ""
	case "OPERATIONAL":
		return "none"
	case "DEGRADEDPERFORMANCE":
		return "minor"
	case "PARTIALOUTAGE", "MINOROUTAGE":
		return "major"
	case "MAJOROUTAGE":
		return "critical"
	case "UNDERMAINTENANCE":
		return "maintenance"
	}
	return normalState(v)
}

// instatusStatus maps a component's status to the model's.
func instatusStatus(v string) string {
	switch instatusKey(v) {
	case "":
		return ""
	case "OPERATIONAL":
		return "operational"
	case "DEGRADEDPERFORMANCE":
		return "degraded_performance"
	case "PARTIALOUTAGE", "MINOROUTAGE":
		return "partial_outage"
	case "MAJOROUTAGE":
		return "major_outage"
	case "UNDERMAINTENANCE":
		return "under_maintenance"
	}
	return normalState(v)
}

// instatusKey is a value of Instatus's vocabulary as it spells it: upper
// case, without spaces, hyphens or underscores ("Partial outage" and
// "PARTIAL_OUTAGE" are PARTIALOUTAGE). Only ASCII letters fold.
func instatusKey(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == ' ' || c == '_' || c == '-' || c == '\t':
		case 'a' <= c && c <= 'z':
			b.WriteByte(c - ('a' - 'A'))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// jsDateLayout is JavaScript's Date.toString() without the zone's name in
// parentheses that follows it.
const jsDateLayout = "Mon Jan _2 2006 15:04:05 GMT-0700"

// parseInstatusTime reads a time as Instatus writes it: ISO 8601 (the
// layouts of Timestamp), JavaScript's Date.toString() or Date.toUTCString();
// the zero time when it is none of them.
func parseInstatusTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if i := strings.Index(s, " ("); i >= 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	for _, layout := range []string{jsDateLayout, time.RFC1123, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

type instatusComponent struct {
	ID       jsonText            `json:"id"`
	Name     jsonText            `json:"name"`
	Status   jsonText            `json:"status"`
	Group    instatusGroupRef    `json:"group"`
	GroupID  jsonText            `json:"groupId"`
	IsParent bool                `json:"isParent"`
	Children []instatusComponent `json:"children"`
}

// instatusGroupRef is a component's group field: an object {id, name}, a
// name, or null.
type instatusGroupRef struct {
	ID, Name string
}

// UnmarshalJSON implements json.Unmarshaler; any other type reads as no
// group.
func (g *instatusGroupRef) UnmarshalJSON(b []byte) error {
	*g = instatusGroupRef{}
	switch b = bytes.TrimLeft(b, " \t\r\n"); {
	case len(b) > 0 && b[0] == '"':
		var name string
		if json.Unmarshal(b, &name) == nil {
			g.Name = name
		}
	case len(b) > 0 && b[0] == '{':
		var v struct {
			ID   jsonText `json:"id"`
			Name jsonText `json:"name"`
		}
		if decodeLenient(b, &v) == nil {
			g.ID, g.Name = string(v.ID), string(v.Name)
		}
	}
	return nil
}

// decodeInstatusComponents reads the components document.
func decodeInstatusComponents(body []byte) ([]Component, error) {
	var items []instatusComponent
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := decodeLenient(trimmed, &items); err != nil {
			return nil, componentsError(body, err.Error())
		}
	case len(trimmed) > 0 && trimmed[0] == '{':
		var doc struct {
			Components json.RawMessage `json:"components"`
		}
		if err := decodeLenient(trimmed, &doc); err != nil {
			return nil, componentsError(body, err.Error())
		}
		list := bytes.TrimLeft(doc.Components, " \t\r\n")
		switch {
		case len(list) == 0:
			return nil, componentsError(body, "no components array")
		case list[0] == '[':
			if err := decodeLenient(list, &items); err != nil {
				return nil, componentsError(body, err.Error())
			}
		case !bytes.Equal(list, []byte("null")):
			return nil, componentsError(body, "components is not an array")
		}
	default:
		return nil, componentsError(body, "not a JSON array or object")
	}
	return newInstatusComponents(items).rows, nil
}

// componentsError is the error for a components document that cannot be
// read: what it looks like when that is known, else reason.
func componentsError(body []byte, reason string) error {
	if looks := looksLike(body); looks != "" {
		reason = "looks like " + looks
	}
	return errors.New("instatus components document (/v3/components.json): " + reason)
}

// instatusComponents flattens the components document into the model's
// rows: group rows first where they are first named, components in
// document order, each id once (the first occurrence wins).
type instatusComponents struct {
	rows []Component
	// index is the row of each id; ids every id the document lists, so
	// that an id derived for a named group never takes one of them.
	index map[string]int
	ids   map[string]bool
	named map[string]string // group name → derived group id
	// referenced are the ids that components name as their group (group
	// object or groupId): the items with those ids are the groups.
	referenced map[string]bool
	// listed are the group rows whose own item has been read.
	listed map[string]bool
}

func newInstatusComponents(items []instatusComponent) *instatusComponents {
	b := &instatusComponents{
		index: make(map[string]int), ids: make(map[string]bool),
		named: make(map[string]string), referenced: make(map[string]bool),
		listed: make(map[string]bool),
	}
	var collect func([]instatusComponent)
	collect = func(items []instatusComponent) {
		for i := range items {
			c := &items[i]
			if id := string(c.ID); id != "" {
				b.ids[id] = true
			}
			if c.Group.ID != "" {
				b.referenced[c.Group.ID] = true
			}
			if c.GroupID != "" {
				b.referenced[string(c.GroupID)] = true
			}
			collect(c.Children)
		}
	}
	collect(items)
	for i := range items {
		b.add(&items[i], "")
	}
	return b
}

// add adds c, listed under the group row parent ("" at the top level), and
// what is listed under it.
func (b *instatusComponents) add(c *instatusComponent, parent string) {
	id, name := string(c.ID), string(c.Name)
	if c.IsParent || len(c.Children) > 0 || b.referenced[id] {
		var gid string
		if id != "" {
			gid = b.group(id, name, instatusStatus(string(c.Status)), true)
		} else if name != "" {
			gid = b.group(b.derived(name), name, instatusStatus(string(c.Status)), true)
		}
		for i := range c.Children {
			b.add(&c.Children[i], gid)
		}
		return
	}
	if id == "" {
		return
	}
	if _, dup := b.index[id]; dup {
		return
	}
	gid := parent
	switch {
	case gid != "":
	case c.Group.ID != "":
		gid = b.group(c.Group.ID, c.Group.Name, "", false)
	case c.Group.Name != "":
		gid = b.group(b.derived(c.Group.Name), c.Group.Name, "", false)
	case c.GroupID != "":
		gid = b.group(string(c.GroupID), "", "", false)
	}
	b.index[id] = len(b.rows)
	b.rows = append(b.rows, Component{ID: id, Name: name, Status: instatusStatus(string(c.Status)), GroupID: gid})
}

// group returns the id of the group row id, adding it or filling in what
// it lacked; "" when id is a plain component's. What the group's own item
// says (own) comes before what components referring to it say, and the
// first of its own items wins.
func (b *instatusComponents) group(id, name, status string, own bool) string {
	i, ok := b.index[id]
	if !ok {
		i = len(b.rows)
		b.index[id] = i
		b.rows = append(b.rows, Component{ID: id, Group: true})
	}
	r := &b.rows[i]
	switch {
	case !r.Group:
		return ""
	case own && !b.listed[id]:
		b.listed[id] = true
		if name != "" {
			r.Name = name
		}
		if status != "" {
			r.Status = status
		}
	case r.Name == "":
		r.Name = name
	}
	return id
}

// derived is the id of the group called name on a page that gives groups
// only by name: "group:" and the name, with "~2", "~3"… when the document
// lists that id for something else.
func (b *instatusComponents) derived(name string) string {
	if id, ok := b.named[name]; ok {
		return id
	}
	id := "group:" + name
	for n := 2; b.ids[id]; n++ {
		id = "group:" + name + "~" + strconv.Itoa(n)
	}
	b.named[name] = id
	b.ids[id] = true
	return id
}
