package analysis

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// BacktestConfig sets a rolling-origin backtest.
type BacktestConfig struct {
	From, To   int        // panel columns predicted out of sample (inclusive)
	Refit      int        // weeks between refits, as the weekly run would (default 13)
	Risk       RiskConfig // model, calibration and budget settings
	Budgets    []int      // alarm budgets of the detection curve (default 1..10)
	Thresholds []float64  // calibrated-probability thresholds of the threshold detection curve
	SparseRate float64    // units below this many cases a week are reported apart (default 0.5)
	Tail       int        // weeks after an episode's end during which a flag is not a false alarm (default 3)
	// Train, when not nil, holds the labels the coefficients are fitted on
	// ([unit][panel column], see TrainTarget); nil fits on the target y.
	Train [][]int8 `json:"-"`
}

// DefaultBacktestConfig returns refits every 13 weeks, budgets 1..10, the
// sparse cut at 0.5 cases a week and a 3-week tail.
func DefaultBacktestConfig() BacktestConfig {
	return BacktestConfig{Refit: 13, Risk: DefaultRiskConfig(), Budgets: []int{1, 2, 3, 4, 5, 6, 7, 8, 10},
		SparseRate: 0.5, Tail: 3, Thresholds: []float64{0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3, 0.5}}
}

// Method names of the backtest, the model first.
const (
	MethodModel      = "risk_model"
	MethodLast4      = "last4_count"
	MethodHistMean   = "historical_mean"
	MethodEscalation = "escalation_score"
	MethodNoufaily   = "noufaily"
)

// baselineFeature is the feature each baseline ranks units by.
var baselineFeature = map[string]string{
	MethodLast4:      "cases_4",
	MethodHistMean:   "base_rate",
	MethodEscalation: "score_4",
}

// CalibBin is one row of a calibration table.
type CalibBin struct {
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	N        int     `json:"n"`
	Forecast float64 `json:"mean_forecast"`
	Observed float64 `json:"observed_rate"`
}

// BudgetPoint is the episode detection at one alarm budget.
type BudgetPoint struct {
	Budget           int     `json:"budget"`    // top-K rule: K (0 for the threshold rule)
	Threshold        float64 `json:"threshold"` // threshold rule: flagged when the calibrated probability >= this (0 for top-K)
	Detected         int     `json:"episodes_detected_before_peak"`
	Total            int     `json:"episodes_total"`
	MedianLead       float64 `json:"median_lead_weeks"`
	FalseAlarms      float64 `json:"false_alarm_units_per_week"`
	SparseDetected   int     `json:"sparse_episodes_detected_before_peak"`
	SparseTotal      int     `json:"sparse_episodes_total"`
	SparseMedianLead float64 `json:"sparse_median_lead_weeks"`
	PAI              float64 `json:"pai"`
	PEI              float64 `json:"pei"`
}

