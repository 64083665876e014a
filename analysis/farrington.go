package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Farrington is the outbreak-detection algorithm of Farrington et al. (1996)
// and its improvement by Noufaily et al. (2013), with the options of R
// surveillance's farringtonFlexible (Salmon, Schumacher & Höhle, J. Stat.
// Softw. 70(10), 2016), reproducing its output number for number.
//
// For period k the baseline is the periods k-f·i-w .. k-f·i+w, i = 1..B (f =
// Series.Freq), and, when NoPeriods > 1, every period between those windows,
// split into NoPeriods-1 blocks that get their own seasonal level (the
// windows share level NoPeriods); the PastWeeksNotIncluded+1 latest periods
// k-PastWeeksNotIncluded..k are left out. On it a quasi-Poisson GLM
//
//	log E[y_t] = beta_{level(t)} + gamma t,   Var y_t = phi E[y_t]
//
// is fitted; with Reweight, observations with Anscombe residuals
// s_t = 3/2 (y_t^{2/3} mu_t^{-1/6} - mu_t^{1/2}) / sqrt(phi (1 - h_t)) above
// WeightsThreshold get weight proportional to s_t^{-2} (the others a constant;
// the weights sum to n) and the model is refitted. The trend is kept only if
// B >= 3, its p-value is below PThresholdTrend and the prediction for k does
// not exceed the largest baseline count; otherwise the model is refitted
// without it. phi is max(phi, 1). The threshold follows ThresholdMethod.
//
// As in R, an upper bound is reported only when the LimitCases+ cases were
// seen in the last LimitPeriods periods (k included; limit54 = c(5, 4)), and
// the alarm is score > 1 with a non-zero count, the score being
// (y - fit)/(U - fit) with fit on the response scale for Delta and on the
// link scale for NBPlugin and Muan (R's convention, kept for identical
// alarms). Expected is the fitted mean exp(eta) (only with an upper bound).
//
// Where R's fit fails (glm not converging with or without trend, "singular
// matrix"), Detect falls back to the model without trend, then without
// reweighting; if that fails too the period gets NaN values and no alarm.
// For B < 3 the trend can never be kept, so the model with trend is not
// fitted at all (R fits it and throws it away: the results are the same).
type Farrington struct {
	B, W                 int
	NoPeriods            int
	Reweight             bool
	WeightsThreshold     float64
	PastWeeksNotIncluded int
	Trend                bool
	PThresholdTrend      float64
	ThresholdMethod      ThresholdMethod
	LimitCases           int     // limit54[1]
	LimitPeriods         int     // limit54[2]
	PowerTrans           float64 // 1 ("none"), 1/2 or 2/3: Delta only
	Alpha                float64
}

// NewFarrington1996 returns the settings of the original algorithm as
// configured in farringtonFlexible: b=5, w=3, noPeriods=1, reweighting at
// threshold 1, pastWeeksNotIncluded=w, trend at p < 0.05, delta threshold on
// the 2/3 power scale, limit54 = c(5, 4), alpha = 0.005.
func NewFarrington1996() *Farrington {
	return &Farrington{B: 5, W: 3, NoPeriods: 1, Reweight: true, WeightsThreshold: 1,
		PastWeeksNotIncluded: 3, Trend: true, PThresholdTrend: 0.05, ThresholdMethod: Delta,
		LimitCases: 5, LimitPeriods: 4, PowerTrans: 2.0 / 3, Alpha: 0.005}
}

// NewNoufaily returns the improved Farrington of Noufaily et al. (2013,
// Stat. Med. 32:1206-1222) as recommended there: noPeriods=10, reweighting at
// 2.58, pastWeeksNotIncluded=26, trend always kept when it does not
// over-extrapolate (pThresholdTrend=1), negative-binomial plug-in threshold.
func NewNoufaily() *Farrington {
	return &Farrington{B: 5, W: 3, NoPeriods: 10, Reweight: true, WeightsThreshold: 2.58,
		PastWeeksNotIncluded: 26, Trend: true, PThresholdTrend: 1, ThresholdMethod: NBPlugin,
		LimitCases: 5, LimitPeriods: 4, PowerTrans: 2.0 / 3, Alpha: 0.005}
}

// Name implements Detector.
func (f *Farrington) Name() string {
	if f.NoPeriods > 1 || f.ThresholdMethod != Delta {
		return "noufaily"
	}
	return "farrington"
}

