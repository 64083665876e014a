package analysis

import (
	"math"
	"sort"
)

// BenjaminiHochberg returns the Benjamini–Hochberg adjusted p-values (q-values)
// of p, in the order of p:
//
//	q_(i) = min_{j >= i} min(1, m p_(j) / j)
//
// where p_(1) <= ... <= p_(m) are the sorted p-values. Rejecting the hypotheses
// with q <= alpha controls the false-discovery rate at alpha for independent or
// positively dependent tests. This is R's p.adjust(p, method = "BH").
//
// NaN p-values are passed through as NaN and do not count in m (as R does with
// NA). The input is not modified.
//
// Reference: Benjamini Y, Hochberg Y (1995). Controlling the false discovery
// rate: a practical and powerful approach to multiple testing. J R Stat Soc B
// 57(1):289–300.
func BenjaminiHochberg(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if math.IsNaN(v) {
			q[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	m := len(idx)
	if m == 0 {
		return q
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	running := 1.0
	for r := m - 1; r >= 0; r-- {
		i := idx[r]
		v := float64(m) / float64(r+1) * p[i] // R order of operations
		if v < running {
			running = v
		}
		q[i] = running
	}
	return q
}
