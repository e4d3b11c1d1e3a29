package statuspage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// AWS Health's public dashboard feed (https://health.aws.amazon.com/public/currentevents)
// is undocumented. It answers UTF-16 JSON (utf8Body converts it before
// decodeAWS sees it): a top-level array of the open events, [] when there
// are none. Its fields come as strings or numbers from one event to the
// next, so every one is read leniently. The only permissive capture is an
// archived, already resolved event; the rest of what this file knows
// (arn, millisecond times) comes from other clients and is unverified.
//
// What maps to what:
//
//   - An event is open while it has no end_time (absent, null, "", 0) and
//     its status is not 0: the capture's resolved event has both, and
//     other clients (stts) read status "0" alone as resolved. A resolved
//     event makes nothing.
//   - An event's region is the fourth field of its arn
//     (arn:aws:health:<region>:...; empty is "global"); without an arn, the
//     region suffix of its service ("ec2-us-west-2"); without either, the
//     regions of its impacted services, and "global" when nothing names
//     one. region_name is a display name ("Oregon") and is not read.
//   - The page's aws.regions allow-list (required) drops events of other
//     regions whole; the optional aws.services allow-list keeps an event
//     whose service, or one of whose impacted services, it names. Both
//     compare case-insensitively.
//   - Components are the impacted_services entries of open events that
//     both lists allow: id the key ("ec2-us-west-2"), name its service_name,
//     status from current (0 and 1 operational, 2 degraded_performance,
//     3 partial_outage, another code kept as its own state; the worst code
//     wins when several events name a key). Their group is their region
//     (the key's suffix, else the event's), a group row without a status
//     of its own. A key's service is the key without its region suffix.
//   - Each open event is an incident: id the arn (without one,
//     "<service>@<date>" in epoch seconds, or a hash of the summary when
//     both are missing), name summary, impact from status (1 none, 2 minor,
//     3 major, another code kept), started date, updated the newest of
//     date and the event_log timestamps (the capture's only log entry is
//     older than its date: AWS posts some events after the fact), affected
//     components its allowed impacted services. AWS has no lifecycle (investigating,
//     resolved…): its codes are severities, already the impact, so the
//     incident status stays absent.
//   - Times are epoch seconds; a value above 1e11 is taken as milliseconds
//     (1e11 s is the year 5138, 1e11 ms 1973). An RFC 3339 string is read
//     too.
//   - No page indicator (derived), no maintenances, no shortlinks, no
//     component update times.
func decodeAWS(docs [][]byte, o *DecodeOptions) (*Summary, error) {
	var body []byte
	if len(docs) > 0 {
		body = docs[0]
	}
	if err := otherPlatform(body, config.ProviderAWS); err != nil {
		return nil, err
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, wrongShape(body, config.ProviderAWS, "not a JSON array of events")
	}
	var events []awsEvent
	if err := decodeLenient(body, &events); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	n := 0
	for i := range events {
		if events[i].event {
			n++
		}
	}
	if n == 0 && len(events) > 0 {
		return nil, wrongShape(body, config.ProviderAWS, "an array without AWS Health event objects")
	}
	b := newAWSBuilder(o)
	for i := range events {
		if e := &events[i]; e.event && e.open() {
			b.add(e)
		}
	}
	return b.summary(), nil
}

// awsEvent is one element of the feed. An element that is not an object,
// or an object without any of an event's keys (null counts as without),
// is not an event (event false): {} or another platform's object is not
// an open event.
type awsEvent struct {
	event           bool
	ARN             jsonText
	Date            awsTime
	Status          awsCode
	Service         jsonText
	Summary         jsonText
	EndTime         awsCode
	EventLog        []awsLogEntry
	ImpactedService map[string]awsImpactedItem
}

