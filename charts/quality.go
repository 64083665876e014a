package charts

import (
	"fmt"
	"html/template"
	"path/filepath"
	"time"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// QualityOutcomeID is the chart id of the ingest-outcome bars.
const QualityOutcomeID = "quality-outcomes"

// qualityPage is quality.html: batches of the week, rows per ingest outcome,
// quarantine reasons, silent units and late records.
func (r *renderer) qualityPage() (*pageSpec, error) {
	q, l, w := r.d.Quality, r.l, r.l.P
	ict := time.FixedZone("ICT", 7*3600)
	pg := &pageSpec{Title: fmt.Sprintf(w.QualityTitle, r.d.Week)}

	bt := &tableView{Empty: w.BatchesNone, Head: []string{w.ColFile, w.ColFinished, w.ColRead, w.ColLoaded,
		w.ColUpdated, w.ColDuplicate, w.ColQuarantined, w.ColIgnored}}
	var tot [6]int
	for _, b := range q.Batches {
		vals := [6]int{b.Read, b.Loaded, b.Updated, b.Duplicate, b.Quarantined, b.Ignored}
		// The file's base name and the day only: the folder and the minute
		// differ between installations and after an interrupted run, and a
		// re-run week must give the same page.
		row := []cell{{Text: filepath.Base(b.File)}, {Text: b.Finished.In(ict).Format("02/01/2006")}}
		for i, v := range vals {
			tot[i] += v
			row = append(row, cell{Text: l.num(float64(v), 0), Class: "n"})
		}
		bt.Rows = append(bt.Rows, row)
	}
	pg.Sections = append(pg.Sections, section{ID: "batches", Heading: w.BatchesHeading,
		Note: fmt.Sprintf(w.BatchesNote, q.Since.In(ict).Format("02/01/2006")), Table: bt})

	labels := []string{w.ColLoaded, w.ColUpdated, w.ColDuplicate, w.ColQuarantined, w.ColIgnored}
	data := make([]opts.BarData, len(labels))
	for i := range labels {
		data[i] = opts.BarData{Value: tot[i+1]}
	}
	c := gocharts.NewBar()
	c.SetGlobalOptions(
		gocharts.WithInitializationOpts(opts.Initialization{ChartID: QualityOutcomeID, Width: "100%"}),
		gocharts.WithTitleOpts(opts.Title{Title: fmt.Sprintf(w.OutcomeTitle, r.d.Week), TitleStyle: &opts.TextStyle{FontSize: 14}}),
		gocharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		gocharts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		gocharts.WithAnimation(false),
		gocharts.WithColorsOpts(opts.Colors{"#0072B2"}),
		gocharts.WithGridOpts(opts.Grid{Left: "60", Right: "20", Top: "50", Bottom: "40"}),
		gocharts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		gocharts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1}),
	)
	c.SetXAxis(labels).AddSeries(w.ColRows, data, gocharts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	opt, err := optionJSON(c)
	if err != nil {
		return nil, err
	}
	pg.Sections = append(pg.Sections, section{ID: "outcomes", Heading: w.OutcomeHeading,
		Charts: []chartView{{ID: QualityOutcomeID, Height: 300, Option: template.JS(opt)}}})

	qt := &tableView{Empty: w.QuarantineNone, Head: []string{w.ColField, w.ColReason, w.ColRows}}
	for _, rc := range q.QuarantineReasons {
		qt.Rows = append(qt.Rows, []cell{{Text: rc.Field}, {Text: rc.Reason}, {Text: l.num(float64(rc.Rows), 0), Class: "n"}})
	}
	pg.Sections = append(pg.Sections, section{ID: "quarantine", Heading: w.QuarantineHeading, Table: qt})

	st := &tableView{Empty: w.SilentNone, Head: []string{l.ColUnit, w.ColLastCase, w.ColWeeksSilent}}
	for _, s := range q.Silent {
		last := w.Never
		if !s.LastCase.IsZero() {
			last = l.date(s.LastCase)
		}
		st.Rows = append(st.Rows, []cell{{Text: r.unitName(s.Code), Sub: s.Code, Href: unitLink("", s.Code)},
			{Text: last}, {Text: fmt.Sprint(s.Weeks), Class: "n"}})
	}
	pg.Sections = append(pg.Sections, section{ID: "silent", Heading: w.SilentHeading,
		Note: fmt.Sprintf(w.SilentNote, q.SilentWeeks), Table: st})

	lt := &tableView{Empty: w.LateNone, Head: []string{w.ColFile, w.ColLate, w.ColMaxDays}}
	for _, lc := range q.Late {
		lt.Rows = append(lt.Rows, []cell{{Text: filepath.Base(lc.File)}, {Text: l.num(float64(lc.Late), 0), Class: "n"},
			{Text: fmt.Sprint(lc.MaxDays), Class: "n"}})
	}
	pg.Sections = append(pg.Sections, section{ID: "late", Heading: w.LateHeading,
		Note: fmt.Sprintf(w.LateNote, q.LateDays), Table: lt})
	if ds := r.delaySection(); ds != nil {
		pg.Sections = append(pg.Sections, *ds)
	}
	return pg, nil
}
