package collector

import (
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxLabelBytes bounds label values taken from upstream text. Names of a few
// hundred characters exist; longer ones only cost memory in every TSDB.
const maxLabelBytes = 512

// emitter translates one page's document into a builder. Errors are kept
// rather than panicking or failing the scrape.
type emitter struct {
	b    *builder
	errs []error
}

func newEmitter(b *builder) *emitter {
	return &emitter{b: b}
}

// gauge emits one sample; labels follow the page label in f's order.
func (e *emitter) gauge(f *family, v float64, labels ...string) {
	if err := e.b.add(f, v, labels...); err != nil {
		e.errs = append(e.errs, err)
	}
}

func (e *emitter) logErrors(logger *slog.Logger) {
	for _, err := range e.errs {
		// Only a bug can get here (labels are sanitised); never fail the scrape for it.
		logger.Error("Dropping invalid metric", "page", e.b.page, "err", err)
	}
}

// timestamp emits t in seconds, nothing when t is unknown.
func (e *emitter) timestamp(f *family, t time.Time, labels ...string) {
	if t.IsZero() {
		return
	}
	e.gauge(f, seconds(t), labels...)
}

// seconds is t as a Unix time in seconds. Millisecond precision is what
// Statuspage sends; it also keeps the printed value short.
func seconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1e3
}

// stateSet emits one series per known state, 1 for current and 0 for the
// rest, with the state as the last label. A current value outside known gets
// a series of its own so that new upstream vocabulary is visible. Nothing is
// emitted when upstream gave no value.
func (e *emitter) stateSet(f *family, known []string, current string, labels ...string) {
	current = label(current)
	if current == "" {
		return
	}
	labels = append(labels, "")
	last := len(labels) - 1
	found := false
	for _, state := range known {
		v := 0.0
		if state == current {
			v, found = 1, true
		}
		labels[last] = state
		e.gauge(f, v, labels...)
	}
	if !found {
		labels[last] = current
		e.gauge(f, 1, labels...)
	}
}

// label makes upstream text safe and readable as a label value: valid UTF-8,
// control characters (\r\n, tabs) folded to single spaces, surrounding space
// trimmed, and bounded in length at a rune boundary.
func label(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean && len(s) <= maxLabelBytes && strings.TrimSpace(s) == s {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		n := utf8.RuneLen(r)
		if space {
			n++ // the pending space counts against the bound with its rune
		}
		if b.Len()+n > maxLabelBytes {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// idSet is the identity check behind "never emit duplicates": upstream
// repeats ids, and the first occurrence wins. It holds label values, not raw
// ids, since ids that differ only in what label strips make equal series.
type idSet map[string]struct{}

// add records id and reports whether it is usable: non-empty and new.
func (s idSet) add(id string) bool {
	if id == "" {
		return false
	}
	if _, dup := s[id]; dup {
		return false
	}
	s[id] = struct{}{}
	return true
}