// awsEventKeys are an event's keys, read raw to know which are there.
// region_name and service_name only count for that.
type awsEventKeys struct {
	ARN             json.RawMessage `json:"arn"`
	Date            json.RawMessage `json:"date"`
	Status          json.RawMessage `json:"status"`
	Service         json.RawMessage `json:"service"`
	ServiceName     json.RawMessage `json:"service_name"`
	RegionName      json.RawMessage `json:"region_name"`
	Summary         json.RawMessage `json:"summary"`
	EndTime         json.RawMessage `json:"end_time"`
	EventLog        json.RawMessage `json:"event_log"`
	ImpactedService json.RawMessage `json:"impacted_services"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *awsEvent) UnmarshalJSON(b []byte) error {
	*e = awsEvent{}
	var k awsEventKeys
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &k) != nil {
		return nil
	}
	present := func(raw json.RawMessage) bool { return len(raw) > 0 && !bytes.Equal(raw, []byte("null")) }
	for _, raw := range []json.RawMessage{k.ARN, k.Date, k.Status, k.Service, k.ServiceName, k.RegionName,
		k.Summary, k.EndTime, k.EventLog, k.ImpactedService} {
		e.event = e.event || present(raw)
	}
	if !e.event {
		return nil
	}
	// Each value is valid JSON (the document was): the decoders below
	// only meet type mismatches, which leave the field empty.
	for _, f := range []struct {
		raw json.RawMessage
		v   json.Unmarshaler
	}{
		{k.ARN, &e.ARN}, {k.Date, &e.Date}, {k.Status, &e.Status}, {k.Service, &e.Service},
		{k.Summary, &e.Summary}, {k.EndTime, &e.EndTime},
	} {
		if present(f.raw) {
			_ = f.v.UnmarshalJSON(f.raw)
		}
	}
	if present(k.EventLog) {
		_ = decodeLenient(k.EventLog, &e.EventLog)
	}
	if present(k.ImpactedService) {
		_ = decodeLenient(k.ImpactedService, &e.ImpactedService)
	}
	return nil
}

// open reports whether e is still open: no end_time (an end_time of 0
// or below is none), and a status other than 0.
func (e *awsEvent) open() bool {
	if e.EndTime.set() && !(e.EndTime.num.OK && e.EndTime.num.Value <= 0) {
		return false
	}
	return !e.Status.is(0)
}

type awsLogEntry struct {
	Timestamp awsTime `json:"timestamp"`
}

// awsImpactedItem is an impacted_services entry; one that is not an
// object names no service.
type awsImpactedItem struct {
	object      bool
	ServiceName jsonText `json:"service_name"`
	Current     awsCode  `json:"current"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *awsImpactedItem) UnmarshalJSON(b []byte) error {
	*s = awsImpactedItem{}
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' {
		return nil
	}
	type plain awsImpactedItem
	var p plain
	_ = decodeLenient(b, &p)
	*s = awsImpactedItem(p)
	s.object = true
	return nil
}

// awsCode is one of AWS's status codes, a number or a string holding one
// (or, unverified, anything else: kept as text).
type awsCode struct {
	text jsonText
	num  jsonNumber
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *awsCode) UnmarshalJSON(b []byte) error {
	*c = awsCode{}
	_ = c.text.UnmarshalJSON(b)
	_ = c.num.UnmarshalJSON(b)
	return nil
}

func (c awsCode) set() bool { return c.num.OK || strings.TrimSpace(string(c.text)) != "" }

func (c awsCode) is(v float64) bool { return c.num.OK && c.num.Value == v }

// own is the code as a state of its own: the number as Go writes it, or the
// text as normalState spells it.
func (c awsCode) own() string {
	if c.num.OK {
		return strconv.FormatFloat(c.num.Value, 'g', -1, 64)
	}
	return normalState(string(c.text))
}

// componentStatus is the component status a current code says.
func (c awsCode) componentStatus() string {
	switch {
	case c.is(0), c.is(1):
		return "operational"
	case c.is(2):
		return "degraded_performance"
	case c.is(3):
		return "partial_outage"
	}
	return c.own()
}

// impact is the incident impact an event's status says (0, resolved, does
// not get here).
func (c awsCode) impact() string {
	switch {
	case c.is(1):
		return "none"
	case c.is(2):
		return "minor"
	case c.is(3):
		return "major"
	}
	return c.own()
}

// worse reports whether c is a worse current code than d: a missing code
// is the best, a number is worse the higher it is, and a code that is not a
// number is worse than any number (unknown must not hide behind a known
// one); between two such texts the first stays.
func (c awsCode) worse(d awsCode) bool {
	rank := func(c awsCode) int {
		switch {
		case c.num.OK:
			return 1
		case c.set():
			return 2
		}
		return 0
	}
	if rc, rd := rank(c), rank(d); rc != rd {
		return rc > rd
	}
	return c.num.OK && c.num.Value > d.num.Value
}

// awsTime is an AWS time: epoch seconds or milliseconds, as a number or a
// string holding one; an RFC 3339 string is read too.
type awsTime struct{ Timestamp }

