package statuspage

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// decodeSlack reads the document of Slack's status API
// (https://slack-status.com/api/v2.0.0/current, public, no key), one object:
//
//	{"status": "ok"|"active", "date_created", "date_updated",
//	 "active_incidents": [{"id", "date_created", "date_updated", "title",
//	   "type": "incident"|"outage"|"notice", "status": "active"|"resolved"|
//	   "scheduled"|"completed"|"cancelled", "url", "services": [names],
//	   "notes": [{"date_created", "body"}]}]}
//
// Timestamps carry a local offset ("2019-08-26T08:11:52-07:00"). Ids are
// numbers in real answers and a string in the documentation's example. The
// only real captures are an "ok" documentation example and a history
// document (the same items, all resolved); an active item, a maintenance
// and the top-level status "active" are known from the documentation only,
// so everything here is decoded defensively.
//
// What maps to what:
//
//   - Page: date_updated is the page's updated time. Slack gives no page
//     name, id or indicator: the indicator is derived (Summary.Derive). The
//     top-level status (ok, active) only checks the shape: an object with
//     a status text and no active_incidents is accepted only when it is
//     "ok" (the first version of the API left the list out then); a list
//     of items (the history endpoint's answer) is refused with a hint.
//   - Components: one per service, its id and name the service name (the
//     name is the only identity Slack gives, and it is injective). The
//     services are slackServices, which are reported operational while no
//     item names them, then every other service an open item names
//     (trimmed; an empty name is no service), in the order of first
//     appearance (Slack renames services: "Connections" in
//     2019 is "Connectivity" now). A service named by an open item takes
//     the worst of its items' effects (slackRank): outage major_outage,
//     incident partial_outage, notice degraded_performance (a notice names
//     a service with a real, smaller problem: in 2019, failing Google
//     sign-in on Login/SSO or failing account emails), an unknown type its own state (ranked
//     below partial_outage), a maintenance in progress under_maintenance; an
//     item without a type and a scheduled maintenance leave it as it is.
//     No groups, no updated time per component.
//   - Items (active_incidents): resolved, completed and cancelled (or
//     canceled) items are closed and left out; any other item is open, one
//     without a status too (it is in the list of active ones). An element
//     that is not an object is no item. A maintenance is an item whose status is
//     scheduled (Slack's planned maintenance) or whose type names a
//     maintenance: scheduled is scheduled, active in_progress, any other
//     status kept as its own state. Every other open item is an incident:
//     impact major for outage, minor for incident, none for notice, an
//     unknown type kept as its own impact; status as Slack says it, so
//     "active" stays "active": Slack does not say whether it is
//     investigating, identified or monitoring, and making one of them up
//     would read as a phase Slack never announced.
//   - Both: name title, shortlink url, affected components the services.
//     Incidents start at date_created and were updated at date_updated.
//     Slack gives a maintenance no window: scheduled start and end are
//     absent. The notes (update texts) are not read.
//   - Ids: id as text. An item without one gets its url, else its
//     date_created and title, else its position in the list (stable only
//     while the list is), each with a prefix a Slack id (a number) cannot
//     have.
func decodeSlack(docs [][]byte, _ *DecodeOptions) (*Summary, error) {
	body := docs[0]
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return nil, wrongShape(body, config.ProviderSlack, slackArrayReason(trimmed))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return nil, wrongShape(body, config.ProviderSlack, "not a JSON object")
	}
	var status *string
	if raw, ok := top["status"]; ok && json.Unmarshal(raw, &status) != nil {
		status = nil // a status of another type than text says nothing
	}
	var items []json.RawMessage
	raw, hasItems := top["active_incidents"]
	hasItems = hasItems && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
	switch {
	case hasItems && json.Unmarshal(raw, &items) != nil:
		return nil, wrongShape(body, config.ProviderSlack, "active_incidents is not a list")
	case !hasItems && status == nil:
		return nil, wrongShape(body, config.ProviderSlack, "no status text and no active_incidents")
	case !hasItems && normalState(*status) != "ok":
		// Only an all-ok answer may leave the list out (the first
		// version of the API did); anything else without it, such as an
		// error object, must not read as a page where all is well.
		// The error is logged and shown: a page's text in it is cut short.
		shown := *status
		if len(shown) > 40 {
			shown = shown[:40] + "…"
		}
		return nil, wrongShape(body, config.ProviderSlack, "status "+strconv.Quote(shown)+" without active_incidents")
	}
	var updated Timestamp
	if raw, ok := top["date_updated"]; ok {
		_ = json.Unmarshal(raw, &updated) // an unreadable time is unknown
	}
	s := &Summary{Derive: true, Page: Page{UpdatedAt: updated}}
	sv := newSlackComponents()
	for i, rawItem := range items {
		var it slackItem
		if !isJSONObject(rawItem) || decodeLenient(rawItem, &it) != nil {
			continue // not an item: nothing to read in it
		}
		it.read(i, s, sv)
	}
	s.Components = sv.components()
	return s, nil
}

// slackServices are the services Slack's status page lists now: the
// components reported operational while no open item names them.
var slackServices = []string{
	"Login/SSO", "Messaging", "Notifications", "Search", "Workspace/Org Administration",
	"Canvases", "Connectivity", "Files", "Huddles", "Apps/Integrations/APIs",
	"Workflows", "Posts/Files", "Calls", "Link Previews",
}

