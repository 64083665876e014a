package analysis

import (
	"fmt"
	"math"
)

// noufailyBaseline is the "Noufaily alarms alone" baseline of the backtest:
// the improved Farrington of Noufaily et al. (2013; NewNoufaily: w = 3,
// noPeriods = 10, reweighting at 2.58, 26 recent weeks left out of the
// baseline, negative-binomial plug-in threshold, alpha = 0.005) run on each
// unit's weekly cases, every week evaluated with the history before it only.
//
// Noufaily asks for b = 5 years of baseline; a panel with less history uses
// b = the whole years available before each week (at least 1), as the
// weekly run would on a young warehouse, and the note says which b were
// used. A week with less than 52 + w weeks before it has no result.
type noufailyBaseline struct {
	score [][]float64 // [unit][panel column]: min(−log10 p, 12), plus 12 when the week alarms
	alarm [][]bool    // [unit][panel column]
	note  string
}

// runNoufaily evaluates panel columns from..to of every unit.
func runNoufaily(counts [][]float64, from, to int) (*noufailyBaseline, error) {
	nb := &noufailyBaseline{score: make([][]float64, len(counts)), alarm: make([][]bool, len(counts))}
	base := NewNoufaily()
	bMin, bMax := math.MaxInt, 0
	for u, c := range counts {
		nb.score[u] = make([]float64, len(c))
		nb.alarm[u] = make([]bool, len(c))
		for t := max(from, 0); t <= to && t < len(c); {
			b := min(5, (t-base.W)/52)
			if b < 1 {
				t++
				continue
			}
			// Weeks t..end share this b (b grows by one every 52 weeks).
			end := min(to, len(c)-1)
			if b < 5 {
				end = min(end, 52*(b+1)+base.W-1)
			}
			f := *base
			f.B = b
			res, err := f.Detect(Series{Counts: c[:end+1], Freq: 52}, t)
			if err != nil {
				return nil, fmt.Errorf("analysis: noufaily baseline, unit %d: %w", u, err)
			}
			for _, r := range res {
				s := 0.0
				if r.PValue > 0 {
					s = math.Min(-math.Log10(r.PValue), pCap)
				}
				if r.Alarm {
					s += pCap
				}
				nb.score[u][r.T], nb.alarm[u][r.T] = s, r.Alarm
			}
			bMin, bMax = min(bMin, b), max(bMax, b)
			t = end + 1
		}
	}
	switch {
	case bMax == 0:
		nb.note = "noufaily: no week has the 52+3 weeks of history a one-year baseline needs; the baseline never alarms"
	case bMin < 5:
		nb.note = fmt.Sprintf("noufaily: b = %d..%d years of baseline (the whole years available before each week; Noufaily et al. use 5)", bMin, bMax)
	default:
		nb.note = "noufaily: b = 5 years of baseline"
	}
	return nb, nil
}
