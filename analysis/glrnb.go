package analysis

import (
	"errors"
	"fmt"
	"math"
)

// GLRNB is the generalized-likelihood-ratio detector for an increase (or a
// decrease) of the mean of negative-binomial or Poisson counts with a known,
// time-varying in-control mean mu0_t (Höhle & Paul 2008, "Count data
// regression charts for the monitoring of surveillance time series", Comput.
// Stat. Data Anal. 52:4357-4368), as implemented by R surveillance's glrnb
// (algo.glrnb with change = "intercept", theta = NULL; Salmon, Schumacher &
// Höhle 2016). Under the alternative the mean is mu0_t·exp(kappa) from an
// unknown change point k on; the statistic at period n is
//
//	GLR_n = max_{k} sup_{kappa >= 0} Σ_{t=k..n} log f(x_t; mu0_t e^kappa) / f(x_t; mu0_t)
//
// (kappa <= 0 with Decrease), k ranging over max(0, n-M)..n-Mtilde+1 of the
// current run (all of it with M = -1). An alarm is raised when GLR_n >= CARL;
// the chart then restarts from the next period (R's behaviour). With Alpha
// > 0 f is the negative binomial with Var = mu + Alpha mu² and the supremum
// over kappa is found by R's Newton-Raphson (started at the previous k's
// estimate, tolerance 1e-6, stopped below -18); with Alpha = 0 it is the
// Poisson, where kappa has the closed form log(Σx/Σmu0).
//
// mu0 is estimated as R's estimateGLRNbHook does: on the phase-1 periods
// 0..from-1 (R's t = 1..from) the log-linear model
//
//	log mu0_t = b0 [+ b1 t] + Σ_{s=1..S} (c_s cos(2πst/f) + d_s sin(2πst/f))
//
// is fitted by MASS::glm.nb when Alpha is NaN (alpha = 1/theta; R's alpha =
// NULL), by a Poisson GLM when Alpha = 0, and by a negative-binomial GLM with
// theta = 1/Alpha otherwise, and predicted for from..n-1 (R's linkinv: means
// below 2.2e-16 are 2.2e-16).
//
// Result: Expected = Mu0 = mu0_t, Score = GLR_t, UpperBound = GLR_t (R's ret =
// "value") or, with Cases, the smallest count at t that raises an alarm at t
// (R's ret = "cases"; for the negative binomial R searches by brute force,
// here by doubling and bisection, which gives the same count because GLR_t is
// non-decreasing in x_t), PValue = P(Y >= x_t) under the in-control
// distribution. Phi is NaN; the fitted alpha is available from FitMu0.
type GLRNB struct {
	CARL     float64 // threshold c.ARL (R default 5)
	M        int     // window: the change point is at most M periods back; -1 = unlimited
	Mtilde   int     // periods needed to estimate kappa (R default 1)
	Alpha    float64 // NaN: estimate by glm.nb; 0: Poisson (glrpois); > 0: fixed dispersion
	S        int     // harmonic pairs in the mu0 model (R default 1)
	Trend    bool    // linear trend in the mu0 model (R default false)
	Decrease bool    // R's dir = "dec"
	Cases    bool    // upper bound in cases (R's ret = "cases") instead of the statistic
	XMax     float64 // cases search limit (R's xMax, 1e4): beyond it the bound is +Inf
}

// NewGLRNB returns the settings of the reference runs (methods.csv,
// glrnb_nb): c.ARL = 5, M = -1, Mtilde = 1, alpha estimated by glm.nb, mu0 =
// list(S = 1, trend = FALSE), dir = "inc", ret = "value".
func NewGLRNB() *GLRNB {
	return &GLRNB{CARL: 5, M: -1, Mtilde: 1, Alpha: math.NaN(), S: 1, XMax: 1e4}
}

// NewGLRPois is NewGLRNB with alpha = 0 (R's glrpois reference method).
func NewGLRPois() *GLRNB {
	g := NewGLRNB()
	g.Alpha = 0
	return g
}

