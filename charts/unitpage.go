package charts

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/canhbao/canhbao/models"
)

// unitWeeks is how many weeks the locality pages show.
const unitWeeks = 52

// Chart ids of a locality page (one unit per page, so they are fixed).
const (
	UnitCountsID     = "unit-counts"
	UnitCategoryID   = "unit-category"
	UnitSeverityID   = "unit-severity"
	UnitNeighboursID = "unit-neighbours"
)

// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
var okabeIto = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

// span returns the panel columns [first, last] shown on the pages: the
// unitWeeks weeks ending at the report week, clipped to the panel.
func (r *renderer) span() (first, last int, ok bool) {
	p := r.d.Panel
	if p.Weeks() == 0 {
		return 0, 0, false
	}
	last = r.d.Week.Sub(p.Start)
	if last < 0 || last >= p.Weeks() {
		return 0, 0, false
	}
	return max(0, last-unitWeeks+1), last, true
}

func (r *renderer) weekLabels(first, last int) []string {
	out := make([]string, 0, last-first+1)
	for c := first; c <= last; c++ {
		out = append(out, r.d.Panel.Start.Add(c).String())
	}
	return out
}

// unitPage is units/<code>.html.
func (r *renderer) unitPage(u models.Unit) (*pageSpec, error) {
	d, l, w := r.d, r.l, r.l.P
	ind := r.inds[u.Code]
	pg := &pageSpec{Root: "../", Title: fmt.Sprintf(w.UnitTitle, unitName(u), u.Code, d.Week)}
	tier := models.TierNone
	if ind != nil {
		tier = ind.Tier
	}
	if ind != nil && ind.Flagged {
		pg.Lead = fmt.Sprintf(w.UnitLeadFlagged, l.Tiers[tier])
	} else {
		pg.Lead = fmt.Sprintf(w.UnitLeadNot, name(tierWords(l), string(tier)))
	}
	// Figures and the drivers in words.
	figs := []figure{}
	if ind != nil {
		figs = append(figs,
			figure{Label: fmt.Sprintf(l.CasesWindow, d.Window), Value: r.cnt(ind.Observed)},
			figure{Label: l.ExpectedTotal, Value: l.num(ind.Expected, 1)},
			figure{Label: fmt.Sprintf(l.SeriousWindow, d.Window), Value: r.cnt(ind.Serious)},
			figure{Label: l.ColScore, Value: l.num(ind.Score, 2), Sub: "q = " + l.prob(ind.QValue)})
		if ind.Probability >= 0 {
			figs = append(figs, figure{Label: w.ColProbability, Value: l.probability(ind.Probability)})
		}
		if c := r.change(u.Code); c != models.ChangeNone {
			figs = append(figs, figure{Label: w.ColChange, Value: w.Changes[c]})
		}
	}
	drivers := r.drivers(ind)
	s := section{ID: "drivers", Heading: w.DriversHeading, Figures: figs, List: drivers}
	if len(drivers) == 0 {
		s.Paragraphs = []string{w.DriversNone}
	}
	if ind == nil {
		s.Paragraphs = []string{l.NoData}
	}
	pg.Sections = append(pg.Sections, s)
	if hs := r.hotspotSection(u.Code); hs != nil {
		pg.Sections = append(pg.Sections, *hs)
	}

	if first, last, ok := r.span(); ok && r.d.Panel.row(u.Code) >= 0 {
		row := r.d.Panel.row(u.Code)
		for _, c := range []struct {
			id, heading string
			h           int
			build       func(models.Unit, int, int, int) chartOptions
		}{
			{UnitCountsID, w.CountsHeading, 360, r.countsChart},
			{UnitCategoryID, w.CategoryHeading, 300, r.categoryChart},
			{UnitSeverityID, w.SeverityHeading, 280, r.severityChart},
		} {
			ch := c.build(u, row, first, last)
			if ch == nil {
				continue
			}
			opt, err := optionJSON(ch)
			if err != nil {
				return nil, err
			}
			note := r.unitNowcastNote(u.Code, c.id)
			if bn := r.boundNote(row, c.id); bn != "" {
				note = strings.TrimSpace(note + " " + bn)
			}
			pg.Sections = append(pg.Sections, section{ID: "s-" + c.id, Heading: c.heading,
				Note:   note,
				Charts: []chartView{{ID: c.id, Height: c.h, Option: template.JS(opt)}}})
		}
		ns := section{ID: "s-" + UnitNeighboursID, Heading: w.NeighboursHeading}
		if ch := r.neighboursChart(u, row, first, last); ch != nil {
			opt, err := optionJSON(ch)
			if err != nil {
				return nil, err
			}
			ns.Charts = []chartView{{ID: UnitNeighboursID, Height: 300, Option: template.JS(opt)}}
		} else {
			ns.Paragraphs = []string{w.NeighboursNone}
		}
		pg.Sections = append(pg.Sections, ns)
	}
	if st, ok := d.Subtopics[u.Code]; ok || d.Subtopics != nil {
		t := &tableView{Empty: w.SubtopicNone, Head: []string{w.ColSubtopic, w.ColWindow, w.ColBaseline}}
		for _, c := range st {
			t.Rows = append(t.Rows, []cell{{Text: name(w.Subtopics, c.Subtopic)},
				{Text: r.cnt(c.Window), Class: "n"}, {Text: l.num(c.Baseline, 1), Class: "n"}})
		}
		pg.Sections = append(pg.Sections, section{ID: "subtopics", Heading: fmt.Sprintf(w.SubtopicHeading, d.Window), Table: t})
	}
	if ind != nil && ind.Flagged {
		pg.Sections = append(pg.Sections, r.casesSection(u.Code))
	}
	return pg, nil
}