// Validate reports settings farringtonFlexible rejects.
func (f *Farrington) Validate() error {
	switch {
	case f.B < 1:
		return errors.New("farrington: b must be at least 1")
	case f.W < 0:
		return errors.New("farrington: w must be non-negative")
	case f.NoPeriods < 1:
		return errors.New("farrington: noPeriods must be at least 1")
	case f.PastWeeksNotIncluded < 0:
		return errors.New("farrington: pastWeeksNotIncluded must be non-negative")
	case f.LimitCases < 0 || f.LimitPeriods < 1:
		return errors.New("farrington: limit54 out of bounds: cases >= 0 and periods > 0")
	case !(f.Alpha > 0 && f.Alpha < 1):
		return errors.New("farrington: alpha must be in (0, 1)")
	case f.PowerTrans != 1 && f.PowerTrans != 0.5 && f.PowerTrans != 2.0/3:
		return errors.New("farrington: powertrans must be none, 1/2 or 2/3")
	case f.ThresholdMethod < Delta || f.ThresholdMethod > Muan:
		return errors.New("farrington: unknown threshold method")
	}
	return nil
}

// MinHistory is the number of periods that must precede the first period
// Detect can evaluate: freq·B + W.
func (f *Farrington) MinHistory(freq int) int { return freq*f.B + f.W }

// farringtonWork holds per-call buffers, so a Detect call allocates once.
type farringtonWork struct {
	lev          []int // level per period of the window, -1 = not in baseline
	y, t, prior  []float64
	level        []int
	omega        []float64
	g            qpGLM
	compact      []int
	sumsPerLevel []float64
}

// Detect implements Detector: one Result per period from..len-1.
func (f *Farrington) Detect(s Series, from int) ([]Result, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if err := checkCounts(s.Counts); err != nil {
		return nil, err
	}
	freq := s.freq()
	if from < f.MinHistory(freq) {
		return nil, fmt.Errorf("farrington: period %d has too short a history: b=%d, w=%d need %d earlier periods", from, f.B, f.W, f.MinHistory(freq))
	}
	if f.NoPeriods > 1 && freq-2*f.W-1 < f.NoPeriods-1 {
		return nil, fmt.Errorf("farrington: noPeriods=%d too large for %d periods per year and w=%d", f.NoPeriods, freq, f.W)
	}
	if from > len(s.Counts) {
		return nil, fmt.Errorf("series has %d periods, fewer than the %d needed", len(s.Counts), from+1)
	}
	var wk farringtonWork
	out := make([]Result, 0, len(s.Counts)-from)
	for k := from; k < len(s.Counts); k++ {
		out = append(out, f.detectOne(s.Counts, freq, k, &wk))
	}
	return out, nil
}

func checkCounts(c []float64) error {
	for i, v := range c {
		if !(v >= 0) || math.IsInf(v, 1) {
			return fmt.Errorf("count %d is %v: counts must be finite and non-negative", i, v)
		}
	}
	return nil
}

// baseline fills wk.y, wk.t (centred at k), wk.level for period k.
func (f *Farrington) baseline(c []float64, freq, k int, wk *farringtonWork) {
	start := k - freq*f.B - f.W
	n := k - start + 1
	if cap(wk.lev) < n {
		wk.lev = make([]int, n)
	}
	lev := wk.lev[:n]
	for i := range lev {
		lev[i] = -1
	}
	p := f.NoPeriods
	set := func(a, b, v int) { // periods a..b inclusive
		for i := a; i <= b; i++ {
			lev[i-start] = v
		}
	}
	set(k-f.W, k, p)
	for i := 1; i <= f.B; i++ {
		ref := k - freq*i
		set(ref-f.W, ref+f.W, p)
		if p != 1 {
			period := freq - 2*f.W - 1
			size, rest := period/(p-1), period%(p-1)
			a := ref + f.W + 1
			for j := 1; j <= p-1; j++ {
				l := size
				if j <= rest {
					l++
				}
				set(a, a+l-1, j)
				a += l
			}
		}
	}
	for i := max(start, k-f.PastWeeksNotIncluded); i <= k; i++ {
		lev[i-start] = -1
	}
	if cap(wk.compact) < p+1 {
		wk.compact = make([]int, p+1)
	}
	compact := wk.compact[:p+1]
	for i := range compact {
		compact[i] = -1
	}
	wk.y, wk.t, wk.level = wk.y[:0], wk.t[:0], wk.level[:0]
	nl := 0
	for i, l := range lev {
		if l < 0 {
			continue
		}
		if compact[l] < 0 {
			compact[l] = nl
			nl++
		}
		wk.y = append(wk.y, c[start+i])
		wk.t = append(wk.t, float64(start+i-k))
		wk.level = append(wk.level, compact[l])
	}
	wk.g.nLevels = nl
	wk.prior = resize(wk.prior, len(wk.y))
}

