package scorecard

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Funnel plots for proportions, after Spiegelhalter D.J. (2005) "Funnel plots
// for comparing institutional performance", Stat Med 24:1185–1202, and
// Spiegelhalter D.J. (2005) "Handling over-dispersion of performance
// indicators", Qual Saf Health Care 14:347–351.
//
// Unit i has y_i = r_i / n_i (r_i events out of n_i). The target p0 is the
// pooled city value Σr / Σn. Under the null hypothesis r_i ~ Bin(n_i, p0),
// and a control limit at tail probability p is
//
//	exact (§A.1.1):  r_p = smallest r with F(r) ≥ p, F the Bin(n, p0) CDF;
//	                 α = (F(r_p) − p) / (F(r_p) − F(r_p − 1));
//	                 y_p = (r_p − α) / n   (interpolated, so the funnel is smooth);
//	normal (§A.1):   y_p = p0 + z_p √(φ p0 (1 − p0) / n).
//
// Two-sided 95% limits use p = 0.025, 0.975 (z = ±1.960); 99.8% limits use
// p = 0.001, 0.999 (z = ±3.090).
//
// Over-dispersion (§6; QSHC 2005): z_i = (y_i − p0) / √(p0(1 − p0)/n_i),
// winsorised at 10% in each tail (the ⌊0.1·I⌋ most extreme z at each end
// replaced by the next value inward), φ̂ = (1/I) Σ z_i². Under the null I·φ̂
// is approximately χ² with I − 1 degrees of freedom (p0 is estimated); the
// limits are widened by √φ̂ (normal form) only when I·φ̂ exceeds the upper 5%
// point of that χ², as the paper recommends adjusting only when the data call
// for it.

// LimitMethod chooses how limits are computed without over-dispersion.
type LimitMethod int

const (
	Exact  LimitMethod = iota // interpolated binomial quantiles (§A.1.1)
	Normal                    // normal approximation (§A.1)
)

// Dispersion chooses when the over-dispersion adjustment applies.
type Dispersion int

const (
	DispersionAuto   Dispersion = iota // when the χ² test at 5% says so
	DispersionNever                    // plain binomial limits
	DispersionAlways                   // whenever φ̂ > 1
)

// Point is one unit (or team) on a funnel: Events out of N.
type Point struct {
	ID     string
	Events int
	N      int
}

// Funnel holds the fitted target and dispersion of one indicator.
type Funnel struct {
	Target   float64     // p0, pooled over the points with N > 0
	Phi      float64     // winsorised dispersion estimate φ̂ (1 when not computable)
	Adjusted bool        // limits widened by √φ̂
	Method   LimitMethod // form used when not Adjusted
	Units    int         // points with N > 0
	Events   int         // Σ r
	Total    int         // Σ n
	ChiSqP   float64     // upper-tail p-value of I·φ̂ on χ²(I − 1); NaN when I < 2
}

// Limits are the control limits at one denominator.
type Limits struct {
	N                  int
	Lower95, Upper95   float64
	Lower998, Upper998 float64
}

// winsorFraction is the share winsorised in each tail (Spiegelhalter 2005 §6).
const winsorFraction = 0.1

// ErrNoData is returned when no point has a positive denominator.
var ErrNoData = errors.New("scorecard: funnel: no unit with a positive denominator")

// NewFunnel fits the target and the over-dispersion of the points. Points
// with N ≤ 0 are ignored; Events outside [0, N] are an error.
func NewFunnel(points []Point, method LimitMethod, disp Dispersion) (*Funnel, error) {
	f := &Funnel{Method: method, Phi: 1, ChiSqP: math.NaN()}
	for _, p := range points {
		if p.N <= 0 {
			continue
		}
		if p.Events < 0 || p.Events > p.N {
			return nil, fmt.Errorf("scorecard: funnel: %s has %d events out of %d", p.ID, p.Events, p.N)
		}
		f.Units++
		f.Events += p.Events
		f.Total += p.N
	}
	if f.Units == 0 {
		return nil, ErrNoData
	}
	f.Target = float64(f.Events) / float64(f.Total)
	if f.Target <= 0 || f.Target >= 1 || f.Units < 2 {
		return f, nil // no variation to estimate
	}
	z := make([]float64, 0, f.Units)
	for _, p := range points {
		if p.N > 0 {
			z = append(z, f.zRaw(p))
		}
	}
	f.Phi = Phi(z)
	I := float64(len(z))
	f.ChiSqP = distuv.ChiSquared{K: I - 1}.Survival(I * f.Phi)
	switch disp {
	case DispersionAlways:
		f.Adjusted = f.Phi > 1
	case DispersionAuto:
		f.Adjusted = f.Phi > 1 && f.ChiSqP < 0.05
	}
	return f, nil
}

// Phi is the winsorised over-dispersion estimate (1/I) Σ z_w², with the
// ⌊0.1·I⌋ smallest and largest z-scores set to the nearest remaining value.
func Phi(z []float64) float64 {
	if len(z) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), z...)
	sort.Float64s(s)
	k := int(math.Floor(winsorFraction * float64(len(s))))
	lo, hi := s[k], s[len(s)-1-k]
	var sum float64
	for _, v := range s {
		v = math.Min(math.Max(v, lo), hi)
		sum += v * v
	}
	return sum / float64(len(s))
}

