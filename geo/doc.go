// Package geo reads a province's geography from plain files: the gazetteer of
// current units, the unit lists of earlier vintages, old->current crosswalks,
// neighbour pairs and a boundary GeoJSON. Nothing in it knows about Hanoi; the
// file shapes and naming convention are documented in docs/geography.md.
// QueenContiguity derives neighbour pairs from the polygons of a GeoJSON; Load
// also reads a city that has only a GeoJSON, deriving the gazetteer from the
// feature properties and the neighbours from the polygons.
package geo
