package statuspage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage/statuspagetest"
)

// BenchmarkDecode measures decoding one summary document per page size; the
// documents carry every field real pages send, most of which are skipped.
func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{11, 300, 1000} {
		doc := statuspagetest.Summary(1, statuspagetest.Shape{Components: n, GroupEvery: 10, Incidents: 1, Maintenances: 1}, 0)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := Decode(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProviderDecode measures reading the two unusual documents
// among the providers, as a fetch does once the bodies are in
// (Target.DecodeDocuments): Google Cloud's history feed, 1.3 MB of which
// only the open incidents count, and AWS Health's events in UTF-16.
func BenchmarkProviderDecode(b *testing.B) {
	var gcp strings.Builder
	gcp.WriteString("[")
	update := strings.Repeat("We are investigating reports of elevated error rates. ", 7)
	for i := range 1000 {
		end := `"end":"2026-01-01T02:00:00+00:00",`
		if i < 2 {
			end = "" // open
		}
		fmt.Fprintf(&gcp, `{"id":"inc%04d","number":"%d","begin":"2026-01-01T00:00:00+00:00",%s"modified":"2026-01-01T02:00:00+00:00",`+
			`"external_desc":"Elevated errors %d","severity":"medium","status_impact":"SERVICE_DISRUPTION",`+
			`"most_recent_update":{"when":"2026-01-01T02:00:00+00:00","status":"AVAILABLE","text":%q},`+
			`"updates":[{"text":%q},{"text":%q}],"affected_products":[{"title":"Product %d","id":"p%d"}],`+
			`"currently_affected_locations":[{"title":"Iowa (us-central1)","id":"us-central1"}],"uri":"incidents/inc%04d"},`,
			i, i, end, i, update, update, update, i%50, i%50, i)
	}
	gcpDoc := []byte(strings.TrimSuffix(gcp.String(), ",") + "]")

	var aws strings.Builder
	aws.WriteString("[")
	for i := range 100 {
		fmt.Fprintf(&aws, `{"arn":"arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/e%d","date":"1767225600","status":"2",`+
			`"service":"ec2-us-east-1","service_name":"Amazon EC2","summary":"Increased error rates %d",`+
			`"event_log":[{"summary":"s","message":%q,"status":2,"timestamp":1767225600}],"impacted_services":{`, i, i, update)
		for j := range 20 {
			fmt.Fprintf(&aws, `"svc%d-us-east-1":{"service_name":"Service %d","current":"2","max":"3"}`, j, j)
			if j < 19 {
				aws.WriteString(",")
			}
		}
		aws.WriteString("}},")
	}
	awsDoc := utf16Bytes(strings.TrimSuffix(aws.String(), ",")+"]", false, false)

	for _, c := range []struct {
		name, provider, contentType string
		doc                         []byte
	}{
		{"gcp/feed=1000-incidents", "gcp", "application/json", gcpDoc},
		{"aws/utf16=100-events", "aws", "application/json;charset=utf-16", awsDoc},
	} {
		target := targetOf(b, c.provider)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.doc)))
			for b.Loop() {
				if _, err := target.DecodeDocuments([][]byte{c.doc}, []string{c.contentType}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
