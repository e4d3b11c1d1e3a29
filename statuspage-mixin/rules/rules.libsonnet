// Availability of vendor components and pages, per window, with planned
// maintenance counted as available.
//
// A component is available at an instant when the exporter serves a known
// status for it (its fresh data, or the last good data it still serves
// while fetches fail) and that status is operational,
// degraded_performance or under_maintenance, or partial_outage or
// major_outage while a maintenance that lists the component is
// in_progress or verifying. It is unavailable in partial_outage or
// major_outage outside such a maintenance. An unknown status, and time
// without data (the page unreachable past max_stale, the exporter down),
// count neither way.
//
// A page is available at an instant when none of its components is
// unavailable. Availability over a window is the fraction of the
// instants in it, one per rule evaluation, at which the component or page
// was available, among those at which it had a status.
local u = import '../lib/utils.libsonnet';

{
  prometheusRules+:: {
    local c = $._config,
    local sel = c.statuspageSelector,
    local page = u.labels(c.pageLabels),
    local component = u.labels(c.pageLabels + ['component_id']),

    groups+: [
      {
        name: 'statuspage-availability',
        rules: [
          {
            record: 'statuspage_component:available',
            expr: |||
              # 0: in partial or major outage, outside a maintenance that covers it...
              0 * (
                max by (%(component)s) (
                  statuspage_component_status{%(sel)s,status=~"partial_outage|major_outage"} == 1
                )
                unless on (%(component)s) (
                  statuspage_maintenance_affected_component_info{%(sel)s}
                  and on (%(page)s, maintenance_id)
                    statuspage_maintenance_status{%(sel)s,status=~"in_progress|verifying"} == 1
                )
              )
              # ...else 1 for every other known status; no sample for an unknown one.
              or
              max by (%(component)s) (
                statuspage_component_status{%(sel)s,status=~"operational|degraded_performance|under_maintenance|partial_outage|major_outage"} == 1
              )
            ||| % { sel: sel, page: page, component: component },
          },
          {
            record: 'statuspage_page:available',
            expr: |||
              min by (%(page)s) (statuspage_component:available)
            ||| % { page: page },
          },
        ],
      },
      {
        name: 'statuspage-availability-windows',
        interval: c.availabilityInterval,
        rules: [
          {
            record: 'statuspage_%s:availability%s' % [level, w],
            expr: 'avg_over_time(statuspage_%s:available[%s])\n' % [level, w],
          }
          for level in ['component', 'page']
          for w in c.availabilityWindows
        ],
      },
    ],
  },
}
