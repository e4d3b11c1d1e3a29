package statuspage

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// SummaryPath is appended to a page's base URL.
const SummaryPath = "/api/v2/summary.json"

// DefaultMaxBodySize bounds a summary document. The largest real page we know
// (539 components) sends 331 KB, so this leaves ample room while keeping a
// body that never ends from exhausting memory.
const DefaultMaxBodySize = 4 << 20

// ErrBodyTooLarge is returned when a response exceeds the size cap.
var ErrBodyTooLarge = errors.New("response body too large")

// HTTPError is a response with a status other than 200 (or 304 when a
// conditional request was made).
type HTTPError struct {
	StatusCode int
	// RetryAfter is how long the page asked us to wait (429 and 503 only);
	// zero when it did not say.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("unexpected HTTP status %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// DecodeError means the body was received but is not a summary document.
type DecodeError struct {
	ContentType string
	Err         error
}

func (e *DecodeError) Error() string {
	if e.ContentType != "" {
		return fmt.Sprintf("invalid summary document (content-type %q): %v", e.ContentType, e.Err)
	}
	return fmt.Sprintf("invalid summary document: %v", e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// summaryURL returns the URL to fetch for a page's checked base URL (see
// config.ParseURL): the URL itself when it already names a .json document,
// else the base URL with SummaryPath appended.
func summaryURL(base *url.URL) string {
	u := *base
	if !strings.HasSuffix(u.Path, ".json") {
		u.Path = strings.TrimSuffix(u.Path, "/") + SummaryPath
		u.RawPath = ""
	}
	return u.String()
}

// Response describes the upstream requests of one fetch of a page: one per
// document of its provider, more when a conditional request has to be made
// again (see FetchIfChanged).
type Response struct {
	// StatusCode is the HTTP status of the last request, 0 when no
	// response arrived.
	StatusCode int
	// Duration is the time all requests took.
	Duration time.Duration
	// NotModified is true when every document answered a conditional
	// request with 304: nothing changed since Validators were given.
	NotModified bool
	// Validators identify the documents received, one per document, for
	// the next conditional request; nil when no document sent any.
	Validators []Validators
	// Exchanges are the requests made, in order; empty when none could
	// be made.
	Exchanges []Exchange
}

// Exchange is one upstream request of a fetch.
type Exchange struct {
	// StatusCode is the HTTP status, 0 when no response arrived.
	StatusCode int
	Duration   time.Duration
}

// Validators are what a page said identifies a document: the ETag and
// Last-Modified headers, sent back as If-None-Match and If-Modified-Since.
// For an optional document, Missing is when it last answered 404.
type Validators struct {
	ETag         string
	LastModified string
	Missing      time.Time
}

// sends reports whether v has a header to send.
func (v Validators) sends() bool {
	return v.ETag != "" || v.LastModified != ""
}

// conditional reports whether vs hold a validator to send.
func conditional(vs []Validators) bool {
	for _, v := range vs {
		if v.sends() {
			return true
		}
	}
	return false
}

// Fetcher performs single upstream requests, without caching.
type Fetcher struct {
	UserAgent   string
	MaxBodySize int64
	// work, when set, bounds how many documents are decoded at once (see
	// Store): decoding is CPU-bound, and a burst of answers decoded all at
	// once only holds more memory for the same time.
	work chan struct{}
}

// Fetch requests the documents of t once. Errors name neither the page nor
// credentials; callers add the page name.
func (f *Fetcher) Fetch(ctx context.Context, t *Target) (*Summary, Response, error) {
	return f.FetchIfChanged(ctx, t, nil)
}

// drainLimit is how much of an error body is read so that the connection can
// serve the next request; a larger one costs a new connection instead.
const drainLimit = 64 << 10

// document is one answer of a fetch.
type document struct {
	body        []byte // nil when not received: not modified, or missing
	contentType string
	validators  Validators
	notModified bool
}

// FetchIfChanged is Fetch as a conditional request: with validators from an
// earlier answer (one per document of t's provider), a page whose documents
// have not changed answers 304, and FetchIfChanged returns no summary, no
// error and Response.NotModified. When some documents changed and others
// did not, the unchanged ones are requested again without validators: only
// decoded data is cached, not the documents it came from.
func (f *Fetcher) FetchIfChanged(ctx context.Context, t *Target, vs []Validators) (_ *Summary, resp Response, _ error) {
	start := time.Now()
	// Until the bodies are in: decoding is not the page's time.
	defer func() {
		if resp.Duration == 0 {
			resp.Duration = time.Since(start)
		}
	}()
	// prometheus/common reads credential and certificate files as it
	// makes the request, without a bound and deaf to ctx: a file replaced
	// by a named pipe since the configuration was checked would hold the
	// fetch, and its request slot, forever.
	for _, f := range t.files {
		if err := config.CheckFile(f.Path); err != nil {
			return nil, resp, fmt.Errorf("%s: %w", f.Field, err)
		}
	}
	urls := t.Documents()
	docs := make([]document, len(urls))
	known := len(vs) == len(urls)
	changed := !known || !conditional(vs)
	now := time.Now()
	for i, u := range urls {
		var prev Validators
		if known {
			prev = vs[i]
		}
		if t.optional(i) && !prev.Missing.IsZero() && now.Sub(prev.Missing) < optionalRecheck {
			// Missing a moment ago: not asked again on every refresh.
			docs[i] = document{validators: prev}
			continue
		}
		v := Validators{ETag: prev.ETag, LastModified: prev.LastModified}
		if changed {
			v = Validators{}
		}
		d, err := f.exchange(ctx, t, u, v, &resp)
		if err != nil {
			var herr *HTTPError
			if errors.As(err, &herr) && herr.StatusCode == http.StatusNotFound && t.optional(i) {
				// This platform's pages may lack the document; one that
				// had it a moment ago has changed.
				docs[i] = document{validators: Validators{Missing: now}}
				changed = changed || prev.Missing.IsZero()
				continue
			}
			return nil, resp, documentError(i, u, err)
		}
		docs[i] = d
		changed = changed || !d.notModified
	}
	if !changed {
		resp.NotModified, resp.Validators = true, validatorsOf(docs)
		return nil, resp, nil
	}
	for i, u := range urls {
		if !docs[i].notModified {
			continue
		}
		d, err := f.exchange(ctx, t, u, Validators{}, &resp)
		if err != nil {
			return nil, resp, documentError(i, u, err)
		}
		docs[i] = d
	}
	resp.Duration = time.Since(start)
	if err := acquire(ctx, f.work); err != nil {
		return nil, resp, transportError(ctx, err)
	}
	bodies, types := make([][]byte, len(docs)), make([]string, len(docs))
	for i := range docs {
		bodies[i], types[i] = docs[i].body, docs[i].contentType
	}
	s, err := t.DecodeDocuments(bodies, types)
	release(f.work)
	if err != nil {
		ct, _, _ := mime.ParseMediaType(docs[0].contentType)
		return nil, resp, &DecodeError{ContentType: ct, Err: err}
	}
	resp.Validators = validatorsOf(docs)
	return s, resp, nil
}

// optionalRecheck is how long a page's optional document that answered
// 404 is taken to be missing before it is asked for again: older Instatus
// pages have no components document, and asking on every refresh would
// double their requests.
const optionalRecheck = time.Hour

// validatorsOf returns what identifies docs for the next fetch, nil when
// no document said anything.
func validatorsOf(docs []document) []Validators {
	for i := range docs {
		if docs[i].validators != (Validators{}) {
			vs := make([]Validators, len(docs))
			for j := range docs {
				vs[j] = docs[j].validators
			}
			return vs
		}
	}
	return nil
}

// exchange requests one document (see get) and records the request in
// resp.
func (f *Fetcher) exchange(ctx context.Context, t *Target, u string, v Validators, resp *Response) (document, error) {
	start := time.Now()
	d, status, err := f.get(ctx, t, u, v)
	resp.StatusCode = status
	resp.Exchanges = append(resp.Exchanges, Exchange{StatusCode: status, Duration: time.Since(start)})
	return d, err
}

// documentError names the document that failed when a provider reads
// more than one.
func documentError(i int, u string, err error) error {
	if i == 0 {
		return err
	}
	if parsed, perr := url.Parse(u); perr == nil {
		return fmt.Errorf("%s: %w", parsed.Path, err)
	}
	return err
}

// get requests one document, with validators when v has any. It returns
// the HTTP status (0 when no response arrived) and, for a 200, the body.
func (f *Fetcher) get(ctx context.Context, t *Target, u string, v Validators) (document, int, error) {
	var d document
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return d, 0, err
	}
	req.Header.Set("Accept", "application/json")
	// Summaries compress about tenfold. Asking here, rather than through the
	// transport, means we decode: prometheus/common's transport disables
	// Go's transparent decompression, and the size cap must apply to the
	// decoded bytes, so a small compressed body cannot expand without limit.
	req.Header.Set("Accept-Encoding", "gzip")
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	client := t.Client
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return d, 0, transportError(ctx, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotModified && v.sends() {
		d.notModified, d.validators = true, v
		return d, res.StatusCode, nil
	}
	if res.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, drainLimit))
		herr := &HTTPError{StatusCode: res.StatusCode}
		if res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable {
			herr.RetryAfter = ParseRetryAfter(res.Header.Get("Retry-After"), time.Now())
		}
		return d, res.StatusCode, herr
	}
	body, err := f.readBody(res)
	if err != nil {
		return d, res.StatusCode, transportError(ctx, err)
	}
	d.body, d.contentType = body, res.Header.Get("Content-Type")
	d.validators = Validators{ETag: validator(res.Header.Get("ETag")), LastModified: validator(res.Header.Get("Last-Modified"))}
	return d, res.StatusCode, nil
}

