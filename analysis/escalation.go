package analysis

import (
	"fmt"
	"math"
	"sort"

	"github.com/canhbao/canhbao/models"
)

// Reasons an indicator can carry, strongest evidence first in Indicator.Reasons.
const (
	ReasonExcess  = "excess"  // more cases in the window than the unit's model expects
	ReasonSerious = "serious" // a larger share of serious cases than the unit's history
	ReasonTrend   = "trend"   // the last 8 weeks rose against the 8 before, beyond season and trend
)

// reasonLevel is the unadjusted p-value below which a test is named as a reason.
const reasonLevel = 0.05

// trendSpan is the length of the two halves compared by the trend reason.
const trendSpan = 8

// Escalation computes one models.Indicator per unit for the window ending at asOf (inclusive).
//
// Weeks are split, counting back from asOf, into the window (cfg.Window weeks
// ending at asOf), the guard (cfg.Guard weeks, ignored) and the history (up to
// cfg.History weeks, at least MinHistory, before the guard). Then:
//
//  1. Model. A pooled Poisson log-linear model log E[y_ut] = a_u + x_t'b with
//     unit levels a_u, a linear trend and K seasonal harmonic pairs (period
//     52.18 weeks, K from harmonics) is fitted on the history by IRLS (see
//     pooledFit). Its city curve is extrapolated over the guard and window.
//  2. Dispersion. phi, the negative-binomial dispersion of window-length
//     totals of one unit, is estimated by the Pearson method of moments (see
//     blockDispersion).
//  3. Shrinkage. Unit rates are shrunk toward population-proportional rates:
//     with pi_u = pop_u / Σ pop (unknown populations get the mean) and Y the
//     city history total, e_u = pi_u Y and theta_u ~ Gamma(alpha, beta) fitted
//     across units (see gammaPrior), the posterior mean relative rate is
//     theta_u = (alpha + Y_u) / (beta + e_u).
//  4. Excess. Expected = theta_u pi_u Σ_{t in window} g_t with g_t the city
//     curve; Observed = Σ_{t in window} y_ut; Ratio = Observed/Expected. The
//     p-value is P(Y >= Observed) for Y negative binomial with mean
//     max(Expected, cfg.MinExpected) and 1/size = phi + 1/(alpha + Y_u): the
//     second term is the posterior uncertainty of theta_u (gamma-Poisson
//     predictive), so short histories give wider predictions. The floor
//     MinExpected keeps the test conservative where an extrapolated model
//     predicts almost nothing.
//  5. Serious. The unit's serious share has the beta posterior of betaPrior,
//     Beta(a + S_u, b + N_u - S_u); SeriousBase is its mean. The p-value is
//     P(X >= Serious) for X beta-binomial over the Observed cases of the window
//     with that posterior (the posterior predictive; it tends to the binomial
//     with SeriousBase as the unit's history grows). It conditions on
//     Observed, so under the null it is valid whatever the excess test says,
//     which makes the two p-values independent for the combination.
//     A third test counts serious cases against the unit's expected volume
//     times SeriousBase: P(S >= Serious) for S negative binomial with mean
//     max(Expected, MinExpected) * SeriousBase and the size of step 4; it sees
//     "more cases AND more of them serious", which the share test cannot.
//  6. Combination. PValue is the excess p-value. Score = -log10(p_c) with
//     p_c = 1 - (1 - min(p_excess, p_share, p_count))³ (Tippett–Šidák, see
//     minPCombine): escalation is a rise OR a turn to seriousness, and with
//     sparse counts the serious p-value is often exactly 1 (no serious case),
//     which would dilute a strong excess under Fisher's product.
//  7. FDR and tiers. QValue is the Benjamini–Hochberg adjustment of p_c
//     across units. Tier "high" when QValue <= cfg.Alpha (false-discovery rate
//     controlled); "elevated" when p_c <= cfg.ElevatedP (per-unit error rate:
//     with sparse counts an FDR across all units is too strict to see a
//     gradual rise early, so this tier trades about cfg.ElevatedP * units
//     false flags a week for sensitivity); "watch" when p_c <= cfg.WatchP and
//     Ratio > 1. Flagged = tier high or elevated, Observed >= 2 (one case is
//     not an escalation anyone can act on), and among the cfg.Budget highest
//     scores of the week; a flagged unit beyond the budget drops to "watch".
//  8. Reasons, for every unit, ordered by p-value: "excess" when p_excess <
//     0.05 and Ratio > 1, "serious" when p_serious < 0.05, "trend" when the
//     last 8 weeks (ending at asOf) hold more cases than the 8 before beyond
//     what the city curve predicts: a conditional binomial test, P(X >= y_last)
//     for X ~ Binomial(y_last + y_prev, G_last / (G_last + G_prev)). The
//     trend test is a reason only; it does not enter the score.
//
// A unit with no cases in its history is treated as a unit with a low rate
// (its posterior is Gamma(alpha, beta + e_u)), not as missing: the panel
// cannot tell a quiet unit from one that did not report, so units without
// logbooks should be left out of the panel by the caller.
//
// The indicators come in the order of p.Units, with RunID empty.
func Escalation(p *Panel, asOf models.Week, cfg Config) ([]models.Indicator, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	T := p.Weeks()
	end := asOf.Sub(p.Start) // column of asOf
	if end < 0 || end >= T {
		return nil, fmt.Errorf("analysis: week %s is outside the panel %s..%s", asOf, p.Start, p.End())
	}
	winFirst := end - cfg.Window + 1
	histLast := winFirst - cfg.Guard - 1
	histFirst := max(0, histLast-cfg.History+1)
	nHist := histLast - histFirst + 1
	if nHist < MinHistory {
		return nil, fmt.Errorf("analysis: %d history weeks before %s (window %d, guard %d), want >= %d",
			max(nHist, 0), asOf, cfg.Window, cfg.Guard, MinHistory)
	}
	base := p.Start.Index() // absolute index of column 0
	U := len(p.Units)

	// 1. Pooled model on the city totals of the history.
	city := make([]float64, nHist)
	hist := make([][]float64, U)
	yu := make([]float64, U)
	su := make([]float64, U)
	for u := range p.Units {
		hist[u] = p.Counts[u][histFirst : histLast+1]
		for i, v := range hist[u] {
			city[i] += v
			yu[u] += v
			su[u] += p.Serious[u][histFirst+i]
		}
	}
	fit, err := fitPooled(city, base+histFirst)
	if err != nil {
		return nil, fmt.Errorf("analysis: fitting %s..%s: %w", p.Start.Add(histFirst), p.Start.Add(histLast), err)
	}
	share := make([]float64, nHist)
	for i, g := range fit.city {
		share[i] = g / fit.total
	}

	// 2. Dispersion of window-length totals.
	phi, err := blockDispersion(hist, share, cfg.Window, fit.design.cols())
	if err != nil {
		return nil, err
	}

	// 3. Rate shrinkage.
	pop := p.populations()
	var popSum float64
	for _, v := range pop {
		popSum += v
	}
	e := make([]float64, U)
	for u := range e {
		e[u] = pop[u] / popSum * fit.total
	}
	alpha, beta, err := gammaPrior(yu, e)
	if err != nil {
		return nil, err
	}
	sa, sb, err := betaPrior(su, yu)
	if err != nil {
		return nil, err
	}

	// City curve over the window and the trend halves.
	var gWin float64
	for t := winFirst; t <= end; t++ {
		gWin += fit.cityMean(base + t)
	}
	trendOK := end-2*trendSpan+1 >= 0
	var gLast, gPrev float64
	if trendOK {
		for t := end - trendSpan + 1; t <= end; t++ {
			gLast += fit.cityMean(base + t)
		}
		for t := end - 2*trendSpan + 1; t <= end-trendSpan; t++ {
			gPrev += fit.cityMean(base + t)
		}
	}

	out := make([]models.Indicator, U)
	combined := make([]float64, U)
	for u, code := range p.Units {
		var obs, ser float64
		for t := winFirst; t <= end; t++ {
			obs += p.Counts[u][t]
			ser += p.Serious[u][t]
		}
		theta := (alpha + yu[u]) / (beta + e[u])
		expected := theta * e[u] / fit.total * gWin
		inv := phi + 1/(alpha+yu[u])
		size := math.Inf(1)
		if inv > 0 {
			size = 1 / inv
		}
		pExcess := NegBinomUpperTail(obs, math.Max(expected, cfg.MinExpected), size)

		postA, postB := sa+su[u], sb+math.Max(yu[u]-su[u], 0)
		pSerious := betaBinomUpperTail(ser, obs, postA, postB)
		if math.IsNaN(pExcess) || math.IsNaN(pSerious) {
			return nil, fmt.Errorf("analysis: unit %s: p-value undefined (expected %v, size %v, serious prior %v/%v)",
				code, expected, size, postA, postB)
		}
		// Serious cases as a count: more serious cases than the unit's
		// expected volume times its usual serious share. Unlike the share
		// test it keeps the information that the volume rose too.
		seriousBase := postA / (postA + postB)
		pSevere := NegBinomUpperTail(ser, math.Max(expected, cfg.MinExpected)*seriousBase, size)
		if math.IsNaN(pSevere) {
			return nil, fmt.Errorf("analysis: unit %s: serious-count p-value undefined", code)
		}
		combined[u] = minPCombine(pExcess, pSerious, pSevere)
		pSerious = math.Min(pSerious, pSevere)

		ind := models.Indicator{
			UnitCode:    code,
			Week:        asOf,
			Observed:    obs,
			Expected:    expected,
			Ratio:       obs / expected,
			PValue:      pExcess,
			Serious:     ser,
			SeriousBase: seriousBase,
			Score:       -math.Log10(combined[u]),
			Probability: -1, // no risk model in this indicator
		}
		if obs > 0 {
			ind.SeriousShare = ser / obs
		}

		var reasons []reason
		if pExcess < reasonLevel && ind.Ratio > 1 {
			reasons = append(reasons, reason{ReasonExcess, pExcess})
		}
		if pSerious < reasonLevel {
			reasons = append(reasons, reason{ReasonSerious, pSerious})
		}
		if trendOK {
			var last, prev float64
			for t := end - trendSpan + 1; t <= end; t++ {
				last += p.Counts[u][t]
			}
			for t := end - 2*trendSpan + 1; t <= end-trendSpan; t++ {
				prev += p.Counts[u][t]
			}
			if pt := binomUpperTail(last, last+prev, gLast/(gLast+gPrev)); pt < reasonLevel {
				reasons = append(reasons, reason{ReasonTrend, pt})
			}
		}
		sort.SliceStable(reasons, func(i, j int) bool { return reasons[i].p < reasons[j].p })
		for _, r := range reasons {
			ind.Reasons = append(ind.Reasons, r.name)
		}
		out[u] = ind
	}

	q := BenjaminiHochberg(combined)
	var cands []int
	for u := range out {
		out[u].QValue = q[u]
		enough := out[u].Observed >= minFlagObserved-intTol
		switch {
		case enough && q[u] <= cfg.Alpha:
			out[u].Tier = models.TierHigh
		case enough && combined[u] <= cfg.ElevatedP:
			out[u].Tier = models.TierElevated
		case combined[u] <= cfg.WatchP && out[u].Ratio > 1:
			out[u].Tier = models.TierWatch
		default:
			out[u].Tier = models.TierNone
		}
		if out[u].Tier == models.TierHigh || out[u].Tier == models.TierElevated {
			cands = append(cands, u)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return out[cands[i]].Score > out[cands[j]].Score })
	for k, u := range cands {
		if k < cfg.Budget {
			out[u].Flagged = true
		} else {
			out[u].Tier = models.TierWatch
		}
	}
	return out, nil
}

type reason struct {
	name string
	p    float64
}
