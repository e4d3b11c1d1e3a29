package collector

import (
	"crypto/sha256"
	"encoding/hex"
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
	// repeats counts the objects skipped because upstream repeated their
	// id, by kind, for one debug line each.
	repeats []repeat
}

// repeat is what the log says about the ids of one kind that a document
// repeated.
type repeat struct {
	kind  string
	count int
	first string // the first repeated id, as a label value
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

// logErrors logs the series the builder refused, and at debug level the
// ids that the document repeated.
func (e *emitter) logErrors(logger *slog.Logger) {
	for _, err := range e.errs {
		// Only a bug can get here (labels are sanitised); never fail the scrape for it.
		logger.Error("Dropping invalid metric", "page", e.b.page, "err", err)
	}
	for _, r := range e.repeats {
		logger.Debug("The page repeats ids; the first occurrence of each wins", "page", e.b.page, "kind", r.kind, "count", r.count, "first", r.first)
	}
}

// repeated notes that an object of kind was skipped because its id came
// before.
func (e *emitter) repeated(kind, id string) {
	for i := range e.repeats {
		if e.repeats[i].kind == kind {
			e.repeats[i].count++
			return
		}
	}
	e.repeats = append(e.repeats, repeat{kind: kind, count: 1, first: id})
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
// rest, with the state as the last label. current is read as a known state
// regardless of case and spacing (see sameState); a value that is still not
// known gets a series of its own so that new upstream vocabulary is visible.
// Nothing is emitted when upstream gave no value.
func (e *emitter) stateSet(f *family, known []string, current string, labels ...string) {
	current = label(current)
	if current == "" {
		return
	}
	for _, state := range known {
		if sameState(state, current) {
			current = state
			break
		}
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

// sameState reports whether value, a label value, names the known state,
// which is lower case ASCII with underscores: "MAJOR_OUTAGE", "Major Outage"
// and " major_outage " (trimmed by label) are major_outage. A run of spaces
// reads as one underscore. Only ASCII letters fold, so no look-alike from
// another script reads as a known state.
func sameState(state, value string) bool {
	i := 0
	for j := 0; j < len(value); j++ {
		c := value[j]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == ' ':
			for j+1 < len(value) && value[j+1] == ' ' {
				j++
			}
			c = '_'
		}
		if i == len(state) || state[i] != c {
			return false
		}
		i++
	}
	return i == len(state)
}

// label makes upstream text safe and readable as a label value: valid UTF-8,
// control characters (\r\n, tabs) folded to single spaces, surrounding space
// trimmed, and bounded in length at a rune boundary. It is lossy, which suits
// names; ids go through idLabel.
func label(s string) string {
	return labelMax(s, maxLabelBytes)
}

// isLabel reports whether label would return s unchanged.
func isLabel(s string) bool {
	return labelMax(s, maxLabelBytes) == s
}

// labelMax is label with a bound of limit bytes.
func labelMax(s string, limit int) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean && len(s) <= limit && strings.TrimSpace(s) == s {
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
		if b.Len()+n > limit {
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

// idSuffixLen is the length of what idLabel appends: a tilde and 16 hex
// digits, the first 64 bits of the SHA-256 of the upstream id.
const idSuffixLen = 1 + 16

// idLabel makes an upstream id a label value without ever making two
// different ids equal, so that no object can hide another. An id that is a
// valid label value already is kept as it is (all ids real pages send). Any
// other id (control characters or surrounding space, invalid UTF-8, longer
// than 512 bytes, or ending like a suffix made here) becomes its label form,
// cut to leave room, plus "~" and 16 hex digits of the SHA-256 of the raw id:
// "a\tb" is "a b~…", distinct from "a b" and from "a\nb". Kept ids never end
// in such a suffix and changed ones always do, so the two cannot meet; two
// changed ids meet only if 64 bits of SHA-256 collide. The empty id stays
// empty (the object has no identity and is skipped).
func idLabel(id string) string {
	if id == "" || isLabel(id) && !hasIDSuffix(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	var suffix [idSuffixLen]byte
	suffix[0] = '~'
	hex.Encode(suffix[1:], sum[:(idSuffixLen-1)/2])
	return labelMax(id, maxLabelBytes-idSuffixLen) + string(suffix[:])
}

// hasIDSuffix reports whether s ends like a suffix that idLabel appends.
func hasIDSuffix(s string) bool {
	if len(s) < idSuffixLen || s[len(s)-idSuffixLen] != '~' {
		return false
	}
	for i := len(s) - idSuffixLen + 1; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// idSet is the identity check behind "never emit duplicates": upstream
// repeats ids, and the first occurrence wins. It holds label values (from
// idLabel, which keeps distinct ids distinct).
type idSet map[string]struct{}

// add records id and reports whether it is usable: non-empty and new. A
// repeated id is noted on e as of kind.
func (s idSet) add(e *emitter, kind, id string) bool {
	if id == "" {
		return false
	}
	if _, dup := s[id]; dup {
		e.repeated(kind, id)
		return false
	}
	s[id] = struct{}{}
	return true
}
