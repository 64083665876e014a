package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// Nowcasting late logbooks (issue 11; method and measured skill in
// docs/nowcast.md). The warehouse gives the reporting triangle (cases by
// received week and weeks until their batch arrived, backfills left out)
// and the counts as the system saw them on a given day; analysis estimates
// the delay distribution (pooled, and per former district shrunk toward the
// pool) and nowcasts the last weeks.

// nowcastOptions are the settings shared by analyze --nowcast, nowcast and
// nowcast-eval.
type nowcastOptions struct {
	Delay   analysis.DelayConfig
	Nowcast analysis.NowcastConfig
}

func defaultNowcastOptions() nowcastOptions {
	return nowcastOptions{Delay: analysis.DefaultDelayConfig(), Nowcast: analysis.DefaultNowcastConfig()}
}

// declare adds the common flags.
func (o *nowcastOptions) declare(fs *flag.FlagSet) {
	fs.IntVar(&o.Nowcast.Weeks, "delay-weeks", o.Nowcast.Weeks, "number of recent weeks to nowcast (D)")
	fs.IntVar(&o.Delay.Window, "delay-window", o.Delay.Window, "received weeks used to estimate the delay distribution")
	fs.IntVar(&o.Delay.MaxDelay, "max-delay", o.Delay.MaxDelay, "longest delay class in weeks (longer delays are folded into it)")
	fs.Float64Var(&o.Nowcast.Level, "level", o.Nowcast.Level, "prediction interval level")
}

func (o nowcastOptions) validate() error {
	if err := o.Delay.Validate(); err != nil {
		return &usageError{err.Error()}
	}
	if err := o.Nowcast.Validate(); err != nil {
		return &usageError{err.Error()}
	}
	return nil
}

// nowcastRun is one nowcast with the delay model behind it.
type nowcastRun struct {
	AsOf     time.Time
	Now      models.Week // week of the latest arrival seen by AsOf
	Pooled   *analysis.DelayDist
	Groups   map[string]*analysis.DelayDist // shrunk toward Pooled
	Triangle *analysis.TriangleSet
	Result   *analysis.Nowcast
}

// delayModel reads the reporting triangle as the system saw it on asOf and
// estimates the pooled and per-group delay distributions. now is the week of
// the latest arrival in the triangle (deliveries may come on one weekday
// only: a Monday run before the week's delivery has seen nothing of the new
// week), not later than asOf's week.
func delayModel(ctx context.Context, w *warehouse.Warehouse, asOf time.Time, groupOf map[string]string,
	cfg analysis.DelayConfig) (models.Week, *analysis.TriangleSet, *analysis.DelayDist, map[string]*analysis.DelayDist, error) {
	top := models.WeekOf(asOf)
	from := top.Add(-(cfg.Window + 1))
	rows, err := w.DelayCounts(ctx, from, top, asOf)
	if err != nil {
		return models.Week{}, nil, nil, nil, err
	}
	if len(rows) == 0 {
		return models.Week{}, nil, nil, nil, fmt.Errorf("nowcast: no case arrived in the %d weeks before %s outside backfills: no delay to estimate",
			cfg.Window, asOf.Format("02/01/2006"))
	}
	cells := make([]analysis.DelayCell, len(rows))
	latest, earliest := -1<<31, 1<<31
	for i, r := range rows {
		cells[i] = analysis.DelayCell{Unit: r.UnitCode, Received: r.Received, Delay: r.Delay, N: float64(r.N)}
		latest = max(latest, r.Received.Index()+r.Delay)
		earliest = min(earliest, r.Received.Index()+r.Delay)
	}
	now := models.WeekFromIndex(min(latest, top.Index()))
	// Weeks received before the first delivery outside backfills are left
	// truncated: their prompt cases went into the backfill, only the late
	// ones are in the triangle, and they would make every delay look long.
	// The triangle starts at the first delivery (backfills are assumed to
	// precede regular deliveries, as when a unit joins the system).
	if first := models.WeekFromIndex(earliest); from.Before(first) {
		from = first
	}
	if now.Before(from) {
		from = now
	}
	set, err := analysis.BuildTriangles(cells, from, now, cfg.MaxDelay, groupOf)
	if err != nil {
		return models.Week{}, nil, nil, nil, err
	}
	pooled, err := analysis.EstimateDelay(set.Pooled, cfg)
	if err != nil {
		return models.Week{}, nil, nil, nil, err
	}
	raw := map[string]*analysis.DelayDist{}
	for _, g := range set.GroupNames() {
		if raw[g], err = analysis.EstimateDelay(set.Groups[g], cfg); err != nil {
			return models.Week{}, nil, nil, nil, err
		}
	}
	groups, err := analysis.ShrinkDelay(pooled, raw)
	if err != nil {
		return models.Week{}, nil, nil, nil, err
	}
	return now, set, pooled, groups, nil
}

