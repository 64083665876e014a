package charts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"sort"
	"strings"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/canhbao/canhbao/models"
)

// Colour-blind-safe sequential colours of the tiers (ColorBrewer YlOrRd),
// ordered from "none" to "high"; grey is a unit without an indicator.
var tierColours = map[models.Tier]string{
	models.TierNone:     "#ffffcc",
	models.TierWatch:    "#fecc5c",
	models.TierElevated: "#fd8d3c",
	models.TierHigh:     "#bd0026",
}

var tierOrder = []models.Tier{models.TierHigh, models.TierElevated, models.TierWatch, models.TierNone}

const (
	noDataColour  = "#d9d9d9"
	borderColour  = "#7f7f7f"
	flaggedBorder = "#000000"
	// joinProperty is the GeoJSON feature property the map joins on: the
	// unit code, never the display name (names repeat and tone marks vary).
	joinProperty = "code"
)

// tierKey is the colour key printed above the map.
func tierKey(l *locale) []keyItem {
	var k []keyItem
	for _, t := range tierOrder {
		k = append(k, keyItem{Colour: tierColours[t], Text: l.Tiers[t]})
	}
	return append(k, keyItem{Colour: noDataColour, Text: l.NoData})
}

// mapItem is one region of the map series: Name is the unit code (joined on
// properties.code through nameProperty), Value the score (null when the
// unit has no indicator), Tooltip the pre-escaped HTML shown on hover.
type mapItem struct {
	Name      string          `json:"name"`
	Value     *float64        `json:"value"`
	Tooltip   itemTooltip     `json:"tooltip"`
	ItemStyle *opts.ItemStyle `json:"itemStyle,omitempty"`
}

type itemTooltip struct {
	Formatter string `json:"formatter"`
}

// mapSeries adds the series-map options that go-echarts does not model.
type mapSeries struct {
	gocharts.SingleSeries
	NameProperty     string `json:"nameProperty"`
	ShowLegendSymbol bool   `json:"showLegendSymbol"` // no dot on every region
}

// mapVisitor is the go-echarts extension point used to set nameProperty.
type mapVisitor struct {
	gocharts.BaseConfigurationVisitor
}

func (mapVisitor) VisitSeriesOpt(series gocharts.MultiSeries) interface{} {
	out := make([]mapSeries, len(series))
	for i, s := range series {
		out[i] = mapSeries{SingleSeries: s, NameProperty: joinProperty}
	}
	return out
}

// newMapChart builds the choropleth of all units coloured by risk tier,
// flagged units outlined in black.
func newMapChart(d *ReportData, l *locale, r *renderer) *gocharts.Map {
	byCode := indicatorsByCode(d.Indicators)
	items := make([]mapItem, 0, len(d.Units))
	for _, u := range sortedUnits(d.Units) {
		it := mapItem{Name: u.Code}
		ind, ok := byCode[u.Code]
		if ok {
			if !math.IsNaN(ind.Score) && !math.IsInf(ind.Score, 0) {
				s := round(ind.Score, 3)
				it.Value = &s
			}
			colour, known := tierColours[ind.Tier]
			if !known {
				colour = tierColours[models.TierNone]
			}
			st := &opts.ItemStyle{AreaColor: colour}
			if ind.Flagged {
				st.BorderColor, st.BorderWidth = flaggedBorder, 2
			}
			it.ItemStyle = st
		}
		it.Tooltip.Formatter = mapTooltip(u, ind, ok, d.Window, l, r)
		items = append(items, it)
	}
	return newUnitMap(MapChartID, opts.Title{Title: fmt.Sprintf(l.P.MapTitle, d.Week.String()),
		Subtitle: fmt.Sprintf(l.P.MapSubtitle, d.Window)}, l.MapSeries, items)
}

// newUnitMap is the map chart every choropleth of the units shares (the
// overview's risk tiers, the hot-spot classes): the boundaries registered
// by map.js, joined on the unit code; each item carries its own colour and
// tooltip, units without one are grey; no legend, no labels, no animation,
// zoom and pan on.
func newUnitMap(chartID string, title opts.Title, seriesName string, items []mapItem) *gocharts.Map {
	m := gocharts.NewMap()
	m.RegisterMapType(MapName)
	m.SetGlobalOptions(
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: chartID, Width: "100%", Height: "640px"}),
		gocharts.WithTitleOpts(title),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		gocharts.WithAnimation(false),
	)
	m.AddSeries(seriesName, nil,
		gocharts.WithLabelOpts(opts.Label{Show: opts.Bool(false)}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{AreaColor: noDataColour, BorderColor: borderColour, BorderWidth: 0.5}),
		gocharts.WithEmphasisOpts(opts.Emphasis{
			Label:     &opts.Label{Show: opts.Bool(false)},
			ItemStyle: &opts.ItemStyle{AreaColor: "#56B4E9"},
		}),
		gocharts.WithSeriesOpts(func(s *gocharts.SingleSeries) {
			s.Data = items
			s.Roam = opts.Bool(true)
			s.Top, s.Bottom = "56", "16"
			s.SelectedMode = opts.Bool(false)
		}),
	)
	m.Accept(mapVisitor{})
	return m
}

