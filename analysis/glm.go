package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// weeksPerYear is the mean length of a year in weeks (365.2425 / 7), the
// period of the seasonal harmonics.
const weeksPerYear = 365.2425 / 7

// harmonics returns how many sine/cosine pairs of the annual cycle a history
// of n weeks supports: two (annual and half-year, enough for a Tết bump that
// is sharper than a sine) with two years or more, one with one year, none
// with less.
func harmonics(n int) int {
	switch {
	case n >= 104:
		return 2
	case n >= 52:
		return 1
	}
	return 0
}

// design describes the shared part of the log-linear model,
//
//	x_t = (1, (t - t0)/52.18, sin(2πkt/52.18), cos(2πkt/52.18), k = 1..K),
//
// with t the absolute week index (models.Week.Index), so the seasonal phase is
// tied to the calendar, and t0 the last history week, so the intercept is the
// level at the end of the history and the trend is per year.
type design struct {
	t0 int // absolute index of the last history week
	k  int // harmonic pairs
}

func (d design) cols() int { return 2 + 2*d.k }

// row writes x_t into dst, which must have length d.cols().
func (d design) row(dst []float64, t int) {
	dst[0] = 1
	dst[1] = float64(t-d.t0) / weeksPerYear
	for k := 1; k <= d.k; k++ {
		w := 2 * math.Pi * float64(k) * float64(t) / weeksPerYear
		dst[2*k], dst[2*k+1] = math.Sincos(w)
	}
}

// matrix returns the design for the n weeks first, first+1, ..., first+n-1.
func (d design) matrix(first, n int) *mat.Dense {
	x := mat.NewDense(n, d.cols(), nil)
	for i := 0; i < n; i++ {
		d.row(x.RawRowView(i), first+i)
	}
	return x
}

// mean returns exp(x_t'beta) for week t.
func (d design) mean(beta []float64, t int) float64 {
	row := make([]float64, d.cols())
	d.row(row, t)
	var eta float64
	for j, v := range row {
		eta += v * beta[j]
	}
	return math.Exp(eta)
}

// errNotConverged is returned when IRLS does not converge.
var errNotConverged = errors.New("analysis: Poisson IRLS did not converge")

