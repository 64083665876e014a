package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/canhbao/canhbao/analysis"
)

// Config is the configuration of the weekly batch run (`canhbao run`), read
// from a TOML file. Relative paths are relative to the file's folder.
type Config struct {
	Paths    PathsConfig    `toml:"paths"`
	Analysis AnalysisConfig `toml:"analysis"`
	Quality  QualityConfig  `toml:"quality"`
	Report   ReportConfig   `toml:"report"`
	Log      LogConfig      `toml:"log"`
}

// PathsConfig says where everything lives.
type PathsConfig struct {
	DB          string `toml:"db"`            // DuckDB warehouse file
	Inbox       string `toml:"inbox"`         // logbooks waiting to be ingested
	Archive     string `toml:"archive"`       // ingested logbooks, as <batch_id>__<name>
	Rejected    string `toml:"rejected"`      // logbooks rejected as a whole, with <name>.reason.txt
	Reports     string `toml:"reports"`       // published reports: <week>/, latest, index.html
	Geography   string `toml:"geography"`     // geography folder loaded when the warehouse has none ("" = $CANHBAO_GEO or ../shared/data/hanoi)
	HashKeyFile string `toml:"hash_key_file"` // party-hash key ("" = <db without extension>.key); $CANHBAO_HASH_KEY overrides
	Lock        string `toml:"lock"`          // run lock file ("" = <db>.lock)
	ECharts     string `toml:"echarts"`       // echarts.min.js ("" = $CANHBAO_ECHARTS or node_modules found upward)
}

// AnalysisConfig holds the escalation detector's settings (analysis.Config).
type AnalysisConfig struct {
	Window      int     `toml:"window"`
	History     int     `toml:"history"`
	Guard       int     `toml:"guard"`
	Alpha       float64 `toml:"alpha"`
	MinExpected float64 `toml:"min_expected"`
	ElevatedP   float64 `toml:"elevated_p"`
	WatchP      float64 `toml:"watch_p"`
	AlarmBudget int     `toml:"alarm_budget"`
	// RiskRefitWeeks: the risk model is refitted when the stored one is this
	// many weeks old (0: every run); see applyRiskScheduled.
	RiskRefitWeeks int `toml:"risk_refit_weeks"`
	// Nowcast: the detectors see the last NowcastWeeks weeks as their
	// nowcast (what will eventually arrive) instead of the cases that have
	// arrived by the run, as `analyze --nowcast --delay-weeks N`
	// (docs/nowcast.md). Off by default: it needs weekly deliveries with
	// arrival dates to learn the delays from.
	Nowcast      bool `toml:"nowcast"`
	NowcastWeeks int  `toml:"nowcast_weeks"`
}

// QualityConfig holds the data-quality thresholds; crossing one makes the
// run fail with exit code 5 after the report (with a warning) is published.
type QualityConfig struct {
	MaxQuarantineShare float64 `toml:"max_quarantine_share"` // of data rows in the logbooks carrying the window's cases
	SilentUnitsWeeks   int     `toml:"silent_units_weeks"`   // a unit with no case for this many weeks is silent; 0 disables
	MaxSilentUnits     int     `toml:"max_silent_units"`     // more silent units than this crosses the threshold
}

// ReportConfig sets the report's language.
type ReportConfig struct {
	Language string `toml:"language"` // vi or en
}

// LogConfig sets the log format of `canhbao run`.
type LogConfig struct {
	Format string `toml:"format"` // text or json
}

// DefaultConfig returns the settings used for keys a file leaves out.
func DefaultConfig() Config {
	a := analysis.DefaultConfig()
	return Config{
		Paths: PathsConfig{DB: "canhbao.duckdb", Inbox: "inbox", Archive: "archive", Rejected: "rejected",
			Reports: "reports"},
		Analysis: AnalysisConfig{Window: a.Window, History: a.History, Guard: a.Guard, Alpha: a.Alpha,
			MinExpected: a.MinExpected, ElevatedP: a.ElevatedP, WatchP: a.WatchP, AlarmBudget: a.Budget,
			RiskRefitWeeks: defaultRiskRefitWeeks, NowcastWeeks: analysis.DefaultNowcastConfig().Weeks},
		Quality: QualityConfig{MaxQuarantineShare: 0.05, SilentUnitsWeeks: 8, MaxSilentUnits: 12},
		Report:  ReportConfig{Language: "vi"},
		Log:     LogConfig{Format: "text"},
	}
}

