package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// CUSUM is the cumulative-sum detector for counts of Rossi, Lampugnani &
// Marchi (1999) as implemented by R surveillance's algo.cusum with
// trans = "standard" (Poisson) or "pearsonNegBin" (negative binomial): with
// m_t the in-control mean, standardised counts z_t = (y_t - m_t)/sqrt(v_t),
// v_t = m_t (Poisson) or m_t + m_t²/Size (negative binomial),
//
//	S_t = max(0, S_{t-1} + z_t - K),   alarm when S_t >= H,
//
// and the upper bound is the smallest count that raises an alarm,
// m_t + sqrt(v_t)(H + K - S_{t-1}) (rounded up for Poisson, as R does).
// m_t is the mean of the periods before from (R's m = NULL) or, with
// Seasonal, the Poisson GLM log m_t = a + b cos(2πt/f) + c sin(2πt/f) fitted
// to them (R's m = "glm", t = Series.Start + index; the flat mean when that
// GLM cannot be fitted).
//
// R's cusum never resets, so one outbreak keeps S_t above H for many
// periods and floods alarms; with Reset (the default of NewCUSUM) S_t
// restarts at 0 after every alarm. Reset=false reproduces R.
type CUSUM struct {
	K, H     float64
	Seasonal bool
	// Size is the negative-binomial size; 0 means Poisson, a negative value
	// estimates it from the phase-1 periods by moments (size = m²/(s² - m),
	// Poisson when s² <= m).
	Size  float64
	Reset bool
}

// NewCUSUM returns R's defaults (k = 1.04, h = 2.26, Poisson, flat mean)
// with reset after an alarm.
func NewCUSUM() *CUSUM { return &CUSUM{K: 1.04, H: 2.26, Reset: true} }

// Name implements Detector.
func (c *CUSUM) Name() string { return "cusum" }

var _ Detector = (*CUSUM)(nil)

// Detect implements Detector; periods 0..from-1 are phase 1 (the in-control
// baseline).
func (c *CUSUM) Detect(s Series, from int) ([]Result, error) {
	if err := checkCounts(s.Counts); err != nil {
		return nil, err
	}
	if !(c.H > 0) || c.K < 0 {
		return nil, errors.New("cusum: need h > 0 and k >= 0")
	}
	if from < 2 || from > len(s.Counts) {
		return nil, fmt.Errorf("cusum: phase 1 must have at least 2 periods, got %d", from)
	}
	m, err := c.baseline(s, from)
	if err != nil {
		return nil, err
	}
	size := c.Size
	if size < 0 {
		size = momentSize(s.Counts[:from])
	}
	out := make([]Result, 0, len(s.Counts)-from)
	var st float64
	for i := from; i < len(s.Counts); i++ {
		y, mt := s.Counts[i], m[i-from]
		v := mt
		if size > 0 {
			v += mt * mt / size
		}
		sd := math.Sqrt(v)
		ub := mt + sd*(c.H+c.K-st)
		if size == 0 {
			ub = math.Ceil(ub)
		}
		if math.IsNaN(ub) || ub < 0 {
			ub = 0
		}
		st = math.Max(0, st+(y-mt)/sd-c.K)
		alarm := st >= c.H
		pv := poissonUpper(y, mt)
		if size > 0 {
			pv = negBinomUpper(y, size, 1+mt/size)
		}
		out = append(out, Result{T: i, Observed: y, Expected: mt, UpperBound: ub, Alarm: alarm,
			PValue: pv, Score: st, Mu0: math.NaN(), Phi: math.NaN()})
		if alarm && c.Reset {
			st = 0
		}
	}
	return out, nil
}

