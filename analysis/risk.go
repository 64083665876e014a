package analysis

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"

	"github.com/canhbao/canhbao/models"
)

// RiskConfig sets the risk model, its calibration and its tiers.
type RiskConfig struct {
	Horizon    int       // weeks ahead the target looks (default TargetHorizon = 4)
	CalibWeeks int       // weeks of the held-out calibration block after the training block (default 52)
	MinTrain   int       // fewest training weeks (default 52)
	Lambdas    []float64 // L2 penalties tried; the one with the best calibration-block Select criterion is kept (default 0.3, 3, 30, 300)
	Budget     int       // at most this many units flagged per week (default 5)
	High       float64   // calibrated probability for the "high" tier (default 0.5)
	Elevated   float64   // probability for "elevated"; flagged units need at least this (default 0.15)
	Watch      float64   // probability for "watch", not flagged (default 0.05)
	// Select is how the L2 penalty is chosen on the calibration block:
	// SelectAUPR (average precision: the ranking the alarms are drawn from)
	// or SelectLogLoss.
	Select string
	// Columns, when not empty, are the only feature columns the model uses
	// (by name); empty means every column of the Features.
	Columns []string
	// Alerts are the features of the second flag rule: each is turned into a
	// probability by its own Platt scaling on the calibration block, and a
	// unit's probability is the largest of the model's and these (see
	// RiskModel.Alerts). Names missing from the Features are skipped.
	Alerts []string
	// MaxFalseAlarms, when > 0, makes FitRisk choose the flag threshold
	// (RiskModel.FlagThreshold, used by Tiers through TierConfig in place
	// of Elevated) on the calibration block: the lowest at which the block
	// has at most this many false-alarm units a week (default 2, the
	// operating point of the issue). 0 keeps the fixed Elevated.
	MaxFalseAlarms float64
}

// Ways of choosing the L2 penalty (RiskConfig.Select).
const (
	SelectAUPR    = "aupr"
	SelectLogLoss = "logloss"
)

// DefaultRiskConfig returns the settings of the weekly run.
func DefaultRiskConfig() RiskConfig {
	return RiskConfig{Horizon: TargetHorizon, CalibWeeks: 52, MinTrain: 52, Lambdas: []float64{0.3, 3, 30, 300},
		Budget: 5, High: 0.5, Elevated: 0.15, Watch: 0.05, Select: SelectLogLoss, Alerts: []string{"tail_marked_2"},
		MaxFalseAlarms: 2}
}

// Validate checks the settings.
func (c RiskConfig) Validate() error {
	switch {
	case c.Horizon < 1:
		return fmt.Errorf("analysis: horizon %d weeks, want >= 1", c.Horizon)
	case c.CalibWeeks < 4:
		return fmt.Errorf("analysis: calibration block %d weeks, want >= 4", c.CalibWeeks)
	case c.MinTrain < 8:
		return fmt.Errorf("analysis: min training %d weeks, want >= 8", c.MinTrain)
	case c.Select != SelectAUPR && c.Select != SelectLogLoss:
		return fmt.Errorf("analysis: penalty choice %q, want %q or %q", c.Select, SelectAUPR, SelectLogLoss)
	case !(c.MaxFalseAlarms >= 0):
		return fmt.Errorf("analysis: max false alarms %v a week, want >= 0", c.MaxFalseAlarms)
	case len(c.Lambdas) == 0:
		return fmt.Errorf("analysis: no L2 penalty to try")
	case c.Budget < 1:
		return fmt.Errorf("analysis: budget %d units, want >= 1", c.Budget)
	case !(0 < c.Watch && c.Watch <= c.Elevated && c.Elevated <= c.High && c.High < 1):
		return fmt.Errorf("analysis: tiers watch %v, elevated %v, high %v: want 0 < watch <= elevated <= high < 1",
			c.Watch, c.Elevated, c.High)
	}
	for _, l := range c.Lambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			return fmt.Errorf("analysis: L2 penalty %v, want finite >= 0", l)
		}
	}
	return nil
}

