package export

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/canhbao/canhbao/models"
)

// File names of the exports.
const (
	AlertsCSV      = "alerts.csv"
	AlertsXLSX     = "alerts.xlsx"
	RiskGeoJSON    = "risk.geojson"
	IndicatorsFile = "indicators.parquet"
	fileMode       = 0o640
)

// Data is what the exports are made of.
type Data struct {
	Week       models.Week
	Window     int
	Public     bool               // counts below 3 become "<3"; no indicators.parquet
	Units      []models.Unit      // current units
	Indicators []models.Indicator // the report week's run
	Previous   []models.Indicator // the previous week's run, nil when none
	All        []models.Indicator // every per-unit-week indicator (indicators.parquet)
	GeoJSON    []byte             // FeatureCollection with properties.code
}

// Alert is one flagged unit as exported.
type Alert struct {
	Rank                                      int
	Code, Name, Tier, Change                  string
	Probability                               float64 // < 0: no risk model
	Score, Observed, Expected, Ratio, Serious float64
	QValue                                    float64
	Reasons                                   []string
}

// Headers of alerts.csv and alerts.xlsx.
var alertHeaders = []string{"Hạng", "Mã đơn vị", "Tên đơn vị", "Mức cảnh báo", "Thay đổi so với tuần trước",
	"Xác suất leo thang", "Điểm", "Số vụ trong cửa sổ", "Số vụ dự kiến", "Gấp (lần)", "Vụ nghiêm trọng",
	"Giá trị q", "Lý do", "Tuần"}

var tierVI = map[models.Tier]string{models.TierHigh: "Cao", models.TierElevated: "Tăng", models.TierWatch: "Theo dõi", models.TierNone: "Không"}

var changeVI = map[models.Change]string{models.ChangeNew: "mới", models.ChangePersisting: "tiếp diễn",
	models.ChangeEscalated: "tăng mức", models.ChangeCleared: "hết cảnh báo", models.ChangeNone: ""}

// Alerts lists the flagged units, most at risk first (probability when the
// risk model ran, else score; ties by code).
func Alerts(d *Data) []Alert {
	names := map[string]string{}
	for _, u := range d.Units {
		names[u.Code] = fullName(u)
	}
	prev := map[string]bool{}
	for _, p := range d.Previous {
		prev[p.UnitCode] = p.Flagged
	}
	var fl []models.Indicator
	for _, in := range d.Indicators {
		if in.Flagged {
			fl = append(fl, in)
		}
	}
	sort.SliceStable(fl, func(i, j int) bool {
		a, b := riskKey(fl[i]), riskKey(fl[j])
		if a != b {
			return a > b
		}
		return fl[i].UnitCode < fl[j].UnitCode
	})
	out := make([]Alert, len(fl))
	for i, in := range fl {
		ch := in.Change
		if ch == models.ChangeNone && d.Previous != nil {
			ch = models.ChangeNew
			if prev[in.UnitCode] {
				ch = models.ChangePersisting
			}
		}
		reasons := append([]string(nil), in.Reasons...)
		if len(in.Drivers) > 0 {
			reasons = reasons[:0]
			for _, dr := range in.Drivers {
				reasons = append(reasons, dr.Code)
			}
		}
		out[i] = Alert{Rank: i + 1, Code: in.UnitCode, Name: names[in.UnitCode], Tier: tierVI[in.Tier], Change: changeVI[ch],
			Probability: in.Probability, Score: in.Score, Observed: in.Observed, Expected: in.Expected, Ratio: in.Ratio,
			Serious: in.Serious, QValue: in.QValue, Reasons: reasons}
	}
	return out
}

func riskKey(in models.Indicator) float64 {
	if in.Probability >= 0 {
		return 1000 + in.Probability
	}
	return in.Score
}

// cells is an alert as text cells (numbers with a dot decimal separator).
func (a Alert) cells(public bool, week models.Week) []string {
	prob := ""
	if a.Probability >= 0 {
		prob = num(a.Probability, 4)
	}
	return []string{fmt.Sprint(a.Rank), a.Code, a.Name, a.Tier, a.Change, prob, num(a.Score, 3),
		count(a.Observed, public), num(a.Expected, 2), num(a.Ratio, 2), count(a.Serious, public), num(a.QValue, 4),
		strings.Join(a.Reasons, ", "), week.String()}
}

func count(v float64, public bool) string {
	if public && v > 0 && v < 3 {
		return "<3"
	}
	return num(v, 2)
}

func num(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	s := fmt.Sprintf("%.*f", dec, v)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func fullName(u models.Unit) string {
	if u.FullName != "" {
		return u.FullName
	}
	if u.Name != "" {
		return u.Name
	}
	return u.Code
}

// WriteAll writes every export into dir: alerts.csv, alerts.xlsx,
// risk.geojson and, except for the public audience, indicators.parquet.
func WriteAll(dir string, d *Data) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	alerts := Alerts(d)
	steps := []struct {
		name  string
		write func(string) error
	}{
		{AlertsCSV, func(p string) error { return writeCSV(p, alerts, d) }},
		{AlertsXLSX, func(p string) error { return writeXLSX(p, alerts, d) }},
		{RiskGeoJSON, func(p string) error { return writeGeoJSON(p, d) }},
	}
	if !d.Public {
		steps = append(steps, struct {
			name  string
			write func(string) error
		}{IndicatorsFile, func(p string) error { return writeParquet(p, d.All) }})
	}
	for _, s := range steps {
		if err := s.write(filepath.Join(dir, s.name)); err != nil {
			return fmt.Errorf("export: %s: %w", s.name, err)
		}
	}
	return nil
}

// create opens path for writing with mode 0640 (also when it existed).
func create(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(fileMode); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
