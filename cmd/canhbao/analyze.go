package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// runAnalyze handles "analyze [--db F] [--week W]".
func (m *Main) runAnalyze(ctx context.Context, args []string) error {
	fs := m.newFlags("analyze")
	db := dbFlag(fs)
	week := fs.String("week", "", "ISO week to analyse, YYYY-Www (default: the last complete week in Asia/Ho_Chi_Minh)")
	cfg := analysis.DefaultConfig()
	fs.IntVar(&cfg.Window, "window", cfg.Window, "weeks in the evaluation window ending at --week")
	fs.IntVar(&cfg.History, "history", cfg.History, "weeks of history before the window used to fit the model")
	fs.Float64Var(&cfg.Alpha, "alpha", cfg.Alpha, "false-discovery rate for flags")
	nowcast := fs.Bool("nowcast", false, "replace the counts of the last --delay-weeks weeks by their nowcast (logbooks still arriving; needs batches with arrival dates)")
	nco := defaultNowcastOptions()
	nco.declare(fs)
	refit := fs.Int("risk-refit-weeks", defaultRiskRefitWeeks,
		"refit the risk model when the stored one is this many weeks old or older (0: refit every run)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	wk, ok, err := parseWeekFlag(*week)
	if err != nil {
		return err
	}
	if !ok {
		wk = models.LastCompleteWeek(m.Now(), hoChiMinh)
	}
	if err := cfg.Validate(); err != nil {
		return &usageError{err.Error()}
	}
	if *nowcast {
		if err := nco.validate(); err != nil {
			return err
		}
		m.nowcast = &nco
	}
	if *refit < 0 {
		return &usageError{fmt.Sprintf("analyze: --risk-refit-weeks %d, want >= 0", *refit)}
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	_, err = m.analyzeWeek(ctx, w, wk, cfg, *refit)
	return err
}

// analyze computes and stores the indicators of week wk, refitting the risk
// model on the default schedule.
func (m *Main) analyze(ctx context.Context, w *warehouse.Warehouse, wk models.Week, cfg analysis.Config) (*warehouse.Run, error) {
	return m.analyzeWeek(ctx, w, wk, cfg, defaultRiskRefitWeeks)
}

// analyzeWeek computes and stores the indicators of week wk; the risk model
// is refitted when the stored one is refitWeeks weeks old or older (see
// applyRiskScheduled).
func (m *Main) analyzeWeek(ctx context.Context, w *warehouse.Warehouse, wk models.Week, cfg analysis.Config,
	refitWeeks int) (*warehouse.Run, error) {
	first, last, ok, err := w.CaseRange(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("analyze: the warehouse holds no cases: ingest logbooks first")
	}
	if wk.Before(first) {
		return nil, &usageError{fmt.Sprintf("analyze: week %s is before the first case (%s)", wk, first)}
	}
	if last.Before(wk) {
		fmt.Fprintf(m.Stderr, "canhbao: analyze: warning: no case received after %s; week %s may be incomplete\n", last, wk)
	}
	from := wk.Add(-(cfg.History + cfg.Guard + cfg.Window - 1))
	if from.Before(first) {
		from = first
	}
	wc, err := w.WeeklyCounts(ctx, from, wk)
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
	p := &analysis.Panel{Units: wc.Units, Start: wc.Start, Counts: wc.Counts, Serious: wc.Serious,
		Population: make([]float64, len(wc.Units))}
	for i, u := range wc.Units {
		p.Population[i] = pop[u]
	}
	nowcastNote := ""
	if m.nowcast != nil {
		if p, nowcastNote, err = m.nowcastPanel(ctx, w, p); err != nil {
			return nil, err
		}
		if nowcastNote != "" {
			// The risk model reads its own, longer panel (loadRiskData):
			// it nowcasts the same weeks as of the same day.
			ctx = withRiskNowcast(ctx, riskNowcast{Options: *m.nowcast, AsOf: hanoiDate(m.Now())})
		}
	}
	inds, err := analysis.Escalation(p, wk, cfg)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	var prev []models.Indicator
	if pr, err := w.LatestRun(ctx, wk.Add(-1)); err != nil {
		return nil, err
	} else if pr != nil {
		if prev, err = w.Indicators(ctx, pr.RunID); err != nil {
			return nil, err
		}
	}
	method := "escalation-nb-glm/v1"
	risk, err := m.applyRiskScheduled(ctx, w, first, wk, cfg, refitWeeks, inds, prev)
	if err != nil {
		return nil, err
	}
	if risk {
		method = "escalation-nb-glm/v1+risk-logit/v1"
	}
	method += nowcastNote
	now := m.Now().UTC()
	settings, _ := json.Marshal(cfg)
	run := warehouse.Run{RunID: fmt.Sprintf("run-%s-%s", wk, now.Format("20060102T150405.000Z")),
		Week: wk, CreatedAt: now, Method: method, Settings: string(settings)}
	flagged := 0
	for i := range inds {
		inds[i].RunID = run.RunID
		if inds[i].Flagged {
			flagged++
		}
	}
	if err := w.SaveRun(ctx, run, inds); err != nil {
		return nil, err
	}
	fmt.Fprintf(m.Stdout, "analyze: week %s (%s..%s): %d units, %d flagged, run %s\n", wk,
		wk.Monday().Format("02/01/2006"), wk.Sunday().Format("02/01/2006"), len(inds), flagged, run.RunID)
	if err := m.analyzeSpatial(ctx, w, &run, p, inds, g, cfg); err != nil {
		return nil, err
	}
	if err := m.analyzeDetectors(ctx, w, &run, p, first); err != nil {
		return nil, err
	}
	return &run, nil
}

// windowOf reads the evaluation window back from a run's settings.
func windowOf(r *warehouse.Run) int {
	var c analysis.Config
	if err := json.Unmarshal([]byte(r.Settings), &c); err != nil || c.Window <= 0 {
		return analysis.DefaultConfig().Window
	}
	return c.Window
}
