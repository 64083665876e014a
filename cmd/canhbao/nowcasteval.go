package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// nowcast-eval replays the weekly runs as they saw the data (issue 11, part
// 4): for each run week w the system had what arrived by the Monday after w;
// the nowcast of weeks w-D+1..w is compared with what eventually arrived,
// and an aberration detector (EARS C1) is run on the last week with the raw,
// the nowcast and the final counts. Method and numbers: docs/nowcast.md.

// finalAsOf is "eventually": every batch ever ingested.
var finalAsOf = time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)

// evalEARSAlpha is the one-sided level of the EARS C1 check in the replay
// (z = 1.96): R's earsC default 0.001 hardly ever fires on weekly counts of
// one commune, and declines need the same bound below.
const evalEARSAlpha = 0.025

// runNowcastEval handles "nowcast-eval --db F [--from W --to W] [--delay-weeks D] [--truth F] [--json]".
func (m *Main) runNowcastEval(ctx context.Context, args []string) error {
	fs := m.newFlags("nowcast-eval")
	db := dbFlag(fs)
	fromFlag := fs.String("from", "", "first run week, YYYY-Www (default: 13 weeks after the first delivery outside backfills)")
	toFlag := fs.String("to", "", "last run week, YYYY-Www (default: 13 weeks before the last case, so the final counts are nearly final)")
	truth := fs.String("truth", "", "ground-truth CSV (episode_id,unit_code,role,start_week,peak_week,end_week) for detection lead times")
	asJSON := fs.Bool("json", false, "print JSON")
	o := defaultNowcastOptions()
	o.declare(fs)
	fs.IntVar(&o.Nowcast.Samples, "samples", o.Nowcast.Samples, "posterior draws of the delay distribution per run")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	eps, err := readTruth(*truth)
	if err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	if has, err := w.HasArrivals(ctx); err != nil {
		return err
	} else if !has {
		return fmt.Errorf("nowcast-eval: every batch in the warehouse is a backfill: no reporting delay to learn from")
	}
	first, last, ok, err := w.CaseRange(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("nowcast-eval: the warehouse holds no cases")
	}
	// Runs start 13 weeks after the first delivery outside backfills, so
	// that the first triangle is not empty, and end 13 weeks before the
	// last case, so that the "final" counts have nearly all arrived.
	cells, err := w.DelayCounts(ctx, first, last, finalAsOf)
	if err != nil {
		return err
	}
	firstArrival := last
	for _, c := range cells {
		if a := c.Received.Add(c.Delay); a.Before(firstArrival) {
			firstArrival = a
		}
	}
	from, to := firstArrival.Add(13), last.Add(-13)
	if wk, ok, err := parseWeekFlag(*fromFlag); err != nil {
		return err
	} else if ok {
		from = wk
	}
	if wk, ok, err := parseWeekFlag(*toFlag); err != nil {
		return err
	} else if ok {
		to = wk
	}
	if to.Before(from) {
		return &usageError{fmt.Sprintf("nowcast-eval: empty range %s..%s", from, to)}
	}
	groupOf, err := unitGroups(ctx, w)
	if err != nil {
		return err
	}
	ev, err := m.nowcastEval(ctx, w, from, to, groupOf, o, eps)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ev)
	}
	writeEvalText(m, ev)
	return nil
}

// evalAccuracy accumulates errors of one kind of count against the final one.
type evalAccuracy struct {
	N        int     `json:"n"`
	Final    float64 `json:"final_cases"`
	Bias     float64 `json:"bias"`          // mean (estimate - final), cases
	RelBias  float64 `json:"relative_bias"` // sum(estimate - final) / sum(final)
	MAE      float64 `json:"mae"`
	Coverage float64 `json:"coverage,omitempty"` // share of final counts inside the interval
	Mass     float64 `json:"mass,omitempty"`     // mean predictive mass of the interval (>= level for small counts)
}

func (a *evalAccuracy) add(est, final float64) {
	a.N++
	a.Final += final
	a.Bias += est - final
	a.MAE += math.Abs(est - final)
}

func (a *evalAccuracy) finish() {
	if a.N == 0 {
		return
	}
	if a.Final > 0 {
		a.RelBias = a.Bias / a.Final
	}
	n := float64(a.N)
	a.Bias /= n
	a.MAE /= n
	a.Coverage /= n
	a.Mass /= n
}

