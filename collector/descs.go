package collector

import (
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "statuspage"

// descInfo is what a Desc does not give back, kept for building metric
// families without a registry.
type descInfo struct {
	name, help string
	labels     []string // page first, then as given to newDesc
	sorted     []int    // indexes into labels, in label name order
}

// descs holds the descInfo of every Desc made by newDesc. It is filled at
// package initialisation and only read afterwards.
var descs = map[*prometheus.Desc]*descInfo{}

func newDesc(name, help string, labels ...string) *prometheus.Desc {
	labels = append([]string{"page"}, labels...)
	d := prometheus.NewDesc(namespace+"_"+name, help, labels, nil)
	info := &descInfo{name: namespace + "_" + name, help: help, labels: labels}
	for i := range labels {
		info.sorted = append(info.sorted, i)
	}
	slices.SortFunc(info.sorted, func(a, b int) int { return strings.Compare(labels[a], labels[b]) })
	descs[d] = info
	return d
}

// The known values of each state set. Order is the order of the series.
var (
	pageIndicators      = []string{"none", "minor", "major", "critical", "maintenance"}
	componentStatuses   = []string{"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
	incidentStatuses    = []string{"investigating", "identified", "monitoring", "resolved", "postmortem"}
	impacts             = []string{"none", "minor", "major", "critical", "maintenance"}
	maintenanceStatuses = []string{"scheduled", "in_progress", "verifying", "completed"}
)

var (
	upDesc = newDesc("up",
		"1 if the data for this page comes from a fetch that succeeded within cache_ttl, else 0.")
	lastSuccessDesc = newDesc("last_success_timestamp_seconds",
		"Unix time when the exposed data of this page was fetched.")
	fetchDurationDesc = newDesc("fetch_duration_seconds",
		"Duration of the upstream request behind the current data, or of the last failed try.")

	pageInfoDesc = newDesc("page_info",
		"Information about the status page, always 1.", "page_id", "name", "url", "time_zone")
	pageUpdatedDesc = newDesc("page_updated_timestamp_seconds",
		"Unix time the status page was last updated.")
	pageStatusDesc = newDesc("page_status",
		"Overall status indicator of the page: 1 for the current indicator, 0 for the others.", "indicator")

	componentStatusDesc = newDesc("component_status",
		"Status of a component: 1 for the current status, 0 for the others.",
		"component_id", "component", "group", "status")
	componentUpdatedDesc = newDesc("component_updated_timestamp_seconds",
		"Unix time a component was last updated.", "component_id", "component", "group")
	groupStatusDesc = newDesc("component_group_status",
		"Status of a component group as the page rolls it up: 1 for the current status, 0 for the others.",
		"group_id", "group", "status")

	incidentInfoDesc = newDesc("incident_info",
		"An unresolved incident, always 1.", "incident_id", "name", "shortlink")
	incidentStatusDesc = newDesc("incident_status",
		"Status of an unresolved incident: 1 for the current status, 0 for the others.", "incident_id", "status")
	incidentImpactDesc = newDesc("incident_impact",
		"Impact of an unresolved incident: 1 for the current impact, 0 for the others.", "incident_id", "impact")
	incidentStartedDesc = newDesc("incident_started_timestamp_seconds",
		"Unix time an incident started.", "incident_id")
	incidentUpdatedDesc = newDesc("incident_updated_timestamp_seconds",
		"Unix time an incident was last updated.", "incident_id")
	incidentComponentDesc = newDesc("incident_affected_component_info",
		"A component affected by an unresolved incident, always 1.", "incident_id", "component_id", "component")

	maintenanceInfoDesc = newDesc("maintenance_info",
		"An upcoming or active scheduled maintenance, always 1.", "maintenance_id", "name", "shortlink")
	maintenanceStatusDesc = newDesc("maintenance_status",
		"Status of a scheduled maintenance: 1 for the current status, 0 for the others.", "maintenance_id", "status")
	maintenanceStartDesc = newDesc("maintenance_scheduled_start_timestamp_seconds",
		"Unix time a maintenance is scheduled to start.", "maintenance_id")
	maintenanceEndDesc = newDesc("maintenance_scheduled_end_timestamp_seconds",
		"Unix time a maintenance is scheduled to end.", "maintenance_id")
	maintenanceComponentDesc = newDesc("maintenance_affected_component_info",
		"A component affected by a scheduled maintenance, always 1.", "maintenance_id", "component_id", "component")
)
