package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/canhbao/canhbao/models"
)

// NowcastConfig holds the settings of the nowcast.
type NowcastConfig struct {
	Weeks       int     // D: the last D received weeks are nowcast (default 6)
	Level       float64 // central prediction interval (default 0.9)
	Samples     int     // posterior draws of the delay CDF (default 400)
	Seed        uint64  // seed of those draws and of the city simulation
	PriorWeeks  int     // weeks before the nowcast weeks that set each unit's prior level (default 26)
	PriorWeight float64 // the most a unit's prior may weigh, in fully reported weeks (default 2)
}

// DefaultNowcastConfig returns the defaults.
func DefaultNowcastConfig() NowcastConfig {
	return NowcastConfig{Weeks: 6, Level: 0.9, Samples: 400, Seed: 20261125, PriorWeeks: 26, PriorWeight: 2}
}

// Validate checks the settings.
func (c NowcastConfig) Validate() error {
	switch {
	case c.Weeks < 1 || c.Weeks > 52:
		return fmt.Errorf("analysis: nowcast: %d weeks, want 1..52", c.Weeks)
	case !(c.Level > 0 && c.Level < 1):
		return fmt.Errorf("analysis: nowcast: level %v, want in (0,1)", c.Level)
	case c.Samples < 1 || c.Samples > 100000:
		return fmt.Errorf("analysis: nowcast: %d samples, want 1..100000", c.Samples)
	case c.PriorWeeks < 1:
		return fmt.Errorf("analysis: nowcast: %d prior weeks, want >= 1", c.PriorWeeks)
	case !(c.PriorWeight > 0) || math.IsInf(c.PriorWeight, 0):
		return fmt.Errorf("analysis: nowcast: prior weight %v, want > 0", c.PriorWeight)
	}
	return nil
}

// NowcastWeek is the nowcast of one received week.
type NowcastWeek struct {
	Week     models.Week
	Delay    int     // weeks between Week and the nowcast's Now
	Observed float64 // cases seen so far
	Reported float64 // posterior mean share of the week's cases seen so far, F(Delay)
	Mean     float64 // predictive mean of the final count
	Median   float64
	Lower    float64 // central prediction interval at the configured level
	Upper    float64
	// Mass is the predictive probability of [Lower, Upper]: at least
	// Level, more when the count is small (a discrete interval cannot hit
	// the level exactly). Calibration is judged against it.
	Mass float64
}

// SeriesNowcast is the nowcast of one unit.
type SeriesNowcast struct {
	Unit  string
	Prior NBPrior
	Weeks []NowcastWeek // oldest first
}

// Nowcast is the result of NowcastPanel.
type Nowcast struct {
	Now   models.Week
	Level float64
	Size  float64 // pooled negative-binomial size of the weekly counts (before the prior-weight cap)
	Units []SeriesNowcast
	City  []NowcastWeek // sum over units; interval by simulation
}

// NowcastInput is what NowcastPanel needs: counts as seen so far per unit and
// received week (oldest first, the last column is the newest received week),
// the week Now whose arrivals are the latest seen (a column t has Now-t
// weeks of delay observed; a week after Now has nothing seen yet: a run in a
// week without delivery), and the delay distributions.
type NowcastInput struct {
	Units   []string
	Start   models.Week
	Counts  [][]float64
	Now     models.Week
	Pooled  *DelayDist
	Groups  map[string]*DelayDist // optional, by group name
	GroupOf map[string]string     // unit -> group; units without a group use Pooled
}

