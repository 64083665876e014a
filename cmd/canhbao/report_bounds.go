package main

import (
	"context"
	"math"

	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/warehouse"
)

// panelBounds puts the run's detector bounds (detector_bounds, stored by
// analyzeDetectors for the weeks of the locality chart) into the panel's
// Bound, BoundAlarm and BoundDetector, aligned with its rows and weeks.
// Bounds of units or weeks outside the panel are left out; a run analysed
// before migration 010 has none and the panel keeps nil slices.
func panelBounds(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run, p *charts.UnitPanel) error {
	bs, err := w.DetectorBounds(ctx, run.RunID)
	if err != nil || len(bs) == 0 || p == nil || p.Weeks() == 0 {
		return err
	}
	row := make(map[string]int, len(p.Units))
	for i, u := range p.Units {
		row[u] = i
	}
	T := p.Weeks()
	p.Bound = make([][]float64, len(p.Units))
	p.BoundAlarm = make([][]bool, len(p.Units))
	p.BoundDetector = make([]string, len(p.Units))
	for _, b := range bs {
		i, ok := row[b.UnitCode]
		c := b.Week.Sub(p.Start)
		if !ok || c < 0 || c >= T {
			continue
		}
		if p.Bound[i] == nil {
			p.Bound[i] = make([]float64, T)
			for j := range p.Bound[i] {
				p.Bound[i][j] = math.NaN()
			}
			p.BoundAlarm[i] = make([]bool, T)
		}
		p.Bound[i][c], p.BoundAlarm[i][c], p.BoundDetector[i] = b.UpperBound, b.Alarm, b.Detector
	}
	return nil
}
