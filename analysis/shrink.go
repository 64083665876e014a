package analysis

import (
	"errors"
	"math"
)

// maxPriorStrength bounds the prior sample sizes (alpha of the gamma prior,
// a+b of the beta prior) when the data show no heterogeneity between units:
// the posterior is then, to all purposes, the pooled value.
const maxPriorStrength = 1e6

// gammaPrior fits the gamma prior theta_u ~ Gamma(shape alpha, rate beta) of
// the unit relative rates in the Poisson–gamma model y_u | theta_u ~
// Poisson(theta_u e_u), where y_u are the units' observed and e_u > 0 their
// reference expected counts, by the global method of moments of Marshall
// (1991, Mapping disease and mortality rates using empirical Bayes
// estimators, Appl Stat 40:283–294):
//
//	m  = Σ y_u / Σ e_u
//	s² = Σ e_u (y_u/e_u - m)² / Σ e_u
//	v  = s² - m / ē,   ē = Σ e_u / n
//	alpha = m²/v,  beta = m/v.
//
// The posterior of theta_u is Gamma(alpha + y_u, beta + e_u), with mean
// (alpha + y_u) / (beta + e_u): a unit with a long history keeps its own rate,
// one with a short or empty history is pulled to the prior mean m. When v <= 0
// (no heterogeneity beyond Poisson noise) alpha is capped at maxPriorStrength.
func gammaPrior(y, e []float64) (alpha, beta float64, err error) {
	if len(y) != len(e) {
		panic("analysis: slice length mismatch")
	}
	var sy, se float64
	for i := range y {
		sy += y[i]
		se += e[i]
	}
	if len(y) == 0 || se <= 0 || sy <= 0 {
		return 0, 0, errors.New("analysis: no cases or no exposure to fit the rate prior")
	}
	m := sy / se
	var s2 float64
	for i := range y {
		if e[i] > 0 {
			r := y[i]/e[i] - m
			s2 += e[i] * r * r
		}
	}
	s2 /= se
	v := s2 - m/(se/float64(len(y)))
	if v <= m*m/maxPriorStrength {
		v = m * m / maxPriorStrength
	}
	return m * m / v, m / v, nil
}

// betaPrior fits the beta prior pi_u ~ Beta(a, b) of the units' serious shares
// in the beta-binomial model s_u | pi_u ~ Binomial(n_u, pi_u), by the method
// of moments on the weighted between-unit sum of squares (Kleinman 1973,
// Proportions with extraneous variance, JASA 68:99–106). With N = Σ n_u over
// the U units with cases, the pooled share p = (Σ s_u + 1/2) / (N + 1) (the
// half counts keep it inside (0,1)) and Q = Σ n_u (s_u/n_u - p)²,
//
//	E[Q] = p(1-p) [ (U - 1) + rho (N - U + 1 - Σ n_u²/N) ]
//
// for the intra-unit correlation rho = 1/(a + b + 1), so
//
//	rho = (Q / (p(1-p)) - (U - 1)) / (N - U + 1 - Σ n_u²/N),
//	a + b = 1/rho - 1,  a = p (a + b),  b = (1 - p)(a + b).
//
// The posterior share of unit u is Beta(a + s_u, b + n_u - s_u), with mean
// (a + s_u) / (a + b + n_u). When rho <= 0 (or cannot be estimated, fewer than
// two units with cases) a + b is capped at maxPriorStrength.
func betaPrior(s, n []float64) (a, b float64, err error) {
	if len(s) != len(n) {
		panic("analysis: slice length mismatch")
	}
	var ss, sn, sn2 float64
	var units int
	for i := range n {
		if n[i] > 0 {
			ss += s[i]
			sn += n[i]
			sn2 += n[i] * n[i]
			units++
		}
	}
	if units == 0 {
		return 0, 0, errors.New("analysis: no cases to fit the serious-share prior")
	}
	p := (ss + 0.5) / (sn + 1)
	var q float64
	for i := range n {
		if n[i] > 0 {
			r := s[i]/n[i] - p
			q += n[i] * r * r
		}
	}
	strength := maxPriorStrength
	den := sn - float64(units) + 1 - sn2/sn
	if units > 1 && den > 0 {
		rho := (q/(p*(1-p)) - float64(units-1)) / den
		if rho > 0 {
			strength = math.Min(1/rho-1, maxPriorStrength)
		}
	}
	// rho close to 1 would leave no prior at all; keep at least one pseudo case.
	strength = math.Max(strength, 1)
	return p * strength, (1 - p) * strength, nil
}
