package statuspage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// A provider reads one platform's public documents into a Summary, the
// model the collector translates. The platforms' facts (endpoints, shapes,
// vocabularies) are in each provider's file.
type provider struct {
	name string
	// documents returns the URLs to fetch for a page's checked URL; the
	// first is the page's main document. A document that answers 404 is
	// given to decode as nil when optional says so, and fails the fetch
	// otherwise.
	documents func(u *url.URL) []string
	optional  func(i int) bool
	// decode reads the documents, each converted to UTF-8 (see utf8Body).
	// A document of another platform's shape is an error made by
	// wrongShape. A Summary whose indicator the platform does not give has
	// Derive set and an empty indicator.
	decode func(docs [][]byte, o *DecodeOptions) (*Summary, error)
}

// DecodeOptions are the page settings a provider reads: the allow-lists
// of aws and gcp pages, and the page's configured URL.
type DecodeOptions struct {
	AWS config.AWSOptions
	GCP config.GCPOptions
	URL string
}

var providers = map[string]*provider{
	config.ProviderStatuspage: {
		name:      config.ProviderStatuspage,
		documents: func(u *url.URL) []string { return []string{summaryURL(u)} },
		decode:    decodeStatuspage,
	},
	config.ProviderStatusio: {name: config.ProviderStatusio, documents: documentItself, decode: decodeStatusio},
	config.ProviderSlack:    {name: config.ProviderSlack, documents: documentItself, decode: decodeSlack},
	config.ProviderGCP:      {name: config.ProviderGCP, documents: documentItself, decode: decodeGCP},
	config.ProviderAWS:      {name: config.ProviderAWS, documents: documentItself, decode: decodeAWS},
	config.ProviderInstatus: {
		name:      config.ProviderInstatus,
		documents: instatusDocuments,
		// Older Instatus pages serve no components document.
		optional: func(i int) bool { return i == 1 },
		decode:   decodeInstatus,
	},
}

// decodeStatuspage reads a Statuspage summary (see Decode). A document
// Decode refuses is named for the platform it looks like, if any.
func decodeStatuspage(docs [][]byte, _ *DecodeOptions) (*Summary, error) {
	s, err := Decode(docs[0])
	if err != nil {
		if perr := otherPlatform(docs[0], config.ProviderStatuspage); perr != nil {
			return nil, perr
		}
		return nil, err
	}
	return s, nil
}

// optional reports whether document i of t's provider may be missing.
func (t *Target) optional(i int) bool {
	return t.provider != nil && t.provider.optional != nil && t.provider.optional(i)
}

// instatusDocuments are an Instatus page's summary and components, under
// its base URL (a URL that names the summary is taken for its page).
func instatusDocuments(u *url.URL) []string {
	base := *u
	base.Path = strings.TrimSuffix(strings.TrimSuffix(base.Path, "/summary.json"), "/")
	base.RawPath = ""
	summary, components := base, base
	summary.Path += "/summary.json"
	components.Path += "/v3/components.json"
	return []string{summary.String(), components.String()}
}

// documentItself is the documents of providers whose configured URL is the
// document.
func documentItself(u *url.URL) []string { return []string{u.String()} }

// DecodeDocuments reads documents as t's page would, as a fetch does once
// the bodies have arrived: the bodies in the order its provider fetches
// them (nil for an optional one that is missing), each with the
// Content-Type it came with, converted to UTF-8; then the provider's
// decoder, the page's component filter and the derived indicator.
func (t *Target) DecodeDocuments(bodies [][]byte, contentTypes []string) (*Summary, error) {
	docs := make([][]byte, len(bodies))
	for i, b := range bodies {
		if b == nil {
			continue
		}
		ct := ""
		if i < len(contentTypes) {
			ct = contentTypes[i]
		}
		u, err := utf8Body(b, ct)
		if err != nil {
			return nil, err
		}
		docs[i] = u
	}
	p := t.provider
	if p == nil {
		p = providers[config.ProviderStatuspage]
	}
	s, err := p.decode(docs, &t.options)
	if err != nil {
		return nil, err
	}
	t.filter.apply(s)
	if s.Derive {
		s.Status.Indicator = deriveIndicator(s)
	}
	return s, nil
}

// Provider returns the name of t's platform.
func (t *Target) Provider() string {
	if t.provider == nil {
		return config.ProviderStatuspage
	}
	return t.provider.name
}

