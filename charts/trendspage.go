package charts

import (
	"fmt"
	"html/template"
	"math"
	"sort"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Chart ids of trends.html.
const (
	CatCityID         = "trends-category"
	SettledDistrictID = "trends-settled-district"
	SettledUnitID     = "trends-settled-unit"
	HeatMapID         = "trends-heatmap"
)

// heatWeeks is how many weeks the exceedance heat map shows.
const heatWeeks = 26

// settledThreshold is the "5 tốt" settled-share threshold, in percent.
const settledThreshold = 80

// trendsPage is trends.html.
func (r *renderer) trendsPage() (*pageSpec, error) {
	w := r.l.P
	pg := &pageSpec{Title: fmt.Sprintf(w.TrendsTitle, r.d.Week)}
	add := func(id, heading, note string, h int, ch chartOptions) error {
		if ch == nil {
			return nil
		}
		opt, err := optionJSON(ch)
		if err != nil {
			return err
		}
		pg.Sections = append(pg.Sections, section{ID: "s-" + id, Heading: heading, Note: note,
			Charts: []chartView{{ID: id, Height: h, Option: template.JS(opt)}}})
		return nil
	}
	// The first section's id tells the nav which page this is.
	pg.Sections = append(pg.Sections, section{ID: "categories", Heading: w.CatCityHeading})
	if ch := r.cityCategoryChart(); ch != nil {
		opt, err := optionJSON(ch)
		if err != nil {
			return nil, err
		}
		pg.Sections[0].Charts = []chartView{{ID: CatCityID, Height: 360, Option: template.JS(opt)}}
	} else {
		pg.Sections[0].Paragraphs = []string{r.l.NoData}
	}
	if err := add(SettledDistrictID, w.SettledDistrictHeading, "", 420, r.settledDistrictChart()); err != nil {
		return nil, err
	}
	if err := add(SettledUnitID, w.SettledUnitHeading, "", 420, r.settledUnitChart()); err != nil {
		return nil, err
	}
	n := 0
	if r.d.Panel != nil {
		n = len(r.d.Panel.Units)
	}
	if err := add(HeatMapID, w.HeatHeading, w.HeatNote, 120+14*n, r.heatMapChart()); err != nil {
		return nil, err
	}
	return pg, nil
}

// cityCategoryChart: weekly city-wide cases by category over the panel.
func (r *renderer) cityCategoryChart() chartOptions {
	p, w := r.d.Panel, r.l.P
	_, last, ok := r.span()
	if !ok || len(p.Category) == 0 {
		return nil
	}
	first := max(0, last-155)
	from, to := r.period(first, last)
	line := gocharts.NewLine()
	line.SetGlobalOptions(baseLineOpts(CatCityID, fmt.Sprintf(w.CatCityTitle, from, to), w.CategorySub, okabeIto)...)
	line.SetXAxis(r.weekLabels(first, last))
	for _, cat := range Categories {
		data := make([]opts.LineData, 0, last-first+1)
		for c := first; c <= last; c++ {
			s := 0.0
			for i := range p.Units {
				s += cellAt(p.Category[cat], i, c)
			}
			data = append(data, opts.LineData{Value: finite(round(s, 2))})
		}
		line.AddSeries(name(w.Categories, cat), data, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2}))
	}
	return line
}

type settledBar struct {
	name        string
	rate, cases float64
}

// settledBarChart draws settled shares as bars with the 80% line.
func (r *renderer) settledBarChart(id, title string, bars []settledBar) chartOptions {
	w := r.l.P
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].rate < bars[j].rate })
	names := make([]string, len(bars))
	data := make([]opts.BarData, len(bars))
	for i, b := range bars {
		names[i] = b.name
		data[i] = opts.BarData{Value: finite(round(100*b.rate, 1))}
	}
	c := gocharts.NewBar()
	c.SetGlobalOptions(
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%"}),
		gocharts.WithTitleOpts(opts.Title{Title: title, Subtitle: w.Threshold,
			TitleStyle: &opts.TextStyle{FontSize: 14}, SubtitleStyle: &opts.TextStyle{FontSize: 11}}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		gocharts.WithAnimation(false),
		gocharts.WithColorsOpts(opts.Colors{"#0072B2"}),
		gocharts.WithGridOpts(opts.Grid{Left: "50", Right: "20", Top: "60", Bottom: "120"}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Rotate: 60, Interval: "0", FontSize: 9}}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: w.SettledAxis, Min: 0, Max: 100}),
	)
	c.SetXAxis(names).AddSeries(w.SettledAxis, data,
		gocharts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: w.Threshold, YAxis: settledThreshold}),
		gocharts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
			LineStyle: &opts.LineStyle{Color: "#D55E00", Width: 2, Type: "dashed"}}))
	return c
}

