package charts

import (
	"fmt"
	"html"
	"math"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/scorecard"
)

// Chart ids of the performance page, fixed for stable output.
const (
	PerfSettledID    = "perf-funnel-settled"
	PerfEscalationID = "perf-funnel-escalation"
	PerfTrendID      = "perf-trend"
	PerformanceFile  = "performance.html"
)

// Okabe–Ito colours for the funnel.
const (
	unitColour   = "#0072B2" // blue: within limits
	weakColour   = "#D55E00" // vermillion: outside the limit
	targetColour = "#000000"
	l95Colour    = "#E69F00" // orange
	l998Colour   = "#CC79A7" // purple
	fiveColour   = "#009E73" // green: the 80% "5 tốt" line
)

// scatterItem is one unit on a funnel: value [denominator, percent]; the
// tooltip HTML is escaped here because echarts inserts it as HTML.
type scatterItem struct {
	Name    string      `json:"name"`
	Value   [2]float64  `json:"value"`
	Tooltip itemTooltip `json:"tooltip"`
}

// funnelSpec says which indicator a funnel chart shows.
type funnelSpec struct {
	id         string
	f          *scorecard.Funnel
	pick       func(scorecard.Rated) scorecard.Assessment
	out        func(scorecard.Rated) bool // outside the limit that matters
	xName      string
	yName      string
	fiveGood   bool // draw the 80% line
	inName     string
	outName    string
	tipFmt     string // name, code, rate, events, n
	limitNames [3]string
}

// newFunnelChart draws units as points (outliers apart) over the target,
// the 95% and 99.8% limits and, for the settled rate, the 80% line.
func newFunnelChart(units []scorecard.Rated, names map[string]models.Unit, s funnelSpec, l *locale) *gocharts.Scatter {
	var in, out []scatterItem
	maxN := 1
	for _, u := range units {
		a := s.pick(u)
		if a.N <= 0 || math.IsNaN(a.Rate) {
			continue
		}
		if a.N > maxN {
			maxN = a.N
		}
		un, ok := names[u.UnitCode]
		if !ok {
			un = models.Unit{Code: u.UnitCode}
		}
		label := unitName(un)
		if u.Team != "" {
			label += " — " + u.Team
		}
		tip := "<b>" + html.EscapeString(label) + "</b> (" + html.EscapeString(u.UnitCode) + ")<br/>" +
			html.EscapeString(fmt.Sprintf(s.tipFmt, l.pct(a.Rate), l.num(float64(a.Events), 0), l.num(float64(a.N), 0)))
		it := scatterItem{Name: label, Value: [2]float64{float64(a.N), round(100*a.Rate, 2)}}
		it.Tooltip.Formatter = tip
		if s.out(u) {
			out = append(out, it)
		} else {
			in = append(in, it)
		}
	}
	c := gocharts.NewScatter()
	c.SetGlobalOptions(
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: s.id, Width: "100%", Height: "460px"}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "top"}),
		gocharts.WithAnimation(false),
		gocharts.WithGridOpts(opts.Grid{Left: "60", Right: "30", Top: "60", Bottom: "50"}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "value", Name: s.xName, NameLocation: "middle", NameGap: 28}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: s.yName, Min: 0, Max: 100}),
	)
	sym := func(colour string) gocharts.SeriesOpts {
		return gocharts.WithItemStyleOpts(opts.ItemStyle{Color: colour})
	}
	c.AddSeries(s.inName, nil, sym(unitColour), gocharts.WithSeriesOpts(func(ss *gocharts.SingleSeries) {
		ss.Data = nonNil(in)
		ss.SymbolSize = 8
	}))
	c.AddSeries(s.outName, nil, sym(weakColour), gocharts.WithSeriesOpts(func(ss *gocharts.SingleSeries) {
		ss.Data = nonNil(out)
		ss.SymbolSize = 11
	}))
	if s.f != nil {
		curve := s.f.Curve(maxN, 60)
		line := gocharts.NewLine()
		add := func(name, colour, dash string, y func(scorecard.Limits) float64) {
			pts := make([]opts.LineData, 0, len(curve))
			for _, lim := range curve {
				pts = append(pts, opts.LineData{Value: []float64{float64(lim.N), round(100*y(lim), 2)}})
			}
			line.AddSeries(name, pts,
				gocharts.WithLineStyleOpts(opts.LineStyle{Color: colour, Width: 1.5, Type: dash}),
				gocharts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
				gocharts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
		}
		target := s.f.Target
		add(s.limitNames[0], targetColour, "solid", func(scorecard.Limits) float64 { return target })
		add(s.limitNames[1]+" (95%)", l95Colour, "dashed", func(x scorecard.Limits) float64 { return x.Lower95 })
		add(s.limitNames[1]+" (95%) ", l95Colour, "dashed", func(x scorecard.Limits) float64 { return x.Upper95 })
		add(s.limitNames[2]+" ("+l.num(99.8, 1)+"%)", l998Colour, "dotted", func(x scorecard.Limits) float64 { return x.Lower998 })
		add(s.limitNames[2]+" ("+l.num(99.8, 1)+"%) ", l998Colour, "dotted", func(x scorecard.Limits) float64 { return x.Upper998 })
		if s.fiveGood {
			add(l.perf().FiveGood, fiveColour, "solid", func(scorecard.Limits) float64 { return scorecard.FiveGood })
		}
		c.Overlap(line)
	}
	return c
}

// nonNil keeps an empty series an empty JSON array rather than null.
func nonNil(s []scatterItem) []scatterItem {
	if s == nil {
		return []scatterItem{}
	}
	return s
}

// PerfMonth is the city's outcome count of the cases received in a month.
type PerfMonth struct {
	Label                         string // "2026-07"
	Received, Settled, InProgress int
}

// newRateTrend is the line of the city's monthly settled rate with the 80% line.
func newRateTrend(months []PerfMonth, l *locale) *gocharts.Line {
	p := l.perf()
	x := make([]string, len(months))
	rate := make([]opts.LineData, len(months))
	five := make([]opts.LineData, len(months))
	for i, m := range months {
		x[i] = m.Label
		v := math.NaN()
		if d := m.Received - m.InProgress; d > 0 {
			v = round(100*float64(m.Settled)/float64(d), 1)
		}
		rate[i] = opts.LineData{Value: finite(v)}
		five[i] = opts.LineData{Value: 100 * scorecard.FiveGood}
	}
	c := gocharts.NewLine()
	c.SetGlobalOptions(
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: PerfTrendID, Width: "100%", Height: "360px"}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "top"}),
		gocharts.WithAnimation(false),
		gocharts.WithGridOpts(opts.Grid{Left: "60", Right: "30", Top: "50", Bottom: "50"}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: p.RateAxis, Min: 0, Max: 100}),
	)
	c.SetXAxis(x)
	c.AddSeries(p.TrendRate, rate, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: unitColour}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{Color: unitColour}))
	c.AddSeries(p.FiveGood, five, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 1, Type: "dashed", Color: fiveColour}),
		gocharts.WithItemStyleOpts(opts.ItemStyle{Color: fiveColour}),
		gocharts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	return c
}