// Documents returns the URLs t fetches, the main document first.
func (t *Target) Documents() []string {
	if len(t.documents) == 0 {
		return []string{t.SummaryURL}
	}
	return t.documents
}

// setProvider gives t what its settings say about its platform: the
// documents of u to fetch, the decoder and the component filter.
func (t *Target) setProvider(u *url.URL, s *config.Settings) error {
	p, ok := providers[s.Provider]
	if !ok {
		return fmt.Errorf("provider: unknown %q", s.Provider)
	}
	filter, err := newComponentFilter(&s.Components)
	if err != nil {
		return fmt.Errorf("components: %w", err)
	}
	t.provider, t.filter = p, filter
	t.options = DecodeOptions{AWS: s.AWS, GCP: s.GCP, URL: u.String()}
	t.documents = p.documents(u)
	t.SummaryURL = t.documents[0]
	return nil
}

// wrongShape is the error for a document of another shape than the
// provider's: what it looks like, when that is known, and what the page
// expects.
func wrongShape(body []byte, provider, reason string) error {
	// A document that looks like the provider's own but is broken inside
	// is best described by the decoder's reason.
	if looks := looksLike(body); looks != "" && looks != platformLooks[provider] {
		return fmt.Errorf("looks like %s; provider is %s", looks, provider)
	}
	return fmt.Errorf("not %s: %s", platformLooks[provider], reason)
}

// otherPlatform is an error when body looks like the document of another
// platform than provider's, so that a page that moved fails saying so
// instead of reading as a page without components. Looking at an array
// reads its first element only, so the decoders of arrays (gcp, aws) ask
// first; looking at an object is a second pass over the whole body, so the
// decoders of objects ask only about a document they refuse (directly, or
// through wrongShape), and their own checks refuse the other platforms'
// objects.
func otherPlatform(body []byte, provider string) error {
	looks := looksLike(body)
	for name, own := range platformLooks {
		if looks == own && name != provider {
			return fmt.Errorf("looks like %s; provider is %s", looks, provider)
		}
	}
	return nil
}

// platformLooks is what each platform's main document looks like.
var platformLooks = map[string]string{
	config.ProviderStatuspage: looksStatuspage,
	config.ProviderStatusio:   looksStatusio,
	config.ProviderSlack:      looksSlack,
	config.ProviderInstatus:   looksInstatus,
	config.ProviderGCP:        looksGCP,
	config.ProviderAWS:        looksAWS,
}

// The names looksLike gives to what it recognises.
const (
	looksStatuspage = "a Statuspage document"
	looksStatusio   = "a status.io document"
	looksSlack      = "a Slack status document"
	looksInstatus   = "an Instatus summary"
	looksGCP        = "a Google Cloud incidents feed"
	looksAWS        = "an AWS Health events list"
)

// looksLike names the kind of document body is, from the keys at its top
// (and in an array, of its first element), or "" when it does not know.
// It reads no further than it needs.
func looksLike(body []byte) string {
	body = bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(body) == 0 {
		return "an empty document"
	}
	switch body[0] {
	case '<':
		return "HTML or XML"
	case '[':
		first, ok := firstElement(body)
		switch {
		case !ok:
			return ""
		case first == nil:
			return "an empty JSON array"
		}
		return looksLikeObject(first, true)
	case '{':
		var top map[string]json.RawMessage
		if json.Unmarshal(body, &top) != nil {
			return ""
		}
		return looksLikeObject(top, false)
	}
	return ""
}

func looksLikeObject(top map[string]json.RawMessage, inArray bool) string {
	has := func(keys ...string) bool {
		for _, k := range keys {
			if v, ok := top[k]; ok && !bytes.Equal(v, []byte("null")) {
				return true
			}
		}
		return false
	}
	if inArray {
		switch {
		case has("external_desc", "affected_products", "service_key", "most_recent_update", "most-recent-update"):
			return looksGCP
		case has("arn", "impacted_services", "event_log", "region_name"):
			return looksAWS
		}
		return ""
	}
	switch {
	case has("result"):
		var result map[string]json.RawMessage
		if json.Unmarshal(top["result"], &result) == nil && result["status_overall"] != nil {
			return looksStatusio
		}
	case has("active_incidents"):
		return looksSlack
	case has("activeIncidents", "activeMaintenances"):
		return looksInstatus
	case has("page"):
		var page map[string]json.RawMessage
		if json.Unmarshal(top["page"], &page) != nil {
			return ""
		}
		var status string
		if json.Unmarshal(page["status"], &status) == nil && status != "" {
			// Statuspage's page object has no status; Instatus's says
			// UP, HASISSUES or UNDERMAINTENANCE.
			return looksInstatus
		}
		if page["id"] != nil || page["name"] != nil {
			return looksStatuspage
		}
	}
	return ""
}