// RiskModel is a fitted, calibrated pooled logistic model.
type RiskModel struct {
	Cols        []Feature
	Mean, Scale []float64 // standardisation of each feature over the training rows
	Coef        []float64 // coefficients of the standardised features
	Intercept   float64
	Lambda      float64 // the L2 penalty kept
	PlattA      float64 // calibrated p = 1/(1+exp(-(PlattA·z + PlattB))), z the linear score
	PlattB      float64
	BaseRate    float64 // share of positive rows in the training block (climatology)
	TrainFirst  int     // panel columns of the training block
	TrainLast   int
	CalibLast   int // last panel column of the calibration block
	// PlattFallback is true when the calibration block's Platt slope was
	// not positive and the scaling was fitted on the training block instead.
	PlattFallback bool `json:",omitempty"`
	// Alerts is the second flag rule: single-feature detectors (such as the
	// Poisson tail of the marked cases) with their own calibration. The
	// pooled model spreads its weight over many correlated features, while
	// one strong per-unit detector can already be decisive; taking the
	// largest calibrated probability lets either raise a flag.
	Alerts []AlertRule `json:",omitempty"`
	// FlagThreshold is the probability from which Tiers flags a unit (in
	// place of RiskConfig.Elevated, see TierConfig), chosen on the
	// calibration block by chooseFlagThreshold; 0 when not chosen.
	FlagThreshold float64 `json:",omitempty"`
}

// AlertRule is one single-feature detector of RiskModel.Alerts: its
// probability is σ(PlattA·x + PlattB), x the raw feature value.
type AlertRule struct {
	Feature        string
	PlattA, PlattB float64
}

// MinRiskWeeks is the fewest labelled feature weeks FitRisk needs with cfg.
func MinRiskWeeks(cfg RiskConfig) int { return cfg.MinTrain + cfg.CalibWeeks }

// FitRisk fits the risk model on the rows of feature columns f.First ..
// last (panel columns; the caller passes last = origin − horizon so that every
// label is known at the origin), time-ordered:
//
//  1. Training block f.First .. last−CalibWeeks; calibration block the
//     CalibWeeks after it. No row of the calibration block is used to fit the
//     coefficients, and no row after last is touched.
//  2. Features are standardised with the training block's mean and standard
//     deviation (a constant feature gets scale 1, so its coefficient stays 0).
//  3. Pooled L2 logistic regression: minimise
//     −Σ_i [y_i z_i − log(1+e^{z_i})] + λ/2 ‖β‖², z_i = β0 + x_i'β (intercept
//     unpenalised), by Newton's method (exact Hessian, Cholesky, step
//     halving; L-BFGS if the Hessian is not positive definite), for each λ
//     of cfg.Lambdas, warm-started from the next larger λ's solution; the λ
//     with the smallest log loss (cfg.Select = SelectLogLoss) or the largest
//     average precision (SelectAUPR) on the calibration block is kept
//     (Hastie, Tibshirani & Friedman 2009, §4.4.4 and §7.10 on validation
//     sets). Only the columns cfg.Columns are used when it is set.
//  4. Platt scaling (Platt 1999): p = σ(a z + b) fitted by Newton's method
//     on the calibration block's linear scores, with Platt's target smoothing
//     (y+ = (N+ + 1)/(N+ + 2), y− = 1/(N− + 2)). A slope a <= 0 (the block's
//     few episodes ranking against the score) would invert the ranking: the
//     scaling is then fitted on the training block (PlattFallback).
//  5. Alert rules (cfg.Alerts): each named feature gets its own Platt
//     scaling on the calibration block; the predicted probability is the
//     largest of the model's and the alerts' (RiskModel.Predict).
//  6. The flag threshold (cfg.MaxFalseAlarms > 0): the lowest probability
//     at which the calibration block's weekly flags hold at most
//     MaxFalseAlarms false-alarm units a week (chooseFlagThreshold).
//
// y is [unit][panel column]. An error is returned when the blocks are too
// short or hold no positive row.
func FitRisk(f *Features, y [][]bool, last int, cfg RiskConfig) (*RiskModel, error) {
	return FitRiskLabels(f, y, nil, last, cfg)
}

// ErrNoPositive is returned (wrapped) by FitRisk when its training or
// calibration block holds no positive row: nothing to learn from yet, as on
// sparse real data early in its history.
var ErrNoPositive = errors.New("analysis: no positive row")

