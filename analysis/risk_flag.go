package analysis

import "sort"

// flagGrid are the probability thresholds FitRisk chooses the flag
// threshold from (RiskModel.FlagThreshold), lowest first.
var flagGrid = []float64{0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12, 0.15, 0.2, 0.3, 0.5}

// chooseFlagThreshold returns the lowest threshold of flagGrid at which the
// weekly flag rule of Tiers (among the cfg.Budget highest probabilities and
// p >= threshold) raises at most cfg.MaxFalseAlarms false-alarm units a week
// on average over the calibration block t0..t1; cfg.High when none does.
// A flag is a false alarm when the unit-week is negative for the target y
// and not a skipped training row (with ground truth, TrainTarget skips the
// weeks just before an episode and its decline, which the backtest does not
// count as false alarms either).
//
// Why on the calibration block: the block's weeks come before the weeks the
// model flags and their labels are known when the model is fitted, so the
// rule is fixed in advance, as a weekly run has to fix it; picking the
// threshold on the weeks it is scored on would be hindsight. The fixed 0.15
// of earlier versions flagged so little on the simulated scenarios (0.2–0.3
// false-alarm units a week) that half the episodes it could have caught at
// 1–2 false alarms a week went unflagged (docs/risk.md).
func chooseFlagThreshold(pr *predictor, y [][]bool, train [][]int8, t0, t1 int, cfg RiskConfig) float64 {
	if t1 < t0 || cfg.MaxFalseAlarms <= 0 {
		return 0
	}
	type cell struct {
		p     float64
		false bool
	}
	// Per week, the flag candidates: the Budget most probable units.
	var top []cell
	for t := t0; t <= t1; t++ {
		U := len(pr.f.X[t-pr.f.First])
		prob := make([]float64, U)
		order := make([]int, U)
		for u := range prob {
			_, _, prob[u] = pr.prob(t, u)
			order[u] = u
		}
		sort.SliceStable(order, func(i, j int) bool { return prob[order[i]] > prob[order[j]] })
		for _, u := range order[:min(cfg.Budget, U)] {
			top = append(top, cell{prob[u], !y[u][t] && train[u][t] != TrainSkip})
		}
	}
	weeks := float64(t1 - t0 + 1)
	for _, th := range flagGrid {
		var fa float64
		for _, c := range top {
			if c.false && c.p >= th {
				fa++
			}
		}
		if fa/weeks <= cfg.MaxFalseAlarms {
			return th
		}
	}
	return cfg.High
}

// TierConfig returns cfg with the model's flag threshold
// (RiskModel.FlagThreshold) as the Elevated level, kept within
// [cfg.Watch, cfg.High]; cfg unchanged when the model has none (a model
// stored before the threshold was chosen, or cfg.MaxFalseAlarms 0).
func (m *RiskModel) TierConfig(cfg RiskConfig) RiskConfig {
	if m == nil || m.FlagThreshold <= 0 {
		return cfg
	}
	cfg.Elevated = min(max(m.FlagThreshold, cfg.Watch), cfg.High)
	return cfg
}
