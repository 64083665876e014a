package analysis

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
)

// The in-control model of GLRNB: R's glm.fit for the log link with the
// Poisson or a fixed-theta negative-binomial family, and MASS::glm.nb, step
// for step (start values, the clamp of the mean at 2.2e-16, step halving,
// convergence rules, the order of the theta and mean updates), because the
// chart's statistic depends on the exact mu0 and alpha R ends up with.

const dblEps = 2.220446049250313e-16

// linkinvLog is R's make.link("log")$linkinv (also its mu.eta).
func linkinvLog(eta float64) float64 { return math.Max(math.Exp(eta), dblEps) }

type glmFit struct {
	beta      []float64
	mu        []float64
	dfResid   int
	converged bool
}

// devResid is the deviance contribution of one observation: Poisson when
// theta is +Inf, the negative binomial with size theta otherwise.
func devResid(y, mu, theta float64) float64 {
	if math.IsInf(theta, 1) {
		if y > 0 {
			return 2 * (y*math.Log(y/mu) - (y - mu))
		}
		return 2 * mu
	}
	return 2 * (y*math.Log(math.Max(1, y)/mu) - (y+theta)*math.Log((y+theta)/(mu+theta)))
}

// glmLogR is glm.fit(x, y, family = poisson() or negative.binomial(theta),
// etastart) with glm.control() defaults (epsilon 1e-8, maxit 25). x is n x p
// row-major. etastart nil means R's family initialisation (mustart = y + 0.1
// for the Poisson, y + (y == 0)/6 for the negative binomial).
func glmLogR(x []float64, p int, y, etastart []float64, theta float64) (*glmFit, error) {
	n := len(y)
	if n < p {
		return nil, errors.New("glm: fewer observations than coefficients")
	}
	pois := math.IsInf(theta, 1)
	eta := make([]float64, n)
	mu := make([]float64, n)
	for i, v := range y {
		if etastart != nil {
			eta[i] = etastart[i]
		} else if pois {
			eta[i] = math.Log(v + 0.1)
		} else {
			st := v
			if v == 0 {
				st = 1.0 / 6
			}
			eta[i] = math.Log(st)
		}
		mu[i] = linkinvLog(eta[i])
	}
	dev := func() float64 {
		var d float64
		for i, v := range y {
			d += devResid(v, mu[i], theta)
		}
		return d
	}
	setEta := func(beta []float64) {
		for i := 0; i < n; i++ {
			r := x[i*p : (i+1)*p]
			var e float64
			for j, v := range r {
				e += v * beta[j]
			}
			eta[i] = e
			mu[i] = linkinvLog(e)
		}
	}
	devold := dev()
	xw := mat.NewDense(n, p, nil)
	zw := mat.NewVecDense(n, nil)
	bv := mat.NewVecDense(p, nil)
	start := make([]float64, p)
	var coefold []float64
	var qr mat.QR
	conv := false
	for iter := 1; iter <= glmMaxIter; iter++ {
		for i := 0; i < n; i++ {
			me := math.Max(math.Exp(eta[i]), dblEps)
			v := mu[i]
			if !pois {
				v += mu[i] * mu[i] / theta
			}
			w := math.Sqrt(me * me / v)
			z := eta[i] + (y[i]-mu[i])/me
			row := xw.RawRowView(i)
			for j := 0; j < p; j++ {
				row[j] = w * x[i*p+j]
			}
			zw.SetVec(i, w*z)
		}
		qr.Factorize(xw)
		if err := qr.SolveVecTo(bv, false, zw); err != nil {
			return nil, errors.New("glm: singular weighted design")
		}
		for j := 0; j < p; j++ {
			start[j] = bv.AtVec(j)
			if math.IsNaN(start[j]) || math.IsInf(start[j], 0) {
				return nil, errors.New("glm: non-finite coefficients")
			}
		}
		setEta(start)
		d := dev()
		if math.IsNaN(d) || math.IsInf(d, 0) {
			if coefold == nil {
				return nil, errors.New("glm: no valid set of coefficients has been found")
			}
			for ii := 1; math.IsNaN(d) || math.IsInf(d, 0); ii++ {
				if ii > glmMaxIter {
					return nil, errors.New("glm: inner loop 1; cannot correct step size")
				}
				for j := range start {
					start[j] = (start[j] + coefold[j]) / 2
				}
				setEta(start)
				d = dev()
			}
		}
		if pois {
			// validmu: finite and positive (always positive after the clamp).
			for ii := 1; ; ii++ {
				ok := true
				for _, m := range mu {
					if math.IsInf(m, 0) {
						ok = false
						break
					}
				}
				if ok {
					break
				}
				if coefold == nil || ii > glmMaxIter {
					return nil, errors.New("glm: no valid set of coefficients has been found")
				}
				for j := range start {
					start[j] = (start[j] + coefold[j]) / 2
				}
				setEta(start)
				d = dev()
			}
		}
		if math.Abs(d-devold)/(math.Abs(d)+0.1) < glmEpsilon {
			conv = true
			break
		}
		devold = d
		coefold = append(coefold[:0], start...)
	}
	return &glmFit{beta: append([]float64(nil), start...), mu: append([]float64(nil), mu...), dfResid: n - p, converged: conv}, nil
}

