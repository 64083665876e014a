package warehouse

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// delayWarehouse builds a warehouse by hand whose reporting triangle is
// known cell by cell:
//
//	batch  arrived     backfill  cases (unit, received)
//	hist   2025-09-01  yes       h1 00004 2025-08-12 (W33)
//	old    (NULL)      (NULL)    o1 00008 2025-09-02 (W36); finished 2025-09-08 (W37), loaded before migration 007
//	b1     2025-09-15  no        a 00004 09-01 (W36), b 00004 09-10 (W37), c 00004 09-14 Sun (W37), d 00008 09-15 (W38)
//	b2     2025-09-22  no        e 00004 09-01 (W36), f 00008 09-30 (W40, dated after the file: clamps to 0)
//	late   2025-10-20  no        g 00004 09-03 (W36), and a re-sent with a new outcome (keeps b1's arrival)
//	nye    2026-01-05  no        y 00008 2025-12-29 (2026-W01)
func delayWarehouse(t *testing.T) *Warehouse {
	t.Helper()
	ctx := context.Background()
	w := openTest(t)
	batches := []struct {
		sha      string
		arrived  time.Time
		backfill bool
		cases    []models.Case
	}{
		{"hist", day(2025, 9, 1), true, []models.Case{testCase("id:h1", "00004", day(2025, 8, 12), models.OutcomeSettled)}},
		{"old", day(2025, 9, 8), false, []models.Case{testCase("id:o1", "00008", day(2025, 9, 2), models.OutcomeSettled)}},
		{"b1", day(2025, 9, 15), false, []models.Case{
			testCase("id:a", "00004", day(2025, 9, 1), models.OutcomeInProgress),
			testCase("id:b", "00004", day(2025, 9, 10), models.OutcomeSettled),
			testCase("id:c", "00004", day(2025, 9, 14), models.OutcomeSettled),
			testCase("id:d", "00008", day(2025, 9, 15), models.OutcomeSettled)}},
		{"b2", day(2025, 9, 22), false, []models.Case{
			testCase("id:e", "00004", day(2025, 9, 1), models.OutcomeSettled),
			testCase("id:f", "00008", day(2025, 9, 30), models.OutcomeSettled)}},
		{"late", day(2025, 10, 20), false, []models.Case{
			testCase("id:g", "00004", day(2025, 9, 3), models.OutcomeSettled),
			testCase("id:a", "00004", day(2025, 9, 1), models.OutcomeSettled)}},
		{"nye", day(2026, 1, 5), false, []models.Case{testCase("id:y", "00008", day(2025, 12, 29), models.OutcomeSettled)}},
	}
	for _, bt := range batches {
		b := &Batch{File: bt.sha + ".csv", SHA256: bt.sha, Read: len(bt.cases), StartedAt: bt.arrived.Add(9 * time.Hour),
			Arrived: bt.arrived, Backfill: bt.backfill}
		if err := w.IngestBatch(ctx, b, bt.cases, nil); err != nil {
			t.Fatal(err)
		}
	}
	// "old" stands for a batch loaded before migration 007: no arrival, no
	// backfill mark, finished on 2025-09-08.
	if _, err := w.DB().ExecContext(ctx, `UPDATE ingest_batches SET arrived_date = NULL, backfill = NULL,
		finished_at = TIMESTAMP '2025-09-08 10:00:00' WHERE sha256 = 'old'`); err != nil {
		t.Fatal(err)
	}
	return w
}

func wk(y, n int) models.Week { return models.Week{Year: y, Num: n} }

