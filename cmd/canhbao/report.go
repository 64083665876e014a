package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/export"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/scorecard"
	"github.com/canhbao/canhbao/warehouse"
)

// runReport handles "report [--db F] [--week W] --out DIR".
func (m *Main) runReport(ctx context.Context, args []string) error {
	fs := m.newFlags("report")
	db := dbFlag(fs)
	week := fs.String("week", "", "ISO week YYYY-Www (default: the week of the newest analysis run)")
	out := fs.String("out", "", "folder to write the report into (required)")
	lang := fs.String("lang", "vi", "report language: vi or en")
	audience := fs.String("audience", charts.AudienceInternal, "internal (case lists, exact counts) or public (no case lists, counts below 3 as <3)")
	echarts := fs.String("echarts", "", "path to echarts.min.js (default: $CANHBAO_ECHARTS or node_modules/echarts/dist/echarts.min.js found from here upward)")
	// The "data still arriving" band: the same settings as analyze --nowcast
	// (--delay-weeks weeks), so that the band covers the weeks the analysis
	// replaced.
	nco := defaultNowcastOptions()
	nco.declare(fs)
	perf := fs.Bool("performance", true, "include performance.html, the mediation performance of the report week's year to date (as canhbao scorecard does), linked from every page; internal audience only")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"report: --out is required"}
	}
	if err := nco.validate(); err != nil {
		return err
	}
	if *lang != "vi" && *lang != "en" {
		return &usageError{fmt.Sprintf("report: --lang %q: want vi or en", *lang)}
	}
	if *audience != charts.AudienceInternal && *audience != charts.AudiencePublic {
		return &usageError{fmt.Sprintf("report: --audience %q: want internal or public", *audience)}
	}
	wk, ok, err := parseWeekFlag(*week)
	if err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	if !ok {
		if wk, ok, err = w.LatestWeek(ctx); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("report: no analysis run in %s: run `canhbao analyze` first", *db)
		}
	}
	return m.reportFor(ctx, w, wk, reportOptions{Out: *out, Lang: *lang, Audience: *audience, ECharts: *echarts, Nowcast: &nco,
		Performance: *perf})
}

// reportOptions are the choices of one report.
type reportOptions struct {
	Out, Lang, Audience, ECharts string
	Warnings                     []string // shown as a banner on every page
	// Nowcast sets the band of the last weeks (Nowcast.Weeks of them, the
	// run's nowcast_weeks); nil: the analysis's settings when this Main ran
	// analyze --nowcast, else the defaults.
	Nowcast *nowcastOptions
	// Performance adds performance.html (internal audience only): the
	// scorecard of the calendar year of the report week, as of its Sunday.
	Performance bool
}

// Report settings: how much history the pages show and the thresholds of
// the data-quality page.
const (
	trendWeeks   = 156 // city-wide history of the trend charts
	detailWeeks  = 52  // weeks of recomputed indicators (locality pages, heat map)
	settledWeeks = 52  // period of the settled share
	silentWeeks  = 8   // a unit without a case for this many weeks is "silent"
	lateDays     = 60  // a record this much older than its file's newest is "late"
)

// report writes the internal report of week wk into out (kept for the demo
// and other callers).
func (m *Main) report(ctx context.Context, w *warehouse.Warehouse, wk models.Week, out, lang, echartsPath string) error {
	return m.reportFor(ctx, w, wk, reportOptions{Out: out, Lang: lang, Audience: charts.AudienceInternal, ECharts: echartsPath})
}

func (m *Main) reportFor(ctx context.Context, w *warehouse.Warehouse, wk models.Week, o reportOptions) error {
	run, err := w.LatestRun(ctx, wk)
	if err != nil {
		return err
	}
	if run == nil {
		return fmt.Errorf("report: no analysis run for week %s: run `canhbao analyze --week %s` first", wk, wk)
	}
	js, err := charts.FindECharts(o.ECharts)
	if err != nil {
		return err
	}
	d, all, err := m.reportData(ctx, w, run, o)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.Out, charts.DirMode); err != nil {
		return err
	}
	if err := charts.WriteReport(o.Out, d, js); err != nil {
		return err
	}
	ex := &export.Data{Week: wk, Window: d.Window, Public: o.Audience == charts.AudiencePublic, Units: d.Units,
		Indicators: d.Indicators, Previous: d.Previous, All: all, GeoJSON: d.MapGeoJSON}
	if err := export.WriteAll(o.Out, ex); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "report: week %s -> %s\n", wk, filepath.Join(o.Out, charts.ReportFile))
	return nil
}