// nowcastCounts nowcasts the last weeks of counts (per unit, column 0 =
// start) as the system saw them on asOf.
func nowcastCounts(ctx context.Context, w *warehouse.Warehouse, units []string, start models.Week, counts [][]float64,
	asOf time.Time, groupOf map[string]string, o nowcastOptions) (*nowcastRun, error) {
	now, set, pooled, groups, err := delayModel(ctx, w, asOf, groupOf, o.Delay)
	if err != nil {
		return nil, err
	}
	res, err := analysis.NowcastPanel(analysis.NowcastInput{Units: units, Start: start, Counts: counts, Now: now,
		Pooled: pooled, Groups: groups, GroupOf: groupOf}, o.Nowcast)
	if err != nil {
		return nil, fmt.Errorf("nowcast: %w", err)
	}
	return &nowcastRun{AsOf: asOf, Now: now, Pooled: pooled, Groups: groups, Triangle: set, Result: res}, nil
}

// unitGroups is the grouping of units for the delay model: the former
// district (the reporting chain ran through the district justice office).
func unitGroups(ctx context.Context, w *warehouse.Warehouse) (map[string]string, error) {
	return w.FormerDistricts(ctx)
}

// countsMatrix orders a unit -> counts map as rows.
func countsMatrix(m map[string][]float64) ([]string, [][]float64) {
	units := make([]string, 0, len(m))
	for u := range m {
		units = append(units, u)
	}
	sort.Strings(units)
	rows := make([][]float64, len(units))
	for i, u := range units {
		rows[i] = m[u]
	}
	return units, rows
}

// runNowcast handles "nowcast [--db F] [--week W] [--as-of D] [--json]":
// the city's nowcast and the delay distribution as the system sees them.
func (m *Main) runNowcast(ctx context.Context, args []string) error {
	fs := m.newFlags("nowcast")
	db := dbFlag(fs)
	week := fs.String("week", "", "last received week to nowcast, YYYY-Www (default: the last complete week in Asia/Ho_Chi_Minh)")
	asOfFlag := fs.String("as-of", "", "replay what the system had seen on this day, dd/mm/yyyy (default: today, or the Monday after --week)")
	asJSON := fs.Bool("json", false, "print JSON")
	o := defaultNowcastOptions()
	o.declare(fs)
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	wk, ok, err := parseWeekFlag(*week)
	if err != nil {
		return err
	}
	asOf := hanoiDate(m.Now())
	if ok {
		asOf = wk.Add(1).Monday()
	} else {
		wk = models.LastCompleteWeek(m.Now(), hoChiMinh)
	}
	if *asOfFlag != "" {
		if asOf, err = parseDate(*asOfFlag); err != nil {
			return &usageError{"--as-of: " + err.Error()}
		}
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	if has, err := w.HasArrivals(ctx); err != nil {
		return err
	} else if !has {
		return fmt.Errorf("nowcast: every batch in the warehouse is a backfill: no reporting delay to learn from")
	}
	groupOf, err := unitGroups(ctx, w)
	if err != nil {
		return err
	}
	from := wk.Add(-(o.Nowcast.Weeks + o.Nowcast.PriorWeeks - 1))
	seen, err := w.WeeklyCountsAsOf(ctx, from, wk, asOf)
	if err != nil {
		return err
	}
	units, rows := countsMatrix(seen)
	run, err := nowcastCounts(ctx, w, units, from, rows, asOf, groupOf, o)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeNowcastJSON(m, run)
	}
	writeNowcastText(m, run)
	return nil
}

// nowcastJSON is the JSON form of a nowcast.
type nowcastJSON struct {
	AsOf  string            `json:"as_of"`
	Now   string            `json:"latest_arrival_week"`
	Level float64           `json:"level"`
	City  []nowcastWeekJSON `json:"city"`
	Delay []delayGroupJSON  `json:"delay"`
	Units []nowcastUnitJSON `json:"units"`
	Notes map[string]string `json:"notes"`
}

type nowcastWeekJSON struct {
	Week     string  `json:"week"`
	Delay    int     `json:"weeks_since"`
	Observed float64 `json:"observed"`
	Reported float64 `json:"share_reported"`
	Mean     float64 `json:"mean"`
	Median   float64 `json:"median"`
	Lower    float64 `json:"lower"`
	Upper    float64 `json:"upper"`
}

type nowcastUnitJSON struct {
	Unit  string            `json:"unit"`
	Weeks []nowcastWeekJSON `json:"weeks"`
}

type delayGroupJSON struct {
	Group string    `json:"group"`
	Cases float64   `json:"cases"`
	CDF   []float64 `json:"cdf"`
}