// evalDetection counts the verdicts of EARS C1 on the last 4 weeks of each run (see earsLast).
type evalDetection struct {
	Alarms        int     `json:"alarms"`
	AlarmsAsFinal int     `json:"alarms_also_final"` // alarm that the final counts confirm
	MissedFinal   int     `json:"final_alarms_missed"`
	Declines      int     `json:"declines"`          // last week below the lower bound
	DeclineFalse  int     `json:"decline_artefacts"` // declines the final counts do not show
	Detected      int     `json:"episodes_detected"` // with --truth: core/spillover episodes alarmed start-4..peak
	Lead          float64 `json:"mean_lead_weeks"`   // weeks before the peak of the first such alarm
	FalseAlarms   int     `json:"false_alarms"`      // with --truth: alarms outside every episode
	FalsePerWeek  float64 `json:"false_alarms_per_week"`
	leadSum       float64 // before finish
}

// nowcastEvalResult is the outcome of nowcast-eval (also its JSON).
type nowcastEvalResult struct {
	From          string                    `json:"from"`
	To            string                    `json:"to"`
	Runs          int                       `json:"runs"`
	Units         int                       `json:"units"`
	Level         float64                   `json:"level"`
	DelayWeeks    int                       `json:"delay_weeks"`
	Raw           []evalAccuracy            `json:"raw_by_weeks_back"`     // index k: week w-k of run w
	Nowcast       []evalAccuracy            `json:"nowcast_by_weeks_back"` // idem
	CityRaw       []evalAccuracy            `json:"city_raw_by_weeks_back"`
	CityNow       []evalAccuracy            `json:"city_nowcast_by_weeks_back"`
	Detect        map[string]*evalDetection `json:"ears_c1"` // raw, nowcast, final
	Episodes      int                       `json:"episodes,omitempty"`
	CityDeclines  map[string]int            `json:"city_declines"`          // runs whose city last week is below C1's lower bound
	CityArtefacts map[string]int            `json:"city_decline_artefacts"` // of which the final counts show none
	Seconds       float64                   `json:"seconds"`
}