// MethodResult is the scorecard of one method; episode fields are at the
// configured budget cfg.Risk.Budget.
type MethodResult struct {
	Name        string        `json:"name"`
	AUROC       float64       `json:"auroc"`
	AUPR        float64       `json:"aupr"`
	Brier       float64       `json:"brier"`
	BSS         float64       `json:"bss"`
	Reliability float64       `json:"reliability"`
	Resolution  float64       `json:"resolution"`
	Uncertainty float64       `json:"uncertainty"`
	PAI         float64       `json:"pai"`
	PEI         float64       `json:"pei"`
	Detected    int           `json:"episodes_detected_before_peak"`
	Total       int           `json:"episodes_total"`
	MedianLead  float64       `json:"median_lead_weeks"`
	FalseAlarms float64       `json:"false_alarm_units_per_week"`
	SparseAUROC float64       `json:"sparse_auroc"`
	SparseAUPR  float64       `json:"sparse_aupr"`
	AtFA2       *BudgetPoint  `json:"at_2_false_alarms,omitempty"` // largest budget with <= 2 false-alarm units a week
	AtFA1       *BudgetPoint  `json:"at_1_false_alarm,omitempty"`
	Curve       []BudgetPoint `json:"curve"`
	// The threshold rule flags every unit whose calibrated probability is at
	// least a threshold, so busy weeks get more flags and quiet weeks fewer.
	ThrFA2      *BudgetPoint  `json:"at_2_false_alarms_threshold,omitempty"`
	ThrFA1      *BudgetPoint  `json:"at_1_false_alarm_threshold,omitempty"`
	ThrCurve    []BudgetPoint `json:"threshold_curve"`
	Calibration []CalibBin    `json:"calibration"`
	// AtAlarms is a detector's own alarm rule (Noufaily: flag a unit in the
	// weeks its count is above the bound), nil for the other methods.
	AtAlarms *BudgetPoint `json:"at_alarms,omitempty"`
	// The rules fixed in advance (see priorRules): at each origin the
	// threshold (PriorThr*) or the budget K (PriorK*) is chosen on that
	// origin's calibration block, the weeks before the ones it flags, as the
	// largest flagging rule with at most 2 (1) false-alarm units a week
	// there; the points report what it then did on the evaluated weeks
	// (their false alarms can exceed the limit). Threshold and Budget hold
	// the median of the choices.
	PriorThr2 *BudgetPoint `json:"at_2_false_alarms_prior_threshold,omitempty"`
	PriorThr1 *BudgetPoint `json:"at_1_false_alarm_prior_threshold,omitempty"`
	PriorK2   *BudgetPoint `json:"at_2_false_alarms_prior_budget,omitempty"`
	PriorK1   *BudgetPoint `json:"at_1_false_alarm_prior_budget,omitempty"`
	// Production is the weekly run's own flag rule, for the model only:
	// Tiers with the configured Budget and each refit's flag threshold
	// (RiskModel.TierConfig); Threshold holds the median threshold.
	Production *BudgetPoint `json:"production_rule,omitempty"`
}

// BacktestResult is the outcome of Backtest.
type BacktestResult struct {
	From        int            `json:"from_col"` // first evaluated panel column (later than asked when leading origins had no model)
	Weeks       int            `json:"weeks"`
	Units       int            `json:"units"`
	SparseUnits int            `json:"sparse_units"`
	Refits      int            `json:"refits"`
	Positives   int            `json:"positive_unit_weeks"`
	Rows        int            `json:"unit_weeks"`
	Budget      int            `json:"budget"`
	Lambdas     []float64      `json:"lambdas"`         // L2 penalty kept at each refit
	Alerts      int            `json:"alert_rules"`     // alert rules kept, summed over the refits
	Fallbacks   int            `json:"platt_fallbacks"` // refits whose Platt scaling fell back to the training block
	Notes       []string       `json:"notes,omitempty"`
	Methods     []MethodResult `json:"methods"`
	// Prob holds the model's out-of-sample probabilities [week-From][unit],
	// for reproducibility checks and reports.
	Prob [][]float64 `json:"-"`
}