// slackItem is an element of active_incidents.
type slackItem struct {
	ID          jsonText   `json:"id"`
	DateCreated Timestamp  `json:"date_created"`
	DateUpdated Timestamp  `json:"date_updated"`
	Title       jsonText   `json:"title"`
	Type        jsonText   `json:"type"`
	Status      jsonText   `json:"status"`
	URL         jsonText   `json:"url"`
	Services    []jsonText `json:"services"`
}

// read adds the item at position i of the list to s, and its effect to the
// services it names.
func (it *slackItem) read(i int, s *Summary, sv *slackComponents) {
	status, kind := normalState(string(it.Status)), normalState(string(it.Type))
	switch status {
	case "resolved", "completed", "cancelled", "canceled":
		return
	}
	affected := make([]AffectedComponent, 0, len(it.Services))
	for _, name := range it.Services {
		if name := strings.TrimSpace(string(name)); name != "" {
			affected = append(affected, AffectedComponent{ID: name, Name: name})
		}
	}
	id := it.id(i)
	if status == "scheduled" || strings.Contains(kind, "maintenance") {
		m := Maintenance{
			ID:         id,
			Name:       string(it.Title),
			Status:     status,
			Shortlink:  string(it.URL),
			UpdatedAt:  it.DateUpdated,
			Components: affected,
		}
		if status == "active" {
			m.Status = "in_progress"
		}
		effect := ""
		if m.Status == "in_progress" {
			effect = "under_maintenance"
		}
		sv.affect(affected, effect)
		s.ScheduledMaintenances = append(s.ScheduledMaintenances, m)
		return
	}
	effect, impact := kind, kind // an unknown type is kept as it is
	switch kind {
	case "outage":
		effect, impact = "major_outage", "major"
	case "incident":
		effect, impact = "partial_outage", "minor"
	case "notice":
		effect, impact = "degraded_performance", "none"
	}
	sv.affect(affected, effect)
	s.Incidents = append(s.Incidents, Incident{
		ID:         id,
		Name:       string(it.Title),
		Status:     status,
		Impact:     impact,
		Shortlink:  string(it.URL),
		CreatedAt:  it.DateCreated,
		StartedAt:  it.DateCreated,
		UpdatedAt:  it.DateUpdated,
		Components: affected,
	})
}

// id is the item's id, or one derived from what else identifies it (see
// decodeSlack); the prefixes keep a derived id from equalling a Slack id.
func (it *slackItem) id(i int) string {
	switch {
	case strings.TrimSpace(string(it.ID)) != "":
		return string(it.ID)
	case strings.TrimSpace(string(it.URL)) != "":
		return "url:" + string(it.URL)
	case !it.DateCreated.IsZero() || it.Title != "":
		return "created:" + it.DateCreated.UTC().Format(time.RFC3339) + " " + string(it.Title)
	}
	return "item:" + strconv.Itoa(i)
}

// slackRank orders the effects on a service, worst last; an unknown item
// type ranks below partial_outage (see slackComponents.affect).
var slackRank = map[string]int{
	"":                     -1,
	"operational":          0,
	"under_maintenance":    1,
	"degraded_performance": 2,
	"partial_outage":       4,
	"major_outage":         5,
}

const slackUnknownRank = 3

func slackEffectRank(effect string) int {
	if r, ok := slackRank[effect]; ok {
		return r
	}
	return slackUnknownRank
}

// slackComponents collects the components: the known services first, then
// those the items name, each with the worst effect of its items.
type slackComponents struct {
	order  []string
	status map[string]string
}

func newSlackComponents() *slackComponents {
	sv := &slackComponents{status: make(map[string]string, len(slackServices))}
	for _, name := range slackServices {
		sv.order = append(sv.order, name)
		sv.status[name] = "operational"
	}
	return sv
}

// affect records the services of an item and raises their status to
// effect when it is worse; effect "" only records them.
func (sv *slackComponents) affect(cs []AffectedComponent, effect string) {
	for _, c := range cs {
		current, known := sv.status[c.ID]
		if !known {
			sv.order = append(sv.order, c.ID)
			current = "operational"
		}
		if slackEffectRank(effect) > slackEffectRank(current) {
			current = effect
		}
		sv.status[c.ID] = current
	}
}

func (sv *slackComponents) components() []Component {
	cs := make([]Component, len(sv.order))
	for i, name := range sv.order {
		cs[i] = Component{ID: name, Name: name, Status: sv.status[name]}
	}
	return cs
}

// slackArrayReason says what a top-level array is: Slack's history
// endpoint answers the list of past items, a likely mistake for the page's
// url.
func slackArrayReason(body []byte) string {
	first, ok := firstElement(body)
	if ok && first != nil {
		for _, k := range []string{"services", "notes", "title", "type"} {
			if _, has := first[k]; has {
				return "a list of Slack status items (the history endpoint?); the page's url must be the current endpoint, " +
					"https://slack-status.com/api/v2.0.0/current"
			}
		}
	}
	return "a JSON array, not an object"
}