// FitRiskLabels is FitRisk with separate training labels: the coefficients
// are fitted on train ([unit][panel column], TrainPositive / TrainNegative,
// TrainSkip rows left out; see TrainTarget), while the choice of λ, Platt
// scaling and the climatology use the target y on the calibration block, so
// the probabilities stay calibrated for y. train nil means train = y.
func FitRiskLabels(f *Features, y [][]bool, train [][]int8, last int, cfg RiskConfig) (*RiskModel, error) {
	if train == nil {
		train = TrainLabels(y)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	last = min(last, f.First+len(f.X)-1)
	trainLast := last - cfg.CalibWeeks
	if trainLast-f.First+1 < cfg.MinTrain {
		return nil, fmt.Errorf("analysis: %d training weeks before the calibration block, want >= %d",
			max(trainLast-f.First+1, 0), cfg.MinTrain)
	}
	use, err := selectColumns(f, cfg.Columns)
	if err != nil {
		return nil, err
	}
	nf := len(use)
	m := &RiskModel{Mean: make([]float64, nf), Scale: make([]float64, nf),
		TrainFirst: f.First, TrainLast: trainLast, CalibLast: last}
	for _, j := range use {
		m.Cols = append(m.Cols, f.Cols[j])
	}
	var n, pos, yPos, trPos float64
	for t := f.First; t <= trainLast; t++ {
		for u, x := range f.X[t-f.First] {
			for k, j := range use {
				m.Mean[k] += x[j]
			}
			n++
			if y[u][t] {
				yPos++
			}
			if train[u][t] == TrainPositive {
				trPos++
			}
			if train[u][t] != TrainSkip {
				pos++
			}
		}
	}
	if trPos == 0 || yPos == 0 {
		return nil, fmt.Errorf("%w in the training block", ErrNoPositive)
	}
	m.BaseRate = yPos / n
	for k := range m.Mean {
		m.Mean[k] /= n
	}
	for t := f.First; t <= trainLast; t++ {
		for _, x := range f.X[t-f.First] {
			for k, j := range use {
				d := x[j] - m.Mean[k]
				m.Scale[k] += d * d
			}
		}
	}
	for k := range m.Scale {
		m.Scale[k] = math.Sqrt(m.Scale[k] / n)
		if m.Scale[k] < 1e-12 {
			m.Scale[k] = 1
		}
	}
	// The standardised rows are stored contiguously (row-major), so that
	// the fit streams through memory instead of chasing one slice per row.
	std := func(t0, t1 int, useTrain bool) (rowMatrix, []float64) {
		// Counted first so the block is allocated once at its size (growing
		// it by append would hold up to three times the training rows at
		// the national scale's peak).
		n := 0
		for t := t0; t <= t1; t++ {
			for u := range f.X[t-f.First] {
				if !useTrain || train[u][t] != TrainSkip {
					n++
				}
			}
		}
		X := rowMatrix{data: make([]float64, 0, n*nf), cols: nf}
		Y := make([]float64, 0, n)
		for t := t0; t <= t1; t++ {
			for u, x := range f.X[t-f.First] {
				if useTrain && train[u][t] == TrainSkip {
					continue
				}
				for k, j := range use {
					X.data = append(X.data, (x[j]-m.Mean[k])/m.Scale[k])
				}
				X.rows++
				yy := 0.0
				if (useTrain && train[u][t] == TrainPositive) || (!useTrain && y[u][t]) {
					yy = 1
				}
				Y = append(Y, yy)
			}
		}
		return X, Y
	}
	Xtr, Ytr := std(f.First, trainLast, true)
	Xca, Yca := std(trainLast+1, last, false)
	var calPos float64
	for _, v := range Yca {
		calPos += v
	}
	if calPos == 0 {
		return nil, fmt.Errorf("%w in the calibration block", ErrNoPositive)
	}
	calY := make([]bool, len(Yca))
	for i, v := range Yca {
		calY[i] = v > 0
	}
	// The penalties are fitted from the largest down, each starting from
	// the previous solution: the optimum is the same (the objective is
	// strictly convex and each fit runs to the same tolerance), but a
	// strongly penalised solution is close to the next one, which saves
	// Newton iterations. The choice below still walks cfg.Lambdas in its
	// own order, so ties resolve as before.
	order := make([]int, len(cfg.Lambdas))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cfg.Lambdas[order[a]] > cfg.Lambdas[order[b]] })
	start := make([]float64, nf+1)
	start[0] = math.Log(trPos / (pos - trPos + 1))
	fits := make([][]float64, len(cfg.Lambdas))
	obj := newLogisticObjective(Xtr, Ytr)
	for _, i := range order {
		w, err := obj.fit(cfg.Lambdas[i], start)
		if err != nil {
			return nil, err
		}
		fits[i] = w
		start = w
	}
	best := math.Inf(1)
	z := make([]float64, Xca.rows)
	for i, lam := range cfg.Lambdas {
		w := fits[i]
		// Smaller is better for both criteria: the log loss, or minus the
		// average precision of the block's ranking.
		var crit float64
		for r := range z {
			z[r] = linear(w, Xca.row(r))
			crit += logLoss(z[r], Yca[r])
		}
		if cfg.Select == SelectAUPR {
			crit = -AveragePrecision(z, calY)
		}
		if crit < best {
			best = crit
			m.Lambda = lam
			m.Intercept = w[0]
			m.Coef = append(m.Coef[:0], w[1:]...)
		}
	}
	for r := range z {
		z[r] = m.Intercept + dot(m.Coef, Xca.row(r))
	}
	m.PlattA, m.PlattB = plattFit(z, Yca)
	if !(m.PlattA > 0) {
		// The block ranks against its own labels (a few episodes in a
		// short block can do that): a negative slope would turn the
		// ranking upside down. Platt scaling then uses the training
		// block's scores on the target y (in sample, so somewhat
		// overconfident), and, if that is not increasing either, the
		// model gives every unit the training climatology.
		m.PlattFallback = true
		var zt, yt []float64
		for t := f.First; t <= trainLast; t++ {
			for u, x := range f.X[t-f.First] {
				s := m.Intercept
				for k, j := range use {
					s += m.Coef[k] * (x[j] - m.Mean[k]) / m.Scale[k]
				}
				zt = append(zt, s)
				v := 0.0
				if y[u][t] {
					v = 1
				}
				yt = append(yt, v)
			}
		}
		m.PlattA, m.PlattB = plattFit(zt, yt)
		if !(m.PlattA > 0) {
			m.PlattA, m.PlattB = 0, logit(m.BaseRate)
		}
	}
	m.Alerts = fitAlerts(f, y, trainLast+1, last, cfg.Alerts)
	m.FlagThreshold = chooseFlagThreshold(m.predictor(f), y, train, trainLast+1, last, cfg)
	return m, nil
}

