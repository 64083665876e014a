package charts

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/scorecard"
)

// perfWords are the words of the performance page in one language (plain
// text; the template escapes it).
type perfWords struct {
	TitleFmt, AsOf, Headline, Received, SettledRate, WeakUnits, SilentUnits                   string
	FunnelSettled, FunnelSettledNote, FunnelEscalation, FunnelEscalationNote                  string
	XDecided, XReceived, YSettled, YEscalation, InLimits, Weak, HighEsc, Target, Lower, Upper string
	FiveGood, RateAxis, TrendHeading, TrendRate, TipSettled, TipEscalation                    string
	WeakHeading, WeakNone, WeakTeamsHeading, SilentHeading, SilentNone, SilentFmt, Never      string
	TableHeading, TableProjected, CityRow, DispersionFmt, MethodNote                          string
	ColUnit, ColTeam, ColReceived, ColSettled, ColNot, ColInProgress, ColRate, ColLimit       string
	ColMedian, ColOpen, ColEscalation, ColRepeat, ColTeams, ColCivil, ColFamily, ColOther     string
	ColLast, ColWeeks, Nav                                                                    string
}

var perfLocales = map[string]*perfWords{
	"vi": {
		TitleFmt: "Hiệu quả hòa giải — kỳ %s (%s – %s)", AsOf: "Số liệu tính đến ngày", Headline: "Số liệu chính",
		Received: "Vụ, việc tiếp nhận", SettledRate: "Tỷ lệ hòa giải thành toàn thành phố", WeakUnits: "Đơn vị yếu",
		SilentUnits:          "Đơn vị không báo cáo",
		FunnelSettled:        "Biểu đồ phễu: tỷ lệ hòa giải thành theo số vụ đã giải quyết",
		FunnelSettledNote:    "Mỗi điểm là một xã, phường. Đơn vị yếu là đơn vị nằm dưới giới hạn dưới (không phải đơn vị đứng cuối bảng): đơn vị nhỏ có vài vụ không thành vẫn nằm trong phễu. Đường xanh lá: mức 80% của tiêu chí \"5 tốt\".",
		FunnelEscalation:     "Biểu đồ phễu: tỷ lệ vụ có dấu hiệu leo thang theo số vụ tiếp nhận",
		FunnelEscalationNote: "Vụ có dấu hiệu leo thang: chuyển công an, tòa án, có nguy cơ bạo lực hoặc dấu hiệu tội phạm. Điểm đỏ: vượt giới hạn trên.",
		XDecided:             "Số vụ đã giải quyết (tiếp nhận − đang giải quyết)", XReceived: "Số vụ tiếp nhận",
		YSettled: "Tỷ lệ thành (%)", YEscalation: "Tỷ lệ leo thang (%)", InLimits: "Trong giới hạn", Weak: "Dưới giới hạn dưới",
		HighEsc: "Vượt giới hạn trên", Target: "Mức toàn thành phố", Lower: "Giới hạn", Upper: "Giới hạn",
		FiveGood: "Mức 80% (\"5 tốt\")", RateAxis: "%", TrendHeading: "Tỷ lệ hòa giải thành toàn thành phố theo tháng",
		TrendRate: "Tỷ lệ hòa giải thành", TipSettled: "Tỷ lệ thành %s (%s / %s vụ)", TipEscalation: "Leo thang %s (%s / %s vụ)",
		WeakHeading: "Đơn vị yếu (dưới giới hạn dưới của biểu đồ phễu)", WeakNone: "Không có đơn vị nào dưới giới hạn dưới.",
		WeakTeamsHeading: "Tổ hòa giải dưới giới hạn dưới",
		SilentHeading:    "Đơn vị không có vụ, việc nào trong %d tuần", SilentNone: "Không có.", SilentFmt: "%d tuần", Never: "chưa có vụ nào",
		TableHeading: "Biểu tổng hợp kết quả hòa giải ở cơ sở", TableProjected: "Số liệu ước tính cả kỳ (thực tế đến ngày báo cáo, phần còn lại ước tính); các ô in nghiêng là ước tính.",
		CityRow:       "Toàn thành phố",
		DispersionFmt: "Hệ số phân tán φ = %s; %s.",
		MethodNote:    "Tỷ lệ hòa giải thành = số vụ thành / (số vụ tiếp nhận − số vụ đang giải quyết). Giới hạn 95% và 99,8% quanh mức toàn thành phố theo Spiegelhalter (2005), phân phối nhị thức chính xác; khi dữ liệu phân tán hơn mức nhị thức (kiểm định χ²), giới hạn được nới rộng theo hệ số φ.",
		ColUnit:       "Đơn vị", ColTeam: "Tổ hòa giải", ColReceived: "Tiếp nhận", ColSettled: "Thành", ColNot: "Không thành",
		ColInProgress: "Đang giải quyết", ColRate: "Tỷ lệ thành", ColLimit: "Giới hạn dưới 99,8%", ColMedian: "Số ngày giải quyết (trung vị)",
		ColOpen: "Tồn đọng (>90 ngày)", ColEscalation: "Leo thang", ColRepeat: "Tái diễn", ColTeams: "Số tổ hòa giải",
		ColCivil: "Dân sự", ColFamily: "Hôn nhân và gia đình", ColOther: "Khác", ColLast: "Vụ gần nhất", ColWeeks: "Số tuần",
		Nav: "Hiệu quả hòa giải",
	},
	"en": {
		TitleFmt: "Mediation performance — period %s (%s – %s)", AsOf: "Figures as of", Headline: "Headline figures",
		Received: "Cases received", SettledRate: "City settled rate", WeakUnits: "Weak units", SilentUnits: "Silent units",
		FunnelSettled:        "Funnel plot: settled rate against cases decided",
		FunnelSettledNote:    "Each point is a commune or ward. A unit is weak when it sits below the lower limit, not when it is last in a table: a small unit with a few unsettled cases stays inside the funnel. Green line: the 80% \"5 tốt\" criterion.",
		FunnelEscalation:     "Funnel plot: share of escalated cases against cases received",
		FunnelEscalationNote: "Escalated: referred to police or court, violence risk or crime signs. Red points: above the upper limit.",
		XDecided:             "Cases decided (received − in progress)", XReceived: "Cases received",
		YSettled: "Settled (%)", YEscalation: "Escalated (%)", InLimits: "Within limits", Weak: "Below the lower limit",
		HighEsc: "Above the upper limit", Target: "City value", Lower: "Limit", Upper: "Limit",
		FiveGood: "80% (\"5 tốt\")", RateAxis: "%", TrendHeading: "City settled rate by month", TrendRate: "Settled rate",
		TipSettled: "Settled %s (%s of %s cases)", TipEscalation: "Escalated %s (%s of %s cases)",
		WeakHeading: "Weak units (below the funnel's lower limit)", WeakNone: "No unit is below the lower limit.",
		WeakTeamsHeading: "Mediation teams below the lower limit",
		SilentHeading:    "Units with no case for %d weeks", SilentNone: "None.", SilentFmt: "%d weeks", Never: "no case ever",
		TableHeading: "Grassroots mediation results (official table)", TableProjected: "Whole-period estimates (observed to the as-of date, the rest projected); italic cells are estimates.",
		CityRow:       "City",
		DispersionFmt: "Dispersion φ = %s; %s.",
		MethodNote:    "Settled rate = settled / (received − in progress). 95% and 99.8% limits around the city value after Spiegelhalter (2005), exact binomial; when the data are more dispersed than binomial (χ² test) the limits are widened by φ.",
		ColUnit:       "Unit", ColTeam: "Team", ColReceived: "Received", ColSettled: "Settled", ColNot: "Not settled",
		ColInProgress: "In progress", ColRate: "Settled rate", ColLimit: "Lower 99.8% limit", ColMedian: "Median days to close",
		ColOpen: "Backlog (>90 days)", ColEscalation: "Escalated", ColRepeat: "Repeat", ColTeams: "Teams",
		ColCivil: "Civil", ColFamily: "Marriage and family", ColOther: "Other", ColLast: "Last case", ColWeeks: "Weeks",
		Nav: "Mediation performance",
	},
}

