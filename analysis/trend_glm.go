package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Family is the count distribution of a GLM trend.
type Family int

const (
	// Poisson counts: Var = mu.
	Poisson Family = iota
	// NegBin counts: Var = mu + mu²/theta, theta estimated by maximum likelihood.
	NegBin
)

// String names the family as R does.
func (f Family) String() string {
	if f == NegBin {
		return "negbin"
	}
	return "poisson"
}

// GLMTrendResult is the log-linear trend of a count series.
type GLMTrendResult struct {
	Family       Family
	Intercept    float64 // log mean at t = 0
	Slope        float64 // change of the log mean per unit of t
	SE           float64 // standard error of Slope (inverse Fisher information)
	Lower, Upper float64 // Wald confidence limits of Slope
	Z, P         float64 // Wald z = Slope/SE and its two-sided p-value
	Theta        float64 // negative-binomial size; +Inf for Poisson
	Iter         int     // IRLS iterations (last fit)
}

// RateRatio returns exp(Slope) and its confidence limits: the factor by which
// the expected count changes per unit of t.
func (r GLMTrendResult) RateRatio() (rr, lower, upper float64) {
	return math.Exp(r.Slope), math.Exp(r.Lower), math.Exp(r.Upper)
}

// GLMTrend fits log E[y_i] = a + b t_i to the counts y (nil t means 1..n) and
// returns b with a Wald confidence interval at level conf:
// b ± z_{1-α/2} SE(b), SE from the inverse of the Fisher information
// X'WX at the estimate (McCullagh & Nelder 1989, §2.5). This is R's
// confint.default on glm(y ~ t, family = poisson) or MASS::glm.nb(y ~ t).
//
// Poisson is fitted with the package's IRLS (poissonIRLS, W = diag(mu)). For
// the negative binomial, as MASS::glm.nb (Venables & Ripley 2002, §7.4), the
// fit alternates IRLS at fixed theta (W = diag(mu / (1 + mu/theta))) with the
// maximum-likelihood theta given the means (Newton's method on the score
// Σ ψ(θ+y) - ψ(θ) + log θ + 1 - log(θ+μ) - (y+θ)/(θ+μ)), starting from the
// Poisson fit and theta = n / Σ (y/μ - 1)², until the log-likelihood changes
// by less than 1e-10. A series without overdispersion drives theta to
// infinity; it is capped at 1e8 (the fit is then Poisson for all purposes).
//
// y must be non-negative counts (NaN skipped), not all zero, at two or more
// distinct times.
//
// References: McCullagh P, Nelder JA (1989). Generalized Linear Models, 2nd ed.
// Chapman & Hall. Venables WN, Ripley BD (2002). Modern Applied Statistics
// with S, 4th ed. Springer.
func GLMTrend(t, y []float64, family Family, conf float64) (GLMTrendResult, error) {
	if t == nil {
		t = make([]float64, len(y))
		for i := range t {
			t[i] = float64(i + 1)
		}
	}
	if len(t) != len(y) {
		return GLMTrendResult{}, errors.New("analysis: GLM trend: t and y differ in length")
	}
	if !(conf > 0 && conf < 1) {
		return GLMTrendResult{}, errors.New("analysis: GLM trend: confidence level must be in (0, 1)")
	}
	var tt, yy []float64
	for i, v := range y {
		if math.IsNaN(v) || math.IsNaN(t[i]) {
			continue
		}
		if v < 0 || math.IsInf(v, 0) || math.IsInf(t[i], 0) {
			return GLMTrendResult{}, fmt.Errorf("analysis: GLM trend: value %v at t = %v is not a count", v, t[i])
		}
		tt = append(tt, t[i])
		yy = append(yy, v)
	}
	n := len(yy)
	x := mat.NewDense(max(n, 1), 2, nil)
	distinct := false
	for i := range tt {
		x.Set(i, 0, 1)
		x.Set(i, 1, tt[i])
		distinct = distinct || tt[i] != tt[0]
	}
	if n < 3 || !distinct {
		return GLMTrendResult{}, errors.New("analysis: GLM trend needs at least 3 counts at two or more times")
	}
	beta, mu, iter, err := poissonIRLS(x, yy)
	if err != nil {
		return GLMTrendResult{}, err
	}
	theta := math.Inf(1)
	if family == NegBin {
		var d float64
		for i, v := range yy {
			r := v/mu[i] - 1
			d += r * r
		}
		theta = math.Min(float64(n)/d, maxTheta)
		ll := nbLogLik(yy, mu, theta)
		for outer := 0; outer < 100; outer++ {
			theta, err = thetaML(yy, mu, theta)
			if err != nil {
				return GLMTrendResult{}, err
			}
			beta, mu, iter, err = nbIRLS(tt, yy, beta, theta)
			if err != nil {
				return GLMTrendResult{}, err
			}
			old := ll
			ll = nbLogLik(yy, mu, theta)
			if math.Abs(ll-old) <= 1e-10*(math.Abs(ll)+1) {
				break
			}
		}
	}
	// Fisher information X'WX for the two coefficients.
	var a, b, c float64
	for i, m := range mu {
		w := m
		if !math.IsInf(theta, 1) {
			w = m / (1 + m/theta)
		}
		a += w
		b += w * tt[i]
		c += w * tt[i] * tt[i]
	}
	det := a*c - b*b
	if !(det > 0) {
		return GLMTrendResult{}, errors.New("analysis: GLM trend: singular information matrix")
	}
	r := GLMTrendResult{Family: family, Intercept: beta[0], Slope: beta[1], SE: math.Sqrt(a / det), Theta: theta, Iter: iter}
	q := distuv.UnitNormal.Quantile(1 - (1-conf)/2)
	r.Lower, r.Upper = r.Slope-q*r.SE, r.Slope+q*r.SE
	r.Z = r.Slope / r.SE
	r.P = normalTwoSided(r.Z)
	return r, nil
}

