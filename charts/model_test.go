package charts

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/internal/browsercheck"
)

// modelFixture is a stored backtest as model.html receives it.
func modelFixture() *ModelQuality {
	cal := func(scale float64) []ModelCalib {
		return []ModelCalib{{0, 0.1, 900, 0.02, 0.02 * scale}, {0.1, 0.2, 60, 0.14, 0.12 * scale},
			{0.2, 0.3, 20, 0.24, 0.3 * scale}, {0.3, 0.4, 0, math.NaN(), math.NaN()}}
	}
	return &ModelQuality{
		CreatedAt: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC), From: "2024-W01", To: "2025-W52",
		Target:   "truth: core or spillover episode with start <= t+4 and peak >= t",
		Settings: map[string]any{"refit_weeks": 13.0, "budget": 5.0, "lambdas": []any{0.3, 3.0}, "truth": "ground_truth.csv"},
		Methods: []ModelMethod{
			{Name: "risk_model", AUROC: 0.674, AUPR: 0.123, Brier: 0.029, BSS: 0.017, PAI: 6.03, Detected: 4, Total: 12,
				Budget: 5, Lead: 3.5, FalseAlarms: 3.1, At2: &ModelBudget{Budget: 3, Detected: 4, Total: 12, Lead: 3.5, FalseAlarms: 1.58},
				Calibration: cal(1)},
			{Name: "last4_count", AUROC: 0.584, AUPR: 0.064, Brier: 0.030, BSS: -0.01, PAI: 3.6, Detected: 3, Total: 12,
				Budget: 5, Lead: math.NaN(), FalseAlarms: 3.5, Calibration: cal(0.5)},
		},
	}
}

// modelProbe reads the calibration chart's series back from echarts.
const modelProbe = `(function () {
  var c = echarts.getInstanceByDom(document.getElementById("model-calibration"));
  var o = c.getOption();
  return {series: o.series.map(function (s) { return {name: s.name, points: s.data.length}; }),
    rows: document.querySelectorAll("#model-metrics tbody tr").length,
    settings: document.querySelectorAll("#settings tbody tr").length,
    nav: Array.prototype.map.call(document.querySelectorAll("nav a"), function (a) { return a.getAttribute("href"); })};
})()`

func TestModelPage(t *testing.T) {
	d := fixture(t)
	d.Model = modelFixture()
	dir := writeFolder(t, d)
	s := readPage(t, dir, ModelFile)
	for _, want := range []string{"Mô hình nguy cơ", "0,674", "4/12 (K = 5)", "2024-W01..2025-W52", "ground_truth.csv",
		`id="` + ModelCalibrationID + `"`} {
		if !strings.Contains(s, want) {
			t.Errorf("model.html lacks %q", want)
		}
	}
	// Every page links to model.html, and without a backtest there is no page.
	if !strings.Contains(readPage(t, dir, ReportFile), `href="model.html"`) {
		t.Error("index.html has no link to model.html")
	}
	d.Model = nil
	if strings.Contains(readPage(t, writeFolder(t, d), ReportFile), "model.html") {
		t.Error("index.html links model.html with no backtest")
	}
}

func TestModelPageInBrowser(t *testing.T) {
	if _, err := browsercheck.ChromiumPath(); err != nil {
		t.Fatalf("%v (CI installs the Debian package chromium)", err)
	}
	d := fixture(t)
	d.Lang = "en"
	d.Model = modelFixture()
	dir := t.TempDir()
	if err := WriteReport(dir, d, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := browsercheck.CheckEval(ctx, filepath.Join(dir, ModelFile), 30*time.Second, map[string]string{"probe": modelProbe})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range append(append(res.ConsoleErrors, res.Exceptions...), res.Alerts...) {
		t.Errorf("page error: %s", e)
	}
	for _, u := range res.ExternalRequests {
		t.Errorf("external request: %s", u)
	}
	var ids []string
	for _, c := range res.Canvases {
		ids = append(ids, c.ChartID)
		if c.Width == 0 || c.Height == 0 {
			t.Errorf("chart %s has no canvas", c.ChartID)
		}
	}
	if !slices.Equal(ids, []string{ModelCalibrationID}) {
		t.Errorf("charts %v, want [%s]", ids, ModelCalibrationID)
	}
	var p struct {
		Series []struct {
			Name   string `json:"name"`
			Points int    `json:"points"`
		} `json:"series"`
		Rows, Settings int
		Nav            []string
	}
	if err := json.Unmarshal(res.Values["probe"], &p); err != nil {
		t.Fatalf("probe %s: %v", res.Values["probe"], err)
	}
	// Two methods with three non-empty bins each, then the diagonal.
	if len(p.Series) != 3 || p.Series[0].Name != "Risk model" || p.Series[0].Points != 3 || p.Series[2].Points != 2 {
		t.Errorf("calibration series %+v", p.Series)
	}
	if p.Rows != 2 || p.Settings != 4 {
		t.Errorf("metric rows %d (want 2), setting rows %d (want 4)", p.Rows, p.Settings)
	}
	if !slices.Contains(p.Nav, ModelFile) {
		t.Errorf("nav %v has no %s", p.Nav, ModelFile)
	}
}
