package statuspage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// decodeStatusio reads a document of status.io's public status API: GET
// https://api.status.io/1.0/status/<page id> (the configured URL itself;
// public, no key) answers:
//
//	{"result": {
//	  "status_overall": {updated, status, status_code},
//	  "status": [{id, name, updated, status, status_code,
//	              containers: [{id, name, updated, status, status_code}]}],
//	  "incidents": [{_id, name, datetime_open,
//	                 messages: [{details, state, status, datetime}],
//	                 components_affected: [{_id, name}], containers_affected: [{_id, name}]}],
//	  "maintenance": {"active": [...], "upcoming": [...]}}}
//
// Maintenances have the fields of incidents plus datetime_planned_start and
// datetime_planned_end. Status codes: 100 operational, 200 planned
// maintenance, 300 degraded performance, 400 partial service disruption,
// 500 service disruption, 600 security event.
//
// It maps to the model so:
//
//   - Page: no id, name or URL (the document names none); UpdatedAt is
//     status_overall.updated. Indicator from status_overall.status_code:
//     100 none, 200 maintenance, 300 minor, 400 major, 500 and 600 critical.
//     It is the platform's own and nothing is derived over it: real pages
//     say 200 while a 400 incident is open.
//   - Components: status.io reports a status per component and container
//     (a region or hosting provider the component runs in), so each pair
//     is one Component, its container the group: a Group row per distinct
//     container (id and name of the container, no status: status.io rolls
//     nothing up per container), and a row per pair with id
//     statusioPairID(component, container), the component's name, the
//     container entry's status (100 operational, 200 under_maintenance, 300
//     degraded_performance, 400 partial_outage, 500 and 600 major_outage)
//     and its updated time. A component without containers is one row with
//     its own id, status and updated time, and no group. The component's
//     own status (a rollup over its containers) is not kept.
//   - Incidents: id _id, name, started datetime_open, updated the newest
//     message's datetime, status from the newest message's state, impact
//     from the worst message status (100 none, 200 maintenance, 300 minor,
//     400 major, 500 and 600 critical), affected components as
//     statusioRows.affected says. No shortlink: the API gives none.
//   - Maintenances: active ones in_progress, upcoming ones scheduled; id,
//     name, start datetime_planned_start, end datetime_planned_end, updated
//     the newest message's datetime, affected components as for incidents.
//     Message texts are not kept.
//
// A code with no mapping is kept as its own state (the code as text), never
// read as operational. Codes may come as numbers or numeric strings; a
// status entry without a code is read from its text ("Partial Service
// Disruption"). Components and containers without an id are skipped (see
// statusioComponents); incidents and maintenances without one get a
// derived id (see statusioEvent.id).
//
// The message state vocabulary (100 investigating, 200 identified, 300
// monitoring) is unverified: no documentation states it; the real captures
// show 100 on a first "we are investigating" message and 200 on messages
// written once the cause was known, and 300 is taken to be the next step.
// The captures list only open incidents under "incidents" and no state
// that would mean resolved: every incident listed is kept as open.
func decodeStatusio(docs [][]byte, _ *DecodeOptions) (*Summary, error) {
	if len(docs) == 0 || docs[0] == nil {
		return nil, errors.New("no status.io document")
	}
	body := docs[0]
	if looksLike(body) != looksStatusio {
		return nil, wrongShape(body, config.ProviderStatusio, "no result.status_overall")
	}
	var doc statusioDocument
	if err := decodeLenient(body, &doc); err != nil {
		return nil, wrongShape(body, config.ProviderStatusio, err.Error())
	}
	r := &doc.Result
	s := &Summary{}
	overall := statusioCode(r.StatusOverall.StatusCode, r.StatusOverall.Status)
	s.Status.Indicator = statusioMap(statusioIndicators, overall)
	s.Status.Description = strings.TrimSpace(string(r.StatusOverall.Status))
	s.Page.UpdatedAt = r.StatusOverall.Updated

	rows := statusioComponents(s, r.Status)
	// The joins of affected lists with the page's rows may cost at most a
	// step (and make at most an entry) per eight bytes of the document, so
	// that no document makes quadratic work or memory; real documents use
	// a tiny part of it (a GitLab capture: 2 steps of 1,250).
	budget := len(body) / 8
	s.Incidents = make([]Incident, 0, len(r.Incidents))
	for i := range r.Incidents {
		e := &r.Incidents[i]
		newest := e.newest()
		s.Incidents = append(s.Incidents, Incident{
			ID:         e.id(e.DatetimeOpen),
			Name:       string(e.Name),
			Status:     statusioMap(statusioIncidentStates, newest.state),
			Impact:     statusioMap(statusioImpacts, e.worst()),
			StartedAt:  e.DatetimeOpen,
			UpdatedAt:  newest.updated,
			Components: rows.affected(e, &budget),
		})
	}
	m := &r.Maintenance
	s.ScheduledMaintenances = make([]Maintenance, 0, len(m.Active)+len(m.Upcoming))
	for _, list := range []struct {
		events []statusioEvent
		status string
	}{{m.Active, "in_progress"}, {m.Upcoming, "scheduled"}} {
		for i := range list.events {
			e := &list.events[i]
			s.ScheduledMaintenances = append(s.ScheduledMaintenances, Maintenance{
				ID:             e.id(e.PlannedStart),
				Name:           string(e.Name),
				Status:         list.status,
				ScheduledFor:   e.PlannedStart,
				ScheduledUntil: e.PlannedEnd,
				UpdatedAt:      e.newest().updated,
				Components:     rows.affected(e, &budget),
			})
		}
	}
	return s, nil
}

