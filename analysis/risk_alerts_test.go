package analysis

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// TestRiskAlertRule checks the second flag rule: the combined probability is
// the largest of the pooled model's and the alert's own Platt-scaled
// probability, a model read back from JSON predicts and explains bit for bit
// the same, the deciding alert is named as a driver with its raw count, and
// a Features without the alert's column leaves the model's probability.
func TestRiskAlertRule(t *testing.T) {
	f, m, _, last := fitSynthRisk(t, 5, 26)
	if len(m.Alerts) != 1 || m.Alerts[0].Feature != "tail_marked_2" || !(m.Alerts[0].PlattA > 0) {
		t.Fatalf("alert rules %+v, want one increasing rule on tail_marked_2", m.Alerts)
	}
	j := -1
	for k, c := range f.Cols {
		if c.Name == "tail_marked_2" {
			j = k
		}
	}
	a := m.Alerts[0]
	alertWins := -1
	for tt := last - 30; tt <= last; tt++ {
		prob := m.Predict(f, tt)
		for u, got := range prob {
			x := f.Row(tt, u)
			pm := m.Probability(x) // every column is a model column here
			pa := sigmoid(a.PlattA*x[j] + a.PlattB)
			if want := math.Max(pm, pa); math.Abs(got-want) > 1e-15 {
				t.Fatalf("week %d unit %d: probability %v, want max(%v, %v)", tt, u, got, pm, pa)
			}
			observed := f.Raw[tt-f.First][u][j] > f.Base[tt-f.First][u][j]
			if pa > pm && logit(pa)-logit(pm) > 0.5 && alertWins < 0 && observed {
				alertWins = tt*1000 + u
			}
			if pa > pm && !observed {
				// The alert's floor decided with nothing observed: it raises
				// the probability but is not named as a reason.
				for _, d := range m.Drivers(f, tt, u) {
					if d.Code == f.Cols[j].Code && d.Weeks == 2 && d.Value <= d.Baseline {
						t.Errorf("week %d unit %d: alert named with nothing observed: %+v", tt, u, d)
					}
				}
			}
		}
	}
	if alertWins < 0 {
		t.Fatal("the alert never decided a probability in 31 weeks: the test exercises nothing")
	}
	tt, u := alertWins/1000, alertWins%1000
	dr := m.Drivers(f, tt, u)
	found := false
	for _, x := range dr {
		if x.Code == f.Cols[j].Code && x.Value == f.Raw[tt-f.First][u][j] && x.Weeks == 2 {
			found = true
		}
	}
	if !found {
		t.Errorf("week %d unit %d: the deciding alert (marked cases %v over 2 weeks) is not among the drivers %+v",
			tt, u, f.Raw[tt-f.First][u][j], dr)
	}

	// JSON round trip (the warehouse stores the model as JSON).
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back RiskModel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Predict(f, tt), back.Predict(f, tt)) || !reflect.DeepEqual(dr, back.Drivers(f, tt, u)) {
		t.Error("the model read back from JSON predicts or explains differently")
	}

	// Without the alert's column the model's own probability stands.
	g := *f
	g.Cols = append([]Feature(nil), f.Cols...)
	g.Cols[j].Name = "renamed"
	for u, got := range m.Predict(&g, tt) {
		x := append([]float64(nil), f.Row(tt, u)...)
		x[j] = m.Mean[j] // the model reads the missing column as its training mean
		if want := m.Probability(x); math.Abs(got-want) > 1e-15 {
			t.Fatalf("unit %d without the alert column: %v, want the model's %v", u, got, want)
		}
	}
}

// TestRiskPlattFallback gives the calibration block labels that run against
// the score (every label flipped): Platt scaling on that block would have a
// negative slope and turn the ranking upside down, so the model must fall
// back to the training block and keep probabilities increasing in the score.
func TestRiskPlattFallback(t *testing.T) {
	d, eps := synthRisk(5, 30, 200)
	f, err := BuildFeatures(d, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	p := d.Panel
	y := TruthTarget(p.Units, p.Start, p.Weeks(), eps, TargetHorizon)
	cfg := DefaultRiskConfig()
	cfg.CalibWeeks, cfg.Alerts = 26, nil
	last := p.Weeks() - 1 - cfg.Horizon
	train := TrainLabels(y)
	for u := range y {
		for tt := last - cfg.CalibWeeks + 1; tt <= last; tt++ {
			y[u][tt] = !y[u][tt]
		}
	}
	m, err := FitRiskLabels(f, y, train, last, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !m.PlattFallback || !(m.PlattA > 0) {
		t.Fatalf("Platt fallback %v, slope %v: want the training block's increasing scaling", m.PlattFallback, m.PlattA)
	}
	cfg.Select = "auc"
	if cfg.Validate() == nil {
		t.Error("penalty choice \"auc\" accepted")
	}
}