func TestDelayCounts(t *testing.T) {
	ctx := context.Background()
	w := delayWarehouse(t)
	cases := []struct {
		from, to models.Week
		asOf     time.Time
		want     []DelayCount
	}{
		{wk(2025, 30), wk(2025, 45), day(2025, 10, 31), []DelayCount{
			{"00004", wk(2025, 36), 2, 1}, // a (b1; its re-send in "late" keeps b1)
			{"00004", wk(2025, 36), 3, 1}, // e
			{"00004", wk(2025, 36), 7, 1}, // g
			{"00004", wk(2025, 37), 1, 2}, // b, c (Sunday, arrived Monday: next week)
			{"00008", wk(2025, 36), 1, 1}, // o1: pre-migration batch, arrival = finished_at's date
			{"00008", wk(2025, 38), 0, 1}, // d
			{"00008", wk(2025, 40), 0, 1}, // f: received after its file's date, clamped
		}},
		// As of the day before "late" arrived: g is not there yet.
		{wk(2025, 30), wk(2025, 45), day(2025, 10, 19), []DelayCount{
			{"00004", wk(2025, 36), 2, 1}, {"00004", wk(2025, 36), 3, 1}, {"00004", wk(2025, 37), 1, 2},
			{"00008", wk(2025, 36), 1, 1}, {"00008", wk(2025, 38), 0, 1}, {"00008", wk(2025, 40), 0, 1},
		}},
		// Received weeks 37..38 only, as of b1's arrival day (inclusive).
		{wk(2025, 37), wk(2025, 38), day(2025, 9, 15), []DelayCount{
			{"00004", wk(2025, 37), 1, 2}, {"00008", wk(2025, 38), 0, 1},
		}},
		// Across the ISO year: received 2025-12-29 (2026-W01), arrived 2026-01-05 (W02).
		{wk(2025, 50), wk(2026, 3), day(2026, 1, 5), []DelayCount{{"00008", wk(2026, 1), 1, 1}}},
		{wk(2025, 50), wk(2026, 3), day(2026, 1, 4), nil},
	}
	for _, c := range cases {
		got, err := w.DelayCounts(ctx, c.from, c.to, c.asOf)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("DelayCounts(%s, %s, %s):\n got %v\nwant %v", c.from, c.to, c.asOf.Format(time.DateOnly), got, c.want)
		}
	}
	if _, err := w.DelayCounts(ctx, wk(2025, 40), wk(2025, 39), day(2025, 10, 1)); err == nil {
		t.Error("empty week range: no error")
	}
}

func TestWeeklyCountsAsOf(t *testing.T) {
	ctx := context.Background()
	w := delayWarehouse(t)
	from := wk(2025, 33)
	cases := []struct {
		asOf time.Time
		want map[string]string // unit -> counts for W33..W40
	}{
		// The backfill counts (it was there); b1 not yet arrived.
		{day(2025, 9, 14), map[string]string{"00004": "[1 0 0 0 0 0 0 0]", "00008": "[0 0 0 1 0 0 0 0]"}},
		{day(2025, 9, 15), map[string]string{"00004": "[1 0 0 1 2 0 0 0]", "00008": "[0 0 0 1 0 1 0 0]"}},
		{day(2025, 10, 31), map[string]string{"00004": "[1 0 0 3 2 0 0 0]", "00008": "[0 0 0 1 0 1 0 1]"}},
		// A time of day does not matter, nor the zone: the calendar date is read.
		{time.Date(2025, 9, 15, 23, 30, 0, 0, time.FixedZone("ICT", 7*3600)), map[string]string{"00004": "[1 0 0 1 2 0 0 0]"}},
	}
	for _, c := range cases {
		got, err := w.WeeklyCountsAsOf(ctx, from, wk(2025, 40), c.asOf)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 126 {
			t.Errorf("%d units, want every current unit (126)", len(got))
		}
		for u, want := range c.want {
			if s := fmt.Sprint(got[u]); s != want {
				t.Errorf("as of %s, unit %s: %s, want %s", c.asOf.Format(time.DateOnly), u, s, want)
			}
		}
		for u, counts := range got {
			if _, named := c.want[u]; !named && u != "00004" && u != "00008" && fmt.Sprint(counts) != "[0 0 0 0 0 0 0 0]" {
				t.Errorf("unit %s: %v, want zeros", u, counts)
			}
		}
	}
}

func TestHasArrivals(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	if ok, err := w.HasArrivals(ctx); err != nil || ok {
		t.Fatalf("empty warehouse: HasArrivals = %v, %v", ok, err)
	}
	b := &Batch{File: "h.csv", SHA256: "h", Read: 1, StartedAt: time.Now(), Arrived: day(2025, 9, 1), Backfill: true}
	if err := w.IngestBatch(ctx, b, []models.Case{testCase("id:1", "00004", day(2025, 1, 2), models.OutcomeSettled)}, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.HasArrivals(ctx); err != nil || ok {
		t.Fatalf("backfill only: HasArrivals = %v, %v", ok, err)
	}
	got, err := w.BatchBySHA(ctx, "h")
	if err != nil || got == nil || !got.Backfill || !got.Arrived.Equal(day(2025, 9, 1)) {
		t.Fatalf("BatchBySHA = %+v, %v", got, err)
	}
	b = &Batch{File: "d.csv", SHA256: "d", Read: 1, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b, []models.Case{testCase("id:2", "00004", day(2025, 9, 2), models.OutcomeSettled)}, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.HasArrivals(ctx); err != nil || !ok {
		t.Fatalf("with a delivery: HasArrivals = %v, %v", ok, err)
	}
	// No arrival given: the day of the ingest (UTC).
	if want := utcDate(b.FinishedAt); !b.Arrived.Equal(want) {
		t.Errorf("default arrival %s, want %s", b.Arrived, want)
	}
}
