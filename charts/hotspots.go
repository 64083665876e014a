package charts

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// HotspotRow is the spatial evidence of one unit in the report's run
// (warehouse spatial_results): the emerging-hot-spot class and the
// statistics of the report week.
type HotspotRow struct {
	Code     string
	Class    string  // analysis.HotSpotClass.String(); "" when the run could not classify
	GiZ, GiQ float64 // Getis–Ord Gi* z-score and BH q-value (NaN: not computed)
	MoranI   float64
	MoranQ   float64
	Quadrant string // High-High, Low-Low, High-Low, Low-High or ""
	MKTau    float64
	MKP      float64
}

// HotspotsFile is the hot-spot page; HotspotMapID its map.
const (
	HotspotsFile = "hotspots.html"
	HotspotMapID = "hotspot-map"
)

// hotspotWords returns the page's words in the report's language.
func (r *renderer) hotspotWords() *hotspotWords {
	if w, ok := hotspotText[r.l.Lang]; ok {
		return w
	}
	return hotspotText["vi"]
}

// hotspotClassOf finds a class by its key, nil when unknown.
func hotspotClassOf(key string) *hotspotClass {
	for i := range hotspotClasses {
		if hotspotClasses[i].Key == key {
			return &hotspotClasses[i]
		}
	}
	return nil
}

// hotspotName is the class in the report's language; unknown keys (a
// class added later) are shown as they are.
func (r *renderer) hotspotName(key string) string {
	if key == hotspotUnknown {
		return r.hotspotWords().Unknown
	}
	if c := hotspotClassOf(key); c != nil {
		return c.Name[r.l.Lang]
	}
	return key
}

func hotspotsByCode(rows []HotspotRow) map[string]*HotspotRow {
	m := make(map[string]*HotspotRow, len(rows))
	for i := range rows {
		m[rows[i].Code] = &rows[i]
	}
	return m
}

// hotspotsPage is hotspots.html: the map of emerging-hot-spot classes and
// a legend table that explains each class with its number of units.
func (r *renderer) hotspotsPage(geo []byte) (*pageSpec, error) {
	w := r.hotspotWords()
	opt, err := optionJSON(r.hotspotMap())
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, h := range r.d.Hotspots {
		n[h.Class]++
	}
	var key []keyItem
	t := &tableView{Head: []string{w.ColClass, w.ColUnits, w.ColMeans}}
	for _, c := range hotspotClasses {
		key = append(key, keyItem{Colour: c.Colour, Text: c.Name[r.l.Lang]})
		t.Rows = append(t.Rows, []cell{{Text: c.Name[r.l.Lang]}, {Text: r.l.num(float64(n[c.Key]), 0), Class: "n"},
			{Text: c.Means[r.l.Lang]}})
	}
	if n[hotspotUnknown] > 0 {
		key = append(key, keyItem{Colour: noDataColour, Text: w.Unknown})
		t.Rows = append(t.Rows, []cell{{Text: w.Unknown}, {Text: r.l.num(float64(n[hotspotUnknown]), 0), Class: "n"}, {Text: ""}})
	}
	pg := &pageSpec{Title: fmt.Sprintf(w.Title, r.d.Week), GeoJSON: template.JS(geo)}
	pg.Sections = append(pg.Sections,
		section{ID: "hotspots-map", Heading: w.MapHeading, Note: fmt.Sprintf(w.MapNote, r.d.Window), Key: key,
			Charts: []chartView{{ID: HotspotMapID, Height: 640, Option: template.JS(opt)}}},
		section{ID: "hotspots-legend", Heading: w.LegendHeading, Table: t})
	return pg, nil
}

// hotspotMap is the choropleth of the units by emerging-hot-spot class,
// joined on the unit code like the overview's map.
func (r *renderer) hotspotMap() *gocharts.Map {
	w := r.hotspotWords()
	by := hotspotsByCode(r.d.Hotspots)
	items := make([]mapItem, 0, len(r.d.Units))
	for _, u := range sortedUnits(r.d.Units) {
		it := mapItem{Name: u.Code}
		var b strings.Builder
		b.WriteString("<b>" + html.EscapeString(unitName(u)) + "</b> (" + html.EscapeString(u.Code) + ")<br/>")
		if h, ok := by[u.Code]; ok {
			colour := noDataColour
			if c := hotspotClassOf(h.Class); c != nil {
				colour = c.Colour
			}
			it.ItemStyle = &opts.ItemStyle{AreaColor: colour}
			if !math.IsNaN(h.GiZ) && !math.IsInf(h.GiZ, 0) {
				z := round(h.GiZ, 2)
				it.Value = &z
			}
			b.WriteString(html.EscapeString(r.hotspotName(h.Class)))
			b.WriteString("<br/>" + html.EscapeString(fmt.Sprintf("%s: %s (q = %s)", w.UnitGi, r.l.num(h.GiZ, 2), r.l.prob(h.GiQ))))
		} else {
			b.WriteString(html.EscapeString(r.l.NoData))
		}
		it.Tooltip.Formatter = b.String()
		items = append(items, it)
	}
	return newUnitMap(HotspotMapID, opts.Title{Title: fmt.Sprintf(w.MapTitle, r.d.Week), Subtitle: fmt.Sprintf(w.MapSub, r.d.Window)},
		w.MapHeading, items)
}

// hotspotSection is the hot-spot evidence on a unit's locality page, nil
// when the run stored none for the unit.
func (r *renderer) hotspotSection(code string) *section {
	// The index is built once per report: rebuilding it for every unit page
	// cost 1.2 s of a national report (3,321 pages x 3,321 rows).
	if r.hotspots == nil {
		r.hotspots = hotspotsByCode(r.d.Hotspots)
	}
	h, ok := r.hotspots[code]
	if !ok {
		return nil
	}
	w, l := r.hotspotWords(), r.l
	figs := []figure{{Label: w.UnitClass, Value: r.hotspotName(h.Class)},
		{Label: w.UnitGi, Value: l.num(h.GiZ, 2), Sub: "q = " + l.prob(h.GiQ)}}
	mor := figure{Label: w.UnitMoran, Value: l.num(h.MoranI, 2), Sub: "q = " + l.prob(h.MoranQ)}
	if q, ok := w.Quadrants[h.Quadrant]; ok {
		mor.Sub = q + ", " + mor.Sub
	}
	figs = append(figs, mor, figure{Label: w.UnitTrend, Value: l.num(h.MKTau, 2), Sub: "p = " + l.prob(h.MKP)})
	s := section{ID: "hotspot", Heading: w.UnitHeading, Figures: figs}
	if c := hotspotClassOf(h.Class); c != nil {
		s.Paragraphs = []string{c.Means[l.Lang]}
	}
	return &s
}
