package warehouse

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/models"
)

func openTest(t *testing.T) *Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	g, err := geo.LoadDir(filepath.Join("..", "..", "shared", "data", "hanoi"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SaveGeography(ctx, g); err != nil {
		t.Fatal(err)
	}
	return w
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func testCase(key, unit string, d time.Time, o models.Outcome) models.Case {
	return models.Case{Key: key, ReceivedDate: d, UnitCode: unit, SourceUnitCode: unit,
		Category: models.CategoryCivil, Subtopic: models.SubtopicLand, Outcome: o}
}

func TestGeographyRoundTrip(t *testing.T) {
	w := openTest(t)
	g, err := w.Geography(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.Current()); n != 126 {
		t.Errorf("%d current units, want 126", n)
	}
	if len(g.Units) != 126+579+526 || len(g.Neighbours) != 329 || len(g.MapGeoJSON) == 0 {
		t.Errorf("got %d units, %d neighbours, %d bytes of map", len(g.Units), len(g.Neighbours), len(g.MapGeoJSON))
	}
}

func TestIngestBatchAccounting(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	cases := []models.Case{
		testCase("id:1", "00004", day(2025, 9, 1), models.OutcomeInProgress),
		testCase("id:2", "00004", day(2025, 9, 2), models.OutcomeSettled),
		testCase("id:3", "00008", day(2025, 9, 9), models.OutcomeNotSettled),
		testCase("id:3", "00008", day(2025, 9, 9), models.OutcomeNotSettled), // repeated inside the file
	}
	bad := []*models.RowError{{File: "a.csv", Row: 6, Field: "received_date", Reason: `"31/02/2025" is not a date`, Raw: "x"}}
	b := &Batch{File: "a.csv", SHA256: "aaaaaaaaaaaaaaaa", Read: 6, Ignored: 1, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b, cases, bad); err != nil {
		t.Fatal(err)
	}
	if b.Loaded != 3 || b.Duplicate != 1 || b.Quarantined != 1 || b.Updated != 0 {
		t.Fatalf("first batch %+v", b)
	}
	// Re-sent with case 1 now settled and closed: one update, two duplicates.
	cases[0].Outcome, cases[0].ClosedDate = models.OutcomeSettled, day(2025, 9, 20)
	b2 := &Batch{File: "b.csv", SHA256: "bbbbbbbbbbbbbbbb", Read: 3, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b2, cases[:3], nil); err != nil {
		t.Fatal(err)
	}
	if b2.Loaded != 0 || b2.Updated != 1 || b2.Duplicate != 2 {
		t.Fatalf("second batch %+v", b2)
	}
	var n, hist int
	var outcome string
	db := w.DB()
	db.QueryRow(`SELECT count(*) FROM cases`).Scan(&n)
	db.QueryRow(`SELECT count(*) FROM case_history`).Scan(&hist)
	db.QueryRow(`SELECT outcome FROM cases WHERE case_key = 'id:1'`).Scan(&outcome)
	if n != 3 || hist != 1 || outcome != "settled" {
		t.Fatalf("cases %d, history %d, outcome %s", n, hist, outcome)
	}
	if got, _ := w.BatchBySHA(ctx, "aaaaaaaaaaaaaaaa"); got == nil || got.Loaded != 3 {
		t.Fatalf("BatchBySHA = %+v", got)
	}

	// Weekly counts through Arrow: 2025-W36 holds cases 1 and 2, W37 case 3 (serious).
	from := models.Week{Year: 2025, Num: 35}
	wc, err := w.WeeklyCounts(ctx, from, models.Week{Year: 2025, Num: 38})
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, u := range wc.Units {
		idx[u] = i
	}
	if got := wc.Counts[idx["00004"]]; got[1] != 2 || got[0] != 0 {
		t.Errorf("00004 counts %v, want [0 2 0 0]", got)
	}
	if got := wc.Serious[idx["00008"]]; got[2] != 1 {
		t.Errorf("00008 serious %v, want [0 0 1 0]", got)
	}
	first, last, ok, err := w.CaseRange(ctx)
	if err != nil || !ok || first != (models.Week{Year: 2025, Num: 36}) || last != (models.Week{Year: 2025, Num: 37}) {
		t.Errorf("CaseRange = %v %v %v %v", first, last, ok, err)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "m.duckdb")
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %v %v", files, err)
	}
	for i := 0; i < 2; i++ {
		w, err := Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		w.DB().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n)
		if n != len(files) {
			t.Fatalf("open %d: %d migrations recorded, want %d", i, n, len(files))
		}
		w.Close()
	}
}
