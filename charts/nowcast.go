package charts

import (
	"fmt"

	gocharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/canhbao/canhbao/models"
)

// Nowcast is what the report shows of the nowcast (issue 11; method in
// docs/nowcast.md): logbooks reach the system weeks after the cases, so the
// last weeks' counts are incomplete; the city trend and the locality charts
// draw their nowcast with a prediction interval and say that the data are
// still arriving, and the data-quality page shows the delay distribution.
type Nowcast struct {
	Level float64                   // of the intervals, e.g. 0.9
	City  []NowcastPoint            // oldest first
	Units map[string][]NowcastPoint // per unit code
	Delay []DelayCurve              // the pooled distribution first, then one per unit group
}

// NowcastPoint is the nowcast of one received week.
type NowcastPoint struct {
	Week                         models.Week
	Observed, Mean, Lower, Upper float64
}

// DelayCurve is the share of a week's cases that reached the system within
// d weeks, d = 0, 1, ... (the last class also holds the longer delays).
type DelayCurve struct {
	Group string // empty: every unit
	Cases float64
	CDF   []float64
}

// nowcastWords are the nowcast's texts, Vietnamese first.
type nowcastWords struct {
	Series, Lower, Band, Note, DelayHeading, DelayNote, ColGroup, ColCases, AllUnits string
}

func nowcastText(lang string) nowcastWords {
	if lang == "en" {
		return nowcastWords{Series: "Nowcast", Lower: "Nowcast: lower limit", Band: "Nowcast: interval width",
			Note:         "Data still arriving: the last %d weeks are nowcast from the usual reporting delays, shaded with their %.0f%% prediction interval.",
			DelayHeading: "Reporting delay by former district",
			DelayNote:    "Share of a week's cases that had reached the system d weeks after the week (reverse-time hazard estimate over the last weeks' deliveries, backfills left out; districts shrunk toward the city).",
			ColGroup:     "Former district", ColCases: "Cases", AllUnits: "Whole city"}
	}
	return nowcastWords{Series: "Ước tính (nowcast)", Lower: "Ước tính: cận dưới", Band: "Ước tính: độ rộng khoảng",
		Note:         "Số liệu còn đang về: %d tuần gần nhất là số ước tính (nowcast) theo độ trễ báo cáo thường gặp, vùng tô là khoảng dự báo %.0f%%.",
		DelayHeading: "Độ trễ báo cáo theo quận/huyện cũ",
		DelayNote:    "Tỷ lệ số vụ việc của một tuần đã về hệ thống sau d tuần (ước lượng theo hazard thời gian ngược trên các lần nhận sổ gần đây, không tính các đợt nhập bù; quận/huyện được co về mức toàn thành phố).",
		ColGroup:     "Quận/huyện cũ", ColCases: "Số vụ", AllUnits: "Toàn thành phố"}
}

// nowcastNote is the "data still arriving" note, empty without a nowcast.
func nowcastNote(lang string, nc *Nowcast, pts []NowcastPoint) string {
	if nc == nil || len(pts) == 0 {
		return ""
	}
	return fmt.Sprintf(nowcastText(lang).Note, len(pts), 100*nc.Level)
}

// nowcastLine returns a line chart (to add to or overlap with a chart on the
// same week axis) with the nowcast mean, and its interval as a shaded band:
// an invisible lower-limit series with the interval's width stacked on it.
// Weeks without a nowcast are gaps. nil when no point falls on the axis.
func nowcastLine(weeks []string, pts []NowcastPoint, lang string) *gocharts.Line {
	at := make(map[string]NowcastPoint, len(pts))
	for _, p := range pts {
		at[p.Week.String()] = p
	}
	mean := make([]opts.LineData, len(weeks))
	lower := make([]opts.LineData, len(weeks))
	width := make([]opts.LineData, len(weeks))
	found := false
	for i, wk := range weeks {
		p, ok := at[wk]
		if !ok {
			continue
		}
		found = true
		mean[i] = opts.LineData{Value: finite(round(p.Mean, 1))}
		lower[i] = opts.LineData{Value: finite(round(p.Lower, 1))}
		width[i] = opts.LineData{Value: finite(round(p.Upper-p.Lower, 1))}
	}
	if !found {
		return nil
	}
	w := nowcastText(lang)
	line := gocharts.NewLine()
	line.SetXAxis(weeks).
		AddSeries(w.Lower, lower,
			gocharts.WithLineChartOpts(opts.LineChart{Stack: "nowcast", ShowSymbol: opts.Bool(false)}),
			gocharts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
			gocharts.WithItemStyleOpts(opts.ItemStyle{Color: nowcastColour})).
		AddSeries(w.Band, width,
			gocharts.WithLineChartOpts(opts.LineChart{Stack: "nowcast", ShowSymbol: opts.Bool(false)}),
			gocharts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
			gocharts.WithAreaStyleOpts(opts.AreaStyle{Color: nowcastColour, Opacity: opts.Float(0.25)}),
			gocharts.WithItemStyleOpts(opts.ItemStyle{Color: nowcastColour})).
		AddSeries(w.Series, mean,
			gocharts.WithLineStyleOpts(opts.LineStyle{Width: 2, Type: "dotted", Color: nowcastColour}),
			gocharts.WithItemStyleOpts(opts.ItemStyle{Color: nowcastColour}))
	return line
}

// nowcastColour: Okabe–Ito reddish purple, apart from the cases' blue.
const nowcastColour = "#CC79A7"

// delaySection is the data-quality page's table of the delay distribution:
// one row per group, the share reached after 0..8 weeks.
func (r *renderer) delaySection() *section {
	nc := r.d.Nowcast
	if nc == nil || len(nc.Delay) == 0 {
		return nil
	}
	w := nowcastText(r.d.Lang)
	const show = 9 // weeks 0..8: later classes hold few cases
	head := []string{w.ColGroup, w.ColCases}
	for d := 0; d < show; d++ {
		head = append(head, fmt.Sprintf("d=%d", d))
	}
	t := &tableView{Head: head}
	for _, c := range nc.Delay {
		name := c.Group
		if name == "" {
			name = w.AllUnits
		}
		row := []cell{{Text: name}, {Text: r.l.num(c.Cases, 0), Class: "n"}}
		for d := 0; d < show; d++ {
			v := "—"
			if d < len(c.CDF) {
				v = r.l.num(100*c.CDF[d], 0) + "%"
			}
			row = append(row, cell{Text: v, Class: "n"})
		}
		t.Rows = append(t.Rows, row)
	}
	return &section{ID: "delay", Heading: w.DelayHeading, Note: w.DelayNote, Table: t}
}

// cityNowcastNote is the trend section's note.
func cityNowcastNote(d *ReportData) string {
	if d.Nowcast == nil {
		return ""
	}
	return nowcastNote(d.Lang, d.Nowcast, d.Nowcast.City)
}

// unitNowcastNote is the note of a locality's weekly-cases chart.
func (r *renderer) unitNowcastNote(code, chartID string) string {
	if chartID != UnitCountsID || r.d.Nowcast == nil || r.public {
		return ""
	}
	return nowcastNote(r.d.Lang, r.d.Nowcast, r.d.Nowcast.Units[code])
}