// fitFlexible is R's algo.farrington.fitGLM.flexible: fit (dropping the
// trend if it does not converge), then optionally reweight and refit.
// It returns false when no model could be fitted.
//
// A detail that matters for the numbers: after the reweighted refit R
// overwrites model$weights (the IRLS working weights) with the prior weights
// omega, so every later summary.glm (the trend's p-value) and predict.glm
// (the standard error of the prediction) uses the dispersion
// sum(omega r²)/df, r = (y - mu)/mu, while phi uses the proper Pearson
// statistic sum(omega mu_prev r²)/df. predictDisp returns the former.
func (f *Farrington) fitFlexible(wk *farringtonWork, trend bool) (phi float64, hasTrend, ok bool) {
	g := &wk.g
	g.y, g.level = wk.y, wk.level
	for i := range wk.prior {
		wk.prior[i] = 1
	}
	g.prior = wk.prior
	g.tc = nil
	if trend {
		g.tc = wk.t
	}
	if !g.fit() || !g.converged {
		if !trend {
			return 0, false, false
		}
		g.tc = nil
		if !g.fit() || !g.converged {
			return 0, false, false
		}
	}
	phi = math.Max(g.disp, 1)
	if math.IsNaN(g.disp) {
		return 0, false, false
	}
	if f.Reweight {
		n := len(wk.y)
		wk.omega = resize(wk.omega, n)
		var sum float64
		for i := 0; i < n; i++ {
			mu := g.mu[i]
			cy := math.Cbrt(wk.y[i])
			a := 1.5 * (cy*cy/math.Sqrt(math.Cbrt(mu)) - math.Sqrt(mu))
			h := g.hat(i)
			if h > 1-10*2.220446049250313e-16 {
				h = 1 // R's lm.influence rounds hat values this close to 1
			}
			s := a / math.Sqrt(phi*(1-h))
			if math.IsNaN(s) {
				return 0, false, false
			}
			if s > f.WeightsThreshold {
				wk.omega[i] = 1 / (s * s)
			} else {
				wk.omega[i] = 1
			}
			sum += wk.omega[i]
		}
		gamma := float64(n) / sum
		for i := range wk.omega {
			wk.omega[i] *= gamma
		}
		g.prior = wk.omega
		if !g.fit() || math.IsNaN(g.disp) {
			return 0, false, false
		}
		phi = math.Max(g.disp, 1)
	}
	return phi, g.tc != nil, true
}

func (f *Farrington) predictDisp(g *qpGLM) float64 {
	if f.Reweight {
		return g.dispPrior
	}
	return g.disp
}

func (f *Farrington) detectOne(c []float64, freq, k int, wk *farringtonWork) Result {
	y := c[k]
	nan := math.NaN()
	res := Result{T: k, Observed: y, Expected: nan, UpperBound: nan, PValue: nan, Score: nan, Mu0: nan, Phi: nan}
	f.baseline(c, freq, k, wk)
	g := &wk.g
	g.ylogy = g.ylogy[:0] // new baseline
	phi, hasTrend, ok := f.fitFlexible(wk, f.Trend && f.B >= 3)
	doTrend := false
	if ok && hasTrend {
		// R: keep the trend if b >= 3, significant and not over-extrapolating.
		se := math.Sqrt(f.predictDisp(g) / g.schur)
		tstat := g.beta[g.nLevels] / se
		pval := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(g.df)}.CDF(-math.Abs(tstat))
		maxY := 0.0
		for _, v := range wk.y {
			maxY = math.Max(maxY, v)
		}
		pred := math.Exp(g.beta[wk.compact[f.NoPeriods]])
		doTrend = pval < f.PThresholdTrend && pred <= maxY
		if !doTrend {
			phi, _, ok = f.fitFlexible(wk, false)
		}
	}
	if !ok && f.Reweight {
		// Fallback where R fails: no trend, no reweighting.
		cp := *f
		cp.Reweight = false
		phi, _, ok = cp.fitFlexible(wk, false)
		doTrend = false
		f = &cp
	}
	if !ok {
		return res
	}
	lp := wk.compact[f.NoPeriods]
	eta := g.beta[lp] // time is centred at k
	seLink := math.Sqrt(f.predictDisp(g) * g.xInvX(lp, 0))
	var th threshold
	var fit, se float64
	if f.ThresholdMethod == Delta {
		fit = math.Exp(eta)
		se = seLink * fit
		th = thresholdDelta(fit, se, phi, f.PowerTrans, f.Alpha, y)
	} else {
		fit, se = eta, seLink
		th = thresholdNoufaily(eta, se, phi, f.ThresholdMethod == Muan, f.Alpha, y)
	}
	var recent float64
	for i := max(0, k-f.LimitPeriods+1); i <= k; i++ {
		recent += c[i]
	}
	enough := recent >= float64(f.LimitCases)
	if enough {
		res.UpperBound = th.upper
		if !math.IsNaN(th.upper) {
			res.Expected = math.Exp(eta)
		}
		res.Alarm = !math.IsNaN(th.score) && th.score > 1 && y != 0
	}
	if f.ThresholdMethod == NBPlugin {
		res.Mu0 = math.Exp(fit)
	} else {
		res.Mu0 = math.Exp(fit + distuv.UnitNormal.Quantile(1-f.Alpha)*se)
	}
	res.Phi = phi
	res.Score = th.score
	res.PValue = th.prob
	res.Trend = doTrend
	return res
}
