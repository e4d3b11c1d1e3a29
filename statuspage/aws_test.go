package statuspage

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// awsTarget is an aws page with the given allow-lists and no component
// filter.
func awsTarget(regions []string, services ...string) *Target {
	return &Target{
		provider: providers[config.ProviderAWS],
		options:  DecodeOptions{AWS: config.AWSOptions{Regions: regions, Services: services}},
	}
}

// decodeAWSDoc decodes doc, served as UTF-8 JSON, for a page allowing
// regions.
func decodeAWSDoc(t *testing.T, doc string, regions []string, services ...string) (*Summary, error) {
	t.Helper()
	return awsTarget(regions, services...).DecodeDocuments([][]byte{[]byte(doc)}, []string{"application/json"})
}

func mustDecodeAWS(t *testing.T, doc string, regions []string, services ...string) *Summary {
	t.Helper()
	s, err := decodeAWSDoc(t, doc, regions, services...)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, doc)
	}
	if !s.Derive {
		t.Error("Derive not set: AWS gives no page indicator")
	}
	return s
}

// awsOpenEvent is a document with one open event in us-east-1 whose
// impacted ec2-us-east-1 has the given current code and whose own status
// is status (both JSON values).
func awsOpenEvent(status, current string) string {
	return `[{"arn":"arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/x1","date":"1767225600",
	"status":` + status + `,"service":"ec2-us-east-1","summary":"Increased API errors",
	"impacted_services":{"ec2-us-east-1":{"service_name":"Amazon EC2","current":` + current + `}}}]`
}

var useEast1 = []string{"us-east-1"}

func TestAWSComponentStatus(t *testing.T) {
	t.Parallel()
	for current, want := range map[string]string{
		`"0"`: "operational", `0`: "operational", `"1"`: "operational", `1`: "operational",
		`"2"`: "degraded_performance", `2`: "degraded_performance", `2.0`: "degraded_performance", `" 3 "`: "partial_outage",
		`3`: "partial_outage", `4`: "4", `"7"`: "7", `-1`: "-1", `2.5`: "2.5", `"Impaired Service"`: "impaired_service",
		`true`: "true", `null`: "", `""`: "", `{}`: "", `[]`: "",
	} {
		s := mustDecodeAWS(t, awsOpenEvent(`"2"`, current), useEast1)
		if len(s.Components) != 2 {
			t.Fatalf("current %s: components %+v, want the group and ec2", current, s.Components)
		}
		if got := s.Components[1].Status; got != want {
			t.Errorf("current %s: status %q, want %q", current, got, want)
		}
	}
}

func TestAWSIncidentImpact(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]string{
		`"1"`: "none", `1`: "none", `"2"`: "minor", `2`: "minor", `"3"`: "major", `3`: "major",
		`"5"`: "5", `"Unknown Thing"`: "unknown_thing", `null`: "", `[]`: "",
	} {
		s := mustDecodeAWS(t, awsOpenEvent(status, `"2"`), useEast1)
		if len(s.Incidents) != 1 {
			t.Fatalf("status %s: %d incidents, want 1", status, len(s.Incidents))
		}
		in := s.Incidents[0]
		if in.Impact != want {
			t.Errorf("status %s: impact %q, want %q", status, in.Impact, want)
		}
		if in.Status != "" {
			t.Errorf("status %s: incident status %q: AWS has no lifecycle, it must stay absent", status, in.Status)
		}
	}
}

