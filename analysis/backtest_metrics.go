package analysis

import (
	"math"
	"sort"
)

// AUROC is the area under the ROC curve of scores against labels, by the
// Mann–Whitney statistic with average ranks for ties (Hanley & McNeil 1982):
// AUC = (R+ − n+(n+ + 1)/2) / (n+ n−), R+ the rank sum of the positives.
// It is NaN when either class is empty.
func AUROC(score []float64, y []bool) float64 {
	if len(score) != len(y) {
		panic("analysis: slice length mismatch")
	}
	idx := sortedDesc(score)
	n := len(score)
	var np, rsum float64
	// ranks ascending: the element at descending position i has rank n-i.
	for i := 0; i < n; {
		j := i
		for j < n && score[idx[j]] == score[idx[i]] {
			j++
		}
		// positions i..j-1 share ascending ranks n-j+1 .. n-i: average
		r := float64(2*n-i-j+1) / 2
		for k := i; k < j; k++ {
			if y[idx[k]] {
				np++
				rsum += r
			}
		}
		i = j
	}
	nn := float64(n) - np
	if np == 0 || nn == 0 {
		return math.NaN()
	}
	return (rsum - np*(np+1)/2) / (np * nn)
}

// AveragePrecision is the area under the precision–recall curve as average
// precision, AP = Σ_k (R_k − R_{k−1}) P_k over thresholds at each distinct
// score (a group of tied scores is one step). NaN without positives. The
// expected AP of a random ranking is the positive rate.
func AveragePrecision(score []float64, y []bool) float64 {
	if len(score) != len(y) {
		panic("analysis: slice length mismatch")
	}
	var np float64
	for _, v := range y {
		if v {
			np++
		}
	}
	if np == 0 {
		return math.NaN()
	}
	idx := sortedDesc(score)
	var tp, seen, ap float64
	for i := 0; i < len(idx); {
		j := i
		var gp float64
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			if y[idx[j]] {
				gp++
			}
			j++
		}
		tp += gp
		seen += float64(j - i)
		ap += gp / np * (tp / seen)
		i = j
	}
	return ap
}

func sortedDesc(score []float64) []int {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	return idx
}

// calibEdges are the bin edges of the calibration table and of the Murphy
// decomposition: escalations are rare, so the low probabilities get fine bins.
var calibEdges = []float64{0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1}

// BrierDecomposition returns the Brier score BS = mean (p − y)² and Murphy's
// (1973) decomposition over the bins of calibEdges: REL = Σ_k n_k (p̄_k − ō_k)²/N,
// RES = Σ_k n_k (ō_k − ō)²/N, UNC = ō(1 − ō), so that BS ≈ REL − RES + UNC
// (exactly when forecasts are constant within bins), and the calibration
// table (empty bins left out).
func BrierDecomposition(p []float64, y []bool) (bs, rel, res, unc float64, table []CalibBin) {
	if len(p) != len(y) {
		panic("analysis: slice length mismatch")
	}
	N := float64(len(p))
	nb := len(calibEdges) - 1
	n := make([]float64, nb)
	sp := make([]float64, nb)
	sy := make([]float64, nb)
	var obar float64
	for i, v := range p {
		o := 0.0
		if y[i] {
			o = 1
		}
		obar += o
		bs += (v - o) * (v - o)
		k := sort.SearchFloat64s(calibEdges, v) - 1
		k = min(max(k, 0), nb-1)
		n[k]++
		sp[k] += v
		sy[k] += o
	}
	bs /= N
	obar /= N
	unc = obar * (1 - obar)
	for k := 0; k < nb; k++ {
		if n[k] == 0 {
			continue
		}
		pk, ok := sp[k]/n[k], sy[k]/n[k]
		rel += n[k] * (pk - ok) * (pk - ok) / N
		res += n[k] * (ok - obar) * (ok - obar) / N
		table = append(table, CalibBin{Lo: calibEdges[k], Hi: calibEdges[k+1], N: int(n[k]), Forecast: pk, Observed: ok})
	}
	return bs, rel, res, unc, table
}
