# Targets work offline from GitHub release downloads: everything comes from
# the Go module proxy.
GO        ?= go
BIN       ?= statuspage_exporter
PKG       := github.com/statuspage-exporter/statuspage_exporter
VERSION   := $(shell cat VERSION)
REVISION  := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BRANCH    := $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
BUILDUSER ?= $(shell id -un)@$(shell hostname)
BUILDDATE := $(shell date -u +%Y%m%d-%H:%M:%S)
VPKG      := github.com/prometheus/common/version
LDFLAGS   := -s -w \
	-X $(VPKG).Version=$(VERSION) \
	-X $(VPKG).Revision=$(REVISION) \
	-X $(VPKG).Branch=$(BRANCH) \
	-X $(VPKG).BuildUser=$(BUILDUSER) \
	-X $(VPKG).BuildDate=$(BUILDDATE)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
RUN_ARGS  ?= --config.file=statuspage_exporter.yml

.PHONY: all
all: test build

.PHONY: build
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

.PHONY: run
run: build
	./$(BIN) $(RUN_ARGS)

.PHONY: fmt-check
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet:
	$(GO) vet ./...

.PHONY: test
test: fmt-check vet
	$(GO) test -race -count=1 ./...

.PHONY: test-short
test-short:
	$(GO) test -short -count=1 ./...

.PHONY: lint
lint: fmt-check vet
	$(GO) run $(STATICCHECK) ./...

# bench runs every benchmark (about 3 minutes) and prints one table; the raw
# output is kept in bench.txt for benchstat. See BENCHMARKS.md.
.PHONY: bench
bench:
	@{ $(GO) test -run '^$$' -bench . -benchmem ./statuspage/ ./collector/ && \
	   $(GO) test -run '^$$' -bench 'Scrape|EncodeLowerBound' -benchmem . && \
	   $(GO) test -run '^$$' -bench 'UpstreamRequests|BinaryPeakRSS' -benchtime 1x . ; } | tee bench.txt | \
	   $(GO) run ./internal/benchtable

.PHONY: update-golden
update-golden:
	$(GO) test ./collector/ -run Golden -update

.PHONY: clean
clean:
	rm -f $(BIN) bench.txt