// statusioDocument is the part of the document the exporter reads; every
// field is optional and of a lenient type.
type statusioDocument struct {
	Result struct {
		StatusOverall statusioStatus      `json:"status_overall"`
		Status        []statusioComponent `json:"status"`
		Incidents     []statusioEvent     `json:"incidents"`
		Maintenance   struct {
			Active   []statusioEvent `json:"active"`
			Upcoming []statusioEvent `json:"upcoming"`
		} `json:"maintenance"`
	} `json:"result"`
}

type statusioStatus struct {
	Updated    Timestamp `json:"updated"`
	Status     jsonText  `json:"status"`
	StatusCode jsonText  `json:"status_code"`
}

type statusioComponent struct {
	ID   jsonText `json:"id"`
	Name jsonText `json:"name"`
	statusioStatus
	Containers []statusioContainer `json:"containers"`
}

type statusioContainer struct {
	ID   jsonText `json:"id"`
	Name jsonText `json:"name"`
	statusioStatus
}

type statusioEvent struct {
	ID                 jsonText          `json:"_id"`
	Name               jsonText          `json:"name"`
	DatetimeOpen       Timestamp         `json:"datetime_open"`
	PlannedStart       Timestamp         `json:"datetime_planned_start"`
	PlannedEnd         Timestamp         `json:"datetime_planned_end"`
	Messages           []statusioMessage `json:"messages"`
	ComponentsAffected []statusioRef     `json:"components_affected"`
	ContainersAffected []statusioRef     `json:"containers_affected"`
}

type statusioMessage struct {
	State    jsonText  `json:"state"`
	Status   jsonText  `json:"status"`
	Datetime Timestamp `json:"datetime"`
}

// statusioRef names a component or container in an affected list: the
// captures spell its id _id; id is accepted too.
type statusioRef struct {
	ID    jsonText `json:"_id"`
	AltID jsonText `json:"id"`
	Name  jsonText `json:"name"`
}

func (r *statusioRef) id() string {
	if r.ID != "" {
		return string(r.ID)
	}
	return string(r.AltID)
}

// The mappings of status.io's codes; a code missing here is kept as its own
// state.
var (
	statusioIndicators = map[string]string{
		"100": "none", "200": "maintenance", "300": "minor", "400": "major", "500": "critical", "600": "critical",
	}
	statusioComponentStatuses = map[string]string{
		"100": "operational", "200": "under_maintenance", "300": "degraded_performance",
		"400": "partial_outage", "500": "major_outage", "600": "major_outage",
	}
	// An incident whose messages say at worst 200 (planned maintenance)
	// has the impact Statuspage gives maintenances; at worst 100
	// (operational), none.
	statusioImpacts = map[string]string{
		"100": "none", "200": "maintenance", "300": "minor", "400": "major", "500": "critical", "600": "critical",
	}
	// Unverified (see decodeStatusio).
	statusioIncidentStates = map[string]string{"100": "investigating", "200": "identified", "300": "monitoring"}
	// statusioTextCodes reads the status text of an entry without a code;
	// status.io's own texts, and the 600 text its pages show.
	statusioTextCodes = map[string]string{
		"operational": "100", "planned_maintenance": "200", "degraded_performance": "300",
		"partial_service_disruption": "400", "service_disruption": "500",
		"security_event": "600", "security_issue": "600",
	}
)

