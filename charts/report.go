package charts

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"time"

	"github.com/canhbao/canhbao/models"
)

// ReportData is everything the report shows.
type ReportData struct {
	Lang        string             // "vi" (default) or "en"
	Week        models.Week        // the report week
	RunID       string             //
	GeneratedAt time.Time          // shown in one clearly marked place only
	Units       []models.Unit      // current units (Code, Name, FullName, Type, Population)
	MapGeoJSON  []byte             // FeatureCollection of current units; each feature has properties.code and properties.name
	Indicators  []models.Indicator // one per unit for the report week
	CityTrend   []WeekTotal        // city-wide weekly totals, oldest first
	Window      int                // weeks in the indicator window (e.g. 4)
}

// WeekTotal is the city-wide count of one week.
type WeekTotal struct {
	Week           models.Week
	Cases, Serious float64
}

// Chart ids and the map name are fixed so that the output is stable.
const (
	MapName      = "canhbao-units" // name given to echarts.registerMap
	MapChartID   = "canhbao-map"
	TrendChartID = "canhbao-trend"
	ReportFile   = "index.html"
)

// WriteReport writes dir/index.html (mode 0640), a self-contained page:
// echarts inlined from echartsJS, the map registered with echarts.registerMap
// in <head> before the chart scripts run, no external resource. The same
// input gives byte-identical output.
func WriteReport(dir string, d *ReportData, echartsJS []byte) error {
	page, err := renderReport(d, echartsJS)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, ReportFile), page, 0o640)
}

// renderReport builds the page in memory.
func renderReport(d *ReportData, echartsJS []byte) ([]byte, error) {
	if d == nil {
		return nil, errors.New("charts: nil report data")
	}
	l, err := localeFor(d.Lang)
	if err != nil {
		return nil, err
	}
	if err := d.Week.Validate(); err != nil {
		return nil, fmt.Errorf("charts: report week: %w", err)
	}
	if d.Window <= 0 {
		return nil, fmt.Errorf("charts: window of %d weeks", d.Window)
	}
	if len(echartsJS) == 0 {
		return nil, errors.New("charts: no echarts script (run `npm ci`, then FindECharts)")
	}
	if containsFold(echartsJS, "</script") || containsFold(echartsJS, "<!--") {
		return nil, errors.New("charts: echarts script contains </script or <!-- and cannot be inlined")
	}
	geo, err := safeGeoJSON(d.MapGeoJSON, d.Units)
	if err != nil {
		return nil, err
	}
	mapOpt, err := mapOptionJSON(d, l)
	if err != nil {
		return nil, err
	}
	trendOpt, err := trendOptionJSON(d, l)
	if err != nil {
		return nil, err
	}
	v := pageView{
		L:           l,
		Title:       l.title(d.Week),
		RunID:       d.RunID,
		Figures:     headline(d, l),
		Rows:        flaggedRows(d, l),
		MapNote:     l.MapNote,
		MethodNote:  fmt.Sprintf(l.MethodNote, d.Window),
		MapID:       MapChartID,
		TrendID:     TrendChartID,
		MapName:     MapName,
		ECharts:     template.JS(echartsJS),
		GeoJSON:     template.JS(geo),
		MapOption:   template.JS(mapOpt),
		TrendOption: template.JS(trendOpt),
	}
	if !d.GeneratedAt.IsZero() {
		// Shown in Vietnam's time (UTC+7, no daylight saving), dd/mm/yyyy.
		v.GeneratedAt = d.GeneratedAt.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006 15:04") + " (UTC+7)"
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("charts: render page: %w", err)
	}
	return buf.Bytes(), nil
}

// figure is one headline number.
type figure struct{ Label, Value string }

func headline(d *ReportData, l *locale) []figure {
	var obs, exp, ser float64
	flagged := 0
	for _, ind := range d.Indicators {
		obs += ind.Observed
		exp += ind.Expected
		ser += ind.Serious
		if ind.Flagged {
			flagged++
		}
	}
	return []figure{
		{fmt.Sprintf(l.CasesWindow, d.Window), l.count(obs)},
		{l.ExpectedTotal, l.num(exp, 1)},
		{fmt.Sprintf(l.SeriousWindow, d.Window), l.count(ser)},
		{l.FlaggedUnits, fmt.Sprintf(l.FlaggedOf, l.num(float64(flagged), 0), l.num(float64(len(d.Units)), 0))},
	}
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".report-*.tmp")
	if err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(mode)
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("charts: write %s: %w", path, werr)
	}
	return nil
}

func containsFold(b []byte, s string) bool {
	return bytes.Contains(bytes.ToLower(b), []byte(s))
}
