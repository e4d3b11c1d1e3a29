package statuspage

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// logRecorder is a slog.Handler that keeps every record as
// "LEVEL message key=value…".
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", rec.Level, rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key != "url" && a.Key != "err" {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		}
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, b.String())
	return nil
}

// take returns the lines of level, and forgets every line.
func (r *logRecorder) take(level slog.Level) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, l := range r.lines {
		if strings.HasPrefix(l, level.String()+" ") {
			out = append(out, l)
		}
	}
	r.lines = nil
	return out
}

// TestStoreFailureLogs: a page that fails every cache_ttl (30s) for an hour
// logs a warning when it starts failing, then one every 5 minutes with the
// failures since the last line, and once when it recovers: 12 warnings and
// an info line, not 120 warnings. Each failure is still logged at debug
// level; a new run of failures starts with a warning again.
func TestStoreFailureLogs(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, fixture(t, "all_operational.json"))
	clock := newFakeClock()
	logs := &logRecorder{}
	s := NewStore(StoreOptions[*Summary]{Prepare: keepSummary, Now: clock.Now, Logger: slog.New(logs)})
	tg := up.target("acme")
	up.fail(http.StatusInternalServerError, "")
	for range 120 {
		wantResult(t, s.Get(t.Context(), tg), OutcomeError, false)
		clock.Advance(tg.CacheTTL)
	}
	if got := logs.lines; len(got) != 120 {
		t.Errorf("%d log lines at all levels, want one per failure", len(got))
	}
	want := []string{"WARN Fetching page failed page=acme retry_in=30s"}
	for range 11 {
		want = append(want, "WARN Page still failing page=acme retry_in=30s failures=10 failing_for=")
	}
	warns := logs.take(slog.LevelWarn)
	if len(warns) != len(want) {
		t.Fatalf("%d warnings in an hour of failures, want %d:\n%s", len(warns), len(want), strings.Join(warns, "\n"))
	}
	for i, w := range warns {
		if !strings.HasPrefix(w, want[i]) {
			t.Errorf("warning %d: %q, want %q…", i, w, want[i])
		}
	}
	if want := "WARN Page still failing page=acme retry_in=30s failures=10 failing_for=55m0s"; warns[11] != want {
		t.Errorf("last warning %q, want %q", warns[11], want)
	}

	up.succeed()
	wantResult(t, s.Get(t.Context(), tg), OutcomeMiss, true)
	if got, want := logs.take(slog.LevelInfo), []string{"INFO Page recovered page=acme failures=120 failing_for=1h0m0s"}; !equalLines(got, want) {
		t.Errorf("on recovery: %q, want %q", got, want)
	}
	clock.Advance(tg.CacheTTL)
	wantResult(t, s.Get(t.Context(), tg), OutcomeMiss, true)
	if got := logs.take(slog.LevelInfo); len(got) != 0 {
		t.Errorf("a page that keeps working logs %q", got)
	}

	up.fail(http.StatusInternalServerError, "")
	clock.Advance(tg.CacheTTL)
	wantResult(t, s.Get(t.Context(), tg), OutcomeStale, false)
	if got, want := logs.take(slog.LevelWarn), []string{"WARN Fetching page failed page=acme retry_in=30s"}; !equalLines(got, want) {
		t.Errorf("when it fails again: %q, want %q", got, want)
	}
}

func equalLines(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}
