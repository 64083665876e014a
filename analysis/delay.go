package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// The delay model (issue 11). Reporting delays are right-truncated: a case
// received in week t can only have been seen with a delay d <= now-t, so the
// naive share of each delay among the cases seen so far overstates short
// delays. The reverse-time discrete hazard
//
//	g(d) = P(delay = d | delay <= d),   d = 1..D,   g(0) = 1,
//
// is estimable without bias from the cells that are observable (Kalbfleisch
// & Lawless 1991; Lawless 1994, eqs. 2.7–2.9): over the rows t of the moving
// window with t+d <= now,
//
//	n(d) = sum_t n[t][d],   N(d) = sum_t sum_{y<=d} n[t][y],   g(d) ≈ n(d)/N(d),
//
// and the delay CDF follows as F(d) = prod_{x=d+1..D} (1 - g(x)), F(D) = 1.
// In the Bayesian version of Höhle & an der Heiden (2014, Biometrics 70,
// 993–1002; R surveillance::nowcast, method "bayes.trunc") a symmetric
// Dirichlet(kappa) prior on the delay PMF gives independent Beta(kappa,
// d*kappa) priors on the g(d) (a generalised Dirichlet on the reversed
// delays) and the posterior is Beta(kappa + n(d), d*kappa + N(d) - n(d)).
// Because the g(d) are independent a posteriori, E[F(d)] = prod (1 - E g(x))
// exactly, and the uncertainty of F is sampled from the Beta posteriors.

// DelayConfig holds the settings of the delay model.
type DelayConfig struct {
	MaxDelay int     // D: delays of D weeks or more form the last class (default 26)
	Window   int     // m: rows now-m..now of the triangle estimate the hazards (default 52, as in surveillance's m)
	Kappa    float64 // concentration of the symmetric Dirichlet prior on the delay PMF (default 0.1, surveillance's gd.prior.kappa)
}

// DefaultDelayConfig returns the defaults: delays up to 26 weeks, a window of
// the last 52 received weeks, kappa 0.1.
func DefaultDelayConfig() DelayConfig { return DelayConfig{MaxDelay: 26, Window: 52, Kappa: 0.1} }

// Validate checks the settings.
func (c DelayConfig) Validate() error {
	switch {
	case c.MaxDelay < 1 || c.MaxDelay > 520:
		return fmt.Errorf("analysis: delay: max delay %d weeks, want 1..520", c.MaxDelay)
	case c.Window < 1:
		return fmt.Errorf("analysis: delay: window %d weeks, want >= 1", c.Window)
	case !(c.Kappa > 0) || math.IsInf(c.Kappa, 0):
		return fmt.Errorf("analysis: delay: kappa %v, want > 0", c.Kappa)
	}
	return nil
}

// DelayDist is the posterior of the delay distribution: independent Beta
// posteriors of the reverse-time hazards g(1..D). Index 0 of every slice is
// delay 0, whose hazard is 1 by definition and is not stored in Alpha/Beta.
type DelayDist struct {
	MaxDelay int
	NumD     []float64 // n(d): cases reported with delay d in the window's observable rows
	RiskD    []float64 // N(d): cases reported with delay <= d in the same rows
	Alpha    []float64 // Beta posterior of g(d)
	Beta     []float64
	Cases    float64 // cases in the window (the rows' totals so far), to weigh groups
	Shrunk   float64 // for a group: the prior strength (cases) its hazards were shrunk with; 0 for the pooled estimate
}

