package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

// simulatedWarehouse simulates Hanoi logbooks (scale 0.3, 02/01/2023 to
// 22/11/2026, the given seed) into dir/logbooks, loads the units and ingests
// every logbook and delivery file into dir/canhbao.duckdb; it returns the
// logbook folder and the warehouse path. The tests of the risk model's
// schedule and of the backtest share it.
func simulatedWarehouse(ctx context.Context, t *testing.T, m *Main, out *bytes.Buffer, dir, seed string) (logs, db string) {
	t.Helper()
	logs = filepath.Join(dir, "logbooks")
	db = filepath.Join(dir, "canhbao.duckdb")
	if err := m.Run(ctx, []string{"simulate", "--out", logs, "--seed", seed, "--scale", "0.3",
		"--from", "02/01/2023", "--to", "22/11/2026"}); err != nil {
		t.Fatalf("simulate: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(logs, "logbook_*.csv"))
	more, _ := filepath.Glob(filepath.Join(logs, "deliveries", "*", "logbook_*.csv"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no logbook simulated")
	}
	if err := m.Run(ctx, []string{"units", "load", "--db", db, m.Getenv("CANHBAO_GEO")}); err != nil {
		t.Fatalf("units load: %v\n%s", err, out)
	}
	if err := m.Run(ctx, append([]string{"ingest", "--db", db}, files...)); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	return logs, db
}
