package warehouse

import (
	"context"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// TestTensionStored checks the tension flag of migration 011 end to end in
// the warehouse: written with a new case, changed by a re-sent one (an
// update, the old value in case_history), counted by SeveritySeries at
// receipt.
func TestTensionStored(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	a := testCase("id:1", "00004", day(2025, 9, 1), models.OutcomeInProgress) // 2025-W36
	a.Tension = true
	b := testCase("id:2", "00004", day(2025, 9, 9), models.OutcomeInProgress) // 2025-W37
	if err := w.IngestBatch(ctx, &Batch{File: "a.csv", SHA256: "aaaaaaaaaaaaaaaa", Read: 2, StartedAt: time.Now()},
		[]models.Case{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	tension := func(key string) bool {
		var v bool
		if err := w.db.QueryRowContext(ctx, `SELECT tension FROM cases WHERE case_key = ?`, key).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !tension("id:1") || tension("id:2") {
		t.Fatalf("stored tension: id:1 %v (want true), id:2 %v (want false)", tension("id:1"), tension("id:2"))
	}
	// The same case re-sent with a summary that now reads tense: an update.
	b.Tension = true
	bt := &Batch{File: "b.csv", SHA256: "bbbbbbbbbbbbbbbb", Read: 1, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, bt, []models.Case{b}, nil); err != nil {
		t.Fatal(err)
	}
	if bt.Updated != 1 || !tension("id:2") {
		t.Errorf("re-sent case: updated %d (want 1), tension %v (want true)", bt.Updated, tension("id:2"))
	}
	var old bool
	if err := w.db.QueryRowContext(ctx, `SELECT tension FROM case_history WHERE case_key = 'id:2'`).Scan(&old); err != nil || old {
		t.Errorf("case_history: tension %v, err %v (want false, nil)", old, err)
	}
	from := models.Week{Year: 2025, Num: 35}
	sp, err := w.SeveritySeries(ctx, from, models.Week{Year: 2025, Num: 38})
	if err != nil {
		t.Fatal(err)
	}
	k, u := -1, -1
	for i, n := range sp.Names {
		if n == "tension" {
			k = i
		}
	}
	for i, c := range sp.Units {
		if c == "00004" {
			u = i
		}
	}
	if k < 0 || u < 0 {
		t.Fatalf("no tension signal (%v) or no unit 00004", sp.Names)
	}
	want := []float64{0, 1, 1, 0} // W35..W38
	for c, wv := range want {
		if got := sp.Values[k][u][c]; got != wv {
			t.Errorf("tension in week %s: %v, want %v", from.Add(c), got, wv)
		}
	}
	if sp.SeriousKnown[u][1] != 0 {
		t.Errorf("tension must not count as serious-known: %v", sp.SeriousKnown[u][1])
	}
}