// EstimateDelay estimates the delay distribution from a triangle with the
// truncation-aware reverse-time hazards (see the comment at the top of this
// file). The window holds rows now-Window..now (surveillance's m,
// "hoehle_anderheiden2014" reading); MaxDelay must equal the triangle's.
func EstimateDelay(t *Triangle, cfg DelayConfig) (*DelayDist, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if t == nil || t.Rows() == 0 {
		return nil, fmt.Errorf("analysis: delay: empty triangle")
	}
	if t.MaxDelay != cfg.MaxDelay {
		return nil, fmt.Errorf("analysis: delay: triangle max delay %d, config %d", t.MaxDelay, cfg.MaxDelay)
	}
	D := cfg.MaxDelay
	T := t.Rows() - 1
	lo := max(0, T-cfg.Window)
	dd := &DelayDist{MaxDelay: D, NumD: make([]float64, D+1), RiskD: make([]float64, D+1),
		Alpha: make([]float64, D+1), Beta: make([]float64, D+1)}
	for r := lo; r <= T; r++ {
		dd.Cases += t.Reported(r)
		var cum float64
		for d := 0; d <= D && r+d <= T; d++ {
			cum += t.N[r][d]
			dd.NumD[d] += t.N[r][d]
			dd.RiskD[d] += cum
		}
	}
	dd.Alpha[0], dd.Beta[0] = 1, 0
	for d := 1; d <= D; d++ {
		if d > T-lo {
			// No row of the window is old enough to show delay d: the
			// Dirichlet prior alone would give it hazard 1/(1+d) and
			// spread a short history's cases uniformly over the unseen
			// delays. Nothing is known of them, so they carry no mass
			// (hazard ~0): with a history shorter than MaxDelay the
			// nowcast leaves out what arrives later than the history
			// shows. surveillance keeps the prior (and warns).
			dd.Alpha[d], dd.Beta[d] = cfg.Kappa*1e-9, 1e9
			continue
		}
		dd.Alpha[d] = cfg.Kappa + dd.NumD[d]
		dd.Beta[d] = float64(d)*cfg.Kappa + dd.RiskD[d] - dd.NumD[d]
	}
	return dd, nil
}

// Hazard returns the posterior mean of g(d), d = 0..D (g(0) = 1).
func (dd *DelayDist) Hazard() []float64 {
	g := make([]float64, dd.MaxDelay+1)
	g[0] = 1
	for d := 1; d <= dd.MaxDelay; d++ {
		g[d] = dd.Alpha[d] / (dd.Alpha[d] + dd.Beta[d])
	}
	return g
}

// CDF returns the posterior mean of F(d), d = 0..D: the expected share of a
// week's cases seen d weeks after it ended. It is exact because the hazards
// are independent a posteriori.
func (dd *DelayDist) CDF() []float64 { return cdfFromHazard(dd.Hazard()) }

// PMF returns the posterior mean of the delay probabilities, d = 0..D.
func (dd *DelayDist) PMF() []float64 {
	F := dd.CDF()
	p := make([]float64, len(F))
	for d := range F {
		p[d] = F[d]
		if d > 0 {
			p[d] -= F[d-1]
		}
	}
	return p
}

// cdfFromHazard turns reverse-time hazards into F(d) = prod_{x>d} (1-g(x)).
func cdfFromHazard(g []float64) []float64 {
	F := make([]float64, len(g))
	prod := 1.0
	for d := len(g) - 1; d >= 0; d-- {
		F[d] = prod
		prod *= 1 - g[d]
	}
	return F
}

// SampleCDF draws one delay CDF from the posterior into out (length D+1).
func (dd *DelayDist) SampleCDF(src rand.Source, out []float64) {
	if len(out) != dd.MaxDelay+1 {
		panic("analysis: SampleCDF: output length mismatch")
	}
	prod := 1.0
	for d := dd.MaxDelay; d >= 0; d-- {
		out[d] = prod
		if d == 0 {
			break
		}
		g := distuv.Beta{Alpha: dd.Alpha[d], Beta: dd.Beta[d], Src: src}.Rand()
		if math.IsNaN(g) { // both gamma draws underflowed to 0 (tiny shapes)
			g = dd.Alpha[d] / (dd.Alpha[d] + dd.Beta[d])
		}
		prod *= 1 - g
	}
}