// Detector returns the analysis settings.
func (c Config) Detector() analysis.Config {
	a := c.Analysis
	return analysis.Config{Window: a.Window, History: a.History, Guard: a.Guard, Alpha: a.Alpha,
		MinExpected: a.MinExpected, ElevatedP: a.ElevatedP, WatchP: a.WatchP, Budget: a.AlarmBudget}
}

// NowcastOptions returns the settings of the nowcast the analysis uses when
// analysis.nowcast is on: the defaults of `analyze --nowcast` with
// nowcast_weeks weeks.
func (c Config) NowcastOptions() nowcastOptions {
	o := defaultNowcastOptions()
	o.Nowcast.Weeks = c.Analysis.NowcastWeeks
	return o
}

// Validate checks the settings; it expects resolved paths.
func (c Config) Validate() error {
	var errs []error
	for _, p := range []struct{ key, v string }{{"paths.db", c.Paths.DB}, {"paths.inbox", c.Paths.Inbox},
		{"paths.archive", c.Paths.Archive}, {"paths.rejected", c.Paths.Rejected}, {"paths.reports", c.Paths.Reports},
		{"paths.geography", c.Paths.Geography}, {"paths.hash_key_file", c.Paths.HashKeyFile}, {"paths.lock", c.Paths.Lock}} {
		if strings.TrimSpace(p.v) == "" {
			errs = append(errs, fmt.Errorf("%s is empty", p.key))
		}
	}
	dirs := map[string]string{}
	for _, p := range []struct{ key, v string }{{"paths.inbox", c.Paths.Inbox}, {"paths.archive", c.Paths.Archive},
		{"paths.rejected", c.Paths.Rejected}, {"paths.reports", c.Paths.Reports}} {
		if other, dup := dirs[filepath.Clean(p.v)]; dup {
			errs = append(errs, fmt.Errorf("%s and %s are the same folder", other, p.key))
		}
		dirs[filepath.Clean(p.v)] = p.key
	}
	if err := c.Detector().Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Analysis.RiskRefitWeeks < 0 {
		errs = append(errs, fmt.Errorf("analysis.risk_refit_weeks %d, want >= 0", c.Analysis.RiskRefitWeeks))
	}
	if err := c.NowcastOptions().Nowcast.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("analysis.nowcast_weeks %d: %v", c.Analysis.NowcastWeeks, err))
	}
	q := c.Quality
	if !(q.MaxQuarantineShare >= 0 && q.MaxQuarantineShare <= 1) {
		errs = append(errs, fmt.Errorf("quality.max_quarantine_share %v, want between 0 and 1", q.MaxQuarantineShare))
	}
	if q.SilentUnitsWeeks < 0 || q.MaxSilentUnits < 0 {
		errs = append(errs, fmt.Errorf("quality.silent_units_weeks %d and max_silent_units %d must be >= 0",
			q.SilentUnitsWeeks, q.MaxSilentUnits))
	}
	if c.Report.Language != "vi" && c.Report.Language != "en" {
		errs = append(errs, fmt.Errorf("report.language %q, want vi or en", c.Report.Language))
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		errs = append(errs, fmt.Errorf("log.format %q, want text or json", c.Log.Format))
	}
	return errors.Join(errs...)
}

// loadConfig reads a TOML file over DefaultConfig, rejects unknown keys,
// resolves relative paths against the file's folder and validates. Every
// problem is a usage error (exit code 2).
func (m *Main) loadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	md, err := toml.DecodeFile(path, &cfg)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return cfg, &usageError{fmt.Sprintf("config %s: not found (write an example with `canhbao config init --config %s`)", path, path)}
		}
		return cfg, &usageError{fmt.Sprintf("config %s: %v", path, err)}
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return cfg, &usageError{fmt.Sprintf("config %s: unknown keys: %s", path, strings.Join(keys, ", "))}
	}
	base, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return cfg, &usageError{fmt.Sprintf("config %s: %v", path, err)}
	}
	m.resolvePaths(&cfg, base)
	if err := cfg.Validate(); err != nil {
		return cfg, &usageError{fmt.Sprintf("config %s: %v", path, strings.ReplaceAll(err.Error(), "\n", "; "))}
	}
	return cfg, nil
}

