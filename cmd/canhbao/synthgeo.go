package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/canhbao/canhbao/synthgeo"
)

// runSynthgeo handles "synthgeo --out DIR [--units N] [--provinces P] [--seed S]
// [--logbook-rows N --from D --to D]".
func (m *Main) runSynthgeo(ctx context.Context, args []string) error {
	fs := m.newFlags("synthgeo")
	out := fs.String("out", "", "folder to write the geography into (required)")
	c := synthgeo.DefaultConfig()
	fs.IntVar(&c.Units, "units", c.Units, "number of current units")
	fs.IntVar(&c.Provinces, "provinces", c.Provinces, "number of provinces")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (same seed, same files)")
	rows := fs.Int("logbook-rows", 0, "also write OUT/logbooks/history.csv and week.csv with about this many rows in total (benchmarks)")
	from := fs.String("from", "2016-11-28", "first day of the logbook rows")
	to := fs.String("to", "2026-11-22", "last day of the logbook rows (a Sunday: week.csv holds its ISO week)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"synthgeo: --out is required"}
	}
	if err := c.Validate(); err != nil {
		return &usageError{err.Error()}
	}
	g, err := synthgeo.Generate(c)
	if err != nil {
		return err
	}
	if err := g.Write(*out); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "synthgeo: %d units in %d provinces, %d neighbour pairs, seed %d -> %s\n",
		len(g.Units), c.Provinces, len(g.Pairs), c.Seed, *out)
	if *rows <= 0 {
		return nil
	}
	f, err := parseDate(*from)
	if err != nil {
		return err
	}
	t, err := parseDate(*to)
	if err != nil {
		return err
	}
	lc := synthgeo.LogbookConfig{Rows: *rows, From: f, To: t, Seed: c.Seed}
	if err := lc.Validate(); err != nil {
		return &usageError{err.Error()}
	}
	hist, week, err := g.WriteLogbooks(ctx, lc, filepath.Join(*out, "logbooks"))
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "synthgeo: logbooks: %d history rows, %d rows in the last week -> %s\n",
		hist, week, filepath.Join(*out, "logbooks"))
	return nil
}