func tierWords(l *locale) map[string]string {
	m := map[string]string{}
	for t, s := range l.Tiers {
		m[string(t)] = s
	}
	return m
}

// casesSection lists the cases behind a flag, internal audience only.
func (r *renderer) casesSection(code string) section {
	l, w := r.l, r.l.P
	s := section{ID: "cases", Heading: fmt.Sprintf(w.CasesHeading, r.d.Window)}
	if r.public {
		s.Paragraphs = []string{w.CasesPublic}
		return s
	}
	s.Note = w.CasesNote
	t := &tableView{Empty: w.CasesNone, Head: []string{w.ColCase, w.ColReceived, w.ColCategory, w.ColSubtopic,
		w.ColOutcome, w.ColDaysOpen, w.ColSignals, w.ColVillage}}
	cases := append([]CaseRow(nil), r.d.Cases[code]...)
	sort.SliceStable(cases, func(i, j int) bool {
		if !cases[i].Received.Equal(cases[j].Received) {
			return cases[i].Received.Before(cases[j].Received)
		}
		return cases[i].Key < cases[j].Key
	})
	for _, c := range cases {
		var sig []string
		if c.Violence {
			sig = append(sig, w.SignalViolence)
		}
		if c.Crime {
			sig = append(sig, w.SignalCrime)
		}
		if c.ReferredTo != "" {
			sig = append(sig, fmt.Sprintf(w.SignalReferred, c.ReferredTo))
		}
		if c.Apportioned {
			sig = append(sig, w.SignalApportioned)
		}
		t.Rows = append(t.Rows, []cell{{Text: c.Key}, {Text: l.date(c.Received)}, {Text: name(w.Categories, c.Category)},
			{Text: name(w.Subtopics, c.Subtopic)}, {Text: name(w.Outcomes, c.Outcome)},
			{Text: fmt.Sprint(c.DaysOpen), Class: "n"}, {List: sig}, {Text: c.Village}})
	}
	s.Table = t
	return s
}

func (r *renderer) period(first, last int) (string, string) {
	p := r.d.Panel
	return r.l.date(p.Start.Add(first).Monday()), r.l.date(p.Start.Add(last).Sunday())
}

func baseLineOpts(id string, title, sub string, colours []string) []gocharts.GlobalOpts {
	return []gocharts.GlobalOpts{
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%"}),
		gocharts.WithTitleOpts(opts.Title{Title: title, Subtitle: sub,
			TitleStyle: &opts.TextStyle{FontSize: 14}, SubtitleStyle: &opts.TextStyle{FontSize: 11}}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		gocharts.WithAnimation(false),
		gocharts.WithColorsOpts(opts.Colors(colours)),
		gocharts.WithGridOpts(opts.Grid{Left: "50", Right: "20", Top: "60", Bottom: "60"}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1}),
	}
}

