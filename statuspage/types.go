// Package statuspage is the client for Atlassian Statuspage's public API and
// the compatible summary documents other hosts serve. It turns a loaded
// configuration into fetch targets (HTTP clients, redirect policy, ad-hoc
// /probe targets), decodes /api/v2/summary.json tolerantly, fetches it over
// HTTP with bounded size and time, and caches results per page so that
// concurrent scrapes share one upstream request. It knows nothing about
// Prometheus.
package statuspage

import (
	"encoding/json"
	"time"
)

// Summary is the decoded /api/v2/summary.json document. Only the fields the
// exporter uses are decoded; everything else (update bodies, tweet ids,
// reminder intervals…) is skipped so that odd shapes there cannot break a page.
type Summary struct {
	Page                  Page          `json:"page"`
	Status                Status        `json:"status"`
	Components            []Component   `json:"components"`
	Incidents             []Incident    `json:"incidents"`
	ScheduledMaintenances []Maintenance `json:"scheduled_maintenances"`

	// Derive is set by providers of platforms that give no page
	// indicator: it is derived from the rest once the page's component
	// filter has applied (see deriveIndicator).
	Derive bool `json:"-"`
}

// Page describes the status page itself.
type Page struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	TimeZone  string    `json:"time_zone"`
	UpdatedAt Timestamp `json:"updated_at"`
}

// Status is the page-wide rollup.
type Status struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// Component is a row of the components list. Group rows (Group true) are
// containers whose status Statuspage rolls up from their children.
type Component struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	UpdatedAt Timestamp `json:"updated_at"`
	GroupID   string    `json:"group_id"`
	Group     bool      `json:"group"`
}

// AffectedComponent is the part of a component listed on an incident or a
// maintenance that the exporter needs.
type AffectedComponent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Incident is an unresolved incident.
type Incident struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Status     string              `json:"status"`
	Impact     string              `json:"impact"`
	Shortlink  string              `json:"shortlink"`
	CreatedAt  Timestamp           `json:"created_at"`
	StartedAt  Timestamp           `json:"started_at"`
	UpdatedAt  Timestamp           `json:"updated_at"`
	Components []AffectedComponent `json:"components"`
}

// Started returns when the incident started, falling back to its creation
// time on hosts that do not send started_at.
func (i *Incident) Started() time.Time {
	if !i.StartedAt.IsZero() {
		return i.StartedAt.Time
	}
	return i.CreatedAt.Time
}

// Maintenance is an upcoming or active scheduled maintenance.
type Maintenance struct {
	ID             string              `json:"id"`
	Name           string              `json:"name"`
	Status         string              `json:"status"`
	Impact         string              `json:"impact"`
	Shortlink      string              `json:"shortlink"`
	ScheduledFor   Timestamp           `json:"scheduled_for"`
	ScheduledUntil Timestamp           `json:"scheduled_until"`
	UpdatedAt      Timestamp           `json:"updated_at"`
	Components     []AffectedComponent `json:"components"`
}

// Timestamp is a point in time as Statuspage writes it. It accepts RFC 3339
// with or without fractional seconds, date-only strings ("2021-08-11"), null
// and the empty string. A value it cannot read decodes as the zero time rather
// than failing the whole document: one odd date must not hide a page.
type Timestamp struct {
	time.Time
}

var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", time.DateOnly}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	if len(b) < 2 || b[0] != '"' {
		return nil // null, a number or anything else: unknown time
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil
	}
	for _, layout := range timestampLayouts {
		if parsed, err := time.Parse(layout, s); err == nil {
			t.Time = parsed
			return nil
		}
	}
	return nil
}
