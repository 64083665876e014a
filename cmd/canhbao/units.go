package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/warehouse"
)

const unitsUsage = "usage: canhbao units load [--db FILE] [--code-property P] [--name-property P] [--district-property P] [--population-property P] [--snap S] DIR|FILE.geojson"

// runUnits handles "units load [--db F] [property flags] DIR|FILE.geojson".
func (m *Main) runUnits(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "load" {
		return &usageError{unitsUsage}
	}
	fs := m.newFlags("units load")
	db := dbFlag(fs)
	var opt geo.Options
	fs.StringVar(&opt.Properties.Code, "code-property", "", "GeoJSON feature property holding the unit code (default: detected; with a gazetteer CSV: the boundary property holding its codes, if not \"code\")")
	fs.StringVar(&opt.Properties.Name, "name-property", "", "GeoJSON feature property holding the unit name, without a gazetteer CSV (default: detected; none: the code is the name)")
	fs.StringVar(&opt.Properties.District, "district-property", "", "GeoJSON feature property holding the district name, without a gazetteer CSV (default: a property named district, if any)")
	fs.StringVar(&opt.Properties.Population, "population-property", "", "GeoJSON feature property holding the population, without a gazetteer CSV (default: a property named population, if any)")
	fs.Float64Var(&opt.Snap, "snap", geo.QueenSnap, "snapping distance in map units when neighbours are computed from the boundaries (no neighbour-pairs file)")
	if help, err := parse(fs, args[1:]); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{unitsUsage}
	}
	if opt.Snap <= 0 {
		return &usageError{fmt.Sprintf("--snap %g: want a positive distance", opt.Snap)}
	}
	return m.loadUnitsWith(ctx, *db, fs.Arg(0), opt)
}

func (m *Main) loadUnits(ctx context.Context, dbPath, dir string) error {
	return m.loadUnitsWith(ctx, dbPath, dir, geo.Options{})
}

func (m *Main) loadUnitsWith(ctx context.Context, dbPath, path string, opt geo.Options) error {
	g, info, err := geo.Load(path, opt)
	if err != nil {
		return &inputError{path, err}
	}
	w, err := warehouse.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.SaveGeography(ctx, g); err != nil {
		return err
	}
	if info.FromGeoJSON {
		p := info.Properties
		name := p.Name
		if name == "" {
			name = "none, codes used as names"
		}
		extra := ""
		for _, o := range []struct{ role, prop string }{{"district", p.District}, {"population", p.Population}} {
			if o.prop != "" {
				extra += fmt.Sprintf(", %s %s", o.role, o.prop)
			}
		}
		fmt.Fprintf(m.Stdout, "units: gazetteer from the features of %s: code property %s, name %s%s\n",
			filepath.Base(info.UnitsFrom), p.Code, name, extra)
	}
	from := "from " + path
	if info.QueenNeighbours {
		from = strings.Replace(from, "from", "(queen contiguity of the boundaries) from", 1)
	}
	fmt.Fprintf(m.Stdout, "units: %d current units, %d units of earlier vintages, %d crosswalk links, %d neighbour pairs loaded %s\n",
		len(g.Current()), len(g.Units)-len(g.Current()), len(g.Crosswalk), len(g.Neighbours), from)
	return nil
}