// selectColumns returns the indexes in f.Cols of the named columns (all
// columns when names is empty); an unknown name is an error.
func selectColumns(f *Features, names []string) ([]int, error) {
	if len(names) == 0 {
		use := make([]int, len(f.Cols))
		for j := range use {
			use[j] = j
		}
		return use, nil
	}
	at := map[string]int{}
	for j, c := range f.Cols {
		at[c.Name] = j
	}
	var use []int
	for _, n := range names {
		j, ok := at[n]
		if !ok {
			return nil, fmt.Errorf("analysis: risk model column %q is not a feature", n)
		}
		use = append(use, j)
	}
	return use, nil
}

// fitAlerts Platt-scales each named feature on the calibration block
// t0..t1 (features not in f are skipped, so a model fitted on data without
// severity signals simply has no alert rule). A feature whose slope comes
// out negative (higher values meaning less risk on this block) is dropped:
// an alert must rise with its statistic.
func fitAlerts(f *Features, y [][]bool, t0, t1 int, names []string) []AlertRule {
	at := map[string]int{}
	for j, c := range f.Cols {
		at[c.Name] = j
	}
	var out []AlertRule
	for _, n := range names {
		j, ok := at[n]
		if !ok {
			continue
		}
		var x, yy []float64
		for t := t0; t <= t1; t++ {
			for u, row := range f.X[t-f.First] {
				x = append(x, row[j])
				v := 0.0
				if y[u][t] {
					v = 1
				}
				yy = append(yy, v)
			}
		}
		a, b := plattFit(x, yy)
		if !(a > 0) {
			continue
		}
		out = append(out, AlertRule{Feature: n, PlattA: a, PlattB: b})
	}
	return out
}

