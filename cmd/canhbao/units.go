package main

import (
	"context"
	"fmt"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/warehouse"
)

// runUnits handles "units load [--db F] DIR".
func (m *Main) runUnits(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "load" {
		return &usageError{"usage: canhbao units load [--db FILE] DIR"}
	}
	fs := m.newFlags("units load")
	db := dbFlag(fs)
	if help, err := parse(fs, args[1:]); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"usage: canhbao units load [--db FILE] DIR"}
	}
	return m.loadUnits(ctx, *db, fs.Arg(0))
}

func (m *Main) loadUnits(ctx context.Context, dbPath, dir string) error {
	g, err := geo.LoadDir(dir)
	if err != nil {
		return &inputError{dir, err}
	}
	w, err := warehouse.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.SaveGeography(ctx, g); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "units: %d current units, %d units of earlier vintages, %d crosswalk links, %d neighbour pairs loaded from %s\n",
		len(g.Current()), len(g.Units)-len(g.Current()), len(g.Crosswalk), len(g.Neighbours), dir)
	return nil
}
