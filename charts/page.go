package charts

import "html/template"

// pageSpec is one page of the report as the layout template sees it. Plain
// strings are escaped by html/template; the template.JS fields are produced
// by encoding/json (which escapes <, > and &).
type pageSpec struct {
	L           *locale
	File        string // the page's own file in the report folder, for the nav; "": guessed by currentFile
	Root        string // "" for pages in the report folder, "../" for units/
	Title       string
	Lead        string
	Nav         []link
	Warnings    []string
	Public      bool
	Sections    []section
	Charts      []chartView
	MapName     string
	GeoJSON     template.JS // non-empty: the page draws the map, so it loads MapFile before its charts
	MapFile     string
	RunID       string
	MethodNote  string
	GeneratedAt string
	// ECharts, when set, is inlined instead of loading Root+echarts.min.js:
	// a page that stands alone (the scorecard's performance page).
	ECharts template.JS
}

type link struct {
	Href, Text string
	Current    bool
}

// section is a heading with, in order, a note, figures, a colour key,
// charts, paragraphs, a list and a table.
type section struct {
	ID, Heading, Note string
	Figures           []figure
	Key               []keyItem
	Charts            []chartView
	Paragraphs        []string
	List              []string
	Table             *tableView
}

// figure is one headline number.
type figure struct{ Label, Value, Sub string }

type keyItem struct{ Colour, Text string }

type chartView struct {
	ID     string
	Height int // px
	Option template.JS
}

type tableView struct {
	Head  []string
	Rows  [][]cell
	Empty string // shown instead of an empty table
	Class string // of the table element, e.g. "projected" (estimated figures in italics)
}

type cell struct {
	Text  string
	Class string
	Href  string // relative link built from a validated unit code
	Sub   string
	List  []string
}

// CSP: scripts only from the report folder or inline, nothing else at all.
// On file: URLs Chromium treats 'self' as the page's own scheme and folder.
const csp = `default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:`

