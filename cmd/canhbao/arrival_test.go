package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// logbookCSV writes a small logbook with one case per received date.
func logbookCSV(t *testing.T, path string, received ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("STT,Ngày nhận vụ việc,Ngày kết thúc,Xã/Phường,Các bên,Nội dung vụ việc,Loại vụ việc,Kết quả hòa giải\n")
	for i, d := range received {
		fmt.Fprintf(&b, "%d,%s,,Phường Ba Đình,\"Nguyễn Văn An %d, 45 tuổi; Trần Thị Bình, 50 tuổi\",Tranh chấp ranh giới đất,Dân sự,Đang giải quyết\n", i+1, d, i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestIngestArrived: --arrived and --backfill reach the batch, the
// automatic rule marks a file of old records as a backfill, a re-sent file
// keeps its first arrival, and the reporting triangle holds only the
// deliveries. The clock of testMain reads 25/11/2026 10:00 in Hanoi.
func TestIngestArrived(t *testing.T) {
	m, out := testMain(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	loadUnits(t, m, db)
	d1, d2 := filepath.Join(dir, "d1.csv"), filepath.Join(dir, "d2.csv")
	hist, hist2 := filepath.Join(dir, "hist.csv"), filepath.Join(dir, "hist2.csv")
	logbookCSV(t, d1, "03/11/2025", "10/11/2025", "12/11/2025")
	logbookCSV(t, d2, "17/11/2025")
	var weekly []string // 24 weeks from July 2025: a history file, a year old on 25/11/2026
	for i := 0; i < 24; i++ {
		weekly = append(weekly, time.Date(2025, 7, 1+7*i, 0, 0, 0, 0, time.UTC).Format("02/01/2006"))
	}
	logbookCSV(t, hist, weekly...)
	logbookCSV(t, hist2, append(weekly[1:], "02/07/2025")...)

	day := func(y, mo, d int) time.Time { return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC) }
	checks := []struct {
		args         []string
		file         string
		arrived      time.Time
		backfill, re bool
	}{
		{[]string{"--arrived", "14/11/2025"}, d1, day(2025, 11, 14), false, false},
		{nil, hist, day(2026, 11, 25), true, false},                                                       // automatic: median delay over 26 weeks
		{[]string{"--backfill=false", "--arrived", "23/11/2026"}, hist2, day(2026, 11, 23), false, false}, // forced delivery
		{[]string{"--arrived", "2025-11-21", "--backfill"}, d2, day(2025, 11, 21), true, false},
		{[]string{"--arrived", "20/11/2026"}, d1, day(2025, 11, 14), false, true}, // already ingested: first arrival
	}
	for _, c := range checks {
		bs := ingestJSON(t, m, out, db, append(c.args, c.file)...)
		if b := bs[0]; !b.Arrived.Equal(c.arrived) || b.Backfill != c.backfill || b.AlreadyIngested != c.re {
			t.Errorf("ingest %v %s: arrived %s backfill %v already %v, want %s %v %v", c.args, filepath.Base(c.file),
				b.Arrived.Format(time.DateOnly), b.Backfill, b.AlreadyIngested, c.arrived.Format(time.DateOnly), c.backfill, c.re)
		}
	}
	out.Reset()
	if err := m.Run(context.Background(), []string{"ingest", "--db", db, "--json", d1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"arrived":"2025-11-14T00:00:00Z","backfill":false`) {
		t.Errorf("--json output lacks arrived/backfill: %s", out)
	}

	for _, bad := range [][]string{{"--arrived", "26/11/2026"}, {"--arrived", "31/02/2025"}, {"--arrived", "soon"}} {
		err := m.Run(context.Background(), append([]string{"ingest", "--db", db}, append(bad, d2)...))
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("ingest %v: %v, want a usage error", bad, err)
		}
	}

	w, err := warehouse.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got, err := w.DelayCounts(context.Background(), models.Week{Year: 2025, Num: 20}, models.Week{Year: 2025, Num: 52}, day(2026, 11, 25))
	if err != nil {
		t.Fatal(err)
	}
	// d1: 03/11 (W45) arrived in W46 -> delay 1; 10/11 and 12/11 (W46) -> 0.
	// hist2 (forced a delivery, arrived 2026-W48) adds its one new case,
	// 02/07/2025 (W27), 73 weeks late; the rest were loaded by hist.
	want := "[{00004 2025-W27 73 1} {00004 2025-W45 1 1} {00004 2025-W46 0 2}]"
	if s := fmt.Sprint(got); s != want {
		t.Errorf("DelayCounts = %s, want %s", s, want)
	}
}

// TestRunArrivedFlag: run checks --arrived before it takes the lock.
func TestRunArrivedFlag(t *testing.T) {
	m, _ := testMain(t)
	cfg := filepath.Join(t.TempDir(), "canhbao.toml")
	if err := os.WriteFile(cfg, []byte("[report]\nlanguage = \"vi\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := m.Run(context.Background(), []string{"run", "--config", cfg, "--arrived", "01/01/2030"})
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "after today") {
		t.Errorf("run --arrived in the future: %v, want a usage error", err)
	}
}

// TestRunInboxArrival: the weekly run records the files of its inbox as
// arrived on --arrived, or on the run's date (Asia/Ho_Chi_Minh) without it.
func TestRunInboxArrival(t *testing.T) {
	ctx := context.Background()
	m, _ := testMain(t)
	dir := t.TempDir()
	cfg := DefaultConfig()
	m.resolvePaths(&cfg, dir)
	loadUnits(t, m, cfg.Paths.DB)
	w, err := warehouse.Open(ctx, cfg.Paths.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i, arr := range []arrival{{at: time.Date(2025, 11, 14, 0, 0, 0, 0, time.UTC)}, {}} {
		for _, d := range []string{cfg.Paths.Inbox, cfg.Paths.Archive} {
			if err := os.MkdirAll(d, 0o750); err != nil {
				t.Fatal(err)
			}
		}
		logbookCSV(t, filepath.Join(cfg.Paths.Inbox, fmt.Sprintf("tuan_%d.csv", i)), fmt.Sprintf("%02d/11/2025", 3+i))
		var c runCounts
		if _, err := m.ingestInbox(ctx, w, cfg, arr, &c, log); err != nil || c.FilesIngested != 1 {
			t.Fatalf("inbox %d: %v, %+v", i, err, c)
		}
	}
	var got string
	if err := w.DB().QueryRow(`SELECT string_agg(strftime(arrived_date, '%Y-%m-%d') || ':' || backfill, ' ' ORDER BY arrived_date)
		FROM ingest_batches`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "2025-11-14:false 2026-11-25:false"; got != want {
		t.Errorf("batches arrived %s, want %s", got, want)
	}
}
