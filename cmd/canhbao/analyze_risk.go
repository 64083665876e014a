package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// defaultRiskRefitWeeks is how often analyze refits the risk model by
// default. The fit was 81% of a national analyze (3,321 units: L-BFGS over
// every unit-week of three years, for each penalty); the backtest refits
// every 13 weeks with little loss of skill, and 4 weeks keeps the model
// close to the newest labels.
const defaultRiskRefitWeeks = 4

// riskModelMethod names the stored model format and the way it is fitted
// (applyRisk); change it when either changes in a way the settings below do
// not show, so that stored models are refitted.
const riskModelMethod = "risk-logit/v1"

// riskFitSettings is what a stored model was fitted with; a model is reused
// only when the JSON of the current settings is byte-identical.
type riskFitSettings struct {
	Method       string              `json:"method"`
	Risk         analysis.RiskConfig `json:"risk"`
	Features     analysis.Config     `json:"features"`
	FeatureWeeks int                 `json:"feature_weeks"`
	MinWeeks     int                 `json:"min_weeks"`
	// Nowcast holds the nowcast settings when the run fits on nowcast
	// counts (analyze --nowcast): the last training rows then differ from a
	// raw run's, so the two must not reuse each other's models. Omitted
	// for raw runs, which keeps their settings JSON as it was.
	Nowcast *nowcastOptions `json:"nowcast,omitempty"`
}

// riskSettingsJSON returns the settings applyRisk fits with for cfg, and
// the run's nowcast settings when ctx carries them (withRiskNowcast).
func riskSettingsJSON(ctx context.Context, cfg analysis.Config) (string, error) {
	rc := analysis.DefaultRiskConfig()
	rc.Budget = cfg.Budget
	set := riskFitSettings{Method: riskModelMethod, Risk: rc, Features: analysis.DefaultConfig(),
		FeatureWeeks: riskFeatureWeeks, MinWeeks: riskMinWeeks}
	if rn, ok := riskNowcastFrom(ctx); ok {
		set.Nowcast = &rn.Options
	}
	b, err := json.Marshal(set)
	if err != nil {
		return "", fmt.Errorf("analyze: risk settings: %w", err)
	}
	return string(b), nil
}

// applyRiskScheduled runs the risk model for week wk like applyRisk, but
// fits it only on a schedule: the newest stored model fitted at or before wk
// with the same settings is reused while it is younger than refitWeeks
// weeks and its columns are still features; otherwise (or refitWeeks 0) the
// model is refitted by applyRisk and stored. Reuse only predicts, so the
// result for the week a model was fitted at is the same either way: the same
// features (built on the same panel) and the same coefficients (JSON keeps
// every float64 exact). Problems with a stored model are warnings and lead
// to a refit, never to a failed run.
func (m *Main) applyRiskScheduled(ctx context.Context, w *warehouse.Warehouse, first, wk models.Week, cfg analysis.Config,
	refitWeeks int, inds []models.Indicator, prev []models.Indicator) (bool, error) {
	if wk.Sub(first) < riskMinWeeks {
		return false, nil
	}
	settings, err := riskSettingsJSON(ctx, cfg)
	if err != nil {
		return false, err
	}
	warn := func(format string, a ...any) {
		fmt.Fprintf(m.Stderr, "canhbao: analyze: risk model: "+format+"\n", a...)
	}
	if refitWeeks > 0 {
		rec, err := w.LatestRiskModel(ctx, wk, settings)
		if err != nil {
			return false, err
		}
		if rec != nil && wk.Sub(rec.FittedWeek) < refitWeeks {
			ok, err := m.reuseRiskModel(ctx, w, first, wk, cfg, rec, inds, prev)
			if err != nil {
				return false, err
			}
			if ok {
				return true, nil
			}
		}
	}
	risk, model, err := applyRisk(ctx, w, first, wk, cfg, inds, prev)
	if err != nil || !risk || model == nil {
		return risk, err
	}
	body, err := analysis.EncodeRiskModel(model)
	if err != nil {
		warn("not stored: %v", err)
		return true, nil
	}
	cases, batch, err := w.DataFingerprint(ctx)
	if err != nil {
		return false, err
	}
	now := m.Now().UTC()
	rec := warehouse.RiskModelRecord{ModelID: fmt.Sprintf("risk-%s-%s", wk, now.Format("20060102T150405.000000000Z")),
		FittedWeek: wk, Cases: cases, MaxBatch: batch, Features: analysis.FeatureNames(model.Cols),
		Settings: settings, Model: string(body), CreatedAt: now}
	if err := w.SaveRiskModel(ctx, rec); err != nil {
		return false, err
	}
	fmt.Fprintf(m.Stdout, "analyze: risk model fitted at %s and stored as %s\n", wk, rec.ModelID)
	return true, nil
}

