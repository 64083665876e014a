# canhbao: the two commands a newcomer needs are `make demo` and `make test`.
GO      ?= go
DEMO    ?= demo-output
export CGO_ENABLED = 1

ECHARTS := node_modules/echarts/dist/echarts.min.js

.PHONY: all deps build demo test bench bench-go clean notebooks

all: build

# echarts 5.4.3 from the npm registry, pinned by package-lock.json; inlined into reports.
$(ECHARTS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: $(ECHARTS)

build:
	$(GO) build -o bin/canhbao ./cmd/canhbao

# Simulate Hanoi logbooks, ingest, analyse and write the report into $(DEMO)/.
demo: deps build
	./bin/canhbao demo --out $(DEMO)

test: deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./...

# The benchmark suite (issue 9): stage timings and peak RSS of the real binary (Hanoi 10 years, national
# synthetic geography with 20M events, growth 1x/4x/16x), the 5M-row ingest against DuckDB's read_csv and the
# detectors against R's farringtonFlexible in the same run, medians of repeated runs, written between the bench
# markers of BENCHMARKS.md and into docs/scaling-chart.html. Sizes via environment; see scripts/bench.sh and
# docs/scaling.md.
bench: deps
	bash scripts/bench.sh

# The Go benchmarks of every package (component figures in BENCHMARKS.md).
bench-go: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 1 -timeout 60m ./...

# Install the GoNB kernel and tools if missing, build the demo warehouse, execute notebooks/*.ipynb headless.
notebooks: deps
	bash notebooks/run.sh

clean:
	rm -rf bin $(DEMO)
