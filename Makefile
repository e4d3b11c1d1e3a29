# Targets work offline from GitHub release downloads: everything comes from
# the Go module proxy. The tools (promu, staticcheck, govulncheck) are pinned
# in tools/go.mod and run with `go tool -modfile=tools/go.mod <tool>`.
GO        ?= go
BIN       ?= statuspage_exporter
PKG       := github.com/statuspage-exporter/statuspage_exporter
VERSION   := $(shell cat VERSION)
RUN_ARGS  ?= --config.file=statuspage_exporter.yml

.PHONY: all
all: test build

# --- Release: build, tarball, release -------------------------------------
# promu is pinned as a Go tool in tools/go.mod and reads .promu.yml (version
# ldflags, tarball files). promu names the project after the git remote's
# URL; the GIT_CONFIG_* variables pin that to the canonical repository so a
# clone from a local path still makes statuspage_exporter-*.tar.gz.
PROMU       := $(GO) tool -modfile=tools/go.mod promu
PROMU_ENV   := GIT_CONFIG_COUNT=2 \
	GIT_CONFIG_KEY_0=branch.$(shell git rev-parse --abbrev-ref HEAD 2>/dev/null).remote GIT_CONFIG_VALUE_0=origin \
	GIT_CONFIG_KEY_1=remote.origin.url GIT_CONFIG_VALUE_1=https://$(PKG).git
PREFIX      ?= .
TARBALL_DIR ?= .tarballs
RELEASE_DIR ?= .release-artifacts
RELEASE_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64

# build: the binary for this machine, with version information, into $(PREFIX).
.PHONY: build
build:
	$(PROMU_ENV) $(PROMU) build --prefix $(PREFIX)

# tarball: $(TARBALL_DIR)/statuspage_exporter-$(VERSION).<os>-<arch>.tar.gz
# for this machine.
.PHONY: tarball
tarball: build
	$(PROMU_ENV) $(PROMU) tarball --prefix $(TARBALL_DIR) $(PREFIX)

# release: a tarball per platform in $(RELEASE_PLATFORMS) and sha256sums.txt,
# in $(RELEASE_DIR). promu runs as a host binary because GOOS and GOARCH are
# for the binaries it builds, not for promu itself.
.PHONY: release
release:
	rm -rf $(RELEASE_DIR) .build/release
	env -u GOOS -u GOARCH $(GO) build -modfile=tools/go.mod -o .build/promu github.com/prometheus/promu
	set -e; for p in $(RELEASE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; \
		GOOS=$$os GOARCH=$$arch $(PROMU_ENV) .build/promu build --prefix .build/release/$$os-$$arch; \
		GOOS=$$os GOARCH=$$arch $(PROMU_ENV) .build/promu tarball --prefix $(RELEASE_DIR) .build/release/$$os-$$arch; \
	done
	$(PROMU_ENV) .build/promu checksum $(RELEASE_DIR)
	cat $(RELEASE_DIR)/sha256sums.txt

# test-release: make the tarball and run the test that unpacks it (in ./e2e,
# which resolves a relative path against the repository's root).
.PHONY: test-release
test-release: tarball
	STATUSPAGE_EXPORTER_TARBALL=$(TARBALL_DIR)/$(BIN)-$(VERSION).$$($(GO) env GOOS)-$$($(GO) env GOARCH).tar.gz \
		$(GO) test -count=1 -run '^TestReleaseTarball$$' -v ./e2e/
# --- end of release ----------------------------------------------------------

# --- Container image ---------------------------------------------------------
# image: the image of the Dockerfile for each architecture in IMAGE_ARCHS
# (default: this machine's), from a linux binary that promu builds into
# .build/linux-<arch>/ (its crossbuild layout, which the Dockerfile reads).
# Each is tagged $(IMAGE_NAME)-linux-<arch>:$(IMAGE_TAG), and the one for this
# machine also $(IMAGE_NAME):$(IMAGE_TAG). IMAGE_TOOL is the first of buildah,
# podman and docker found; buildah runs with the vfs storage driver and chroot
# isolation, which work as root without overlayfs or a container runtime.
IMAGE_NAME   ?= statuspage_exporter
IMAGE_TAG    ?= $(VERSION)
IMAGE_ARCHS  ?= $(shell $(GO) env GOARCH)
IMAGE_SOURCE ?= https://$(PKG)
IMAGE_TOOL   ?= $(firstword $(foreach t,buildah podman docker,$(if $(shell command -v $(t) 2>/dev/null),$(t))))
BUILDAH_STORAGE_DRIVER ?= vfs
ifeq ($(notdir $(IMAGE_TOOL)),buildah)
IMAGE_BUILD  := $(IMAGE_TOOL) --storage-driver $(BUILDAH_STORAGE_DRIVER) build --isolation chroot
IMAGE_TAGCMD := $(IMAGE_TOOL) --storage-driver $(BUILDAH_STORAGE_DRIVER) tag
else
IMAGE_BUILD  := $(IMAGE_TOOL) build
IMAGE_TAGCMD := $(IMAGE_TOOL) tag
endif

.PHONY: image
image:
	@[ -n "$(IMAGE_TOOL)" ] || { echo "make image needs buildah, podman or docker"; exit 1; }
	env -u GOOS -u GOARCH $(GO) build -modfile=tools/go.mod -o .build/promu github.com/prometheus/promu
	set -e; for arch in $(IMAGE_ARCHS); do \
		GOOS=linux GOARCH=$$arch $(PROMU_ENV) .build/promu build --prefix .build/linux-$$arch; \
		$(IMAGE_BUILD) --platform linux/$$arch \
			--build-arg OS=linux --build-arg ARCH=$$arch \
			--build-arg VERSION=$(VERSION) \
			--build-arg REVISION=$$(git rev-parse HEAD) \
			--build-arg SOURCE=$(IMAGE_SOURCE) \
			-t $(IMAGE_NAME)-linux-$$arch:$(IMAGE_TAG) . ; \
	done
	@host=$$($(GO) env GOARCH); case " $(IMAGE_ARCHS) " in *" $$host "*) \
		$(IMAGE_TAGCMD) $(IMAGE_NAME)-linux-$$host:$(IMAGE_TAG) $(IMAGE_NAME):$(IMAGE_TAG) && \
		echo "Built $(IMAGE_NAME):$(IMAGE_TAG) with $(IMAGE_TOOL)";; esac