// UnmarshalJSON implements json.Unmarshaler.
func (t *awsTime) UnmarshalJSON(b []byte) error {
	var n jsonNumber
	_ = n.UnmarshalJSON(b)
	if n.OK {
		t.Time = epochTime(n.Value)
		return nil
	}
	return t.Timestamp.UnmarshalJSON(b)
}

// maxEpoch is the last second of the year 9999: later is not a time a
// status page means.
const maxEpoch = 253402300799

// epochTime reads v as epoch seconds, or as milliseconds when it is above
// 1e11 (a time in seconds that large is beyond the year 5000); zero,
// negative and out-of-range values are the zero time (absent).
func epochTime(v float64) time.Time {
	if v > 1e11 {
		v /= 1000
	}
	if !(v > 0 && v <= maxEpoch) { // also NaN
		return time.Time{}
	}
	sec := math.Floor(v)
	return time.Unix(int64(sec), int64((v-sec)*1e9)).UTC()
}

// splitRegion splits an AWS key such as "ec2-us-west-2" or
// "ec2-us-gov-west-1" into its service and its region, both lower case:
// the region is the trailing "<two letters>-<word>-<digits>" or
// "<two letters>-<word>-<word>-<digits>". Without such a suffix the whole
// key is the service and the region is "".
func splitRegion(key string) (service, region string) {
	key = strings.ToLower(strings.TrimSpace(key))
	parts := strings.Split(key, "-")
	for _, n := range []int{3, 4} {
		if len(parts) < n {
			break
		}
		tail := parts[len(parts)-n:]
		if isRegion(tail) {
			return strings.Join(parts[:len(parts)-n], "-"), strings.Join(tail, "-")
		}
	}
	return key, ""
}

func isRegion(parts []string) bool {
	letters := func(s string) bool {
		for _, r := range s {
			if r < 'a' || r > 'z' {
				return false
			}
		}
		return s != ""
	}
	digits := func(s string) bool {
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return s != ""
	}
	last := len(parts) - 1
	if len(parts[0]) != 2 || !letters(parts[0]) || !digits(parts[last]) {
		return false
	}
	for _, p := range parts[1:last] {
		if !letters(p) {
			return false
		}
	}
	return true
}

// arnFields splits an arn into its fields, nil when it is not one. The
// sixth field, the resource, may hold colons of its own.
func arnFields(arn string) []string {
	f := strings.SplitN(strings.TrimSpace(arn), ":", 6)
	if len(f) < 4 || f[0] != "arn" {
		return nil
	}
	return f
}

// region is e's own region (see decodeAWS), "" when only its impacted
// services can tell.
func (e *awsEvent) region() string {
	if f := arnFields(string(e.ARN)); f != nil {
		if r := strings.ToLower(strings.TrimSpace(f[3])); r != "" {
			return r
		}
		return "global"
	}
	if _, r := splitRegion(string(e.Service)); r != "" {
		return r
	}
	return ""
}

// service is e's own service: its service field without the region, else
// the arn's "event/<SERVICE>/..." resource (unverified).
func (e *awsEvent) service() string {
	if s, _ := splitRegion(string(e.Service)); s != "" {
		return s
	}
	if f := arnFields(string(e.ARN)); len(f) == 6 {
		if rest, ok := strings.CutPrefix(f[5], "event/"); ok {
			s, _, _ := strings.Cut(rest, "/")
			return strings.ToLower(s)
		}
	}
	return ""
}

// id is e's incident id: the arn, else its service and date, else a hash
// of its summary (stable while the event is open).
func (e *awsEvent) id() string {
	if arn := strings.TrimSpace(string(e.ARN)); arn != "" {
		return arn
	}
	service := strings.TrimSpace(string(e.Service))
	if service != "" || !e.Date.IsZero() {
		date := ""
		if !e.Date.IsZero() {
			date = strconv.FormatInt(e.Date.Unix(), 10)
		}
		return service + "@" + date
	}
	h := fnv.New64a()
	h.Write([]byte(e.Summary))
	return "summary-" + strconv.FormatUint(h.Sum64(), 16)
}

// awsBuilder collects the open events that a page's allow-lists keep.
type awsBuilder struct {
	regions, services map[string]bool // services nil: all
	s                 Summary
	components        map[string]int // by key: index in s.Components
	codes             []awsCode      // the worst current code of each component
	groups            map[string]bool
	incidents         map[string]bool
}

