package charts

import "html/template"

// pageView is what the page template sees. Plain strings are escaped by
// html/template; the template.JS fields are produced by encoding/json (which
// escapes <, > and &) or are the echarts build checked for </script.
type pageView struct {
	L           *locale
	Title       string
	RunID       string
	Figures     []figure
	Rows        []tableRow
	MapNote     string
	MethodNote  string
	GeneratedAt string
	MapID       string
	TrendID     string
	MapName     string
	ECharts     template.JS
	GeoJSON     template.JS
	MapOption   template.JS
	TrendOption template.JS
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.L.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:"Noto Sans","Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#222;background:#fff}
h1{font-size:1.5em;margin:0.4em 0}
h2{font-size:1.2em;margin:1.4em 0 0.5em;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555;font-size:0.9em}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.figure{flex:1 1 200px;border:1px solid #ddd;border-radius:6px;padding:10px 14px;background:#fafafa}
.figure .value{font-size:1.8em;font-weight:bold}
.figure .label{color:#555}
.chart{width:100%;border:1px solid #eee}
#{{.MapID}}{height:640px}
#{{.TrendID}}{height:380px}
table{border-collapse:collapse;width:100%;font-size:0.92em}
th,td{border:1px solid #ddd;padding:6px 8px;vertical-align:top}
th{background:#f3f3f3;text-align:left}
td.n{text-align:right;white-space:nowrap}
td.tier{font-weight:bold;white-space:nowrap}
td.tier-high{color:#b2182b}
td.tier-elevated{color:#d6604d}
td ul{margin:0;padding-left:1.2em}
.note{color:#555;font-size:0.9em}
footer{margin-top:2em;border-top:1px solid #ddd;padding-top:8px;font-size:0.9em;color:#444}
</style>
<script>{{.ECharts}}</script>
<script>echarts.registerMap({{.MapName}}, {{.GeoJSON}});</script>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{- if .RunID}}
<p class="meta">{{.L.RunID}}: <code>{{.RunID}}</code></p>
{{- end}}
</header>
<section id="headline">
<h2>{{.L.Headline}}</h2>
<div class="figures">
{{- range .Figures}}
<div class="figure"><div class="value">{{.Value}}</div><div class="label">{{.Label}}</div></div>
{{- end}}
</div>
</section>
<section id="map">
<h2>{{.L.MapHeading}}</h2>
<p class="note">{{.MapNote}}</p>
<div class="chart" id="{{.MapID}}"></div>
</section>
<section id="flagged">
<h2>{{.L.TableHeading}}</h2>
{{- if .Rows}}
<table>
<thead><tr><th>{{.L.ColRank}}</th><th>{{.L.ColTier}}</th><th>{{.L.ColUnit}}</th><th>{{.L.ColScore}}</th><th>{{.L.ColObserved}}</th><th>{{.L.ColExpected}}</th><th>{{.L.ColRatio}}</th><th>{{.L.ColSerious}}</th><th>{{.L.ColQ}}</th><th>{{.L.ColReasons}}</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr><td class="n">{{.Rank}}</td><td class="tier tier-{{.TierCode}}">{{.Tier}}</td><td>{{.Name}} <span class="meta">({{.Code}})</span></td><td class="n">{{.Score}}</td><td class="n">{{.Observed}}</td><td class="n">{{.Expected}}</td><td class="n">{{.Ratio}}</td><td class="n">{{.Serious}}</td><td class="n">{{.Q}}</td><td>{{if .Reasons}}<ul>{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>{{end}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>{{.L.TableNone}}</p>
{{- end}}
</section>
<section id="trend">
<h2>{{.L.TrendHeading}}</h2>
<div class="chart" id="{{.TrendID}}"></div>
</section>
<footer>
<p class="note">{{.MethodNote}}</p>
{{- if .GeneratedAt}}
<p id="generated-at"><strong>{{.L.GeneratedAt}}:</strong> {{.GeneratedAt}}</p>
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
  show({{.MapID}}, {{.MapOption}});
  show({{.TrendID}}, {{.TrendOption}});
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
</script>
</body>
</html>
`))
