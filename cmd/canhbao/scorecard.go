package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/scorecard"
	"github.com/canhbao/canhbao/warehouse"
)

// scorecardConfig is the scorecard command's configuration.
type scorecardConfig struct {
	DB, Out, Lang, ECharts string
	Period                 scorecard.Period
	AsOf                   time.Time
	SilentWeeks            int
	Level                  scorecard.Level
	TrendMonths            int
}

// runScorecard handles "scorecard --db F --period P --out DIR [--lang] [--as-of D]".
func (m *Main) runScorecard(ctx context.Context, args []string) error {
	fs := m.newFlags("scorecard")
	db := dbFlag(fs)
	period := fs.String("period", "", "period: YYYY, YYYY-H1|H2, YYYY-Q1..Q4 or YYYY-M01..M12 (required)")
	out := fs.String("out", "", "folder to write performance.html, the XLSX table and the CSV into (required)")
	lang := fs.String("lang", "vi", "page language: vi or en")
	asOf := fs.String("as-of", "", "date the figures are drawn up (default: today in UTC+7); a period ending later is projected")
	silent := fs.Int("silent-weeks", 8, "list units with no case in this many weeks up to the as-of date")
	level := fs.String("level", "99.8", "control limit that marks a unit weak: 99.8 or 95")
	echarts := fs.String("echarts", "", "path to echarts.min.js (default: $CANHBAO_ECHARTS or node_modules)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	cfg := scorecardConfig{DB: *db, Out: *out, Lang: *lang, ECharts: *echarts, SilentWeeks: *silent, TrendMonths: 24}
	switch {
	case *period == "":
		return &usageError{"scorecard: --period is required"}
	case *out == "":
		return &usageError{"scorecard: --out is required"}
	case *lang != "vi" && *lang != "en":
		return &usageError{fmt.Sprintf("scorecard: --lang %q: want vi or en", *lang)}
	case *silent < 1:
		return &usageError{"scorecard: --silent-weeks must be at least 1"}
	}
	switch *level {
	case "99.8":
		cfg.Level = scorecard.Level998
	case "95":
		cfg.Level = scorecard.Level95
	default:
		return &usageError{fmt.Sprintf("scorecard: --level %q: want 99.8 or 95", *level)}
	}
	p, err := scorecard.ParsePeriod(*period)
	if err != nil {
		return &usageError{err.Error()}
	}
	cfg.Period = p
	if *asOf == "" {
		now := m.Now().In(hoChiMinh)
		cfg.AsOf = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	} else if cfg.AsOf, err = parseDate(*asOf); err != nil {
		return err
	}
	if cfg.AsOf.Before(p.From) {
		return &usageError{fmt.Sprintf("scorecard: period %s starts after the as-of date %s", p.Label, cfg.AsOf.Format("02/01/2006"))}
	}
	return m.scorecard(ctx, cfg)
}

// Output file names; the XLSX name carries the period.
const (
	scorecardCSV = "unit_indicators.csv"
)

func (m *Main) scorecard(ctx context.Context, cfg scorecardConfig) error {
	js, err := charts.FindECharts(cfg.ECharts)
	if err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := m.performanceData(ctx, w, cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Out, 0o750); err != nil {
		return err
	}
	if err := charts.WritePerformance(cfg.Out, d, js); err != nil {
		return err
	}
	p, table, card := cfg.Period, d.Table, d.Card
	var xb bytes.Buffer
	if err := scorecard.WriteXLSX(&xb, table); err != nil {
		return err
	}
	xlsxName := "bieu_hoa_giai_" + p.Label + ".xlsx"
	if err := os.WriteFile(filepath.Join(cfg.Out, xlsxName), xb.Bytes(), 0o640); err != nil {
		return err
	}
	names := make(map[string]string, len(d.Units))
	for _, u := range d.Units {
		names[u.Code] = u.FullName
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, scorecardCSV), indicatorsCSV(card, names), 0o640); err != nil {
		return err
	}
	est := ""
	if table.Projected {
		est = fmt.Sprintf(" (projected by %s, factor %.3f)", table.Method, table.Factor)
	}
	fmt.Fprintf(m.Stdout, "scorecard: %s as of %s: %d cases, %d weak units, %d silent units%s -> %s, %s, %s\n",
		p.Label, cfg.AsOf.Format("2006-01-02"), table.City.Received, len(card.WeakUnits()), len(d.Silent), est,
		filepath.Join(cfg.Out, charts.PerformanceFile), filepath.Join(cfg.Out, xlsxName), filepath.Join(cfg.Out, scorecardCSV))
	return nil
}

