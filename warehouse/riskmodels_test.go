package warehouse

import (
	"context"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// TestRiskModelStore saves fitted-model rows and reads back the newest one
// fitted at or before a week with the same settings: never a model fitted
// after the week (it saw later labels), never one with other settings, and
// nil when there is none.
func TestRiskModelStore(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	const set = `{"method":"risk-logit/v1","lambda":[0.3,3]}`
	if r, err := w.LatestRiskModel(ctx, models.Week{Year: 2026, Num: 47}, set); err != nil || r != nil {
		t.Fatalf("empty store: %+v, %v", r, err)
	}
	cases, batch, err := w.DataFingerprint(ctx)
	if err != nil || cases != 0 || batch != "" {
		t.Fatalf("fingerprint of an empty warehouse: %d %q %v", cases, batch, err)
	}
	bt := &Batch{File: "a.csv", SHA256: "dddddddddddddddd", Read: 1, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, bt, []models.Case{testCase("id:1", "00004", day(2026, 9, 1), models.OutcomeSettled)}, nil); err != nil {
		t.Fatal(err)
	}
	if cases, batch, err = w.DataFingerprint(ctx); err != nil || cases != 1 || batch != bt.BatchID {
		t.Fatalf("fingerprint %d %q %v, want 1 case, batch %q", cases, batch, err, bt.BatchID)
	}
	t0 := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	save := func(id string, wk models.Week, settings string, created time.Time) {
		t.Helper()
		r := RiskModelRecord{ModelID: id, FittedWeek: wk, Cases: cases, MaxBatch: batch, Features: []string{"a", "b"},
			Settings: settings, Model: `{"Coef":[1,2]}`, CreatedAt: created}
		if err := w.SaveRiskModel(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	w43, w45, w47 := models.Week{Year: 2026, Num: 43}, models.Week{Year: 2026, Num: 45}, models.Week{Year: 2026, Num: 47}
	save("m43", w43, set, t0)
	save("m45-old", w45, set, t0.Add(time.Hour))
	save("m45", w45, set, t0.Add(2*time.Hour))
	save("m47", w47, set, t0.Add(3*time.Hour))
	save("m46-other", models.Week{Year: 2026, Num: 46}, `{"method":"other"}`, t0.Add(4*time.Hour))
	for _, c := range []struct {
		wk   models.Week
		want string
	}{
		{models.Week{Year: 2026, Num: 42}, ""},
		{w43, "m43"},
		{models.Week{Year: 2026, Num: 44}, "m43"},
		{models.Week{Year: 2026, Num: 46}, "m45"},
		{w47, "m47"},
		{models.Week{Year: 2027, Num: 3}, "m47"},
	} {
		r, err := w.LatestRiskModel(ctx, c.wk, set)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if r != nil {
			got = r.ModelID
		}
		if got != c.want {
			t.Errorf("week %s: model %q, want %q", c.wk, got, c.want)
		}
	}
	r, err := w.LatestRiskModel(ctx, w47, set)
	if err != nil || r == nil {
		t.Fatal(r, err)
	}
	if r.FittedWeek != w47 || r.Cases != 1 || r.MaxBatch != bt.BatchID || len(r.Features) != 2 || r.Features[1] != "b" ||
		r.Settings != set || r.Model != `{"Coef":[1,2]}` || !r.CreatedAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("read back %+v", r)
	}
	if o, err := w.LatestRiskModel(ctx, w47, `{"method":"other"}`); err != nil || o == nil || o.ModelID != "m46-other" {
		t.Errorf("other settings: %+v, %v", o, err)
	}
	// Invalid rows are refused before they reach the table.
	for _, bad := range []RiskModelRecord{
		{ModelID: "", FittedWeek: w47, Settings: set, Model: "{}"},
		{ModelID: "x", FittedWeek: w47, Settings: set, Model: "{"},
		{ModelID: "y", FittedWeek: w47, Settings: "not json", Model: "{}"},
		{ModelID: "m47", FittedWeek: w47, Settings: set, Model: "{}", CreatedAt: t0}, // duplicate id
	} {
		if err := w.SaveRiskModel(ctx, bad); err == nil {
			t.Errorf("saved %+v", bad)
		}
	}
}
