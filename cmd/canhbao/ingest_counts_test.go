package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/canhbao/canhbao/warehouse"
)

// TestIngestWeeklyCounts: an aggregated source (weekly counts per
// neighbourhood) through its mapping file: the warehouse holds as many
// cases per unit and week as the counts say; a re-sent file with the same
// counts is all duplicates, one whose count grew loads only the extra
// cases, and the batch accounting holds (a row of count n is n rows read).
func TestIngestWeeklyCounts(t *testing.T) {
	m, out := testMain(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	loadUnits(t, m, db)
	mapping := filepath.Join("..", "..", "ingest", "testdata", "weekly_counts.toml")
	write := func(name string, rows ...string) string {
		p := filepath.Join(dir, name)
		body := "week_start,neighborhood,count_dispute_like\n" + strings.Join(rows, "\n") + "\n"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ingest := func(file string) (read, loaded, dup, ignored int) {
		out.Reset()
		if err := m.Run(context.Background(), []string{"ingest", "--db", db, "--json", "--mapping", mapping, file}); err != nil {
			t.Fatalf("ingest %s: %v\n%s", file, err, out)
		}
		var b warehouse.Batch
		if err := json.NewDecoder(out).Decode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Read, b.Loaded, b.Duplicate, b.Ignored
	}
	a := write("a.csv", "2025-08-04,Phường Ba Đình,3", "2025-08-04,Phường Ngọc Hà,0", "2025-08-11,Phường Ba Đình,2")
	if r, l, d, i := ingest(a); r != 6 || l != 5 || d != 0 || i != 1 {
		t.Fatalf("first file: read %d loaded %d duplicate %d ignored %d, want 6 5 0 1", r, l, d, i)
	}
	// same counts in another file: duplicates; one count grown by 2: two new cases
	b := write("b.csv", "2025-08-04,Phường Ba Đình,3", "2025-08-11,Phường Ba Đình,4", "2025-08-11,Phường Ngọc Hà,1")
	if r, l, d, i := ingest(b); r != 8 || l != 3 || d != 5 || i != 0 {
		t.Fatalf("re-sent file: read %d loaded %d duplicate %d ignored %d, want 8 3 5 0", r, l, d, i)
	}
	var w32, w33, nh int
	query(t, db, `SELECT count(*) FILTER (WHERE received_date = DATE '2025-08-04'),
		count(*) FILTER (WHERE received_date = DATE '2025-08-11' AND unit_code = '00004'),
		count(*) FILTER (WHERE unit_code <> '00004') FROM cases`, &w32, &w33, &nh)
	if w32 != 3 || w33 != 4 || nh != 1 {
		t.Errorf("cases: week 32 %d, week 33 Ba Đình %d, Ngọc Hà %d; want 3, 4, 1", w32, w33, nh)
	}
}