// reportData reads everything the pages show from the warehouse.
func (m *Main) reportData(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run, o reportOptions) (*charts.ReportData, []models.Indicator, error) {
	wk := run.Week
	inds, err := w.Indicators(ctx, run.RunID)
	if err != nil {
		return nil, nil, err
	}
	g, err := w.Geography(ctx)
	if err != nil {
		return nil, nil, err
	}
	d := &charts.ReportData{Lang: o.Lang, Audience: o.Audience, Week: wk, RunID: run.RunID, GeneratedAt: run.CreatedAt,
		Units: g.Current(), MapGeoJSON: g.MapGeoJSON, Indicators: inds, Window: windowOf(run),
		Warnings: o.Warnings, Neighbours: g.Neighbours, SettledWeeks: settledWeeks}
	if prev, err := w.LatestRun(ctx, wk.Add(-1)); err != nil {
		return nil, nil, err
	} else if prev != nil {
		if d.Previous, err = w.Indicators(ctx, prev.RunID); err != nil {
			return nil, nil, err
		}
	}
	first, _, ok, err := w.CaseRange(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		first = wk
	}
	from := wk.Add(-(trendWeeks - 1))
	if from.Before(first) {
		from = first
	}
	city, err := w.CityTrend(ctx, from, wk)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range city {
		d.CityTrend = append(d.CityTrend, charts.WeekTotal{Week: c.Week, Cases: c.Cases, Serious: c.Serious})
	}
	if d.Panel, err = m.unitPanel(ctx, w, run, first); err != nil {
		return nil, nil, err
	}
	if err := panelBounds(ctx, w, run, d.Panel); err != nil {
		return nil, nil, err
	}
	end := wk.Sunday()
	sr, err := w.SettledRates(ctx, wk.Add(-(settledWeeks - 1)).Monday(), end)
	if err != nil {
		return nil, nil, err
	}
	d.Settled = map[string]charts.SettledRate{}
	for k, v := range sr {
		d.Settled[k] = charts.SettledRate{Settled: v.Settled, Decided: v.Decided}
	}
	if d.FormerDistrict, err = w.FormerDistricts(ctx); err != nil {
		return nil, nil, err
	}
	winFrom := wk.Add(-(d.Window - 1)).Monday()
	st, err := w.Subtopics(ctx, wk.Add(-(d.Window-1)-52).Monday(), winFrom, end)
	if err != nil {
		return nil, nil, err
	}
	d.Subtopics = map[string][]charts.SubtopicCount{}
	for k, v := range st {
		for _, s := range v {
			d.Subtopics[k] = append(d.Subtopics[k], charts.SubtopicCount{Subtopic: s.Subtopic, Window: s.Window, Baseline: s.Baseline})
		}
	}
	if o.Audience != charts.AudiencePublic {
		var flagged []string
		for _, in := range inds {
			if in.Flagged {
				flagged = append(flagged, in.UnitCode)
			}
		}
		cs, err := w.CasesOf(ctx, flagged, winFrom, end)
		if err != nil {
			return nil, nil, err
		}
		d.Cases = map[string][]charts.CaseRow{}
		for code, rows := range cs {
			for _, c := range rows {
				closed := c.Closed
				if closed.IsZero() || closed.After(end) {
					closed = end
				}
				d.Cases[code] = append(d.Cases[code], charts.CaseRow{Key: c.Key, Received: c.Received, Category: c.Category,
					Subtopic: c.Subtopic, Outcome: c.Outcome, DaysOpen: int(closed.Sub(c.Received).Hours() / 24),
					Violence: c.Violence, Crime: c.Crime, ReferredTo: c.ReferredTo, Village: c.Village, Apportioned: c.Apportioned})
			}
		}
	}
	if d.Quality, err = quality(ctx, w, run, d.Units); err != nil {
		return nil, nil, err
	}
	if d.Hotspots, err = hotspotRows(ctx, w, run); err != nil {
		return nil, nil, err
	}
	if d.Model, err = modelQuality(ctx, w); err != nil {
		return nil, nil, err
	}
	if d.Nowcast, err = m.reportNowcast(ctx, w, run, d.FormerDistrict, o.Nowcast); err != nil {
		return nil, nil, err
	}
	if o.Performance && o.Audience != charts.AudiencePublic {
		if d.Performance, err = m.reportPerformance(ctx, w, wk, o.Lang); err != nil {
			return nil, nil, err
		}
	}
	all, err := w.AllIndicators(ctx, wk)
	if err != nil {
		return nil, nil, err
	}
	return d, all, nil
}

// reportPerformance is the report's performance page: the scorecard
// (`canhbao scorecard --period YYYY --as-of SUNDAY`) of the calendar year
// of week wk, with the figures drawn up as of the week's Sunday, so a
// weekly report shows the year to date (projected to the whole year in the
// official table) and a re-run of the week shows the same figures.
func (m *Main) reportPerformance(ctx context.Context, w *warehouse.Warehouse, wk models.Week, lang string) (*charts.PerformanceData, error) {
	asOf := wk.Sunday()
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	p, err := scorecard.ParsePeriod(strconv.Itoa(asOf.Year()))
	if err != nil {
		return nil, err
	}
	return m.performanceData(ctx, w, scorecardConfig{Lang: lang, Period: p, AsOf: asOf, SilentWeeks: silentWeeks,
		Level: scorecard.Level998, TrendMonths: 24})
}

