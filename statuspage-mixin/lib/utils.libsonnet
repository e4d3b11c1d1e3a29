// Small helpers shared by the alerts, the rules and the dashboard.
{
  // labels(['job', 'page']) is 'job, page', for by (...) and on (...).
  labels(list):: std.join(', ', list),

  // seconds('15m') is 900: PromQL 2.x compares numbers, not durations.
  seconds(d)::
    local units = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
    local n = std.length(d);
    local unit = d[n - 1];
    assert std.objectHas(units, unit) : 'duration %s: want a number and one of s, m, h, d, w' % d;
    std.parseInt(d[0:n - 1]) * units[unit],

  // words('5m') is '5 minutes', for annotations.
  words(d)::
    local names = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' };
    local n = std.parseInt(d[0:std.length(d) - 1]);
    '%d %s%s' % [n, names[d[std.length(d) - 1]], if n == 1 then '' else 's'],

  // lookup is the text/template pipeline that queries metric for the
  // series of one alert, matching the alert's labels keys, and hands the
  // result to the template's `with`: e.g. lookup('statuspage_incident_info',
  // ['job', 'page', 'incident_id']).
  lookup(metric, keys, suffix='')::
    'printf "%s{%s}%s" %s | query' % [
      metric,
      std.join(',', ['%s=%%q' % k for k in keys]),
      suffix,
      std.join(' ', ['$labels.%s' % k for k in keys]),
    ],
}