// zRaw is the unadjusted z-score of a point.
func (f *Funnel) zRaw(p Point) float64 {
	y := float64(p.Events) / float64(p.N)
	return (y - f.Target) / math.Sqrt(f.Target*(1-f.Target)/float64(p.N))
}

// Z is the z-score of a point against the target, divided by √φ̂ when the
// limits are adjusted; NaN when N ≤ 0 or the target is 0 or 1.
func (f *Funnel) Z(p Point) float64 {
	if p.N <= 0 || f.Target <= 0 || f.Target >= 1 {
		return math.NaN()
	}
	z := f.zRaw(p)
	if f.Adjusted {
		z /= math.Sqrt(f.Phi)
	}
	return z
}

// Quantiles of the standard normal for the two limit pairs.
var (
	z975  = distuv.UnitNormal.Quantile(0.975) // 1.959964
	z9990 = distuv.UnitNormal.Quantile(0.999) // 3.090232
)

// LimitsAt returns the four control limits for denominator n (n ≥ 1).
func (f *Funnel) LimitsAt(n int) Limits {
	l := Limits{N: n}
	if n <= 0 {
		nan := math.NaN()
		l.Lower95, l.Upper95, l.Lower998, l.Upper998 = nan, nan, nan, nan
		return l
	}
	if f.Adjusted || f.Method == Normal {
		phi := 1.0
		if f.Adjusted {
			phi = f.Phi
		}
		se := math.Sqrt(phi * f.Target * (1 - f.Target) / float64(n))
		l.Lower95, l.Upper95 = clamp01(f.Target-z975*se), clamp01(f.Target+z975*se)
		l.Lower998, l.Upper998 = clamp01(f.Target-z9990*se), clamp01(f.Target+z9990*se)
		return l
	}
	l.Lower95 = BinomialLimit(n, f.Target, 0.025)
	l.Upper95 = BinomialLimit(n, f.Target, 0.975)
	l.Lower998 = BinomialLimit(n, f.Target, 0.001)
	l.Upper998 = BinomialLimit(n, f.Target, 0.999)
	return l
}

// BinomialLimit is the interpolated p-quantile of Bin(n, p0) divided by n
// (Spiegelhalter 2005, Appendix A.1.1), clamped to [0, 1].
func BinomialLimit(n int, p0, p float64) float64 {
	if n <= 0 {
		return math.NaN()
	}
	if p0 <= 0 {
		return 0
	}
	if p0 >= 1 {
		return 1
	}
	b := distuv.Binomial{N: float64(n), P: p0}
	cdf := func(r int) float64 {
		if r < 0 {
			return 0
		}
		if r >= n {
			return 1
		}
		return b.CDF(float64(r))
	}
	lo, hi := 0, n // smallest r in [0, n] with F(r) ≥ p
	for lo < hi {
		mid := (lo + hi) / 2
		if cdf(mid) >= p {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	r := lo
	fr, fr1 := cdf(r), cdf(r-1)
	alpha := 0.0
	if fr > fr1 {
		alpha = (fr - p) / (fr - fr1)
	}
	return clamp01((float64(r) - alpha) / float64(n))
}

func clamp01(v float64) float64 { return math.Min(1, math.Max(0, v)) }

// Level is the control limit that marks a unit out of control.
type Level int

const (
	Level998 Level = iota // 99.8% limits (p = 0.001 each side); the default
	Level95               // 95% limits
)

// Assessment places one point against its limits.
type Assessment struct {
	Point
	Rate   float64 // Events / N; NaN when N = 0
	Z      float64
	Limits Limits
	Low    bool // below the lower limit of the chosen level
	High   bool // above the upper limit of the chosen level
}

// Assess places each point against the limits at its own N. Points with
// N = 0 get NaN rate and neither flag.
func (f *Funnel) Assess(points []Point, level Level) []Assessment {
	out := make([]Assessment, len(points))
	for i, p := range points {
		a := Assessment{Point: p, Rate: math.NaN(), Z: math.NaN()}
		if p.N > 0 {
			a.Rate = float64(p.Events) / float64(p.N)
			a.Z = f.Z(p)
			a.Limits = f.LimitsAt(p.N)
			lo, hi := a.Limits.Lower998, a.Limits.Upper998
			if level == Level95 {
				lo, hi = a.Limits.Lower95, a.Limits.Upper95
			}
			a.Low = a.Rate < lo
			a.High = a.Rate > hi
		}
		out[i] = a
	}
	return out
}

// Curve returns limits at denominators spread from 1 to maxN (about steps
// points, denser where the funnel bends), for drawing.
func (f *Funnel) Curve(maxN, steps int) []Limits {
	if maxN < 1 {
		return nil
	}
	if steps < 2 {
		steps = 2
	}
	seen := map[int]bool{}
	var out []Limits
	for i := 0; i < steps; i++ {
		// Geometric spacing from 1 to maxN.
		n := int(math.Round(math.Pow(float64(maxN), float64(i)/float64(steps-1))))
		if n < 1 || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, f.LimitsAt(n))
	}
	return out
}