func newAWSBuilder(o *DecodeOptions) *awsBuilder {
	b := &awsBuilder{
		components: make(map[string]int),
		groups:     make(map[string]bool),
		incidents:  make(map[string]bool),
	}
	if o != nil {
		// No region allows none (the configuration requires some).
		b.regions, b.services = allowList(o.AWS.Regions), allowList(o.AWS.Services)
	}
	b.s.Derive = true
	return b
}

func (b *awsBuilder) serviceAllowed(s string) bool { return b.services == nil || b.services[s] }

// awsImpacted is an impacted service of an event, where the allow-lists
// place it.
type awsImpacted struct {
	key, service, region string
	item                 *awsImpactedItem
}

// add adds an open event e: its incident and its components, as far as
// the allow-lists keep them.
func (b *awsBuilder) add(e *awsEvent) {
	region := e.region()
	keys := make([]string, 0, len(e.ImpactedService))
	for k, v := range e.ImpactedService {
		if v.object {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // map order is random; the document's order is lost
	var kept []awsImpacted
	regionHit := false // one of the keys is in an allowed region
	for _, k := range keys {
		service, r := splitRegion(k)
		if r == "" {
			r = region
		}
		if r == "" {
			r = "global"
		}
		if !b.regions[r] {
			continue
		}
		regionHit = true
		if service == "" || !b.serviceAllowed(service) {
			continue // a bare region names no service
		}
		item := e.ImpactedService[k]
		kept = append(kept, awsImpacted{k, service, r, &item})
	}
	switch {
	case region != "":
		if !b.regions[region] {
			return
		}
	case len(keys) == 0:
		if !b.regions["global"] {
			return
		}
	case !regionHit:
		return // only impacted services tell the region, and none is allowed
	}
	if len(kept) == 0 && !b.serviceAllowed(e.service()) {
		return
	}
	id := e.id()
	if b.incidents[id] {
		return // a repeated event: the first stays
	}
	b.incidents[id] = true
	in := Incident{ID: id, Name: string(e.Summary)}
	if e.Status.set() {
		in.Impact = e.Status.impact()
	}
	in.StartedAt = e.Date.Timestamp
	in.UpdatedAt = e.Date.Timestamp
	for i := range e.EventLog {
		if t := e.EventLog[i].Timestamp; t.After(in.UpdatedAt.Time) {
			in.UpdatedAt = t.Timestamp
		}
	}
	for _, c := range kept {
		in.Components = append(in.Components, AffectedComponent{ID: c.key, Name: string(c.item.ServiceName)})
		b.component(c)
	}
	b.s.Incidents = append(b.s.Incidents, in)
}

// component adds c, or makes the component of its key worse.
func (b *awsBuilder) component(c awsImpacted) {
	if i, ok := b.components[c.key]; ok {
		if c.item.Current.worse(b.codes[i]) {
			b.codes[i] = c.item.Current
			b.s.Components[i].Status = componentStatusOf(c.item.Current)
		}
		if b.s.Components[i].Name == "" {
			b.s.Components[i].Name = string(c.item.ServiceName)
		}
		return
	}
	if !b.groups[c.region] {
		b.groups[c.region] = true
		b.s.Components = append(b.s.Components, Component{ID: c.region, Name: c.region, Group: true})
		b.codes = append(b.codes, awsCode{})
	}
	b.components[c.key] = len(b.s.Components)
	b.s.Components = append(b.s.Components, Component{
		ID:      c.key,
		Name:    string(c.item.ServiceName),
		Status:  componentStatusOf(c.item.Current),
		GroupID: c.region,
	})
	b.codes = append(b.codes, c.item.Current)
}

func componentStatusOf(c awsCode) string {
	if !c.set() {
		return ""
	}
	return c.componentStatus()
}

// summary returns what b collected. A component whose key is also a
// region's group id (only a malformed feed does that) is left out, so ids
// stay unique.
func (b *awsBuilder) summary() *Summary {
	clash := func(id string) bool { return b.groups[id] }
	b.s.Components = slicesKeep(b.s.Components, func(c *Component) bool { return c.Group || !clash(c.ID) })
	for i := range b.s.Incidents {
		in := &b.s.Incidents[i]
		in.Components = slicesKeep(in.Components, func(a *AffectedComponent) bool { return !clash(a.ID) })
	}
	s := b.s
	return &s
}