// reuseRiskModel predicts week wk with the stored model rec and writes the
// outputs into inds as applyRisk does. It returns false (after a warning)
// when the model cannot be used with the current features.
func (m *Main) reuseRiskModel(ctx context.Context, w *warehouse.Warehouse, first, wk models.Week, cfg analysis.Config,
	rec *warehouse.RiskModelRecord, inds []models.Indicator, prev []models.Indicator) (bool, error) {
	warn := func(format string, a ...any) {
		fmt.Fprintf(m.Stderr, "canhbao: analyze: risk model %s: "+format+"; refitting\n", append([]any{rec.ModelID}, a...)...)
	}
	model, err := analysis.DecodeRiskModel([]byte(rec.Model))
	if err != nil {
		warn("%v", err)
		return false, nil
	}
	if names := analysis.FeatureNames(model.Cols); !equalStrings(names, rec.Features) {
		warn("stored feature names %v do not match the model's %v", rec.Features, names)
		return false, nil
	}
	rd, feats, col, err := riskPredictionFeatures(ctx, w, first, wk)
	if err != nil {
		return false, err
	}
	if err := analysis.CheckFeatures(model, feats.Cols); err != nil {
		warn("%v", err)
		return false, nil
	}
	rc := analysis.DefaultRiskConfig()
	rc.Budget = cfg.Budget
	applyRiskModel(model, feats, col, rc, rd.Panel.Units, inds, prev)
	fmt.Fprintf(m.Stdout, "analyze: risk model %s (fitted at %s) reused\n", rec.ModelID, rec.FittedWeek)
	return true, nil
}

// riskPredictionFeatures builds the risk features of the panel applyRisk
// builds for week wk and returns the panel column of wk. The panel must be the
// same: the features of the last column read up to cfg.History weeks before
// it (the Escalation fit, the signal and stream rates), so a shorter panel
// would change them.
func riskPredictionFeatures(ctx context.Context, w *warehouse.Warehouse, first, wk models.Week) (*analysis.RiskData, *analysis.Features, int, error) {
	dc := analysis.DefaultConfig()
	lead := analysis.MinHistory + 7 + dc.Guard
	from := wk.Add(-(lead + riskFeatureWeeks - 1))
	if from.Before(first) {
		from = first
	}
	rd, feats, err := loadRiskData(ctx, w, from, wk, dc)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("analyze: risk features: %w", err)
	}
	return rd, feats, feats.First + len(feats.X) - 1, nil
}

// applyRiskModel writes the model's outputs for panel column col into inds:
// the calibrated Probability, the Tier and Flagged of analysis.Tiers, the
// Drivers, and the Change against prev (last week's stored indicators), as
// applyRisk does after its fit. The flag threshold is the one the model
// chose on its calibration block (RiskModel.TierConfig; the fixed
// rc.Elevated for a model stored before it had one).
func applyRiskModel(model *analysis.RiskModel, feats *analysis.Features, col int, rc analysis.RiskConfig,
	units []string, inds []models.Indicator, prev []models.Indicator) {
	prob := model.Predict(feats, col)
	tiers, flagged := analysis.Tiers(prob, model.TierConfig(rc))
	before := make(map[string]models.Indicator, len(prev))
	for _, in := range prev {
		before[in.UnitCode] = in
	}
	at := make(map[string]int, len(units))
	for i, u := range units {
		at[u] = i
	}
	for i := range inds {
		u, ok := at[inds[i].UnitCode]
		if !ok {
			continue
		}
		in := &inds[i]
		in.Probability = prob[u]
		in.Tier, in.Flagged = tiers[u], flagged[u]
		in.Drivers = model.Drivers(feats, col, u)
		if pv, ok := before[in.UnitCode]; ok {
			in.Change = analysis.ChangeOf(pv.Tier, pv.Flagged, in.Tier, in.Flagged)
		} else if in.Flagged {
			in.Change = models.ChangeNew
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