// TestAWSOpenEvent checks every field of one open event.
func TestAWSOpenEvent(t *testing.T) {
	t.Parallel()
	doc := `[{"arn":"arn:aws:health:us-east-1::event/MULTIPLE_SERVICES/AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE/e1",
	"date":1767225600,"region_name":"N. Virginia","status":"2","service":"multipleservices-us-east-1",
	"service_name":"Multiple services","summary":"Increased error rates",
	"event_log":[{"summary":"a","message":"b","status":2,"timestamp":1767229200},
	             {"summary":"a","message":"c","status":"2","timestamp":"1767226000"}],
	"impacted_services":{"lambda-us-east-1":{"service_name":"AWS Lambda","current":"3","max":"3"},
	                     "ec2-us-east-1":{"service_name":"Amazon EC2","current":1,"max":"2"}}}]`
	s := mustDecodeAWS(t, doc, []string{"US-East-1"})
	want := &Summary{
		Components: []Component{
			{ID: "us-east-1", Name: "us-east-1", Group: true},
			{ID: "ec2-us-east-1", Name: "Amazon EC2", Status: "operational", GroupID: "us-east-1"},
			{ID: "lambda-us-east-1", Name: "AWS Lambda", Status: "partial_outage", GroupID: "us-east-1"},
		},
		Incidents: []Incident{{
			ID:        "arn:aws:health:us-east-1::event/MULTIPLE_SERVICES/AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE/e1",
			Name:      "Increased error rates",
			Impact:    "minor",
			StartedAt: Timestamp{time.Unix(1767225600, 0).UTC()},
			UpdatedAt: Timestamp{time.Unix(1767229200, 0).UTC()},
			Components: []AffectedComponent{
				{ID: "ec2-us-east-1", Name: "Amazon EC2"},
				{ID: "lambda-us-east-1", Name: "AWS Lambda"},
			},
		}},
		Status: Status{Indicator: "minor"},
		Derive: true,
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got\n%+v\nwant\n%+v", s, want)
	}
}

func TestAWSEmptyArray(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{`[]`, " \r\n[ ]\n"} {
		s := mustDecodeAWS(t, doc, useEast1)
		if len(s.Components) != 0 || len(s.Incidents) != 0 || s.Status.Indicator != "none" {
			t.Errorf("%q: %+v, want nothing open and indicator none", doc, s)
		}
	}
}

// TestAWSEncodings decodes the same document in the encodings the endpoint
// may use, through the fetch's conversion.
func TestAWSEncodings(t *testing.T) {
	t.Parallel()
	doc := awsOpenEvent(`"3"`, `2`)
	doc = strings.Replace(doc, "Increased API errors", "Erhöhte Fehlerraten 🚧", 1)
	want := mustDecodeAWS(t, doc, useEast1)
	if want.Incidents[0].Name != "Erhöhte Fehlerraten 🚧" {
		t.Fatalf("UTF-8 name %q", want.Incidents[0].Name)
	}
	for _, c := range []struct {
		name, contentType string
		body              []byte
	}{
		{"utf-8", "application/json", []byte(doc)},
		{"utf-8 with BOM", "application/json", append([]byte("\xef\xbb\xbf"), doc...)},
		{"utf-16le with BOM", "application/json;charset=utf-16", utf16Bytes(doc, false, true)},
		{"utf-16le without BOM", "application/json;charset=utf-16", utf16Bytes(doc, false, false)},
		{"utf-16be with BOM", "application/json;charset=utf-16", utf16Bytes(doc, true, true)},
		{"utf-16be without BOM", "application/json; charset=UTF-16BE", utf16Bytes(doc, true, false)},
		{"utf-16le without BOM or charset", "application/json", utf16Bytes(doc, false, false)},
	} {
		got, err := awsTarget(useEast1).DecodeDocuments([][]byte{c.body}, []string{c.contentType})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got\n%+v\nwant\n%+v", c.name, got, want)
		}
	}
	// An empty list in UTF-16 is a valid answer, not a wrong shape.
	empty := []byte("\xff\xfe[\x00]\x00")
	if s, err := awsTarget(useEast1).DecodeDocuments([][]byte{empty}, []string{"application/json;charset=utf-16"}); err != nil || len(s.Incidents) != 0 {
		t.Errorf("UTF-16 []: %+v, %v", s, err)
	}
	// Truncated UTF-16 (an odd number of bytes) fails the fetch.
	odd := utf16Bytes(doc, false, true)
	if _, err := awsTarget(useEast1).DecodeDocuments([][]byte{odd[:len(odd)-1]}, []string{"application/json;charset=utf-16"}); err == nil {
		t.Error("truncated UTF-16 body decoded without error")
	}
}

