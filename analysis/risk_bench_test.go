package analysis

import (
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"

	"github.com/canhbao/canhbao/models"
)

// benchSignals are the severity signals of the weekly run, so that the
// benchmark problem has the national run's ~65 feature columns.
var benchSignals = []string{"not_settled", "violence", "crime", "referral", "repeat", "open30", "land"}

// synthRiskFull is synthRisk with every severity signal of the weekly run:
// each case carries each mark with a small probability, episode cases with
// a larger one, so the marks are informative and correlated like the real
// ones (which makes the logistic fit as ill-conditioned as in production).
func synthRiskFull(seed uint64, U, T int) (*RiskData, []Episode) {
	r := rand.New(rand.NewPCG(seed, 11))
	start := models.Week{Year: 2020, Num: 1}
	p := &Panel{Units: make([]string, U), Start: start, Counts: make([][]float64, U), Serious: make([][]float64, U)}
	vals := make([][][]float64, len(benchSignals))
	for k := range vals {
		vals[k] = make([][]float64, U)
	}
	nb := make([][]int, U)
	var eps []Episode
	for u := 0; u < U; u++ {
		p.Units[u] = "U" + string(rune('A'+u/676%26)) + string(rune('A'+u/26%26)) + string(rune('a'+u%26))
		nb[u] = []int{(u + 1) % U, (u + U - 1) % U, (u + 7) % U}
		p.Counts[u] = make([]float64, T)
		p.Serious[u] = make([]float64, T)
		for k := range vals {
			vals[k][u] = make([]float64, T)
		}
		base := 0.1 + 2*r.Float64()
		mult := make([]float64, T)
		for t := range mult {
			mult[t] = 1
		}
		for s := 40 + r.IntN(60); s+10 < T; s += 60 + r.IntN(80) {
			peak := s + 5
			for i := 0; i <= 5; i++ {
				mult[s+i] = 1 + 3*math.Pow(float64(i+1)/6, 1.5)
			}
			mult[peak+1], mult[peak+2] = 3, 2
			eps = append(eps, Episode{ID: "E", Unit: p.Units[u], Role: RoleCore, Start: start.Add(s), Peak: start.Add(peak), End: start.Add(peak + 2)})
		}
		for t := 0; t < T; t++ {
			n := poissonDraw(r, base)
			extra := poissonDraw(r, base*(mult[t]-1))
			var s float64
			for i := 0; i < n+extra; i++ {
				ep := i >= n
				for k := range vals {
					q := 0.03 + 0.02*float64(k)
					if ep {
						q = 0.2 + 0.05*float64(k)
					}
					if r.Float64() < q {
						vals[k][u][t]++
					}
				}
				if (ep && r.Float64() < 0.5) || (!ep && r.Float64() < 0.15) {
					s++
				}
			}
			p.Counts[u][t] = float64(n + extra)
			p.Serious[u][t] = s
		}
	}
	return &RiskData{Panel: p, Signals: benchSignals, Values: vals, Neighbours: nb}, eps
}

// benchRiskProblem is built once per test binary (BuildFeatures is not what
// is measured).
var benchRiskProblem = sync.OnceValues(func() (*Features, [][]bool) {
	d, eps := synthRiskFull(21, 500, 200)
	f, err := BuildFeatures(d, DefaultConfig())
	if err != nil {
		return nil, nil
	}
	return f, TruthTarget(d.Panel.Units, d.Panel.Start, d.Panel.Weeks(), eps, TargetHorizon)
})

// BenchmarkFitRisk fits the risk model with the default settings (4
// penalties, Platt scaling) on 500 units x 200 weeks with the weekly run's
// ~65 features: about 55k training and 26k calibration rows, a sixth of the
// national refit (3,321 units).
func BenchmarkFitRisk(b *testing.B) {
	f, y := benchRiskProblem()
	if f == nil {
		b.Fatal("building the benchmark features failed")
	}
	last := f.First + len(f.X) - 1 - TargetHorizon
	b.ReportMetric(float64(len(f.Cols)), "features")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := FitRisk(f, y, last, DefaultRiskConfig()); err != nil {
			b.Fatal(err)
		}
	}
}

