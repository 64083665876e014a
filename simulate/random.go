package simulate

import (
	"math"
	"math/rand/v2"
)

// Stream constants: each use of randomness has its own PCG stream, so that
// changing one part of the model does not reshuffle the others.
const (
	streamPlan    = 0x706c616e // episodes, decoys, unit multipliers, villages
	streamCases   = 0x63617365 // case counts and attributes
	streamLabels  = 0x6c61626c // old-unit labels
	streamInvalid = 0x696e766c // which rows are damaged, and how
	streamArrive  = 0x61727276 // units' lateness and every case's arrival
	streamFormat  = 0x666d7420 // the file format of each delivery
)

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// gammaRand draws from a gamma distribution with the given shape and scale
// (Marsaglia and Tsang 2000; shape < 1 by the boost X·U^(1/shape)).
func gammaRand(r *rand.Rand, shape, scale float64) float64 {
	if shape < 1 {
		return gammaRand(r, shape+1, scale) * math.Pow(r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * scale
		}
	}
}

// poisson draws a Poisson variate: multiplication of uniforms for small means,
// the transformed rejection PTRS of Hörmann (1993) for large ones.
func poisson(r *rand.Rand, mu float64) int {
	if mu <= 0 {
		return 0
	}
	if mu < 30 {
		l := math.Exp(-mu)
		k, p := 0, r.Float64()
		for p > l {
			k++
			p *= r.Float64()
		}
		return k
	}
	slam, loglam := math.Sqrt(mu), math.Log(mu)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mu + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -mu+k*loglam-lg {
			return int(k)
		}
	}
}

// pick returns an index drawn with probability proportional to w.
func pick(r *rand.Rand, w []float64) int {
	var tot float64
	for _, x := range w {
		tot += x
	}
	u := r.Float64() * tot
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// choice is a value with a weight.
type choice[T any] struct {
	v T
	w float64
}

func draw[T any](r *rand.Rand, cs []choice[T]) T {
	var tot float64
	for _, c := range cs {
		tot += c.w
	}
	u := r.Float64() * tot
	for _, c := range cs {
		if u < c.w {
			return c.v
		}
		u -= c.w
	}
	return cs[len(cs)-1].v
}

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
