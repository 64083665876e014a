package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// runBacktest handles "backtest --db F --from W --to W [--truth FILE] [--budget K] [--json]".
func (m *Main) runBacktest(ctx context.Context, args []string) error {
	fs := m.newFlags("backtest")
	db := dbFlag(fs)
	fromS := fs.String("from", "", "first week predicted out of sample, YYYY-Www (default: 104 weeks before --to, or the first week with enough history)")
	toS := fs.String("to", "", "last week predicted, YYYY-Www (default: the week of the newest case)")
	truth := fs.String("truth", "", "ground-truth CSV (episode_id,unit_code,role,start_week,peak_week,end_week); without it the target is a surge of the Escalation indicator")
	bc := analysis.DefaultBacktestConfig()
	fs.IntVar(&bc.Risk.Budget, "budget", bc.Risk.Budget, "alarm budget: units flagged per week")
	fs.IntVar(&bc.Refit, "refit", bc.Refit, "weeks between refits of the model")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	allWeeks := fs.Bool("train-target", false, "with --truth, fit the coefficients on the evaluation target itself instead of the rising phases (see docs/risk.md)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	from, hasFrom, err := parseWeekFlag(*fromS)
	if err != nil {
		return err
	}
	to, hasTo, err := parseWeekFlag(*toS)
	if err != nil {
		return err
	}
	if err := bc.Risk.Validate(); err != nil {
		return &usageError{err.Error()}
	}
	if bc.Refit < 1 {
		return &usageError{"backtest: --refit must be >= 1"}
	}
	eps, err := readTruth(*truth)
	if err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	first, last, ok, err := w.CaseRange(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("backtest: the warehouse holds no cases: ingest logbooks first")
	}
	if !hasTo {
		to = last
	}
	rd, feats, err := loadRiskData(ctx, w, first, to, analysis.DefaultConfig())
	if err != nil {
		return err
	}
	p := rd.Panel
	minFrom := feats.First + analysis.MinRiskWeeks(bc.Risk) + bc.Risk.Horizon
	if !hasFrom {
		from = to.Add(-103)
		if from.Sub(p.Start) < minFrom {
			from = p.Start.Add(minFrom)
		}
	}
	if from.Sub(p.Start) < minFrom {
		return &usageError{fmt.Sprintf("backtest: --from %s leaves too little history; the first week possible is %s", from, p.Start.Add(minFrom))}
	}
	if to.Before(from) {
		return &usageError{fmt.Sprintf("backtest: --from %s is after --to %s", from, to)}
	}
	var y [][]bool
	if eps != nil {
		y = analysis.TruthTarget(p.Units, p.Start, p.Weeks(), eps, bc.Risk.Horizon)
		if !*allWeeks {
			bc.Train = analysis.TrainTarget(p.Units, p.Start, p.Weeks(), eps, bc.Risk.Horizon, bc.Tail)
		}
	} else {
		y = analysis.SurgeTarget(feats, p.Weeks(), bc.Risk.Horizon)
		// Without truth the labels of the last weeks are not known yet.
		if lim := p.Weeks() - 1 - bc.Risk.Horizon; to.Sub(p.Start) > lim {
			to = p.Start.Add(lim)
			fmt.Fprintf(m.Stderr, "canhbao: backtest: surge target needs %d weeks after a week; --to set to %s\n", bc.Risk.Horizon, to)
		}
	}
	bc.From, bc.To = from.Sub(p.Start), to.Sub(p.Start)
	res, err := analysis.Backtest(feats, p, y, eps, bc)
	if err != nil {
		return fmt.Errorf("backtest: %w", err)
	}
	if res.From != bc.From { // leading origins had no positive row to learn from (see the notes)
		from = p.Start.Add(res.From)
		fmt.Fprintf(m.Stderr, "canhbao: backtest: no model could be fitted before %s; evaluated from there\n", from)
	}
	out := backtestOutput(res, from, to, *truth != "")
	trainOn := "rising phases (start..peak; pre-start and post-peak weeks left out)"
	if bc.Train == nil {
		trainOn = "the target"
	}
	settings := map[string]any{"refit_weeks": bc.Refit, "budget": bc.Risk.Budget, "horizon": bc.Risk.Horizon,
		"calibration_weeks": bc.Risk.CalibWeeks, "min_train_weeks": bc.Risk.MinTrain, "lambdas": bc.Risk.Lambdas,
		"budgets": bc.Budgets, "thresholds": bc.Thresholds, "sparse_rate": bc.SparseRate, "tail_weeks": bc.Tail, "truth": filepath.Base(*truth),
		"train_on": trainOn, "features": len(feats.Cols), "elevated": bc.Risk.Elevated, "high": bc.Risk.High,
		"watch": bc.Risk.Watch, "penalty_choice": bc.Risk.Select, "alerts": bc.Risk.Alerts,
		"max_false_alarms": bc.Risk.MaxFalseAlarms}
	if *truth == "" {
		settings["truth"] = ""
	}
	if err := saveBacktest(ctx, m, w, out, settings); err != nil {
		return err
	}
	if *asJSON {
		return writeBacktestJSON(m, out)
	}
	writeBacktestText(m, res, from, to, *truth != "")
	return nil
}

// loadRiskData reads the case panel, the severity signals and the neighbour
// graph of weeks from..to and computes the risk features. When ctx carries
// the run's nowcast (withRiskNowcast: analyze --nowcast), the last weeks of
// the panel and of the severity streams are nowcast first
// (nowcastRiskData), so the model judges them on what is expected to
// arrive rather than on what has arrived.
func loadRiskData(ctx context.Context, w *warehouse.Warehouse, from, to models.Week, cfg analysis.Config) (*analysis.RiskData, *analysis.Features, error) {
	wc, err := w.WeeklyCounts(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	sev, err := w.SeveritySeries(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	g, err := w.Geography(ctx)
	if err != nil {
		return nil, nil, err
	}
	row := map[string]int{}
	for i, u := range wc.Units {
		row[u] = i
	}
	pop := make([]float64, len(wc.Units))
	for _, u := range g.Current() {
		if i, ok := row[u.Code]; ok {
			pop[i] = float64(u.Population)
		}
	}
	nb := make([][]int, len(wc.Units))
	for _, n := range g.Neighbours {
		a, okA := row[n.A]
		b, okB := row[n.B]
		if !okA || !okB || a == b {
			continue
		}
		nb[a] = appendUnique(nb[a], b)
		nb[b] = appendUnique(nb[b], a)
	}
	rd := &analysis.RiskData{
		// Serious cases known at intake (not the final snapshot's outcomes), so
		// the features of history rows match what the weekly run sees.
		Panel:   &analysis.Panel{Units: wc.Units, Population: pop, Start: wc.Start, Counts: wc.Counts, Serious: sev.SeriousKnown},
		Signals: sev.Names, Values: sev.Values, Neighbours: nb,
	}
	if rn, ok := riskNowcastFrom(ctx); ok {
		if rd, _, err = nowcastRiskData(ctx, w, rd, rn); err != nil {
			return nil, nil, err
		}
	}
	f, err := analysis.BuildFeatures(rd, cfg)
	if err != nil {
		return nil, nil, err
	}
	return rd, f, nil
}

func appendUnique(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// jsonNum maps NaN (undefined: no episode, no positive) to null.
func jsonNum(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// btPoint, btMethod and btOut are the shapes of the --json output, also
// stored in the warehouse (backtests, backtest_methods).
type btPoint struct {
	Budget    int      `json:"budget"`
	Threshold float64  `json:"threshold,omitempty"`
	Detected  int      `json:"episodes_detected_before_peak"`
	Total     int      `json:"episodes_total"`
	Lead      *float64 `json:"median_lead_weeks"`
	FA        float64  `json:"false_alarm_units_per_week"`
	SDetected int      `json:"sparse_episodes_detected_before_peak"`
	STotal    int      `json:"sparse_episodes_total"`
	SLead     *float64 `json:"sparse_median_lead_weeks"`
	PAI       *float64 `json:"pai"`
	PEI       *float64 `json:"pei"`
}

type btMethod struct {
	Name        string     `json:"name"`
	AUROC       *float64   `json:"auroc"`
	AUPR        *float64   `json:"aupr"`
	Brier       float64    `json:"brier"`
	BSS         *float64   `json:"bss"`
	Reliability float64    `json:"reliability"`
	Resolution  float64    `json:"resolution"`
	Uncertainty float64    `json:"uncertainty"`
	PAI         *float64   `json:"pai"`
	PEI         *float64   `json:"pei"`
	Detected    int        `json:"episodes_detected_before_peak"`
	Total       int        `json:"episodes_total"`
	Lead        *float64   `json:"median_lead_weeks"`
	FA          float64    `json:"false_alarm_units_per_week"`
	SAUROC      *float64   `json:"sparse_auroc"`
	SAUPR       *float64   `json:"sparse_aupr"`
	AtFA2       *btPoint   `json:"at_2_false_alarms"`
	AtFA1       *btPoint   `json:"at_1_false_alarm"`
	Curve       []*btPoint `json:"curve"`
	ThrFA2      *btPoint   `json:"at_2_false_alarms_threshold,omitempty"`
	ThrFA1      *btPoint   `json:"at_1_false_alarm_threshold,omitempty"`
	ThrCurve    []*btPoint `json:"threshold_curve,omitempty"`
	AtAlarms    *btPoint   `json:"at_alarms,omitempty"` // a detector's own alarm rule (noufaily)
	// Rules fixed in advance: chosen on each origin's calibration block,
	// scored on the weeks after it (analysis.MethodResult.PriorThr2 ...).
	PriorThr2   *btPoint            `json:"at_2_false_alarms_prior_threshold,omitempty"`
	PriorThr1   *btPoint            `json:"at_1_false_alarm_prior_threshold,omitempty"`
	PriorK2     *btPoint            `json:"at_2_false_alarms_prior_budget,omitempty"`
	PriorK1     *btPoint            `json:"at_1_false_alarm_prior_budget,omitempty"`
	Production  *btPoint            `json:"production_rule,omitempty"` // the weekly run's flag rule (model only)
	Calibration []analysis.CalibBin `json:"calibration"`
}

type btOut struct {
	From        string     `json:"from"`
	To          string     `json:"to"`
	Target      string     `json:"target"`
	Weeks       int        `json:"weeks"`
	Units       int        `json:"units"`
	SparseUnits int        `json:"sparse_units"`
	Rows        int        `json:"unit_weeks"`
	Positives   int        `json:"positive_unit_weeks"`
	Refits      int        `json:"refits"`
	Budget      int        `json:"budget"`
	Lambdas     []float64  `json:"lambdas"`
	AlertRules  int        `json:"alert_rules"`
	Fallbacks   int        `json:"platt_fallbacks"`
	Notes       []string   `json:"notes,omitempty"`
	Methods     []btMethod `json:"methods"`
}

func backtestOutput(res *analysis.BacktestResult, from, to models.Week, truth bool) btOut {
	conv := func(b *analysis.BudgetPoint) *btPoint {
		if b == nil {
			return nil
		}
		return &btPoint{b.Budget, b.Threshold, b.Detected, b.Total, jsonNum(b.MedianLead), b.FalseAlarms,
			b.SparseDetected, b.SparseTotal, jsonNum(b.SparseMedianLead), jsonNum(b.PAI), jsonNum(b.PEI)}
	}
	out := btOut{From: from.String(), To: to.String(), Target: targetName(truth), Weeks: res.Weeks, Units: res.Units,
		SparseUnits: res.SparseUnits, Rows: res.Rows, Positives: res.Positives, Refits: res.Refits,
		Budget: res.Budget, Lambdas: res.Lambdas, AlertRules: res.Alerts, Fallbacks: res.Fallbacks, Notes: res.Notes}
	for _, r := range res.Methods {
		mm := btMethod{Name: r.Name, AUROC: jsonNum(r.AUROC), AUPR: jsonNum(r.AUPR), Brier: r.Brier, BSS: jsonNum(r.BSS),
			Reliability: r.Reliability, Resolution: r.Resolution, Uncertainty: r.Uncertainty,
			PAI: jsonNum(r.PAI), PEI: jsonNum(r.PEI), Detected: r.Detected, Total: r.Total, Lead: jsonNum(r.MedianLead),
			FA: r.FalseAlarms, SAUROC: jsonNum(r.SparseAUROC), SAUPR: jsonNum(r.SparseAUPR),
			AtFA2: conv(r.AtFA2), AtFA1: conv(r.AtFA1), ThrFA2: conv(r.ThrFA2), ThrFA1: conv(r.ThrFA1),
			AtAlarms: conv(r.AtAlarms), PriorThr2: conv(r.PriorThr2), PriorThr1: conv(r.PriorThr1),
			PriorK2: conv(r.PriorK2), PriorK1: conv(r.PriorK1), Production: conv(r.Production), Calibration: r.Calibration}
		for i := range r.Curve {
			mm.Curve = append(mm.Curve, conv(&r.Curve[i]))
		}
		for i := range r.ThrCurve {
			mm.ThrCurve = append(mm.ThrCurve, conv(&r.ThrCurve[i]))
		}
		out.Methods = append(out.Methods, mm)
	}
	return out
}

func writeBacktestJSON(m *Main, out btOut) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// saveBacktest stores the backtest's summary in the warehouse: the settings
// and, per method, the metrics (without the calibration table) and the
// calibration table.
func saveBacktest(ctx context.Context, m *Main, w *warehouse.Warehouse, out btOut, settings any) error {
	st, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	from, _ := models.ParseWeek(out.From)
	to, _ := models.ParseWeek(out.To)
	now := m.Now().UTC()
	b := warehouse.Backtest{ID: fmt.Sprintf("backtest-%s-%s-%s", out.From, out.To, now.Format("20060102T150405.000Z")),
		CreatedAt: now, From: from, To: to, Target: out.Target, Settings: string(st)}
	for _, mm := range out.Methods {
		cal, err := json.Marshal(mm.Calibration)
		if err != nil {
			return err
		}
		mm.Calibration = nil
		met, err := json.Marshal(mm)
		if err != nil {
			return err
		}
		b.Methods = append(b.Methods, warehouse.BacktestMethod{Name: mm.Name, Metrics: string(met), Calibration: string(cal)})
	}
	return w.SaveBacktest(ctx, b)
}

func targetName(truth bool) string {
	if truth {
		return "truth: core or spillover episode with start <= t+4 and peak >= t"
	}
	return "surge: Escalation combined p <= 0.01 with >= 2 cases in one of weeks t+1..t+4"
}

func writeBacktestText(m *Main, res *analysis.BacktestResult, from, to models.Week, truth bool) {
	fmt.Fprintf(m.Stdout, "backtest %s..%s: %d weeks x %d units (%d under 0.5 cases/week), %d refits, %d positive unit-weeks of %d\n",
		from, to, res.Weeks, res.Units, res.SparseUnits, res.Refits, res.Positives, res.Rows)
	fmt.Fprintf(m.Stdout, "target: %s; budget %d units/week\n\n", targetName(truth), res.Budget)
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tAUROC\tAUPR\tBrier\tBSS\tREL\tRES\tPAI\tPEI\tdetected\tlead\tFA/wk\tsparse AUPR\t")
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "-"
		}
		return fmt.Sprintf("%.3f", v)
	}
	for _, r := range res.Methods {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.4f\t%s\t%.4f\t%.4f\t%s\t%s\t%d/%d\t%s\t%.2f\t%s\t\n", r.Name, f(r.AUROC), f(r.AUPR),
			r.Brier, f(r.BSS), r.Reliability, r.Resolution, f(r.PAI), f(r.PEI), r.Detected, r.Total, f(r.MedianLead), r.FalseAlarms, f(r.SparseAUPR))
	}
	tw.Flush()
	fmt.Fprintln(m.Stdout, "\ndetection curve (core episodes flagged before the peak; sparse = units under 0.5 cases/week):")
	tw = tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tK\tdetected\tlead\tFA/wk\tsparse\tsparse lead\t")
	for _, r := range res.Methods {
		for _, b := range r.Curve {
			fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%s\t%.2f\t%d/%d\t%s\t\n", r.Name, b.Budget, b.Detected, b.Total, f(b.MedianLead),
				b.FalseAlarms, b.SparseDetected, b.SparseTotal, f(b.SparseMedianLead))
		}
	}
	tw.Flush()
	fmt.Fprintln(m.Stdout, "\nthreshold rule (flag every unit with calibrated probability >= p), best at <= 2 and <= 1 false-alarm units/week:")
	tw = tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tp (FA<=2)\tdetected\tlead\tFA/wk\tsparse\tp (FA<=1)\tdetected\tFA/wk\t")
	for _, r := range res.Methods {
		a, b := r.ThrFA2, r.ThrFA1
		if a == nil || b == nil {
			continue
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%d/%d\t%s\t%.2f\t%d/%d\t%.2f\t%d/%d\t%.2f\t\n", r.Name, a.Threshold, a.Detected, a.Total,
			f(a.MedianLead), a.FalseAlarms, a.SparseDetected, a.SparseTotal, b.Threshold, b.Detected, b.Total, b.FalseAlarms)
	}
	tw.Flush()
	fmt.Fprintln(m.Stdout, "\nrules fixed in advance (threshold or K chosen on each origin's calibration block, then applied to the weeks after it):")
	tw = tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\trule\tdetected\tlead\tFA/wk\tsparse\t")
	for _, r := range res.Methods {
		for _, pt := range []struct {
			name string
			b    *analysis.BudgetPoint
		}{{"p (FA<=2)", r.PriorThr2}, {"p (FA<=1)", r.PriorThr1}, {"K (FA<=2)", r.PriorK2}, {"K (FA<=1)", r.PriorK1}, {"weekly run", r.Production}} {
			if b := pt.b; b != nil {
				rule := fmt.Sprintf("%s: p>=%.2f", pt.name, b.Threshold)
				switch {
				case pt.name == "weekly run":
					rule = fmt.Sprintf("%s: top %d, p>=%.2f", pt.name, b.Budget, b.Threshold)
				case b.Budget > 0 || strings.HasPrefix(pt.name, "K"):
					rule = fmt.Sprintf("%s: K=%d", pt.name, b.Budget)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\t%.2f\t%d/%d\t\n", r.Name, rule, b.Detected, b.Total, f(b.MedianLead),
					b.FalseAlarms, b.SparseDetected, b.SparseTotal)
			}
		}
	}
	tw.Flush()
	for _, r := range res.Methods {
		if a := r.AtAlarms; a != nil {
			fmt.Fprintf(m.Stdout, "\n%s alarms alone: %d/%d core episodes before the peak, lead %s, %.2f false-alarm units/week, sparse %d/%d\n",
				r.Name, a.Detected, a.Total, f(a.MedianLead), a.FalseAlarms, a.SparseDetected, a.SparseTotal)
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintln(m.Stdout, "note: "+n)
	}
	if len(res.Methods) > 0 {
		fmt.Fprintln(m.Stdout, "\ncalibration of the model (bin: n, mean forecast, observed rate):")
		var parts []string
		for _, b := range res.Methods[0].Calibration {
			parts = append(parts, fmt.Sprintf("[%.2f,%.2f): %d, %.3f, %.3f", b.Lo, b.Hi, b.N, b.Forecast, b.Observed))
		}
		fmt.Fprintln(m.Stdout, strings.Join(parts, "\n"))
	}
}

// riskMinWeeks is the fewest weeks of cases before the analysed week for
// analyze to run the risk model; with less history the Escalation tiers stand.
const riskMinWeeks = 104

// riskShortCalibWeeks is the calibration block analyze falls back to when
// the history is too short for the default one.
const riskShortCalibWeeks = 26

// riskFeatureWeeks caps the feature weeks analyze fits the model on (training
// plus calibration blocks and the horizon), which keeps a weekly run to a few
// seconds; with fewer weeks available all are used.
const riskFeatureWeeks = 156

// applyRisk runs the risk model for week wk and writes its outputs into inds
// (one per current unit, in any order): the features of weeks up to wk are
// built from the warehouse, the model is fitted on the rows whose surge target
// is known at wk (time-ordered, fixed settings, so a rerun on the same data
// gives the same numbers), and each indicator gets the calibrated
// Probability, the Tier and Flagged of analysis.Tiers with the alarm budget
// cfg.Budget, the Drivers, and the Change against prev (the newest stored
// indicators of wk-1, nil when none). The detector outputs (Observed,
// Expected, PValue, QValue, Score, Reasons) are kept. It returns false, with
// inds untouched, when there is too little history.
func applyRisk(ctx context.Context, w *warehouse.Warehouse, first, wk models.Week, cfg analysis.Config,
	inds []models.Indicator, prev []models.Indicator) (bool, *analysis.RiskModel, error) {
	if wk.Sub(first) < riskMinWeeks {
		return false, nil, nil
	}
	rc := analysis.DefaultRiskConfig()
	rc.Budget = cfg.Budget
	dc := analysis.DefaultConfig()
	lead := analysis.MinHistory + 7 + dc.Guard // panel columns before the first feature row
	from := wk.Add(-(lead + riskFeatureWeeks - 1))
	if from.Before(first) {
		from = first
	}
	rd, feats, err := loadRiskData(ctx, w, from, wk, dc)
	if err != nil {
		return false, nil, fmt.Errorf("analyze: risk features: %w", err)
	}
	col := feats.First + len(feats.X) - 1 // the column of wk
	if col-rc.Horizon-feats.First+1 < analysis.MinRiskWeeks(rc) {
		// A young warehouse: a 26-week calibration block (measured
		// slightly worse than 52 weeks, docs/risk.md) rather than no model.
		rc.CalibWeeks = min(rc.CalibWeeks, riskShortCalibWeeks)
	}
	if col-rc.Horizon-feats.First+1 < analysis.MinRiskWeeks(rc) {
		return false, nil, nil
	}
	y := analysis.SurgeTarget(feats, col+1, rc.Horizon)
	model, err := analysis.FitRisk(feats, y, col-rc.Horizon, rc)
	if err != nil {
		// Too few surges in the history to learn from: keep the detector tiers.
		return false, nil, nil
	}
	applyRiskModel(model, feats, col, rc, rd.Panel.Units, inds, prev)
	return true, model, nil
}

// modelQuality reads the newest stored backtest for the report's model.html;
// nil when no backtest was stored.
func modelQuality(ctx context.Context, w *warehouse.Warehouse) (*charts.ModelQuality, error) {
	b, err := w.LatestBacktest(ctx)
	if err != nil || b == nil {
		return nil, err
	}
	mq := &charts.ModelQuality{CreatedAt: b.CreatedAt, From: b.From.String(), To: b.To.String(), Target: b.Target}
	if err := json.Unmarshal([]byte(b.Settings), &mq.Settings); err != nil {
		return nil, fmt.Errorf("report: backtest %s settings: %w", b.ID, err)
	}
	nan := func(v *float64) float64 {
		if v == nil {
			return math.NaN()
		}
		return *v
	}
	budget := func(p *btPoint) *charts.ModelBudget {
		if p == nil {
			return nil
		}
		return &charts.ModelBudget{Budget: p.Budget, Detected: p.Detected, Total: p.Total, SparseDetected: p.SDetected,
			SparseTotal: p.STotal, Lead: nan(p.Lead), FalseAlarms: p.FA}
	}
	for _, m := range b.Methods {
		var bm btMethod
		if err := json.Unmarshal([]byte(m.Metrics), &bm); err != nil {
			return nil, fmt.Errorf("report: backtest %s method %s: %w", b.ID, m.Name, err)
		}
		var cal []analysis.CalibBin
		if err := json.Unmarshal([]byte(m.Calibration), &cal); err != nil {
			return nil, fmt.Errorf("report: backtest %s calibration of %s: %w", b.ID, m.Name, err)
		}
		budgetK := 0
		if v, ok := mq.Settings["budget"].(float64); ok {
			budgetK = int(v)
		}
		mm := charts.ModelMethod{Name: bm.Name, AUROC: nan(bm.AUROC), AUPR: nan(bm.AUPR), Brier: bm.Brier, BSS: nan(bm.BSS),
			PAI: nan(bm.PAI), Detected: bm.Detected, Total: bm.Total, Budget: budgetK, Lead: nan(bm.Lead),
			FalseAlarms: bm.FA, At2: budget(bm.AtFA2), At1: budget(bm.AtFA1)}
		for _, c := range cal {
			mm.Calibration = append(mm.Calibration, charts.ModelCalib{Lo: c.Lo, Hi: c.Hi, N: c.N, Forecast: c.Forecast, Observed: c.Observed})
		}
		mq.Methods = append(mq.Methods, mm)
	}
	if mq.Flag, err = storedFlagRule(ctx, w); err != nil {
		return nil, err
	}
	return mq, nil
}

// storedFlagRule is the flag rule of the newest stored risk model for
// model.html (nil when none is stored): its chosen threshold, or the fixed
// default elevated threshold for a model stored before it chose one.
func storedFlagRule(ctx context.Context, w *warehouse.Warehouse) (*charts.ModelFlag, error) {
	id, week, body, ok, err := w.NewestRiskModel(ctx)
	if err != nil || !ok {
		return nil, err
	}
	m, err := analysis.DecodeRiskModel([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("report: risk model %s: %w", id, err)
	}
	return &charts.ModelFlag{ModelID: id, FittedWeek: week, Threshold: m.FlagThreshold,
		Fallback: analysis.DefaultRiskConfig().Elevated}, nil
}