// countsChart: weekly cases (bars), the window's observed and expected
// totals recomputed for each week (lines), flagged weeks marked.
func (r *renderer) countsChart(u models.Unit, row, first, last int) chartOptions {
	p, l, w := r.d.Panel, r.l, r.l.P
	from, to := r.period(first, last)
	weeks := r.weekLabels(first, last)
	bars := make([]opts.BarData, 0, len(weeks))
	obs := make([]opts.LineData, 0, len(weeks))
	exp := make([]opts.LineData, 0, len(weeks))
	alarm := make([]opts.LineData, 0, len(weeks))
	for c := first; c <= last; c++ {
		bars = append(bars, opts.BarData{Value: r.chartCount(p.Counts[row][c])})
		obs = append(obs, opts.LineData{Value: r.chartCount(cellAt(p.WindowObserved, row, c))})
		exp = append(exp, opts.LineData{Value: finite(round(cellAt(p.WindowExpected, row, c), 2))})
		var a interface{}
		if row < len(p.WindowFlagged) && c < len(p.WindowFlagged[row]) && p.WindowFlagged[row][c] {
			a = r.chartCount(cellAt(p.WindowObserved, row, c))
		}
		alarm = append(alarm, opts.LineData{Value: a})
	}
	bar := gocharts.NewBar()
	bar.SetGlobalOptions(baseLineOpts(UnitCountsID, fmt.Sprintf(w.CountsTitle, unitName(u), from, to),
		fmt.Sprintf(w.CountsSub, r.d.Window), []string{"#56B4E9", "#0072B2", "#009E73", "#D55E00"})...)
	bar.SetXAxis(weeks).AddSeries(w.SeriesWeekly, bars)
	line := gocharts.NewLine()
	line.SetXAxis(weeks).
		AddSeries(fmt.Sprintf(w.SeriesWindow, r.d.Window), obs, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2})).
		AddSeries(fmt.Sprintf(w.SeriesExpected, r.d.Window), exp, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2, Type: "dashed"})).
		AddSeries(w.SeriesAlarm, alarm, gocharts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 9}),
			gocharts.WithLineStyleOpts(opts.LineStyle{Width: 0, Opacity: opts.Float(0)}))
	bar.Overlap(line)
	if bl := r.boundLine(row, first, last, weeks); bl != nil {
		bar.Overlap(bl)
	}
	if nc := r.d.Nowcast; nc != nil && !r.public { // public pages show no fractional counts
		if nl := nowcastLine(weeks, nc.Units[u.Code], r.d.Lang); nl != nil {
			bar.Overlap(nl)
		}
	}
	_ = l
	return bar
}

// boundColour: Okabe–Ito orange, apart from the bars' blues and the flags' vermillion.
const boundColour = "#E69F00"

// boundDetector is the detector whose bound the unit's chart draws, "" when
// none: runs analysed before detector_bounds existed, units without history,
// and public pages (a bound just under a count below 3 would give the count
// away).
func (r *renderer) boundDetector(row int) string {
	p := r.d.Panel
	if r.public || row < 0 || row >= len(p.BoundDetector) || row >= len(p.Bound) {
		return ""
	}
	return p.BoundDetector[row]
}

// boundLine is the unit's detector bound per week as a step line over the
// bars (a bound holds for its whole week), the area below it lightly shaded
// as the band of usual counts, and, when some week's cases were above it, a
// triangle on each such week. Bounds are rounded to 2 decimals, as the
// expected line, and written as bare numbers (null where none): the
// {"value": x} objects of opts.LineData made the bound a third of the page
// growth and pushed the Hanoi report over its 5 MB budget.
func (r *renderer) boundLine(row, first, last int, weeks []string) *gocharts.Line {
	det := r.boundDetector(row)
	if det == "" {
		return nil
	}
	p, bw := r.d.Panel, boundText(r.d.Lang)
	bound := make([]interface{}, 0, len(weeks))
	over := make([]opts.LineData, 0, len(weeks))
	found, anyOver := false, false
	for c := first; c <= last; c++ {
		var v, o interface{}
		if b := cellAt(p.Bound, row, c); !math.IsNaN(b) {
			v, found = finite(round(b, 2)), true
		}
		if row < len(p.BoundAlarm) && c < len(p.BoundAlarm[row]) && p.BoundAlarm[row][c] {
			o, anyOver = r.chartCount(p.Counts[row][c]), true
		}
		bound = append(bound, v)
		over = append(over, opts.LineData{Value: o})
	}
	if !found {
		return nil
	}
	line := gocharts.NewLine()
	line.SetXAxis(weeks).
		AddSeries(fmt.Sprintf(bw.Series, name(bw.Detectors, det)), nil,
			gocharts.WithLineChartOpts(opts.LineChart{Step: "middle", ShowSymbol: opts.Bool(false)}),
			gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2, Type: "dashed", Color: boundColour}),
			gocharts.WithAreaStyleOpts(opts.AreaStyle{Color: boundColour, Opacity: opts.Float(0.08)}),
			gocharts.WithItemStyleOpts(opts.ItemStyle{Color: boundColour}))
	line.MultiSeries[len(line.MultiSeries)-1].Data = bound
	if anyOver {
		line.AddSeries(bw.Over, over,
			gocharts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "triangle", SymbolSize: 11}),
			gocharts.WithLineStyleOpts(opts.LineStyle{Width: 0, Opacity: opts.Float(0)}),
			gocharts.WithItemStyleOpts(opts.ItemStyle{Color: boundColour, BorderColor: "#000000", BorderWidth: 1}))
	}
	return line
}

