package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestBacktestCommandJSON runs "backtest --truth --json" on simulated
// logbooks (Hanoi, scale 0.3, four years) and checks the output the issue
// asks for: the model and every baseline, Noufaily alarms alone included,
// with the same metric names; the rules fixed in advance and the weekly
// run's flag rule; the Noufaily note about the years of baseline it had; the model's alert rule kept at every refit; and the same numbers
// from a second run on the same warehouse.
func TestBacktestCommandJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	m, out := testMain(t)
	// Every backtest is stored under an id with its time: let the clock move.
	tick := m.Now()
	m.Now = func() time.Time { tick = tick.Add(time.Second); return tick }
	logs, db := simulatedWarehouse(ctx, t, m, out, t.TempDir(), "2")
	run := func() map[string]any {
		t.Helper()
		out.Reset()
		if err := m.Run(ctx, []string{"backtest", "--db", db, "--truth", filepath.Join(logs, "ground_truth.csv"), "--json"}); err != nil {
			t.Fatalf("backtest: %v\n%s", err, out)
		}
		var v map[string]any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("backtest --json: %v\n%s", err, out)
		}
		return v
	}
	v := run()
	methods, _ := v["methods"].([]any)
	names := map[string]map[string]any{}
	for _, x := range methods {
		mm := x.(map[string]any)
		names[mm["name"].(string)] = mm
	}
	for _, want := range []string{"risk_model", "last4_count", "historical_mean", "escalation_score", "noufaily"} {
		mm, ok := names[want]
		if !ok {
			t.Errorf("method %s missing from %v", want, names)
			continue
		}
		for _, k := range []string{"auroc", "aupr", "brier", "bss", "pai", "pei", "episodes_detected_before_peak",
			"episodes_total", "median_lead_weeks", "false_alarm_units_per_week", "at_2_false_alarms", "at_1_false_alarm"} {
			if _, ok := mm[k]; !ok {
				t.Errorf("method %s has no %q", want, k)
			}
		}
	}
	// The rules fixed in advance, for every method, and the weekly run's own
	// rule for the model, with the threshold it chose (within the tiers).
	for name, mm := range names {
		for _, k := range []string{"at_2_false_alarms_prior_threshold", "at_1_false_alarm_prior_threshold",
			"at_2_false_alarms_prior_budget", "at_1_false_alarm_prior_budget"} {
			if p, ok := mm[k].(map[string]any); !ok || p["episodes_total"] == nil {
				t.Errorf("method %s has no %q: %v", name, k, mm[k])
			}
		}
	}
	if p, ok := names["risk_model"]["production_rule"].(map[string]any); !ok {
		t.Errorf("risk_model has no production_rule")
	} else if th, _ := p["threshold"].(float64); th < 0.05 || th > 0.5 {
		t.Errorf("production rule threshold %v, want within the watch..high tiers", p["threshold"])
	}
	if a, ok := names["noufaily"]["at_alarms"].(map[string]any); !ok || a["episodes_total"] == nil {
		t.Errorf("noufaily has no alarm-rule result: %v", names["noufaily"]["at_alarms"])
	}
	notes, _ := v["notes"].([]any)
	if len(notes) == 0 || !strings.Contains(notes[0].(string), "noufaily: b = ") {
		t.Errorf("notes %v, want the Noufaily baseline years", notes)
	}
	if r, a := v["refits"].(float64), v["alert_rules"].(float64); r < 1 || a != r {
		t.Errorf("%v alert rules over %v refits, want one per refit", a, r)
	}
	if again := run(); !reflect.DeepEqual(v, again) {
		t.Error("a second backtest of the same warehouse gave different results")
	}
}
