package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// TestModelQualityFlagRule: the model page data carries the flag threshold
// of the newest stored risk model (not an older one), and no flag rule when
// no model is stored.
func TestModelQualityFlagRule(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.SaveBacktest(ctx, warehouse.Backtest{ID: "bt", CreatedAt: time.Now(), From: models.Week{Year: 2024, Num: 1},
		To: models.Week{Year: 2025, Num: 52}, Target: "truth", Settings: `{"budget":5}`,
		Methods: []warehouse.BacktestMethod{{Name: "risk_model", Metrics: `{"name":"risk_model"}`, Calibration: `[]`}}}); err != nil {
		t.Fatal(err)
	}
	mq, err := modelQuality(ctx, w)
	if err != nil || mq == nil {
		t.Fatalf("modelQuality: %v, %v", mq, err)
	}
	if mq.Flag != nil {
		t.Errorf("no stored model, flag rule %+v", mq.Flag)
	}
	for i, thr := range []float64{0.12, 0.08} {
		m := &analysis.RiskModel{Cols: []analysis.Feature{{Name: "cases_1", Code: "cases", Weeks: 1}}, Mean: []float64{0},
			Scale: []float64{1}, Coef: []float64{0.5}, PlattA: 1, FlagThreshold: thr}
		body, err := analysis.EncodeRiskModel(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.SaveRiskModel(ctx, warehouse.RiskModelRecord{ModelID: []string{"risk-old", "risk-new"}[i],
			FittedWeek: models.Week{Year: 2025, Num: 40 + 10*i}, Settings: `{}`, Model: string(body),
			CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if mq, err = modelQuality(ctx, w); err != nil {
		t.Fatal(err)
	}
	if f := mq.Flag; f == nil || f.ModelID != "risk-new" || f.FittedWeek != "2025-W50" || f.Threshold != 0.08 ||
		f.Fallback != analysis.DefaultRiskConfig().Elevated {
		t.Errorf("flag rule %+v, want risk-new of 2025-W50 with threshold 0.08", f)
	}
}
