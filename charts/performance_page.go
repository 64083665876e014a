package charts

import (
	"bytes"
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
	ColLast, ColWeeks                                                                         string
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

type perfFigure struct{ Label, Value string }

type perfRow struct {
	Unit, Code, Team                                                   string
	Received, Settled, Not, InProgress, Rate, Limit, Median, Open, Esc string
	Repeat                                                             string
}

type perfTableRow struct {
	Name, Code                                                       string
	Teams, Received, Settled, Not, InProgress, Rate, Civil, Fam, Oth string
	City                                                             bool
}

type perfSilent struct{ Unit, Code, Last, Weeks string }

type perfView struct {
	L                                        *perfWords
	Lang, Title, AsOf, GeneratedAt           string
	Figures                                  []perfFigure
	Dispersion                               string
	WeakRows, WeakTeams                      []perfRow
	SilentHeading                            string
	Silent                                   []perfSilent
	Table                                    []perfTableRow
	Projected                                bool
	SettledID, EscalationID, TrendID         string
	ECharts                                  template.JS
	SettledOption, EscalationOption, TrendOp template.JS
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

func renderPerformance(d *PerformanceData, echartsJS []byte) ([]byte, error) {
	if d == nil || d.Card == nil || d.Table == nil {
		return nil, errors.New("charts: incomplete performance data")
	}
	l, err := localeFor(d.Lang)
	if err != nil {
		return nil, err
	}
	if len(echartsJS) == 0 || containsFold(echartsJS, "</script") || containsFold(echartsJS, "<!--") {
		return nil, errors.New("charts: echarts script missing or not inlinable")
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
	v := perfView{L: w, Lang: l.Lang, Title: fmt.Sprintf(w.TitleFmt, p.Label, l.date(p.From), l.date(p.To)),
		AsOf: l.date(d.AsOf), SettledID: PerfSettledID, EscalationID: PerfEscalationID, TrendID: PerfTrendID,
		ECharts: template.JS(echartsJS), SettledOption: template.JS(so), EscalationOption: template.JS(eo), TrendOp: template.JS(to),
		Projected: d.Table.Projected}
	if !d.GeneratedAt.IsZero() {
		v.GeneratedAt = d.GeneratedAt.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006 15:04") + " (UTC+7)"
	}
	city := d.Table.City
	rate := "–"
	if f := d.Card.UnitSettled; f != nil {
		rate = l.pct(f.Target)
		adj := map[bool]string{true: "adjusted", false: "not adjusted"}
		if l.Lang == "vi" {
			adj = map[bool]string{true: "đã nới rộng giới hạn", false: "không cần nới rộng"}
		}
		v.Dispersion = fmt.Sprintf(w.DispersionFmt, l.num(f.Phi, 2), adj[f.Adjusted])
	}
	weak := d.Card.WeakUnits()
	v.Figures = []perfFigure{{w.Received, l.num(float64(city.Received), 0)}, {w.SettledRate, rate},
		{w.WeakUnits, l.num(float64(len(weak)), 0)}, {w.SilentUnits, l.num(float64(len(d.Silent)), 0)}}
	row := func(r scorecard.Rated) perfRow {
		return perfRow{Unit: name(r.UnitCode), Code: r.UnitCode, Team: r.Team, Received: l.num(float64(r.Received), 0),
			Settled: l.num(float64(r.Tally.Settled), 0), Not: l.num(float64(r.NotSettled), 0),
			InProgress: l.num(float64(r.InProgress), 0), Rate: l.pct(r.SettledRate()), Limit: l.pct(r.Settled.Limits.Lower998),
			Median: l.num(r.MedianDaysToClose, 0), Open: l.num(float64(r.OpenByAge[2]+r.OpenByAge[3]), 0),
			Esc: l.pct(r.EscalationShare()), Repeat: l.num(float64(r.Repeat), 0)}
	}
	for _, r := range d.Card.Units {
		if r.Weak {
			v.WeakRows = append(v.WeakRows, row(r))
		}
	}
	for _, r := range d.Card.Teams {
		if r.Weak {
			v.WeakTeams = append(v.WeakTeams, row(r))
		}
	}
	v.SilentHeading = fmt.Sprintf(w.SilentHeading, d.SilentWeeks)
	for _, s := range d.Silent {
		ps := perfSilent{Unit: name(s.UnitCode), Code: s.UnitCode, Last: w.Never, Weeks: "–"}
		if s.Weeks >= 0 {
			ps.Last, ps.Weeks = l.date(s.Last), fmt.Sprintf(w.SilentFmt, s.Weeks)
		}
		v.Silent = append(v.Silent, ps)
	}
	rows, cityRow := d.Table.Rows, d.Table.City
	if d.Table.Projected {
		rows, cityRow = d.Table.Estimate, d.Table.EstimateCity
	}
	tr := func(r scorecard.TableRow, city bool) perfTableRow {
		n := func(x int) string { return l.num(float64(x), 0) }
		nm := name(r.UnitCode)
		if city {
			nm = w.CityRow
		}
		rt := r.SettledRate()
		rs := "–"
		if !math.IsNaN(rt) {
			rs = l.num(100*rt, 1) + "%"
		}
		return perfTableRow{Name: nm, Code: r.UnitCode, Teams: n(r.Teams), Received: n(r.Received), Settled: n(r.Settled),
			Not: n(r.NotSettled), InProgress: n(r.InProgress), Rate: rs, Civil: n(r.ByCategory[0]), Fam: n(r.ByCategory[1]),
			Oth: n(r.ByCategory[2]), City: city}
	}
	for _, r := range rows {
		v.Table = append(v.Table, tr(r, false))
	}
	v.Table = append(v.Table, tr(cityRow, true))
	var buf bytes.Buffer
	if err := perfTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("charts: render performance page: %w", err)
	}
	return buf.Bytes(), nil
}

var perfTemplate = template.Must(template.New("perf").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:"Noto Sans","Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#222;background:#fff}
h1{font-size:1.5em;margin:0.4em 0}
h2{font-size:1.2em;margin:1.4em 0 0.5em;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta,.note{color:#555;font-size:0.9em}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.figure{flex:1 1 200px;border:1px solid #ddd;border-radius:6px;padding:10px 14px;background:#fafafa}
.figure .value{font-size:1.8em;font-weight:bold}
.chart{width:100%;border:1px solid #eee}
#{{.SettledID}},#{{.EscalationID}}{height:460px}
#{{.TrendID}}{height:360px}
table{border-collapse:collapse;width:100%;font-size:0.9em}
th,td{border:1px solid #ddd;padding:5px 7px;vertical-align:top}
th{background:#f3f3f3;text-align:left}
td.n{text-align:right;white-space:nowrap}
tr.city td{font-weight:bold;background:#f7f7f7}
table.projected td.n{font-style:italic;background:#fff8e1}
footer{margin-top:2em;border-top:1px solid #ddd;padding-top:8px;font-size:0.9em;color:#444}
</style>
<script>{{.ECharts}}</script>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{.L.AsOf}}: {{.AsOf}}</p>
</header>
<section id="headline">
<h2>{{.L.Headline}}</h2>
<div class="figures">
{{- range .Figures}}
<div class="figure"><div class="value">{{.Value}}</div><div class="label">{{.Label}}</div></div>
{{- end}}
</div>
</section>
<section id="funnel-settled">
<h2>{{.L.FunnelSettled}}</h2>
<p class="note">{{.L.FunnelSettledNote}} {{.Dispersion}}</p>
<div class="chart" id="{{.SettledID}}"></div>
</section>
<section id="weak">
<h2>{{.L.WeakHeading}}</h2>
{{- if .WeakRows}}
<table>
<thead><tr><th>{{.L.ColUnit}}</th><th>{{.L.ColReceived}}</th><th>{{.L.ColSettled}}</th><th>{{.L.ColNot}}</th><th>{{.L.ColInProgress}}</th><th>{{.L.ColRate}}</th><th>{{.L.ColLimit}}</th><th>{{.L.ColMedian}}</th><th>{{.L.ColOpen}}</th><th>{{.L.ColEscalation}}</th><th>{{.L.ColRepeat}}</th></tr></thead>
<tbody>
{{- range .WeakRows}}
<tr><td>{{.Unit}} <span class="meta">({{.Code}})</span></td><td class="n">{{.Received}}</td><td class="n">{{.Settled}}</td><td class="n">{{.Not}}</td><td class="n">{{.InProgress}}</td><td class="n">{{.Rate}}</td><td class="n">{{.Limit}}</td><td class="n">{{.Median}}</td><td class="n">{{.Open}}</td><td class="n">{{.Esc}}</td><td class="n">{{.Repeat}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>{{.L.WeakNone}}</p>
{{- end}}
{{- if .WeakTeams}}
<h3>{{.L.WeakTeamsHeading}}</h3>
<table>
<thead><tr><th>{{.L.ColUnit}}</th><th>{{.L.ColTeam}}</th><th>{{.L.ColReceived}}</th><th>{{.L.ColRate}}</th><th>{{.L.ColLimit}}</th></tr></thead>
<tbody>
{{- range .WeakTeams}}
<tr><td>{{.Unit}} <span class="meta">({{.Code}})</span></td><td>{{.Team}}</td><td class="n">{{.Received}}</td><td class="n">{{.Rate}}</td><td class="n">{{.Limit}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
</section>
<section id="funnel-escalation">
<h2>{{.L.FunnelEscalation}}</h2>
<p class="note">{{.L.FunnelEscalationNote}}</p>
<div class="chart" id="{{.EscalationID}}"></div>
</section>
<section id="silent">
<h2>{{.SilentHeading}}</h2>
{{- if .Silent}}
<table>
<thead><tr><th>{{.L.ColUnit}}</th><th>{{.L.ColLast}}</th><th>{{.L.ColWeeks}}</th></tr></thead>
<tbody>
{{- range .Silent}}
<tr><td>{{.Unit}} <span class="meta">({{.Code}})</span></td><td>{{.Last}}</td><td class="n">{{.Weeks}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>{{.L.SilentNone}}</p>
{{- end}}
</section>
<section id="trend">
<h2>{{.L.TrendHeading}}</h2>
<div class="chart" id="{{.TrendID}}"></div>
</section>
<section id="official-table">
<h2>{{.L.TableHeading}}</h2>
{{- if .Projected}}
<p class="note">{{.L.TableProjected}}</p>
{{- end}}
<table{{if .Projected}} class="projected"{{end}}>
<thead><tr><th>{{.L.ColUnit}}</th><th>{{.L.ColTeams}}</th><th>{{.L.ColReceived}}</th><th>{{.L.ColSettled}}</th><th>{{.L.ColNot}}</th><th>{{.L.ColInProgress}}</th><th>{{.L.ColRate}}</th><th>{{.L.ColCivil}}</th><th>{{.L.ColFamily}}</th><th>{{.L.ColOther}}</th></tr></thead>
<tbody>
{{- range .Table}}
<tr{{if .City}} class="city"{{end}}><td>{{.Name}}{{if .Code}} <span class="meta">({{.Code}})</span>{{end}}</td><td class="n">{{.Teams}}</td><td class="n">{{.Received}}</td><td class="n">{{.Settled}}</td><td class="n">{{.Not}}</td><td class="n">{{.InProgress}}</td><td class="n">{{.Rate}}</td><td class="n">{{.Civil}}</td><td class="n">{{.Fam}}</td><td class="n">{{.Oth}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
<footer>
<p class="note">{{.L.MethodNote}}</p>
{{- if .GeneratedAt}}
<p id="generated-at">{{.GeneratedAt}}</p>
{{- end}}
</footer>
<script>
(function () {
  "use strict";
  var charts = [];
  function show(id, option) {
    var chart = echarts.init(document.getElementById(id), null, {renderer: "canvas"});
    chart.setOption(option);
    charts.push(chart);
  }
  show({{.SettledID}}, {{.SettledOption}});
  show({{.EscalationID}}, {{.EscalationOption}});
  show({{.TrendID}}, {{.TrendOp}});
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
</script>
</body>
</html>
`))
