// Package synthgeo generates a synthetic national geography for scale tests:
// N commune-level units (default 3,321, the number of communes and wards since
// 01/07/2025) tiled as a jittered square grid over 34 provinces, written in the
// shapes geo.LoadDir reads (gazetteer CSV, GeoJSON boundaries, neighbour pairs
// JSON). Neighbouring cells share their jittered vertices, so every neighbour
// pair is a real shared border; the same seed gives the same bytes.
package synthgeo