// poissonIRLS fits the Poisson log-linear model y_i ~ Poisson(exp(x_i'beta))
// by iteratively reweighted least squares (McCullagh & Nelder, Generalized
// Linear Models, 2nd ed., 1989, §2.5): with eta = X beta and mu = exp(eta),
// each step solves the weighted least-squares problem
//
//	beta <- argmin Σ_i w_i (z_i - x_i'b)²,   w_i = mu_i,  z_i = eta_i + (y_i - mu_i)/mu_i,
//
// through the QR decomposition of diag(√w) X, which is better conditioned
// than the normal equations X'WX. It starts from mu = y + 0.1, as R's glm does
// for the Poisson family, and stops when the deviance changes by less than
// 1e-10 relative (R uses 1e-8). y must be non-negative, not all zero; x must
// have full column rank. The returned mu are the fitted means.
func poissonIRLS(x *mat.Dense, y []float64) (beta, mu []float64, iter int, err error) {
	n, p := x.Dims()
	if len(y) != n {
		panic("analysis: slice length mismatch")
	}
	if n < p {
		return nil, nil, 0, fmt.Errorf("analysis: %d observations for %d coefficients", n, p)
	}
	var total float64
	for _, v := range y {
		total += v
	}
	if total <= 0 {
		return nil, nil, 0, errors.New("analysis: no cases to fit")
	}
	mu = make([]float64, n)
	eta := make([]float64, n)
	for i, v := range y {
		mu[i] = v + 0.1
		eta[i] = math.Log(mu[i])
	}
	xw := mat.NewDense(n, p, nil)
	zw := mat.NewVecDense(n, nil)
	bv := mat.NewVecDense(p, nil)
	var qr mat.QR
	dev := poissonDeviance(y, mu)
	const maxIter = 50
	for iter = 1; iter <= maxIter; iter++ {
		for i := 0; i < n; i++ {
			sw := math.Sqrt(mu[i])
			row, xr := xw.RawRowView(i), x.RawRowView(i)
			for j := range row {
				row[j] = sw * xr[j]
			}
			zw.SetVec(i, sw*(eta[i]+(y[i]-mu[i])/mu[i]))
		}
		qr.Factorize(xw)
		if c := qr.Cond(); c > 1e12 || math.IsNaN(c) {
			return nil, nil, iter, fmt.Errorf("analysis: Poisson IRLS: design is singular (condition %.3g)", c)
		}
		if err := qr.SolveVecTo(bv, false, zw); err != nil {
			return nil, nil, iter, fmt.Errorf("analysis: Poisson IRLS: %w", err)
		}
		for i := 0; i < n; i++ {
			eta[i] = mat.Dot(x.RowView(i), bv)
			mu[i] = math.Exp(eta[i])
			if math.IsInf(mu[i], 0) || mu[i] == 0 {
				return nil, nil, iter, fmt.Errorf("analysis: Poisson IRLS: fitted mean %v at row %d", mu[i], i)
			}
		}
		old := dev
		dev = poissonDeviance(y, mu)
		// Converged when the deviance changes by less than 1e-10 relative,
		// or by less than the rounding of its own terms (about 1e-13 of
		// the total count): a model that fits almost exactly (a deviance
		// near 0, e.g. constant weekly totals) otherwise flips between
		// two last bits forever and never meets the relative test.
		if d := math.Abs(dev - old); d/(math.Abs(dev)+0.1) < 1e-10 || d < 1e-13*total {
			return mat.Col(nil, 0, bv), mu, iter, nil
		}
	}
	return nil, nil, maxIter, errNotConverged
}

// poissonDeviance returns 2 Σ [y log(y/mu) - (y - mu)].
func poissonDeviance(y, mu []float64) float64 {
	var d float64
	for i, v := range y {
		if v > 0 {
			d += v * math.Log(v/mu[i])
		}
		d -= v - mu[i]
	}
	return 2 * d
}

// pooledFit is the pooled model fitted on the history weeks.
//
// The model is log E[y_ut] = a_u + x_t'b with unit intercepts a_u and shared
// coefficients b (trend and season). Because x_t is the same for every unit,
// the profile likelihood of b after maximising over the a_u is, up to a
// constant, the Poisson likelihood of the city totals C_t = Σ_u y_ut with a
// single intercept: the score equations of both are Σ_t (C_t - Y g_t) x_t = 0
// with g_t = exp(x_t'b) / Σ_s exp(x_s'b) (this is the Poisson–multinomial
// equivalence, e.g. Agresti, Categorical Data Analysis, 3rd ed., 2013,
// §7.2.5; Cameron & Trivedi, Regression Analysis of Count Data, 2nd ed.,
// 2013, §9.3 on the Poisson fixed-effects estimator). So b is fitted by IRLS
// on T rows rather than U x T, and the unit intercepts then have the closed
// form
//
//	exp(a_u) = Y_u / Σ_t exp(x_t'b),   i.e.  mu_ut = Y_u g_t,
//
// which is exactly the fixed point of alternating the unit and shared updates.
// TestPooledMatchesDummyGLM checks this against the full dummy-variable fit.
type pooledFit struct {
	design design
	beta   []float64 // shared coefficients, beta[0] the intercept of the city totals
	first  int       // absolute index of the first history week
	city   []float64 // fitted city totals exp(x_t'beta) over the history weeks
	total  float64   // Y = Σ_t C_t over the history (= Σ city by the likelihood equations)
	iter   int
}

