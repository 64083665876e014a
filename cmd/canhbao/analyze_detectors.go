package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// Settings of the per-unit temporal detectors of analyze.
const (
	glrMonitorWeeks = 52  // GLR-NB: weeks monitored before and including the report week
	glrMinPhase1    = 52  // GLR-NB: fewest phase-1 weeks (one year, for the annual harmonic)
	glrMaxPhase1    = 156 // GLR-NB: most phase-1 weeks (three years, as the escalation history)

	// boundWeeks is how many weeks, up to the report week, of the chosen
	// detector's bound are stored in detector_bounds: the weeks of the
	// locality page's chart (charts.unitWeeks).
	boundWeeks = 52
)

// detectorSettings is stored as JSON with every row of analyzeDetectors.
type detectorSettings struct {
	Detector string `json:"detector"`
	Reason   string `json:"reason,omitempty"` // why a fallback ran
	History  int    `json:"history_weeks"`    // weeks of the unit's series before the report week

	// Farrington / Noufaily (farringtonFlexible names)
	B                    int     `json:"b,omitempty"`
	W                    int     `json:"w,omitempty"`
	NoPeriods            int     `json:"noPeriods,omitempty"`
	Reweight             *bool   `json:"reweight,omitempty"`
	WeightsThreshold     float64 `json:"weightsThreshold,omitempty"`
	PastWeeksNotIncluded int     `json:"pastWeeksNotIncluded,omitempty"`
	PThresholdTrend      float64 `json:"pThresholdTrend,omitempty"`
	ThresholdMethod      string  `json:"thresholdMethod,omitempty"`
	Limit54              []int   `json:"limit54,omitempty"`

	// EARS
	Baseline int `json:"baseline,omitempty"`

	// GLR (algo.glrnb names)
	CARL      float64 `json:"c.ARL,omitempty"`
	M         int     `json:"M,omitempty"`
	Mtilde    int     `json:"Mtilde,omitempty"`
	NBAlpha   float64 `json:"nb_alpha,omitempty"` // fitted dispersion (0 = Poisson)
	S         int     `json:"mu0_S,omitempty"`
	Phase1    int     `json:"phase1_weeks,omitempty"`
	Monitor   int     `json:"monitored_weeks,omitempty"`
	Ret       string  `json:"ret,omitempty"`
	Statistic float64 `json:"glr_statistic,omitempty"`

	Alpha float64 `json:"alpha,omitempty"`
}

func farringtonSettings(f *analysis.Farrington, hist int) detectorSettings {
	rw := f.Reweight
	return detectorSettings{Detector: f.Name(), History: hist, B: f.B, W: f.W, NoPeriods: f.NoPeriods,
		Reweight: &rw, WeightsThreshold: f.WeightsThreshold, PastWeeksNotIncluded: f.PastWeeksNotIncluded,
		PThresholdTrend: f.PThresholdTrend, ThresholdMethod: f.ThresholdMethod.String(),
		Limit54: []int{f.LimitCases, f.LimitPeriods}, Alpha: f.Alpha}
}

