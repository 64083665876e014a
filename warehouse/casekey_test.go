package warehouse

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// checkUnique fails unless every case_key is stored once: since migration
// 008 no index enforces it, the BatchWriter's merge does.
func checkUnique(t *testing.T, w *Warehouse, want int) {
	t.Helper()
	var n, distinct int
	if err := w.DB().QueryRow(`SELECT count(*), count(DISTINCT case_key) FROM cases`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != distinct || n != want {
		t.Fatalf("cases: %d rows, %d distinct keys, want %d of each", n, distinct, want)
	}
}

func TestCasesHaveNoKeyIndex(t *testing.T) {
	w := openTest(t)
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM duckdb_constraints()
		WHERE table_name = 'cases' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("cases has %d key constraints after migration 008", n)
	}
}

// TestCaseKeyUniqueAcrossBatches loads more than two staging chunks (so
// chunks are appended in the background while the next is filled) with
// keys repeated across chunk boundaries, then re-sends, updates and loads
// overlapping batches concurrently: counts never double.
func TestCaseKeyUniqueAcrossBatches(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	n := 2*chunkRows + chunkRows/2
	var cases []models.Case
	for i := range n {
		cases = append(cases, testCase(fmt.Sprintf("id:%d", i), "00004", day(2025, 9, 1+i%28), models.OutcomeInProgress))
	}
	// Repeats in the file, one chunk apart: key 7 unchanged (a duplicate),
	// key 11 settled later in the file (an update: the last version wins).
	cases = append(cases[:chunkRows+3], append([]models.Case{cases[7], cases[11]}, cases[chunkRows+3:]...)...)
	cases[chunkRows+4].Outcome, cases[chunkRows+4].ClosedDate = models.OutcomeSettled, day(2025, 10, 1)
	b := &Batch{File: "big.csv", SHA256: "1111111111111111", Read: len(cases), StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b, cases, nil); err != nil {
		t.Fatal(err)
	}
	if b.Loaded != n || b.Duplicate != 1 || b.Updated != 1 {
		t.Fatalf("first batch %+v", b)
	}
	checkUnique(t, w, n)
	var outcome string
	w.DB().QueryRow(`SELECT outcome FROM cases WHERE case_key = 'id:11'`).Scan(&outcome)
	if outcome != "settled" {
		t.Fatalf("id:11 outcome %q, want the file's last version (settled)", outcome)
	}

	// The same rows re-sent in another file: duplicates, except that key
	// 11 still changes inside the file (in progress, then settled).
	again := &Batch{File: "again.csv", SHA256: "2222222222222222", Read: len(cases), StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, again, cases, nil); err != nil {
		t.Fatal(err)
	}
	if again.Loaded != 0 || again.Updated != 1 || again.Duplicate != len(cases)-1 {
		t.Fatalf("re-sent batch %+v", again)
	}
	checkUnique(t, w, n)

	// 100 cases re-sent closed, plus 50 new ones: updates with history.
	var resent []models.Case
	for i := 100; i < 250; i++ {
		c := testCase(fmt.Sprintf("id:%d", i), "00004", day(2025, 9, 1+i%28), models.OutcomeNotSettled)
		c.ClosedDate = day(2025, 11, 1)
		if i >= 200 {
			c.Key = fmt.Sprintf("id:new-%d", i)
		}
		resent = append(resent, c)
	}
	upd := &Batch{File: "upd.csv", SHA256: "3333333333333333", Read: len(resent), StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, upd, resent, nil); err != nil {
		t.Fatal(err)
	}
	if upd.Loaded != 50 || upd.Updated != 100 || upd.Duplicate != 0 {
		t.Fatalf("update batch %+v", upd)
	}
	checkUnique(t, w, n+50)
	var hist int
	w.DB().QueryRow(`SELECT count(*) FROM case_history WHERE batch_id = ?`, upd.BatchID).Scan(&hist)
	if hist != 100 {
		t.Fatalf("%d history rows for the update batch, want 100", hist)
	}

	// Two writers at once with 5,000 keys in common: the merge lock makes
	// one of them see the other's rows, so the overlap is loaded once.
	mk := func(from, to int) []models.Case {
		var cs []models.Case
		for i := from; i < to; i++ {
			cs = append(cs, testCase(fmt.Sprintf("id:c-%d", i), "00008", day(2025, 9, 3), models.OutcomeSettled))
		}
		return cs
	}
	batches := []*Batch{
		{File: "p.csv", SHA256: "4444444444444444", Read: 10000, StartedAt: time.Now()},
		{File: "q.csv", SHA256: "5555555555555555", Read: 10000, StartedAt: time.Now().Add(time.Millisecond)},
	}
	sets := [][]models.Case{mk(0, 10000), mk(5000, 15000)}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = w.IngestBatch(ctx, batches[i], sets[i], nil)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if l, d := batches[0].Loaded+batches[1].Loaded, batches[0].Duplicate+batches[1].Duplicate; l != 15000 || d != 5000 {
		t.Fatalf("concurrent batches loaded %d duplicate %d, want 15000 and 5000: %+v %+v", l, d, batches[0], batches[1])
	}
	checkUnique(t, w, n+50+15000)
}

// TestBatchWriterCloseWithChunkInFlight: a writer closed without Commit
// while a chunk is being staged stores nothing and does not hang.
func TestBatchWriterCloseWithChunkInFlight(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	bw, err := w.BeginBatch(ctx, &Batch{File: "x.csv", SHA256: "6666666666666666", StartedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range chunkRows + 1 {
		c := testCase(fmt.Sprintf("id:%d", i), "00004", day(2025, 9, 1), models.OutcomeSettled)
		if err := bw.AddCase(&c); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	checkUnique(t, w, 0)
}

// TestMigration008KeepsRows runs the rebuild of migration 008 on a table
// with rows: every row and column survives.
func TestMigration008KeepsRows(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	c := testCase("id:a", "00004", day(2025, 9, 1), models.OutcomeSettled)
	c.ClosedDate, c.Village, c.ViolenceRisk = day(2025, 9, 5), "Tổ 3", true
	if err := w.IngestBatch(ctx, &Batch{File: "a.csv", SHA256: "7777777777777777", Read: 1, StartedAt: time.Now()},
		[]models.Case{c}, nil); err != nil {
		t.Fatal(err)
	}
	before := dumpCases(t, w)
	// 008 rebuilds the table of its time; 011 adds tension back (false, as
	// the case has: c.Tension is false).
	for _, m := range []string{"migrations/008_cases_key.sql", "migrations/011_tension.sql"} {
		body, err := migrations.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		if m == "migrations/011_tension.sql" {
			// case_history kept its column: only the cases part applies again
			body = []byte(strings.Split(string(body), "ALTER TABLE case_history")[0])
		}
		if _, err := w.DB().ExecContext(ctx, string(body)); err != nil {
			t.Fatal(err)
		}
	}
	if after := dumpCases(t, w); after != before || before == "" {
		t.Fatalf("rows changed by the rebuild:\n%s\n%s", before, after)
	}
}

func dumpCases(t *testing.T, w *Warehouse) string {
	t.Helper()
	var s string
	if err := w.DB().QueryRow(`SELECT coalesce(string_agg(c::VARCHAR, '|' ORDER BY case_key), '') FROM cases c`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