// thetaMLR is MASS::theta.ml(y, mu, n, limit = 25) (eps = 2.2e-16^0.25).
func thetaMLR(y, mu []float64, limit int) float64 {
	n := float64(len(y))
	var s float64
	for i, v := range y {
		r := v/mu[i] - 1
		s += r * r
	}
	t0 := n / s
	eps := math.Pow(dblEps, 0.25)
	del := 1.0
	for it := 1; it < limit && math.Abs(del) > eps; it++ {
		t0 = math.Abs(t0)
		var score, info float64
		dg0, tg0, lt0 := mathext.Digamma(t0), trigamma(t0), math.Log(t0)
		for i, v := range y {
			m := mu[i]
			// digamma(t0+v) - digamma(t0) and trigamma(t0) - trigamma(t0+v):
			// finite sums for small integer counts (most of them).
			var dd, dt float64
			if v == math.Trunc(v) && v < 64 {
				for j := 0.0; j < v; j++ {
					r := 1 / (t0 + j)
					dd += r
					dt += r * r
				}
			} else {
				dd = mathext.Digamma(t0+v) - dg0
				dt = tg0 - trigamma(t0+v)
			}
			score += dd + lt0 + 1 - math.Log(t0+m) - (v+t0)/(m+t0)
			info += dt - 1/t0 + 2/(m+t0) - (v+t0)/((m+t0)*(m+t0))
		}
		del = score / info
		t0 += del
	}
	if t0 < 0 {
		t0 = 0
	}
	return t0
}

// nbLoglikR is glm.nb's loglik(n, th, mu, y, w) with unit weights.
func nbLoglikR(th float64, mu, y []float64) float64 {
	var s float64
	for i, v := range y {
		a, _ := math.Lgamma(th + v)
		b, _ := math.Lgamma(th)
		c, _ := math.Lgamma(v + 1)
		m := mu[i]
		if v == 0 {
			m++
		}
		s += a - b - c + th*math.Log(th) + v*math.Log(m) - (th+v)*math.Log(th+mu[i])
	}
	return s
}

// glmNB is MASS::glm.nb(y ~ x) with default control: a Poisson fit, then
// alternating theta.ml (on the previous means) and glm.fit at fixed theta
// until |Lm0 - Lm|/d1 + |del|/d2 <= 1e-8 (at most 25 alternations).
func glmNB(x []float64, p int, y []float64) (*glmFit, float64, error) {
	fit, err := glmLogR(x, p, y, nil, math.Inf(1))
	if err != nil {
		return nil, 0, err
	}
	mu := fit.mu
	th := thetaMLR(y, mu, glmMaxIter)
	d1 := math.Sqrt(2 * math.Max(1, float64(fit.dfResid)))
	d2, del := 1.0, 1.0
	lm := nbLoglikR(th, mu, y)
	lm0 := lm + 2*d1
	eta := make([]float64, len(y))
	for iter := 1; iter <= glmMaxIter && math.Abs(lm0-lm)/d1+math.Abs(del)/d2 > glmEpsilon; iter++ {
		for i, m := range mu {
			eta[i] = math.Log(m)
		}
		fit, err = glmLogR(x, p, y, eta, th)
		if err != nil {
			return nil, 0, err
		}
		t0 := th
		th = thetaMLR(y, mu, glmMaxIter)
		mu = fit.mu
		del = t0 - th
		lm0 = lm
		lm = nbLoglikR(th, mu, y)
	}
	return fit, th, nil
}
