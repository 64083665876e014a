package analysis

import (
	"errors"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// SenResult is Sen's slope estimate with its confidence interval.
type SenResult struct {
	Slope        float64 // median of the pairwise slopes (per unit of t)
	Intercept    float64 // median of y_i - Slope t_i (Conover 1980, as R's zyp/trend)
	Lower, Upper float64 // rank-based confidence limits; NaN when the series is too short
}

// SensSlope returns Sen's (1968) estimate of the slope of y against time t
// (nil t means 1, 2, ..., n): the median of (y_j - y_i)/(t_j - t_i) over the
// N' pairs i < j with t_j ≠ t_i; pairs with a NaN are skipped. The
// confidence interval at level conf (e.g. 0.95) is the nonparametric one of
// Gilbert (1987, §16.5.1): with C = z_{1-α/2} √Var S (Var S the tie-corrected
// Mann–Kendall variance), M1 = (N' - C)/2 and M2 = (N' + C)/2, the limits are
// the M1-th and (M2+1)-th smallest of the ordered slopes (interpolated
// between neighbouring ranks when M1, M2 are not integers).
//
// References: Sen PK (1968). Estimates of the regression coefficient based on
// Kendall's tau. JASA 63:1379–1389. Gilbert RO (1987). Statistical Methods for
// Environmental Pollution Monitoring. Van Nostrand Reinhold.
func SensSlope(t, y []float64, conf float64) (SenResult, error) {
	if t == nil {
		t = make([]float64, len(y))
		for i := range t {
			t[i] = float64(i + 1)
		}
	}
	if len(t) != len(y) {
		return SenResult{}, errors.New("analysis: Sen's slope: t and y differ in length")
	}
	if !(conf > 0 && conf < 1) {
		return SenResult{}, errors.New("analysis: Sen's slope: confidence level must be in (0, 1)")
	}
	var tt, yy []float64
	for i := range y {
		if !math.IsNaN(y[i]) && !math.IsNaN(t[i]) {
			tt = append(tt, t[i])
			yy = append(yy, y[i])
		}
	}
	var slopes []float64
	for i := range yy {
		for j := i + 1; j < len(yy); j++ {
			if dt := tt[j] - tt[i]; dt != 0 {
				slopes = append(slopes, (yy[j]-yy[i])/dt)
			}
		}
	}
	if len(slopes) == 0 {
		return SenResult{}, errors.New("analysis: Sen's slope needs two values at different times")
	}
	sort.Float64s(slopes)
	r := SenResult{Slope: sortedMedian(slopes), Lower: math.NaN(), Upper: math.NaN()}
	res := make([]float64, len(yy))
	for i := range yy {
		res[i] = yy[i] - r.Slope*tt[i]
	}
	sort.Float64s(res)
	r.Intercept = sortedMedian(res)
	if mk, err := MannKendall(yy); err == nil {
		c := distuv.UnitNormal.Quantile(1-(1-conf)/2) * math.Sqrt(mk.VarS)
		np := float64(len(slopes))
		m1, m2 := (np-c)/2, (np+c)/2+1
		if m1 >= 1 && m2 <= np {
			r.Lower, r.Upper = rankAt(slopes, m1), rankAt(slopes, m2)
		}
	}
	return r, nil
}

// sortedMedian returns the median of sorted s.
func sortedMedian(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// rankAt returns the k-th smallest of sorted s (1-based), interpolating
// linearly for fractional k.
func rankAt(s []float64, k float64) float64 {
	lo := math.Floor(k)
	f := k - lo
	i := int(lo) - 1
	if f == 0 || i+1 >= len(s) {
		return s[i]
	}
	return s[i] + f*(s[i+1]-s[i])
}
