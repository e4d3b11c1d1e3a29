// Command statuspage_exporter exposes Atlassian Statuspage (and compatible)
// status pages as Prometheus metrics, fetched at scrape time through a cache.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/alecthomas/units"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
	// Mozilla's root certificates, used only where the system has none:
	// the container image is FROM scratch and has no CA bundle.
	_ "golang.org/x/crypto/x509roots/fallback"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

const exporterName = "statuspage_exporter"

func main() {
	// A write to a closed stdout or stderr (a log reader that went away)
	// must fail that write, not kill the exporter: Go raises SIGPIPE for
	// EPIPE on fds 1 and 2 unless the signal is ignored.
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// flags are the command line settings.
type flags struct {
	configFile     string
	configCheck    bool
	autoReload     time.Duration
	metricsPath    string
	timeoutOffset  time.Duration
	maxConcurrency int
	adhocMax       int
	maxBodySize    units.Base2Bytes
	keepAlive      bool
	shutdownWait   time.Duration
	oneshot        bool
	oneshotOutput  string
	oneshotTimeout time.Duration
	readHeaderWait time.Duration
	idleWait       time.Duration
	web            *web.FlagConfig
	log            *promslog.Config
}

func parseFlags(args []string, stdout, stderr io.Writer) (*flags, error) {
	f := &flags{log: &promslog.Config{Writer: stderr}}
	app := kingpin.New(exporterName, "Prometheus exporter for Atlassian Statuspage and compatible status pages.")
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	app.HelpFlag.Short('h')
	app.Version(version.Print(exporterName))
	app.Flag("config.file", "Path to the configuration file.").
		Default("statuspage_exporter.yml").StringVar(&f.configFile)
	app.Flag("config.check", "Validate the configuration (and the web configuration) and exit.").
		BoolVar(&f.configCheck)
	app.Flag("config.auto-reload-interval", "Check the configuration file this often and reload it when its content changes (for a Kubernetes ConfigMap); 0 turns it off.").
		Default("0s").DurationVar(&f.autoReload)
	app.Flag("web.telemetry-path", "Path under which to expose metrics.").
		Default("/metrics").StringVar(&f.metricsPath)
	app.Flag("statuspage.timeout-offset", "Subtracted from the scrape timeout Prometheus sends, to leave time for the answer.").
		Default("0.5s").DurationVar(&f.timeoutOffset)
	app.Flag("statuspage.max-concurrency", "Upstream requests in flight at most, across all pages.").
		Default("128").IntVar(&f.maxConcurrency)
	app.Flag("statuspage.adhoc-max-concurrency", "Upstream requests in flight at most for ad-hoc /probe URLs, beside and never taking from --statuspage.max-concurrency.").
		Default(strconv.Itoa(defaultAdhocMax)).IntVar(&f.adhocMax)
	app.Flag("statuspage.max-body-size", "Largest summary document accepted from a page.").
		Default(units.Base2Bytes(statuspage.DefaultMaxBodySize).String()).BytesVar(&f.maxBodySize)
	app.Flag("statuspage.keep-alive", "Keep each page's connection open between fetches: a fetch skips the TCP and TLS handshakes, an idle connection costs about 30 KiB.").
		BoolVar(&f.keepAlive)
	app.Flag("web.shutdown-timeout", "On SIGTERM, how long in-flight requests may take to finish.").
		Default("30s").DurationVar(&f.shutdownWait)
	app.Flag("statuspage.oneshot", "Scrape every configured page once, write the metrics to --statuspage.oneshot-output and exit; the exit code is 1 if a page failed.").
		BoolVar(&f.oneshot)
	app.Flag("statuspage.oneshot-output", "Where one-shot mode writes the metrics: - for stdout, or a file: a regular file (or a symbolic link's target) is replaced atomically (for node_exporter's textfile collector), a FIFO or device is written to in place.").
		Default("-").StringVar(&f.oneshotOutput)
	app.Flag("statuspage.oneshot-timeout", "How long one-shot mode waits for the pages; pages not ready by then count as failed.").
		Default("30s").DurationVar(&f.oneshotTimeout)
	// Hidden: the defaults suit every deployment; tests shorten them.
	app.Flag("web.read-header-timeout", "How long a client may take to send request headers (and the TLS handshake).").
		Default("10s").Hidden().DurationVar(&f.readHeaderWait)
	app.Flag("web.idle-timeout", "How long an idle keep-alive connection stays open.").
		Default("2m").Hidden().DurationVar(&f.idleWait)
	f.web = kingpinflag.AddFlags(app, ":10036")
	promslogflag.AddFlags(app, f.log)
	if _, err := app.Parse(args); err != nil {
		return nil, err
	}
	if f.adhocMax < 1 {
		return nil, fmt.Errorf("--statuspage.adhoc-max-concurrency must be at least 1, got %d", f.adhocMax)
	}
	if f.autoReload < 0 {
		return nil, fmt.Errorf("--config.auto-reload-interval must not be negative, got %v", f.autoReload)
	}
	if err := checkMetricsPath(f.metricsPath); err != nil {
		return nil, err
	}
	return f, nil
}

// reservedPaths are the routes that --web.telemetry-path cannot take.
var reservedPaths = []string{"/", "/probe", "/-/healthy", "/-/reload"}

// checkMetricsPath refuses a --web.telemetry-path that the routes could not
// serve: it must be a clean absolute URL path ("/metrics", "/metrics/" for a
// subtree), of characters that need no escaping and mean nothing to
// http.ServeMux patterns (no spaces, braces or %), and not another route.
func checkMetricsPath(p string) error {
	const flag = "--web.telemetry-path"
	if p == "" || p[0] != '/' {
		return fmt.Errorf("%s %q must be an absolute URL path such as /metrics", flag, p)
	}
	for _, r := range p {
		if !pathChar(r) {
			return fmt.Errorf("%s %q: %q is not allowed (letters, digits and -._~!$&'()*+,;=:@/ are)", flag, p, r)
		}
	}
	if clean := path.Clean(p); p != clean && p != clean+"/" || p == "//" {
		return fmt.Errorf("%s %q is not a clean path (%s)", flag, p, path.Clean(p))
	}
	if slices.Contains(reservedPaths, p) {
		return fmt.Errorf("%s %q is taken by another route (%s)", flag, p, strings.Join(reservedPaths, ", "))
	}
	return nil
}

// pathChar reports whether r may appear unescaped in a URL path segment
// (RFC 3986 pchar, without percent-encoding) or separate segments.
func pathChar(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("-._~!$&'()*+,;=:@/", r)
}

// targetSet builds the fetch targets of a configuration with the flags'
// client settings.
func (f *flags) targetSet(c *config.Config) (*statuspage.TargetSet, error) {
	return statuspage.NewTargetSet(c, statuspage.ClientOptions{KeepAlive: f.keepAlive})
}

func run(args []string, stdout, stderr io.Writer) int {
	f, err := parseFlags(args, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", exporterName, err)
		return 2
	}
	logger := promslog.New(f.log)
	if stderr == io.Writer(os.Stderr) {
		// The process's own log: what library code writes through the
		// standard log package (net/http's client on an unsolicited
		// response from a page) goes through promslog too, in its format.
		slog.SetDefault(logger)
		slog.SetLogLoggerLevel(slog.LevelWarn)
	}
	if f.configCheck {
		return checkConfig(f, stdout, logger)
	}
	if f.oneshot {
		return runOneshot(f, stdout, logger)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	e := newExporter(f, logger)
	logger.Info("Starting "+exporterName, "version", version.Info(), "build_context", version.BuildContext())
	var watcher *configWatcher
	if f.autoReload > 0 {
		watcher = newConfigWatcher(f.configFile, e.reload, logger) // before the load, to see changes made meanwhile
	}
	if err := e.reload(); err != nil {
		logger.Error("Cannot load the configuration", "err", err)
		return 1
	}
	if watcher != nil {
		go watcher.run(ctx, f.autoReload)
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				_ = e.reload() // logged and counted by reload
			case <-ctx.Done():
				return
			}
		}
	}()

	if err := web.Validate(*f.web.WebConfigFile); err != nil {
		logger.Error("Web configuration is invalid", "file", *f.web.WebConfigFile, "err", webConfigError(err))
		return 1
	}
	handler, err := e.routes(f.metricsPath)
	if err != nil {
		logger.Error("Cannot set up the web routes", "err", err)
		return 1
	}
	// exporter-toolkit reads the web configuration again on every request
	// and TLS handshake, and logs what is wrong with it (directly, or as
	// the server's handshake error).
	webLogger := slog.New(redactingHandler{logger.Handler()})
	// No read or write timeout for whole requests: a scrape may wait for
	// slow pages as long as Prometheus allows. Headers and idle connections
	// are bounded, so a client that trickles or holds connections (slowloris)
	// cannot exhaust the server.
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: f.readHeaderWait,
		IdleTimeout:       f.idleWait,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(webLogger.Handler(), slog.LevelError),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- web.ListenAndServe(srv, f.web, webLogger) }()
	select {
	case err := <-serveErr:
		logger.Error("Server stopped", "err", webConfigError(err))
		return 1
	case <-ctx.Done():
	}
	logger.Info("Shutting down; waiting for in-flight requests", "timeout", f.shutdownWait)
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdownWait)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("Shutdown did not complete", "err", err)
		return 1
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("Server stopped", "err", webConfigError(err))
		return 1
	}
	return 0
}