// firstElement decodes the first element of a JSON array as an object:
// nil and true for an empty array, false when it is not an object.
func firstElement(body []byte) (map[string]json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	if !dec.More() {
		return nil, true
	}
	var first map[string]json.RawMessage
	if err := dec.Decode(&first); err != nil || first == nil {
		return nil, false
	}
	return first, true
}

// isJSONObject reports whether a JSON value is an object.
func isJSONObject(value []byte) bool {
	value = bytes.TrimLeft(value, " \t\r\n")
	return len(value) > 0 && value[0] == '{'
}

// decodeLenient decodes body into v the way every provider does: a value of
// an unexpected type is left empty and the rest of the document still
// counts; only a body that is not JSON fails.
func decodeLenient(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil // encoding/json finished the rest of the document
	}
	return err
}

// allowList is a case-insensitive set of names, nil when it is empty.
func allowList(names []string) map[string]bool {
	var set map[string]bool
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			if set == nil {
				set = map[string]bool{}
			}
			set[n] = true
		}
	}
	return set
}

// componentFilter is a page's compiled component rules (see
// config.ComponentFilter); nil keeps everything.
type componentFilter struct {
	include, exclude []componentRule
}

type componentRule struct {
	name, group *regexp.Regexp // nil matches anything
}

func newComponentFilter(c *config.ComponentFilter) (*componentFilter, error) {
	if c.Empty() {
		return nil, nil
	}
	compile := func(ms []config.ComponentMatch) ([]componentRule, error) {
		rules := make([]componentRule, 0, len(ms))
		for _, m := range ms {
			name, err := config.CompileMatch(m.Name)
			if err != nil {
				return nil, err
			}
			group, err := config.CompileMatch(m.Group)
			if err != nil {
				return nil, err
			}
			rules = append(rules, componentRule{name: name, group: group})
		}
		return rules, nil
	}
	f := &componentFilter{}
	var err error
	if f.include, err = compile(c.Include); err != nil {
		return nil, err
	}
	if f.exclude, err = compile(c.Exclude); err != nil {
		return nil, err
	}
	return f, nil
}

func (r componentRule) matches(name, group string) bool {
	return (r.name == nil || r.name.MatchString(name)) && (r.group == nil || r.group.MatchString(group))
}

// keeps reports whether the component called name in group is kept.
func (f *componentFilter) keeps(name, group string) bool {
	kept := len(f.include) == 0
	for _, r := range f.include {
		if r.matches(name, group) {
			kept = true
			break
		}
	}
	if !kept {
		return false
	}
	for _, r := range f.exclude {
		if r.matches(name, group) {
			return false
		}
	}
	return true
}

// apply removes from s the components f does not keep, before anything is
// translated: they make no series. A group row stays while one of its
// components does. Incidents and maintenances lose the filtered components
// from their affected lists, and those that affected only filtered
// components go too: a team that left a component out is not told of its
// incidents. The page indicator a platform gives is its own and stays.
func (f *componentFilter) apply(s *Summary) {
	if f == nil {
		return
	}
	groups := make(map[string]string)
	for i := range s.Components {
		if c := &s.Components[i]; c.Group {
			if _, dup := groups[c.ID]; !dup {
				groups[c.ID] = c.Name
			}
		}
	}
	kept := make(map[string]bool, len(s.Components))    // by id, components and groups
	dropped := make(map[string]bool, len(s.Components)) // by id
	for i := range s.Components {
		c := &s.Components[i]
		if c.Group {
			continue
		}
		if f.keeps(c.Name, groups[c.GroupID]) {
			kept[c.ID] = true
			if c.GroupID != "" {
				kept[c.GroupID] = true
			}
		} else {
			dropped[c.ID] = true
		}
	}
	s.Components = slicesKeep(s.Components, func(c *Component) bool { return kept[c.ID] })
	// An affected component the list does not hold is judged by its name.
	keepAffected := func(a *AffectedComponent) bool {
		if kept[a.ID] {
			return true
		}
		if dropped[a.ID] {
			return false
		}
		return f.keeps(a.Name, "")
	}
	s.Incidents = slicesKeep(s.Incidents, func(in *Incident) bool {
		var keep bool
		in.Components, keep = filterAffected(in.Components, keepAffected)
		return keep
	})
	s.ScheduledMaintenances = slicesKeep(s.ScheduledMaintenances, func(m *Maintenance) bool {
		var keep bool
		m.Components, keep = filterAffected(m.Components, keepAffected)
		return keep
	})
}

