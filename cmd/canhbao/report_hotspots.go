package main

import (
	"context"

	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/warehouse"
)

// hotspotRows reads the run's spatial results (written by analyzeSpatial)
// for hotspots.html and the locality pages; nil when the run has none (a
// run made before the spatial step existed), which leaves the page out.
func hotspotRows(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run) ([]charts.HotspotRow, error) {
	rs, err := w.SpatialResults(ctx, run.RunID)
	if err != nil {
		return nil, err
	}
	var out []charts.HotspotRow
	for _, r := range rs {
		if r.Week != run.Week {
			continue
		}
		out = append(out, charts.HotspotRow{Code: r.UnitCode, Class: r.HotSpotClass, GiZ: r.GiZ, GiQ: r.GiQ,
			MoranI: r.MoranI, MoranQ: r.MoranQ, Quadrant: r.Quadrant, MKTau: r.MKTau, MKP: r.MKP})
	}
	return out, nil
}