// resolvePaths fills derived defaults and makes relative paths absolute.
func (m *Main) resolvePaths(c *Config, base string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	p := &c.Paths
	p.DB, p.Inbox, p.Archive, p.Rejected, p.Reports = abs(p.DB), abs(p.Inbox), abs(p.Archive), abs(p.Rejected), abs(p.Reports)
	p.HashKeyFile, p.Lock, p.ECharts = abs(p.HashKeyFile), abs(p.Lock), abs(p.ECharts)
	if p.Geography == "" {
		p.Geography = m.defaultGeoDir()
	}
	if g, err := filepath.Abs(abs(p.Geography)); err == nil {
		p.Geography = g
	}
	if p.HashKeyFile == "" {
		p.HashKeyFile = strings.TrimSuffix(p.DB, filepath.Ext(p.DB)) + ".key"
	}
	if p.Lock == "" {
		p.Lock = p.DB + ".lock"
	}
}

// exampleConfig is what `canhbao config init` writes.
const exampleConfig = `# canhbao weekly batch configuration (canhbao run --config THIS_FILE).
# Relative paths are relative to the folder of this file. Every key is optional;
# the values shown are the defaults. Check with: canhbao config check --config THIS_FILE

[paths]
db        = "canhbao.duckdb"   # DuckDB warehouse
inbox     = "inbox"            # drop logbook CSV files here; each run ingests what it finds
archive   = "archive"          # ingested files are moved here as <batch_id>__<name>
rejected  = "rejected"         # files rejected as a whole, with <name>.reason.txt
reports   = "reports"          # <week>/index.html, latest -> newest week, index.html listing all weeks
geography = ""                 # geography folder loaded on the first run ("" = $CANHBAO_GEO or ../shared/data/hanoi)
hash_key_file = ""             # party-hash key, created with mode 0600 ("" = canhbao.key beside db); $CANHBAO_HASH_KEY overrides
lock      = ""                 # run lock file ("" = <db>.lock)
echarts   = ""                 # echarts.min.js ("" = $CANHBAO_ECHARTS or node_modules/echarts/dist found upward)

[analysis]
window       = 4       # weeks in the evaluation window ending at the report week
history      = 156     # weeks of history used to fit each unit's expected level
guard        = 0       # weeks between history and window left out of the fit
alpha        = 0.05    # false-discovery rate of the "high" tier
min_expected = 0.5     # floor on the expected cases of the excess test
elevated_p   = 0.01    # combined p-value of the "elevated" tier
watch_p      = 0.05    # combined p-value of the "watch" tier (not flagged)
alarm_budget = 10      # at most this many units flagged a week, highest scores first
risk_refit_weeks = 4   # refit the risk model when the stored one is this many weeks old (0 = every run)
# Logbooks arrive weeks late, so the last weeks look calmer than they are. With nowcast = true the detectors
# see the last nowcast_weeks weeks as their nowcast (what will eventually arrive, learnt from the arrival
# dates of earlier deliveries; docs/nowcast.md). Needs weekly deliveries ingested with their arrival dates
# (run --arrived, not all backfill); without them the run warns and uses the counts as they are.
nowcast       = false
nowcast_weeks = 6

[quality]
# Crossing a threshold fails the run (exit code 5); the report is still published, with WARNING.txt.
max_quarantine_share = 0.05  # share of data rows quarantined in the logbooks that carry the window's cases
silent_units_weeks   = 8     # a unit with no case received for this many weeks is "silent" (0 = no check)
max_silent_units     = 12    # more silent units than this crosses the threshold

[report]
language = "vi"   # vi or en

[log]
format = "text"   # text or json (--log-format overrides)
`
