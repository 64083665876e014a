package analysis

import (
	"errors"
	"math"
	"sort"
)

// MannKendallResult is the Mann–Kendall trend test of a series.
type MannKendallResult struct {
	N    int     // values used (NaN skipped)
	S    float64 // Σ_{i<j} sgn(y_j - y_i)
	VarS float64 // variance of S under no trend, corrected for ties
	Z    float64 // (S - sgn S) / √VarS, with continuity correction; 0 when S = 0
	P    float64 // two-sided normal p-value 2 Φ(-|Z|)
	Tau  float64 // Kendall's tau-b between time and y
}

// MannKendall tests y (in time order; NaN values are skipped) for a monotonic
// trend (Mann 1945; Kendall 1975). With t_g the sizes of the groups of tied
// values,
//
//	S     = Σ_{i<j} sgn(y_j - y_i)
//	Var S = [n(n-1)(2n+5) - Σ_g t_g(t_g-1)(2t_g+5)] / 18
//	Z     = (S - sgn S) / √Var S
//
// (Hirsch, Slack & Smith 1982; Gilbert 1987, §16.4), and tau-b =
// S / √(n(n-1)/2 · (n(n-1)/2 - Σ_g t_g(t_g-1)/2)). This equals R's
// cor.test(seq_along(y), y, method = "kendall", exact = FALSE,
// continuity = TRUE). It needs at least 3 values, not all equal.
//
// References: Mann HB (1945). Nonparametric tests against trend. Econometrica
// 13:245–259. Kendall MG (1975). Rank Correlation Methods, 4th ed. Griffin.
// Gilbert RO (1987). Statistical Methods for Environmental Pollution
// Monitoring. Van Nostrand Reinhold.
func MannKendall(y []float64) (MannKendallResult, error) {
	v := finiteValues(y)
	n := len(v)
	r := MannKendallResult{N: n}
	if n < 3 {
		return r, errors.New("analysis: Mann–Kendall needs at least 3 values")
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			switch {
			case v[j] > v[i]:
				r.S++
			case v[j] < v[i]:
				r.S--
			}
		}
	}
	nf := float64(n)
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	var tieVar, tiePairs float64
	for i := 0; i < n; {
		j := i
		for j < n && s[j] == s[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			tieVar += t * (t - 1) * (2*t + 5)
			tiePairs += t * (t - 1) / 2
		}
		i = j
	}
	r.VarS = (nf*(nf-1)*(2*nf+5) - tieVar) / 18
	if r.VarS <= 0 {
		return r, errors.New("analysis: Mann–Kendall: all values are equal")
	}
	if r.S != 0 {
		r.Z = (r.S - math.Copysign(1, r.S)) / math.Sqrt(r.VarS)
	}
	r.P = normalTwoSided(r.Z)
	n0 := nf * (nf - 1) / 2
	r.Tau = r.S / math.Sqrt(n0*(n0-tiePairs))
	return r, nil
}

// finiteValues returns the non-NaN, finite values of y in order.
func finiteValues(y []float64) []float64 {
	out := make([]float64, 0, len(y))
	for _, v := range y {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}