func TestAWSResolved(t *testing.T) {
	t.Parallel()
	event := func(extra string) string {
		return `[{"arn":"arn:aws:health:us-east-1::event/EC2/X/r1","date":"1767225600","summary":"s",` + extra +
			`"impacted_services":{"ec2-us-east-1":{"service_name":"Amazon EC2","current":"2"}}}]`
	}
	for extra, open := range map[string]bool{
		`"status":"2","end_time":"1767229200",`: false,
		`"status":"2","end_time":1767229200,`:   false,
		`"status":"2","end_time":"soon",`:       false,
		`"status":"0",`:                         false,
		`"status":0,`:                           false,
		`"status":"0","end_time":null,`:         false,
		`"status":"2","end_time":null,`:         true,
		`"status":"2","end_time":"",`:           true,
		`"status":"2","end_time":0,`:            true,
		`"status":"2","end_time":"0",`:          true,
		`"status":"2","end_time":"0.0",`:        true,
		`"status":"2","end_time":-1,`:           true,
		`"status":"2","end_time":"  ",`:         true,
		`"status":"2","end_time":{},`:           true,
		`"status":"2",`:                         true,
		``:                                      true,
	} {
		s := mustDecodeAWS(t, event(extra), useEast1)
		if got := len(s.Incidents) == 1; got != open {
			t.Errorf("%s: open %v, want %v", extra, got, open)
		}
		if !open && len(s.Components) != 0 {
			t.Errorf("%s: a resolved event made components %+v", extra, s.Components)
		}
	}
}

func TestSplitRegion(t *testing.T) {
	t.Parallel()
	for key, want := range map[string][2]string{
		"ec2-us-west-2":                       {"ec2", "us-west-2"},
		"EC2-US-WEST-2":                       {"ec2", "us-west-2"},
		"internetconnectivity-us-west-2":      {"internetconnectivity", "us-west-2"},
		"ec2-us-gov-west-1":                   {"ec2", "us-gov-west-1"},
		"s3-eu-isoe-west-1":                   {"s3", "eu-isoe-west-1"},
		"elasticloadbalancing-ap-southeast-1": {"elasticloadbalancing", "ap-southeast-1"},
		"api-gateway-il-central-1":            {"api-gateway", "il-central-1"},
		"xx-us-east-1":                        {"xx", "us-east-1"},
		"us-east-1":                           {"", "us-east-1"},
		"iam":                                 {"iam", ""},
		"route53-global":                      {"route53-global", ""},
		"ec2-us-west-x":                       {"ec2-us-west-x", ""},
		"ec2-usa-west-2":                      {"ec2-usa-west-2", ""},
		"":                                    {"", ""},
		"-":                                   {"-", ""},
		"--1":                                 {"--1", ""},
	} {
		service, region := splitRegion(key)
		if service != want[0] || region != want[1] {
			t.Errorf("splitRegion(%q) = %q, %q; want %q, %q", key, service, region, want[0], want[1])
		}
	}
}