// rowMatrix is a dense row-major matrix: row i is data[i*cols : (i+1)*cols].
type rowMatrix struct {
	data       []float64
	rows, cols int
}

func (m rowMatrix) row(i int) []float64 { return m.data[i*m.cols : (i+1)*m.cols] }

// logisticChunk is the number of rows one worker sums at a time. It is a
// constant, not derived from the number of cores, so that the partial sums
// and their reduction order (chunk by chunk) are the same on every machine
// and in every run: the fitted model depends on the data only.
const logisticChunk = 2048

// logisticObjective is the penalised negative log-likelihood of the pooled
// logistic model,
//
//	F(w) = Σ_i [log(1+e^{z_i}) − y_i z_i] + λ/2 ‖w[1:]‖², z_i = w[0] + x_i'w[1:],
//
// with its gradient, both from one pass over the rows: each row's linear
// predictor and exponential serve the loss and the gradient alike. The rows
// are split into fixed chunks summed in parallel, and the chunk sums are
// added in chunk order, so the result does not depend on scheduling.
// gonum's L-BFGS asks for Func and Grad at the same point one after the
// other; the evaluation is cached for that point. Newton's method (fit)
// also uses the Hessian, accumulated the same way (evalHessian).
type logisticObjective struct {
	x      rowMatrix
	y      []float64
	lambda float64
	part   []float64 // per chunk: loss, then the d+1 gradient sums
	at     []float64 // the point of the cached evaluation
	f      float64
	g      []float64
	cached bool
	hpart  []float64 // per chunk: the (d+1)×(d+1) Hessian sums (evalHessian)
	h      []float64 // the Hessian at the cached point (upper triangle)
}

func newLogisticObjective(x rowMatrix, y []float64) *logisticObjective {
	nc := (x.rows + logisticChunk - 1) / logisticChunk
	return &logisticObjective{x: x, y: y, part: make([]float64, nc*(x.cols+2)),
		at: make([]float64, x.cols+1), g: make([]float64, x.cols+1)}
}

// eval computes F and its gradient at w unless they are cached for w.
func (o *logisticObjective) eval(w []float64) {
	if o.cached && floats.Equal(w, o.at) {
		return
	}
	stride := o.x.cols + 2
	nc := len(o.part) / stride
	workers := min(runtime.GOMAXPROCS(0), nc)
	if workers <= 1 {
		for c := 0; c < nc; c++ {
			o.chunk(w, c, o.part[c*stride:(c+1)*stride])
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for k := 0; k < workers; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					c := int(next.Add(1) - 1)
					if c >= nc {
						return
					}
					o.chunk(w, c, o.part[c*stride:(c+1)*stride])
				}
			}()
		}
		wg.Wait()
	}
	o.reduce(w)
}

// reduce sums the per-chunk losses and gradients in o.part in chunk order
// (so the result does not depend on which worker did which chunk), adds the
// penalty and caches F and its gradient for w.
func (o *logisticObjective) reduce(w []float64) {
	stride := o.x.cols + 2
	nc := len(o.part) / stride
	o.f = 0
	for j := range o.g {
		o.g[j] = 0
	}
	for c := 0; c < nc; c++ {
		p := o.part[c*stride : (c+1)*stride]
		o.f += p[0]
		floats.Add(o.g, p[1:])
	}
	for j, b := range w[1:] {
		o.f += o.lambda / 2 * b * b
		o.g[j+1] += o.lambda * b
	}
	copy(o.at, w)
	o.cached = true
}

// chunk sums the loss and the gradient of rows c·logisticChunk .. into out
// (loss first). The loss and σ(z) use the same expressions as logLoss and
// sigmoid, sharing one exponential.
func (o *logisticObjective) chunk(w []float64, c int, out []float64) {
	for j := range out {
		out[j] = 0
	}
	g := out[1:]
	b := w[1:]
	lo, hi := c*logisticChunk, min((c+1)*logisticChunk, o.x.rows)
	var loss, g0 float64
	for i := lo; i < hi; i++ {
		x := o.x.row(i)
		z := w[0] + floats.Dot(b, x)
		var l, p float64
		if z > 0 {
			e := math.Exp(-z)
			l, p = z+math.Log1p(e), 1/(1+e)
		} else {
			e := math.Exp(z)
			l, p = math.Log1p(e), e/(1+e)
		}
		loss += l - o.y[i]*z
		r := p - o.y[i]
		g0 += r
		floats.AddScaled(g[1:], r, x)
	}
	out[0], g[0] = loss, g0
}