func (r *renderer) settledDistrictChart() chartOptions {
	if len(r.d.Settled) == 0 || len(r.d.FormerDistrict) == 0 {
		return nil
	}
	agg := map[string]*SettledRate{}
	for code, s := range r.d.Settled {
		dn := r.d.FormerDistrict[code]
		if dn == "" {
			continue
		}
		if agg[dn] == nil {
			agg[dn] = &SettledRate{}
		}
		agg[dn].Settled += s.Settled
		agg[dn].Decided += s.Decided
	}
	var bars []settledBar
	for dn, s := range agg {
		if s.Decided > 0 {
			bars = append(bars, settledBar{dn, s.Settled / s.Decided, s.Decided})
		}
	}
	sort.Slice(bars, func(i, j int) bool { return bars[i].name < bars[j].name })
	return r.settledBarChart(SettledDistrictID, fmt.Sprintf(r.l.P.SettledDistrictTitle, r.d.SettledWeeks, r.d.Week), bars)
}

func (r *renderer) settledUnitChart() chartOptions {
	if len(r.d.Settled) == 0 {
		return nil
	}
	var bars []settledBar
	for _, u := range sortedUnits(r.d.Units) {
		s := r.d.Settled[u.Code]
		if s.Decided > 0 {
			bars = append(bars, settledBar{unitName(u), s.Settled / s.Decided, s.Decided})
		}
	}
	return r.settledBarChart(SettledUnitID, fmt.Sprintf(r.l.P.SettledUnitTitle, r.d.SettledWeeks, r.d.Week), bars)
}

// heatMapChart: units x weeks of the window ratio observed / expected.
func (r *renderer) heatMapChart() chartOptions {
	p, w := r.d.Panel, r.l.P
	_, last, ok := r.span()
	if !ok || p.WindowExpected == nil {
		return nil
	}
	first := max(0, last-heatWeeks+1)
	weeks := r.weekLabels(first, last)
	var names []string
	var data []opts.HeatMapData
	for _, u := range sortedUnits(r.d.Units) {
		row := p.row(u.Code)
		if row < 0 {
			continue
		}
		y := len(names)
		names = append(names, unitName(u))
		for c := first; c <= last; c++ {
			o, e := cellAt(p.WindowObserved, row, c), cellAt(p.WindowExpected, row, c)
			if math.IsNaN(o) || math.IsNaN(e) || e <= 0 {
				continue
			}
			if r.public && o > 0 && o < 3 {
				continue
			}
			data = append(data, opts.HeatMapData{Value: [3]interface{}{c - first, y, round(o/e, 2)}})
		}
	}
	from, to := r.period(first, last)
	hm := gocharts.NewHeatMap()
	hm.SetGlobalOptions(
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: HeatMapID, Width: "100%"}),
		gocharts.WithTitleOpts(opts.Title{Title: fmt.Sprintf(w.HeatTitle, r.d.Window, from, to),
			TitleStyle: &opts.TextStyle{FontSize: 14}}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		gocharts.WithAnimation(false),
		gocharts.WithGridOpts(opts.Grid{Left: "170", Right: "20", Top: "40", Bottom: "90"}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category", Data: weeks, AxisLabel: &opts.AxisLabel{Rotate: 60, FontSize: 9}}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "category", Data: names, AxisLabel: &opts.AxisLabel{Interval: "0", FontSize: 9}}),
		gocharts.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Calculable: opts.Bool(true), Min: 0, Max: 3,
			Orient: "horizontal", Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#2166ac", "#f7f7f7", "#fdae61", "#b2182b"}}}),
	)
	hm.AddSeries("ratio", data)
	return hm
}
