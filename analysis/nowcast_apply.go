package analysis

import (
	"fmt"

	"github.com/canhbao/canhbao/models"
)

// ApplyNowcast returns a copy of p whose nowcast weeks hold the nowcast's
// point estimate (the predictive mean) instead of the counts seen so far,
// and flags [unit][week] telling which cells were replaced. Detectors and the
// risk model then judge the last weeks on what is expected to arrive rather
// than on what happened to arrive by the run. The serious counts of a
// replaced cell are scaled by the same factor, so the serious share of the
// week is unchanged (nothing is known yet about the seriousness of the cases
// not yet seen); a cell with no case seen keeps zero serious cases. Units
// or weeks the nowcast does not cover are left as they are. p is not
// modified.
func ApplyNowcast(p *Panel, nc *Nowcast) (*Panel, [][]bool, error) {
	if p == nil || nc == nil {
		return nil, nil, fmt.Errorf("analysis: apply nowcast: nil panel or nowcast")
	}
	T := p.Weeks()
	out := &Panel{Units: p.Units, Population: p.Population, Start: p.Start,
		Counts: make([][]float64, len(p.Counts)), Serious: make([][]float64, len(p.Serious))}
	flags := make([][]bool, len(p.Units))
	row := make(map[string]int, len(p.Units))
	for u, code := range p.Units {
		row[code] = u
		out.Counts[u] = append([]float64(nil), p.Counts[u]...)
		if u < len(p.Serious) {
			out.Serious[u] = append([]float64(nil), p.Serious[u]...)
		}
		flags[u] = make([]bool, T)
	}
	for _, sn := range nc.Units {
		u, ok := row[sn.Unit]
		if !ok {
			continue
		}
		for _, w := range sn.Weeks {
			t := w.Week.Sub(p.Start)
			if t < 0 || t >= T || len(out.Counts[u]) != T {
				continue
			}
			seen := out.Counts[u][t]
			out.Counts[u][t] = w.Mean
			if len(out.Serious[u]) == T {
				if seen > 0 {
					out.Serious[u][t] *= w.Mean / seen
				} else {
					out.Serious[u][t] = 0
				}
			}
			flags[u][t] = true
		}
	}
	return out, flags, nil
}

// ApplyNowcastMap is ApplyNowcast for the plain unit -> weekly counts maps
// the warehouse returns (index 0 = week start). It returns new slices (the
// input is not modified) and, per unit, which weeks were replaced.
func ApplyNowcastMap(counts map[string][]float64, start models.Week, nc *Nowcast) (map[string][]float64, map[string][]bool) {
	out := make(map[string][]float64, len(counts))
	flags := make(map[string][]bool, len(counts))
	for u, row := range counts {
		out[u] = append([]float64(nil), row...)
		flags[u] = make([]bool, len(row))
	}
	if nc == nil {
		return out, flags
	}
	for _, sn := range nc.Units {
		row, ok := out[sn.Unit]
		if !ok {
			continue
		}
		for _, w := range sn.Weeks {
			if t := w.Week.Sub(start); t >= 0 && t < len(row) {
				row[t] = w.Mean
				flags[sn.Unit][t] = true
			}
		}
	}
	return out, flags
}