func (l *locale) perf() *perfWords { return perfLocales[l.Lang] }

// PerformanceData is everything the "Hiệu quả hòa giải" page shows.
type PerformanceData struct {
	Lang        string
	Period      scorecard.Period
	AsOf        time.Time
	Units       []models.Unit // current units (names)
	Card        *scorecard.Card
	Silent      []scorecard.Silent
	SilentWeeks int
	Trend       []PerfMonth
	Table       *scorecard.Table
	GeneratedAt time.Time
}

// WritePerformance writes dir/performance.html (mode 0640): self-contained,
// echarts inlined, every value escaped by html/template or encoding/json.
func WritePerformance(dir string, d *PerformanceData, echartsJS []byte) error {
	page, err := renderPerformance(d, echartsJS)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, PerformanceFile), page, 0o640)
}

// renderPerformance is the standalone page of `canhbao scorecard`: the
// report's common layout (page.go) without the report's navigation, echarts
// inlined so that the page works on its own.
func renderPerformance(d *PerformanceData, echartsJS []byte) ([]byte, error) {
	if d == nil {
		return nil, errors.New("charts: incomplete performance data")
	}
	l, err := localeFor(d.Lang)
	if err != nil {
		return nil, err
	}
	if len(echartsJS) == 0 || containsFold(echartsJS, "</script") || containsFold(echartsJS, "<!--") {
		return nil, errors.New("charts: echarts script missing or not inlinable")
	}
	pg, err := performancePage(d, l)
	if err != nil {
		return nil, err
	}
	pg.L, pg.ECharts = l, template.JS(echartsJS)
	if !d.GeneratedAt.IsZero() {
		pg.GeneratedAt = d.GeneratedAt.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006 15:04") + " (UTC+7)"
	}
	return executeLayout(pg)
}

