package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/canhbao/canhbao/models"
	"gonum.org/v1/gonum/stat/distuv"
)

// simSpec describes a synthetic panel shaped like Hanoi's mediation data
// (DOMAIN.md): 30–60 cases per unit and year, about 10% fewer each year, a Tết
// bump in late January/February, over-dispersed weekly counts, and unit serious
// shares around 18% (14% not settled plus flags).
type simSpec struct {
	units, weeks int
	start        models.Week
	size         float64                // weekly negative-binomial size (dispersion 1/size)
	mult         func(u, t int) float64 // extra multiplier of the mean (planted rises); nil = 1
	seriousMult  func(u, t int) float64 // extra multiplier of the serious share; nil = 1
}

// tetWeek returns the ISO week of the lunar new year's day in a year, cycling
// through the spread of real dates (late January to mid February).
func tetWeek(year int) int { return 4 + (year*11)%3 + (year*7)%2 }

// simulate draws a panel from spec with the seeded source.
func simulate(spec simSpec, seed uint64) *Panel {
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	rng := rand.New(src)
	p := &Panel{
		Units:      make([]string, spec.units),
		Population: make([]float64, spec.units),
		Start:      spec.start,
		Counts:     make([][]float64, spec.units),
		Serious:    make([][]float64, spec.units),
	}
	rates := make([]float64, spec.units)
	shares := make([]float64, spec.units)
	shareDist := distuv.Beta{Alpha: 0.18 * 30, Beta: 0.82 * 30, Src: src}
	for u := range p.Units {
		p.Units[u] = fmt.Sprintf("%05d", 1000+u)
		rates[u] = (30 + 30*rng.Float64()) * math.Exp(0.2*rng.NormFloat64()) / weeksPerYear
		if rng.Float64() > 0.1 { // 10% unknown population
			p.Population[u] = rates[u] * weeksPerYear * 1000 * math.Exp(0.3*rng.NormFloat64())
		}
		shares[u] = shareDist.Rand()
		p.Counts[u] = make([]float64, spec.weeks)
		p.Serious[u] = make([]float64, spec.weeks)
	}
	season := make([]float64, spec.weeks)
	for t := range season {
		w := spec.start.Add(t)
		d := float64(w.Num - tetWeek(w.Year))
		season[t] = (1 + 0.6*math.Exp(-0.5*d*d/1.5)) * math.Pow(0.9, float64(t)/weeksPerYear)
	}
	for u := range p.Units {
		for t := 0; t < spec.weeks; t++ {
			mu := rates[u] * season[t]
			if spec.mult != nil {
				mu *= spec.mult(u, t)
			}
			lambda := mu
			if !math.IsInf(spec.size, 1) {
				lambda *= distuv.Gamma{Alpha: spec.size, Beta: spec.size, Src: src}.Rand()
			}
			var y float64
			if lambda > 0 {
				y = distuv.Poisson{Lambda: lambda, Src: src}.Rand()
			}
			sh := shares[u]
			if spec.seriousMult != nil {
				sh = math.Min(1, sh*spec.seriousMult(u, t))
			}
			var s float64
			if y > 0 {
				s = distuv.Binomial{N: y, P: sh, Src: src}.Rand()
			}
			p.Counts[u][t], p.Serious[u][t] = y, s
		}
	}
	return p
}

// ramp is the planted rise: the mean grows linearly to `factor` times its
// level over the `span` weeks ending at column end.
func ramp(units []int, end, span int, factor float64) func(u, t int) float64 {
	in := make(map[int]bool, len(units))
	for _, u := range units {
		in[u] = true
	}
	return func(u, t int) float64 {
		if !in[u] || t > end || t <= end-span {
			return 1
		}
		k := float64(t - (end - span))
		return 1 + (factor-1)*k/float64(span)
	}
}
