package charts

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"sort"
	"time"
)

// ModelFile is the risk model's backtest page in the report folder.
const ModelFile = "model.html"

// ModelCalibrationID is the chart id of the calibration plot.
const ModelCalibrationID = "model-calibration"

// ModelQuality is the newest stored backtest (warehouse.LatestBacktest) as
// model.html shows it.
type ModelQuality struct {
	CreatedAt time.Time
	From, To  string // ISO weeks predicted
	Target    string
	Settings  map[string]any // name -> value, shown sorted by name
	Methods   []ModelMethod  // the model first, then the baselines
	Flag      *ModelFlag     // the flag rule of the stored model the weekly run uses; nil: none stored
}

// ModelFlag is the flag rule of the newest stored risk model (the one the
// weekly run applies): a unit is flagged when it is among the alarm budget's
// highest probabilities and its probability is at least Threshold, chosen
// on the model's calibration block (analysis.RiskModel.FlagThreshold). A
// model stored before the threshold was chosen has none: Threshold is 0 and
// the fixed Fallback applies.
type ModelFlag struct {
	ModelID    string
	FittedWeek string
	Threshold  float64 // 0: not chosen (a model stored before 2026-11-25)
	Fallback   float64 // the fixed threshold used then (0.15)
}

// ModelMethod is one method's scorecard; NaN marks an undefined value.
type ModelMethod struct {
	Name                    string
	AUROC, AUPR, Brier, BSS float64
	PAI                     float64
	Detected, Total, Budget int
	Lead, FalseAlarms       float64
	At2, At1                *ModelBudget // largest budget with <= 2 (1) false-alarm units a week; nil: none
	Calibration             []ModelCalib
}

// ModelBudget is the detection at one alarm budget.
type ModelBudget struct {
	Budget, Detected, Total, SparseDetected, SparseTotal int
	Lead, FalseAlarms                                    float64
}

// ModelCalib is one bin of a calibration table.
type ModelCalib struct {
	Lo, Hi   float64
	N        int
	Forecast float64
	Observed float64
}

// modelPage is model.html: the backtest metrics against the baselines, the
// calibration plot and the settings.
func (r *renderer) modelPage() (*pageSpec, error) {
	mq, l := r.d.Model, r.l
	w := l.model()
	pg := &pageSpec{Title: w.Title, Lead: w.Lead}
	ict := time.FixedZone("ICT", 7*3600)
	num := func(v float64, dec int) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "–"
		}
		return l.num(v, dec)
	}
	name := func(m string) string {
		if s, ok := w.Methods[m]; ok {
			return s
		}
		return m
	}
	budget := func(b *ModelBudget) string {
		if b == nil {
			return "–"
		}
		return fmt.Sprintf(w.DetectedFmt, b.Detected, b.Total, b.Budget) + ", " + num(b.Lead, 1) + " / " + num(b.FalseAlarms, 2)
	}
	mt := &tableView{Head: []string{w.ColMethod, w.ColAUROC, w.ColAUPR, w.ColBrier, w.ColBSS, w.ColPAI,
		w.ColDetected, w.ColLead, w.ColFA, w.ColAt2, w.ColAt1, w.ColSparse}}
	for _, m := range mq.Methods {
		sparse := "–"
		if m.At2 != nil {
			sparse = fmt.Sprintf("%d/%d", m.At2.SparseDetected, m.At2.SparseTotal)
		}
		mt.Rows = append(mt.Rows, []cell{{Text: name(m.Name), Sub: m.Name}, {Text: num(m.AUROC, 3), Class: "n"},
			{Text: num(m.AUPR, 3), Class: "n"}, {Text: num(m.Brier, 4), Class: "n"}, {Text: num(m.BSS, 3), Class: "n"},
			{Text: num(m.PAI, 2), Class: "n"}, {Text: fmt.Sprintf(w.DetectedFmt, m.Detected, m.Total, m.Budget), Class: "n"},
			{Text: num(m.Lead, 1), Class: "n"}, {Text: num(m.FalseAlarms, 2), Class: "n"},
			{Text: budget(m.At2)}, {Text: budget(m.At1)}, {Text: sparse, Class: "n"}})
	}
	note := fmt.Sprintf(w.RunFmt, mq.CreatedAt.In(ict).Format("02/01/2006 15:04"), mq.From, mq.To) + " " +
		w.TargetLabel + ": " + mq.Target + ". " + w.MetricsNote
	pg.Sections = append(pg.Sections, section{ID: "model-metrics", Heading: w.MetricsHeading, Note: note, Table: mt})
	if f := mq.Flag; f != nil {
		// The weekly run's own rule, from the stored model: the backtest
		// above scores it as "production_rule", but the page would not
		// otherwise say which threshold the flags of this report used.
		text := fmt.Sprintf(w.FlagChosenFmt, num(f.Threshold, 2))
		if f.Threshold <= 0 {
			text = fmt.Sprintf(w.FlagFixedFmt, num(f.Fallback, 2))
		}
		ft := &tableView{Head: []string{w.ColSetting, w.ColValue}, Rows: [][]cell{
			{{Text: w.FlagThreshold}, {Text: text}},
			{{Text: w.FlagModel}, {Text: f.ModelID + " (" + f.FittedWeek + ")"}},
		}}
		pg.Sections = append(pg.Sections, section{ID: "flag-rule", Heading: w.FlagHeading, Note: w.FlagNote, Table: ft})
	}

	opt, err := calibrationOption(mq, w, name)
	if err != nil {
		return nil, err
	}
	pg.Sections = append(pg.Sections, section{ID: "calibration", Heading: w.CalibHeading, Note: w.CalibNote,
		Charts: []chartView{{ID: ModelCalibrationID, Height: 420, Option: template.JS(opt)}}})

	st := &tableView{Head: []string{w.ColSetting, w.ColValue}}
	keys := make([]string, 0, len(mq.Settings))
	for k := range mq.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := json.Marshal(mq.Settings[k])
		if err != nil {
			return nil, fmt.Errorf("charts: setting %s: %w", k, err)
		}
		text := string(v)
		if s, ok := mq.Settings[k].(string); ok {
			text = s
		}
		st.Rows = append(st.Rows, []cell{{Text: k}, {Text: text}})
	}
	pg.Sections = append(pg.Sections, section{ID: "settings", Heading: w.SettingsHeading, Table: st})
	return pg, nil
}