# test-image: make the image and run the test that runs it with buildah (in
# ./e2e).
.PHONY: test-image
test-image: image
	STATUSPAGE_EXPORTER_IMAGE=$(IMAGE_NAME):$(IMAGE_TAG) STORAGE_DRIVER=$(BUILDAH_STORAGE_DRIVER) \
		$(GO) test -count=1 -run '^TestImage$$' -v ./e2e/
# --- end of container image --------------------------------------------------

# --- Kubernetes ----------------------------------------------------------------
# examples/kubernetes/prometheus-rule.yaml comes from the mixin: make mixin.

# test-kubernetes renders examples/kubernetes with kustomize's library and
# checks every object against the Kubernetes and Prometheus Operator API
# types. It is a module of its own (e2e/kubernetes), so that those heavy
# dependencies stay out of go.mod. It uses the exporter's packages through
# a replace: after a change of go.mod, run `go mod tidy` there too.
.PHONY: test-kubernetes
test-kubernetes:
	cd e2e/kubernetes && $(GO) test -count=1 ./...
# --- end of Kubernetes ---------------------------------------------------------

# --- Mixin: alerts, recording rules and dashboard ---------------------------
# statuspage-mixin/ is jsonnet, run by go-jsonnet (pinned in tools/go.mod).
# `make mixin` writes the files of examples/ that come from it; `make
# mixin-check` makes them afresh in .build/mixin and fails when the committed
# ones differ or a jsonnet file is not formatted as jsonnetfmt would.
JSONNET    := $(GO) tool -modfile=tools/go.mod jsonnet
JSONNETFMT := $(GO) tool -modfile=tools/go.mod jsonnetfmt
MIXIN_OUT  ?= examples
MIXIN_SRC  := $(shell find statuspage-mixin -name '*.jsonnet' -o -name '*.libsonnet')

.PHONY: mixin
mixin:
	$(JSONNET) -J statuspage-mixin -S -c -m $(MIXIN_OUT) statuspage-mixin/examples.jsonnet >/dev/null

.PHONY: mixin-fmt
mixin-fmt:
	$(JSONNETFMT) -i $(MIXIN_SRC)

.PHONY: mixin-check
mixin-check:
	rm -rf .build/mixin
	$(MAKE) --no-print-directory mixin MIXIN_OUT=.build/mixin
	@status=0; for f in $$(cd .build/mixin && find . -type f | sort); do \
		diff -u "examples/$$f" ".build/mixin/$$f" || { echo "examples/$$f differs from the mixin: run make mixin"; status=1; }; \
	done; exit $$status
	$(JSONNETFMT) --test $(MIXIN_SRC) || { echo "jsonnet files need formatting: run make mixin-fmt"; exit 1; }
	@# The mixin's usual outputs, for those who vendor it, evaluate too.
	$(JSONNET) -J statuspage-mixin -e '[import "alerts.jsonnet", import "rules.jsonnet", import "dashboards.jsonnet"]' >/dev/null
# --- end of mixin --------------------------------------------------------------

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
	cd e2e/kubernetes && $(GO) vet ./...

.PHONY: test
test: fmt-check vet
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory test-kubernetes

