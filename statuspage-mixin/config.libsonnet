// The mixin's settings. Override any of them with
//   (import 'statuspage-mixin/mixin.libsonnet') + { _config+:: { ... } }
{
  _config+:: {
    // Selects every series of statuspage_exporter: the jobs that scrape
    // /metrics and /probe. The default matches examples/prometheus.yml.
    statuspageSelector: 'job=~"statuspage|statuspage_probe"',

    // The labels that tell one page's series apart. A page's series come
    // from one scrape target, so job and instance are part of it; add a
    // label such as cluster when one Prometheus sees several exporters
    // through federation or remote storage.
    pageLabels: ['job', 'instance', 'page'],

    // How long each condition must hold before its alert fires.
    incidentFor: '1m',
    componentOutageFor: '5m',
    pageUnreachableFor: '10m',
    exporterDownFor: '5m',

    // The exporter's max_stale: StatuspageDataStale fires when a page's
    // newest data is older. Keep it in step with the exporter's
    // configuration (defaults.max_stale, 15m by default).
    maxStale: '15m',

    // Severity label of each alert.
    severities: {
      incident: 'warning',
      componentOutage: 'warning',
      pageUnreachable: 'warning',
      dataStale: 'warning',
      exporterDown: 'warning',
      reloadFailed: 'warning',
    },

    // Availability recording rules: the windows, and how often the
    // windowed rules are evaluated (each evaluation reads every sample of
    // the longest window).
    availabilityWindows: ['1d', '7d', '30d'],
    availabilityInterval: '3m',

    // The Grafana dashboard.
    dashboardUid: 'statuspage-exporter',
    dashboardTitle: 'Vendor status pages',
    dashboardTags: ['statuspage', 'prometheus'],
    dashboardRefresh: '1m',
    dashboardTimeFrom: 'now-24h',
  },
}
