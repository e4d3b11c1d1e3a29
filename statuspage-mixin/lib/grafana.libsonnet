// The few Grafana (10+) dashboard structures the mixin needs, written as
// plain objects: panels get their data source from the dashboard's
// `datasource` variable, and `layout` gives them ids and positions.
{
  datasource:: { type: 'prometheus', uid: '${datasource}' },

  // A query. An instant query gives a table or a single value, a range
  // query a graph.
  target(refId, expr, instant=true, format='time_series', legend=null):: {
    datasource: $.datasource,
    refId: refId,
    expr: expr,
    instant: instant,
    range: !instant,
    format: format,
  } + (if legend == null then {} else { legendFormat: legend }),

  // Colours for a state label's values, shown as the cell's background.
  stateColours(colours):: [
    { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
    {
      id: 'mappings',
      value: [{
        type: 'value',
        options: {
          [colours[i][0]]: { color: colours[i][1], index: i }
          for i in std.range(0, std.length(colours) - 1)
        },
      }],
    },
  ],

  byName(name, properties):: { matcher: { id: 'byName', options: name }, properties: properties },

  // A panel w columns wide (of 24) and h units high.
  panel(type, title, description, w, h):: {
    type: type,
    title: title,
    description: description,
    datasource: $.datasource,
    w:: w,
    h:: h,
  },

  // One big number of an instant query.
  stat(title, description, expr, steps, w=6, mappings=[])::
    $.panel('stat', title, description, w, 4) {
      targets: [$.target('A', expr)],
      fieldConfig: {
        defaults: {
          unit: 'none',
          mappings: mappings,
          thresholds: {
            mode: 'absolute',
            steps: [{ color: steps[0], value: null }] +
                   [{ color: s[1], value: s[0] } for s in steps[1:]],
          },
        },
        overrides: [],
      },
      options: {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'background',
        graphMode: 'none',
        textMode: 'value',
        justifyMode: 'auto',
        orientation: 'auto',
      },
    },

  // A table of instant queries, merged on their labels when there are
  // several. columns lists the fields shown (a label, or "Value #<refId>"
  // for a query's value) with their headers, in order.
  table(title, description, targets, columns, sortBy, overrides=[], w=24, h=8)::
    $.panel('table', title, description, w, h) {
      targets: targets,
      fieldConfig: {
        defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' } } },
        overrides: overrides,
      },
      options: { showHeader: true, cellHeight: 'sm', footer: { show: false } },
      transformations:
        (if std.length(targets) > 1 then [{ id: 'merge', options: {} }] else []) + [
          { id: 'filterFieldsByName', options: { include: { names: [c[0] for c in columns] } } },
          {
            id: 'organize',
            options: {
              renameByName: { [c[0]]: c[1] for c in columns },
              indexByName: { [columns[i][0]]: i for i in std.range(0, std.length(columns) - 1) },
            },
          },
          { id: 'sortBy', options: { sort: [{ field: sortBy }] } },
        ],
    },

  // A graph of range queries, legend on the right.
  timeseries(title, description, targets, unit, defaults={}, w=12, h=8)::
    $.panel('timeseries', title, description, w, h) {
      targets: targets,
      fieldConfig: {
        defaults: {
          unit: unit,
          min: 0,
          custom: {
            drawStyle: 'line',
            lineWidth: 1,
            fillOpacity: 10,
            showPoints: 'never',
            spanNulls: false,
          },
        } + defaults,
        overrides: [],
      },
      options: {
        legend: { displayMode: 'table', placement: 'right', showLegend: true, calcs: ['lastNotNull'] },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
    },

  // A query variable of one label's values, multi-value with All.
  labelVariable(name, label, metric):: {
    name: name,
    label: label,
    type: 'query',
    datasource: $.datasource,
    query: { query: 'label_values(%s, %s)' % [metric, name], refId: 'StandardVariableQuery' },
    definition: 'label_values(%s, %s)' % [metric, name],
    refresh: 2,
    includeAll: true,
    allValue: '.*',
    multi: true,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    sort: 1,
    hide: 0,
  },

  datasourceVariable:: {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    current: {},
    options: [],
    refresh: 1,
    regex: '',
    hide: 0,
  },

  // layout places rows of panels: each section is a row header followed by
  // its panels, left to right, wrapping at 24 columns. Ids count from 1.
  layout(sections)::
    local place(state, p) =
      local x = if state.x + p.w > 24 then 0 else state.x;
      local y = if state.x + p.w > 24 then state.y + state.h else state.y;
      {
        x: x + p.w,
        y: y,
        h: if x == 0 then p.h else std.max(state.h, p.h),
        panels: state.panels + [p { gridPos: { h: p.h, w: p.w, x: x, y: y } }],
      };
    local section(state, s) =
      local top = state.y + state.h;
      local header = {
        type: 'row',
        title: s.title,
        collapsed: false,
        gridPos: { h: 1, w: 24, x: 0, y: top },
        panels: [],
      };
      std.foldl(place, s.panels, { x: 0, y: top + 1, h: 0, panels: state.panels + [header] });
    local placed = std.foldl(section, sections, { x: 0, y: 0, h: 0, panels: [] }).panels;
    [placed[i] { id: i + 1 } for i in std.range(0, std.length(placed) - 1)],
}