// unitPanel reads the per-unit weekly series of the locality pages and
// recomputes the run's indicator for each of the last detailWeeks weeks
// with the run's settings (analysis.Escalation takes about a millisecond
// per week for Hanoi), so the pages can show an expected line and the weeks
// that would have been flagged. Weeks with too little history stay NaN.
func (m *Main) unitPanel(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run, first models.Week) (*charts.UnitPanel, error) {
	wk := run.Week
	cfg := analysis.DefaultConfig()
	if err := json.Unmarshal([]byte(run.Settings), &cfg); err != nil || cfg.Validate() != nil {
		cfg = analysis.DefaultConfig()
	}
	from := wk.Add(-(detailWeeks + cfg.History + cfg.Guard + cfg.Window))
	if from.Before(first) {
		from = first
	}
	if wk.Before(from) {
		from = wk
	}
	wc, err := w.WeeklyCounts(ctx, from, wk)
	if err != nil {
		return nil, err
	}
	det, err := w.WeeklyDetail(ctx, from, wk)
	if err != nil {
		return nil, err
	}
	g, err := w.Geography(ctx)
	if err != nil {
		return nil, err
	}
	pop := map[string]float64{}
	for _, u := range g.Current() {
		pop[u.Code] = float64(u.Population)
	}
	p := &charts.UnitPanel{Start: from, Units: wc.Units, Counts: wc.Counts, Serious: wc.Serious,
		Category: det.Category, Violence: det.Violence, Crime: det.Crime, Referred: det.Referred}
	T := wk.Sub(from) + 1
	nan := func() [][]float64 {
		out := make([][]float64, len(wc.Units))
		for i := range out {
			out[i] = make([]float64, T)
			for j := range out[i] {
				out[i][j] = math.NaN()
			}
		}
		return out
	}
	p.WindowObserved, p.WindowExpected = nan(), nan()
	p.WindowFlagged = make([][]bool, len(wc.Units))
	for i := range p.WindowFlagged {
		p.WindowFlagged[i] = make([]bool, T)
	}
	ap := &analysis.Panel{Units: wc.Units, Start: wc.Start, Counts: wc.Counts, Serious: wc.Serious,
		Population: make([]float64, len(wc.Units))}
	for i, u := range wc.Units {
		ap.Population[i] = pop[u]
	}
	// The weeks are independent (Escalation only reads the panel) and each
	// writes its own column, so they run on every core: 52 national fits
	// were a fifth of the report's CPU.
	weeks := min(detailWeeks, wk.Sub(from)+1)
	parallelFor(weeks, func(k int) {
		at := wk.Add(-k)
		inds, err := analysis.Escalation(ap, at, cfg)
		if err != nil {
			return // too little history for this week
		}
		c := at.Sub(from)
		for i, in := range inds {
			p.WindowObserved[i][c] = in.Observed
			p.WindowExpected[i][c] = in.Expected
			p.WindowFlagged[i][c] = in.Flagged
		}
	})
	return p, nil
}

// quality reads the data-quality page's evidence: batches finished in the 7
// days before the run, their quarantine reasons and late records, and units
// silent for silentWeeks weeks or more.
func quality(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run, units []models.Unit) (*charts.Quality, error) {
	since := run.CreatedAt.Add(-7 * 24 * time.Hour)
	q := &charts.Quality{Since: since, SilentWeeks: silentWeeks, LateDays: lateDays}
	bs, err := w.BatchesSince(ctx, since)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		q.Batches = append(q.Batches, charts.BatchRow{File: filepath.Base(b.File), Finished: b.FinishedAt, Read: b.Read,
			Loaded: b.Loaded, Updated: b.Updated, Duplicate: b.Duplicate, Quarantined: b.Quarantined, Ignored: b.Ignored})
	}
	rs, err := w.QuarantineReasons(ctx, since)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		q.QuarantineReasons = append(q.QuarantineReasons, charts.ReasonCount{Field: r.Field, Reason: r.Reason, Rows: r.Rows})
	}
	last, err := w.LastReceived(ctx, run.Week.Sunday())
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		t, ok := last[u.Code]
		weeks := 0
		if ok {
			weeks = run.Week.Sub(models.WeekOf(t))
		}
		if !ok || weeks >= silentWeeks {
			s := charts.SilentUnit{Code: u.Code, Weeks: weeks}
			if ok {
				s.LastCase = t
			}
			q.Silent = append(q.Silent, s)
		}
	}
	late, err := w.LateRecords(ctx, since, lateDays)
	if err != nil {
		return nil, err
	}
	for _, l := range late {
		q.Late = append(q.Late, charts.LateCount{File: filepath.Base(l.File), Late: l.Late, MaxDays: l.MaxDays})
	}
	return q, nil
}