var layoutTemplate = template.Must(template.New("layout").Parse(`<!DOCTYPE html>
<html lang="{{.L.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="` + csp + `">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:"Noto Sans","Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#222;background:#fff}
h1{font-size:1.5em;margin:0.4em 0}
h2{font-size:1.2em;margin:1.4em 0 0.5em;border-bottom:1px solid #ddd;padding-bottom:4px}
nav{display:flex;flex-wrap:wrap;gap:4px 16px;border-bottom:2px solid #0072B2;padding-bottom:6px;font-size:0.95em}
nav a{color:#0072B2;text-decoration:none}
nav a.current{font-weight:bold;color:#222}
.meta{color:#555;font-size:0.9em}
.lead{color:#333}
.warnings{border:2px solid #D55E00;background:#fff4ec;padding:8px 14px;margin:10px 0;border-radius:4px}
.warnings strong{color:#a33c00}
.public{border:1px solid #0072B2;background:#eef6fb;padding:6px 12px;margin:10px 0}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.figure{flex:1 1 200px;border:1px solid #ddd;border-radius:6px;padding:10px 14px;background:#fafafa}
.figure .value{font-size:1.8em;font-weight:bold}
.figure .label{color:#555}
.figure .sub{color:#555;font-size:0.85em}
.key{display:flex;flex-wrap:wrap;gap:6px 18px;margin:6px 0;font-size:0.9em}
.key span.sw{display:inline-block;width:14px;height:14px;border:1px solid #777;vertical-align:middle;margin-right:4px}
.chart{width:100%;border:1px solid #eee;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:0.92em}
th,td{border:1px solid #ddd;padding:5px 8px;vertical-align:top}
th{background:#f3f3f3;text-align:left}
td.n{text-align:right;white-space:nowrap}
td.tier{font-weight:bold;white-space:nowrap}
td.tier-high{color:#b2182b}
td.tier-elevated{color:#c4450c}
td ul{margin:0;padding-left:1.2em}
td.city{font-weight:bold;background:#f7f7f7}
table.projected td.n{font-style:italic;background:#fff8e1}
.note{color:#555;font-size:0.9em}
{{- range .Charts}}
#{{.ID}}{height:{{.Height}}px}
{{- end}}
{{- range .Sections}}{{range $i, $k := .Key}}
.key span.k{{$i}}{background:{{$k.Colour}}}
{{- end}}{{end}}
footer{margin-top:2em;border-top:1px solid #ddd;padding-top:8px;font-size:0.9em;color:#444}
@page{size:A4;margin:12mm}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 nav{display:none}
 .chart{break-inside:avoid;page-break-inside:avoid;border:none}
 section{break-inside:auto}
 h2{break-after:avoid;page-break-after:avoid}
 tr{break-inside:avoid;page-break-inside:avoid}
 a{color:#222;text-decoration:none}
 .figure{background:#fff}
}
</style>
{{- if .ECharts}}
<script>{{.ECharts}}</script>
{{- else}}
<script src="{{.Root}}echarts.min.js"></script>
{{- end}}
{{- if .GeoJSON}}
<script src="{{.Root}}{{.MapFile}}"></script>
{{- end}}
</head>
<body>
<nav>
{{- range .Nav}}
<a href="{{.Href}}"{{if .Current}} class="current"{{end}}>{{.Text}}</a>
{{- end}}
</nav>
<header>
<h1>{{.Title}}</h1>
{{- if .Lead}}
<p class="lead">{{.Lead}}</p>
{{- end}}
</header>
{{- if .Warnings}}
<div class="warnings" id="warnings" role="alert"><strong>{{.L.P.Warnings}}</strong>
<ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul></div>
{{- end}}
{{- if .Public}}
<p class="public" id="public-note">{{.L.P.PublicNote}}</p>
{{- end}}
{{- range .Sections}}
<section{{if .ID}} id="{{.ID}}"{{end}}>
<h2>{{.Heading}}</h2>
{{- if .Note}}
<p class="note">{{.Note}}</p>
{{- end}}
{{- if .Figures}}
<div class="figures">
{{- range .Figures}}
<div class="figure"><div class="value">{{.Value}}</div><div class="label">{{.Label}}</div>{{if .Sub}}<div class="sub">{{.Sub}}</div>{{end}}</div>
{{- end}}
</div>
{{- end}}
{{- if .Key}}
<div class="key">{{range $i, $k := .Key}}<span><span class="sw k{{$i}}"></span>{{$k.Text}}</span>{{end}}</div>
{{- end}}
{{- range .Charts}}
<div class="chart" id="{{.ID}}"></div>
{{- end}}
{{- range .Paragraphs}}
<p>{{.}}</p>
{{- end}}
{{- if .List}}
<ul>{{range .List}}<li>{{.}}</li>{{end}}</ul>
{{- end}}
{{- with .Table}}
{{- if .Rows}}
<table{{if .Class}} class="{{.Class}}"{{end}}>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td{{if .Class}} class="{{.Class}}"{{end}}>{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{if .Sub}} <span class="meta">({{.Sub}})</span>{{end}}{{if .List}}<ul>{{range .List}}<li>{{.}}</li>{{end}}</ul>{{end}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>{{.Empty}}</p>
{{- end}}
{{- end}}
</section>
{{- end}}
<footer>
{{- if .MethodNote}}
<p class="note">{{.MethodNote}}</p>
{{- end}}
{{- if or .GeneratedAt .RunID}}
<p id="generated-at"><strong>{{.L.GeneratedAt}}:</strong> {{.GeneratedAt}}{{if .RunID}} · {{.L.RunID}}: <code>{{.RunID}}</code>{{end}}</p>
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
{{- range .Charts}}
  show({{.ID}}, {{.Option}});
{{- end}}
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
</script>
</body>
</html>
`))
