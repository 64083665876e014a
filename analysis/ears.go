package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// EARS is the CDC's Early Aberration Reporting System C1, C2 and C3
// (Hutwagner et al., J. Urban Health 80(2 Suppl 1), 2003; Fricker, Hegler &
// Dunfee, Stat. Med. 27, 2008), for series too short for Farrington's
// baseline. With ybar_t and s_t the mean and standard deviation of the
// Baseline (7) periods before t (C1) or before t-2 (C2, C3: a lag of two),
//
//	C1_t, C2_t = (y_t - ybar_t)/s_t,    C3_t = Σ_{i=0..2} max(0, C2_{t-i} - 1),
//
// and the alarm is C_t > z_{1-Alpha} (R's earsC convention). The upper bound
// is the count at which the statistic reaches the threshold:
// ybar + z s (C1, C2), ybar + s (1 + z - C3_without_t) (C3). With s_t = 0 the
// statistic is +Inf above the mean and 0 otherwise.
type EARS struct {
	Method   string // "C1", "C2" or "C3"
	Baseline int    // 7
	Alpha    float64
}

// NewEARS returns method ("C1", "C2", "C3") with a 7-period baseline and
// alpha = 0.001, as R's earsC.
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

// MinHistory is the number of periods needed before the first evaluated one.
func (e *EARS) MinHistory() int {
	h := e.Baseline + e.lag()
	if e.Method == "C3" {
		h += 2
	}
	return h
}

// stat returns C_t (C1 or C2 form), the mean and the sd of its baseline.
func (e *EARS) stat(c []float64, t int) (z, mean, sd float64) {
	b := c[t-e.lag()-e.Baseline : t-e.lag()]
	for _, v := range b {
		mean += v
	}
	mean /= float64(len(b))
	for _, v := range b {
		sd += (v - mean) * (v - mean)
	}
	sd = math.Sqrt(sd / float64(len(b)-1))
	switch {
	case sd > 0:
		z = (c[t] - mean) / sd
	case c[t] > mean:
		z = math.Inf(1)
	}
	return z, mean, sd
}

// Detect implements Detector.
func (e *EARS) Detect(s Series, from int) ([]Result, error) {
	if e.Method != "C1" && e.Method != "C2" && e.Method != "C3" {
		return nil, fmt.Errorf("ears: unknown method %q (want C1, C2 or C3)", e.Method)
	}
	if e.Baseline < 2 || !(e.Alpha > 0 && e.Alpha < 1) {
		return nil, errors.New("ears: need baseline >= 2 and alpha in (0, 1)")
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
		z, mean, sd := e.stat(s.Counts, t)
		ub := mean + zc*sd
		if e.Method == "C3" {
			var prev float64
			for i := 1; i <= 2; i++ {
				zi, _, _ := e.stat(s.Counts, t-i)
				prev += math.Max(0, zi-1)
			}
			z = math.Max(0, z-1) + prev
			ub = mean + sd*(1+zc-prev)
		}
		ub = math.Max(ub, 0)
		out = append(out, Result{T: t, Observed: s.Counts[t], Expected: mean, UpperBound: ub,
			Alarm: z > zc, PValue: math.NaN(), Score: z, Mu0: math.NaN(), Phi: math.NaN()})
	}
	return out, nil
}
