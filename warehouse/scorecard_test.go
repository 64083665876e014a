package warehouse

import (
	"context"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// TestScorecardRepeat: a case of the period is a repeat when an earlier
// case (by received date, then case key) of the same unit had the same
// parties — whether that earlier case is in the period or years before it;
// cases without parties never are.
func TestScorecardRepeat(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	mk := func(key string, d time.Time, parties string) models.Case {
		c := testCase(key, "00004", d, models.OutcomeSettled)
		c.ClosedDate = d.AddDate(0, 0, 5)
		c.PartiesHash = parties
		return c
	}
	cases := []models.Case{
		mk("id:p1-a", day(2025, 2, 1), "p1"), mk("id:p1-b", day(2025, 3, 1), "p1"), // b repeats a
		mk("id:p2-a", day(2025, 4, 1), "p2"), mk("id:p2-b", day(2025, 4, 1), "p2"), // same day: b repeats a
		mk("id:p3-old", day(2021, 6, 1), "p3"), mk("id:p3-new", day(2025, 5, 1), "p3"), // repeats a case 4 years before
		mk("id:p4", day(2025, 5, 2), "p4"), // first of its parties
		mk("id:none-a", day(2025, 5, 3), ""), mk("id:none-b", day(2025, 5, 4), ""), // no parties: never
		mk("id:p5-late", day(2025, 12, 1), "p5"), mk("id:p5-in", day(2025, 6, 1), "p5"), // the later one is after the period
	}
	b := &Batch{File: "s.csv", SHA256: "abababababababab", Read: len(cases), StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b, cases, nil); err != nil {
		t.Fatal(err)
	}
	tallies, err := w.Scorecard(ctx, day(2025, 1, 1), day(2025, 6, 30), day(2025, 7, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range tallies {
		if tl.UnitCode == "00004" && tl.Team == "" {
			if tl.Received != 9 || tl.Repeat != 3 {
				t.Fatalf("unit 00004: received %d, repeat %d; want 9 and 3 (p1-b, p2-b, p3-new)", tl.Received, tl.Repeat)
			}
			return
		}
	}
	t.Fatal("no tally for unit 00004")
}
