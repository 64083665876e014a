package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSynthgeoLoadIngest writes a small synthetic geography with logbooks,
// loads it and ingests the weekly file: every row must be loaded.
func TestSynthgeoLoadIngest(t *testing.T) {
	m, out := testMain(t)
	dir := t.TempDir()
	geoDir := filepath.Join(dir, "geo")
	db := filepath.Join(dir, "t.duckdb")
	ctx := context.Background()
	if err := m.Run(ctx, []string{"synthgeo", "--out", geoDir, "--units", "60", "--provinces", "3",
		"--logbook-rows", "5000", "--from", "2025-11-03", "--to", "2026-11-22"}); err != nil {
		t.Fatal(err, out.String())
	}
	if err := m.Run(ctx, []string{"units", "load", "--db", db, geoDir}); err != nil {
		t.Fatal(err, out.String())
	}
	if !strings.Contains(out.String(), "units: 60 current units") {
		t.Fatalf("units load: %s", out.String())
	}
	out.Reset()
	if err := m.Run(ctx, []string{"ingest", "--db", db, filepath.Join(geoDir, "logbooks", "week.csv")}); err != nil {
		t.Fatal(err, out.String())
	}
	if !strings.Contains(out.String(), "quarantined 0") || strings.Contains(out.String(), "loaded 0,") {
		t.Fatalf("ingest of the synthetic week: %s", out.String())
	}
	if err := m.Run(ctx, []string{"synthgeo", "--units", "5"}); exitCode(err) != exitUsage {
		t.Fatalf("synthgeo without --out: %v, want a usage error", err)
	}
}
