package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// Settings of the spatial part of analyze.
const (
	spatialPeriods    = 26  // emerging hot spots: up to 26 periods of one window each (two years of 4-week windows)
	spatialMinPeriods = 10  // ArcGIS needs at least 10 time steps for the pattern
	mkTrendWeeks      = 26  // Mann–Kendall on the unit's last 26 weekly counts
	ratioPrior        = 0.5 // cases added to observed and expected in the spatial value
)

// spatialSettings is stored as JSON with every spatial and detector row.
type spatialSettings struct {
	Value        string  `json:"value"`
	Weights      string  `json:"weights"`
	FDR          string  `json:"fdr"`
	Periods      int     `json:"periods"`
	PeriodWeeks  int     `json:"period_weeks"`
	FirstPeriod  string  `json:"first_period_end,omitempty"`
	HotSpotAlpha float64 `json:"hotspot_alpha"`
	HotSpotShare float64 `json:"hotspot_share"`
	TrendWeeks   int     `json:"trend_weeks"`
}

// analyzeSpatial stores, for run (week wk), the escalation detector's verdict
// per unit in detector_results and, in spatial_results, per unit:
//
//   - value v_u = log((O_u + ½) / (E_u + ½)), the log of the window's
//     observed over expected count smoothed by half a case, so a unit with no
//     case and a tiny expectation is not -∞ and ratios are symmetric;
//   - Getis–Ord Gi* (self included, binary weights from the stored neighbour
//     pairs) and local Moran's I (row-standardised weights) of v, each with
//     Benjamini–Hochberg q-values across units;
//   - the emerging-hot-spot class (analysis.EmergingHotSpots, ArcGIS rules,
//     FDR over all unit x period bins) of v over up to 26 consecutive,
//     non-overlapping windows ending at wk, each recomputed with
//     analysis.Escalation and the run's settings; periods whose history is too
//     short are left out, and with fewer than 10 periods the class is "" (not
//     computed);
//   - Mann–Kendall tau and p of the unit's last 26 weekly counts.
//
// Statistics that cannot be computed (all values equal, a unit without
// neighbours) are stored as NULL; they warn on m.Stderr and never fail the
// run. Only a failure to store the results is an error.
func (m *Main) analyzeSpatial(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run, p *analysis.Panel,
	inds []models.Indicator, g *models.Geography, cfg analysis.Config) error {
	start := time.Now()
	wk := run.Week
	U := len(p.Units)
	set := spatialSettings{Value: "log((observed+0.5)/(expected+0.5)) of the escalation window",
		Weights: "queen contiguity from the stored neighbour pairs; binary for Gi*, row-standardised for Moran",
		FDR:     "Benjamini-Hochberg across units", PeriodWeeks: cfg.Window,
		HotSpotAlpha: analysis.DefaultHotSpotConfig().Alpha, HotSpotShare: analysis.DefaultHotSpotConfig().Share,
		TrendWeeks: mkTrendWeeks}
	warn := func(format string, a ...any) {
		fmt.Fprintf(m.Stderr, "canhbao: analyze: spatial: warning: "+format+"\n", a...)
	}
	row := make(map[string]int, U)
	for i, u := range p.Units {
		row[u] = i
	}
	value := func(in []models.Indicator) []float64 {
		v := make([]float64, U)
		for i := range v {
			v[i] = math.NaN()
		}
		for _, x := range in {
			if i, ok := row[x.UnitCode]; ok {
				v[i] = math.Log((x.Observed + ratioPrior) / (x.Expected + ratioPrior))
			}
		}
		return v
	}
	res := make([]warehouse.SpatialResult, U)
	nan := math.NaN()
	for i, u := range p.Units {
		res[i] = warehouse.SpatialResult{UnitCode: u, Week: wk, GiZ: nan, GiP: nan, GiQ: nan, MoranI: nan, MoranP: nan,
			MoranQ: nan, MKTau: nan, MKP: nan}
	}
	x := value(inds)
	for i := range res {
		res[i].Value = x[i]
	}
	wts, err := analysis.WeightsFromNeighbours(p.Units, g.Neighbours)
	if err != nil {
		warn("%v", err)
	} else {
		if g, err := analysis.GiStar(x, wts, analysis.Permutations{}); err != nil {
			warn("Gi*: %v", err)
		} else {
			q := analysis.BenjaminiHochberg(g.P)
			for i := range res {
				res[i].GiZ, res[i].GiP, res[i].GiQ = g.Z[i], g.P[i], q[i]
			}
		}
		if lm, err := analysis.LocalMoran(x, wts.WithStyle(analysis.RowStandardised), analysis.Permutations{}); err != nil {
			warn("local Moran: %v", err)
		} else {
			q := analysis.BenjaminiHochberg(lm.P)
			for i := range res {
				res[i].MoranI, res[i].MoranP, res[i].MoranQ, res[i].Quadrant = lm.I[i], lm.P[i], q[i], lm.Quadrant[i]
			}
		}
		// Emerging hot spots over past windows, oldest first. The windows
		// are fitted in parallel (Escalation only reads the panel), then
		// taken in order.
		past := make([][]models.Indicator, spatialPeriods)
		pastErr := make([]error, spatialPeriods)
		parallelFor(spatialPeriods-1, func(i int) {
			k := i + 1
			past[k], pastErr[k] = analysis.Escalation(p, wk.Add(-k*cfg.Window), cfg)
		})
		var periods [][]float64
		for k := spatialPeriods - 1; k >= 1; k-- {
			at := wk.Add(-k * cfg.Window)
			pi, err := past[k], pastErr[k]
			if err != nil {
				if len(periods) > 0 {
					warn("window ending %s: %v", at, err)
				}
				continue // too little history: the series starts later
			}
			if len(periods) == 0 {
				set.FirstPeriod = at.String()
			}
			periods = append(periods, value(pi))
		}
		if len(periods) == 0 {
			set.FirstPeriod = wk.String()
		}
		periods = append(periods, x)
		set.Periods = len(periods)
		if len(periods) >= spatialMinPeriods {
			ehs, err := analysis.EmergingHotSpots(periods, wts, analysis.DefaultHotSpotConfig())
			if err != nil {
				warn("emerging hot spots: %v", err)
			} else {
				for i := range res {
					res[i].HotSpotClass = ehs.Class[i].String()
				}
			}
		} else {
			warn("%d windows of history, emerging hot spots need %d", len(periods), spatialMinPeriods)
		}
	}
	end := wk.Sub(p.Start)
	for i := range res {
		lo := max(0, end-mkTrendWeeks+1)
		if mk, err := analysis.MannKendall(p.Counts[i][lo : end+1]); err == nil {
			res[i].MKTau, res[i].MKP = mk.Tau, mk.P
		}
	}
	js, err := json.Marshal(set)
	if err != nil {
		return fmt.Errorf("analyze: spatial settings: %w", err)
	}
	det := make([]warehouse.DetectorResult, 0, len(inds))
	cs, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("analyze: settings: %w", err)
	}
	for i := range res {
		res[i].Settings = string(js)
	}
	for _, in := range inds {
		det = append(det, warehouse.DetectorResult{UnitCode: in.UnitCode, Week: in.Week, Detector: "escalation",
			Observed: in.Observed, Expected: in.Expected, UpperBound: nan, Alarm: in.Flagged, PValue: in.PValue,
			Settings: string(cs)})
	}
	if err := w.SaveDetectorResults(ctx, run.RunID, det); err != nil {
		return err
	}
	if err := w.SaveSpatialResults(ctx, run.RunID, res); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range res {
		if r.HotSpotClass != "" && r.HotSpotClass != analysis.NoPattern.String() {
			counts[r.HotSpotClass]++
		}
	}
	fmt.Fprintf(m.Stdout, "analyze: spatial: %d windows, %d units in a hot/cold-spot pattern, %s\n",
		set.Periods, countAll(counts), time.Since(start).Round(time.Millisecond))
	return nil
}

func countAll(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