.PHONY: test-short
test-short:
	$(GO) test -short -count=1 ./...

.PHONY: lint
lint: fmt-check vet
	$(GO) tool -modfile=tools/go.mod staticcheck ./...
	cd e2e/kubernetes && $(GO) tool -modfile=../../tools/go.mod staticcheck ./...

# vuln: govulncheck (pinned in tools/go.mod) on every package. vuln.go.dev
# cannot be reached from our machines, so the database is built from
# golang.org/x/vulndb, which the module proxy serves with every report as an
# OSV file: internal/vulndb downloads VULNDB_VERSION (default: the newest
# commit the proxy knows) and writes it to .build/vulndb in the layout that
# `govulncheck -db file://` reads. GOVULNDB=https://vuln.go.dev uses the
# official database instead. The standard library is checked at the version
# of the go command that runs: the toolchain go.mod names with
# GOTOOLCHAIN=auto (as in CI), else the installed one.
VULNDB_VERSION ?= latest
GOVULNDB       ?=

.PHONY: vuln
vuln:
ifeq ($(GOVULNDB),)
	$(GO) run ./internal/vulndb -version $(VULNDB_VERSION) -out .build/vulndb
	$(GO) tool -modfile=tools/go.mod govulncheck -db file://$(CURDIR)/.build/vulndb ./...
else
	$(GO) tool -modfile=tools/go.mod govulncheck -db $(GOVULNDB) ./...
endif

# Fuzz targets as <package>:<target>. `make fuzz` runs every one for
# FUZZTIME, niced and on one worker so that it shares the machine politely;
# crashers land in <package>/testdata/fuzz/<target> and become seeds.
FUZZ_TARGETS ?= ./collector:FuzzTranslate ./config:FuzzConfig ./statuspage:FuzzNewTargetSet \
	./statuspage:FuzzAllowedHosts ./statuspage:FuzzDecode ./statuspage:FuzzParseRetryAfter \
	./statuspage:FuzzSummaryURL $(FUZZ_DECODERS)
# One fuzz target per provider's decoder.
FUZZ_DECODERS = ./statuspage:FuzzStatusioDecode ./statuspage:FuzzSlackDecode ./statuspage:FuzzGCPDecode \
	./statuspage:FuzzAWSDecode ./statuspage:FuzzInstatusDecode
FUZZTIME     ?= 10m
# How long the fuzzer may shrink a new input; a count, as for FUZZTIME.
FUZZMINIMIZE ?= 60s

.PHONY: fuzz
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		echo ">> fuzzing $$t for $(FUZZTIME)"; \
		nice -n 19 $(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) -parallel 1 $${t%%:*} || exit 1; \
	done

# The bounded fuzz run of CI: the decode+translate and configuration targets
# (parsing, building the fetch targets, the /probe allow-list) and every
# provider's decoder, about 10 s each here. A count rather than a duration: Go 1.26's fuzzing coordinator
# can fail a run with "context deadline exceeded" as a duration ends
# (go.dev/issue/75804, fixed in Go 1.27); such a failure writes no crasher
# and is not a finding. New inputs are shrunk briefly: shrinking a large
# fixture for a minute would take most of the budget.
.PHONY: fuzz-short
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=20000x FUZZMINIMIZE=100x \
		FUZZ_TARGETS="./collector:FuzzTranslate ./config:FuzzConfig ./statuspage:FuzzNewTargetSet ./statuspage:FuzzAllowedHosts $(FUZZ_DECODERS)"

# The load test: 200 concurrent scrapers for 60 s against 100 fake pages,
# with reloads, under the race detector. Not part of `make test`.
.PHONY: soak
soak:
	$(GO) test -race -count=1 -run '^TestSoak$$' -timeout 10m -v ./e2e/ -args -soak

# bench runs every benchmark (about 3 minutes) and prints one table; the raw
# output is kept in bench.txt for benchstat. See BENCHMARKS.md.
.PHONY: bench
bench:
	@{ $(GO) test -run '^$$' -bench . -benchmem ./statuspage/ ./collector/ && \
	   $(GO) test -run '^$$' -bench 'ScrapeWarm|ScrapeCold|EncodeLowerBound' -benchmem . && \
	   $(GO) test -run '^$$' -bench 'ScrapeRefresh' -benchtime 20x -benchmem . && \
	   $(GO) test -run '^$$' -bench 'UpstreamRequests' -benchtime 1x . && \
	   $(GO) test -run '^$$' -bench 'BinaryPeakRSS' -benchtime 1x ./e2e/ ; } | tee bench.txt | \
	   $(GO) run ./internal/benchtable

.PHONY: update-golden
update-golden:
	$(GO) test ./collector/ -run Golden -update

.PHONY: clean
clean:
	rm -rf $(BIN) bench.txt .build .release .tarballs .release-artifacts