// statusioCode is an entry's status code as text: "400" whether it came as
// 400, "400", 400.0 or 4e2; read from the status text when there is no
// code; "" when there is neither. A code that is no number is kept as
// normalState of what it says.
func statusioCode(code, text jsonText) string {
	if c := strings.TrimSpace(string(code)); c != "" {
		if n, ok := statusioNumber(c); ok {
			return strconv.FormatFloat(n, 'f', -1, 64)
		}
		return normalState(c)
	}
	t := normalState(string(text))
	if c, ok := statusioTextCodes[t]; ok {
		return c
	}
	return t
}

// statusioNumber reads a code as a finite number.
func statusioNumber(c string) (float64, bool) {
	n, err := strconv.ParseFloat(c, 64)
	return n, err == nil && !math.IsInf(n, 0) && !math.IsNaN(n)
}

// statusioMap maps code with m, keeping an unknown code as its own state
// and an absent one absent.
func statusioMap(m map[string]string, code string) string {
	if v, ok := m[code]; ok {
		return v
	}
	return code
}

// statusioRow is a component row of the page as the affected lists find
// it: the raw container id ("" for a component without containers).
type statusioRow struct {
	id, name, container string
}

// statusioRows are the page's component rows by raw component id, and by
// row id.
type statusioRows struct {
	byComponent map[string][]statusioRow
	byID        map[string]statusioRow
}

// statusioComponents fills s.Components from the document's components,
// group rows first, and returns the rows by component id. An entry without
// an id has no identity and is skipped: a component without one, and a
// container without one (a component none of whose containers has an id
// is read as a component without containers). Ids are unique: a repeated
// pair or group comes once, the first wins, and a group's id is never
// taken by a component row (only a hostile document can try).
func statusioComponents(s *Summary, cs []statusioComponent) statusioRows {
	var groups, comps []Component
	groupIDs := make(map[string]bool)
	rows := statusioRows{
		byComponent: make(map[string][]statusioRow, len(cs)),
		byID:        make(map[string]statusioRow, len(cs)),
	}
	add := func(c Component, raw, container string) {
		if _, dup := rows.byID[c.ID]; dup {
			return
		}
		r := statusioRow{id: c.ID, name: c.Name, container: container}
		rows.byID[c.ID] = r
		rows.byComponent[raw] = append(rows.byComponent[raw], r)
		comps = append(comps, c)
	}
	for i := range cs {
		c := &cs[i]
		if c.ID == "" {
			continue
		}
		raw := string(c.ID)
		n := 0
		for j := range c.Containers {
			k := &c.Containers[j]
			if k.ID == "" {
				continue
			}
			n++
			if !groupIDs[string(k.ID)] {
				groupIDs[string(k.ID)] = true
				groups = append(groups, Component{ID: string(k.ID), Name: string(k.Name), Group: true})
			}
			add(Component{
				ID:        statusioPairID(raw, string(k.ID)),
				Name:      string(c.Name),
				Status:    statusioMap(statusioComponentStatuses, statusioCode(k.StatusCode, k.Status)),
				UpdatedAt: k.Updated,
				GroupID:   string(k.ID),
			}, raw, string(k.ID))
		}
		if n == 0 {
			add(Component{
				ID:        statusioPart(raw),
				Name:      string(c.Name),
				Status:    statusioMap(statusioComponentStatuses, statusioCode(c.StatusCode, c.Status)),
				UpdatedAt: c.Updated,
			}, raw, "")
		}
	}
	s.Components = append(groups, slicesKeep(comps, func(c *Component) bool { return !groupIDs[c.ID] })...)
	return rows
}

// statusioPairID is the id of the row of component in container:
// "<component>/<container>". status.io's ids are 24 hexadecimal digits
// (MongoDB object ids), which statusioPart leaves alone, so real ids read
// as they are. It is injective for any ids: neither part holds a "/" once
// escaped, so the first "/" separates them, and the escaping is undone by
// reading %2F and %25 back. A component without containers has its
// escaped id, which holds no "/" and so equals no pair's.
func statusioPairID(component, container string) string {
	return statusioPart(component) + "/" + statusioPart(container)
}

var statusioEscaper = strings.NewReplacer("%", "%25", "/", "%2F")

