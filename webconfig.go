package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/statuspage-exporter/statuspage_exporter/config"
)

// webConfigError returns err, which may be about the web configuration,
// with the values it quotes withheld. yaml quotes a value given where a
// mapping belongs (`basic_auth_users: "user:password"`: the whole of a short
// one, else its first 7 characters), and bcrypt the first character of a
// password given in place of its hash. The line, the field and the types
// remain.
func webConfigError(err error) error {
	if err == nil {
		return nil
	}
	err = config.Redact(err)
	if msg := err.Error(); strings.Contains(msg, "bcrypt hashes must start with") {
		return errors.New("basic_auth_users: a password is not a bcrypt hash (value withheld)")
	}
	return err
}

// redactingHandler withholds web configuration values (see webConfigError)
// from the records it passes on: those of exporter-toolkit and of the HTTP
// server's error log, which show the web configuration's error on every
// request and TLS handshake while the file is bad.
type redactingHandler struct{ slog.Handler }

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, redactText(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redactAttr(a)
	}
	return redactingHandler{h.Handler.WithAttrs(red)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h.Handler.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	switch v := a.Value.Resolve(); {
	case v.Kind() == slog.KindString:
		return slog.String(a.Key, redactText(v.String()))
	case v.Kind() == slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.Any(a.Key, webConfigError(err))
		}
	case v.Kind() == slog.KindGroup:
		group := v.Group()
		red := make([]any, len(group))
		for i, g := range group {
			red[i] = redactAttr(g)
		}
		return slog.Group(a.Key, red...)
	}
	return a
}

func redactText(s string) string {
	return webConfigError(errors.New(s)).Error()
}