// TestAWSRegions: where an event's region comes from, and the allow-list
// dropping the others whole.
func TestAWSRegions(t *testing.T) {
	t.Parallel()
	type want struct {
		incidents  int
		components []string // ids, groups first
	}
	for _, c := range []struct {
		name    string
		doc     string
		regions []string
		want    want
	}{
		{"arn region allowed", `[{"arn":"arn:aws:health:eu-west-1::event/EC2/X/a","impacted_services":{"ec2-eu-west-1":{"current":2}}}]`,
			[]string{"eu-west-1"}, want{1, []string{"eu-west-1", "ec2-eu-west-1"}}},
		{"arn region not allowed", `[{"arn":"arn:aws:health:eu-west-1::event/EC2/X/a","impacted_services":{"ec2-eu-west-1":{"current":2}}}]`,
			[]string{"us-east-1", "global"}, want{0, nil}},
		{"arn region not allowed, key region allowed", `[{"arn":"arn:aws:health:eu-west-1::event/EC2/X/a","impacted_services":{"ec2-us-east-1":{"current":2}}}]`,
			useEast1, want{0, nil}},
		{"arn region allowed, one key of another region", `[{"arn":"arn:aws:health:us-east-1::event/EC2/X/a","impacted_services":{"ec2-us-east-1":{"current":2},"ec2-eu-west-1":{"current":2}}}]`,
			useEast1, want{1, []string{"us-east-1", "ec2-us-east-1"}}},
		{"empty arn region is global", `[{"arn":"arn:aws:health:::event/IAM/X/g","impacted_services":{"iam":{"service_name":"IAM","current":2}}}]`,
			[]string{"Global"}, want{1, []string{"global", "iam"}}},
		{"literal global arn region", `[{"arn":"arn:aws:health:global::event/IAM/X/g","impacted_services":{"iam":{"current":2}}}]`,
			[]string{"global"}, want{1, []string{"global", "iam"}}},
		{"global event not allowed", `[{"arn":"arn:aws:health:::event/IAM/X/g","impacted_services":{"iam":{"current":2}}}]`,
			useEast1, want{0, nil}},
		{"key without region takes the event's", `[{"arn":"arn:aws:health:us-east-1::event/CLOUDFRONT/X/a","impacted_services":{"cloudfront":{"current":2}}}]`,
			useEast1, want{1, []string{"us-east-1", "cloudfront"}}},
		{"no arn: service suffix", `[{"service":"ec2-eu-west-1","date":"1767225600","impacted_services":{"ec2-eu-west-1":{"current":2}}}]`,
			[]string{"eu-west-1"}, want{1, []string{"eu-west-1", "ec2-eu-west-1"}}},
		{"no arn: service suffix not allowed", `[{"service":"ec2-eu-west-1","impacted_services":{"ec2-us-east-1":{"current":2}}}]`,
			useEast1, want{0, nil}},
		{"no arn or service: key suffixes", `[{"summary":"x","impacted_services":{"ec2-eu-west-1":{"current":2},"ec2-us-east-1":{"current":3}}}]`,
			useEast1, want{1, []string{"us-east-1", "ec2-us-east-1"}}},
		{"no arn or service: no key allowed", `[{"summary":"x","impacted_services":{"ec2-eu-west-1":{"current":2}}}]`,
			useEast1, want{0, nil}},
		{"nothing names a region: global", `[{"summary":"x","status":"2"}]`,
			[]string{"global"}, want{1, nil}},
		{"nothing names a region, global not allowed", `[{"summary":"x","status":"2"}]`,
			useEast1, want{0, nil}},
		{"region_name is not a region", `[{"region_name":"us-east-1","summary":"x","status":"2"}]`,
			useEast1, want{0, nil}},
		{"malformed arn: service suffix", `[{"arn":"not-an-arn","service":"ec2-us-east-1","impacted_services":{"ec2-us-east-1":{"current":2}}}]`,
			useEast1, want{1, []string{"us-east-1", "ec2-us-east-1"}}},
	} {
		s := mustDecodeAWS(t, c.doc, c.regions)
		var ids []string
		for _, comp := range s.Components {
			ids = append(ids, comp.ID)
		}
		if got := (want{len(s.Incidents), ids}); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestAWSServices(t *testing.T) {
	t.Parallel()
	doc := `[
	{"arn":"arn:aws:health:us-east-1::event/MULTIPLE_SERVICES/X/m","service":"multipleservices-us-east-1","status":"3",
	 "impacted_services":{"ec2-us-east-1":{"service_name":"EC2","current":"3"},"s3-us-east-1":{"service_name":"S3","current":"2"}}},
	{"arn":"arn:aws:health:us-east-1::event/LAMBDA/X/l","service":"lambda-us-east-1","status":"2"},
	{"arn":"arn:aws:health:us-east-1::event/SQS/X/q","status":"2"}
	]`
	for _, c := range []struct {
		services   []string
		incidents  []string
		components []string
	}{
		{nil, []string{"m", "l", "q"}, []string{"us-east-1", "ec2-us-east-1", "s3-us-east-1"}},
		{[]string{"S3"}, []string{"m"}, []string{"us-east-1", "s3-us-east-1"}},
		{[]string{"lambda"}, []string{"l"}, nil},
		{[]string{"sqs"}, []string{"q"}, nil}, // from the arn
		{[]string{"multipleservices"}, []string{"m"}, nil},
		{[]string{"dynamodb"}, nil, nil},
	} {
		s := mustDecodeAWS(t, doc, useEast1, c.services...)
		var incidents, components []string
		for _, in := range s.Incidents {
			incidents = append(incidents, in.ID[strings.LastIndexByte(in.ID, '/')+1:])
			for _, a := range in.Components {
				if !slicesContain(c.components, a.ID) {
					t.Errorf("services %v: incident %s affects %s, which is not allowed", c.services, in.ID, a.ID)
				}
			}
		}
		for _, comp := range s.Components {
			components = append(components, comp.ID)
		}
		if !reflect.DeepEqual(incidents, c.incidents) || !reflect.DeepEqual(components, c.components) {
			t.Errorf("services %v: incidents %v components %v, want %v %v", c.services, incidents, components, c.incidents, c.components)
		}
	}
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestAWSWorstWins: a key named by several open events has the worst
// current code of them; resolved events do not count.
func TestAWSWorstWins(t *testing.T) {
	t.Parallel()
	ev := func(id, current string) string {
		return `{"arn":"arn:aws:health:us-east-1::event/EC2/X/` + id + `","status":"2","impacted_services":{"ec2-us-east-1":{"service_name":"EC2","current":` + current + `}}}`
	}
	for _, c := range []struct {
		currents []string
		want     string
	}{
		{[]string{`"1"`, `"3"`, `2`}, "partial_outage"},
		{[]string{`3`, `"0"`}, "partial_outage"},
		{[]string{`null`, `"2"`}, "degraded_performance"},
		{[]string{`"2"`, `null`}, "degraded_performance"},
		{[]string{`"3"`, `"odd"`}, "odd"},
		{[]string{`"odd"`, `"3"`, `"other"`}, "odd"},
		{[]string{`4`, `3`}, "4"},
	} {
		var events []string
		for i, cur := range c.currents {
			events = append(events, ev(fmt.Sprint(i), cur))
		}
		resolved := `{"arn":"arn:aws:health:us-east-1::event/EC2/X/r","status":"0","end_time":"1","impacted_services":{"ec2-us-east-1":{"current":99}}}`
		events = append(events, resolved)
		s := mustDecodeAWS(t, "["+strings.Join(events, ",")+"]", useEast1)
		if len(s.Components) != 2 || s.Components[1].Status != c.want {
			t.Errorf("%v: components %+v, want ec2 %s", c.currents, s.Components, c.want)
		}
		if len(s.Incidents) != len(c.currents) {
			t.Errorf("%v: %d incidents", c.currents, len(s.Incidents))
		}
	}
}

func TestAWSTimes(t *testing.T) {
	t.Parallel()
	sec := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for value, want := range map[string]time.Time{
		`1767225600`:             sec,
		`"1767225600"`:           sec,
		`1767225600000`:          sec,
		`"1767225600000"`:        sec,
		`1767225600.5`:           sec.Add(500 * time.Millisecond),
		`"2026-01-01T00:00:00Z"`: sec,
		`0`:                      {},
		`-5`:                     {},
		`1e30`:                   {},
		`"soon"`:                 {},
		`null`:                   {},
		`true`:                   {},
		`[]`:                     {},
	} {
		doc := `[{"arn":"arn:aws:health:us-east-1::event/EC2/X/t","status":"2","date":` + value + `}]`
		s := mustDecodeAWS(t, doc, useEast1)
		if got := s.Incidents[0].StartedAt.Time; !got.Equal(want) {
			t.Errorf("date %s: started %v, want %v", value, got, want)
		}
		if got := s.Incidents[0].UpdatedAt.Time; !got.Equal(want) {
			t.Errorf("date %s without event_log: updated %v, want the date %v", value, got, want)
		}
	}
	// The newest event_log entry is the update time, whatever the order
	// and whatever its unit.
	doc := `[{"arn":"arn:aws:health:us-east-1::event/EC2/X/t","status":"2","date":"1767225600",
	"event_log":[{"timestamp":1767229200000},{"timestamp":"1767225700"},{"timestamp":null},{"timestamp":"x"},"junk",null]}]`
	s := mustDecodeAWS(t, doc, useEast1)
	if got, want := s.Incidents[0].UpdatedAt.Time, sec.Add(time.Hour); !got.Equal(want) {
		t.Errorf("updated %v, want %v", got, want)
	}
}

func TestAWSIncidentIDs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ event, want string }{
		{`{"arn":" arn:aws:health:global::event/X/Y/z ","summary":"s"}`, "arn:aws:health:global::event/X/Y/z"},
		{`{"service":"ec2-us-east-1","date":"1767225600000","summary":"s"}`, "ec2-us-east-1@1767225600"},
		{`{"service":"ec2-us-east-1","summary":"s"}`, "ec2-us-east-1@"},
		{`{"date":1767225600,"summary":"s"}`, "@1767225600"},
	} {
		s := mustDecodeAWS(t, "["+c.event+"]", []string{"us-east-1", "global"})
		if len(s.Incidents) != 1 || s.Incidents[0].ID != c.want {
			t.Errorf("%s: incidents %+v, want id %q", c.event, s.Incidents, c.want)
		}
	}
	// Without arn, service or date, the id is a hash of the summary: stable,
	// and different for different summaries.
	a := mustDecodeAWS(t, `[{"summary":"one","status":2},{"summary":"two","status":2},{"summary":"one","status":3}]`, []string{"global"})
	if len(a.Incidents) != 2 || a.Incidents[0].ID == a.Incidents[1].ID || !strings.HasPrefix(a.Incidents[0].ID, "summary-") {
		t.Errorf("summary ids: %+v, want two distinct summary- ids (the repeated one dropped)", a.Incidents)
	}
	b := mustDecodeAWS(t, `[{"summary":"one","status":2}]`, []string{"global"})
	if b.Incidents[0].ID != a.Incidents[0].ID {
		t.Errorf("summary id changed between decodes: %s, %s", a.Incidents[0].ID, b.Incidents[0].ID)
	}
	// A repeated arn: the first event stays.
	d := mustDecodeAWS(t, `[{"arn":"arn:aws:health:us-east-1::event/A/B/c","summary":"first","status":2},
		{"arn":"arn:aws:health:us-east-1::event/A/B/c","summary":"second","status":3}]`, useEast1)
	if len(d.Incidents) != 1 || d.Incidents[0].Name != "first" {
		t.Errorf("repeated arn: %+v", d.Incidents)
	}
}

func TestAWSWrongShape(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]string{
		``:                  "looks like an empty document",
		`  `:                "looks like an empty document",
		`<html>oops</html>`: "looks like HTML or XML",
		`{}`:                "not an AWS Health events list",
		`{"events":[]}`:     "not an AWS Health events list",
		`"[]"`:              "not an AWS Health events list",
		`null`:              "not an AWS Health events list",
		`42`:                "not an AWS Health events list",
		`[1,2,3]`:           "not an AWS Health events list",
		`[{}]`:              "not an AWS Health events list",
		`[{"foo":1}]`:       "not an AWS Health events list",
		`[[]]`:              "not an AWS Health events list",
		`[{"arn":"x"`:       "invalid JSON",
		`[{"arn":"x"},]`:    "invalid JSON",
		`[null]`:            "not an AWS Health events list",
		`[{"arn":null}]`:    "not an AWS Health events list",
		`{"page":{"id":"p","name":"P"},"components":[]}`:           "looks like a Statuspage document; provider is aws",
		`{"result":{"status_overall":{"status_code":100}}}`:        "looks like a status.io document; provider is aws",
		`{"status":"ok","active_incidents":[]}`:                    "looks like a Slack status document; provider is aws",
		`[{"id":"x","external_desc":"d","affected_products":[]}]`:  "looks like a Google Cloud incidents feed; provider is aws",
		`{"page":{"name":"P","status":"UP"},"activeIncidents":[]}`: "looks like an Instatus summary; provider is aws",
	} {
		s, err := decodeAWSDoc(t, doc, useEast1)
		if err == nil || s != nil {
			t.Errorf("%q: got %+v, %v; want an error", doc, s, err)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %q, want it to say %q", doc, err, want)
		}
	}
}

