package charts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/canhbao/canhbao/models"
)

// ReportData is everything the report shows.
type ReportData struct {
	Lang        string             // "vi" (default) or "en"
	Audience    string             // AudienceInternal (default) or AudiencePublic
	Week        models.Week        // the report week
	RunID       string             //
	GeneratedAt time.Time          // shown in one clearly marked place only
	Units       []models.Unit      // current units (Code, Name, FullName, Type, Population)
	MapGeoJSON  []byte             // FeatureCollection of current units; each feature has properties.code and properties.name
	Indicators  []models.Indicator // one per unit for the report week
	CityTrend   []WeekTotal        // city-wide weekly totals, oldest first
	Window      int                // weeks in the indicator window (e.g. 4)

	// Warnings are shown as a banner at the top of every page (data-quality
	// failures of the weekly run, for instance).
	Warnings []string
	// Previous holds the indicators of the previous week's run, nil when there
	// is none; it decides new / persisting / cleared when the risk model did
	// not set Indicator.Change.
	Previous []models.Indicator
	// Optional detail; pages and sections whose data is absent are left out.
	Neighbours     []models.Neighbour
	FormerDistrict map[string]string      // current unit code -> former district name (for the settled-rate chart)
	Panel          *UnitPanel             // per-unit weekly series (locality pages, heat map)
	Settled        map[string]SettledRate // per unit, over SettledWeeks weeks ending at the report week
	SettledWeeks   int
	Subtopics      map[string][]SubtopicCount // per unit
	Cases          map[string][]CaseRow       // cases behind each flag (internal audience only)
	Quality        *Quality
	Hotspots       []HotspotRow // per unit, from the run's spatial results; hotspots.html when set
	// Model is the newest backtest of the risk model; model.html when not nil.
	Model *ModelQuality
	// Nowcast of the last weeks (logbooks still arriving); nil when the
	// warehouse has no arrival dates. See nowcast.go.
	Nowcast *Nowcast
	// Performance is the mediation performance of the period (the scorecard,
	// issue 10); performance.html, linked from every page's navigation, when
	// set and the audience is internal (its tables show exact small counts).
	// Its Lang is ignored: the page is in the report's language.
	Performance *PerformanceData
}

// WeekTotal is the city-wide count of one week.
type WeekTotal struct {
	Week           models.Week
	Cases, Serious float64
}

// Chart ids, file names and the map name are fixed so that the output is stable.
const (
	MapName      = "canhbao-units" // name given to echarts.registerMap
	MapChartID   = "canhbao-map"
	TrendChartID = "canhbao-trend"
	ReportFile   = "index.html"
	TrendsFile   = "trends.html"
	QualityFile  = "quality.html"
	UnitsDir     = "units"
	EChartsFile  = "echarts.min.js"
	MapFile      = "map.js" // registers the unit boundaries with echarts
)

// File and directory modes: reports hold sensitive information.
const (
	FileMode = 0o640
	DirMode  = 0o750
)

// unitCodeRE is what a unit code must look like to become a file name.
var unitCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// UnitFile is the path of a unit's locality page relative to the report folder.
func UnitFile(code string) string { return UnitsDir + "/" + code + ".html" }

// WriteReport writes the report folder dir: index.html (overview),
// trends.html, quality.html (when d.Quality is set), units/<code>.html for
// every current unit, and echarts.min.js, loaded by every page with a
// relative <script src> so the folder works offline and carries echarts
// once. Files are written with mode 0640, folders 0750. The same input
// gives byte-identical output. Nothing is written when the data is invalid.
func WriteReport(dir string, d *ReportData, echartsJS []byte) error {
	pages, err := renderAll(d, echartsJS)
	if err != nil {
		return err
	}
	for _, p := range []string{dir, filepath.Join(dir, UnitsDir)} {
		if err := os.MkdirAll(p, DirMode); err != nil {
			return fmt.Errorf("charts: %w", err)
		}
		if err := os.Chmod(p, DirMode); err != nil {
			return fmt.Errorf("charts: %w", err)
		}
	}
	if err := writeFileAtomic(filepath.Join(dir, EChartsFile), echartsJS, FileMode); err != nil {
		return err
	}
	for _, p := range pages {
		if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(p.path)), p.html, FileMode); err != nil {
			return err
		}
	}
	return nil
}

// renderedPage is one file of the report.
type renderedPage struct {
	path string // relative, slash-separated
	html []byte
}

// renderAll validates d and renders every page in memory.
func renderAll(d *ReportData, echartsJS []byte) ([]renderedPage, error) {
	if d == nil {
		return nil, errors.New("charts: nil report data")
	}
	l, err := localeFor(d.Lang)
	if err != nil {
		return nil, err
	}
	switch d.Audience {
	case "", AudienceInternal, AudiencePublic:
	default:
		return nil, fmt.Errorf("charts: audience %q (want %q or %q)", d.Audience, AudienceInternal, AudiencePublic)
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
	for _, u := range d.Units {
		if !unitCodeRE.MatchString(u.Code) {
			return nil, fmt.Errorf("charts: unit code %q cannot name a page", u.Code)
		}
	}
	geo, err := safeGeoJSON(d.MapGeoJSON, d.Units)
	if err != nil {
		return nil, err
	}
	r := newRenderer(d, l)
	// The boundaries are registered once, by map.js, which every page with
	// a map loads before its chart scripts: inlining them in each map page
	// would add half a megabyte per page for Hanoi.
	mapName, err := json.Marshal(MapName)
	if err != nil {
		return nil, err
	}
	out := []renderedPage{{MapFile, []byte("echarts.registerMap(" + string(mapName) + ", " + string(geo) + ");\n")}}
	add := func(path string, pg *pageSpec, err error) error {
		if err != nil {
			return err
		}
		b, err := r.render(pg)
		if err != nil {
			return err
		}
		out = append(out, renderedPage{path, b})
		return nil
	}
	ov, err := r.overviewPage(geo)
	if err := add(ReportFile, ov, err); err != nil {
		return nil, err
	}
	tr, err := r.trendsPage()
	if err := add(TrendsFile, tr, err); err != nil {
		return nil, err
	}
	if d.Quality != nil {
		q, err := r.qualityPage()
		if err := add(QualityFile, q, err); err != nil {
			return nil, err
		}
	}
	if len(d.Hotspots) > 0 {
		h, err := r.hotspotsPage(geo)
		if err := add(HotspotsFile, h, err); err != nil {
			return nil, err
		}
	}
	if d.Model != nil {
		mp, err := r.modelPage()
		if err := add(ModelFile, mp, err); err != nil {
			return nil, err
		}
	}
	if r.performance() {
		pp, err := performancePage(d.Performance, l)
		if err := add(PerformanceFile, pp, err); err != nil {
			return nil, err
		}
	}
	for _, u := range sortedUnits(d.Units) {
		up, err := r.unitPage(u)
		if err := add(UnitFile(u.Code), up, err); err != nil {
			return nil, err
		}
	}
	return out, nil
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