// fitLBFGS minimises F for the penalty lambda by L-BFGS from init; w[0] is
// the intercept (not penalised). It was the solver before Newton's method
// (fit, risk_newton.go) and remains its fall-back when the Hessian is not
// positive definite.
func (o *logisticObjective) fitLBFGS(lambda float64, init []float64) ([]float64, error) {
	o.lambda = lambda
	o.cached = false
	p := optimize.Problem{
		Func: func(w []float64) float64 {
			o.eval(w)
			return o.f
		},
		Grad: func(g, w []float64) {
			o.eval(w)
			copy(g, o.g)
		},
	}
	res, err := optimize.Minimize(p, init, &optimize.Settings{GradientThreshold: 1e-6, MajorIterations: 500}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("analysis: logistic fit: %w", err)
	}
	// An iteration limit still leaves a usable minimiser; a failure without a
	// result is an error.
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("analysis: logistic fit diverged")
		}
	}
	return res.X, nil
}

func linear(w, x []float64) float64 { return w[0] + dot(w[1:], x) }

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// logLoss is −[y z − log(1+e^z)], computed without overflow.
func logLoss(z, y float64) float64 {
	var l float64
	if z > 0 {
		l = z + math.Log1p(math.Exp(-z))
	} else {
		l = math.Log1p(math.Exp(z))
	}
	return l - y*z
}

// plattFit returns a, b of p = σ(a z + b) by Newton's method on the
// smoothed targets of Platt (1999); a tiny ridge keeps the Hessian invertible.
func plattFit(z, y []float64) (a, b float64) {
	var np, nn float64
	for _, v := range y {
		if v > 0 {
			np++
		} else {
			nn++
		}
	}
	hi, lo := (np+1)/(np+2), 1/(nn+2)
	t := make([]float64, len(y))
	for i, v := range y {
		if v > 0 {
			t[i] = hi
		} else {
			t[i] = lo
		}
	}
	obj := func(a, b float64) float64 {
		var f float64
		for i, zi := range z {
			zz := a*zi + b
			f += logLoss(zz, 1) * t[i]
			f += logLoss(zz, 0) * (1 - t[i])
		}
		return f
	}
	a, b = 1, math.Log((np+1)/(nn+1))
	cur := obj(a, b)
	for it := 0; it < 100; it++ {
		var ga, gb, haa, hab, hbb float64
		for i, zi := range z {
			p := sigmoid(a*zi + b)
			r := p - t[i]
			w := p * (1 - p)
			ga += r * zi
			gb += r
			haa += w * zi * zi
			hab += w * zi
			hbb += w
		}
		haa += 1e-9
		hbb += 1e-9
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		// Backtracking: halve the Newton step until the objective falls.
		step := 1.0
		for ; step > 1e-8; step /= 2 {
			if f := obj(a-step*da, b-step*db); f < cur {
				a, b, cur = a-step*da, b-step*db, f
				break
			}
		}
		if step <= 1e-8 || step*(math.Abs(da)+math.Abs(db)) < 1e-10 {
			break
		}
	}
	return a, b
}

// Score returns the linear score z (log-odds before calibration) of a row
// of the model's columns (m.Cols order, raw values) and the contribution
// Coef_j · standardised x_j of each column.
func (m *RiskModel) Score(x []float64) (z float64, contrib []float64) {
	contrib = make([]float64, len(m.Coef))
	z = m.Intercept
	for j := range m.Coef {
		if j >= len(x) {
			break
		}
		contrib[j] = m.Coef[j] * (x[j] - m.Mean[j]) / m.Scale[j]
		z += contrib[j]
	}
	return z, contrib
}

// Probability returns the calibrated probability of the pooled model alone
// for a row of the model's columns (see Score).
func (m *RiskModel) Probability(x []float64) float64 {
	z, _ := m.Score(x)
	return sigmoid(m.PlattA*z + m.PlattB)
}