// boundNote explains the bound under the weekly chart when it is drawn.
func (r *renderer) boundNote(row int, chartID string) string {
	det := r.boundDetector(row)
	if chartID != UnitCountsID || det == "" {
		return ""
	}
	bw := boundText(r.d.Lang)
	return fmt.Sprintf(bw.Note, name(bw.Detectors, det))
}

// categoryChart: weekly cases by category, stacked.
func (r *renderer) categoryChart(u models.Unit, row, first, last int) chartOptions {
	p, w := r.d.Panel, r.l.P
	if len(p.Category) == 0 {
		return nil
	}
	from, to := r.period(first, last)
	bar := gocharts.NewBar()
	bar.SetGlobalOptions(baseLineOpts(UnitCategoryID, fmt.Sprintf(w.CategoryTitle, unitName(u), from, to), w.CategorySub, okabeIto)...)
	bar.SetXAxis(r.weekLabels(first, last))
	for _, cat := range Categories {
		data := make([]opts.BarData, 0, last-first+1)
		for c := first; c <= last; c++ {
			data = append(data, opts.BarData{Value: r.chartCount(cellAt(p.Category[cat], row, c))})
		}
		bar.AddSeries(name(w.Categories, cat), data, gocharts.WithBarChartOpts(opts.BarChart{Stack: "cat"}))
	}
	return bar
}

// severityChart: weekly cases with violence risk, crime signs, referral.
func (r *renderer) severityChart(u models.Unit, row, first, last int) chartOptions {
	p, w := r.d.Panel, r.l.P
	if p.Violence == nil {
		return nil
	}
	from, to := r.period(first, last)
	bar := gocharts.NewBar()
	bar.SetGlobalOptions(baseLineOpts(UnitSeverityID, fmt.Sprintf(w.SeverityTitle, unitName(u), from, to), "",
		[]string{"#D55E00", "#CC79A7", "#000000"})...)
	bar.SetXAxis(r.weekLabels(first, last))
	for _, s := range []struct {
		name string
		v    [][]float64
	}{{w.SeriesViolence, p.Violence}, {w.SeriesCrime, p.Crime}, {w.SeriesReferred, p.Referred}} {
		data := make([]opts.BarData, 0, last-first+1)
		for c := first; c <= last; c++ {
			data = append(data, opts.BarData{Value: r.chartCount(cellAt(s.v, row, c))})
		}
		bar.AddSeries(s.name, data, gocharts.WithBarChartOpts(opts.BarChart{Stack: "sev"}))
	}
	return bar
}

// neighboursChart: the unit's weekly cases against the mean of its neighbours.
func (r *renderer) neighboursChart(u models.Unit, row, first, last int) chartOptions {
	p, w := r.d.Panel, r.l.P
	var rows []int
	for _, other := range r.neighbourCodes(u.Code) {
		if i := p.row(other); i >= 0 {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	from, to := r.period(first, last)
	own := make([]opts.LineData, 0, last-first+1)
	nb := make([]opts.LineData, 0, last-first+1)
	for c := first; c <= last; c++ {
		own = append(own, opts.LineData{Value: r.chartCount(p.Counts[row][c])})
		s := 0.0
		for _, i := range rows {
			s += p.Counts[i][c]
		}
		nb = append(nb, opts.LineData{Value: finite(round(s/float64(len(rows)), 2))})
	}
	line := gocharts.NewLine()
	line.SetGlobalOptions(baseLineOpts(UnitNeighboursID, fmt.Sprintf(w.NeighboursTitle, unitName(u), from, to), "",
		[]string{"#0072B2", "#E69F00"})...)
	line.SetXAxis(r.weekLabels(first, last)).
		AddSeries(w.SeriesUnit, own, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2})).
		AddSeries(fmt.Sprintf(w.SeriesNeighbours, len(rows)), nb, gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2, Type: "dashed"}))
	return line
}

// cellAt is m[i][j], NaN when out of range.
func cellAt(m [][]float64, i, j int) float64 {
	if i < 0 || i >= len(m) || j < 0 || j >= len(m[i]) {
		return math.NaN()
	}
	return m[i][j]
}

// neighbourCodes returns the neighbours of a unit, in input order, from an
// adjacency index built once per report (a scan of all pairs per unit page
// made the national report quadratic).
func (r *renderer) neighbourCodes(code string) []string {
	if r.adjacency == nil {
		r.adjacency = make(map[string][]string)
		for _, n := range r.d.Neighbours {
			r.adjacency[n.A] = append(r.adjacency[n.A], n.B)
			r.adjacency[n.B] = append(r.adjacency[n.B], n.A)
		}
	}
	return r.adjacency[code]
}