// Name implements Detector.
func (g *GLRNB) Name() string {
	if g.Alpha == 0 {
		return "glrpois"
	}
	return "glrnb"
}

var _ Detector = (*GLRNB)(nil)

// Validate reports settings algo.glrnb rejects or this port does not support.
func (g *GLRNB) Validate() error {
	switch {
	case !(g.CARL > 0):
		return errors.New("glrnb: c.ARL must be positive")
	case g.Mtilde < 1:
		return errors.New("glrnb: Mtilde must be at least 1")
	case g.M != -1 && g.M < g.Mtilde:
		return errors.New("glrnb: M must be -1 (unlimited) or at least Mtilde")
	case g.Alpha < 0 || math.IsInf(g.Alpha, 0):
		return errors.New("glrnb: alpha must be NaN (estimate), 0 (Poisson) or positive")
	case g.S < 0:
		return errors.New("glrnb: S must be non-negative")
	}
	return nil
}

// Mu0Fit is the in-control model fitted on phase 1.
type Mu0Fit struct {
	Mu0       []float64 // predicted mean for periods from..n-1
	Alpha     float64   // dispersion used by the chart (0 = Poisson)
	Theta     float64   // glm.nb's theta (1/Alpha), +Inf for Poisson
	Beta      []float64 // coefficients: intercept, [trend], cos_1, sin_1, ...
	Converged bool
}

// FitMu0 fits the in-control model on periods 0..from-1 (see GLRNB).
func (g *GLRNB) FitMu0(s Series, from int) (*Mu0Fit, error) {
	n := len(s.Counts)
	f := float64(s.freq())
	p := 1 + 2*g.S
	if g.Trend {
		p++
	}
	row := func(dst []float64, t float64) {
		j := 0
		dst[j] = 1
		j++
		if g.Trend {
			dst[j] = t
			j++
		}
		for k := 1; k <= g.S; k++ {
			// R: cos(2*s*pi/p*t), sin(2*s*pi/p*t)
			w := 2 * float64(k) * math.Pi / f * t
			dst[j], dst[j+1] = math.Cos(w), math.Sin(w)
			j += 2
		}
	}
	x := make([]float64, from*p)
	for i := 0; i < from; i++ {
		row(x[i*p:(i+1)*p], float64(i+1))
	}
	y := s.Counts[:from]
	var fit *glmFit
	var err error
	theta := math.Inf(1)
	switch {
	case math.IsNaN(g.Alpha):
		fit, theta, err = glmNB(x, p, y)
	case g.Alpha == 0:
		fit, err = glmLogR(x, p, y, nil, math.Inf(1))
	default:
		theta = 1 / g.Alpha
		fit, err = glmLogR(x, p, y, nil, theta)
	}
	if err != nil {
		return nil, err
	}
	out := &Mu0Fit{Mu0: make([]float64, n-from), Theta: theta, Beta: fit.beta, Converged: fit.converged}
	out.Alpha = 1 / theta
	if math.IsNaN(g.Alpha) && (math.IsNaN(out.Alpha) || math.IsInf(out.Alpha, 0)) {
		return nil, fmt.Errorf("glrnb: glm.nb gave theta = %v", theta)
	}
	r := make([]float64, p)
	for i := range out.Mu0 {
		row(r, float64(from+i+1))
		var eta float64
		for j, v := range r {
			eta += v * fit.beta[j]
		}
		out.Mu0[i] = linkinvLog(eta)
	}
	return out, nil
}

// Detect implements Detector: periods 0..from-1 are phase 1, from..n-1 are
// monitored.
func (g *GLRNB) Detect(s Series, from int) ([]Result, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := checkCounts(s.Counts); err != nil {
		return nil, err
	}
	p := 1 + 2*g.S
	if g.Trend {
		p++
	}
	if from < p+1 || from > len(s.Counts) {
		return nil, fmt.Errorf("glrnb: phase 1 must have at least %d periods and leave one to monitor, got from=%d of %d", p+1, from, len(s.Counts))
	}
	m, err := g.FitMu0(s, from)
	if err != nil {
		return nil, err
	}
	return g.Run(s.Counts[from:], m.Mu0, m.Alpha, from), nil
}

