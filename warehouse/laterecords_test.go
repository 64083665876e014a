package warehouse

import (
	"context"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// TestLateRecords: per batch finished since the given time, the cases
// received at least `days` before the batch's newest case, and the largest
// such gap; a batch finished before is left out.
func TestLateRecords(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	early := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	old := &Batch{File: "old.csv", SHA256: "eeeeeeeeeeeeeeee", Read: 2, StartedAt: early}
	if err := w.IngestBatch(ctx, old, []models.Case{
		testCase("id:o1", "00004", day(2024, 1, 1), models.OutcomeSettled),
		testCase("id:o2", "00004", day(2024, 12, 1), models.OutcomeSettled),
	}, nil); err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-time.Hour) // old.csv finished just now too: set its finish time back
	if _, err := w.DB().Exec(`UPDATE ingest_batches SET finished_at = ? WHERE file = 'old.csv'`, early); err != nil {
		t.Fatal(err)
	}
	b := &Batch{File: "week.csv", SHA256: "ffffffffffffffff", Read: 4, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b, []models.Case{
		testCase("id:w1", "00004", day(2025, 9, 29), models.OutcomeSettled), // newest
		testCase("id:w2", "00004", day(2025, 9, 20), models.OutcomeSettled), // 9 days
		testCase("id:w3", "00004", day(2025, 6, 1), models.OutcomeSettled),  // 120 days
		testCase("id:w4", "00004", day(2025, 7, 1), models.OutcomeSettled),  // 90 days
	}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := w.LateRecords(ctx, since, 60)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].File != "week.csv" || got[0].Late != 2 || got[0].MaxDays != 120 {
		t.Fatalf("late records %+v, want week.csv: 2 cases, at most 120 days", got)
	}
}