// fitPooled fits the pooled model to the city totals c of n = len(c) history
// weeks starting at absolute week index first.
func fitPooled(c []float64, first int) (*pooledFit, error) {
	n := len(c)
	d := design{t0: first + n - 1, k: harmonics(n)}
	x := d.matrix(first, n)
	beta, mu, iter, err := poissonIRLS(x, c)
	if err != nil {
		return nil, err
	}
	var total float64
	for _, v := range c {
		total += v
	}
	return &pooledFit{design: d, beta: beta, first: first, city: mu, total: total, iter: iter}, nil
}

// cityMean returns the fitted (or extrapolated) city total of week t.
func (f *pooledFit) cityMean(t int) float64 { return f.design.mean(f.beta, t) }

// blockDispersion estimates the negative-binomial dispersion phi (Var = M +
// phi M²) of w-week totals of one unit, by the Pearson method of moments:
// phi solves
//
//	Σ_{u,b} (Y_ub - M_ub)² / (M_ub + phi M_ub²) = n - p,
//
// the estimator of Breslow (1984, Appl Stat 33:38–44) and of MASS::theta.mm
// (Venables & Ripley, Modern Applied Statistics with S, 4th ed., 2002, §7.4).
// Y_ub is the count of unit u in the b-th block of w history weeks counted back
// from the end of the history (a leftover partial block at the start is
// dropped), M_ub = Y_u Σ_{t in b} g_t its fitted mean, n the number of blocks
// of units with cases and p their number of unit intercepts plus the shared
// coefficients. Estimating on w-week totals, the aggregation the window test
// uses, lets phi carry week-to-week correlation within a unit that a weekly
// dispersion would miss. Units without history cases have M = 0 and add
// nothing. phi = 0 (Poisson) when the Pearson statistic is already below its
// degrees of freedom.
//
// rows are the units' history counts, share[t] = g_t the fitted share of
// history week t (summing to 1); nShared is the number of shared coefficients.
func blockDispersion(rows [][]float64, share []float64, w, nShared int) (phi float64, err error) {
	n := len(share)
	nb := n / w
	if nb < 2 {
		return 0, fmt.Errorf("analysis: %d history weeks hold fewer than 2 blocks of %d weeks", n, w)
	}
	first := n - nb*w
	gb := make([]float64, nb)
	for b := range gb {
		for t := first + b*w; t < first+(b+1)*w; t++ {
			gb[b] += share[t]
		}
	}
	type cell struct{ r2, m float64 }
	cells := make([]cell, 0, len(rows)*nb)
	units := 0
	for _, y := range rows {
		var yu float64
		for _, v := range y {
			yu += v
		}
		if yu <= 0 {
			continue
		}
		units++
		for b := 0; b < nb; b++ {
			var yb float64
			for t := first + b*w; t < first+(b+1)*w; t++ {
				yb += y[t]
			}
			m := yu * gb[b]
			cells = append(cells, cell{(yb - m) * (yb - m), m})
		}
	}
	df := float64(len(cells) - units - (nShared - 1))
	if df <= 0 {
		return 0, fmt.Errorf("analysis: no degrees of freedom left to estimate dispersion (%d blocks, %d units)", len(cells), units)
	}
	f := func(phi float64) (v, d float64) {
		for _, c := range cells {
			if c.m <= 0 {
				continue
			}
			den := c.m + phi*c.m*c.m
			v += c.r2 / den
			d -= c.r2 * c.m * c.m / (den * den)
		}
		return v - df, d
	}
	// f is convex and decreasing in phi, so Newton's method from 0, where
	// f > 0, increases monotonically to the root without overshooting.
	v, d := f(0)
	if v <= 0 {
		return 0, nil
	}
	for i := 0; i < 200; i++ {
		if d >= 0 {
			break
		}
		next := phi - v/d
		if math.Abs(next-phi) <= 1e-10*math.Max(next, 1e-8) {
			return next, nil
		}
		phi = next
		v, d = f(phi)
		if v <= 0 {
			return phi, nil
		}
	}
	return 0, fmt.Errorf("analysis: dispersion estimate did not converge (phi = %v)", phi)
}
