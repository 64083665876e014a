package analysis

import (
	"math"
	"math/rand/v2"
)

// Permutations configures conditional permutation inference for the local
// statistics. N = 0 turns it off. Each area draws from its own PCG stream
// seeded with (Seed, area index), so results do not depend on the order in
// which areas are processed.
type Permutations struct {
	N    int
	Seed uint64
}

// conditionalLags draws, for area i, perm.N conditional permutations (Anselin
// 1995, §4): x_i stays at i and the values at i's other neighbours are a
// random sample without replacement from the n-1 values x_j, j ≠ i. It
// calls f with Σ_j w_ij x_π(j) over the neighbours j ≠ i of each draw.
//
// Reference: Anselin L (1995). Local indicators of spatial association —
// LISA. Geographical Analysis 27(2):93–115.
func conditionalLags(w *Weights, x []float64, i int, perm Permutations, pool []int, f func(lag float64)) {
	n := len(x)
	var wts []float64
	for k, j := range w.Neigh[i] {
		if j != i {
			wts = append(wts, w.W[i][k])
		}
	}
	kk := len(wts)
	pool = pool[:0]
	for j := 0; j < n; j++ {
		if j != i {
			pool = append(pool, j)
		}
	}
	rng := rand.New(rand.NewPCG(perm.Seed, uint64(i)))
	m := len(pool)
	for s := 0; s < perm.N; s++ {
		var lag float64
		// Partial Fisher–Yates: the first kk slots become a uniform sample.
		for k := 0; k < kk; k++ {
			r := k + rng.IntN(m-k)
			pool[k], pool[r] = pool[r], pool[k]
			lag += wts[k] * x[pool[k]]
		}
		f(lag)
	}
}

// foldedPseudoP is the folded pseudo p-value of PySAL's esda: with `larger`
// of the nsim simulated statistics at least as large as the observed one,
// larger is replaced by nsim - larger when that is smaller, and
//
//	p = (larger + 1) / (nsim + 1),
//
// a one-sided p-value in the direction the observed value lies from the bulk
// of the permutation distribution (Hope 1968; Rey & Anselin 2010, PySAL).
func foldedPseudoP(larger, nsim int) float64 {
	if nsim-larger < larger {
		larger = nsim - larger
	}
	return float64(larger+1) / float64(nsim+1)
}

// normalTwoSided returns 2 Φ(-|z|), NaN for NaN.
func normalTwoSided(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// normalUpper returns 1 - Φ(z).
func normalUpper(z float64) float64 {
	return 0.5 * math.Erfc(z/math.Sqrt2)
}
