// Alerts on what vendors declare (incidents, component outages) and on the
// exporter's ability to tell (pages it cannot fetch, stale data, itself).
//
// Identity: an incident alert is keyed on the page's labels and
// incident_id, a component alert on the page's labels and component_id.
// Names, impact, status, group and links are looked up for the annotations
// at each evaluation, so escalations and renames stay one alert.
//
// Following the data: while a page's fetches fail, the exporter serves its
// last good data with statuspage_up 0 until that data is max_stale old,
// then drops it. The incident and outage alerts use whatever it serves, so
// a failure shorter than max_stale (or a Retry-After it obeys) neither
// resolves nor re-fires them; the drop hands over to StatuspageDataStale.
// They only start on fresh data: an alert becomes pending only at an
// evaluation where the page's last fetch succeeded (statuspage_up 1), and
// from then on its own ALERTS series (pending or firing) carries it over
// failed fetches. Data that Prometheus has only ever seen stale (it
// started, or the rule was loaded, while the page failed) starts nothing.
local u = import '../lib/utils.libsonnet';

{
  prometheusAlerts+:: {
    local c = $._config,
    local sel = c.statuspageSelector,
    local page = u.labels(c.pageLabels),
    local incident = u.labels(c.pageLabels + ['incident_id']),
    local component = u.labels(c.pageLabels + ['component_id']),
    local incidentKeys = c.pageLabels + ['incident_id'],
    local componentKeys = c.pageLabels + ['component_id'],
    local pageKeys = c.pageLabels,

    groups+: [
      {
        name: 'statuspage',
        rules: [
          {
            alert: 'StatuspageIncident',
            expr: |||
              # An unresolved incident of major or critical impact...
              (
                max by (%(incident)s) (
                  statuspage_incident_impact{%(sel)s,impact=~"major|critical"} == 1
                )
                unless on (%(incident)s)
                  statuspage_incident_status{%(sel)s,status=~"resolved|postmortem"} == 1
              )
              # ...that starts on fresh data and then follows what the exporter serves.
              and on (%(incident)s) (
                  statuspage_incident_impact{%(sel)s}
                  and on (%(page)s) statuspage_up{%(sel)s} == 1
                or
                  ALERTS{alertname="StatuspageIncident"}
              )
            ||| % { sel: sel, page: page, incident: incident },
            'for': c.incidentFor,
            labels: { severity: c.severities.incident },
            annotations: {
              summary: '{{ $labels.page }}: {{ with %s }}{{ . | first | label "name" }}{{ else }}incident {{ $labels.incident_id }}{{ end }}'
                       % u.lookup('statuspage_incident_info', incidentKeys),
              description: std.join(' ', [
                'The status page {{ $labels.page }} reports an incident of',
                '{{ with %s }}{{ . | first | label "impact" }}{{ end }}'
                % u.lookup('statuspage_incident_impact', incidentKeys, ' == 1'),
                'impact{{ with %s }}, status {{ . | first | label "status" }}{{ end }}.'
                % u.lookup('statuspage_incident_status', incidentKeys, ' == 1'),
              ]),
              incident_name: '{{ with %s }}{{ . | first | label "name" }}{{ end }}'
                             % u.lookup('statuspage_incident_info', incidentKeys),
              incident_link: '{{ with %s }}{{ . | first | label "shortlink" }}{{ end }}'
                             % u.lookup('statuspage_incident_info', incidentKeys),
            },
          },
          {
            alert: 'StatuspageComponentOutage',
            expr: |||
              # A component in partial or major outage. Degraded performance is
              # not an outage, and under_maintenance is a state of its own that
              # this never matches: planned maintenance raises no alert.
              max by (%(component)s) (
                statuspage_component_status{%(sel)s,status=~"partial_outage|major_outage"}
              ) == 1
              # It starts on fresh data and then follows what the exporter serves.
              and on (%(component)s) (
                  statuspage_component_status{%(sel)s}
                  and on (%(page)s) statuspage_up{%(sel)s} == 1
                or
                  ALERTS{alertname="StatuspageComponentOutage"}
              )
            ||| % { sel: sel, page: page, component: component },
            'for': c.componentOutageFor,
            labels: { severity: c.severities.componentOutage },
            local status = u.lookup('statuspage_component_status', componentKeys, ' == 1'),
            annotations: {
              summary: '{{ $labels.page }}: {{ with %s }}{{ . | first | label "component" }} is in {{ . | first | label "status" }}{{ else }}component {{ $labels.component_id }} is in an outage{{ end }}'
                       % status,
              description: std.join(' ', [
                'The status page {{ $labels.page }} reports component',
                '{{ with %s }}{{ $c := . | first }}"{{ $c | label "component" }}"{{ if $c | label "group" }} in group "{{ $c | label "group" }}"{{ end }}{{ else }}{{ $labels.component_id }}{{ end }}'
                % status,
                'in partial or major outage for %s.' % u.words(c.componentOutageFor),
              ]),
              component: '{{ with %s }}{{ . | first | label "component" }}{{ end }}' % status,
            },
          },
          {
            alert: 'StatuspagePageUnreachable',
            expr: |||
              # The exporter has failed to fetch a page.
              statuspage_up{%(sel)s} == 0
            ||| % { sel: sel },
            'for': c.pageUnreachableFor,
            labels: { severity: c.severities.pageUnreachable },
            annotations: {
              summary: '{{ $labels.page }}: the status page cannot be fetched',
              description: std.join(' ', [
                'statuspage_exporter on {{ $labels.instance }} has not fetched {{ $labels.page }}',
                'for %s; its log names the reason.' % u.words(c.pageUnreachableFor),
                '{{ with %s }}The last good data is {{ . | first | value | humanizeDuration }} old.{{ else }}It has not fetched it since it started.{{ end }}'
                % u.lookup('time() - statuspage_last_success_timestamp_seconds', pageKeys),
                'Incident and outage alerts already raised for this page go on from that data',
                'until it is %s old; no new one starts meanwhile.' % u.words(c.maxStale),
              ]),
            },
          },
          {
            alert: 'StatuspageDataStale',
            expr: |||
              # The newest data of a page is older than max_stale: the exporter
              # no longer serves it, so dashboards show none and the incident and
              # outage alerts of the page have ended. Besides an unreachable page,
              # a cache_ttl of max_stale or more causes this.
              time() - statuspage_last_success_timestamp_seconds{%(sel)s} > %(maxStale)d
            ||| % { sel: sel, maxStale: u.seconds(c.maxStale) },
            labels: { severity: c.severities.dataStale },
            annotations: {
              summary: '{{ $labels.page }}: status data is {{ $value | humanizeDuration }} old',
              description: std.join(' ', [
                'The last successful fetch of {{ $labels.page }} by {{ $labels.instance }} was',
                '{{ $value | humanizeDuration }} ago. Vendor incidents and outages on this page go',
                'unnoticed until it succeeds again.',
              ]),
            },
          },
          {
            alert: 'StatuspageExporterDown',
            expr: |||
              # Prometheus cannot scrape the exporter: every statuspage series goes
              # stale and no vendor alert can fire.
              up{%(sel)s} == 0
            ||| % { sel: sel },
            'for': c.exporterDownFor,
            labels: { severity: c.severities.exporterDown },
            annotations: {
              summary: 'statuspage_exporter cannot be scraped (job {{ $labels.job }}, target {{ $labels.instance }})',
              description: std.join(' ', [
                'Prometheus has failed to scrape target {{ $labels.instance }} of job {{ $labels.job }}',
                'for %s. Vendor incidents and outages go unnoticed while it lasts.' % u.words(c.exporterDownFor),
              ]),
            },
          },
          {
            alert: 'StatuspageExporterReloadFailed',
            expr: |||
              # The last configuration load failed; the previous configuration
              # keeps serving until the file is fixed.
              statuspage_exporter_config_last_reload_successful{%(sel)s} == 0
            ||| % { sel: sel },
            labels: { severity: c.severities.reloadFailed },
            annotations: {
              summary: 'statuspage_exporter on {{ $labels.instance }}: configuration reload failed',
              description: std.join(' ', [
                'statuspage_exporter on {{ $labels.instance }} rejected its new configuration and',
                'keeps running the previous one. Its log names the error;',
                'statuspage_exporter --config.check shows it too.',
              ]),
            },
          },
        ],
      },
    ],
  },
}
