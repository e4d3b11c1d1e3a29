package collector

import (
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "statuspage"

// family is one of the page metric families: its Desc for registries, and
// what a Desc does not give back, for building series without a registry.
type family struct {
	desc       *prometheus.Desc
	name, help string
	labels     []string // page first, then as given to newFamily
	sorted     []int    // indexes into labels, in label name order
	names      []string // the labels in name order
	index      int      // position in families
}

// families holds every page metric family, sorted by name once the package
// is initialised, and is only read afterwards.
var families []*family

func newFamily(name, help string, labels ...string) *family {
	labels = append([]string{"page"}, labels...)
	f := &family{
		desc:   prometheus.NewDesc(namespace+"_"+name, help, labels, nil),
		name:   namespace + "_" + name,
		help:   help,
		labels: labels,
	}
	for i := range labels {
		f.sorted = append(f.sorted, i)
	}
	slices.SortFunc(f.sorted, func(a, b int) int { return strings.Compare(labels[a], labels[b]) })
	for _, j := range f.sorted {
		f.names = append(f.names, labels[j])
	}
	families = append(families, f)
	return f
}

func init() {
	slices.SortFunc(families, func(a, b *family) int { return strings.Compare(a.name, b.name) })
	for i, f := range families {
		f.index = i
	}
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
	upFamily = newFamily("up",
		"1 if the data for this page comes from a fetch that succeeded within cache_ttl, else 0.")
	lastSuccessFamily = newFamily("last_success_timestamp_seconds",
		"Unix time when the exposed data of this page was fetched.")
	fetchDurationFamily = newFamily("fetch_duration_seconds",
		"Duration of the upstream request behind the current data, or of the last failed try.")

	pageInfoFamily = newFamily("page_info",
		"Information about the status page, always 1.", "page_id", "name", "url", "time_zone")
	pageUpdatedFamily = newFamily("page_updated_timestamp_seconds",
		"Unix time the status page was last updated.")
	pageStatusFamily = newFamily("page_status",
		"Overall status indicator of the page: 1 for the current indicator, 0 for the others.", "indicator")

	componentStatusFamily = newFamily("component_status",
		"Status of a component: 1 for the current status, 0 for the others.",
		"component_id", "component", "group", "status")
	componentUpdatedFamily = newFamily("component_updated_timestamp_seconds",
		"Unix time a component was last updated.", "component_id", "component", "group")
	groupStatusFamily = newFamily("component_group_status",
		"Status of a component group as the page rolls it up: 1 for the current status, 0 for the others.",
		"group_id", "group", "status")

	incidentInfoFamily = newFamily("incident_info",
		"An unresolved incident, always 1.", "incident_id", "name", "shortlink")
	incidentStatusFamily = newFamily("incident_status",
		"Status of an unresolved incident: 1 for the current status, 0 for the others.", "incident_id", "status")
	incidentImpactFamily = newFamily("incident_impact",
		"Impact of an unresolved incident: 1 for the current impact, 0 for the others.", "incident_id", "impact")
	incidentStartedFamily = newFamily("incident_started_timestamp_seconds",
		"Unix time an incident started.", "incident_id")
	incidentUpdatedFamily = newFamily("incident_updated_timestamp_seconds",
		"Unix time an incident was last updated.", "incident_id")
	incidentComponentFamily = newFamily("incident_affected_component_info",
		"A component affected by an unresolved incident, always 1.", "incident_id", "component_id", "component")

	maintenanceInfoFamily = newFamily("maintenance_info",
		"An upcoming or active scheduled maintenance, always 1.", "maintenance_id", "name", "shortlink")
	maintenanceStatusFamily = newFamily("maintenance_status",
		"Status of a scheduled maintenance: 1 for the current status, 0 for the others.", "maintenance_id", "status")
	maintenanceStartFamily = newFamily("maintenance_scheduled_start_timestamp_seconds",
		"Unix time a maintenance is scheduled to start.", "maintenance_id")
	maintenanceEndFamily = newFamily("maintenance_scheduled_end_timestamp_seconds",
		"Unix time a maintenance is scheduled to end.", "maintenance_id")
	maintenanceComponentFamily = newFamily("maintenance_affected_component_info",
		"A component affected by a scheduled maintenance, always 1.", "maintenance_id", "component_id", "component")
)