// statusioPart escapes "%" and "/" in an id.
func statusioPart(id string) string {
	if !strings.ContainsAny(id, "%/") {
		return id
	}
	return statusioEscaper.Replace(id)
}

// affected maps an incident's or maintenance's affected lists to the page's
// rows. status.io lists components and containers separately, not which
// container of which component, so: for each listed component, its rows in
// a listed container; when it has none there (or the container list is
// empty), all its rows, since the event names the component; a component
// the page does not list is kept with its own id and the listed name (the
// component filter judges it by name). Each listed component and
// container counts once.
//
// The join visits the smaller of the component's rows and the listed
// containers, and every visit spends a step of budget: a document can make
// only linear work. A component the budget no longer covers is kept as
// one the page does not list (only hostile documents get there).
func (rows *statusioRows) affected(e *statusioEvent, budget *int) []AffectedComponent {
	if len(e.ComponentsAffected) == 0 {
		return nil
	}
	containers := make(map[string]bool, len(e.ContainersAffected))
	listed := make([]string, 0, len(e.ContainersAffected))
	for i := range e.ContainersAffected {
		if id := e.ContainersAffected[i].id(); id != "" && !containers[id] {
			containers[id] = true
			listed = append(listed, id)
		}
	}
	spend := func(n int) bool {
		if *budget < n {
			return false
		}
		*budget -= n
		return true
	}
	var out []AffectedComponent
	seen := make(map[string]bool, len(e.ComponentsAffected))
	for i := range e.ComponentsAffected {
		ref := &e.ComponentsAffected[i]
		id := ref.id()
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		rs := rows.byComponent[id]
		n := len(out)
		switch {
		case len(rs) == 0:
		case len(listed) < len(rs) && spend(len(listed)):
			for _, k := range listed {
				if r, ok := rows.byID[statusioPairID(id, k)]; ok {
					out = append(out, AffectedComponent{ID: r.id, Name: r.name})
				}
			}
		case len(listed) >= len(rs) && spend(len(rs)):
			for _, r := range rs {
				if containers[r.container] {
					out = append(out, AffectedComponent{ID: r.id, Name: r.name})
				}
			}
		default:
			rs = nil // over budget
		}
		if len(out) > n {
			continue
		}
		if len(rs) == 0 || !spend(len(rs)) {
			out = append(out, AffectedComponent{ID: statusioPart(id), Name: string(ref.Name)})
			continue
		}
		for _, r := range rs {
			out = append(out, AffectedComponent{ID: r.id, Name: r.name})
		}
	}
	return out
}

// statusioNewest is what an event's newest message says.
type statusioNewest struct {
	state   string
	updated Timestamp
}

// newest returns the time of e's newest message and the newest state
// given: messages are ordered by datetime, one without a datetime before
// every dated one, and among equals the later in the list is newer.
func (e *statusioEvent) newest() statusioNewest {
	var n statusioNewest
	var stateAt Timestamp
	for i := range e.Messages {
		m := &e.Messages[i]
		if !m.Datetime.Before(n.updated.Time) {
			n.updated = m.Datetime
		}
		if state := statusioCode(m.State, ""); state != "" && !m.Datetime.Before(stateAt.Time) {
			n.state, stateAt = state, m.Datetime
		}
	}
	return n
}

// worst returns the worst status code of e's messages: the highest number
// (status.io's codes grow with severity), or, when no message has a
// number, the last code given.
func (e *statusioEvent) worst() string {
	worst, text := math.Inf(-1), ""
	for i := range e.Messages {
		c := statusioCode(e.Messages[i].Status, "")
		if c == "" {
			continue
		}
		if n, ok := statusioNumber(c); ok {
			worst = max(worst, n)
		} else {
			text = c
		}
	}
	if !math.IsInf(worst, -1) {
		return strconv.FormatFloat(worst, 'f', -1, 64)
	}
	return text
}

// id returns e's _id. status.io always gives one; for an event without it
// the id is derived from what identifies it in the document, its name and
// at (its opening or planned start time): "derived-" and 16 hexadecimal
// digits of their SHA-256, the same on every fetch.
func (e *statusioEvent) id(at Timestamp) string {
	if e.ID != "" {
		return string(e.ID)
	}
	sum := sha256.Sum256([]byte(string(e.Name) + "\x00" + at.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")))
	return "derived-" + hex.EncodeToString(sum[:8])
}