// TestAWSHostile: nulls and wrong types in every field, and text that is
// not UTF-8, never fail the document or panic.
func TestAWSHostile(t *testing.T) {
	t.Parallel()
	docs := []string{
		`[{"arn":null,"date":null,"status":null,"service":null,"summary":null,"event_log":null,"impacted_services":null,"end_time":null},{"arn":"arn:aws:health:us-east-1::event/X/Y/z"}]`,
		`[{"event_log":[]},{"region_name":"Oregon"}]`,
		`[{"arn":5,"date":{},"status":[],"service":true,"summary":7,"event_log":{},"impacted_services":[],"end_time":[]}]`,
		`[{"arn":"arn:aws:health:us-east-1::event/X/Y/z","impacted_services":{"ec2-us-east-1":null,"s3-us-east-1":"3","sqs-us-east-1":[1],"sns-us-east-1":{"service_name":{},"current":{}}}}]`,
		"[{\"arn\":\"arn:aws:health:us-east-1::event/X/Y/z\",\"event_log\":[null,1,\"x\",{\"timestamp\":{}}],\"summary\":\"\xff\xfe bad \xc3\"}]",
		"[{\"arn\":\"arn:aws:health:us-east-1::event/X/Y/z\",\"impacted_services\":{\"\xff-us-east-1\":{\"service_name\":\"\xc3\x28\",\"current\":2}}}]",
		`[{"arn":"arn:aws:health:us-east-1:` + strings.Repeat(":", 1000) + `","summary":"` + strings.Repeat("long ", 20000) + `"}]`,
		`[{"arn":"arn:aws:health:us-east-1::event/X/Y/z","impacted_services":{"us-east-1":{"current":2},"global":{"current":2}}}]`,
		`[{"arn":"arn:aws:health:ec2::event/X/Y/z","impacted_services":{"ec2":{"current":2}}},{"arn":"arn:aws:health:us-east-1::event/X/Y/w","impacted_services":{"ec2":{"current":2}}}]`,
		`[1,"x",null,true,[],{"arn":"arn:aws:health:us-east-1::event/X/Y/z","status":2}]`,
	}
	for _, doc := range docs {
		s, err := decodeAWSDoc(t, doc, []string{"us-east-1", "global", "ec2"})
		if err != nil {
			t.Errorf("%.80q: %v", doc, err)
			continue
		}
		checkAWSSummary(t, s)
	}
	// The components of a bare region key or a key equal to a group id
	// are left out rather than made twice.
	s := mustDecodeAWS(t, docs[7], []string{"us-east-1", "ec2"})
	for _, c := range s.Components {
		if c.ID == "ec2" && !c.Group {
			t.Errorf("component ec2 kept beside group ec2: %+v", s.Components)
		}
	}
}

