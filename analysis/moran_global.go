package analysis

import "math"

// GlobalMoranResult is Moran's I with its moments under randomisation.
type GlobalMoranResult struct {
	I, E, Var, Z float64
	PGreater     float64 // 1 - Φ(Z): positive spatial autocorrelation
}

// GlobalMoran returns Moran's I of x for the weights w with the expectation
// and variance under the randomisation assumption, as spdep::moran.test(x,
// listw, randomisation = TRUE) (Cliff & Ord 1981, eqs. 1.38–1.39): with
// z = x - x̄, S0 = Σ_ij w_ij, S1 = ½ Σ_ij (w_ij + w_ji)²,
// S2 = Σ_i (w_i. + w_.i)² and K = n Σ z⁴ / (Σ z²)²,
//
//	I     = (n / S0) Σ_ij w_ij z_i z_j / Σ_i z_i²
//	E[I]  = -1 / (n-1)
//	Var I = [n((n²-3n+3) S1 - n S2 + 3 S0²) - K((n²-n) S1 - 2n S2 + 6 S0²)]
//	        / ((n-1)(n-2)(n-3) S0²) - E[I]².
//
// Reference: Cliff AD, Ord JK (1981). Spatial Processes: Models and
// Applications. London: Pion.
func GlobalMoran(x []float64, w *Weights) (*GlobalMoranResult, error) {
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
	var m2, m4 float64
	for i, v := range x {
		z[i] = v - mean
		m2 += z[i] * z[i]
		m4 += z[i] * z[i] * z[i] * z[i]
	}
	s0, s1, s2 := weightSums(w)
	lz := w.Lag(z)
	var cross float64
	for i := range z {
		cross += z[i] * lz[i]
	}
	r := &GlobalMoranResult{I: nf / s0 * cross / m2, E: -1 / (nf - 1)}
	k := nf * m4 / (m2 * m2)
	r.Var = (nf*((nf*nf-3*nf+3)*s1-nf*s2+3*s0*s0)-k*((nf*nf-nf)*s1-2*nf*s2+6*s0*s0))/
		((nf-1)*(nf-2)*(nf-3)*s0*s0) - r.E*r.E
	r.Z = (r.I - r.E) / math.Sqrt(r.Var)
	r.PGreater = normalUpper(r.Z)
	return r, nil
}

// weightSums returns S0 = Σ_ij w_ij, S1 = ½ Σ_ij (w_ij + w_ji)² and
// S2 = Σ_i (w_i. + w_.i)² (Cliff & Ord 1981), as spdep::spweights.constants.
func weightSums(w *Weights) (s0, s1, s2 float64) {
	n := w.N()
	type key struct{ i, j int }
	m := make(map[key]float64)
	col := make([]float64, n)
	row := make([]float64, n)
	for i, nb := range w.Neigh {
		for k, j := range nb {
			m[key{i, j}] += w.W[i][k]
			row[i] += w.W[i][k]
			col[j] += w.W[i][k]
			s0 += w.W[i][k]
		}
	}
	for kv, v := range m {
		t := v + m[key{kv.j, kv.i}]
		s1 += t * t // each unordered pair is visited from both sides: ½ Σ_ij counts it twice
	}
	// Pairs present in one direction only were visited once above; add the
	// missing (j, i) term for them.
	for kv, v := range m {
		if _, ok := m[key{kv.j, kv.i}]; !ok {
			s1 += v * v
		}
	}
	s1 /= 2
	for i := 0; i < n; i++ {
		t := row[i] + col[i]
		s2 += t * t
	}
	return s0, s1, s2
}

// GlobalGResult is the general G statistic with its moments.
type GlobalGResult struct {
	G, E, Var, Z float64
	PGreater     float64
}

// GlobalG returns the general G statistic of Getis & Ord (1992) for the
// (usually binary, self-free) weights w, as spdep::globalG.test:
//
//	G = Σ_{i≠j} w_ij x_i x_j / Σ_{i≠j} x_i x_j,   E[G] = S0 / (n(n-1)),
//
// and Var G = E[G²] - E[G]² with E[G²] = (B0 m2² + B1 m4 + B2 m1² m2 +
// B3 m1 m3 + B4 m1⁴) / ((m1² - m2)² n(n-1)(n-2)(n-3)), m_k = Σ x^k,
// B0 = (n²-3n+3)S1 - nS2 + 3S0², B1 = -((n²-n)S1 - 2nS2 + 6S0²),
// B2 = -(2nS1 - (n+3)S2 + 6S0²), B3 = 4(n-1)S1 - 2(n+1)S2 + 8S0²,
// B4 = S1 - S2 + S0² (Getis & Ord 1992, eq. 13 and appendix). x must be
// non-negative.
func GlobalG(x []float64, w *Weights) (*GlobalGResult, error) {
	if err := checkLocalInput(x, w); err != nil {
		return nil, err
	}
	nf := float64(len(x))
	var m1, m2, m3, m4 float64
	for _, v := range x {
		m1 += v
		m2 += v * v
		m3 += v * v * v
		m4 += v * v * v * v
	}
	lx := w.Lag(x)
	var num float64
	for i, v := range x {
		num += v * lx[i]
		for k, j := range w.Neigh[i] {
			if j == i {
				num -= w.W[i][k] * v * v
			}
		}
	}
	s0, s1, s2 := weightSums(w)
	r := &GlobalGResult{G: num / (m1*m1 - m2), E: s0 / (nf * (nf - 1))}
	b0 := (nf*nf-3*nf+3)*s1 - nf*s2 + 3*s0*s0
	b1 := -((nf*nf-nf)*s1 - 2*nf*s2 + 6*s0*s0)
	b2 := -(2*nf*s1 - (nf+3)*s2 + 6*s0*s0)
	b3 := 4*(nf-1)*s1 - 2*(nf+1)*s2 + 8*s0*s0
	b4 := s1 - s2 + s0*s0
	d := m1*m1 - m2
	eg2 := (b0*m2*m2 + b1*m4 + b2*m1*m1*m2 + b3*m1*m3 + b4*m1*m1*m1*m1) / (d * d * nf * (nf - 1) * (nf - 2) * (nf - 3))
	r.Var = eg2 - r.E*r.E
	r.Z = (r.G - r.E) / math.Sqrt(r.Var)
	r.PGreater = normalUpper(r.Z)
	return r, nil
}
