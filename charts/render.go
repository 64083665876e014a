package charts

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

// renderer holds what every page needs: the data, the locale and lookups.
type renderer struct {
	d      *ReportData
	l      *locale
	public bool
	units  map[string]models.Unit
	inds   map[string]*models.Indicator
	prev   map[string]*models.Indicator

	adjacency map[string][]string    // unit code -> neighbour codes, see neighbourCodes
	hotspots  map[string]*HotspotRow // unit code -> hot-spot row, see hotspotSection
}

func newRenderer(d *ReportData, l *locale) *renderer {
	r := &renderer{d: d, l: l, public: d.Audience == AudiencePublic,
		units: make(map[string]models.Unit, len(d.Units)), inds: indicatorsByCode(d.Indicators)}
	for _, u := range d.Units {
		r.units[u.Code] = u
	}
	if d.Previous != nil {
		r.prev = indicatorsByCode(d.Previous)
	}
	return r
}

// render fills what every page shares and executes the layout.
func (r *renderer) render(pg *pageSpec) ([]byte, error) {
	pg.L = r.l
	pg.Warnings = r.d.Warnings
	pg.Public = r.public
	pg.MapName = MapName
	pg.MapFile = MapFile
	pg.RunID = r.d.RunID
	if pg.MethodNote == "" { // a page with its own method (performance) keeps it
		pg.MethodNote = fmt.Sprintf(r.l.MethodNote, r.d.Window)
	}
	if !r.d.GeneratedAt.IsZero() {
		// Shown in Vietnam's time (UTC+7, no daylight saving), dd/mm/yyyy.
		pg.GeneratedAt = r.d.GeneratedAt.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006 15:04") + " (UTC+7)"
	}
	nav := []link{{Href: ReportFile, Text: r.l.P.NavOverview}, {Href: TrendsFile, Text: r.l.P.NavTrends}}
	if r.d.Quality != nil {
		nav = append(nav, link{Href: QualityFile, Text: r.l.P.NavQuality})
	}
	if len(r.d.Hotspots) > 0 {
		nav = append(nav, link{Href: HotspotsFile, Text: r.hotspotWords().Nav})
	}
	if r.d.Model != nil {
		nav = append(nav, link{Href: ModelFile, Text: r.l.model().Nav})
	}
	if r.performance() {
		nav = append(nav, link{Href: PerformanceFile, Text: r.l.perf().Nav})
	}
	for i := range nav {
		nav[i].Current = pg.Root == "" && nav[i].Href == pg.currentFile()
		nav[i].Href = pg.Root + nav[i].Href
	}
	pg.Nav = nav
	return executeLayout(pg)
}

// executeLayout checks the chart ids of the page's sections, collects the
// charts and executes the common layout: every page of the report and the
// scorecard's standalone performance page go through it.
func executeLayout(pg *pageSpec) ([]byte, error) {
	pg.Charts = nil
	for _, s := range pg.Sections {
		for _, c := range s.Charts {
			if !unitCodeRE.MatchString(c.ID) {
				return nil, fmt.Errorf("charts: chart id %q", c.ID)
			}
		}
		pg.Charts = append(pg.Charts, s.Charts...)
	}
	var buf bytes.Buffer
	if err := layoutTemplate.Execute(&buf, pg); err != nil {
		return nil, fmt.Errorf("charts: render %s: %w", pg.Title, err)
	}
	return buf.Bytes(), nil
}

// performance reports whether the report carries the performance page.
func (r *renderer) performance() bool { return r.d.Performance != nil && !r.public }

// currentFile guesses the page's own file from its sections (for the nav).
func (pg *pageSpec) currentFile() string {
	if pg.File != "" {
		return pg.File
	}
	if len(pg.Sections) == 0 {
		return ""
	}
	switch pg.Sections[0].ID {
	case "headline":
		return ReportFile
	case "categories":
		return TrendsFile
	case "batches":
		return QualityFile
	case "model-metrics":
		return ModelFile
	case "hotspots-map":
		return HotspotsFile
	}
	return ""
}

// cnt formats a count; in the public variant counts from 1 to 2 are "<3".
func (r *renderer) cnt(v float64) string {
	if r.public && v > 0 && v < 3 {
		return "<3"
	}
	return r.l.count(v)
}

// chartCount is a count as a chart value: hidden (a gap) in the public
// variant when between 0 and 3, NaN and Inf a gap too.
func (r *renderer) chartCount(v float64) interface{} {
	if r.public && v > 0 && v < 3 {
		return nil
	}
	return finite(round(v, 2))
}

// unitName of a code, the code itself when unknown.
func (r *renderer) unitName(code string) string {
	if u, ok := r.units[code]; ok {
		return unitName(u)
	}
	return code
}

// change of a unit's flag against the previous week: the risk model's
// verdict when it set one, else the previous run's flags when there is one.
func (r *renderer) change(code string) models.Change {
	ind := r.inds[code]
	if ind != nil && ind.Change != models.ChangeNone {
		return ind.Change
	}
	if r.prev == nil {
		return models.ChangeNone
	}
	now := ind != nil && ind.Flagged
	p := r.prev[code]
	before := p != nil && p.Flagged
	switch {
	case now && before:
		return models.ChangePersisting
	case now:
		return models.ChangeNew
	case before:
		return models.ChangeCleared
	}
	return models.ChangeNone
}

// drivers are the reasons behind an indicator in words, strongest first:
// the risk model's drivers when present, else the detector's reasons.
func (r *renderer) drivers(ind *models.Indicator) []string {
	if ind == nil {
		return nil
	}
	var out []string
	if len(ind.Drivers) > 0 {
		for _, dr := range ind.Drivers {
			out = append(out, r.l.driver(dr, r))
		}
		return out
	}
	for _, code := range ind.Reasons {
		out = append(out, r.l.reason(code, ind, r.d.Window, r))
	}
	return out
}

// riskKey orders units by risk: the model's probability when it ran, else the score.
func riskKey(ind *models.Indicator) float64 {
	if ind.Probability >= 0 && !math.IsNaN(ind.Probability) {
		return 1000 + ind.Probability
	}
	return ind.Score
}

// unitLink is the link from a page at root to a unit's page.
func unitLink(root, code string) string { return root + UnitFile(code) }

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