// NowcastPanel nowcasts the last cfg.Weeks received weeks of every unit and
// of the city. The method (a documented simplification of Höhle & an der
// Heiden 2014, "bayes.trunc" with a unit-level prior):
//
//   - each unit's final weekly count has a negative-binomial prior with the
//     unit's level mu_u, estimated from the PriorWeeks weeks before the
//     nowcast weeks as sum(y_t)/sum(F(Now-t)) (incomplete weeks corrected),
//     shrunk toward the mean unit level by one week's weight so a unit with no
//     case so far is not nowcast as zero, and a size k pooled over units by
//     moments; the prior may weigh at most PriorWeight fully reported weeks
//     (size <= PriorWeight*mu), so that a rise already visible in the first
//     reports is not smoothed away;
//   - the unseen count given y seen so far and F is negative binomial (see
//     nowcast_predictive.go), averaged over Samples posterior draws of the
//     unit's group delay CDF;
//   - the city's mean is the sum of the units' means and its interval comes
//     from simulating every unit with the same draw of each group's CDF
//     (the units share the delay uncertainty).
func NowcastPanel(in NowcastInput, cfg NowcastConfig) (*Nowcast, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if in.Pooled == nil {
		return nil, fmt.Errorf("analysis: nowcast: no delay distribution")
	}
	if len(in.Counts) != len(in.Units) {
		return nil, fmt.Errorf("analysis: nowcast: %d units but %d count rows", len(in.Units), len(in.Counts))
	}
	if len(in.Units) == 0 {
		return nil, fmt.Errorf("analysis: nowcast: no units")
	}
	T := len(in.Counts[0])
	for u, row := range in.Counts {
		if len(row) != T {
			return nil, fmt.Errorf("analysis: nowcast: unit %s has %d weeks, want %d", in.Units[u], len(row), T)
		}
		for t, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("analysis: nowcast: unit %s week %s: count %v", in.Units[u], in.Start.Add(t), v)
			}
		}
	}
	if T == 0 {
		return nil, fmt.Errorf("analysis: nowcast: no weeks")
	}
	D := in.Pooled.MaxDelay
	for g, dd := range in.Groups {
		if dd == nil || dd.MaxDelay != D {
			return nil, fmt.Errorf("analysis: nowcast: group %q has no delay distribution of max delay %d", g, D)
		}
	}

	// Posterior draws of each delay distribution, shared by its units.
	dists, distOf := nowcastDists(in)
	src := rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)
	draws := make([][][]float64, len(dists)) // [dist][sample][delay]
	means := make([][]float64, len(dists))
	for i, dd := range dists {
		means[i] = dd.CDF()
		draws[i] = make([][]float64, cfg.Samples)
		for s := range draws[i] {
			draws[i][s] = make([]float64, D+1)
			dd.SampleCDF(src, draws[i][s])
		}
	}
	share := func(F []float64, delay int) float64 {
		switch {
		case delay < 0: // received after the latest arrival: nothing can be seen yet
			return 0
		case delay >= D:
			return 1
		}
		return F[delay]
	}

	first := max(0, T-cfg.Weeks)
	priors, size := nowcastPriors(in, cfg, first, func(u, t int) float64 {
		return share(means[distOf[u]], in.Now.Sub(in.Start.Add(t)))
	})
	res := &Nowcast{Now: in.Now, Level: cfg.Level, Size: size, Units: make([]SeriesNowcast, len(in.Units))}
	for u, code := range in.Units {
		res.Units[u] = SeriesNowcast{Unit: code, Prior: priors[u],
			Weeks: nowcastWeeks(in.Counts[u], in.Start, in.Now, first, draws[distOf[u]], means[distOf[u]], priors[u], cfg.Level)}
	}
	res.City = cityNowcast(in, res, draws, distOf, first, cfg, share)
	return res, nil
}

// nowcastWeeks nowcasts columns first.. of one series y (column 0 = week
// start) as of week now, given posterior draws of the delay CDF, their mean
// and the series' prior.
func nowcastWeeks(y []float64, start, now models.Week, first int, draws [][]float64, meanF []float64,
	pr NBPrior, level float64) []NowcastWeek {
	D := len(meanF) - 1
	share := func(F []float64, delay int) float64 {
		switch {
		case delay < 0: // received after the latest arrival: nothing can be seen yet
			return 0
		case delay >= D:
			return 1
		}
		return F[delay]
	}
	a := (1 - level) / 2
	ps := make([]float64, len(draws))
	var out []NowcastWeek
	for t := first; t < len(y); t++ {
		wk := start.Add(t)
		delay := now.Sub(wk)
		for s := range ps {
			ps[s] = share(draws[s], delay)
		}
		pd := mixPredictive(y[t], ps, pr)
		lo, hi := pd.quantile(a), pd.quantile(1-a)
		out = append(out, NowcastWeek{Week: wk, Delay: delay, Observed: y[t], Reported: share(meanF, delay),
			Mean: y[t] + pd.mean, Median: y[t] + pd.quantile(0.5), Lower: y[t] + lo, Upper: y[t] + hi,
			Mass: pd.mass(lo, hi)})
	}
	return out
}

// nowcastDists lists the delay distributions in use (pooled first, then the
// groups in name order) and the index of each unit's.
func nowcastDists(in NowcastInput) ([]*DelayDist, []int) {
	dists := []*DelayDist{in.Pooled}
	names := make([]string, 0, len(in.Groups))
	for g := range in.Groups {
		names = append(names, g)
	}
	sort.Strings(names)
	idx := map[string]int{}
	for _, g := range names {
		idx[g] = len(dists)
		dists = append(dists, in.Groups[g])
	}
	distOf := make([]int, len(in.Units))
	for u, code := range in.Units {
		if i, ok := idx[in.GroupOf[code]]; ok {
			distOf[u] = i
		}
	}
	return dists, distOf
}

