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

// TestSeveritySeriesWindowExact: SeveritySeries reads only the cases that
// can give a signal in its window; the counts must be those of every case.
// A repeat whose previous case lies 200 days before the window counts, one
// whose previous case lies 400 days before does not, and a case received
// two years before the window but closed not settled in it counts in the
// week it closed.
func TestSeveritySeriesWindowExact(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	from, to := models.Week{Year: 2025, Num: 10}, models.Week{Year: 2025, Num: 20}
	first := from.Monday()
	mk := func(key string, d time.Time, parties string) models.Case {
		c := testCase(key, "00004", d, models.OutcomeSettled)
		c.ClosedDate = d.AddDate(0, 0, 10)
		c.PartiesHash = parties
		return c
	}
	cases := []models.Case{
		mk("id:near-prev", first.AddDate(0, 0, -200), "p1"),
		mk("id:near", first.AddDate(0, 0, 14), "p1"), // repeat: 214 days after
		mk("id:far-prev", first.AddDate(0, 0, -400), "p2"),
		mk("id:far", first.AddDate(0, 0, 14), "p2"), // not a repeat: 414 days
	}
	old := testCase("id:old", "00004", first.AddDate(-2, 0, 0), models.OutcomeNotSettled)
	old.ClosedDate = first.AddDate(0, 0, 21)
	cases = append(cases, old)
	b := &Batch{File: "r.csv", SHA256: "dddddddddddddddd", Read: len(cases), StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b, cases, nil); err != nil {
		t.Fatal(err)
	}
	sp, err := w.SeveritySeries(ctx, from, to)
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
	sum := func(name string) (s float64) {
		for _, v := range sp.Values[sig[name]][u] {
			s += v
		}
		return
	}
	if got := sum("repeat"); got != 1 {
		t.Errorf("repeats in the window: %v, want 1 (the case 214 days after its parties' previous one)", got)
	}
	if got, wk := sum("not_settled"), models.WeekOf(old.ClosedDate).Sub(from); got != 1 || sp.Values[sig["not_settled"]][u][wk] != 1 {
		t.Errorf("not settled in the window: %v, want 1 in week column %d", got, wk)
	}
}