// featureIndex maps each name to its index in f.Cols, -1 when absent.
func featureIndex(f *Features, names []string) []int {
	at := make(map[string]int, len(f.Cols))
	for j, c := range f.Cols {
		at[c.Name] = j
	}
	idx := make([]int, len(names))
	for k, n := range names {
		idx[k] = -1
		if j, ok := at[n]; ok {
			idx[k] = j
		}
	}
	return idx
}

// predictor holds the column indexes of a model in one Features, so that a
// stored model (possibly fitted on other feature columns) reads its columns
// by name; a column absent from the Features takes its training mean
// (contribution 0) and an absent alert feature raises no alert.
type predictor struct {
	m      *RiskModel
	f      *Features
	cols   []int
	alerts []int
	rowBuf []float64
}

func (m *RiskModel) predictor(f *Features) *predictor {
	names := make([]string, len(m.Cols))
	for k, c := range m.Cols {
		names[k] = c.Name
	}
	an := make([]string, len(m.Alerts))
	for k, a := range m.Alerts {
		an[k] = a.Feature
	}
	return &predictor{m: m, f: f, cols: featureIndex(f, names), alerts: featureIndex(f, an), rowBuf: make([]float64, len(m.Cols))}
}

// row returns the model's columns of unit u in panel column t (reused buffer).
func (p *predictor) row(t, u int) []float64 {
	x := p.f.X[t-p.f.First][u]
	for k, j := range p.cols {
		if j < 0 {
			p.rowBuf[k] = p.m.Mean[k]
		} else {
			p.rowBuf[k] = x[j]
		}
	}
	return p.rowBuf
}

// prob returns the model's calibrated probability, the largest alert
// probability (0 without alerts) and the combined probability max(both).
func (p *predictor) prob(t, u int) (model, alert, combined float64) {
	model = p.m.Probability(p.row(t, u))
	x := p.f.X[t-p.f.First][u]
	for k, j := range p.alerts {
		if j < 0 {
			continue
		}
		a := p.m.Alerts[k]
		alert = math.Max(alert, sigmoid(a.PlattA*x[j]+a.PlattB))
	}
	return model, alert, math.Max(model, alert)
}

// Predict returns the probability of every unit in panel column t: the
// largest of the pooled model's calibrated probability and the alert
// rules' (RiskModel.Alerts).
func (m *RiskModel) Predict(f *Features, t int) []float64 {
	p := m.predictor(f)
	out := make([]float64, len(f.X[t-f.First]))
	for u := range out {
		_, _, out[u] = p.prob(t, u)
	}
	return out
}

// maxDrivers is how many drivers a flag lists.
const maxDrivers = 4

// minDriverWeight is the smallest contribution (log-odds) named as a driver.
const minDriverWeight = 0.05

