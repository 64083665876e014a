package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// runReport handles "report [--db F] [--week W] --out DIR".
func (m *Main) runReport(ctx context.Context, args []string) error {
	fs := m.newFlags("report")
	db := dbFlag(fs)
	week := fs.String("week", "", "ISO week YYYY-Www (default: the week of the newest analysis run)")
	out := fs.String("out", "", "folder to write index.html into (required)")
	lang := fs.String("lang", "vi", "report language: vi or en")
	echarts := fs.String("echarts", "", "path to echarts.min.js (default: $CANHBAO_ECHARTS or node_modules/echarts/dist/echarts.min.js found from here upward)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"report: --out is required"}
	}
	if *lang != "vi" && *lang != "en" {
		return &usageError{fmt.Sprintf("report: --lang %q: want vi or en", *lang)}
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
	return m.report(ctx, w, wk, *out, *lang, *echarts)
}

// trendWeeks is how much city-wide history the report's trend chart shows.
const trendWeeks = 156

func (m *Main) report(ctx context.Context, w *warehouse.Warehouse, wk models.Week, out, lang, echartsPath string) error {
	run, err := w.LatestRun(ctx, wk)
	if err != nil {
		return err
	}
	if run == nil {
		return fmt.Errorf("report: no analysis run for week %s: run `canhbao analyze --week %s` first", wk, wk)
	}
	js, err := charts.FindECharts(echartsPath)
	if err != nil {
		return err
	}
	inds, err := w.Indicators(ctx, run.RunID)
	if err != nil {
		return err
	}
	g, err := w.Geography(ctx)
	if err != nil {
		return err
	}
	from := wk.Add(-(trendWeeks - 1))
	if first, _, ok, err := w.CaseRange(ctx); err != nil {
		return err
	} else if ok && from.Before(first) {
		from = first
	}
	city, err := w.CityTrend(ctx, from, wk)
	if err != nil {
		return err
	}
	d := &charts.ReportData{Lang: lang, Week: wk, RunID: run.RunID, GeneratedAt: run.CreatedAt,
		Units: g.Current(), MapGeoJSON: g.MapGeoJSON, Indicators: inds, Window: windowOf(run)}
	for _, c := range city {
		d.CityTrend = append(d.CityTrend, charts.WeekTotal{Week: c.Week, Cases: c.Cases, Serious: c.Serious})
	}
	if err := os.MkdirAll(out, 0o750); err != nil {
		return err
	}
	if err := charts.WriteReport(out, d, js); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "report: week %s -> %s\n", wk, filepath.Join(out, "index.html"))
	return nil
}
