package main

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// TestAnalyzeRiskModelReuse checks the risk model's schedule on simulated
// logbooks (Hanoi, four years): the first analyze of a week fits and stores
// the model; a second analyze of the same week reuses it and stores
// bit-identical probabilities, tiers, flags and drivers; a stored model is
// not used for an earlier week (it saw later labels), nor when it is
// risk_refit_weeks old, nor with --risk-refit-weeks 0, nor when its row is
// damaged (a warning, then a refit).
func TestAnalyzeRiskModelReuse(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	m, out := testMain(t)
	// Every analyze stores a run named by its time: let the clock move.
	tick := m.Now()
	m.Now = func() time.Time { tick = tick.Add(time.Second); return tick }
	_, db := simulatedWarehouse(ctx, t, m, out, t.TempDir(), "4")
	// analyze runs the command and returns its output and the run's indicators.
	analyze := func(week string, extra ...string) (string, []models.Indicator) {
		t.Helper()
		out.Reset()
		if err := m.Run(ctx, append([]string{"analyze", "--db", db, "--week", week}, extra...)); err != nil {
			t.Fatalf("analyze %s: %v\n%s", week, err, out)
		}
		w, err := warehouse.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		wk, _ := models.ParseWeek(week)
		run, err := w.LatestRun(ctx, wk)
		if err != nil || run == nil {
			t.Fatalf("no run for %s: %v", week, err)
		}
		inds, err := w.Indicators(ctx, run.RunID)
		if err != nil {
			t.Fatal(err)
		}
		return out.String(), inds
	}
	stored := func() int {
		t.Helper()
		w, err := warehouse.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		var n int
		if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM risk_models`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	o1, fitted := analyze("2026-W47")
	if !strings.Contains(o1, "risk model fitted at 2026-W47") || stored() != 1 {
		t.Fatalf("first analyze did not fit and store the model (%d stored):\n%s", stored(), o1)
	}
	o2, reused := analyze("2026-W47")
	if !strings.Contains(o2, "reused") || stored() != 1 {
		t.Fatalf("second analyze did not reuse the model (%d stored):\n%s", stored(), o2)
	}
	if len(fitted) != len(reused) || len(fitted) == 0 {
		t.Fatalf("%d indicators after the fit, %d after the reuse", len(fitted), len(reused))
	}
	withProb := 0
	for i := range fitted {
		a, b := fitted[i], reused[i]
		if a.UnitCode != b.UnitCode || math.Float64bits(a.Probability) != math.Float64bits(b.Probability) ||
			a.Tier != b.Tier || a.Flagged != b.Flagged || !reflect.DeepEqual(a.Drivers, b.Drivers) {
			t.Errorf("unit %s: fitted run %v %s %v %+v, reused %s %v %s %v %+v", a.UnitCode, a.Probability, a.Tier,
				a.Flagged, a.Drivers, b.UnitCode, b.Probability, b.Tier, b.Flagged, b.Drivers)
		}
		if a.Probability > 0 {
			withProb++
		}
	}
	if withProb == 0 {
		t.Fatal("no unit has a risk probability: the risk model did not run")
	}

	// An earlier week never uses a model fitted later.
	if o, _ := analyze("2026-W46"); !strings.Contains(o, "risk model fitted at 2026-W46") || stored() != 2 {
		t.Errorf("week 46 did not refit (%d stored):\n%s", stored(), o)
	}
	// Three weeks later the model of week 47 is still used, four weeks later not.
	if o, _ := analyze("2026-W50"); !strings.Contains(o, "(fitted at 2026-W47) reused") {
		t.Errorf("week 50 did not reuse the model of week 47:\n%s", o)
	}
	if o, _ := analyze("2026-W51"); !strings.Contains(o, "risk model fitted at 2026-W51") || stored() != 3 {
		t.Errorf("week 51 did not refit (%d stored):\n%s", stored(), o)
	}
	if o, _ := analyze("2026-W51", "--risk-refit-weeks", "0"); !strings.Contains(o, "risk model fitted at 2026-W51") || stored() != 4 {
		t.Errorf("--risk-refit-weeks 0 did not refit (%d stored):\n%s", stored(), o)
	}
	// A damaged row: a warning and a refit, not a failed run.
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `UPDATE risk_models SET model = '{"Cols":[]}'`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if o, _ := analyze("2026-W51"); !strings.Contains(o, "refitting") || !strings.Contains(o, "risk model fitted at 2026-W51") {
		t.Errorf("damaged model: no warning and refit:\n%s", o)
	}
	out.Reset()
	if err := m.Run(ctx, []string{"analyze", "--db", db, "--risk-refit-weeks", "-1"}); err == nil || exitCode(err) != 2 {
		t.Errorf("--risk-refit-weeks -1: %v", err)
	}
}