// checkAWSSummary checks what every decoded AWS document must be: unique,
// non-empty ids; components in existing groups; affected components that
// exist.
func checkAWSSummary(t *testing.T, s *Summary) {
	t.Helper()
	checkModel(t, s)
	components, incidents := map[string]bool{}, map[string]bool{}
	for _, c := range s.Components {
		if !c.Group && c.GroupID == "" {
			t.Fatalf("component %q outside a region", c.ID)
		}
		components[c.ID] = !c.Group
	}
	for _, in := range s.Incidents {
		if incidents[in.ID] {
			t.Fatalf("incident id %q repeated", in.ID)
		}
		incidents[in.ID] = true
		for _, a := range in.Components {
			if !components[a.ID] {
				t.Fatalf("incident %q affects %q, which is not a component of the page", in.ID, a.ID)
			}
		}
	}
	if len(s.ScheduledMaintenances) != 0 {
		t.Fatal("AWS has no maintenances")
	}
}

// TestAWSHuge: 50,000 events and 50,000 impacted services in one event
// are all read (the decoder is linear; the test asserts behaviour, not
// time).
func TestAWSHuge(t *testing.T) {
	t.Parallel()
	const n = 50000
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"arn":"arn:aws:health:us-east-1::event/EC2/X/%d","date":"%d","status":"2","summary":"e%d",`+
			`"impacted_services":{"svc%d-us-east-1":{"service_name":"S%d","current":"2"}}}`, i, 1767225600+i, i, i%1000, i%1000)
	}
	b.WriteString("]")
	s := mustDecodeAWS(t, b.String(), useEast1)
	if len(s.Incidents) != n || len(s.Components) != 1001 {
		t.Errorf("%d incidents, %d components; want %d and 1001 (1000 services, 1 group)", len(s.Incidents), len(s.Components), n)
	}

	b.Reset()
	b.WriteString(`[{"arn":"arn:aws:health:us-east-1::event/EC2/X/big","status":"3","impacted_services":{`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"svc%d-us-east-1":{"current":3}`, i)
	}
	b.WriteString("}}]")
	s = mustDecodeAWS(t, b.String(), useEast1)
	if len(s.Incidents) != 1 || len(s.Incidents[0].Components) != n || len(s.Components) != n+1 {
		t.Errorf("%d incidents, %d components", len(s.Incidents), len(s.Components))
	}
	checkAWSSummary(t, s)
}

