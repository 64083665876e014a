package analysis

import "math"

// LocalMoranResult holds the local Moran's I of every area.
type LocalMoranResult struct {
	I        []float64 // I_i = (z_i / m2) Σ_j w_ij z_j
	E        []float64 // E[I_i], conditional randomisation
	V        []float64 // Var[I_i], conditional randomisation
	Z        []float64 // (I_i - E[I_i]) / √Var[I_i]
	P        []float64 // two-sided normal p-value 2 Φ(-|Z|)
	PGreater []float64 // one-sided 1 - Φ(Z) (positive local autocorrelation)
	PSim     []float64 // folded pseudo p-value of the conditional permutations; nil without
	Quadrant []string  // "High-High", "Low-Low", "High-Low" (high value, low lag), "Low-High"; "" for islands
}

// LocalMoran returns the local Moran's I of x for the weights w (usually
// row-standardised), with the moments of spdep::localmoran (spdep >= 1.2,
// default conditional = TRUE): with z = x - x̄, m2 = Σ z_j² / n, W_i = Σ_j w_ij
// and S1_i = Σ_j w_ij²,
//
//	I_i      = (z_i / m2) Σ_j w_ij z_j                                   (Anselin 1995, eq. 7)
//	E[I_i]   = -z_i² W_i / ((n-1) m2)
//	Var[I_i] = (z_i / m2)² n/(n-2) (S1_i - W_i²/(n-1)) (m2 - z_i²/(n-1))
//
// the moments of I_i under randomisation conditional on x_i staying at area
// i (Sokal, Oden & Thomson 1998, eqs. A7–A8). Quadrant follows spdep's "mean"
// quadrants: the sign of z_i and of the lag of x minus the mean of the lags.
//
// With perm.N > 0, PSim is the folded pseudo p-value of I_i among conditional
// permutations (as PySAL's esda.Moran_Local p_sim; spdep's localmoran_perm
// uses the same draws but a different random stream).
//
// Areas without neighbours get NaN (and quadrant ""). x must have w.N()
// finite values, not all equal.
//
// References: Anselin L (1995). Local indicators of spatial association —
// LISA. Geographical Analysis 27(2):93–115. Sokal RR, Oden NL, Thomson BA
// (1998). Local spatial autocorrelation in a biological model. Geographical
// Analysis 30(4):331–354.
func LocalMoran(x []float64, w *Weights, perm Permutations) (*LocalMoranResult, error) {
	if err := checkLocalInput(x, w); err != nil {
		return nil, err
	}
	n := len(x)
	nf := float64(n)
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= nf
	z := make([]float64, n)
	var m2 float64
	for i, v := range x {
		z[i] = v - mean
		m2 += z[i] * z[i]
	}
	m2 /= nf
	lz := w.Lag(z)
	lx := w.Lag(x)
	var lxMean float64
	for _, v := range lx {
		lxMean += v
	}
	lxMean /= nf
	r := &LocalMoranResult{I: make([]float64, n), E: make([]float64, n), V: make([]float64, n),
		Z: make([]float64, n), P: make([]float64, n), PGreater: make([]float64, n), Quadrant: make([]string, n)}
	var pool []int
	if perm.N > 0 {
		r.PSim = make([]float64, n)
		pool = make([]int, 0, n)
	}
	for i := 0; i < n; i++ {
		if !w.hasOther(i) {
			nan := math.NaN()
			r.I[i], r.E[i], r.V[i], r.Z[i], r.P[i], r.PGreater[i] = nan, nan, nan, nan, nan, nan
			if r.PSim != nil {
				r.PSim[i] = nan
			}
			continue
		}
		wi, s1i := w.rowSums(i)
		zi2 := z[i] * z[i]
		r.I[i] = z[i] / m2 * lz[i]
		r.E[i] = -zi2 * wi / ((nf - 1) * m2)
		r.V[i] = (zi2 / (m2 * m2)) * (nf / (nf - 2)) * (s1i - wi*wi/(nf-1)) * (m2 - zi2/(nf-1))
		r.Z[i] = (r.I[i] - r.E[i]) / math.Sqrt(r.V[i])
		r.P[i] = normalTwoSided(r.Z[i])
		r.PGreater[i] = normalUpper(r.Z[i])
		r.Quadrant[i] = quadrant(z[i], lx[i]-lxMean)
		if perm.N > 0 {
			var self float64
			for k, j := range w.Neigh[i] {
				if j == i {
					self = w.W[i][k] * z[i]
				}
			}
			obs := r.I[i]
			larger := 0
			conditionalLags(w, z, i, perm, pool, func(l float64) {
				if z[i]/m2*(self+l) >= obs {
					larger++
				}
			})
			r.PSim[i] = foldedPseudoP(larger, perm.N)
		}
	}
	return r, nil
}

func quadrant(z, lag float64) string {
	switch {
	case z < 0 && lag < 0:
		return "Low-Low"
	case z < 0:
		return "Low-High"
	case lag < 0:
		return "High-Low"
	}
	return "High-High"
}
