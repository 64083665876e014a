package analysis

import (
	"fmt"
	"math"
)

// RiskData is what the risk features are computed from: the case panel, the
// severity signals of the same units and weeks, and the neighbour graph.
type RiskData struct {
	Panel      *Panel
	Signals    []string      // names of the severity signals ("violence", "land", ...); may be empty
	Values     [][][]float64 // [signal][unit][week], the shape of Panel.Counts
	Neighbours [][]int       // [unit] indexes of the units sharing a border
}

// Validate checks the shapes of the signals and the neighbour indexes.
func (d *RiskData) Validate() error {
	if err := d.Panel.Validate(); err != nil {
		return err
	}
	U, T := len(d.Panel.Units), d.Panel.Weeks()
	if len(d.Values) != len(d.Signals) {
		return fmt.Errorf("analysis: %d signal names but %d signal panels", len(d.Signals), len(d.Values))
	}
	for k, v := range d.Values {
		if len(v) != U {
			return fmt.Errorf("analysis: signal %s has %d units, want %d", d.Signals[k], len(v), U)
		}
		for u := range v {
			if len(v[u]) != T {
				return fmt.Errorf("analysis: signal %s unit %s has %d weeks, want %d", d.Signals[k], d.Panel.Units[u], len(v[u]), T)
			}
		}
	}
	if d.Neighbours != nil && len(d.Neighbours) != U {
		return fmt.Errorf("analysis: neighbour lists for %d units, want %d", len(d.Neighbours), U)
	}
	for u, nb := range d.Neighbours {
		for _, v := range nb {
			if v < 0 || v >= U || v == u {
				return fmt.Errorf("analysis: unit %s has neighbour index %d", d.Panel.Units[u], v)
			}
		}
	}
	return nil
}

// Feature describes one column of the feature matrix and how it reads as a
// flag's driver.
type Feature struct {
	Name  string // e.g. "excess_lr_4"
	Code  string // driver code: "excess", "serious", "violence", "neighbours", "trend", ...
	Weeks int    // weeks the raw numbers cover (0: not a windowed quantity)
}

// Features is the feature tensor of a panel: for every week column from First
// on, one row per unit, with the raw numbers a driver quotes.
type Features struct {
	Cols  []Feature
	First int           // first panel column with features
	X     [][][]float64 // [week-First][unit][feature]
	Raw   [][][]float64 // [week-First][unit][feature] the observed quantity behind the feature
	Base  [][][]float64 // [week-First][unit][feature] what was expected for Raw
	Rate  [][]float64   // [week-First][unit] the unit's mean weekly cases over its history (base rate)
}

// Row returns the features of unit u in panel column t.
func (f *Features) Row(t, u int) []float64 { return f.X[t-f.First][u] }

// featureWindows are the Escalation windows whose outputs are features.
var featureWindows = []int{2, 4, 8}

// Constants of the features.
const (
	pCap       = 12.0 // cap on -log10 p-values
	sigPrior   = 26.0 // weeks of city-average pseudo-history in a unit's signal rate
	recentSpan = 4    // weeks of the recent window of the signal and neighbour features
)