// analyzeDetectors stores in detector_results, for the report week of run and
// every unit of p:
//
//   - "noufaily": analysis.NewNoufaily() (Noufaily et al. 2013: b = 5, w = 3,
//     noPeriods = 10, nbPlugin, alpha = 0.005) when the unit's weekly series
//     has the 5·52+3 weeks of history it needs, otherwise "ears-c3" (EARS C3,
//     7-week baseline, alpha = 0.001, R's earsC: it never alarms on a week
//     without a case) when it has 11 weeks, otherwise no row; the settings
//     JSON names the detector that ran and why;
//   - "glrnb": the GLR-NB chart (Höhle & Paul 2008; c.ARL = 5, M = -1,
//     Mtilde = 1, mu0 = seasonal glm.nb) with phase 1 = the up to 156 weeks
//     before the last 52, monitoring the last 52 weeks (restarting after each
//     alarm, as R does); upperbound is the smallest count this week that
//     raises an alarm (R's ret = "cases"), the statistic is in the settings.
//     When glm.nb cannot be fitted the Poisson chart runs ("glrpois"), as the
//     reference script does.
//
// and in detector_bounds, for the boundWeeks weeks up to the report week
// (those the unit has the history for), the bound and alarm of the unit's
// detector of the first item, so the locality chart can draw the bound.
// Noufaily at week t reads only weeks before t, so the report week's bound
// is the one of detector_results.
//
// The analyze panel holds cfg.History+cfg.Window weeks, fewer than the
// Noufaily baseline, so the series are read again from the warehouse from
// 263+51 weeks before the report week (or the first case). Units are
// processed on all cores. Failures of a detector on a unit warn and skip the
// row; only a failure to read or store is an error.
func (m *Main) analyzeDetectors(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run, p *analysis.Panel,
	first models.Week) error {
	start := time.Now()
	wk := run.Week
	nouf := analysis.NewNoufaily()
	need := nouf.MinHistory(52)
	from := wk.Add(-(need + boundWeeks - 1))
	if from.Before(first) {
		from = first
	}
	units, counts := p.Units, p.Counts
	panelFrom := p.Start
	if from.Before(p.Start) {
		wc, err := w.WeeklyCounts(ctx, from, wk)
		if err != nil {
			return err
		}
		units, counts, panelFrom = wc.Units, wc.Counts, wc.Start
	}
	end := wk.Sub(panelFrom) // index of the report week
	if end < 0 {
		return nil
	}
	series := make([]analysis.Series, len(units))
	for i := range units {
		series[i] = analysis.Series{Counts: counts[i][:end+1], Freq: 52}
	}
	type out struct {
		rows   []warehouse.DetectorResult
		bounds []warehouse.DetectorBound
		warn   []string
	}
	res := make([]out, len(units))
	ears := analysis.NewEARS("C3")
	glr := analysis.NewGLRNB()
	parallelFor(len(units), func(i int) {
		s := series[i]
		o := &res[i]
		hist := len(s.Counts) - 1
		// Noufaily, or EARS C3 on a short history, over the chart's weeks
		// (the last result is the report week's).
		var set detectorSettings
		var r []analysis.Result
		var err error
		switch {
		case hist >= need:
			set = farringtonSettings(nouf, hist)
			r, err = nouf.Detect(s, max(need, hist-boundWeeks+1))
		case hist >= ears.MinHistory():
			set = detectorSettings{Detector: "ears-c3", History: hist, Baseline: ears.Baseline, Alpha: ears.Alpha,
				Reason: fmt.Sprintf("%d weeks of history, noufaily (b=%d) needs %d", hist, nouf.B, need)}
			r, err = ears.Detect(s, max(ears.MinHistory(), hist-boundWeeks+1))
		default:
			o.warn = append(o.warn, fmt.Sprintf("unit %s: %d weeks of history, no detector runs", units[i], hist))
		}
		if err != nil {
			o.warn = append(o.warn, fmt.Sprintf("unit %s: %s: %v", units[i], set.Detector, err))
		} else if len(r) > 0 && r[len(r)-1].T == hist {
			last := r[len(r)-1]
			js, _ := json.Marshal(set)
			o.rows = append(o.rows, warehouse.DetectorResult{UnitCode: units[i], Week: wk, Detector: set.Detector,
				Observed: last.Observed, Expected: last.Expected, UpperBound: last.UpperBound, Alarm: last.Alarm,
				PValue: last.PValue, Settings: string(js)})
			o.bounds = make([]warehouse.DetectorBound, len(r))
			for j, x := range r {
				o.bounds[j] = warehouse.DetectorBound{UnitCode: units[i], Week: wk.Add(x.T - hist),
					Detector: set.Detector, Observed: x.Observed, UpperBound: x.UpperBound, Alarm: x.Alarm}
			}
		}
		// GLR-NB over the last glrMonitorWeeks weeks.
		mon := min(glrMonitorWeeks, hist+1-glrMinPhase1)
		if mon < 1 {
			return
		}
		lo := max(0, len(s.Counts)-mon-glrMaxPhase1)
		gs := analysis.Series{Counts: s.Counts[lo:], Freq: 52}
		ph1 := len(gs.Counts) - mon
		g := *glr
		fit, err := g.FitMu0(gs, ph1)
		if err != nil || !fit.Converged {
			g.Alpha = 0
			if fit, err = g.FitMu0(gs, ph1); err != nil {
				o.warn = append(o.warn, fmt.Sprintf("unit %s: glrnb: %v", units[i], err))
				return
			}
		}
		x := gs.Counts[ph1:]
		rr := g.Run(x, fit.Mu0, fit.Alpha, ph1)
		last := rr[len(rr)-1]
		runStart := 0
		for j := 0; j < len(rr)-1; j++ {
			if rr[j].Alarm {
				runStart = j + 1
			}
		}
		bound := g.CasesBound(x[runStart:], fit.Mu0[runStart:], fit.Alpha)
		gset := detectorSettings{Detector: g.Name(), History: hist, CARL: g.CARL, M: g.M, Mtilde: g.Mtilde,
			NBAlpha: fit.Alpha, S: g.S, Phase1: ph1, Monitor: mon, Ret: "cases", Statistic: last.Score}
		if g.Alpha == 0 && math.IsNaN(glr.Alpha) {
			gset.Reason = "glm.nb could not be fitted on phase 1: Poisson chart"
		}
		js, _ := json.Marshal(gset)
		o.rows = append(o.rows, warehouse.DetectorResult{UnitCode: units[i], Week: wk, Detector: g.Name(),
			Observed: last.Observed, Expected: last.Expected, UpperBound: bound, Alarm: last.Alarm,
			PValue: last.PValue, Settings: string(js)})
	})
	var rows []warehouse.DetectorResult
	var bounds []warehouse.DetectorBound
	ran := map[string]int{}
	alarms := map[string]int{}
	for _, o := range res {
		for _, s := range o.warn {
			fmt.Fprintf(m.Stderr, "canhbao: analyze: detectors: warning: %s\n", s)
		}
		for _, r := range o.rows {
			ran[r.Detector]++
			if r.Alarm {
				alarms[r.Detector]++
			}
		}
		rows = append(rows, o.rows...)
		bounds = append(bounds, o.bounds...)
	}
	if err := w.SaveDetectorResults(ctx, run.RunID, rows); err != nil {
		return err
	}
	if err := w.SaveDetectorBounds(ctx, run.RunID, bounds); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "analyze: detectors: noufaily %d units (%d alarms), ears-c3 %d (%d), glrnb %d (%d), glrpois %d (%d), %s\n",
		ran["noufaily"], alarms["noufaily"], ran["ears-c3"], alarms["ears-c3"], ran["glrnb"], alarms["glrnb"],
		ran["glrpois"], alarms["glrpois"], time.Since(start).Round(time.Millisecond))
	return nil
}

// parallelFor runs f(0..n-1) on GOMAXPROCS goroutines.
func parallelFor(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