// CDFBand returns pointwise central posterior intervals of F(d) at the given
// level from n draws of a generator seeded with seed.
func (dd *DelayDist) CDFBand(level float64, n int, seed uint64) (lower, upper []float64) {
	D := dd.MaxDelay
	if n < 2 {
		n = 2
	}
	src := rand.NewPCG(seed, seed^0x5851f42d4c957f2d)
	draws := make([][]float64, D+1)
	for d := range draws {
		draws[d] = make([]float64, n)
	}
	F := make([]float64, D+1)
	for s := 0; s < n; s++ {
		dd.SampleCDF(src, F)
		for d := range F {
			draws[d][s] = F[d]
		}
	}
	lower, upper = make([]float64, D+1), make([]float64, D+1)
	a := (1 - level) / 2
	for d := range draws {
		sort.Float64s(draws[d])
		lower[d] = draws[d][int(math.Floor(a*float64(n-1)))]
		upper[d] = draws[d][int(math.Ceil((1-a)*float64(n-1)))]
	}
	return lower, upper
}

// ShrinkDelay returns each group's delay distribution shrunk toward the
// pooled one, so that a group differs from the city only as far as its own
// cases support. For each delay d the spread of the groups' hazards beyond
// binomial noise gives the intra-class correlation rho(d) of a beta-binomial
// (moment estimator, Kleinman 1973); the pooled hazard then acts as a
// Beta(k*g, k*(1-g)) prior with k = (1-rho)/rho cases, which replaces the
// Dirichlet prior of the group's own estimate. When the groups differ no more
// than chance (rho = 0) k is capped at the pooled estimate's own case count,
// and a group's hazards are then the pooled ones to within that weight.
func ShrinkDelay(pooled *DelayDist, groups map[string]*DelayDist) (map[string]*DelayDist, error) {
	if pooled == nil {
		return nil, fmt.Errorf("analysis: shrink delay: no pooled estimate")
	}
	D := pooled.MaxDelay
	names := make([]string, 0, len(groups))
	for g, dd := range groups {
		if dd == nil || dd.MaxDelay != D {
			return nil, fmt.Errorf("analysis: shrink delay: group %q has a different max delay", g)
		}
		names = append(names, g)
	}
	sort.Strings(names)
	out := make(map[string]*DelayDist, len(groups))
	for _, g := range names {
		src := groups[g]
		c := *src
		c.Alpha = append([]float64(nil), src.Alpha...)
		c.Beta = append([]float64(nil), src.Beta...)
		out[g] = &c
	}
	gp := pooled.Hazard()
	var strength, strengthN float64
	for d := 1; d <= D; d++ {
		k := groupPriorStrength(gp[d], pooled.RiskD[d], names, groups, d)
		for _, g := range names {
			o := out[g]
			o.Alpha[d] = k*gp[d] + o.NumD[d]
			o.Beta[d] = k*(1-gp[d]) + o.RiskD[d] - o.NumD[d]
		}
		strength += k
		strengthN++
	}
	for _, g := range names {
		out[g].Shrunk = strength / math.Max(strengthN, 1)
	}
	return out, nil
}

// groupPriorStrength is the beta-binomial moment estimate of the prior
// strength k(d) = (1-rho)/rho for delay d, bounded to [1, risk] where risk is
// the pooled number of cases at risk (k above it would trust the pooled
// estimate more than its own data).
func groupPriorStrength(p, risk float64, names []string, groups map[string]*DelayDist, d int) float64 {
	hi := math.Max(risk, 1)
	var N, S, A, B float64
	var used int
	for _, g := range names {
		if n := groups[g].RiskD[d]; n > 0 {
			N += n
			used++
		}
	}
	if used < 2 || p <= 0 || p >= 1 || N <= 0 {
		return hi
	}
	for _, g := range names {
		n := groups[g].RiskD[d]
		if n <= 0 {
			continue
		}
		ph := groups[g].NumD[d] / n
		S += n * (ph - p) * (ph - p)
		A += 1 - n/N
		B += (1 - n/N) * (n - 1)
	}
	if B <= 0 {
		return hi
	}
	rho := (S/(p*(1-p)) - A) / B
	if rho <= 0 {
		return hi
	}
	if rho >= 1 {
		return 1
	}
	return math.Min(math.Max((1-rho)/rho, 1), hi)
}