// maxTheta caps the negative-binomial size of an equidispersed series.
const maxTheta = 1e8

// nbIRLS fits log mu = b0 + b1 t to y with negative-binomial weights at fixed
// theta, from the coefficients start. Two coefficients: each step solves the
// 2 x 2 weighted normal equations directly.
func nbIRLS(t, y, start []float64, theta float64) (beta, mu []float64, iter int, err error) {
	n := len(y)
	b0, b1 := start[0], start[1]
	mu = make([]float64, n)
	for i := range mu {
		mu[i] = math.Exp(b0 + b1*t[i])
	}
	ll := nbLogLik(y, mu, theta)
	for iter = 1; iter <= 100; iter++ {
		var a, b, c, r0, r1 float64
		for i, m := range mu {
			w := m / (1 + m/theta)
			z := b0 + b1*t[i] + (y[i]-m)/m
			a += w
			b += w * t[i]
			c += w * t[i] * t[i]
			r0 += w * z
			r1 += w * z * t[i]
		}
		det := a*c - b*b
		if !(det > 0) {
			return nil, nil, iter, errors.New("analysis: negative-binomial IRLS: singular design")
		}
		b0, b1 = (c*r0-b*r1)/det, (a*r1-b*r0)/det
		for i := range mu {
			mu[i] = math.Exp(b0 + b1*t[i])
			if mu[i] == 0 || math.IsInf(mu[i], 0) {
				return nil, nil, iter, fmt.Errorf("analysis: negative-binomial IRLS: fitted mean %v", mu[i])
			}
		}
		old := ll
		ll = nbLogLik(y, mu, theta)
		if math.Abs(ll-old) <= 1e-12*(math.Abs(ll)+0.1) {
			return []float64{b0, b1}, mu, iter, nil
		}
	}
	return nil, nil, iter, errors.New("analysis: negative-binomial IRLS did not converge")
}

// nbLogLik is the negative-binomial log-likelihood Σ log Γ(θ+y) - log Γ(θ) -
// log y! + θ log(θ/(θ+μ)) + y log(μ/(θ+μ)).
func nbLogLik(y, mu []float64, theta float64) float64 {
	var ll float64
	for i, v := range y {
		lg1, _ := math.Lgamma(theta + v)
		lg2, _ := math.Lgamma(theta)
		lg3, _ := math.Lgamma(v + 1)
		ll += lg1 - lg2 - lg3 + theta*math.Log(theta/(theta+mu[i])) + v*math.Log(mu[i]/(theta+mu[i]))
	}
	return ll
}

// thetaML returns the maximum-likelihood negative-binomial size given the
// means mu, by Newton's method from theta (MASS::theta.ml).
func thetaML(y, mu []float64, theta float64) (float64, error) {
	for i := 0; i < 100; i++ {
		var score, info float64
		for k, v := range y {
			m := mu[k]
			score += mathext.Digamma(theta+v) - mathext.Digamma(theta) + math.Log(theta) + 1 - math.Log(theta+m) - (v+theta)/(theta+m)
			info += -trigamma(theta+v) + trigamma(theta) - 1/theta + 2/(m+theta) - (v+theta)/((m+theta)*(m+theta))
		}
		if info <= 0 || math.IsNaN(info) {
			// Not concave here (typically no overdispersion): move up.
			if score > 0 {
				theta *= 2
				if theta >= maxTheta {
					return maxTheta, nil
				}
				continue
			}
			return theta, errors.New("analysis: theta.ml: information not positive")
		}
		step := score / info
		next := theta + step
		if next <= 0 {
			next = theta / 2
		}
		if next >= maxTheta {
			return maxTheta, nil
		}
		if math.Abs(next-theta) <= 1e-12*theta {
			return next, nil
		}
		theta = next
	}
	return theta, nil
}

// trigamma returns ψ'(x) for x > 0: the recurrence ψ'(x) = ψ'(x+1) + 1/x² up
// to x >= 6, then the asymptotic series 1/x + 1/(2x²) + 1/(6x³) - 1/(30x⁵) +
// 1/(42x⁷) - 1/(30x⁹) (Abramowitz & Stegun 6.4.12), accurate to about 1e-12
// there.
func trigamma(x float64) float64 {
	var acc float64
	for x < 6 {
		acc += 1 / (x * x)
		x++
	}
	x2 := 1 / (x * x)
	return acc + 1/x + x2/2 + (1/x)*x2*(1.0/6-x2*(1.0/30-x2*(1.0/42-x2/30)))
}
