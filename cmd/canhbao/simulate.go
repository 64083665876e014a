package main

import (
	"context"
	"fmt"
	"time"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/simulate"
)

// simFlags are the scenario flags shared by simulate and demo.
type simFlags struct {
	seed     uint64
	from, to string
	scale    float64
	geoDir   string
	weeks    int // last weeks written as weekly deliveries (simulate.Config.Deliveries)
}

func (m *Main) declareSimFlags(fs interface {
	Uint64Var(*uint64, string, uint64, string)
	StringVar(*string, string, string, string)
	Float64Var(*float64, string, float64, string)
	IntVar(*int, string, int, string)
}, deliveries int) *simFlags {
	sf := &simFlags{}
	fs.Uint64Var(&sf.seed, "seed", 1, "random seed (same seed, same files)")
	fs.StringVar(&sf.from, "from", "", "first day (dd/mm/yyyy); default 1 January four years before --to")
	fs.StringVar(&sf.to, "to", "", "last day (dd/mm/yyyy); default the Sunday ending the last complete ISO week")
	fs.Float64Var(&sf.scale, "scale", 1, "volume multiplier: 1 is about 5,000 cases in the first year")
	fs.StringVar(&sf.geoDir, "geo", "", "geography folder (default $CANHBAO_GEO or ../shared/data/hanoi)")
	fs.IntVar(&sf.weeks, "deliveries", deliveries, "last weeks written as weekly deliveries (deliveries/YYYY-MM-DD/), older rows as monthly history files, rows arriving after --to in deliveries dated after it; 0: every row in the monthly files")
	return sf
}

// config turns the flags into a simulator configuration.
func (m *Main) simConfig(sf *simFlags) (simulate.Config, string, error) {
	cfg := simulate.DefaultConfig()
	cfg.Seed, cfg.Scale, cfg.Deliveries = sf.seed, sf.scale, sf.weeks
	var err error
	if sf.to != "" {
		if cfg.To, err = parseDate(sf.to); err != nil {
			return cfg, "", err
		}
	} else {
		cfg.To = models.LastCompleteWeek(m.Now(), hoChiMinh).Sunday()
	}
	if sf.from != "" {
		if cfg.From, err = parseDate(sf.from); err != nil {
			return cfg, "", err
		}
	} else {
		cfg.From = time.Date(cfg.To.Year()-4, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, "", &usageError{err.Error()}
	}
	dir := sf.geoDir
	if dir == "" {
		dir = m.defaultGeoDir()
	}
	return cfg, dir, nil
}

// runSimulate handles "simulate --out DIR ...".
func (m *Main) runSimulate(ctx context.Context, args []string) error {
	fs := m.newFlags("simulate")
	out := fs.String("out", "", "folder to write the logbooks and ground_truth.csv into (required)")
	sf := m.declareSimFlags(fs, 0)
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"simulate: --out is required"}
	}
	_, err := m.simulate(sf, *out)
	return err
}

func (m *Main) simulate(sf *simFlags, out string) (*simulate.Summary, error) {
	cfg, dir, err := m.simConfig(sf)
	if err != nil {
		return nil, err
	}
	g, err := geo.LoadDir(dir)
	if err != nil {
		return nil, &inputError{dir, err}
	}
	sum, err := simulate.Run(g, cfg, out)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(m.Stdout, "simulate: %d rows (%d deliberately invalid) in %d files, %d episodes, %s..%s, seed %d -> %s\n",
		sum.Rows, sum.Invalid, len(sum.Files), sum.Episodes, cfg.From.Format("02/01/2006"),
		cfg.To.Format("02/01/2006"), cfg.Seed, out)
	if cfg.Deliveries > 0 {
		fmt.Fprintf(m.Stdout, "simulate: %d monthly history files, %d weekly deliveries; %d cases arrive after %s\n",
			len(sum.History), len(sum.Deliveries), sum.Pending, cfg.To.Format("02/01/2006"))
	}
	return sum, nil
}