// validator keeps a header value for the next request unless it is too long
// to be a real validator: a page must not make us store and resend a
// megabyte of header per request.
func validator(v string) string {
	if len(v) > 1024 {
		return ""
	}
	return v
}

func (f *Fetcher) maxBodySize() int64 {
	if f.MaxBodySize > 0 {
		return f.MaxBodySize
	}
	return DefaultMaxBodySize
}

// readBody reads a response's body, decoding it as its Content-Encoding
// says (gzip, which we ask for, or none), at most the size cap of decoded
// bytes.
func (f *Fetcher) readBody(res *http.Response) ([]byte, error) {
	switch enc := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return readBody(res.Body, f.maxBodySize(), res.ContentLength)
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(res.Body)
		if err != nil {
			return nil, fmt.Errorf("read gzip-encoded body: %w", err)
		}
		defer gz.Close()
		body, err := readBody(gz, f.maxBodySize(), -1)
		if err != nil {
			return nil, fmt.Errorf("gzip-encoded body: %w", err)
		}
		return body, nil
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
}

// maxPrealloc bounds the buffer sized from an announced Content-Length:
// most documents fit, and beyond it the buffer grows with what arrives.
const maxPrealloc = 64 << 10

// readBody reads at most limit bytes. size, the Content-Length when the page
// sent one, sizes the buffer once instead of growing it, up to maxPrealloc:
// an announcement costs nothing until the bytes arrive, so pages that
// announce 4 MiB and stall cannot make us hold 4 MiB each.
func readBody(r io.Reader, limit, size int64) ([]byte, error) {
	var buf bytes.Buffer
	if size > 0 {
		// The extra room lets the read that meets EOF happen without growing.
		buf.Grow(int(min(size, limit, maxPrealloc)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return buf.Bytes(), nil
}

// transportError makes network failures readable: the *url.Error wrapper
// repeats the URL (which the caller logs anyway) and a timeout is clearer
// said as such.
func transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("request timed out: %w", context.DeadlineExceeded)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

// Decode parses a Statuspage summary document (provider statuspage).
// Documents that are not a JSON object fail.
// Inside the object it is lenient: null stands for empty, missing keys are
// empty, and a field of an unexpected type is left empty rather than failing
// the page (the rest of the document still counts).
func Decode(body []byte) (*Summary, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, errors.New("empty body")
	case trimmed[0] == '<':
		return nil, errors.New("got HTML or XML, not JSON")
	case trimmed[0] != '{':
		return nil, errors.New("top-level value is not a JSON object")
	}
	var doc struct {
		Summary
		// Page takes the place of Summary.Page to see a status, which
		// Statuspage's page object never has and Instatus's always has.
		Page struct {
			Page
			Status jsonText `json:"status"`
		} `json:"page"`
	}
	if err := json.Unmarshal(trimmed, &doc); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return nil, err
		}
		// encoding/json finished the rest of the document; keep it.
	}
	s := doc.Summary
	s.Page = doc.Page.Page
	switch {
	case s.Page.ID == "" && s.Page.Name == "":
		// Every Statuspage-compatible document names its page; an object
		// without one ("{}" from a broken proxy) is not a page saying all is well.
		return nil, errors.New("no page object: not a status page summary")
	case doc.Page.Status != "":
		return nil, errors.New("the page object has a status: not a Statuspage summary")
	}
	return &s, nil
}

// MaxRetryAfter caps how long a Retry-After header can silence a page.
const MaxRetryAfter = 10 * time.Minute

// ParseRetryAfter reads a Retry-After value (delay in seconds or an HTTP
// date) relative to now. Unreadable or past values give zero; values beyond
// MaxRetryAfter are capped.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	// ParseInt saturates values beyond int64 and reports ErrRange; the
	// saturated value still lands on the right side of the checks below.
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs <= 0 {
			return 0
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, MaxRetryAfter)
}