// Run applies the chart to counts x with in-control means mu0 and dispersion
// alpha (0 = Poisson), restarting after each alarm as R does; T of the
// results is offset + index.
func (g *GLRNB) Run(x, mu0 []float64, alpha float64, offset int) []Result {
	n := len(x)
	dir := 1
	if g.Decrease {
		dir = -1
	}
	stat := make([]float64, n)
	alarm := make([]bool, n)
	for done := 0; done < n; {
		seg, mseg := x[done:], mu0[done:]
		N := g.segment(seg, mseg, alpha, dir, stat[done:])
		if N < len(seg) {
			alarm[done+N] = true
			done += N + 1
		} else {
			done = n
		}
	}
	out := make([]Result, n)
	nan := math.NaN()
	start := 0
	for i := 0; i < n; i++ {
		v := stat[i]
		if math.IsNaN(v) || v < 0 {
			v = 0
		}
		ub := v
		if g.Cases {
			ub = g.cases(x[start:i+1], mu0[start:i+1], alpha, dir)
		}
		pv := poissonUpper(x[i], mu0[i])
		if alpha > 0 {
			pv = negBinomUpper(x[i], 1/alpha, 1+alpha*mu0[i])
		}
		out[i] = Result{T: offset + i, Observed: x[i], Expected: mu0[i], UpperBound: ub, Alarm: alarm[i],
			PValue: pv, Score: v, Mu0: mu0[i], Phi: nan}
		if alarm[i] {
			start = i + 1
		}
	}
	return out
}

// segment runs one chart from x[0] (no history) until the first alarm,
// writing the statistic to val; it returns the 0-based alarm index or
// len(x). It is R's glr_nb_window (alpha > 0), glr_cusum (Poisson, M = -1)
// or glr_cusum_window (Poisson, M > 0).
func (g *GLRNB) segment(x, mu0 []float64, alpha float64, dir int, val []float64) int {
	n := len(x)
	first := 0
	if alpha > 0 {
		first = max(g.Mtilde-1, 0)
	} else if g.M > 0 {
		first = g.Mtilde // glr_cusum_window starts at n = Mtilde
	}
	for i := 0; i < min(first, n); i++ {
		val[i] = 0
	}
	for i := first; i < n; i++ {
		v := g.statAt(i, x, mu0, alpha, dir)
		val[i] = v
		if v >= g.CARL {
			for j := i + 1; j < n; j++ {
				val[j] = 0
			}
			return i
		}
	}
	return n
}

// statAt is GLR_n of a chart started at x[0].
func (g *GLRNB) statAt(n int, x, mu0 []float64, alpha float64, dir int) float64 {
	if alpha > 0 {
		return glrNB(n, x, mu0, alpha, dir, g.M, g.Mtilde)
	}
	if g.M > 0 {
		return glrPoisWindow(n, x, mu0, dir, g.M, g.Mtilde)
	}
	return glrPois(n, x, mu0, dir)
}

// fmax0 is C's fmax(0, v): NaN gives 0.
func fmax0(v float64) float64 {
	if v > 0 {
		return v
	}
	return 0
}

// glrPois is surveillance.c's glr: max over k = n..0 of the Poisson GLR.
func glrPois(n int, x, mu0 []float64, dir int) float64 {
	d := float64(dir)
	var sumx, summu float64
	maxGLR := -1e99
	for k := n; k >= 0; k-- {
		sumx += x[k]
		summu += mu0[k]
		kappa := d * fmax0(d*math.Log(sumx/summu))
		s := kappa*sumx + (1-math.Exp(kappa))*summu
		if s > maxGLR {
			maxGLR = s
		}
	}
	return maxGLR
}

