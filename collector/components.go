package collector

import "github.com/statuspage-exporter/statuspage_exporter/statuspage"

// components emits component and group rows. Names are not unique on real
// pages (the same name under two groups, a group named like its child), so
// identity is the id; a repeated id is emitted once, first occurrence wins.
// Components find their group by the raw upstream id, the same identity
// that idLabel keeps apart.
func (e *emitter) components(cs []statuspage.Component) {
	groups := make(map[string]string)
	for i := range cs {
		if cs[i].Group && cs[i].ID != "" {
			if _, dup := groups[cs[i].ID]; !dup {
				groups[cs[i].ID] = label(cs[i].Name)
			}
		}
	}
	seen := make(idSet, len(cs))
	for i := range cs {
		c := &cs[i]
		id := idLabel(c.ID)
		if !seen.add(e, "component", id) {
			continue
		}
		name := label(c.Name)
		if c.Group {
			e.stateSet(groupStatusFamily, componentStatuses, c.Status, id, name)
			continue
		}
		group := groups[c.GroupID]
		e.stateSet(componentStatusFamily, componentStatuses, c.Status, id, name, group)
		e.timestamp(componentUpdatedFamily, c.UpdatedAt.Time, id, name, group)
	}
}