// filterAffected keeps the affected components keep accepts, and reports
// whether their incident or maintenance stays: when it named none, or one
// is left.
func filterAffected(cs []AffectedComponent, keep func(*AffectedComponent) bool) ([]AffectedComponent, bool) {
	if len(cs) == 0 {
		return cs, true
	}
	cs = slicesKeep(cs, keep)
	return cs, len(cs) > 0
}

// slicesKeep keeps the elements of s that keep accepts, in order, in place:
// slices.DeleteFunc with the opposite predicate, given a pointer so that it
// may also change what it keeps (an incident's affected components).
func slicesKeep[T any](s []T, keep func(*T) bool) []T {
	n := 0
	for i := range s {
		if keep(&s[i]) {
			s[n] = s[i]
			n++
		}
	}
	clear(s[n:])
	return s[:n]
}

// The ranks of the derived indicator, worst last.
var indicatorRank = map[string]int{"none": 0, "minor": 1, "major": 2, "critical": 3}

// deriveIndicator is the page indicator of a platform that gives none,
// from what the page says after filtering (README, "Providers"):
// maintenance when something is under maintenance and nothing is degraded;
// else the worst of the components (degraded or partial outage: minor; a
// major outage: major; every component in major outage: critical) and of
// the open incidents' impacts. A component status or an impact that is not
// known counts as minor: an unknown value never reads as operational.
func deriveIndicator(s *Summary) string {
	worst := "none"
	raise := func(v string) {
		if indicatorRank[v] > indicatorRank[worst] {
			worst = v
		}
	}
	maintenance := false
	components, majors := 0, 0
	for i := range s.Components {
		c := &s.Components[i]
		if c.Group || c.Status == "" {
			continue
		}
		components++
		switch normalState(c.Status) {
		case "operational":
		case "under_maintenance":
			maintenance = true
		case "major_outage":
			majors++
			raise("major")
		default: // degraded_performance, partial_outage, unknown
			raise("minor")
		}
	}
	if components > 0 && majors == components {
		raise("critical")
	}
	for i := range s.Incidents {
		switch impact := normalState(s.Incidents[i].Impact); impact {
		case "", "none":
		case "minor", "major", "critical":
			raise(impact)
		case "maintenance":
			maintenance = true
		default:
			raise("minor")
		}
	}
	for i := range s.ScheduledMaintenances {
		if normalState(s.ScheduledMaintenances[i].Status) == "in_progress" {
			maintenance = true
		}
	}
	if worst == "none" && maintenance {
		return "maintenance"
	}
	return worst
}

// normalState is a state as the model spells it: lower case, spaces and
// hyphens as underscores ("Major Outage" is major_outage).
func normalState(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "_")
}

// jsonText is a string field of a platform that may also come as a number
// or a boolean (ids: Slack's are numbers in real answers and strings in its
// documentation); null and any other type read as "".
type jsonText string

// UnmarshalJSON implements json.Unmarshaler.
func (s *jsonText) UnmarshalJSON(b []byte) error {
	*s = ""
	// encoding/json hands over one valid value: its first byte says which
	// kind, without decoding it into an interface first.
	switch {
	case len(b) == 0:
	case b[0] == '"':
		var v string
		if json.Unmarshal(b, &v) == nil {
			*s = jsonText(v)
		}
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9' || b[0] == 't' || b[0] == 'f':
		*s = jsonText(b) // a number or a boolean, as written
	}
	return nil
}

// jsonNumber is a number field of a platform that may also come as a
// string holding one (AWS's codes and epoch times); OK is false when it is
// missing or neither.
type jsonNumber struct {
	Value float64
	OK    bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *jsonNumber) UnmarshalJSON(b []byte) error {
	*n = jsonNumber{}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	switch v := v.(type) {
	case float64:
		*n = jsonNumber{v, true}
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			*n = jsonNumber{f, true}
		}
	}
	return nil
}
