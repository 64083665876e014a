package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// EARS is the CDC's Early Aberration Reporting System C1, C2 and C3
// (Hutwagner et al., J. Urban Health 80(2 Suppl 1), 2003; Fricker, Hegler &
// Dunfee, Stat. Med. 27, 2008) as R's surveillance::earsC computes it
// (version 1.20.3, the code, not its help page), for series too short for
// Farrington's baseline. With ybar_t and s_t the mean and standard deviation
// of the Baseline (7) periods before t (C1) or before t-2 (C2, C3: a lag of
// two), sigma_t = max(s_t, MinSigma) and z = z_{1-Alpha}:
//
//	C1, C2:  U_t = ybar_t + z sigma_t
//	C3:      U_t = max(0, y_t + sigma_t (z - P_t)),
//	         P_t = max(0, C2_{t-2} - 1) + max(0, C2_{t-1} - 1),
//	         C2_k = (y_k - ybar_k)/sigma_k,
//
// and the alarm is y_t > U_t. C3's bound holds the observed count itself (it
// is R's code; the help page writes ybar_t in its place), so C3 alarms
// exactly when P_t > z and y_t > 0: on the one or two weeks after the weeks
// that exceeded, never on a week without a case.
//
// A zero standard deviation follows IEEE arithmetic as in R: C2 is +Inf above
// a constant baseline, -Inf below it and NaN (0/0) on it. NaN propagates to
// the C3 bound (R's NA); such a week has UpperBound NaN and no alarm (R: NA).
// After one case in a row of zeros, P_t is +Inf, and the bound is 0 when s_t
// > 0 (alarm when y_t > 0) and NaN when s_t = 0. MinSigma > 0 (Burkom
// suggests 0.5 or 1 for sparse counts) keeps every statistic finite.
//
// Score is (y_t - ybar_t)/sigma_t for C1 and C2 (0 when 0/0) and P_t for C3:
// the quantity R compares with z.
type EARS struct {
	Method   string // "C1", "C2" or "C3"
	Baseline int    // 7; at least 3, as R
	Alpha    float64
	MinSigma float64 // R's minSigma: floor of the baseline standard deviation, 0 = none
}

// NewEARS returns method ("C1", "C2", "C3") with a 7-period baseline,
// alpha = 0.001 and minSigma = 0, the defaults of R's earsC signature (R
// takes alpha = 0.025 for C3 only when control has no alpha at all).
func NewEARS(method string) *EARS { return &EARS{Method: method, Baseline: 7, Alpha: 0.001} }

// Name implements Detector.
func (e *EARS) Name() string { return "ears" + lower(e.Method) }

var _ Detector = (*EARS)(nil)

func (e *EARS) lag() int {
	if e.Method == "C1" {
		return 0
	}
	return 2
}

// MinHistory is the number of periods needed before the first evaluated one
// (R's range starts at baseline+1, +3 and +5, 1-based).
func (e *EARS) MinHistory() int {
	h := e.Baseline + e.lag()
	if e.Method == "C3" {
		h += 2
	}
	return h
}

// baseline returns the mean of the baseline of period t and its standard
// deviation floored at MinSigma (R: pmax(sd, minSigma)).
func (e *EARS) baseline(c []float64, t int) (mean, sigma float64) {
	b := c[t-e.lag()-e.Baseline : t-e.lag()]
	for _, v := range b {
		mean += v
	}
	mean /= float64(len(b))
	var ss float64
	for _, v := range b {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Max(math.Sqrt(ss/float64(len(b)-1)), e.MinSigma)
}

// c2 is C2_k with IEEE division, as R: ±Inf or NaN when sigma is 0.
func (e *EARS) c2(c []float64, k int) float64 {
	m, s := e.baseline(c, k)
	return (c[k] - m) / s
}

// Validate checks the settings.
func (e *EARS) Validate() error {
	if e.Method != "C1" && e.Method != "C2" && e.Method != "C3" {
		return fmt.Errorf("ears: unknown method %q (want C1, C2 or C3)", e.Method)
	}
	if e.Baseline < 3 || !(e.Alpha > 0 && e.Alpha < 1) {
		return errors.New("ears: need baseline >= 3 and alpha in (0, 1)")
	}
	if !(e.MinSigma >= 0) || math.IsInf(e.MinSigma, 0) {
		return fmt.Errorf("ears: minSigma %v: want a finite value >= 0", e.MinSigma)
	}
	return nil
}

// Detect implements Detector.
func (e *EARS) Detect(s Series, from int) ([]Result, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := checkCounts(s.Counts); err != nil {
		return nil, err
	}
	if from < e.MinHistory() {
		return nil, fmt.Errorf("ears: %s needs %d earlier periods, from=%d", e.Method, e.MinHistory(), from)
	}
	if from > len(s.Counts) {
		return nil, fmt.Errorf("series has %d periods, fewer than the %d needed", len(s.Counts), from+1)
	}
	zc := distuv.UnitNormal.Quantile(1 - e.Alpha)
	out := make([]Result, 0, len(s.Counts)-from)
	for t := from; t < len(s.Counts); t++ {
		y := s.Counts[t]
		mean, sigma := e.baseline(s.Counts, t)
		var ub, score float64
		if e.Method == "C3" {
			// math.Max(0, NaN) is NaN, as R's pmax(0, NaN): the NA travels.
			score = math.Max(0, e.c2(s.Counts, t-2)-1) + math.Max(0, e.c2(s.Counts, t-1)-1)
			ub = math.Max(0, y+sigma*(zc-score))
		} else {
			ub = mean + zc*sigma
			if d := y - mean; d != 0 || sigma != 0 {
				score = d / sigma
			}
		}
		out = append(out, Result{T: t, Observed: y, Expected: mean, UpperBound: ub,
			Alarm: y > ub, PValue: math.NaN(), Score: score, Mu0: math.NaN(), Phi: math.NaN()})
	}
	return out, nil
}
