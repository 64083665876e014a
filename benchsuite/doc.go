// Package benchsuite holds the Go benchmarks of the scaling suite (issue 9)
// that need no binary: generating the national synthetic geography and
// logbooks, and DuckDB's own read_csv insert of the same logbook files, the
// floor the ingest's rows/s are compared with, and the temporal detectors on
// the first N series of R's synthetic reference panel, the subset
// scripts/bench_farrington.R times R's farringtonFlexible on.
// scripts/bench.sh runs them next to the stage timings of the real binary;
// see docs/scaling.md.
package benchsuite