// nowcastEval replays the runs from..to.
func (m *Main) nowcastEval(ctx context.Context, w *warehouse.Warehouse, from, to models.Week, groupOf map[string]string,
	o nowcastOptions, eps []analysis.Episode) (*nowcastEvalResult, error) {
	start := time.Now()
	D := o.Nowcast.Weeks
	z := distuv.UnitNormal.Quantile(1 - evalEARSAlpha)
	H := max(o.Nowcast.PriorWeeks+D, (earsBaseline+1)*earsBlock) // weeks of each run's panel
	histFrom := from.Add(-(H - 1))
	final, err := w.WeeklyCountsAsOf(ctx, histFrom, to, finalAsOf)
	if err != nil {
		return nil, err
	}
	units, finalRows := countsMatrix(final)
	res := &nowcastEvalResult{From: from.String(), To: to.String(), Units: len(units), Level: o.Nowcast.Level,
		DelayWeeks: D, Raw: make([]evalAccuracy, D), Nowcast: make([]evalAccuracy, D),
		CityRaw: make([]evalAccuracy, D), CityNow: make([]evalAccuracy, D),
		Detect:       map[string]*evalDetection{"raw": {}, "nowcast": {}, "final": {}},
		CityDeclines: map[string]int{}, CityArtefacts: map[string]int{}}
	kinds := []string{"raw", "nowcast", "final"}
	firstAlarm := map[string]map[int]models.Week{} // kind -> episode index -> first alarm week
	for _, k := range kinds {
		firstAlarm[k] = map[int]models.Week{}
	}
	for wk := from; !to.Before(wk); wk = wk.Add(1) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		asOf := wk.Add(1).Monday()
		pFrom := wk.Add(-(H - 1))
		seen, err := w.WeeklyCountsAsOf(ctx, pFrom, wk, asOf)
		if err != nil {
			return nil, err
		}
		rows := make([][]float64, len(units))
		for i, u := range units {
			rows[i] = seen[u]
			if rows[i] == nil {
				rows[i] = make([]float64, H)
			}
		}
		run, err := nowcastCounts(ctx, w, units, pFrom, rows, asOf, groupOf, o)
		if err != nil {
			fmt.Fprintf(m.Stderr, "canhbao: nowcast-eval: run %s skipped: %v\n", wk, err)
			continue
		}
		res.Runs++
		off := pFrom.Sub(histFrom)
		cityRaw, cityFinal := make([]float64, D), make([]float64, D)
		for i, sn := range run.Result.Units {
			fin := finalRows[i][off : off+H]
			for _, nw := range sn.Weeks {
				k := wk.Sub(nw.Week)
				if k < 0 || k >= D {
					continue
				}
				f := fin[nw.Week.Sub(pFrom)]
				res.Raw[k].add(nw.Observed, f)
				res.Nowcast[k].add(nw.Mean, f)
				if f >= nw.Lower && f <= nw.Upper {
					res.Nowcast[k].Coverage++
				}
				res.Nowcast[k].Mass += nw.Mass
				cityRaw[k] += nw.Observed
				cityFinal[k] += f
			}
			// EARS C1 on the last week with the three versions of the series.
			ncRow := append([]float64(nil), rows[i]...)
			for _, nw := range sn.Weeks {
				ncRow[nw.Week.Sub(pFrom)] = nw.Mean
			}
			verdict := map[string][2]bool{}
			for kind, series := range map[string][]float64{"raw": rows[i], "nowcast": ncRow, "final": fin} {
				alarm, decline := earsLast(series, earsBlock, z)
				verdict[kind] = [2]bool{alarm, decline}
			}
			for _, kind := range kinds {
				v, fv := verdict[kind], verdict["final"]
				d := res.Detect[kind]
				if v[0] {
					d.Alarms++
					if fv[0] {
						d.AlarmsAsFinal++
					}
					if eps != nil {
						if idx := episodeAt(eps, units[i], wk); idx < 0 {
							d.FalseAlarms++
						} else if _, seenAlarm := firstAlarm[kind][idx]; !seenAlarm {
							firstAlarm[kind][idx] = wk
						}
					}
				} else if fv[0] {
					d.MissedFinal++
				}
				if v[1] {
					d.Declines++
					if !fv[1] {
						d.DeclineFalse++
					}
				}
			}
		}
		cityDecline(res, rows, run.Result, finalRows, off, H, z)
		for _, nw := range run.Result.City {
			k := wk.Sub(nw.Week)
			if k < 0 || k >= D {
				continue
			}
			res.CityRaw[k].add(cityRaw[k], cityFinal[k])
			res.CityNow[k].add(nw.Mean, cityFinal[k])
			if cityFinal[k] >= nw.Lower && cityFinal[k] <= nw.Upper {
				res.CityNow[k].Coverage++
			}
		}
	}
	for k := 0; k < D; k++ {
		res.Raw[k].finish()
		res.Nowcast[k].finish()
		res.CityRaw[k].finish()
		res.CityNow[k].finish()
		res.Raw[k].Coverage, res.CityRaw[k].Coverage = 0, 0
	}
	if eps != nil {
		for i, e := range eps {
			if (e.Role == analysis.RoleCore || e.Role == analysis.RoleSpillover) && !e.Peak.Before(from) && !to.Before(e.Peak) {
				res.Episodes++
				for _, kind := range kinds {
					if at, ok := firstAlarm[kind][i]; ok && !e.Peak.Before(at) {
						d := res.Detect[kind]
						d.Detected++
						d.leadSum += float64(e.Peak.Sub(at))
					}
				}
			}
		}
	}
	for _, kind := range kinds {
		d := res.Detect[kind]
		if d.Detected > 0 {
			d.Lead = d.leadSum / float64(d.Detected)
		}
		if res.Runs > 0 {
			d.FalsePerWeek = float64(d.FalseAlarms) / float64(res.Runs)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// episodeAt returns the index of a core or spillover episode of unit that
// an alarm at week wk belongs to (from 4 weeks before its start to its end),
// or -1.
func episodeAt(eps []analysis.Episode, unit string, wk models.Week) int {
	for i, e := range eps {
		if e.Unit != unit || (e.Role != analysis.RoleCore && e.Role != analysis.RoleSpillover) {
			continue
		}
		if !wk.Before(e.Start.Add(-4)) && !e.End.Before(wk) {
			return i
		}
	}
	return -1
}

// The replay's detector is EARS C1 (Hutwagner et al. 2003; analysis.EARS)
// on blocks of earsBlock weeks: with ybar and s the mean and standard
// deviation of the earsBaseline blocks before the last one, an alarm when
// its count y > ybar + z*s and a decline when y < ybar - z*s. Blocks of 4
// weeks, because most communes have a few cases a month and a single week
// says little; s is floored at one case, because a baseline of zeros has
// s = 0 and EARS would then alarm on any case, or any fraction of one in a
// nowcast.
const (
	earsBlock    = 4
	earsBaseline = 7
)

// earsLast applies the rule to the last block of series.
func earsLast(series []float64, block int, z float64) (alarm, decline bool) {
	n := len(series) / block
	if n < earsBaseline+1 {
		return false, false
	}
	sums := make([]float64, earsBaseline+1) // oldest first; the last is tested
	for b := range sums {
		end := len(series) - (earsBaseline-b)*block
		for _, v := range series[end-block : end] {
			sums[b] += v
		}
	}
	return c1(sums[:earsBaseline], sums[earsBaseline], z)
}

// c1 is the EARS C1 verdict on y against the baseline values.
func c1(base []float64, y, z float64) (alarm, decline bool) {
	var mean, ss float64
	for _, v := range base {
		mean += v
	}
	mean /= float64(len(base))
	for _, v := range base {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Max(math.Sqrt(ss/float64(len(base)-1)), 1)
	return y > mean+z*sd, y < mean-z*sd
}

// cityDecline applies C1 to the city's last week (baseline: the 7 weeks
// before it), raw, nowcast and final, and counts the declines the final
// counts do not show: the "calmer than it is" artefact of late logbooks.
func cityDecline(res *nowcastEvalResult, rows [][]float64, nc *analysis.Nowcast, finalRows [][]float64, off, H int, z float64) {
	raw, fin := make([]float64, H), make([]float64, H)
	for u := range rows {
		for t := 0; t < H; t++ {
			raw[t] += rows[u][t]
			fin[t] += finalRows[u][off+t]
		}
	}
	now := append([]float64(nil), raw...)
	for i, w := range nc.City {
		now[H-len(nc.City)+i] = w.Mean
	}
	_, fd := c1(fin[H-8:H-1], fin[H-1], z)
	for kind, s := range map[string][]float64{"raw": raw, "nowcast": now, "final": fin} {
		if _, d := c1(s[H-8:H-1], s[H-1], z); d {
			res.CityDeclines[kind]++
			if !fd {
				res.CityArtefacts[kind]++
			}
		}
	}
}

func writeEvalText(m *Main, ev *nowcastEvalResult) {
	fmt.Fprintf(m.Stdout, "nowcast-eval: %d lần chạy hằng tuần %s..%s, %d đơn vị, khoảng %.0f%% (%.1f s)\n\n",
		ev.Runs, ev.From, ev.To, ev.Units, 100*ev.Level, ev.Seconds)
	fmt.Fprintf(m.Stdout, "Theo đơn vị-tuần, k = số tuần trước tuần chạy (raw = số đã về; nowcast = ước tính):\n")
	fmt.Fprintf(m.Stdout, "%3s %7s %10s %9s %10s %9s %9s %9s\n", "k", "n", "bias raw", "MAE raw", "bias now", "MAE now", "coverage", "mass")
	for k := range ev.Raw {
		r, n := ev.Raw[k], ev.Nowcast[k]
		fmt.Fprintf(m.Stdout, "%3d %7d %+10.3f %9.3f %+10.3f %9.3f %9.3f %9.3f\n", k, n.N, r.Bias, r.MAE, n.Bias, n.MAE, n.Coverage, n.Mass)
	}
	fmt.Fprintf(m.Stdout, "\nToàn thành phố:\n%3s %12s %12s %9s\n", "k", "rel.bias raw", "rel.bias now", "coverage")
	for k := range ev.CityRaw {
		fmt.Fprintf(m.Stdout, "%3d %+12.3f %+12.3f %9.3f\n", k, ev.CityRaw[k].RelBias, ev.CityNow[k].RelBias, ev.CityNow[k].Coverage)
	}
	fmt.Fprintf(m.Stdout, "\nEARS C1 (z = 1.96, khối 4 tuần, độ lệch chuẩn tối thiểu 1 vụ) trên 4 tuần cuối của mỗi lần chạy:\n")
	fmt.Fprintf(m.Stdout, "%-8s %7s %12s %8s %9s %12s", "", "alarms", "also final", "missed", "declines", "artefacts")
	if ev.Episodes > 0 {
		fmt.Fprintf(m.Stdout, " %10s %6s %12s", "detected", "lead", "false/week")
	}
	fmt.Fprintln(m.Stdout)
	for _, kind := range []string{"raw", "nowcast", "final"} {
		d := ev.Detect[kind]
		fmt.Fprintf(m.Stdout, "%-8s %7d %12d %8d %9d %12d", kind, d.Alarms, d.AlarmsAsFinal, d.MissedFinal, d.Declines, d.DeclineFalse)
		if ev.Episodes > 0 {
			fmt.Fprintf(m.Stdout, " %6d/%-3d %6.2f %12.2f", d.Detected, ev.Episodes, d.Lead, d.FalsePerWeek)
		}
		fmt.Fprintln(m.Stdout)
	}
	fmt.Fprintf(m.Stdout, "\nToàn thành phố, tuần cuối dưới ngưỡng dưới của C1 (giảm giả = số cuối cùng không giảm):\n")
	for _, kind := range []string{"raw", "nowcast", "final"} {
		fmt.Fprintf(m.Stdout, "%-8s giảm %3d lần, giảm giả %3d lần\n", kind, ev.CityDeclines[kind], ev.CityArtefacts[kind])
	}
}