// calibrationOption is the echarts option of the calibration plot: one
// scatter-line per method (bins with forecasts), point size by bin count, and
// the diagonal. Built as plain data and encoded by encoding/json.
func calibrationOption(mq *ModelQuality, w *modelWords, name func(string) string) ([]byte, error) {
	colours := []string{"#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00"}
	var series []map[string]any
	var legend []string
	maxP := 0.05
	for i, m := range mq.Methods {
		var pts [][]float64
		for _, b := range m.Calibration {
			if b.N == 0 || math.IsNaN(b.Forecast) || math.IsNaN(b.Observed) {
				continue
			}
			pts = append(pts, []float64{round4(b.Forecast), round4(b.Observed), float64(b.N)})
			maxP = math.Max(maxP, math.Max(b.Forecast, b.Observed))
		}
		legend = append(legend, name(m.Name))
		series = append(series, map[string]any{"name": name(m.Name), "type": "line", "data": pts,
			"symbolSize": 8, "color": colours[i%len(colours)], "lineStyle": map[string]any{"width": 1.5}})
	}
	top := math.Min(1, math.Ceil(maxP*1.1*20)/20)
	legend = append(legend, w.Diagonal)
	series = append(series, map[string]any{"name": w.Diagonal, "type": "line", "data": [][]float64{{0, 0}, {top, top}},
		"symbol": "none", "color": "#999999", "lineStyle": map[string]any{"type": "dashed", "width": 1}})
	opt := map[string]any{
		"animation": false,
		"tooltip":   map[string]any{"trigger": "item"},
		"legend":    map[string]any{"data": legend, "top": 0},
		"grid":      map[string]any{"left": 60, "right": 30, "top": 50, "bottom": 50},
		"xAxis":     map[string]any{"type": "value", "name": w.CalibX, "nameLocation": "middle", "nameGap": 30, "min": 0, "max": top},
		"yAxis":     map[string]any{"type": "value", "name": w.CalibY, "min": 0, "max": top},
		"series":    series,
	}
	b, err := json.Marshal(opt)
	if err != nil {
		return nil, fmt.Errorf("charts: encode calibration option: %w", err)
	}
	return b, nil
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