// nowcastPriors sets each unit's negative-binomial prior from the weeks
// before column first (see NowcastPanel) and returns the pooled size.
func nowcastPriors(in NowcastInput, cfg NowcastConfig, first int, share func(u, t int) float64) ([]NBPrior, float64) {
	lo := max(0, first-cfg.PriorWeeks)
	n := len(in.Units)
	sumY, sumF := make([]float64, n), make([]float64, n)
	var m2, excess, cityRate float64
	var withData int
	for u := range in.Units {
		var adj []float64
		for t := lo; t < first; t++ {
			f := share(u, t)
			sumY[u] += in.Counts[u][t]
			sumF[u] += f
			if f > 0.05 {
				adj = append(adj, in.Counts[u][t]/f)
			}
		}
		if sumF[u] > 0 {
			cityRate += sumY[u] / sumF[u]
			withData++
		}
		// Moments of the completed weekly counts for the pooled size:
		// var = mean + mean^2/k summed over units.
		if len(adj) >= 2 {
			var mean, v float64
			for _, x := range adj {
				mean += x
			}
			mean /= float64(len(adj))
			for _, x := range adj {
				v += (x - mean) * (x - mean)
			}
			v /= float64(len(adj) - 1)
			m2 += mean * mean
			excess += v - mean
		}
	}
	mbar := 0.0
	if withData > 0 {
		mbar = cityRate / float64(withData)
	}
	const minSize, maxSize float64 = 0.1, 100
	size := maxSize
	if excess > 0 && m2 > 0 {
		size = math.Min(math.Max(m2/excess, minSize), maxSize)
	}
	out := make([]NBPrior, n)
	for u := range out {
		mu := (sumY[u] + mbar) / (sumF[u] + 1) // one week of the mean unit's level
		k := size
		if mu > 0 && k/mu > cfg.PriorWeight {
			k = cfg.PriorWeight * mu
		}
		out[u] = NBPrior{Mean: mu, Size: k}
	}
	return out, size
}

// cityNowcast sums the units: mean exactly, interval by simulating each
// unit's unseen count with the same draw of each delay distribution.
func cityNowcast(in NowcastInput, res *Nowcast, draws [][][]float64, distOf []int, first int,
	cfg NowcastConfig, share func([]float64, int) float64) []NowcastWeek {
	T := len(in.Counts[0])
	W := T - first
	city := make([]NowcastWeek, W)
	for i := range city {
		wk := in.Start.Add(first + i)
		city[i] = NowcastWeek{Week: wk, Delay: in.Now.Sub(wk)}
	}
	for _, sn := range res.Units {
		for i, w := range sn.Weeks {
			city[i].Observed += w.Observed
			city[i].Mean += w.Mean
		}
	}
	src := rand.NewPCG(cfg.Seed^0xa5a5a5a5, cfg.Seed)
	sims := make([][]float64, W)
	for i := range sims {
		sims[i] = make([]float64, cfg.Samples)
	}
	for s := 0; s < cfg.Samples; s++ {
		for u := range in.Units {
			pr := res.Units[u].Prior
			for i := 0; i < W; i++ {
				y := in.Counts[u][first+i]
				r, q := unseenNB(y, share(draws[distOf[u]][s], city[i].Delay), pr)
				sims[i][s] += drawNB(src, r, q)
			}
		}
	}
	a := (1 - cfg.Level) / 2
	for i := range city {
		sort.Float64s(sims[i])
		city[i].Lower = city[i].Observed + sampleQuantile(sims[i], a)
		city[i].Median = city[i].Observed + sampleQuantile(sims[i], 0.5)
		city[i].Upper = city[i].Observed + sampleQuantile(sims[i], 1-a)
		if city[i].Mean > 0 { // the share of the expected final count seen so far
			city[i].Reported = city[i].Observed / city[i].Mean
		} else {
			city[i].Reported = 1
		}
	}
	return city
}

// drawNB draws NegBin(size r, failure probability q) as a gamma mixture of
// Poissons.
func drawNB(src rand.Source, r, q float64) float64 {
	if q <= 0 || r <= 0 {
		return 0
	}
	lam := distuv.Gamma{Alpha: r, Beta: (1 - q) / q, Src: src}.Rand()
	return distuv.Poisson{Lambda: lam, Src: src}.Rand()
}

// sampleQuantile is the type-1 (inverse empirical CDF) quantile of sorted xs.
func sampleQuantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(p*float64(len(xs)))) - 1
	return xs[min(max(i, 0), len(xs)-1)]
}