// fitLogisticReference is the fit as it was before the one-pass, contiguous,
// parallel evaluation and the warm starts (kept to check that the new fit
// reaches the same optimum): separate Func and Grad over [][]float64 rows,
// each recomputing the linear predictor.
func fitLogisticReference(X [][]float64, Y []float64, lambda float64, init []float64) ([]float64, error) {
	p := optimize.Problem{
		Func: func(w []float64) float64 {
			var f float64
			for i, x := range X {
				f += logLoss(linear(w, x), Y[i])
			}
			for _, b := range w[1:] {
				f += lambda / 2 * b * b
			}
			return f
		},
		Grad: func(g, w []float64) {
			for j := range g {
				g[j] = 0
			}
			for i, x := range X {
				r := sigmoid(linear(w, x)) - Y[i]
				g[0] += r
				for j, v := range x {
					g[j+1] += r * v
				}
			}
			for j, b := range w[1:] {
				g[j+1] += lambda * b
			}
		},
	}
	res, err := optimize.Minimize(p, init, &optimize.Settings{GradientThreshold: 1e-6, MajorIterations: 500}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, err
	}
	return res.X, nil
}

// standardisedRows returns the rows of feature columns t0..t1 standardised
// with their own mean and deviation, as FitRisk does, in both layouts.
func standardisedRows(f *Features, y [][]bool, t0, t1 int) (rowMatrix, [][]float64, []float64) {
	nf := len(f.Cols)
	mean, sd := make([]float64, nf), make([]float64, nf)
	var n float64
	for t := t0; t <= t1; t++ {
		for _, x := range f.X[t-f.First] {
			floats.Add(mean, x)
			n++
		}
	}
	floats.Scale(1/n, mean)
	for t := t0; t <= t1; t++ {
		for _, x := range f.X[t-f.First] {
			for j, v := range x {
				sd[j] += (v - mean[j]) * (v - mean[j])
			}
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / n)
		if sd[j] < 1e-12 {
			sd[j] = 1
		}
	}
	X := rowMatrix{cols: nf}
	var rows [][]float64
	var Y []float64
	for t := t0; t <= t1; t++ {
		for u, x := range f.X[t-f.First] {
			r := make([]float64, nf)
			for j, v := range x {
				r[j] = (v - mean[j]) / sd[j]
			}
			rows = append(rows, r)
			X.data = append(X.data, r...)
			X.rows++
			yy := 0.0
			if y[u][t] {
				yy = 1
			}
			Y = append(Y, yy)
		}
	}
	return X, rows, Y
}

// TestLogisticFitMatchesReference checks that the one-pass, chunked,
// warm-started Newton fit reaches the optimum of the former L-BFGS fit
// (separate Func and Grad, cold start for every penalty): an objective no
// larger (within 1e-10 relative) and coefficients within the L-BFGS stop
// point's tolerance; and that the fitted model is bit-identical whatever the
// number of cores (the gradient and the Hessian are both summed chunk by
// chunk in chunk order).
func TestLogisticFitMatchesReference(t *testing.T) {
	d, eps := synthRiskFull(4, 60, 170)
	f, err := BuildFeatures(d, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	y := TruthTarget(d.Panel.Units, d.Panel.Start, d.Panel.Weeks(), eps, TargetHorizon)
	X, rows, Y := standardisedRows(f, y, f.First, f.First+len(f.X)-1)
	if X.rows <= 2*logisticChunk {
		t.Fatalf("%d rows: want several chunks", X.rows)
	}
	init := make([]float64, X.cols+1)
	init[0] = -2
	obj := newLogisticObjective(X, Y)
	start := init
	for _, lam := range []float64{300, 30, 3, 0.3} {
		ref, err := fitLogisticReference(rows, Y, lam, init)
		if err != nil {
			t.Fatal(err)
		}
		got, err := obj.fit(lam, start)
		if err != nil {
			t.Fatal(err)
		}
		start = got
		obj.eval(ref)
		fRef := obj.f
		obj.eval(got)
		var diff float64
		for j := range got {
			diff = math.Max(diff, math.Abs(got[j]-ref[j]))
		}
		t.Logf("lambda %v: objective %.15g (reference %.15g), largest coefficient difference %.2g", lam, obj.f, fRef, diff)
		if obj.f > fRef*(1+1e-10) || diff > 1e-4 {
			t.Errorf("lambda %v: objective %.12g vs reference %.12g, coefficients differ by %.3g", lam, obj.f, fRef, diff)
		}
	}

	last := f.First + len(f.X) - 1 - TargetHorizon
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	m1, err := FitRisk(f, y, last, DefaultRiskConfig())
	if err != nil {
		t.Fatal(err)
	}
	runtime.GOMAXPROCS(4)
	m4, err := FitRisk(f, y, last, DefaultRiskConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m1, m4) {
		t.Errorf("the model fitted on 1 and on 4 threads differs:\n%+v\n%+v", m1, m4)
	}
}