// performanceData reads and computes what the performance page shows (the
// scorecard command's page, and the weekly report's performance.html):
// indicators per unit and team with their funnel limits, the official
// table (projected when the period ends after cfg.AsOf), silent units and
// the monthly settled-rate trend.
func (m *Main) performanceData(ctx context.Context, w *warehouse.Warehouse, cfg scorecardConfig) (*charts.PerformanceData, error) {
	g, err := w.Geography(ctx)
	if err != nil {
		return nil, err
	}
	p := cfg.Period
	end := p.To
	if cfg.AsOf.Before(end) {
		end = cfg.AsOf
	}
	tallies, err := w.Scorecard(ctx, p.From, p.To, cfg.AsOf)
	if err != nil {
		return nil, err
	}
	card, err := scorecard.Build(tallies, scorecard.Options{Level: cfg.Level})
	if err != nil {
		return nil, err
	}
	units := g.Current()
	codes := make([]string, len(units))
	names := make(map[string]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
		names[u.Code] = u.FullName
	}
	teams, err := w.TeamCounts(ctx, end)
	if err != nil {
		return nil, err
	}
	var last scorecard.LastYear
	if cfg.AsOf.Before(p.To) {
		ly := p.YearEarlier()
		if last.ToDate, err = w.CountReceived(ctx, ly.From, cfg.AsOf.AddDate(-1, 0, 0)); err != nil {
			return nil, err
		}
		if last.Total, err = w.CountReceived(ctx, ly.From, ly.To); err != nil {
			return nil, err
		}
	}
	table, err := scorecard.BuildTable(p, cfg.AsOf, codes, names, teams, tallies, last)
	if err != nil {
		return nil, err
	}
	lastCase, err := w.LastCaseDates(ctx, cfg.AsOf)
	if err != nil {
		return nil, err
	}
	silent := scorecard.SilentUnits(codes, lastCase, cfg.AsOf, cfg.SilentWeeks)
	months, err := w.MonthlyRates(ctx, end.AddDate(0, -(cfg.TrendMonths-1), 0), end, cfg.AsOf)
	if err != nil {
		return nil, err
	}
	d := &charts.PerformanceData{Lang: cfg.Lang, Period: p, AsOf: cfg.AsOf, Units: units, Card: card, Silent: silent,
		SilentWeeks: cfg.SilentWeeks, Table: table, GeneratedAt: m.Now()}
	for _, mr := range months {
		d.Trend = append(d.Trend, charts.PerfMonth{Label: mr.Month.Format("2006-01"), Received: mr.Received,
			Settled: mr.Settled, InProgress: mr.InProgress})
	}
	return d, nil
}

// indicatorsCSV writes one row per unit and team with the indicators and
// their funnel limits (no personal data: counts and codes only).
func indicatorsCSV(card *scorecard.Card, names map[string]string) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write([]string{"unit_code", "unit_name", "team", "received", "settled", "not_settled", "in_progress",
		"settled_rate", "lower_95", "lower_998", "weak", "median_days_to_close", "open_0_30", "open_31_90",
		"open_91_180", "open_over_180", "escalated", "escalation_share", "high_escalation", "repeat", "repeat_share"})
	f := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	i := strconv.Itoa
	for _, rs := range [][]scorecard.Rated{card.Units, card.Teams} {
		for _, r := range rs {
			lo95, lo998 := math.NaN(), math.NaN()
			if r.Settled.N > 0 {
				lo95, lo998 = r.Settled.Limits.Lower95, r.Settled.Limits.Lower998
			}
			cw.Write([]string{r.UnitCode, names[r.UnitCode], r.Team, i(r.Received), i(r.Tally.Settled), i(r.NotSettled),
				i(r.InProgress), f(r.SettledRate()), f(lo95), f(lo998), strconv.FormatBool(r.Weak), f(r.MedianDaysToClose),
				i(r.OpenByAge[0]), i(r.OpenByAge[1]), i(r.OpenByAge[2]), i(r.OpenByAge[3]), i(r.Escalated),
				f(r.EscalationShare()), strconv.FormatBool(r.HighEscalation), i(r.Repeat), f(r.RepeatShare())})
		}
	}
	cw.Flush()
	return b.Bytes()
}
