package statuspage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math"
	"reflect"
	"slices"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// settingsKey is a digest of everything in s that decides how a page is
// fetched and prepared: the durations, the series limit and the whole
// http_client_config, secrets and file paths included. The store keeps a
// page's cache state only while the key stays the same, so a reload that
// changes any of them starts the page afresh, and one that changes none
// keeps its cache. A digest, not the values: secrets are not kept twice.
func settingsKey(s *config.Settings) string {
	h := sha256.New()
	writeValue(h, reflect.ValueOf(s).Elem())
	return string(h.Sum(nil))
}

// writeValue writes v to h unambiguously: each value is tagged with its
// kind and, when its size varies, its length. Map entries are written in
// the order of their encoded keys, so equal maps give equal digests.
// Functions and channels are not configuration (prometheus/common caches a
// proxy function derived from the proxy settings) and are left out.
func writeValue(h io.Writer, v reflect.Value) {
	var n [8]byte
	putUint := func(tag byte, u uint64) {
		binary.BigEndian.PutUint64(n[:], u)
		h.Write([]byte{tag})
		h.Write(n[:])
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			h.Write([]byte{'n'})
			return
		}
		h.Write([]byte{'p'})
		writeValue(h, v.Elem())
	case reflect.Struct:
		putUint('s', uint64(v.NumField()))
		for i := range v.NumField() {
			writeValue(h, v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		putUint('l', uint64(v.Len()))
		for i := range v.Len() {
			writeValue(h, v.Index(i))
		}
	case reflect.Map:
		type entry struct{ key, value []byte }
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			var k, val bytes.Buffer
			writeValue(&k, it.Key())
			writeValue(&val, it.Value())
			entries = append(entries, entry{k.Bytes(), val.Bytes()})
		}
		slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
		putUint('m', uint64(len(entries)))
		for _, e := range entries {
			h.Write(e.key)
			h.Write(e.value)
		}
	case reflect.String:
		putUint('"', uint64(v.Len()))
		h.Write([]byte(v.String()))
	case reflect.Bool:
		b := uint64(0)
		if v.Bool() {
			b = 1
		}
		putUint('b', b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		putUint('i', uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		putUint('u', v.Uint())
	case reflect.Float32, reflect.Float64:
		putUint('f', math.Float64bits(v.Float()))
	default:
		// Func, Chan, Complex, UnsafePointer: never configuration.
		h.Write([]byte{'-'})
	}
}
