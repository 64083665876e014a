// Package charts writes the weekly early-warning report as one folder of
// offline HTML pages: index.html (risk map by tier, headline figures, the
// flagged list), units/<code>.html (a locality page for every unit),
// trends.html, quality.html and, when their data is given, hotspots.html,
// model.html and performance.html (the mediation scorecard, which
// WritePerformance also writes on its own), with echarts.min.js shipped once
// beside them. Every page goes through one layout (page.go).
// Chart options are built with go-echarts and encoded with encoding/json, every
// text from the data is escaped, and a public variant hides case lists and
// counts below 3.
package charts
