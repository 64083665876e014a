package main

import (
	"context"
	"fmt"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/warehouse"
)

// reportNowcast is the report's nowcast of the run's last weeks, as the
// system saw them on the day of the run (issue 11): nil when the warehouse
// has no arrival dates or every nowcast week is already complete (a report
// of an old week). A nowcast that cannot be made (no delivery in the delay
// window) is a warning on stderr, not a failed report. The band covers the
// weeks of opt (the run's nowcast_weeks, report --delay-weeks), else those
// of this Main's analyze --nowcast, else the default 6.
func (m *Main) reportNowcast(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run,
	groupOf map[string]string, opt *nowcastOptions) (*charts.Nowcast, error) {
	has, err := w.HasArrivals(ctx)
	if err != nil || !has {
		return nil, err
	}
	o := defaultNowcastOptions()
	switch {
	case opt != nil:
		o = *opt
	case m.nowcast != nil:
		o = *m.nowcast
	}
	wk := run.Week
	asOf := hanoiDate(run.CreatedAt)
	from := wk.Add(-(o.Nowcast.Weeks + o.Nowcast.PriorWeeks - 1))
	seen, err := w.WeeklyCountsAsOf(ctx, from, wk, asOf)
	if err != nil {
		return nil, err
	}
	units, rows := countsMatrix(seen)
	nr, err := nowcastCounts(ctx, w, units, from, rows, asOf, groupOf, o)
	if err != nil {
		fmt.Fprintf(m.Stderr, "canhbao: report: no nowcast: %v\n", err)
		return nil, nil
	}
	incomplete := false
	for _, c := range nr.Result.City {
		incomplete = incomplete || c.Reported < 0.995
	}
	if !incomplete {
		return nil, nil
	}
	conv := func(ws []analysis.NowcastWeek) []charts.NowcastPoint {
		out := make([]charts.NowcastPoint, len(ws))
		for i, x := range ws {
			out[i] = charts.NowcastPoint{Week: x.Week, Observed: x.Observed, Mean: x.Mean, Lower: x.Lower, Upper: x.Upper}
		}
		return out
	}
	nc := &charts.Nowcast{Level: nr.Result.Level, City: conv(nr.Result.City), Units: map[string][]charts.NowcastPoint{}}
	for _, sn := range nr.Result.Units {
		nc.Units[sn.Unit] = conv(sn.Weeks)
	}
	nc.Delay = append(nc.Delay, charts.DelayCurve{Cases: nr.Pooled.Cases, CDF: nr.Pooled.CDF()})
	for _, g := range nr.Triangle.GroupNames() {
		nc.Delay = append(nc.Delay, charts.DelayCurve{Group: g, Cases: nr.Groups[g].Cases, CDF: nr.Groups[g].CDF()})
	}
	return nc, nil
}