// glrPoisWindow is surveillance.c's glr_window.
func glrPoisWindow(n int, x, mu0 []float64, dir, M, Mtilde int) float64 {
	d := float64(dir)
	var sumx, summu float64
	for l := n - Mtilde + 1; l <= n; l++ {
		sumx += x[l]
		summu += mu0[l]
	}
	maxGLR := -1e99
	for k := n - Mtilde; k >= max(0, n-M); k-- {
		sumx += x[k]
		summu += mu0[k]
		kappa := d * fmax0(d*math.Log(sumx/summu))
		s := kappa*sumx + (1-math.Exp(kappa))*summu
		if s > maxGLR {
			maxGLR = s
		}
	}
	return maxGLR
}

// glrNB is the inner loop of surveillance.c's glr_nb_window for one n: for
// k = low..up, Newton-Raphson for kappa started at the previous k's
// (truncated) estimate, then l_{n,k}; the maximum over k.
func glrNB(n int, x, mu0 []float64, alpha float64, dir, M, Mtilde int) float64 {
	d := float64(dir)
	maxGLR := -1e99
	kappaML := 0.5
	low := 0
	if M != -1 {
		low = max(0, n-M)
	}
	up := n - (Mtilde - 1)
	for k := low; k <= up; k++ {
		xs, ms := x[k:n+1], mu0[k:n+1]
		kOld, kNew := 0.4, kappaML
		for iter := 0; kNew > -18 && math.Abs(kNew-kOld) > 1e-6 && iter < 1000; iter++ {
			kOld = kNew
			e := math.Exp(kOld)
			var score, info float64
			for i, xi := range xs {
				m := ms[i]
				den := 1 + alpha*e*m
				score += (xi - e*m) / den
				info += m * (alpha*xi + 1) / (den * den)
			}
			kNew = kOld + score/(e*info)
		}
		kappaML = d * fmax0(d*kNew)
		// l_{n,k}; kappa = 0 gives exactly 0 (no logarithms needed).
		var lnk float64
		if kappaML != 0 {
			e := math.Exp(kappaML)
			for i, xi := range xs {
				m := ms[i]
				lnk += kappaML*xi + (xi+1/alpha)*math.Log((1+alpha*m)/(1+alpha*m*e))
			}
		}
		if lnk > maxGLR {
			maxGLR = lnk
		}
	}
	return maxGLR
}

// CasesBound is R's ret = "cases" for the last period of a run that started
// (at the beginning or after an alarm) at x[0]: the smallest count there
// whose statistic reaches CARL (with Decrease, the largest; NaN if none).
func (g *GLRNB) CasesBound(x, mu0 []float64, alpha float64) float64 {
	dir := 1
	if g.Decrease {
		dir = -1
	}
	return g.cases(x, mu0, alpha, dir)
}

// cases is the smallest count at the last period of x (a run since the last
// reset) whose statistic reaches CARL; +Inf beyond XMax.
func (g *GLRNB) cases(x, mu0 []float64, alpha float64, dir int) float64 {
	n := len(x) - 1
	if n < 0 {
		return math.NaN()
	}
	xx := append([]float64(nil), x...)
	hit := func(v float64) bool {
		xx[n] = v
		s := g.statAt(n, xx, mu0, alpha, dir)
		return s >= g.CARL
	}
	xmax := g.XMax
	if !(xmax > 0) {
		xmax = 1e4
	}
	if dir < 0 {
		// Decrease: the largest count that alarms, counting down from 0 is
		// pointless; report the largest alarming count.
		if !hit(0) {
			return math.NaN()
		}
		lo, hi := 0.0, 1.0
		for hi <= xmax && hit(hi) {
			lo, hi = hi, 2*hi
		}
		for hi-lo > 1 {
			mid := math.Floor((lo + hi) / 2)
			if hit(mid) {
				lo = mid
			} else {
				hi = mid
			}
		}
		return lo
	}
	if hit(0) {
		return 0
	}
	lo, hi := 0.0, 1.0 // hit(lo) false
	for !hit(hi) {
		if hi > xmax {
			return math.Inf(1)
		}
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := math.Floor((lo + hi) / 2)
		if hit(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