// awsSeeds are the golden documents, the seeds of FuzzAWSDecode.
func awsSeeds(f *testing.F) [][]byte {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "providers", config.ProviderAWS, "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// fuzzRegions are the regions of the golden documents, and global.
var fuzzRegions = []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-north-1", "ap-southeast-2", "sa-east-1", "global"}

// FuzzAWSDecode: no body makes the AWS decoder panic; it returns a summary
// or an error, never both; what it accepts has unique non-empty ids, groups
// that exist and affected components that are on the page, and nothing of
// a region the page does not allow.
func FuzzAWSDecode(f *testing.F) {
	for _, seed := range awsSeeds(f) {
		f.Add(seed)
	}
	f.Add([]byte(awsOpenEvent(`"2"`, `3`)))
	f.Add([]byte("\xff\xfe[\x00]\x00"))
	f.Add([]byte(`[{"arn":"arn:aws:health:::event/IAM/X/g","impacted_services":{"iam":{"current":"2"},"us-east-1":{}}}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := awsTarget(fuzzRegions).DecodeDocuments([][]byte{body}, []string{"application/json;charset=utf-16"})
		switch {
		case err != nil && s != nil:
			t.Fatalf("a summary together with error %v", err)
		case err != nil:
			return
		}
		checkAWSSummary(t, s)
		for _, c := range s.Components {
			if c.Group && !slicesContain(fuzzRegions, c.ID) {
				t.Fatalf("group %q: not an allowed region", c.ID)
			}
		}
	})
}
