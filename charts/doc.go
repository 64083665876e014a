// Package charts writes the weekly early-warning report: one self-contained
// HTML page (index.html) with headline figures, a choropleth map of the
// current units coloured by escalation score, a table of flagged units with
// the numbers behind each flag, and the city-wide weekly trend. Chart options
// are built with go-echarts; echarts itself and the map's GeoJSON are inlined,
// so the page makes no network request.
package charts