// baseline returns m_t for the periods from..n-1.
func (c *CUSUM) baseline(s Series, from int) ([]float64, error) {
	n := len(s.Counts) - from
	m := make([]float64, n)
	if !c.Seasonal {
		var sum float64
		for _, v := range s.Counts[:from] {
			sum += v
		}
		for i := range m {
			m[i] = sum / float64(from)
		}
		if sum == 0 {
			return nil, errors.New("cusum: phase-1 mean is 0")
		}
		return m, nil
	}
	f := float64(s.freq())
	start := s.Start
	if start < 1 {
		start = 1
	}
	row := func(dst []float64, i int) {
		t := float64(start + i)
		w := 2 * math.Pi / f * t
		dst[0], dst[1], dst[2] = 1, math.Cos(w), math.Sin(w)
	}
	x := mat.NewDense(from, 3, nil)
	for i := 0; i < from; i++ {
		row(x.RawRowView(i), i)
	}
	beta, err := glmPoissonR(x, s.Counts[:from])
	if err != nil {
		// Too few cases to fit a season (e.g. one case in phase 1): fall
		// back to the flat mean.
		flat := *c
		flat.Seasonal = false
		return flat.baseline(s, from)
	}
	r := make([]float64, 3)
	for i := range m {
		row(r, from+i)
		m[i] = math.Exp(r[0]*beta[0] + r[1]*beta[1] + r[2]*beta[2])
	}
	return m, nil
}

// momentSize is the method-of-moments negative-binomial size of y, 0
// (Poisson) when there is no over-dispersion.
func momentSize(y []float64) float64 {
	var m, v float64
	for _, x := range y {
		m += x
	}
	m /= float64(len(y))
	for _, x := range y {
		v += (x - m) * (x - m)
	}
	v /= float64(len(y) - 1)
	if v <= m {
		return 0
	}
	return m * m / (v - m)
}

// glmPoissonR fits a Poisson log-linear GLM the way R's glm.fit does (start
// mu = y + 0.1, IRLS, stop when the deviance changes by less than 1e-8
// relative, at most 25 iterations), solving the small normal equations by
// Cholesky. Unlike poissonIRLS it accepts fitted means tending to 0 (R warns
// "fitted rates numerically 0" and carries on).
func glmPoissonR(x *mat.Dense, y []float64) ([]float64, error) {
	n, p := x.Dims()
	mu := make([]float64, n)
	eta := make([]float64, n)
	var devOld float64
	for i, v := range y {
		mu[i] = v + 0.1
		eta[i] = math.Log(mu[i])
		devOld += poissonDev(v, mu[i])
	}
	beta := mat.NewVecDense(p, nil)
	var a mat.SymDense
	a.ReuseAsSym(p)
	rhs := mat.NewVecDense(p, nil)
	old := mat.NewVecDense(p, nil)
	for iter := 0; iter < glmMaxIter; iter++ {
		old.CopyVec(beta)
		a.Zero()
		rhs.Zero()
		for i := 0; i < n; i++ {
			row := x.RawRowView(i)
			w := mu[i]
			z := eta[i] + (y[i]-mu[i])/mu[i]
			for j := 0; j < p; j++ {
				rhs.SetVec(j, rhs.AtVec(j)+w*row[j]*z)
				for k := j; k < p; k++ {
					a.SetSym(j, k, a.At(j, k)+w*row[j]*row[k])
				}
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(&a) {
			return nil, errors.New("analysis: singular normal equations")
		}
		if err := ch.SolveVecTo(beta, rhs); err != nil {
			return nil, err
		}
		var dev float64
		for half := 0; ; half++ {
			dev = 0
			for i := 0; i < n; i++ {
				eta[i] = mat.Dot(mat.NewVecDense(p, x.RawRowView(i)), beta)
				mu[i] = math.Exp(eta[i])
				dev += poissonDev(y[i], mu[i])
			}
			if !math.IsNaN(dev) && !math.IsInf(dev, 0) && dev > 0 || dev == 0 {
				break
			}
			if iter == 0 || half == 30 {
				return nil, errors.New("analysis: non-finite deviance")
			}
			// R's step halving towards the previous coefficients.
			beta.AddVec(beta, old)
			beta.ScaleVec(0.5, beta)
		}
		if math.Abs(dev-devOld)/(math.Abs(dev)+0.1) < glmEpsilon {
			break
		}
		devOld = dev
	}
	return beta.RawVector().Data, nil
}

func poissonDev(y, mu float64) float64 {
	if y > 0 {
		return 2 * (y*math.Log(y/mu) - (y - mu))
	}
	return 2 * mu
}
