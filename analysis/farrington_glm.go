package analysis

import "math"

// qpGLM fits the quasi-Poisson log-linear model of the Farrington baseline,
//
//	log mu_i = beta_{l(i)} + gamma * tc_i,
//
// one level per seasonal period l (cell-means coding of R's
// response ~ 1 + seasgroups, the same column space) and an optional time trend
// on centred time tc. It reproduces R's glm.fit step for step (start
// mu = y + 0.1, iteratively reweighted least squares, convergence when
// |dev - dev_old| / (|dev| + 0.1) < 1e-8, at most 25 iterations), because
// farringtonFlexible's outputs depend on the iterate R stops at, on the
// working weights of the last iteration (hat values, dispersion, standard
// errors) and on its convergence flag. The design is an "arrow" matrix (a
// diagonal block for the levels plus one trend column), so each normal-
// equation solve costs O(levels) instead of a dense QR.
type qpGLM struct {
	// inputs
	y, prior []float64
	level    []int
	nLevels  int
	tc       []float64 // nil: no trend

	// outputs
	beta      []float64 // nLevels level effects, then the trend if any
	mu, w     []float64 // final fitted means; working weights of the last iteration
	d, s      []float64 // arrow matrix of the last iteration: diag and trend column
	c         float64   // trend-trend entry
	schur     float64   // c - Σ s_l²/d_l
	disp      float64   // Pearson dispersion, sum(w r²)/df (not truncated at 1)
	dispPrior float64   // sum(prior r²)/df, r = (y - mu)/mu (see Farrington.detectOne)
	df        int       // residual degrees of freedom
	converged bool

	// scratch
	eta, rl, el, et, ylogy []float64
	zero                   []bool // level without a case (zeroLevelShortcut)
	prevBeta               []float64
}

// deviance is the (prior-weighted) Poisson deviance of the current means.
func (g *qpGLM) deviance() float64 {
	var dev float64
	for i := range g.y {
		dev += 2 * g.prior[i] * (g.ylogy[i] - g.y[i]*g.eta[i] - g.y[i] + g.mu[i])
	}
	return dev
}

// fastForward skips IRLS iterations whose only effect is to lower the
// levels without a case. For such a level the working response is
// z = eta - 1, so each iteration lowers its coefficient by 1 (its mean by a
// factor e) while the other coefficients, once converged, stay where they
// are (the zero levels' weights, proportional to their means, vanish). R's
// loop goes on until the deviance, whose zero-level part 2 Σ mu shrinks by
// e each time, changes by less than 1e-8 relative: on sparse series that is
// 20+ iterations of full passes. When the other coefficients (and the
// trend) have moved by less than 1e-9 in the last iteration, fastForward
// predicts the iteration at which R stops (or the iteration cap), lowers the
// zero levels by the skipped number of iterations and returns it; the loop
// then runs the last two iterations for real, so the convergence decision,
// the final working weights and all outputs come from genuine iterations.
// It returns 0 when it does not apply.
func (g *qpGLM) fastForward(iter int, dev, tmin float64) int {
	L := g.nLevels
	for l := 0; l < L; l++ {
		if !g.zero[l] && math.Abs(g.beta[l]-g.prevBeta[l]) > 1e-9*(1+math.Abs(g.beta[l])) {
			return 0
		}
	}
	if g.tc != nil && math.Abs(g.beta[L]-g.prevBeta[L]) > 1e-9*(1+math.Abs(g.beta[L])) {
		return 0
	}
	var devZ float64
	for i, l := range g.level {
		if g.zero[l] {
			devZ += 2 * g.prior[i] * g.mu[i]
		}
	}
	devNZ := dev - devZ
	stop := glmMaxIter - 1
	prev := dev
	for j := iter + 1; j < glmMaxIter; j++ {
		devZ /= math.E
		d := devNZ + devZ
		if math.Abs(d-prev)/(math.Abs(d)+0.1) < glmEpsilon {
			stop = j
			break
		}
		prev = d
	}
	k := stop - 2 - iter
	if k <= 0 {
		return 0
	}
	shift := float64(k)
	for l := 0; l < L; l++ {
		if g.zero[l] {
			g.beta[l] -= shift
			g.el[l] = math.Exp(g.beta[l])
		}
	}
	for i, l := range g.level {
		if !g.zero[l] {
			continue
		}
		eta, mu := g.beta[l], g.el[l]
		if g.tc != nil {
			t := g.tc[i]
			eta += g.beta[L] * t
			mu *= g.et[int(t-tmin)]
		}
		g.eta[i], g.mu[i] = eta, mu
	}
	return k
}

const (
	glmEpsilon = 1e-8
	glmMaxIter = 25
)