func weekJSON(ws []analysis.NowcastWeek) []nowcastWeekJSON {
	out := make([]nowcastWeekJSON, len(ws))
	for i, w := range ws {
		out[i] = nowcastWeekJSON{Week: w.Week.String(), Delay: w.Delay, Observed: w.Observed, Reported: w.Reported,
			Mean: w.Mean, Median: w.Median, Lower: w.Lower, Upper: w.Upper}
	}
	return out
}

func writeNowcastJSON(m *Main, run *nowcastRun) error {
	out := nowcastJSON{AsOf: run.AsOf.Format(time.DateOnly), Now: run.Now.String(), Level: run.Result.Level,
		City: weekJSON(run.Result.City),
		Notes: map[string]string{"vi": "Số liệu còn đang về: các tuần gần nhất là ước tính (nowcast)",
			"en": "data still arriving: the last weeks are nowcast"}}
	out.Delay = append(out.Delay, delayGroupJSON{Group: "", Cases: run.Pooled.Cases, CDF: run.Pooled.CDF()})
	for _, g := range run.Triangle.GroupNames() {
		out.Delay = append(out.Delay, delayGroupJSON{Group: g, Cases: run.Groups[g].Cases, CDF: run.Groups[g].CDF()})
	}
	for _, sn := range run.Result.Units {
		out.Units = append(out.Units, nowcastUnitJSON{Unit: sn.Unit, Weeks: weekJSON(sn.Weeks)})
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeNowcastText(m *Main, run *nowcastRun) {
	fmt.Fprintf(m.Stdout, "Ước tính số vụ việc các tuần gần nhất (nowcast) — số liệu còn đang về\n")
	fmt.Fprintf(m.Stdout, "ngày xem: %s; lần nhận sổ gần nhất: tuần %s; khoảng dự báo %.0f%%\n\n",
		run.AsOf.Format("02/01/2006"), run.Now, 100*run.Result.Level)
	fmt.Fprintf(m.Stdout, "%-9s %6s %9s %9s %8s %17s\n", "tuần", "đã về", "tỷ lệ về", "ước tính", "trung vị", "khoảng")
	for _, w := range run.Result.City {
		fmt.Fprintf(m.Stdout, "%-9s %6.0f %8.0f%% %9.1f %8.0f %8.0f – %-6.0f\n", w.Week, w.Observed, 100*w.Reported,
			w.Mean, w.Median, w.Lower, w.Upper)
	}
	fmt.Fprintf(m.Stdout, "\nPhân bố độ trễ (tỷ lệ vụ việc đã về sau d tuần), %d vụ trong cửa sổ:\n", int(run.Pooled.Cases))
	writeCDFRow(m, "toàn thành phố", run.Pooled)
	for _, g := range run.Triangle.GroupNames() {
		writeCDFRow(m, g, run.Groups[g])
	}
}

func writeCDFRow(m *Main, name string, dd *analysis.DelayDist) {
	F := dd.CDF()
	fmt.Fprintf(m.Stdout, "  %-22s", name)
	for d := 0; d < len(F) && d <= 8; d++ {
		fmt.Fprintf(m.Stdout, " %3.0f%%", 100*F[d])
	}
	fmt.Fprintln(m.Stdout)
}

// nowcastPanel is analyze --nowcast: the panel with its last weeks replaced
// by their nowcast as the system sees them today, and the suffix of the run's
// method. Without batches that carry arrival dates (everything a backfill)
// there is no delay to learn from and the panel is returned unchanged, with
// a warning.
func (m *Main) nowcastPanel(ctx context.Context, w *warehouse.Warehouse, p *analysis.Panel) (*analysis.Panel, string, error) {
	has, err := w.HasArrivals(ctx)
	if err != nil {
		return nil, "", err
	}
	if !has {
		fmt.Fprintln(m.Stderr, "canhbao: analyze: --nowcast ignored: every batch is a backfill, no reporting delay to learn from")
		return p, "", nil
	}
	groupOf, err := unitGroups(ctx, w)
	if err != nil {
		return nil, "", err
	}
	run, err := nowcastCounts(ctx, w, p.Units, p.Start, p.Counts, hanoiDate(m.Now()), groupOf, *m.nowcast)
	if err != nil {
		return nil, "", fmt.Errorf("analyze: %w", err)
	}
	q, _, err := analysis.ApplyNowcast(p, run.Result)
	if err != nil {
		return nil, "", fmt.Errorf("analyze: %w", err)
	}
	if c := run.Result.City; len(c) > 0 {
		l := c[len(c)-1]
		fmt.Fprintf(m.Stdout, "analyze: nowcast (latest delivery in week %s): week %s seen %.0f, nowcast %.1f (%.0f%%: %.0f–%.0f); last %d weeks replaced\n",
			run.Now, l.Week, l.Observed, l.Mean, 100*run.Result.Level, l.Lower, l.Upper, len(c))
	}
	return q, "+nowcast/v1", nil
}