// mapTooltip is the HTML shown when hovering a unit; every piece of data
// in it is escaped here because echarts inserts it as HTML.
func mapTooltip(u models.Unit, ind *models.Indicator, ok bool, window int, l *locale, r *renderer) string {
	var b strings.Builder
	b.WriteString("<b>")
	b.WriteString(html.EscapeString(unitName(u)))
	b.WriteString("</b> (")
	b.WriteString(html.EscapeString(u.Code))
	b.WriteString(")")
	if !ok {
		b.WriteString("<br/>")
		b.WriteString(html.EscapeString(l.NoData))
		return b.String()
	}
	flag := l.NotFlagged
	if ind.Flagged {
		flag = l.Flagged
	}
	if t, ok := l.Tiers[ind.Tier]; ok {
		flag += " (" + t + ")"
	}
	lines := []string{
		fmt.Sprintf(l.TipObserved, r.cnt(ind.Observed), l.num(ind.Expected, 1), l.num(ind.Ratio, 1), window),
		fmt.Sprintf(l.TipSerious, r.cnt(ind.Serious), l.pct(ind.SeriousShare)),
		fmt.Sprintf(l.TipP, l.prob(ind.PValue), l.prob(ind.QValue)),
		fmt.Sprintf(l.TipScore, l.num(ind.Score, 2), flag),
	}
	if ind.Probability >= 0 {
		lines = append(lines, fmt.Sprintf(l.P.TipProbability, l.probability(ind.Probability)))
	}
	if dr := r.drivers(ind); len(dr) > 0 {
		lines = append(lines, fmt.Sprintf(l.P.TipDriver, dr[0]))
	}
	for _, s := range lines {
		b.WriteString("<br/>")
		b.WriteString(html.EscapeString(s))
	}
	return b.String()
}

// mapOptionJSON returns the echarts option of the map, HTML-safe.
func mapOptionJSON(d *ReportData, l *locale) ([]byte, error) {
	return optionJSON(newMapChart(d, l, newRenderer(d, l)))
}

// chartOptions is what go-echarts charts share: Validate, then JSON.
type chartOptions interface {
	Validate()
	JSON() map[string]interface{}
}

// optionJSON encodes a chart's option with encoding/json, which escapes <,
// > and & (and U+2028/U+2029), so the result can sit inside <script>.
// Functions (go-echarts FuncStr) are not used: they would need the
// unescaped JSON of go-echarts' own renderer.
func optionJSON(c chartOptions) ([]byte, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("charts: encode option: %w", err)
	}
	if bytes.Contains(b, []byte("__f__")) {
		return nil, fmt.Errorf("charts: option contains a JS function, which this page does not support")
	}
	return b, nil
}

// safeGeoJSON checks the FeatureCollection, that every unit has a feature
// with properties.code, and returns it compacted and HTML-escaped for
// inlining in <script>.
func safeGeoJSON(raw []byte, units []models.Unit) ([]byte, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, fmt.Errorf("charts: map GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("charts: map GeoJSON: type %q, want FeatureCollection", fc.Type)
	}
	have := make(map[string]bool, len(fc.Features))
	for i, f := range fc.Features {
		code, ok := f.Properties[joinProperty].(string)
		if !ok || code == "" {
			return nil, fmt.Errorf("charts: map GeoJSON: feature %d has no string properties.%s", i, joinProperty)
		}
		have[code] = true
	}
	var missing []string
	for _, u := range units {
		if !have[u.Code] {
			missing = append(missing, u.Code)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("charts: map GeoJSON has no feature for unit(s) %s", strings.Join(missing, ", "))
	}
	var compact, out bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, fmt.Errorf("charts: map GeoJSON: %w", err)
	}
	json.HTMLEscape(&out, compact.Bytes())
	return out.Bytes(), nil
}

func indicatorsByCode(inds []models.Indicator) map[string]*models.Indicator {
	m := make(map[string]*models.Indicator, len(inds))
	for i := range inds {
		m[inds[i].UnitCode] = &inds[i]
	}
	return m
}

func sortedUnits(units []models.Unit) []models.Unit {
	out := append([]models.Unit(nil), units...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// unitName is the name to show: the full name ("Phường Ba Đình") if known.
func unitName(u models.Unit) string {
	switch {
	case u.FullName != "":
		return u.FullName
	case u.Name != "":
		return u.Name
	default:
		return u.Code
	}
}

func round(v float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(v*p) / p
}
