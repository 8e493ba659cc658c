# Every build and test uses the same tags: duckdb-go's Arrow interface needs duckdb_arrow.
export GOFLAGS := -tags=duckdb_arrow
GO ?= go

.PHONY: build test bench demo vet fuzz clean

build: bin/deskport

bin/deskport: $(shell find . -name '*.go' -not -path './bin/*') go.mod go.sum
	$(GO) build -o bin/deskport ./cmd/deskport

# The whole suite: unit, golden, simulator, end-to-end and crash tests. Heavy benchmarks are in
# `make bench`, never here.
test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...

# Benchmarks print ratios that hold on a noisy machine (see docs/architecture.md).
bench: build
	$(GO) run ./internal/bench -bin bin/deskport

# A whole run against the built-in sandbox.
demo: build
	./bin/deskport demo

# Short fuzzing of the parsers of untrusted input.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./pipelines
	$(GO) test -run '^$$' -fuzz FuzzDecodeTicketsPage -fuzztime 30s ./extract/zendesk

clean:
	rm -rf bin deskport-demo