// performancePage lays the performance page out as sections of the common
// layout, in the language of l (the report's when the page is part of it).
func performancePage(d *PerformanceData, l *locale) (*pageSpec, error) {
	if d == nil || d.Card == nil || d.Table == nil {
		return nil, errors.New("charts: incomplete performance data")
	}
	w := l.perf()
	names := make(map[string]models.Unit, len(d.Units))
	for _, u := range d.Units {
		names[u.Code] = u
	}
	name := func(code string) string {
		if u, ok := names[code]; ok {
			return unitName(u)
		}
		return code
	}
	settled := newFunnelChart(d.Card.Units, names, funnelSpec{id: PerfSettledID, f: d.Card.UnitSettled,
		pick: func(r scorecard.Rated) scorecard.Assessment { return r.Settled },
		out:  func(r scorecard.Rated) bool { return r.Weak }, xName: w.XDecided, yName: w.YSettled, fiveGood: true,
		inName: w.InLimits, outName: w.Weak, tipFmt: w.TipSettled, limitNames: [3]string{w.Target, w.Lower, w.Lower}}, l)
	escal := newFunnelChart(d.Card.Units, names, funnelSpec{id: PerfEscalationID, f: d.Card.UnitEscalation,
		pick: func(r scorecard.Rated) scorecard.Assessment { return r.Escalation },
		out:  func(r scorecard.Rated) bool { return r.HighEscalation }, xName: w.XReceived, yName: w.YEscalation,
		inName: w.InLimits, outName: w.HighEsc, tipFmt: w.TipEscalation, limitNames: [3]string{w.Target, w.Upper, w.Upper}}, l)
	so, err := optionJSON(settled)
	if err != nil {
		return nil, err
	}
	eo, err := optionJSON(escal)
	if err != nil {
		return nil, err
	}
	to, err := optionJSON(newRateTrend(d.Trend, l))
	if err != nil {
		return nil, err
	}
	p := d.Period
	pg := &pageSpec{File: PerformanceFile, Title: fmt.Sprintf(w.TitleFmt, p.Label, l.date(p.From), l.date(p.To)),
		Lead: w.AsOf + ": " + l.date(d.AsOf), MethodNote: w.MethodNote}
	city := d.Table.City
	rate, dispersion := "–", ""
	if f := d.Card.UnitSettled; f != nil {
		rate = l.pct(f.Target)
		adj := map[bool]string{true: "adjusted", false: "not adjusted"}
		if l.Lang == "vi" {
			adj = map[bool]string{true: "đã nới rộng giới hạn", false: "không cần nới rộng"}
		}
		dispersion = " " + fmt.Sprintf(w.DispersionFmt, l.num(f.Phi, 2), adj[f.Adjusted])
	}
	weak := d.Card.WeakUnits()
	n := func(x int) string { return l.num(float64(x), 0) }
	num := func(text string) cell { return cell{Text: text, Class: "n"} }
	unit := func(code string) cell { return cell{Text: name(code), Sub: code} }
	weakUnits := &tableView{Head: []string{w.ColUnit, w.ColReceived, w.ColSettled, w.ColNot, w.ColInProgress, w.ColRate,
		w.ColLimit, w.ColMedian, w.ColOpen, w.ColEscalation, w.ColRepeat}, Empty: w.WeakNone}
	weakTeams := &tableView{Head: []string{w.ColUnit, w.ColTeam, w.ColReceived, w.ColRate, w.ColLimit}}
	for _, r := range d.Card.Units {
		if r.Weak {
			weakUnits.Rows = append(weakUnits.Rows, []cell{unit(r.UnitCode), num(n(r.Received)), num(n(r.Tally.Settled)),
				num(n(r.NotSettled)), num(n(r.InProgress)), num(l.pct(r.SettledRate())), num(l.pct(r.Settled.Limits.Lower998)),
				num(l.num(r.MedianDaysToClose, 0)), num(n(r.OpenByAge[2] + r.OpenByAge[3])), num(l.pct(r.EscalationShare())),
				num(n(r.Repeat))})
		}
	}
	for _, r := range d.Card.Teams {
		if r.Weak {
			weakTeams.Rows = append(weakTeams.Rows, []cell{unit(r.UnitCode), {Text: r.Team}, num(n(r.Received)),
				num(l.pct(r.SettledRate())), num(l.pct(r.Settled.Limits.Lower998))})
		}
	}
	silent := &tableView{Head: []string{w.ColUnit, w.ColLast, w.ColWeeks}, Empty: w.SilentNone}
	for _, s := range d.Silent {
		last, weeks := w.Never, "–"
		if s.Weeks >= 0 {
			last, weeks = l.date(s.Last), fmt.Sprintf(w.SilentFmt, s.Weeks)
		}
		silent.Rows = append(silent.Rows, []cell{unit(s.UnitCode), {Text: last}, num(weeks)})
	}
	rows, cityRow := d.Table.Rows, d.Table.City
	official := &tableView{Head: []string{w.ColUnit, w.ColTeams, w.ColReceived, w.ColSettled, w.ColNot, w.ColInProgress,
		w.ColRate, w.ColCivil, w.ColFamily, w.ColOther}}
	tableNote := ""
	if d.Table.Projected {
		rows, cityRow = d.Table.Estimate, d.Table.EstimateCity
		official.Class, tableNote = "projected", w.TableProjected
	}
	tr := func(r scorecard.TableRow, isCity bool) []cell {
		first, class := cell{Text: name(r.UnitCode), Sub: r.UnitCode}, "n"
		if isCity {
			first, class = cell{Text: w.CityRow, Sub: r.UnitCode, Class: "city"}, "n city"
		}
		rs := "–"
		if rt := r.SettledRate(); !math.IsNaN(rt) {
			rs = l.num(100*rt, 1) + "%"
		}
		out := []cell{first}
		for _, v := range []string{n(r.Teams), n(r.Received), n(r.Settled), n(r.NotSettled), n(r.InProgress), rs,
			n(r.ByCategory[0]), n(r.ByCategory[1]), n(r.ByCategory[2])} {
			out = append(out, cell{Text: v, Class: class})
		}
		return out
	}
	for _, r := range rows {
		official.Rows = append(official.Rows, tr(r, false))
	}
	official.Rows = append(official.Rows, tr(cityRow, true))

	pg.Sections = append(pg.Sections,
		section{ID: "perf-headline", Heading: w.Headline, Figures: []figure{{Label: w.Received, Value: n(city.Received)},
			{Label: w.SettledRate, Value: rate}, {Label: w.WeakUnits, Value: n(len(weak))},
			{Label: w.SilentUnits, Value: n(len(d.Silent))}}},
		section{ID: "funnel-settled", Heading: w.FunnelSettled, Note: w.FunnelSettledNote + dispersion,
			Charts: []chartView{{ID: PerfSettledID, Height: 460, Option: template.JS(so)}}},
		section{ID: "weak", Heading: w.WeakHeading, Table: weakUnits})
	if len(weakTeams.Rows) > 0 {
		pg.Sections = append(pg.Sections, section{ID: "weak-teams", Heading: w.WeakTeamsHeading, Table: weakTeams})
	}
	pg.Sections = append(pg.Sections,
		section{ID: "funnel-escalation", Heading: w.FunnelEscalation, Note: w.FunnelEscalationNote,
			Charts: []chartView{{ID: PerfEscalationID, Height: 460, Option: template.JS(eo)}}},
		section{ID: "silent", Heading: fmt.Sprintf(w.SilentHeading, d.SilentWeeks), Table: silent},
		section{ID: "trend", Heading: w.TrendHeading, Charts: []chartView{{ID: PerfTrendID, Height: 360, Option: template.JS(to)}}},
		section{ID: "official-table", Heading: w.TableHeading, Note: tableNote, Table: official})
	return pg, nil
}
