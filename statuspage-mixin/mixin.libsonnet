// statuspage-mixin: alerts, recording rules and a Grafana dashboard for
// statuspage_exporter, in the shape of the monitoring mixins
// (prometheusAlerts, prometheusRules, grafanaDashboards, _config).
(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'rules/rules.libsonnet') +
(import 'dashboards/dashboards.libsonnet')
