package analysis

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
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
	cusumSpan  = 12   // weeks the CUSUM feature accumulates over
)

// sevWindows are the windows of the composite severity features.
var sevWindows = []int{2, 4, 8}

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
//     serious_lr_4 over the neighbours' sums, and (with the marked stream)
//     nb_tail_marked_3 = min(−log10 P(Y >= c), 12) with c the neighbours'
//     marked cases of the last 3 weeks and Y ~ Poisson(Σ 3·r_v) over their
//     own stream rates (see the per-stream features below).
//   - composite severity (every signal but land summed): sev_lr_w =
//     log((c+0.5)/(w r+0.5)) and sev_n_w = log(1+c) for w = 2, 4, 8 weeks, r
//     the unit's shrunk weekly rate of the sum as for the single signals.
//   - cusum_12: a Poisson CUSUM over the last 12 weeks, S = max(0, S + y·ln 2 −
//     e) from 0 at t−11, with e = E_8/8 the unit's expected weekly cases of
//     the 8-week window: the cumulative excess of a rise that builds slowly,
//     which the fixed windows see late; nb_cusum_12 is the neighbours' largest.
//   - per stream of markStreams (all cases; marked = repeat parties + violence
//     risk + crime signs; repeat; violence + crime; land/boundary; not
//     settled; tension = summaries describing threats, shouting, scuffles or
//     recurrence, ingest.Tension), against the unit's weekly rate r of the
//     cfg.History weeks before the last 12, shrunk to the city's per-unit rate by 26
//     pseudo-weeks: pcusum_s = a 12-week Poisson CUSUM S = max(0, S + y·ln ρ −
//     r(ρ−1)) (ρ = 2 for cases, land and not settled, 3 for the marks), and,
//     but for not settled (known late), tail_s_w = min(−log10 P(Y >= c), 12)
//     with c the count of the last w = 1, 2, 3 weeks and Y ~ Poisson(w·r):
//     two repeat or violence cases in a unit that sees one a year are
//     already unlikely, which the log-ratios of sparse units do not show.
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
	if len(d.Signals) > 0 {
		for _, w := range sevWindows {
			add(fmt.Sprintf("sev_lr_%d", w), "serious", w)
			add(fmt.Sprintf("sev_n_%d", w), "serious", w)
		}
	}
	add("cusum_12", "excess", cusumSpan)
	streams := markStreams(d)
	for _, st := range streams {
		add("pcusum_"+st.name, st.code, cusumSpan)
	}
	for _, st := range streams {
		if !st.tail {
			continue
		}
		for _, w := range tailWindows {
			add(fmt.Sprintf("tail_%s_%d", st.name, w), st.code, w)
		}
	}
	add("nb_lr_4", "neighbours", 4)
	add("nb_p_4", "neighbours", 4)
	add("nb_lr_2", "neighbours", 2)
	add("nb_serious_lr_4", "neighbours_serious", 4)
	add("nb_cusum_12", "neighbours", cusumSpan)
	hasMarked := false
	for _, st := range streams {
		hasMarked = hasMarked || st.name == "marked"
	}
	if hasMarked {
		add("nb_tail_marked_3", "neighbours_marked", nbMarkedWeeks)
	}
	add("season_sin", "season", 0)
	add("season_cos", "season", 0)
	add("history", "history", 0)
	add("base_rate", "base_rate", 0)
	nf := len(cols)
	idx := map[string]int{}
	for i, c := range cols {
		idx[c.Name] = i
	}
	// Column indexes are looked up once here, not per unit and week (at
	// national scale the per-cell fmt.Sprintf and map lookups cost seconds).
	iExP, iExLR, iScore := make([]int, len(featureWindows)), make([]int, len(featureWindows)), make([]int, len(featureWindows))
	for wi, w := range featureWindows {
		iExP[wi], iExLR[wi], iScore[wi] = idx[fmt.Sprintf("excess_p_%d", w)], idx[fmt.Sprintf("excess_lr_%d", w)], idx[fmt.Sprintf("score_%d", w)]
	}
	iSigLR, iSigN := make([]int, len(d.Signals)), make([]int, len(d.Signals))
	for k, s := range d.Signals {
		iSigLR[k], iSigN[k] = idx["sig_lr_"+s], idx["sig_n_"+s]
	}
	iSevLR, iSevN := make([]int, len(sevWindows)), make([]int, len(sevWindows))
	for wi, w := range sevWindows {
		iSevLR[wi], iSevN[wi] = idx[fmt.Sprintf("sev_lr_%d", w)], idx[fmt.Sprintf("sev_n_%d", w)]
	}
	iPcusum, iTail := make([]int, len(streams)), make([][]int, len(streams))
	for si, st := range streams {
		iPcusum[si] = idx["pcusum_"+st.name]
		if st.tail {
			iTail[si] = make([]int, len(tailWindows))
			for wi, w := range tailWindows {
				iTail[si][wi] = idx[fmt.Sprintf("tail_%s_%d", st.name, w)]
			}
		}
	}
	iSeriousLR4, iCases1, iCases4, iTrend4, iTrend8 := idx["serious_lr_4"], idx["cases_1"], idx["cases_4"], idx["trend_4"], idx["trend_8"]
	iHistory, iBaseRate, iSeasonSin, iSeasonCos := idx["history"], idx["base_rate"], idx["season_sin"], idx["season_cos"]
	iNbTailM, iTailM3 := -1, -1
	if hasMarked {
		iNbTailM, iTailM3 = idx["nb_tail_marked_3"], idx[fmt.Sprintf("tail_marked_%d", nbMarkedWeeks)]
	}
	iCusum, iNbCusum, iNbLR4, iNbP4, iNbLR2, iNbSeriousLR4 := idx["cusum_12"], idx["nb_cusum_12"], idx["nb_lr_4"], idx["nb_p_4"], idx["nb_lr_2"], idx["nb_serious_lr_4"]

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
		// One allocation for the week's three U x nf blocks instead of 3·U
		// (the rows keep their own capacity so an append cannot spill into
		// the next row).
		cells := make([]float64, 3*U*nf)
		for u := range X {
			X[u] = cells[(3*u)*nf : (3*u+1)*nf : (3*u+1)*nf]
			raw[u] = cells[(3*u+1)*nf : (3*u+2)*nf : (3*u+2)*nf]
			base[u] = cells[(3*u+2)*nf : (3*u+3)*nf : (3*u+3)*nf]
		}
		set := func(u, i int, x, r, b float64) {
			X[u][i], raw[u][i], base[u][i] = x, r, b
		}
		asOf := p.Start.Add(t)
		var ind4 []float64 // per unit: O, E, S, E*s0 of the 4-week window
		obs := map[int][]float64{}
		exp := map[int][]float64{}
		exP := map[int][]float64{}
		for wi, w := range featureWindows {
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
				set(u, iExP[wi], ep, in.Observed, in.Expected)
				set(u, iExLR[wi], lr, in.Observed, in.Expected)
				set(u, iScore[wi], math.Min(in.Score, pCap), in.Observed, in.Expected)
				obs[w][u], exp[w][u], exP[w][u] = in.Observed, in.Expected, ep
				if w == 4 {
					es := in.Expected * in.SeriousBase
					set(u, iSeriousLR4, math.Log((in.Serious+0.5)/(es+0.5)), in.Serious, es)
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
			set(u, iCases1, math.Log1p(y1), y1, 0)
			set(u, iCases4, math.Log1p(l4), l4, 0)
			set(u, iTrend4, math.Log((l4+0.5)/(p4+0.5)), l4, p4)
			set(u, iTrend8, math.Log((l8+0.5)/(p8+0.5)), l8, p8)
			hist := 0.0
			if firstCase[u] >= 0 && firstCase[u] <= t {
				hist = float64(min(t-firstCase[u]+1, 156))
			}
			set(u, iHistory, math.Log1p(hist), hist, 0)
			rate[u] = sum(cum[u], histFirst, histLast) / nHist
			set(u, iBaseRate, math.Log(0.05+rate[u]), rate[u], 0)
			woy := float64(asOf.Num)
			set(u, iSeasonSin, math.Sin(2*math.Pi*woy/52.18), woy, 0)
			set(u, iSeasonCos, math.Cos(2*math.Pi*woy/52.18), woy, 0)
		}
		for k := range d.Signals {
			var city float64
			for u := range p.Units {
				city += sum(sigCum[k][u], histFirst, histLast)
			}
			rc := city / nHist / float64(U)
			for u := range p.Units {
				h := sum(sigCum[k][u], histFirst, histLast)
				r := (h + sigPrior*rc) / (nHist + sigPrior)
				c := sum(sigCum[k][u], t-recentSpan+1, t)
				set(u, iSigLR[k], math.Log((c+0.5)/(recentSpan*r+0.5)), c, recentSpan*r)
				set(u, iSigN[k], math.Log1p(c), c, recentSpan*r)
			}
		}
		// Composite severity: all signals but land summed (every one an
		// escalation sign), over windows of 2, 4 and 8 weeks, against the
		// unit's shrunk rate of the same sum.
		if len(d.Signals) > 0 {
			var city float64
			hs := make([]float64, U)
			for k, s := range d.Signals {
				if s == "land" {
					continue
				}
				for u := range p.Units {
					h := sum(sigCum[k][u], histFirst, histLast)
					hs[u] += h
					city += h
				}
			}
			rc := city / nHist / float64(U)
			for u := range p.Units {
				r := (hs[u] + sigPrior*rc) / (nHist + sigPrior)
				for wi, w := range sevWindows {
					var c float64
					for k, s := range d.Signals {
						if s != "land" {
							c += sum(sigCum[k][u], t-w+1, t)
						}
					}
					e := float64(w) * r
					set(u, iSevLR[wi], math.Log((c+0.5)/(e+0.5)), c, e)
					set(u, iSevN[wi], math.Log1p(c), c, e)
				}
			}
		}
		// CUSUM of the last cusumSpan weeks, restarted at t−cusumSpan+1 so
		// that it depends on those weeks only: S = max(0, S + y_s·ln 2 − e)
		// with e = E_8/8 the unit's expected weekly cases of the 8-week window
		// (the Poisson log-likelihood ratio of a doubled rate, Lucas 1985).
		cus := make([]float64, U)
		for u := range p.Units {
			e := exp[8][u] / 8
			var s float64
			for k := max(t-cusumSpan+1, 0); k <= t; k++ {
				s = math.Max(0, s+p.Counts[u][k]*math.Ln2-e)
			}
			cus[u] = s
			set(u, iCusum, s, sum(cum[u], t-cusumSpan+1, t), e*cusumSpan)
		}
		// Per-stream Poisson CUSUMs and tail probabilities against the unit's
		// rate before the CUSUM span (see markStreams).
		hl := t - cusumSpan
		hf := max(0, hl-cfg.History+1)
		nh := float64(hl - hf + 1)
		for si, st := range streams {
			var city float64
			for u := range p.Units {
				city += sum(st.cum[u], hf, hl)
			}
			rc := 0.0
			if nh > 0 {
				rc = city / nh / float64(U)
			}
			lr := math.Log(st.rho)
			for u := range p.Units {
				r := (math.Max(sum(st.cum[u], hf, hl), 0) + sigPrior*rc) / (math.Max(nh, 0) + sigPrior)
				var s float64
				for k := max(t-cusumSpan+1, 0); k <= t; k++ {
					s = math.Max(0, s+st.v[u][k]*lr-r*(st.rho-1))
				}
				set(u, iPcusum[si], s, sum(st.cum[u], t-cusumSpan+1, t), r*cusumSpan)
				if !st.tail {
					continue
				}
				for wi, w := range tailWindows {
					c := sum(st.cum[u], t-w+1, t)
					set(u, iTail[si][wi], poissonTail(c, r*float64(w)), c, r*float64(w))
				}
			}
		}
		for u := range p.Units {
			var o4, e4, s4, es4, o2, e2, pmax, cmax float64
			var omax, emax float64
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
				if cus[v] > cmax {
					cmax, omax, emax = cus[v], sum(cum[v], t-cusumSpan+1, t), exp[8][v]/8*cusumSpan
				}
			}
			set(u, iNbCusum, cmax, omax, emax)
			if hasMarked {
				// The neighbourhood's marked cases (repeat parties, violence
				// risk, crime signs) of the last weeks against the
				// neighbours' summed own rates: an escalation spills over
				// into 1–3 neighbours 1–3 weeks after its start, with
				// cases as often marked as the core's, and spillover weeks
				// are positives of the target.
				var c, e float64
				for _, v := range nb {
					c += raw[v][iTailM3]
					e += base[v][iTailM3]
				}
				set(u, iNbTailM, poissonTail(c, e), c, e)
			}
			set(u, iNbLR4, math.Log((o4+0.5)/(e4+0.5)), o4, e4)
			set(u, iNbP4, pmax, o4, e4)
			set(u, iNbLR2, math.Log((o2+0.5)/(e2+0.5)), o2, e2)
			set(u, iNbSeriousLR4, math.Log((s4+0.5)/(es4+0.5)), s4, es4)
		}
		f.X = append(f.X, X)
		f.Raw = append(f.Raw, raw)
		f.Base = append(f.Base, base)
		f.Rate = append(f.Rate, rate)
	}
	return f, nil
}

