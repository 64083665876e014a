package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/canhbao/canhbao/warehouse"
)

// BenchmarkIngestVsDuckDB ingests a generated logbook CSV
// ($CANHBAO_BENCH_ROWS rows, default 5,000,000) with the full `canhbao
// ingest` path, and loads the same file with DuckDB's own
// `INSERT INTO t SELECT * FROM read_csv(...)` (the floor), reporting rows/s
// of both and their ratio.
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
		t0 := time.Now()
		if err := m.Run(ctx, []string{"ingest", "--db", db, path}); err != nil {
			b.Fatal(err)
		}
		ours := time.Since(t0)

		floorDB := filepath.Join(dir, "floor.duckdb")
		os.Remove(floorDB)
		w, err := warehouse.Open(ctx, floorDB)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := w.DB().Exec(`CREATE TABLE t AS SELECT * FROM read_csv('` + path + `', header = true, all_varchar = true) LIMIT 0`); err != nil {
			b.Fatal(err)
		}
		if _, err := w.DB().Exec(`INSERT INTO t SELECT * FROM read_csv('` + path + `', header = true, all_varchar = true)`); err != nil {
			b.Fatal(err)
		}
		floor := time.Since(t1)
		w.Close()
		b.ReportMetric(float64(n)/ours.Seconds(), "rows/s")
		b.ReportMetric(float64(n)/floor.Seconds(), "floor-rows/s")
		b.ReportMetric(ours.Seconds()/floor.Seconds(), "x-floor")
	}
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