// newExporter wires the registries, the cache and the configuration holder;
// the configuration is not loaded yet.
func newExporter(f *flags, logger *slog.Logger) *exporter {
	static := prometheus.NewRegistry()
	static.MustRegister(
		versioncollector.NewCollector(exporterName),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	selfMetrics := collector.NewExporterMetrics(static)
	store := statuspage.NewStore(statuspage.StoreOptions[*collector.Prepared]{
		Fetcher: statuspage.Fetcher{
			UserAgent:   exporterName + "/" + version.Version,
			MaxBodySize: int64(f.maxBodySize),
		},
		MaxConcurrency:      f.maxConcurrency,
		AdhocMaxConcurrency: f.adhocMax,
		Logger:              logger,
		Observer:            adhocObserver{selfMetrics},
		Prepare:             collector.Prepare(logger),
	})
	return &exporter{
		holder:  config.NewHolder(f.configFile, f.targetSet, (*statuspage.TargetSet).Retire),
		store:   store,
		adhoc:   newAdhocTargets(store, maxAdhocTargets),
		metrics: selfMetrics,
		logger:  logger,
		static:  static,
		offset:  f.timeoutOffset,
	}
}

func checkConfig(f *flags, stdout io.Writer, logger *slog.Logger) int {
	c, err := config.Load(f.configFile)
	if err == nil {
		_, err = f.targetSet(c)
	}
	if err != nil {
		logger.Error("Configuration is invalid", "err", err)
		return 1
	}
	if *f.web.WebConfigFile != "" {
		if err := web.Validate(*f.web.WebConfigFile); err != nil {
			logger.Error("Web configuration is invalid", "file", *f.web.WebConfigFile, "err", webConfigError(err))
			return 1
		}
	}
	fmt.Fprintf(stdout, "%s: configuration OK (%d pages)\n", f.configFile, len(c.Pages))
	return 0
}

// scrapeContext bounds a scrape by the timeout Prometheus announces, less
// the offset; without the header only the request's own life bounds it.
func scrapeContext(r *http.Request, offset time.Duration) (context.Context, context.CancelFunc) {
	v := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds")
	secs, err := strconv.ParseFloat(v, 64)
	// NaN, infinities and values past time.Duration's range (292 years)
	// would convert to a negative timeout and fail the scrape at once.
	if v == "" || err != nil || !(secs > 0 && secs < 1e9) {
		return context.WithCancel(r.Context())
	}
	timeout := time.Duration(secs * float64(time.Second))
	if timeout > offset {
		timeout -= offset
	}
	return context.WithTimeout(r.Context(), timeout)
}
