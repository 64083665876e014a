package analysis

import "sort"

// relevance returns [unit][panel column] whether a flag there is not a false
// alarm: with episodes, the unit has a core or spillover episode with
// start − Horizon <= t <= end + Tail; without, the target y itself.
func relevance(p *Panel, y [][]bool, eps []Episode, cfg BacktestConfig) [][]bool {
	U := len(p.Units)
	T := 0
	if U > 0 {
		T = len(y[0])
	}
	rel := make([][]bool, U)
	for u := range rel {
		rel[u] = make([]bool, T)
		if eps == nil {
			copy(rel[u], y[u])
		}
	}
	row := map[string]int{}
	for i, c := range p.Units {
		row[c] = i
	}
	for _, e := range eps {
		u, ok := row[e.Unit]
		if !ok || e.Role == RoleDecoy {
			continue
		}
		s, end := e.Start.Sub(p.Start), e.End.Sub(p.Start)
		for t := max(s-cfg.Risk.Horizon, 0); t <= min(end+cfg.Tail, T-1); t++ {
			rel[u][t] = true
		}
	}
	return rel
}

// noFlagThreshold is above every probability: the rule that flags nothing
// (finite, so that it can be written as JSON).
const noFlagThreshold = 1.01

// priorLimits are the false-alarm limits (units a week) of the rules fixed
// in advance.
var priorLimits = [2]float64{2, 1}

// priorRules holds, per method, limit and evaluated week, the flag rule
// chosen before that week: a probability threshold and a budget K.
//
// Why: the best point of a detection curve (MethodResult.AtFA2, ThrFA2) is
// picked on the very weeks it is scored on, so it is an upper bound, not a
// rule a weekly run could have used. Here each origin's rule is chosen on
// its calibration block (the 52 weeks that end Horizon weeks before the
// origin, whose labels are known then), and only then applied to the weeks
// the origin predicts.
type priorRules struct {
	thr [][2][]float64 // [method][limit][week-From]
	k   [][2][]int
}

func newPriorRules(methods, weeks int) *priorRules {
	pr := &priorRules{thr: make([][2][]float64, methods), k: make([][2][]int, methods)}
	for m := range pr.thr {
		for li := range priorLimits {
			pr.thr[m][li] = make([]float64, weeks)
			pr.k[m][li] = make([]int, weeks)
		}
	}
	return pr
}

// choose fixes method m's rules for the evaluated weeks w0..w1 (offsets
// from cfg.From) on the block of panel columns c0..c1: for each limit, the
// lowest threshold of cfg.Thresholds and the largest budget of cfg.Budgets
// whose flags on the block have at most that many false-alarm units a week
// on average (relevance rel). Lower thresholds and larger budgets flag a
// superset, so these are the rules that detect the most within the limit.
// No admissible threshold (budget) means flagging nothing (threshold
// noFlagThreshold, budget 0).
func (pr *priorRules) choose(m, w0, w1, c0, c1, units int, prob func(t, u int) float64, rel [][]bool, cfg BacktestConfig) {
	if c1 < c0 {
		return
	}
	nW := float64(c1 - c0 + 1)
	P := make([][]float64, c1-c0+1)
	rank := make([][]int, len(P))
	for i := range P {
		P[i] = make([]float64, units)
		for u := range P[i] {
			P[i][u] = prob(c0+i, u)
		}
		order := make([]int, units)
		for j := range order {
			order[j] = j
		}
		sort.SliceStable(order, func(a, b int) bool { return P[i][order[a]] > P[i][order[b]] })
		rank[i] = make([]int, units)
		for r, u := range order {
			rank[i][u] = r
		}
	}
	fa := func(flag func(i, u int) bool) float64 {
		var n float64
		for i := range P {
			for u := 0; u < units; u++ {
				if flag(i, u) && !rel[u][c0+i] {
					n++
				}
			}
		}
		return n / nW
	}
	ths := append([]float64(nil), cfg.Thresholds...)
	sort.Float64s(ths)
	ks := append([]int(nil), cfg.Budgets...)
	sort.Ints(ks)
	faThr := make([]float64, len(ths))
	for i, th := range ths {
		faThr[i] = fa(func(t, u int) bool { return P[t][u] >= th })
	}
	faK := make([]float64, len(ks))
	for i, K := range ks {
		faK[i] = fa(func(t, u int) bool { return rank[t][u] < K })
	}
	for li, lim := range priorLimits {
		th := noFlagThreshold
		for i := range ths {
			if faThr[i] <= lim {
				th = ths[i]
				break
			}
		}
		K := 0
		for i := range ks {
			if faK[i] <= lim {
				K = ks[i]
			}
		}
		for w := w0; w <= w1; w++ {
			pr.thr[m][li][w] = th
			pr.k[m][li][w] = K
		}
	}
}
