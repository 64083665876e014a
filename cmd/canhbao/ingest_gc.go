package main

import (
	"os"
	"runtime/debug"
)

// ingestGC makes the Go collector run less often while a file is parsed
// and restores the settings it found (call the returned func). The parse
// allocates a few short-lived strings per cell, and with the default
// GOGC=100 a 1M-row CSV spent ~22% of its parse CPU in the collector
// (8.0 s -> 6.2 s CPU with GOGC=400, parse alone, BENCHMARKS.md "Ingest").
// The live heap is a few chunks of rows, so the heap stays small; a soft
// limit (ingestGoHeap) keeps it bounded whatever the file, beside
// DuckDB's own cap (warehouse.IngestMemoryLimit). GOGC or GOMEMLIMIT set in the
// environment are left alone.
func ingestGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(400)
	lim := debug.SetMemoryLimit(ingestGoHeap)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(lim)
	}
}

// ingestGoHeap is the Go heap's soft limit during ingest (see ingestGC).
const ingestGoHeap = 320 << 20