// fit runs IRLS; it returns false when the fit breaks down numerically (a
// level or the trend not estimable, non-finite deviance), which callers treat
// like R's non-convergence.
//
// For speed no logarithm is taken inside the loop: the deviance term
// y log(y/mu) is y log y - y eta with y log y computed once, and mu =
// exp(beta_l) exp(gamma t) is built from one exponential per level and a
// table of exp(gamma t) over the integer times (relative rounding ~1e-14).
func (g *qpGLM) fit() bool {
	n := len(g.y)
	L := g.nLevels
	p := L
	if g.tc != nil {
		p++
	}
	g.beta = resize(g.beta, p)
	g.mu = resize(g.mu, n)
	g.eta = resize(g.eta, n)
	g.w = resize(g.w, n)
	g.d = resize(g.d, L)
	g.s = resize(g.s, L)
	g.rl = resize(g.rl, L)
	g.el = resize(g.el, L)
	rl := g.rl
	if len(g.ylogy) != n {
		g.ylogy = resize(g.ylogy, n)
		for i, y := range g.y {
			if y > 0 {
				g.ylogy[i] = y * math.Log(y)
			} else {
				g.ylogy[i] = 0
			}
		}
	}
	var tmin, tmax float64
	if g.tc != nil {
		tmin, tmax = g.tc[0], g.tc[0]
		for _, t := range g.tc {
			tmin, tmax = math.Min(tmin, t), math.Max(tmax, t)
		}
		g.et = resize(g.et, int(tmax-tmin)+1)
	}
	// Levels without a case: IRLS lowers their mean by a factor e per
	// iteration and nothing else; see fastForward.
	g.zero = g.zero[:0]
	nZero := 0
	if zeroLevelShortcut {
		for l := 0; l < L; l++ {
			g.zero = append(g.zero, true)
		}
		for i, y := range g.y {
			if y != 0 {
				g.zero[g.level[i]] = false
			}
		}
		for _, z := range g.zero {
			if z {
				nZero++
			}
		}
		g.prevBeta = resize(g.prevBeta, p)
	}
	var dev, devOld float64
	for i := 0; i < n; i++ {
		g.mu[i] = g.y[i] + 0.1
		g.eta[i] = math.Log(g.mu[i])
		devOld += 2 * g.prior[i] * (g.ylogy[i] - g.y[i]*g.eta[i] - g.y[i] + g.mu[i])
	}
	g.converged = false
	for iter := 0; iter < glmMaxIter; iter++ {
		for l := 0; l < L; l++ {
			g.d[l], g.s[l], rl[l] = 0, 0, 0
		}
		var c, rt float64
		for i := 0; i < n; i++ {
			mu := g.mu[i]
			z := g.eta[i] + (g.y[i]-mu)/mu
			w := g.prior[i] * mu
			g.w[i] = w
			l := g.level[i]
			g.d[l] += w
			rl[l] += w * z
			if g.tc != nil {
				t := g.tc[i]
				g.s[l] += w * t
				c += w * t * t
				rt += w * t * z
			}
		}
		for l := 0; l < L; l++ {
			if !(g.d[l] > 0) {
				return false
			}
		}
		var gamma float64
		if g.tc != nil {
			schur, num := c, rt
			for l := 0; l < L; l++ {
				schur -= g.s[l] * g.s[l] / g.d[l]
				num -= g.s[l] * rl[l] / g.d[l]
			}
			if !(schur > 1e-11*c) {
				return false // trend aliased with the levels
			}
			gamma = num / schur
			g.c, g.schur = c, schur
			g.beta[L] = gamma
			e := math.Exp(gamma * tmin)
			r := math.Exp(gamma)
			for j := range g.et {
				if j%32 == 0 {
					e = math.Exp(gamma * (tmin + float64(j))) // bound the drift
				}
				g.et[j] = e
				e *= r
			}
		}
		for l := 0; l < L; l++ {
			g.beta[l] = (rl[l] - g.s[l]*gamma) / g.d[l]
			g.el[l] = math.Exp(g.beta[l])
		}
		dev = 0
		for i := 0; i < n; i++ {
			l := g.level[i]
			eta, mu := g.beta[l], g.el[l]
			if g.tc != nil {
				t := g.tc[i]
				eta += gamma * t
				mu *= g.et[int(t-tmin)]
			}
			g.eta[i], g.mu[i] = eta, mu
			dev += 2 * g.prior[i] * (g.ylogy[i] - g.y[i]*eta - g.y[i] + mu)
		}
		if math.IsNaN(dev) || math.IsInf(dev, 0) {
			return false
		}
		if math.Abs(dev-devOld)/(math.Abs(dev)+0.1) < glmEpsilon {
			g.converged = true
			break
		}
		devOld = dev
		if nZero > 0 && nZero < L && iter >= 1 {
			if k := g.fastForward(iter, dev, tmin); k > 0 {
				iter += k
				devOld = g.deviance()
			}
		}
		if nZero > 0 {
			copy(g.prevBeta, g.beta)
		}
	}
	var pearson, pearsonPrior float64
	nPos := 0
	for i := 0; i < n; i++ {
		if g.prior[i] > 0 {
			nPos++
			r := (g.y[i] - g.mu[i]) / g.mu[i]
			pearson += g.w[i] * r * r
			pearsonPrior += g.prior[i] * r * r
		}
	}
	g.df = nPos - p
	if g.df > 0 {
		g.disp = pearson / float64(g.df)
		g.dispPrior = pearsonPrior / float64(g.df)
	} else {
		g.disp, g.dispPrior = math.NaN(), math.NaN()
	}
	return true
}

// xInvX returns x'(X'WX)^{-1}x for x the design row of level l at centred
// time t (t ignored without trend), from the arrow matrix of the last
// iteration.
func (g *qpGLM) xInvX(l int, t float64) float64 {
	q := 1 / g.d[l]
	if g.tc == nil {
		return q
	}
	// inverse of the arrow matrix: inv_TT = 1/S, inv_lT = -s_l/(d_l S),
	// inv_ll = 1/d_l + s_l²/(d_l² S), S the Schur complement.
	a := g.s[l] / g.d[l]
	return q + (a*a-2*t*a+t*t)/g.schur
}

// hat returns the hat value of observation i (R's hatvalues for a glm).
func (g *qpGLM) hat(i int) float64 {
	t := 0.0
	if g.tc != nil {
		t = g.tc[i]
	}
	return g.w[i] * g.xInvX(g.level[i], t)
}

func resize(x []float64, n int) []float64 {
	if cap(x) >= n {
		return x[:n]
	}
	return make([]float64, n)
}

// zeroLevelShortcut enables the fast-forward of qpGLM.fit over IRLS
// iterations that only shrink the means of all-zero levels (tests switch it
// off to compare with the step-by-step loop).
var zeroLevelShortcut = true
