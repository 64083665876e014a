package main

import (
	"context"
	"fmt"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/warehouse"
)

// The risk model on nowcast counts (issue 11; docs/nowcast.md "Risk model").
// With analyze --nowcast, the last D weeks of the risk data are what is
// expected to arrive rather than what has arrived: the total counts get the
// nowcast means, and every severity stream (and the serious series) gets its
// seen count plus its expected share of the cases still to come.
//
// The risk panel is read by loadRiskData, which applyRisk (fit and predict)
// and the stored-model reuse (predict only) both call through several
// layers that do not know about the nowcast. The run's nowcast settings
// therefore travel in the context of the analyze run: set once in
// analyzeWeek, read in loadRiskData, absent for backtest (which replays
// complete history) and for every other caller.

// riskNowcastKey is the context key of the run's riskNowcast.
type riskNowcastKey struct{}

// riskNowcast is what loadRiskData needs to nowcast the risk panel: the
// nowcast settings of the run and the day the system looks from.
type riskNowcast struct {
	Options nowcastOptions
	AsOf    time.Time
}

// withRiskNowcast returns ctx carrying rn: loadRiskData then nowcasts the
// last rn.Options.Nowcast.Weeks weeks of the risk data.
func withRiskNowcast(ctx context.Context, rn riskNowcast) context.Context {
	return context.WithValue(ctx, riskNowcastKey{}, rn)
}

// riskNowcastFrom returns the riskNowcast carried by ctx, if any.
func riskNowcastFrom(ctx context.Context) (riskNowcast, bool) {
	rn, ok := ctx.Value(riskNowcastKey{}).(riskNowcast)
	return rn, ok
}

// streamPriorCases is the weight, in cases, of the city-wide share in a
// unit's share of a severity stream (streamShares): about three months of a
// median commune (0.8 cases a week in the Hanoi demo), so that a unit with a
// handful of cases in its history does not project 0% or 100% of its missing
// cases into a stream.
const streamPriorCases = 10

// nowcastRiskData returns a copy of rd whose last weeks are nowcast as the
// system sees them on rn.AsOf (rd is not modified):
//
//   - the total counts get the nowcast means (analysis.ApplyNowcast, the same
//     nowcast analyze --nowcast gives the detectors: same counts of those
//     weeks, same as-of day, same seed);
//   - each severity stream and the serious series get, in every nowcast
//     cell, the count seen plus the unit's historical share of the stream
//     times the cases still expected (nowcast mean - seen). Scaling the seen
//     stream by mean/seen instead (as ApplyNowcast does for the detectors'
//     serious counts) would turn one violent case among the first 5% of a
//     busy unit's week into twenty: the share of the few cases seen is noise,
//     and the Poisson tail features read it as a very unlikely burst. The
//     missing cases carry no information about their seriousness beyond the
//     unit's usual mix, so they get that mix, and the cases seen keep exactly
//     the evidence they bring.
//
// Training rows: the model is fitted on rows ending at origin - 4 (their
// surge labels read weeks up to the origin), so with the default D = 6 the
// features of the last two training rows and the labels of the last six
// read nowcast weeks. Those weeks are mostly in (about 85-90% of the cases
// 4-5 weeks after, in the demo, docs/nowcast.md), so their nowcast is close
// to the raw counts, and where it is not, it is the better estimate of what
// the rows will finally hold; the hundreds of older rows are complete in
// practice and identical either way.
//
// The second result is the number of unit-weeks replaced.
func nowcastRiskData(ctx context.Context, w *warehouse.Warehouse, rd *analysis.RiskData, rn riskNowcast) (*analysis.RiskData, int, error) {
	p := rd.Panel
	has, err := w.HasArrivals(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !has {
		// Everything a backfill: no delay to learn from (analyze has
		// already warned when it applied the nowcast to the detectors).
		return rd, 0, nil
	}
	groupOf, err := unitGroups(ctx, w)
	if err != nil {
		return nil, 0, err
	}
	run, err := nowcastCounts(ctx, w, p.Units, p.Start, p.Counts, rn.AsOf, groupOf, rn.Options)
	if err != nil {
		return nil, 0, fmt.Errorf("risk nowcast: %w", err)
	}
	q, flags, err := analysis.ApplyNowcast(p, run.Result)
	if err != nil {
		return nil, 0, fmt.Errorf("risk nowcast: %w", err)
	}
	streams := append([][][]float64{p.Serious}, rd.Values...)
	filled := fillStreams(streams, p.Counts, q.Counts, flags, streamPriorCases)
	out := &analysis.RiskData{
		Panel: &analysis.Panel{Units: p.Units, Population: p.Population, Start: p.Start,
			Counts: q.Counts, Serious: filled[0]},
		Signals: rd.Signals, Values: filled[1:], Neighbours: rd.Neighbours,
	}
	n := 0
	for _, row := range flags {
		for _, f := range row {
			if f {
				n++
			}
		}
	}
	return out, n, nil
}

// fillStreams returns copies of the streams ([stream][unit][week], the shape
// of seen) with every flagged cell raised by the cases still expected
// (nowcast[u][t] - seen[u][t], when positive) times the unit's share of the
// stream per case. The share is taken over the unit's unflagged weeks (the
// complete ones), shrunk toward the share of all units by prior cases:
// (stream_u + prior*share_city) / (cases_u + prior). Unflagged cells, and
// streams of another shape, are copied unchanged.
func fillStreams(streams [][][]float64, seen, nowcast [][]float64, flags [][]bool, prior float64) [][][]float64 {
	out := make([][][]float64, len(streams))
	for k, s := range streams {
		out[k] = make([][]float64, len(s))
		for u := range s {
			out[k][u] = append([]float64(nil), s[u]...)
		}
		if len(s) != len(seen) {
			continue
		}
		var cityS, cityN float64
		unitS := make([]float64, len(s))
		unitN := make([]float64, len(s))
		shaped := true
		for u := range s {
			if len(s[u]) != len(seen[u]) || len(flags[u]) != len(seen[u]) {
				shaped = false
				break
			}
			for t, f := range flags[u] {
				if !f {
					unitS[u] += s[u][t]
					unitN[u] += seen[u][t]
				}
			}
			cityS += unitS[u]
			cityN += unitN[u]
		}
		if !shaped || cityN <= 0 {
			// No complete week to learn the mix from: leave the stream raw
			// rather than invent one.
			continue
		}
		city := cityS / cityN
		for u := range s {
			share := (unitS[u] + prior*city) / (unitN[u] + prior)
			for t, f := range flags[u] {
				if missing := nowcast[u][t] - seen[u][t]; f && missing > 0 {
					out[k][u][t] = s[u][t] + share*missing
				}
			}
		}
	}
	return out
}
