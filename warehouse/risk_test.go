package warehouse

import (
	"context"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// TestSeveritySeriesKnownAt checks that the signals are dated by when they
// became known: a case received in week 36 that closes not settled in week
// 40 counts as not settled in week 40, not 36; one still open counts as long
// open 31 days after receipt; violence counts at receipt.
func TestSeveritySeriesKnownAt(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	a := testCase("id:1", "00004", day(2025, 9, 1), models.OutcomeNotSettled) // Monday of 2025-W36
	a.ClosedDate = day(2025, 9, 29)                                           // 2025-W40
	b := testCase("id:2", "00004", day(2025, 9, 2), models.OutcomeInProgress) // open: long open from 03/10 (W40)
	b.ViolenceRisk = true
	bt := &Batch{File: "a.csv", SHA256: "cccccccccccccccc", Read: 2, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, bt, []models.Case{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	from := models.Week{Year: 2025, Num: 34}
	sp, err := w.SeveritySeries(ctx, from, models.Week{Year: 2025, Num: 42})
	if err != nil {
		t.Fatal(err)
	}
	u := -1
	for i, c := range sp.Units {
		if c == "00004" {
			u = i
		}
	}
	sig := map[string]int{}
	for k, n := range sp.Names {
		sig[n] = k
	}
	col := func(wk int) int { return models.Week{Year: 2025, Num: wk}.Sub(from) }
	for _, c := range []struct {
		name string
		week int
	}{{"not_settled", 40}, {"violence", 36}, {"long_open", 40}, {"land", 36}} {
		for wk := 34; wk <= 42; wk++ {
			want := 0.0
			if wk == c.week {
				want = 1
				if c.name == "land" {
					want = 2
				}
			}
			if got := sp.Values[sig[c.name]][u][col(wk)]; got != want {
				t.Errorf("%s in 2025-W%02d: %v, want %v", c.name, wk, got, want)
			}
		}
	}
	if sp.SeriousKnown[u][col(36)] != 1 || sp.SeriousKnown[u][col(40)] != 0 {
		t.Errorf("serious known at intake: W36 %v (want 1), W40 %v (want 0)", sp.SeriousKnown[u][col(36)], sp.SeriousKnown[u][col(40)])
	}
}

func TestBacktestRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	if b, err := w.LatestBacktest(ctx); err != nil || b != nil {
		t.Fatalf("empty warehouse: %v, %v", b, err)
	}
	for i, id := range []string{"bt-old", "bt-new"} {
		b := Backtest{ID: id, CreatedAt: day(2026, 1, 1+i), From: models.Week{Year: 2024, Num: 1},
			To: models.Week{Year: 2025, Num: 52}, Target: "truth", Settings: `{"budget":5}`,
			Methods: []BacktestMethod{{"risk_model", `{"auroc":0.7}`, `[]`}, {"last4_count", `{"auroc":0.6}`, `[]`}}}
		if err := w.SaveBacktest(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	b, err := w.LatestBacktest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != "bt-new" || b.To.Num != 52 || len(b.Methods) != 2 || b.Methods[0].Name != "risk_model" ||
		b.Methods[1].Metrics != `{"auroc":0.6}` || b.Settings != `{"budget":5}` {
		t.Errorf("latest backtest %+v", b)
	}
}