// Backtest predicts every week From..To out of sample and scores the model
// against baselines computed in the same run.
//
// Rolling origin: at origins o = From, From+Refit, ... the model is fitted by
// FitRisk with last = o − Horizon (rows whose target is known at o) and
// predicts weeks o .. o+Refit−1 from their own features. Baselines rank units
// by one feature each: last-4-weeks cases, the historical mean weekly count,
// the 4-week Escalation score alone, and Noufaily alarms alone (see
// noufailyBaseline; ranked by the week's −log10 p with alarms first, and
// scored as an alarm rule in MethodResult.AtAlarms); for Brier scores each
// baseline is Platt-calibrated on the same calibration block as the model
// at each origin. The model ranks units by its combined probability (model
// or alert rule, RiskModel.Predict).
//
// Metrics over all unit-weeks: AUROC (Mann–Whitney, ties averaged); AUPR as
// average precision (tied scores form one step); Brier score with Murphy's
// (1973) decomposition BS ≈ REL − RES + UNC over the calibration-table bins;
// BSS = 1 − BS/BS_clim with the climatology of each origin's training block
// (an honest, out-of-sample reference). At alarm budget K (the top K units
// of each week): PAI = (share of positive unit-weeks flagged)/(K/units) and
// PEI = PAI / PAI of the best possible K flags each week (Chainey 2008;
// Hunt 2016). With episodes (ground truth): a core episode whose start and
// peak lie in From..To is detected before its peak when its unit is flagged
// in some week of start .. peak−1; its lead is peak − the first such week.
// A flag is a false alarm when the unit has no core or spillover episode
// with start−Horizon <= t <= end+Tail. Without episodes, a false alarm is a
// flag on a negative unit-week. Units whose mean weekly count before From is
// under SparseRate are also scored apart. Besides the best points of the
// detection curves (picked on the evaluated weeks, so upper bounds), every
// method gets rules fixed in advance: threshold and budget chosen on each
// origin's calibration block (priorRules), and the model the weekly run's
// own rule (MethodResult.Production).
func Backtest(f *Features, p *Panel, y [][]bool, eps []Episode, cfg BacktestConfig) (*BacktestResult, error) {
	units, counts := p.Units, p.Counts
	if err := cfg.Risk.Validate(); err != nil {
		return nil, err
	}
	lastCol := f.First + len(f.X) - 1
	if cfg.From < f.First || cfg.To > lastCol || cfg.To < cfg.From {
		return nil, fmt.Errorf("analysis: backtest weeks %d..%d outside the features %d..%d", cfg.From, cfg.To, f.First, lastCol)
	}
	if cfg.Refit < 1 {
		return nil, fmt.Errorf("analysis: refit every %d weeks, want >= 1", cfg.Refit)
	}
	// Real data may hold no positive row early on (a sparse panel, a
	// target that rarely fires): the leading origins without a model are
	// skipped, and evaluation starts at the first origin that has one
	// (said in the notes); later origins without one keep the previous
	// model, as the weekly run keeps its stored model.
	var skipped []int
	asked := cfg.From
	firstModel, err := FitRiskLabels(f, y, cfg.Train, cfg.From-cfg.Risk.Horizon, cfg.Risk)
	for err != nil && errors.Is(err, ErrNoPositive) && cfg.From+cfg.Refit <= cfg.To {
		skipped = append(skipped, cfg.From)
		cfg.From += cfg.Refit
		firstModel, err = FitRiskLabels(f, y, cfg.Train, cfg.From-cfg.Risk.Horizon, cfg.Risk)
	}
	if err != nil {
		if errors.Is(err, ErrNoPositive) {
			npos := 0
			for u := range y {
				for _, v := range y[u] {
					if v {
						npos++
					}
				}
			}
			return nil, fmt.Errorf("analysis: backtest: no origin from panel week %d to %d has a positive row in its training and calibration blocks (%d positive unit-weeks in the whole panel): the target is too rare on these data to fit the model", asked, cfg.To, npos)
		}
		return nil, fmt.Errorf("analysis: backtest origin %d: %w", cfg.From, err)
	}
	U, W := len(units), cfg.To-cfg.From+1
	col := map[string]int{}
	for j, c := range f.Cols {
		col[c.Name] = j
	}
	methods := []string{MethodModel, MethodLast4, MethodHistMean, MethodEscalation, MethodNoufaily}
	// The Noufaily baseline from the first calibration week of the first
	// origin on.
	nouf, err := runNoufaily(counts, cfg.From-cfg.Risk.Horizon-cfg.Risk.CalibWeeks, cfg.To)
	if err != nil {
		return nil, err
	}
	baseScore := func(name string, t, u int) float64 {
		if name == MethodNoufaily {
			return nouf.score[u][t]
		}
		return f.X[t-f.First][u][col[baselineFeature[name]]]
	}
	prob := make([][][]float64, len(methods))  // [method][week][unit]
	score := make([][][]float64, len(methods)) // ranking score
	clim := make([]float64, W)
	res := &BacktestResult{From: cfg.From, Weeks: W, Units: U, Budget: cfg.Risk.Budget, Notes: []string{nouf.note}}
	if len(skipped) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("first %d origin(s) skipped: no positive row in their training or calibration block; evaluation starts at panel week %d", len(skipped), cfg.From))
	}
	for m := range methods {
		prob[m] = make([][]float64, W)
		score[m] = make([][]float64, W)
	}
	relFull := relevance(p, y, eps, cfg)
	prior := newPriorRules(len(methods), W)
	tierCfg := make([]RiskConfig, W) // the production flag rule of each week's model
	var prevModel *RiskModel
	carried := 0
	for o := cfg.From; o <= cfg.To; o += cfg.Refit {
		model, err := firstModel, error(nil)
		if o != cfg.From {
			model, err = FitRiskLabels(f, y, cfg.Train, o-cfg.Risk.Horizon, cfg.Risk)
		}
		if errors.Is(err, ErrNoPositive) && prevModel != nil {
			model, err = prevModel, nil
			carried++
		}
		if err != nil {
			return nil, fmt.Errorf("analysis: backtest origin %d: %w", o, err)
		}
		prevModel = model
		res.Refits++
		res.Lambdas = append(res.Lambdas, model.Lambda)
		res.Alerts += len(model.Alerts)
		if model.PlattFallback {
			res.Fallbacks++
		}
		pr := model.predictor(f)
		// Baseline calibration on the model's calibration block.
		platt := map[string][2]float64{}
		for _, name := range methods[1:] {
			var z, yy []float64
			for t := model.TrainLast + 1; t <= model.CalibLast; t++ {
				for u := range units {
					z = append(z, baseScore(name, t, u))
					v := 0.0
					if y[u][t] {
						v = 1
					}
					yy = append(yy, v)
				}
			}
			a, b := plattFit(z, yy)
			platt[name] = [2]float64{a, b}
		}
		// The rules fixed in advance, chosen on this origin's calibration
		// block from each method's probabilities there.
		for m, name := range methods {
			calProb := func(t, u int) float64 {
				if name == MethodModel {
					_, _, pc := pr.prob(t, u)
					return pc
				}
				ab := platt[name]
				return sigmoid(ab[0]*baseScore(name, t, u) + ab[1])
			}
			prior.choose(m, o-cfg.From, min(o+cfg.Refit-1, cfg.To)-cfg.From, model.TrainLast+1, model.CalibLast,
				len(units), calProb, relFull, cfg)
		}
		for t := o; t < o+cfg.Refit && t <= cfg.To; t++ {
			w := t - cfg.From
			clim[w] = model.BaseRate
			tierCfg[w] = model.TierConfig(cfg.Risk)
			for m, name := range methods {
				prob[m][w] = make([]float64, U)
				score[m][w] = make([]float64, U)
				for u := range units {
					if name == MethodModel {
						// Ranked by the combined probability (the pooled
						// model's or an alert rule's, whichever is larger),
						// mapped back through the model's Platt scaling to
						// its linear score, so that rankings pooled over
						// refits compare scores on the model's scale.
						_, _, pc := pr.prob(t, u)
						score[m][w][u] = logit(pc)
						if model.PlattA > 0 {
							score[m][w][u] = (logit(pc) - model.PlattB) / model.PlattA
						}
						prob[m][w][u] = pc
						continue
					}
					s := baseScore(name, t, u)
					ab := platt[name]
					score[m][w][u] = s
					prob[m][w][u] = sigmoid(ab[0]*s + ab[1])
				}
			}
		}
	}
	res.Prob = prob[0]
	if carried > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d origin(s) kept the previous model: no positive row in their blocks", carried))
	}

	// Sparse units: mean weekly count before From (the whole panel if none).
	sparse := make([]bool, U)
	for u := range units {
		n := cfg.From
		var s float64
		for t := 0; t < n; t++ {
			s += counts[u][t]
		}
		if n == 0 {
			for _, v := range counts[u] {
				s += v
			}
			n = len(counts[u])
		}
		sparse[u] = s/float64(n) < cfg.SparseRate
		if sparse[u] {
			res.SparseUnits++
		}
	}
	// Targets and relevance of the evaluated weeks.
	row := map[string]int{}
	for i, c := range units {
		row[c] = i
	}
	relevant := make([][]bool, W)
	for w := range relevant {
		relevant[w] = make([]bool, U)
		for u := range relevant[w] {
			relevant[w][u] = relFull[u][cfg.From+w]
		}
	}
	type core struct{ u, start, peak int }
	var cores []core
	for _, e := range eps {
		u, ok := row[e.Unit]
		if !ok || e.Role == RoleDecoy {
			continue
		}
		s, pk := e.Start.Sub(p.Start), e.Peak.Sub(p.Start)
		if e.Role == RoleCore && s >= cfg.From && pk <= cfg.To && pk > s {
			cores = append(cores, core{u, s, pk})
		}
	}
	var labels []bool
	var sparseLabels []bool
	for w := 0; w < W; w++ {
		for u := range units {
			labels = append(labels, y[u][cfg.From+w])
			if sparse[u] {
				sparseLabels = append(sparseLabels, y[u][cfg.From+w])
			}
			if y[u][cfg.From+w] {
				res.Positives++
			}
		}
	}
	res.Rows = len(labels)
	if res.Positives == 0 {
		return nil, fmt.Errorf("analysis: no positive unit-week in the backtest weeks")
	}

	// Ranks of each week (ties by the historical mean, then unit order).
	rate := col["base_rate"]
	for m, name := range methods {
		mr := MethodResult{Name: name}
		var all, sp, pr []float64
		var bsClim float64
		for w := 0; w < W; w++ {
			for u := range units {
				all = append(all, score[m][w][u])
				pr = append(pr, prob[m][w][u])
				if sparse[u] {
					sp = append(sp, score[m][w][u])
				}
				d := clim[w]
				if y[u][cfg.From+w] {
					d = 1 - d
				}
				bsClim += d * d
			}
		}
		bsClim /= float64(len(labels))
		mr.AUROC = AUROC(all, labels)
		mr.AUPR = AveragePrecision(all, labels)
		mr.SparseAUROC = AUROC(sp, sparseLabels)
		mr.SparseAUPR = AveragePrecision(sp, sparseLabels)
		mr.Brier, mr.Reliability, mr.Resolution, mr.Uncertainty, mr.Calibration = BrierDecomposition(pr, labels)
		mr.BSS = 1 - mr.Brier/bsClim

		rank := make([][]int, W)
		for w := range rank {
			order := make([]int, U)
			for i := range order {
				order[i] = i
			}
			sc := score[m][w]
			X := f.X[cfg.From+w-f.First]
			sort.SliceStable(order, func(i, j int) bool {
				a, b := order[i], order[j]
				if sc[a] != sc[b] {
					return sc[a] > sc[b]
				}
				return X[a][rate] > X[b][rate]
			})
			rank[w] = make([]int, U)
			for r, u := range order {
				rank[w][u] = r
			}
		}
		// pointOf scores the flags of flagged; K is the budget PEI compares
		// with (0: no fixed budget, PEI undefined).
		pointOf := func(K int, th float64, flagged func(w, u int) bool) BudgetPoint {
			bp := BudgetPoint{Budget: K, Threshold: th}
			var leads, sLeads []float64
			for _, c := range cores {
				bp.Total++
				if sparse[c.u] {
					bp.SparseTotal++
				}
				for t := c.start; t < c.peak; t++ {
					if flagged(t-cfg.From, c.u) {
						bp.Detected++
						leads = append(leads, float64(c.peak-t))
						if sparse[c.u] {
							bp.SparseDetected++
							sLeads = append(sLeads, float64(c.peak-t))
						}
						break
					}
				}
			}
			bp.MedianLead, bp.SparseMedianLead = median(leads), median(sLeads)
			var fa, hit, pos, best, nflag float64
			for w := 0; w < W; w++ {
				var pw float64
				for u := range units {
					flag := flagged(w, u)
					if flag {
						nflag++
					}
					if flag && !relevant[w][u] {
						fa++
					}
					if y[u][cfg.From+w] {
						pw++
						if flag {
							hit++
						}
					}
				}
				pos += pw
				best += math.Min(pw, float64(max(K, 1)))
			}
			bp.FalseAlarms = fa / float64(W)
			area := nflag / float64(W) / float64(U)
			bp.PAI = hit / pos / area
			if K > 0 {
				bp.PEI = hit / best
			} else {
				bp.PEI = math.NaN()
			}
			return bp
		}
		point := func(K int, th float64, alarms bool) BudgetPoint {
			return pointOf(K, th, func(w, u int) bool {
				switch {
				case alarms:
					return nouf.alarm[u][cfg.From+w]
				case K > 0:
					return rank[w][u] < K
				}
				return prob[m][w][u] >= th
			})
		}
		for _, th := range cfg.Thresholds {
			bp := point(0, th, false)
			mr.ThrCurve = append(mr.ThrCurve, bp)
			if bp.FalseAlarms <= 2 && (mr.ThrFA2 == nil || bp.Detected > mr.ThrFA2.Detected) {
				b := bp
				mr.ThrFA2 = &b
			}
			if bp.FalseAlarms <= 1 && (mr.ThrFA1 == nil || bp.Detected > mr.ThrFA1.Detected) {
				b := bp
				mr.ThrFA1 = &b
			}
		}
		for _, K := range cfg.Budgets {
			bp := point(K, 0, false)
			mr.Curve = append(mr.Curve, bp)
			if bp.FalseAlarms <= 2 {
				b := bp
				mr.AtFA2 = &b
			}
			if bp.FalseAlarms <= 1 {
				b := bp
				mr.AtFA1 = &b
			}
		}
		if name == MethodNoufaily {
			a := point(0, 0, true)
			mr.AtAlarms = &a
		}
		for li, dst := range []**BudgetPoint{&mr.PriorThr2, &mr.PriorThr1} {
			th := prior.thr[m][li]
			b := pointOf(0, median(th), func(w, u int) bool { return prob[m][w][u] >= th[w] })
			*dst = &b
		}
		for li, dst := range []**BudgetPoint{&mr.PriorK2, &mr.PriorK1} {
			ks := prior.k[m][li]
			kf := make([]float64, len(ks))
			for w, k := range ks {
				kf[w] = float64(k)
			}
			b := pointOf(int(median(kf)), 0, func(w, u int) bool { return rank[w][u] < ks[w] })
			*dst = &b
		}
		if name == MethodModel {
			flags := make([][]bool, W)
			for w := range flags {
				_, flags[w] = Tiers(prob[m][w], tierCfg[w])
			}
			el := make([]float64, W)
			for w := range el {
				el[w] = tierCfg[w].Elevated
			}
			b := pointOf(cfg.Risk.Budget, median(el), func(w, u int) bool { return flags[w][u] })
			mr.Production = &b
		}
		bp := point(cfg.Risk.Budget, 0, false)
		mr.PAI, mr.PEI = bp.PAI, bp.PEI
		mr.Detected, mr.Total, mr.MedianLead, mr.FalseAlarms = bp.Detected, bp.Total, bp.MedianLead, bp.FalseAlarms
		res.Methods = append(res.Methods, mr)
	}
	return res, nil
}

// median returns the median of v, NaN when v is empty.
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