// nbMarkedWeeks is the window of nb_tail_marked_3 (one of tailWindows).
const nbMarkedWeeks = 3

// tailWindows are the windows (weeks ending at t) of the Poisson tail features.
var tailWindows = []int{1, 2, 3}

// markStream is a weekly count series of a unit with a Poisson CUSUM
// (alternative rate rho times the unit's own) and, when tail, Poisson tail
// features.
type markStream struct {
	name, code string
	rho        float64
	tail       bool
	v, cum     [][]float64 // [unit][week] counts and their cumulative sums (T+1)
}

// markStreams returns the streams of the CUSUM and tail features: all cases
// ("cases", rho 2), the marked cases (repeat parties + violence risk + crime
// signs, "marked", rho 3), repeat parties ("repeat", rho 3), violence risk +
// crime signs ("vc", rho 3), land/boundary ("land", rho 2), not settled
// ("not_settled", rho 2, CUSUM only: it is known late) and tension
// ("tension", rho 3, the summary flag of migration 011), each when its
// signals exist. Driver codes: "marked" for the marked and vc streams (counts
// of cases, not a share, so not "serious"), "tension" for tension. Episode
// cases carry these marks far more often than ordinary ones (repeat parties,
// violence), so a few of them in a sparse unit are already unlikely under its
// rate.
func markStreams(d *RiskData) []markStream {
	p := d.Panel
	U, T := len(p.Units), p.Weeks()
	sig := map[string]int{}
	for k, s := range d.Signals {
		sig[s] = k
	}
	comb := func(names ...string) [][]float64 {
		found := false
		out := make([][]float64, U)
		for u := range out {
			out[u] = make([]float64, T)
		}
		for _, n := range names {
			k, ok := sig[n]
			if !ok {
				continue
			}
			found = true
			for u := range out {
				for t, v := range d.Values[k][u] {
					out[u][t] += v
				}
			}
		}
		if !found {
			return nil
		}
		return out
	}
	cand := []markStream{
		{name: "cases", code: "excess", rho: 2, tail: true, v: p.Counts},
		{name: "marked", code: "marked", rho: 3, tail: true, v: comb("repeat", "violence", "crime")},
		{name: "repeat", code: "repeat", rho: 3, tail: true, v: comb("repeat")},
		{name: "vc", code: "marked", rho: 3, tail: true, v: comb("violence", "crime")},
		{name: "land", code: "land", rho: 2, tail: true, v: comb("land")},
		{name: "not_settled", code: "not_settled", rho: 2, v: comb("not_settled")},
		// The summaries that describe threats, shouting, scuffles or
		// recurrence (ingest.Tension): a stream of its own, not part of
		// "marked" — measured both ways (docs/risk.md, fourth round), the
		// lexicon also matches ordinary cases ("đòi nợ nhiều lần"), which
		// dilutes the marked cases' tail and its alert rule.
		{name: "tension", code: "tension", rho: 3, tail: true, v: comb("tension")},
	}
	var out []markStream
	for _, st := range cand {
		if st.v == nil {
			continue
		}
		st.cum = make([][]float64, U)
		for u := range st.cum {
			c := make([]float64, T+1)
			for t, x := range st.v[u] {
				c[t+1] = c[t] + x
			}
			st.cum[u] = c
		}
		out = append(out, st)
	}
	return out
}

// poissonTail returns min(−log10 P(Y >= y), 12) for Y ~ Poisson(mu), 0 when
// y <= 0: P(Y >= k) is the regularised lower incomplete gamma P(k, mu).
func poissonTail(y, mu float64) float64 {
	k := math.Floor(y + 1e-9)
	if k <= 0 {
		return 0
	}
	if mu <= 0 {
		return pCap
	}
	p := mathext.GammaIncReg(k, mu)
	if !(p > 0) {
		return pCap
	}
	return math.Min(-math.Log10(p), pCap)
}
