package charts

import (
	"math"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
const (
	casesColour   = "#0072B2" // blue
	seriousColour = "#D55E00" // vermillion
)

// newTrendChart builds the line chart of city-wide weekly cases and serious cases.
func newTrendChart(d *ReportData, l *locale) *gocharts.Line {
	weeks := make([]string, len(d.CityTrend))
	cases := make([]opts.LineData, len(d.CityTrend))
	serious := make([]opts.LineData, len(d.CityTrend))
	for i, t := range d.CityTrend {
		weeks[i] = t.Week.String()
		cases[i] = opts.LineData{Value: finite(round(t.Cases, 2))}
		serious[i] = opts.LineData{Value: finite(round(t.Serious, 2))}
	}
	c := gocharts.NewLine()
	c.SetGlobalOptions(
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: TrendChartID, Width: "100%", Height: "380px"}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "top"}),
		gocharts.WithAnimation(false),
		gocharts.WithColorsOpts(opts.Colors{casesColour, seriousColour}),
		gocharts.WithGridOpts(opts.Grid{Left: "60", Right: "30", Top: "50", Bottom: "60"}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: l.TrendAxis, MinInterval: 1}),
	)
	c.SetXAxis(weeks)
	c.AddSeries(l.TrendCases, cases, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2}))
	c.AddSeries(l.TrendSerious, serious, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2, Type: "dashed"}))
	if d.Nowcast != nil { // the last weeks are still arriving: draw their nowcast and band
		if nl := nowcastLine(weeks, d.Nowcast.City, d.Lang); nl != nil {
			c.Overlap(nl)
		}
	}
	return c
}

// trendOptionJSON returns the echarts option of the trend chart, HTML-safe.
func trendOptionJSON(d *ReportData, l *locale) ([]byte, error) {
	return optionJSON(newTrendChart(d, l))
}

// finite maps NaN and ±Inf to nil (a gap in the line).
func finite(v float64) interface{} {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
