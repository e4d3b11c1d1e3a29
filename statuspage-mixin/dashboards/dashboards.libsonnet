// The "Vendor status pages" dashboard: page overview, availability,
// components, incidents and maintenance, and the exporter's own health.
local g = import '../lib/grafana.libsonnet';
local u = import '../lib/utils.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    // Page series of the selected exporter jobs and pages.
    local pages = 'job=~"$job",page=~"$page"',
    local jobs = 'job=~"$job"',

    local statusColours = g.stateColours([
      ['operational', 'green'],
      ['degraded_performance', 'yellow'],
      ['partial_outage', 'orange'],
      ['major_outage', 'red'],
      ['under_maintenance', 'blue'],
    ]),
    local impactColours = g.stateColours([
      ['none', 'green'],
      ['minor', 'yellow'],
      ['major', 'orange'],
      ['critical', 'red'],
      ['maintenance', 'blue'],
    ]),
    local link = [{
      id: 'links',
      value: [{ title: 'Open on the status page', url: '${__data.fields.shortlink}', targetBlank: true }],
    }],
    local windows = c.availabilityWindows,
    local refs = [std.char(65 + i) for i in std.range(0, std.length(windows) - 1)],
    local availability = [
      g.byName(w, [
        { id: 'unit', value: 'percentunit' },
        { id: 'decimals', value: 2 },
        { id: 'custom.cellOptions', value: { type: 'color-text' } },
        {
          id: 'thresholds',
          value: {
            mode: 'absolute',
            steps: [
              { color: 'red', value: null },
              { color: 'orange', value: 0.99 },
              { color: 'green', value: 0.999 },
            ],
          },
        },
      ])
      for w in windows
    ],
    // A component's availability with its current name and group.
    local componentNames(expr) = |||
      %s
        * on (%s) group_left (component, group)
          group by (%s, component, group) (statuspage_component_status{%s})
    ||| % [expr, u.labels(c.pageLabels + ['component_id']), u.labels(c.pageLabels + ['component_id']), pages],
    local componentStatusColumns = [['page', 'Page'], ['group', 'Group'], ['component', 'Component'], ['status', 'Status']],

    local sections = [
      {
        title: 'Overview',
        panels: [
          g.stat('Pages failing to fetch',
                 'Pages whose last fetch failed (statuspage_up 0): their data is stale or missing.',
                 'count(statuspage_up{%s} == 0) or vector(0)' % pages,
                 ['green', [1, 'red']]),
          g.stat('Active incidents',
                 'Unresolved incidents on the selected pages.',
                 'count(statuspage_incident_info{%s}) or vector(0)' % pages,
                 ['green', [1, 'orange']]),
          g.stat('Components in outage',
                 'Components in partial or major outage.',
                 'count(statuspage_component_status{%s,status=~"partial_outage|major_outage"} == 1) or vector(0)' % pages,
                 ['green', [1, 'red']]),
          g.stat('Maintenances',
                 'Scheduled and active maintenances.',
                 'count(statuspage_maintenance_info{%s}) or vector(0)' % pages,
                 ['blue']),
          g.table(
            'Pages',
            "Each page's overall indicator, whether the last fetch succeeded, and how old the data is.",
            [
              g.target('A', 'max by (page, indicator) (statuspage_page_status{%s} == 1)' % pages, format='table'),
              g.target('B', 'min by (page) (statuspage_up{%s})' % pages, format='table'),
              g.target('C', 'time() - max by (page) (statuspage_last_success_timestamp_seconds{%s})' % pages, format='table'),
            ],
            [['page', 'Page'], ['indicator', 'Indicator'], ['Value #B', 'Fetch'], ['Value #C', 'Data age']],
            'Page',
            overrides=[
              g.byName('Indicator', impactColours + [{ id: 'noValue', value: 'unknown' }]),
              g.byName('Fetch', [
                {
                  id: 'mappings',
                  value: [{
                    type: 'value',
                    options: {
                      '1': { text: 'ok', color: 'green', index: 0 },
                      '0': { text: 'failing', color: 'red', index: 1 },
                    },
                  }],
                },
                { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
              ]),
              g.byName('Data age', [{ id: 'unit', value: 's' }]),
            ],
          ),
        ],
      },
      {
        title: 'Availability',
        panels: [
          g.table(
            'Availability by page',
            'Fraction of the time in each window during which no component of the page was in partial or major outage. Planned maintenance counts as available; time without data counts neither way (README: Availability).',
            [
              g.target(refs[i], 'statuspage_page:availability%s{%s}' % [windows[i], pages], format='table')
              for i in std.range(0, std.length(windows) - 1)
            ],
            [['page', 'Page']] + [['Value #%s' % refs[i], windows[i]] for i in std.range(0, std.length(windows) - 1)],
            windows[std.length(windows) - 1],
            overrides=availability,
            w=12,
            h=10,
          ),
          g.table(
            'Availability by component',
            'Fraction of the time in each window during which the component was not in partial or major outage. Planned maintenance counts as available.',
            [
              g.target(refs[i], componentNames('statuspage_component:availability%s{%s}' % [windows[i], pages]), format='table')
              for i in std.range(0, std.length(windows) - 1)
            ],
            [['page', 'Page'], ['group', 'Group'], ['component', 'Component']] +
            [['Value #%s' % refs[i], windows[i]] for i in std.range(0, std.length(windows) - 1)],
            windows[std.length(windows) - 1],
            overrides=availability,
            w=12,
            h=10,
          ),
        ],
      },
      {
        title: 'Components',
        panels: [
          g.table(
            'Components not operational',
            'Components in any state but operational, under maintenance included.',
            [g.target('A', 'max by (page, group, component, status) (statuspage_component_status{%s,status!="operational"} == 1)' % pages, format='table')],
            componentStatusColumns,
            'Page',
            overrides=[g.byName('Status', statusColours)],
            w=12,
          ),
          g.timeseries(
            'Components in outage',
            'Components in partial or major outage, by page.',
            [g.target('A', 'count by (page) (statuspage_component_status{%s,status=~"partial_outage|major_outage"} == 1)' % pages, instant=false, legend='{{page}}')],
            'short',
            { decimals: 0 },
          ),
          g.table(
            'Component status',
            'Every component of the selected pages with its current status.',
            [g.target('A', 'max by (page, group, component, status) (statuspage_component_status{%s} == 1)' % pages, format='table')],
            componentStatusColumns,
            'Page',
            overrides=[g.byName('Status', statusColours)],
            h=10,
          ),
        ],
      },
      {
        title: 'Incidents and maintenance',
        panels: [
          g.table(
            'Active incidents',
            "Unresolved incidents; the name links to the incident on the vendor's page.",
            [
              g.target('A', 'max by (page, incident_id, name, shortlink) (statuspage_incident_info{%s})' % pages, format='table'),
              g.target('B', 'max by (page, incident_id, impact) (statuspage_incident_impact{%s} == 1)' % pages, format='table'),
              g.target('C', 'max by (page, incident_id, status) (statuspage_incident_status{%s} == 1)' % pages, format='table'),
              g.target('D', 'max by (page, incident_id) (statuspage_incident_started_timestamp_seconds{%s}) * 1000' % pages, format='table'),
            ],
            [['page', 'Page'], ['name', 'Incident'], ['impact', 'Impact'], ['status', 'Status'], ['Value #D', 'Started']],
            'Started',
            overrides=[
              g.byName('Impact', impactColours),
              g.byName('Incident', link),
              g.byName('Started', [{ id: 'unit', value: 'dateTimeAsIso' }]),
            ],
          ),
          g.table(
            'Maintenance schedule',
            "Scheduled and active maintenances with their window; the name links to the vendor's page.",
            [
              g.target('A', 'max by (page, maintenance_id, name, shortlink) (statuspage_maintenance_info{%s})' % pages, format='table'),
              g.target('B', 'max by (page, maintenance_id, status) (statuspage_maintenance_status{%s} == 1)' % pages, format='table'),
              g.target('C', 'max by (page, maintenance_id) (statuspage_maintenance_scheduled_start_timestamp_seconds{%s}) * 1000' % pages, format='table'),
              g.target('D', 'max by (page, maintenance_id) (statuspage_maintenance_scheduled_end_timestamp_seconds{%s}) * 1000' % pages, format='table'),
            ],
            [['page', 'Page'], ['name', 'Maintenance'], ['status', 'Status'], ['Value #C', 'Starts'], ['Value #D', 'Ends']],
            'Starts',
            overrides=[
              g.byName('Maintenance', link),
              g.byName('Starts', [{ id: 'unit', value: 'dateTimeAsIso' }]),
              g.byName('Ends', [{ id: 'unit', value: 'dateTimeAsIso' }]),
            ],
          ),
        ],
      },
      {
        title: 'Exporter',
        panels: [
          g.stat('Configuration',
                 "Whether the exporter's last configuration load succeeded.",
                 'min(statuspage_exporter_config_last_reload_successful{%s})' % jobs,
                 ['green'],
                 w=4,
                 mappings=[{
                   type: 'value',
                   options: {
                     '1': { text: 'loaded', color: 'green', index: 0 },
                     '0': { text: 'reload failed', color: 'red', index: 1 },
                   },
                 }]),
          g.stat('Configured pages',
                 "Pages in the exporter's configuration.",
                 'sum(statuspage_exporter_pages{%s})' % jobs,
                 ['blue'],
                 w=4),
          g.table(
            'Build',
            'Version of each exporter instance.',
            [g.target('A', 'statuspage_exporter_build_info{%s}' % jobs, format='table')],
            [['instance', 'Instance'], ['version', 'Version'], ['revision', 'Revision'], ['branch', 'Branch'], ['goversion', 'Go']],
            'Instance',
            w=16,
            h=4,
          ),
          g.timeseries(
            'Fetch success by page',
            "statuspage_up: 1 when the page's data comes from a fetch that succeeded within cache_ttl.",
            [g.target('A', 'min by (page) (statuspage_up{%s})' % pages, instant=false, legend='{{page}}')],
            'short',
            { max: 1, decimals: 0 },
          ),
          g.timeseries(
            'Data age by page',
            'How old the data shown for each page is.',
            [g.target('A', 'time() - max by (page) (statuspage_last_success_timestamp_seconds{%s})' % pages, instant=false, legend='{{page}}')],
            's',
          ),
          g.timeseries(
            'Upstream requests by HTTP status',
            'Requests to the status pages per second; code 0 means no response.',
            [g.target('A', 'sum by (code) (rate(statuspage_exporter_upstream_requests_total{%s}[$__rate_interval]))' % jobs, instant=false, legend='{{code}}')],
            'reqps',
            w=8,
          ),
          g.timeseries(
            'Upstream request duration',
            '90th and 50th percentile of upstream request durations.',
            [
              g.target('A', 'histogram_quantile(0.9, sum by (le) (rate(statuspage_exporter_upstream_request_duration_seconds_bucket{%s}[$__rate_interval])))' % jobs, instant=false, legend='p90'),
              g.target('B', 'histogram_quantile(0.5, sum by (le) (rate(statuspage_exporter_upstream_request_duration_seconds_bucket{%s}[$__rate_interval])))' % jobs, instant=false, legend='p50'),
            ],
            's',
            w=8,
          ),
          g.timeseries(
            'Cache lookups by outcome',
            'hit: fresh cached data; miss: a new request; shared: joined one in flight; stale: old data served; error: nothing to serve.',
            [g.target('A', 'sum by (outcome) (rate(statuspage_exporter_cache_lookups_total{%s}[$__rate_interval]))' % jobs, instant=false, legend='{{outcome}}')],
            'ops',
            w=8,
          ),
        ],
      },
    ],

    'statuspage.json': {
      __requires: [
        { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
        { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
        { type: 'panel', id: 'stat', name: 'Stat', version: '' },
        { type: 'panel', id: 'table', name: 'Table', version: '' },
        { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
      ],
      title: c.dashboardTitle,
      description: 'Vendor status pages exported by statuspage_exporter: page overview, availability, components, incidents, maintenance and exporter health.',
      uid: c.dashboardUid,
      tags: c.dashboardTags,
      editable: true,
      graphTooltip: 1,
      refresh: c.dashboardRefresh,
      schemaVersion: 39,
      version: 1,
      time: { from: c.dashboardTimeFrom, to: 'now' },
      timepicker: {},
      timezone: '',
      links: [],
      annotations: { list: [] },
      templating: {
        list: [
          g.datasourceVariable,
          g.labelVariable('job', 'Exporter job', 'statuspage_up{%s}' % c.statuspageSelector),
          g.labelVariable('page', 'Page', 'statuspage_up{job=~"$job"}'),
        ],
      },
      panels: g.layout(sections),
    },
  },
}
