package analysis

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// newtonTestProblem is the standardised problem of
// TestLogisticFitMatchesReference (60 units, 170 weeks, ~65 features).
func newtonTestProblem(t *testing.T) (rowMatrix, []float64) {
	t.Helper()
	d, eps := synthRiskFull(4, 60, 170)
	f, err := BuildFeatures(d, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	y := TruthTarget(d.Panel.Units, d.Panel.Start, d.Panel.Weeks(), eps, TargetHorizon)
	X, _, Y := standardisedRows(f, y, f.First, f.First+len(f.X)-1)
	return X, Y
}

// TestNewtonReachesLBFGSOptimum checks that Newton's method, warm-started
// across the penalties as FitRisk does, ends at a penalised objective no
// larger than the L-BFGS fit's (cold start, its former settings) within
// 1e-9 relative, with coefficients close and a much smaller gradient.
func TestNewtonReachesLBFGSOptimum(t *testing.T) {
	X, Y := newtonTestProblem(t)
	obj := newLogisticObjective(X, Y)
	init := make([]float64, X.cols+1)
	init[0] = -2
	start := init
	for _, lam := range []float64{300, 30, 3, 0.3} {
		lb, err := obj.fitLBFGS(lam, init)
		if err != nil {
			t.Fatal(err)
		}
		nw, err := obj.fit(lam, start)
		if err != nil {
			t.Fatal(err)
		}
		start = nw
		obj.eval(lb)
		fL, gL := obj.f, floats.Norm(obj.g, math.Inf(1))
		obj.eval(nw)
		fN, gN := obj.f, floats.Norm(obj.g, math.Inf(1))
		var diff float64
		for j := range nw {
			diff = math.Max(diff, math.Abs(nw[j]-lb[j]))
		}
		t.Logf("lambda %v: Newton F %.15g |g| %.2g, L-BFGS F %.15g |g| %.2g, coefficients differ by %.2g",
			lam, fN, gN, fL, gL, diff)
		if fN > fL+1e-9*math.Abs(fL) {
			t.Errorf("lambda %v: Newton objective %.15g above L-BFGS %.15g", lam, fN, fL)
		}
		if gN > newtonGradTol*float64(X.rows) && gN > gL {
			t.Errorf("lambda %v: Newton gradient %.3g, L-BFGS %.3g", lam, gN, gL)
		}
		if diff > 1e-4 {
			t.Errorf("lambda %v: coefficients differ by %.3g", lam, diff)
		}
	}
}

// TestLogisticHessian checks the accumulated Hessian against central
// differences of the gradient and its independence of the number of cores.
func TestLogisticHessian(t *testing.T) {
	X, Y := newtonTestProblem(t)
	obj := newLogisticObjective(X, Y)
	obj.lambda = 3
	d1 := X.cols + 1
	w := make([]float64, d1)
	w[0] = -2
	for j := 1; j < d1; j++ {
		w[j] = 0.05 * math.Sin(float64(j))
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	obj.evalHessian(w)
	h1, g1, f1 := slices.Clone(obj.h), slices.Clone(obj.g), obj.f
	runtime.GOMAXPROCS(4)
	obj.cached = false
	obj.evalHessian(w)
	if !slices.Equal(h1, obj.h) || !slices.Equal(g1, obj.g) || f1 != obj.f {
		t.Fatal("the Hessian, gradient or loss differs between 1 and 4 threads")
	}
	obj.cached = false
	obj.eval(w)
	if f1 != obj.f || !slices.Equal(g1, obj.g) {
		t.Error("evalHessian and eval disagree on the loss or gradient")
	}
	const eps = 1e-5
	wp, wm := slices.Clone(w), slices.Clone(w)
	var worst float64
	for _, k := range []int{0, 1, 7, 30, d1 - 1} {
		wp[k], wm[k] = w[k]+eps, w[k]-eps
		obj.eval(wp)
		gp := slices.Clone(obj.g)
		obj.eval(wm)
		for j := k; j < d1; j++ { // upper triangle: row k, columns >= k
			fd := (gp[j] - obj.g[j]) / (2 * eps)
			worst = math.Max(worst, math.Abs(fd-h1[k*d1+j])/math.Max(1, math.Abs(h1[k*d1+j])))
		}
		wp[k], wm[k] = w[k], w[k]
	}
	if worst > 1e-5 {
		t.Errorf("Hessian differs from the differences of the gradient by %.3g (relative)", worst)
	}
}

// TestNewtonFallsBackToLBFGS fits without penalty with a constant (zero
// after standardisation) column: the Hessian is singular, Cholesky fails and
// the fit continues by L-BFGS, leaving that coefficient at 0.
func TestNewtonFallsBackToLBFGS(t *testing.T) {
	X, Y := newtonTestProblem(t)
	for i := 0; i < X.rows; i++ {
		X.row(i)[3] = 0
	}
	obj := newLogisticObjective(X, Y)
	init := make([]float64, X.cols+1)
	init[0] = -2
	obj.lambda = 0
	obj.evalHessian(init)
	var chol mat.Cholesky
	if chol.Factorize(mat.NewSymDense(X.cols+1, slices.Clone(obj.h))) {
		t.Fatal("the Hessian with a zero column and no penalty factorised: the fall-back is not exercised")
	}
	w, err := obj.fit(0, init)
	if err != nil {
		t.Fatal(err)
	}
	if w[4] != 0 {
		t.Errorf("coefficient of the constant column %v, want 0", w[4])
	}
	obj.eval(w)
	for _, v := range w {
		if !finite(v) {
			t.Fatalf("non-finite coefficient: %v", w)
		}
	}
	ref, err := obj.fitLBFGS(0, init)
	if err != nil {
		t.Fatal(err)
	}
	fW := obj.f
	obj.eval(ref)
	if fW > obj.f+1e-9*math.Abs(obj.f) {
		t.Errorf("fall-back objective %.15g above L-BFGS %.15g", fW, obj.f)
	}
}
