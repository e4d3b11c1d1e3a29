package statuspage

import (
	"bytes"
	"errors"
	"mime"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// utf8Body returns a JSON body as UTF-8. AWS Health answers UTF-16, and a
// page may be served in either by mistake, so every provider accepts both:
// a byte order mark decides, else the charset of contentType, else the
// pattern of zero bytes that RFC 4627 describes for the first two
// characters of a JSON text (which are ASCII). A UTF-8 byte order mark is
// dropped. The result is at most 1.5 times the body's size.
func utf8Body(body []byte, contentType string) ([]byte, error) {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		return body[3:], nil
	case bytes.HasPrefix(body, []byte("\xfe\xff")):
		return fromUTF16(body[2:], true)
	case bytes.HasPrefix(body, []byte("\xff\xfe")):
		return fromUTF16(body[2:], false)
	}
	charset := ""
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		charset = strings.ToLower(params["charset"])
	}
	switch {
	case charset == "utf-16be":
		return fromUTF16(body, true)
	case charset == "utf-16le":
		return fromUTF16(body, false)
	case len(body) >= 2 && body[0] == 0 && body[1] != 0:
		return fromUTF16(body, true)
	case len(body) >= 2 && body[0] != 0 && body[1] == 0:
		return fromUTF16(body, false)
	}
	// A charset of utf-16 without a byte order mark or the zero bytes of
	// UTF-16 is wrong: the body is what it looks like.
	return body, nil
}

// fromUTF16 converts UTF-16 to UTF-8; an unpaired surrogate becomes
// U+FFFD, as encoding/json does with invalid UTF-8.
func fromUTF16(b []byte, bigEndian bool) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errors.New("UTF-16 body of odd length: truncated")
	}
	out := make([]byte, 0, len(b)/2+len(b)/8)
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	for i := 0; i < len(b); i += 2 {
		r := unit(i)
		if utf16.IsSurrogate(r) {
			if i+3 < len(b) {
				if dec := utf16.DecodeRune(r, unit(i+2)); dec != utf8.RuneError {
					out = utf8.AppendRune(out, dec)
					i += 2
					continue
				}
			}
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}