// BuildFeatures computes the features of every unit in every week column
// t >= first at which the Escalation indicator has enough history for the
// longest window (MinHistory weeks before it). Everything in row t uses data
// of weeks <= t only. The columns, for unit u and week t:
//
//   - For windows w = 2, 4, 8 weeks ending at t, from Escalation with cfg
//     (window replaced): excess_p_w = min(-log10 p_excess, 12), excess_lr_w =
//     log((O+0.5)/(E+0.5)) and score_w = the combined score (excess, serious
//     share, serious count).
//   - serious_lr_4 = log((S+0.5)/(E·s0+0.5)) with S the serious cases of the 4-week
//     window, E its expected cases and s0 the unit's shrunk serious share.
//   - recent counts: log(1+y_t), log(1+Σ last 4); trend_4 = log((last 4+0.5)/(4
//     before+0.5)); trend_8 likewise with 8 weeks.
//   - for every severity signal k: sig_lr_k = log((c+0.5)/(4 r+0.5)) with c its
//     count in the last 4 weeks and r = (H_u + 26 r_city)/(n_u + 26) the unit's
//     weekly rate over its history before the window (n_u weeks, H_u events)
//     shrunk towards the city's per-unit rate r_city by 26 pseudo-weeks; and
//     sig_n_k = log(1+c).
//   - neighbours (spatial lag over the border graph): nb_lr_4 = log((ΣO+0.5)/(ΣE+0.5))
//     over the neighbours' 4-week windows, nb_p_4 = the neighbours' largest
//     excess_p_4, nb_lr_2 likewise with the 2-week window, nb_serious_lr_4 as
//     serious_lr_4 over the neighbours' sums.
//   - season: sin and cos of 2π·(week of year)/52.18.
//   - history: log(1 + weeks since the unit's first case, at most 156);
//     base rate: log(0.05 + mean weekly cases of the unit over its history).
func BuildFeatures(d *RiskData, cfg Config) (*Features, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	p := d.Panel
	U, T := len(p.Units), p.Weeks()
	first := MinHistory + featureWindows[len(featureWindows)-1] - 1 + cfg.Guard
	if first >= T {
		return nil, fmt.Errorf("analysis: %d weeks in the panel, features need at least %d", T, first+1)
	}
	cols := []Feature{}
	add := func(name, code string, weeks int) { cols = append(cols, Feature{name, code, weeks}) }
	for _, w := range featureWindows {
		add(fmt.Sprintf("excess_p_%d", w), "excess", w)
		add(fmt.Sprintf("excess_lr_%d", w), "excess", w)
		add(fmt.Sprintf("score_%d", w), "score", w)
	}
	add("serious_lr_4", "serious", 4)
	add("cases_1", "cases", 1)
	add("cases_4", "cases", 4)
	add("trend_4", "trend", 8)
	add("trend_8", "trend", 16)
	for _, s := range d.Signals {
		add("sig_lr_"+s, s, recentSpan)
		add("sig_n_"+s, s, recentSpan)
	}
	add("nb_lr_4", "neighbours", 4)
	add("nb_p_4", "neighbours", 4)
	add("nb_lr_2", "neighbours", 2)
	add("nb_serious_lr_4", "neighbours_serious", 4)
	add("season_sin", "season", 0)
	add("season_cos", "season", 0)
	add("history", "history", 0)
	add("base_rate", "base_rate", 0)
	nf := len(cols)
	idx := map[string]int{}
	for i, c := range cols {
		idx[c.Name] = i
	}

	// First case of each unit and cumulative sums for fast window totals.
	firstCase := make([]int, U)
	cum := make([][]float64, U)
	for u := range p.Units {
		firstCase[u] = -1
		cum[u] = make([]float64, T+1)
		for t, v := range p.Counts[u] {
			cum[u][t+1] = cum[u][t] + v
			if v > 0 && firstCase[u] < 0 {
				firstCase[u] = t
			}
		}
	}
	sum := func(c []float64, a, b int) float64 { // Σ columns a..b inclusive, clipped
		a = max(a, 0)
		if b < a {
			return 0
		}
		return c[b+1] - c[a]
	}
	sigCum := make([][][]float64, len(d.Signals))
	for k := range d.Signals {
		sigCum[k] = make([][]float64, U)
		for u := range p.Units {
			c := make([]float64, T+1)
			for t, v := range d.Values[k][u] {
				c[t+1] = c[t] + v
			}
			sigCum[k][u] = c
		}
	}

	f := &Features{Cols: cols, First: first}
	for t := first; t < T; t++ {
		X := make([][]float64, U)
		raw := make([][]float64, U)
		base := make([][]float64, U)
		for u := range X {
			X[u] = make([]float64, nf)
			raw[u] = make([]float64, nf)
			base[u] = make([]float64, nf)
		}
		set := func(u int, name string, x, r, b float64) {
			i := idx[name]
			X[u][i], raw[u][i], base[u][i] = x, r, b
		}
		asOf := p.Start.Add(t)
		var ind4 []float64 // per unit: O, E, S, E*s0 of the 4-week window
		obs := map[int][]float64{}
		exp := map[int][]float64{}
		exP := map[int][]float64{}
		for _, w := range featureWindows {
			c := cfg
			c.Window = w
			inds, err := Escalation(p, asOf, c)
			if err != nil {
				return nil, fmt.Errorf("analysis: features of %s: %w", asOf, err)
			}
			obs[w], exp[w], exP[w] = make([]float64, U), make([]float64, U), make([]float64, U)
			if w == 4 {
				ind4 = make([]float64, 4*U)
			}
			for u, in := range inds {
				ep := math.Min(-math.Log10(math.Max(in.PValue, 1e-300)), pCap)
				lr := math.Log((in.Observed + 0.5) / (in.Expected + 0.5))
				set(u, fmt.Sprintf("excess_p_%d", w), ep, in.Observed, in.Expected)
				set(u, fmt.Sprintf("excess_lr_%d", w), lr, in.Observed, in.Expected)
				set(u, fmt.Sprintf("score_%d", w), math.Min(in.Score, pCap), in.Observed, in.Expected)
				obs[w][u], exp[w][u], exP[w][u] = in.Observed, in.Expected, ep
				if w == 4 {
					es := in.Expected * in.SeriousBase
					set(u, "serious_lr_4", math.Log((in.Serious+0.5)/(es+0.5)), in.Serious, es)
					ind4[4*u], ind4[4*u+1], ind4[4*u+2], ind4[4*u+3] = in.Observed, in.Expected, in.Serious, es
				}
			}
		}
		histLast := t - recentSpan // history of the signal rates ends before the recent window
		histFirst := max(0, histLast-cfg.History+1)
		nHist := float64(histLast - histFirst + 1)
		rate := make([]float64, U)
		for u := range p.Units {
			y1 := p.Counts[u][t]
			l4 := sum(cum[u], t-3, t)
			p4 := sum(cum[u], t-7, t-4)
			l8 := sum(cum[u], t-7, t)
			p8 := sum(cum[u], t-15, t-8)
			set(u, "cases_1", math.Log1p(y1), y1, 0)
			set(u, "cases_4", math.Log1p(l4), l4, 0)
			set(u, "trend_4", math.Log((l4+0.5)/(p4+0.5)), l4, p4)
			set(u, "trend_8", math.Log((l8+0.5)/(p8+0.5)), l8, p8)
			hist := 0.0
			if firstCase[u] >= 0 && firstCase[u] <= t {
				hist = float64(min(t-firstCase[u]+1, 156))
			}
			set(u, "history", math.Log1p(hist), hist, 0)
			rate[u] = sum(cum[u], histFirst, histLast) / nHist
			set(u, "base_rate", math.Log(0.05+rate[u]), rate[u], 0)
			woy := float64(asOf.Num)
			set(u, "season_sin", math.Sin(2*math.Pi*woy/52.18), woy, 0)
			set(u, "season_cos", math.Cos(2*math.Pi*woy/52.18), woy, 0)
		}
		for k, s := range d.Signals {
			var city float64
			for u := range p.Units {
				city += sum(sigCum[k][u], histFirst, histLast)
			}
			rc := city / nHist / float64(U)
			for u := range p.Units {
				h := sum(sigCum[k][u], histFirst, histLast)
				r := (h + sigPrior*rc) / (nHist + sigPrior)
				c := sum(sigCum[k][u], t-recentSpan+1, t)
				set(u, "sig_lr_"+s, math.Log((c+0.5)/(recentSpan*r+0.5)), c, recentSpan*r)
				set(u, "sig_n_"+s, math.Log1p(c), c, recentSpan*r)
			}
		}
		for u := range p.Units {
			var o4, e4, s4, es4, o2, e2, pmax float64
			var nb []int
			if d.Neighbours != nil {
				nb = d.Neighbours[u]
			}
			for _, v := range nb {
				o4 += ind4[4*v]
				e4 += ind4[4*v+1]
				s4 += ind4[4*v+2]
				es4 += ind4[4*v+3]
				o2 += obs[2][v]
				e2 += exp[2][v]
				pmax = math.Max(pmax, exP[4][v])
			}
			set(u, "nb_lr_4", math.Log((o4+0.5)/(e4+0.5)), o4, e4)
			set(u, "nb_p_4", pmax, o4, e4)
			set(u, "nb_lr_2", math.Log((o2+0.5)/(e2+0.5)), o2, e2)
			set(u, "nb_serious_lr_4", math.Log((s4+0.5)/(es4+0.5)), s4, es4)
		}
		f.X = append(f.X, X)
		f.Raw = append(f.Raw, raw)
		f.Base = append(f.Base, base)
		f.Rate = append(f.Rate, rate)
	}
	return f, nil
}