// Drivers explains unit u's probability in column t: the contributions
// Coef_j · (x_j − mean_j)/scale_j are summed per driver code (Feature.Code);
// the codes with the largest positive sums, at most 4 and each above 0.05
// log-odds, become drivers, strongest first, carrying the raw numbers of the
// code's largest single contribution (Value observed, Baseline expected over
// Weeks). Season, history and base-rate contributions are not named: they
// describe the unit, not a change a liaison can act on. When an alert rule
// (RiskModel.Alerts) gives the unit a higher probability than the pooled
// model, that alert's feature is a driver too, weighted by the log-odds it
// adds (logit p_alert − logit p_model), with its own raw numbers, in place
// of the model's driver of the same code. A code whose raw number is 0 or
// below its expected one, and an alert whose count is not above its
// expected one (its calibrated floor outranking a low model probability),
// are not named: they are no reason a liaison could check.
func (m *RiskModel) Drivers(f *Features, t, u int) []models.Driver {
	pr := m.predictor(f)
	_, c := m.Score(pr.row(t, u))
	type agg struct {
		sum, top float64
		j        int
	}
	by := map[string]*agg{}
	var codes []string
	for j, col := range m.Cols {
		switch col.Code {
		case "season", "history", "base_rate":
			continue
		}
		if pr.cols[j] < 0 {
			continue
		}
		a, ok := by[col.Code]
		if !ok {
			a = &agg{top: math.Inf(-1), j: j}
			by[col.Code] = a
			codes = append(codes, col.Code)
		}
		a.sum += c[j]
		if c[j] > a.top {
			a.top, a.j = c[j], j
		}
	}
	sort.SliceStable(codes, func(i, k int) bool { return by[codes[i]].sum > by[codes[k]].sum })
	var out []models.Driver
	pm, pa, _ := pr.prob(t, u)
	if pa > pm {
		// The alert that decided: the one with the largest probability.
		x := f.X[t-f.First][u]
		best, bk := math.Inf(-1), -1
		for k, j := range pr.alerts {
			if j < 0 {
				continue
			}
			a := m.Alerts[k]
			if v := a.PlattA*x[j] + a.PlattB; v > best {
				best, bk = v, k
			}
		}
		// An alert with nothing observed (its calibrated floor σ(PlattB)
		// above a low model probability) raises the probability but is no
		// reason to name: only an alert whose count is above its expected
		// one is listed.
		if w := logit(pa) - logit(pm); bk >= 0 && w >= minDriverWeight &&
			f.Raw[t-f.First][u][pr.alerts[bk]] > f.Base[t-f.First][u][pr.alerts[bk]] {
			j := pr.alerts[bk]
			col := f.Cols[j]
			out = append(out, models.Driver{Code: col.Code, Value: f.Raw[t-f.First][u][j],
				Baseline: f.Base[t-f.First][u][j], Weeks: col.Weeks, Weight: w})
		}
	}
	for _, code := range codes {
		a := by[code]
		if a.sum < minDriverWeight || len(out) == maxDrivers {
			break
		}
		if len(out) > 0 && out[0].Code == code {
			continue
		}
		j := pr.cols[a.j]
		if v := f.Raw[t-f.First][u][j]; v < f.Base[t-f.First][u][j] || v == 0 {
			// None or fewer than expected (a negative coefficient times a
			// low value): a real contribution, but no reason to tell a
			// liaison ("0 cases with marks vs 0.1 expected").
			continue
		}
		out = append(out, models.Driver{Code: code, Value: f.Raw[t-f.First][u][j],
			Baseline: f.Base[t-f.First][u][j], Weeks: m.Cols[a.j].Weeks, Weight: a.sum})
	}
	sort.SliceStable(out, func(i, k int) bool { return out[i].Weight > out[k].Weight })
	return out
}

// logit is log(p/(1−p)), with p kept inside (1e-12, 1−1e-12).
func logit(p float64) float64 {
	p = math.Min(math.Max(p, 1e-12), 1-1e-12)
	return math.Log(p / (1 - p))
}

// Tiers turns one week's calibrated probabilities into tiers and flags: units
// are ranked by probability (ties by index); a unit is flagged when its
// probability is at least cfg.Elevated and it is among the cfg.Budget highest;
// a flagged unit is "high" when its probability is at least cfg.High, else
// "elevated"; an unflagged unit with probability at least cfg.Watch is
// "watch" (this includes units over the budget); the rest are "none".
func Tiers(prob []float64, cfg RiskConfig) ([]models.Tier, []bool) {
	order := make([]int, len(prob))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return prob[order[i]] > prob[order[j]] })
	tiers := make([]models.Tier, len(prob))
	flagged := make([]bool, len(prob))
	for rank, u := range order {
		p := prob[u]
		switch {
		case rank < cfg.Budget && p >= cfg.Elevated:
			flagged[u] = true
			tiers[u] = models.TierElevated
			if p >= cfg.High {
				tiers[u] = models.TierHigh
			}
		case p >= cfg.Watch:
			tiers[u] = models.TierWatch
		default:
			tiers[u] = models.TierNone
		}
	}
	return tiers, flagged
}

// ChangeOf compares a unit's flag with last week's: "new" (flagged now, not
// then), "escalated" (flagged both weeks, tier now high and was not),
// "persisting" (flagged both weeks otherwise), "cleared" (flagged then, not
// now), "" (flagged in neither week).
func ChangeOf(prevTier models.Tier, prevFlagged bool, tier models.Tier, flagged bool) models.Change {
	switch {
	case flagged && !prevFlagged:
		return models.ChangeNew
	case flagged && tier == models.TierHigh && prevTier != models.TierHigh:
		return models.ChangeEscalated
	case flagged:
		return models.ChangePersisting
	case prevFlagged:
		return models.ChangeCleared
	}
	return models.ChangeNone
}
