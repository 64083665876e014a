package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/canhbao/canhbao/warehouse"
)

// BenchmarkIngestVsDuckDB ingests a generated logbook CSV
// ($CANHBAO_BENCH_ROWS rows, default 5,000,000) with the full `canhbao
// ingest` path, and loads the same file with DuckDB's own
// `INSERT INTO t SELECT * FROM read_csv(...)` (the floor), reporting rows/s
// of both and their ratio, in wall time and in CPU time (user + system of
// the whole process, DuckDB's threads included): on a machine shared with
// other work the wall-time ratio moves with the load between the two
// runs, the CPU-time ratio much less.
func BenchmarkIngestVsDuckDB(b *testing.B) {
	n := 5_000_000
	if s := os.Getenv("CANHBAO_BENCH_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	path := writeBigLogbook(b, dir, n, 11)
	ctx := context.Background()
	for b.Loop() {
		m, _ := testMain(&testing.T{})
		db := filepath.Join(dir, "bench.duckdb")
		os.Remove(db)
		os.Remove(db + ".wal")
		if err := m.Run(ctx, []string{"units", "load", "--db", db, filepath.Join("..", "..", "..", "shared", "data", "hanoi")}); err != nil {
			b.Fatal(err)
		}
		t0, c0 := time.Now(), cpuTime()
		if err := m.Run(ctx, []string{"ingest", "--db", db, path}); err != nil {
			b.Fatal(err)
		}
		ours, oursCPU := time.Since(t0), cpuTime()-c0

		floorDB := filepath.Join(dir, "floor.duckdb")
		os.Remove(floorDB)
		w, err := warehouse.Open(ctx, floorDB)
		if err != nil {
			b.Fatal(err)
		}
		t1, c1 := time.Now(), cpuTime()
		if _, err := w.DB().Exec(`CREATE TABLE t AS SELECT * FROM read_csv('` + path + `', header = true, all_varchar = true) LIMIT 0`); err != nil {
			b.Fatal(err)
		}
		if _, err := w.DB().Exec(`INSERT INTO t SELECT * FROM read_csv('` + path + `', header = true, all_varchar = true)`); err != nil {
			b.Fatal(err)
		}
		floor, floorCPU := time.Since(t1), cpuTime()-c1
		w.Close()
		b.ReportMetric(float64(n)/ours.Seconds(), "rows/s")
		b.ReportMetric(float64(n)/floor.Seconds(), "floor-rows/s")
		b.ReportMetric(ours.Seconds()/floor.Seconds(), "x-floor")
		b.ReportMetric(oursCPU.Seconds(), "cpu-s")
		b.ReportMetric(floorCPU.Seconds(), "floor-cpu-s")
		b.ReportMetric(oursCPU.Seconds()/floorCPU.Seconds(), "x-floor-cpu")
	}
}

// cpuTime is the user + system time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestWriteBenchLogbook writes the benchmark's logbook CSV into
// $CANHBAO_BENCH_DIR (rows: $CANHBAO_BENCH_ROWS, default 5,000,000) for
// timing the real binary with /usr/bin/time -v; skipped unless the
// directory is given.
func TestWriteBenchLogbook(t *testing.T) {
	dir := os.Getenv("CANHBAO_BENCH_DIR")
	if dir == "" {
		t.Skip("set CANHBAO_BENCH_DIR to write the benchmark logbook")
	}
	n := 5_000_000
	if s := os.Getenv("CANHBAO_BENCH_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	t.Log(writeBigLogbook(t, dir, n, 11))
}
