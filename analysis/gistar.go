package analysis

import (
	"errors"
	"fmt"
	"math"
)

// LocalG holds the Getis–Ord local statistics of every area.
type LocalG struct {
	G    []float64 // G_i (or G*_i): Σ_j w_ij x_j / Σ_{j in scope} x_j
	E    []float64 // E[G_i] under the null hypothesis
	V    []float64 // Var[G_i] under the null hypothesis
	Z    []float64 // (G_i - E[G_i]) / √Var[G_i]; positive = cluster of high values
	P    []float64 // two-sided normal p-value 2 Φ(-|Z|)
	PSim []float64 // folded pseudo p-value of the conditional permutations; nil without
	Star bool      // whether the area itself was included (Gi*)
}

// GiStar returns the Getis–Ord Gi* statistics of x: GetisOrd with every area
// included in its own neighbourhood (spdep::localG(x, nb2listw(include.self(nb))))
// in the style of w.
func GiStar(x []float64, w *Weights, perm Permutations) (*LocalG, error) {
	return GetisOrd(x, w.WithSelf(), perm)
}

// GetisOrd returns the local G statistics of x for the weights w: Gi* when
// w.Self (every area its own neighbour), Gi otherwise. With W_i = Σ_j w_ij
// and S1_i = Σ_j w_ij², the z-score is (Ord & Getis 1995, eq. 2.9; as in
// spdep::localG)
//
//	Gi*: Z_i = (Σ_j w_ij x_j - W_i x̄) / √( s² (n S1_i - W_i²) / (n-1) ),
//	     x̄ = Σ_j x_j / n,  s² = Σ_j x_j² / n - x̄²;
//	Gi:  the same with x_i left out: x̄_i and s_i² over the n-1 other values
//	     and √( s_i² ((n-1) S1_i - W_i²) / (n-2) ) in the denominator.
//
// G_i itself is Σ_j w_ij x_j divided by Σ_j x_j (Gi*) or Σ_{j≠i} x_j (Gi), with
// E[G*_i] = W_i / n, E[G_i] = W_i / (n-1) and Var = the z denominator squared
// over that total squared (Getis & Ord 1992, eqs. 9 and 10 for binary
// weights). Z is invariant to scaling the rows, so binary and row-standardised
// weights give the same Z.
//
// With perm.N > 0, PSim is the folded pseudo p-value of Z among conditional
// permutations (x_i fixed, the other neighbours drawn from the remaining
// values).
//
// Areas without neighbours get NaN. x must have w.N() finite values, not all
// equal.
//
// References: Getis A, Ord JK (1992). The analysis of spatial association by
// use of distance statistics. Geographical Analysis 24(3):189–206. Ord JK,
// Getis A (1995). Local spatial autocorrelation statistics: distributional
// issues and an application. Geographical Analysis 27(4):286–306.
func GetisOrd(x []float64, w *Weights, perm Permutations) (*LocalG, error) {
	n := len(x)
	if err := checkLocalInput(x, w); err != nil {
		return nil, err
	}
	var sum, sum2 float64
	for _, v := range x {
		sum += v
		sum2 += v * v
	}
	nf := float64(n)
	res := &LocalG{G: make([]float64, n), E: make([]float64, n), V: make([]float64, n),
		Z: make([]float64, n), P: make([]float64, n), Star: w.Self}
	if perm.N > 0 {
		res.PSim = make([]float64, n)
	}
	lag := w.Lag(x)
	var pool []int
	if perm.N > 0 {
		pool = make([]int, 0, n)
	}
	for i := 0; i < n; i++ {
		wi, s1i := w.rowSums(i)
		var xbar, s2, tot, eg, vg float64
		if w.Self {
			xbar = sum / nf
			s2 = sum2/nf - xbar*xbar
			tot = sum
			vg = s2 * (nf*s1i - wi*wi) / (nf - 1)
			res.E[i] = wi / nf
		} else {
			tot = sum - x[i]
			xbar = tot / (nf - 1)
			s2 = (sum2-x[i]*x[i])/(nf-1) - xbar*xbar
			vg = s2 * ((nf-1)*s1i - wi*wi) / (nf - 2)
			res.E[i] = wi / (nf - 1)
		}
		eg = wi * xbar
		if !w.hasOther(i) || vg <= 0 {
			res.G[i], res.E[i], res.V[i], res.Z[i], res.P[i] = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
			if res.PSim != nil {
				res.PSim[i] = math.NaN()
			}
			continue
		}
		sd := math.Sqrt(vg)
		res.G[i] = lag[i] / tot
		res.V[i] = vg / (tot * tot)
		res.Z[i] = (lag[i] - eg) / sd
		res.P[i] = normalTwoSided(res.Z[i])
		if perm.N > 0 {
			var self float64
			for k, j := range w.Neigh[i] {
				if j == i {
					self = w.W[i][k] * x[i]
				}
			}
			obs := res.Z[i]
			larger := 0
			conditionalLags(w, x, i, perm, pool, func(l float64) {
				if (self+l-eg)/sd >= obs {
					larger++
				}
			})
			res.PSim[i] = foldedPseudoP(larger, perm.N)
		}
	}
	return res, nil
}

// checkLocalInput rejects data the local statistics cannot use.
func checkLocalInput(x []float64, w *Weights) error {
	if w == nil {
		return errors.New("analysis: no spatial weights")
	}
	if len(x) != w.N() {
		return fmt.Errorf("analysis: %d values for %d areas", len(x), w.N())
	}
	if len(x) < 3 {
		return fmt.Errorf("analysis: %d areas; local statistics need at least 3", len(x))
	}
	first := x[0]
	same := true
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("analysis: value of area %q is %v", w.IDs[i], v)
		}
		if v != first {
			same = false
		}
	}
	if same {
		return errors.New("analysis: all values are equal; spatial statistics are undefined")
	}
	return nil
}
