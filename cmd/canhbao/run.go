package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/canhbao/canhbao/charts"
	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// runRun handles "run [--config F] [--week W] [--log-format text|json]
// [--arrived D] [--backfill]": the weekly batch. See docs/operations.md.
func (m *Main) runRun(ctx context.Context, args []string) error {
	fs := m.newFlags("run")
	cfgPath := fs.String("config", "canhbao.toml", "configuration file (write one with `canhbao config init`)")
	week := fs.String("week", "", "ISO week to report, YYYY-Www (default: the last complete week in Asia/Ho_Chi_Minh)")
	logFormat := fs.String("log-format", "", "text or json (default: log.format of the configuration)")
	af := declareArrivalFlags(fs)
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return &usageError{"run: unexpected arguments " + strings.Join(fs.Args(), " ")}
	}
	cfg, err := m.loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	arr, err := af.resolve(m.Now())
	if err != nil {
		return err
	}
	if *logFormat != "" {
		if *logFormat != "text" && *logFormat != "json" {
			return &usageError{fmt.Sprintf("run: --log-format %q: want text or json", *logFormat)}
		}
		cfg.Log.Format = *logFormat
	}
	wk, ok, err := parseWeekFlag(*week)
	if err != nil {
		return err
	}
	if !ok {
		wk = models.LastCompleteWeek(m.Now(), hoChiMinh)
	}
	return m.batch(ctx, cfg, wk, arr, newLogger(m.Stderr, cfg.Log.Format))
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// qualityError is a crossed data-quality threshold; it maps to exit code 5.
type qualityError struct{ problems []string }

func (e *qualityError) Error() string {
	return "data-quality threshold crossed: " + strings.Join(e.problems, "; ")
}

// runCounts is what a batch run did; stored as JSON in batch_runs.counts.
type runCounts struct {
	FilesIngested     int     `json:"files_ingested"`
	FilesAlready      int     `json:"files_already_ingested"`
	FilesRejected     int     `json:"files_rejected"`
	RowsRead          int     `json:"rows_read"`
	Loaded            int     `json:"loaded"`
	Updated           int     `json:"updated"`
	Duplicate         int     `json:"duplicate"`
	Quarantined       int     `json:"quarantined"`
	Ignored           int     `json:"ignored"`
	Units             int     `json:"units"`
	Flagged           int     `json:"flagged"`
	AnalysisRun       string  `json:"analysis_run"`
	WindowQuarantined float64 `json:"window_quarantine_share"`
	SilentUnits       int     `json:"silent_units"`
	Warnings          int     `json:"warnings"`
}

// stageTimer records how long each stage took, in order.
type stageTimer struct {
	now   func() time.Time
	names []string
	secs  map[string]float64
}

func (t *stageTimer) time(name string, f func() error) error {
	start := t.now()
	err := f()
	t.names = append(t.names, name)
	t.secs[name] = t.now().Sub(start).Seconds()
	return err
}

func (t *stageTimer) json() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range t.names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%.3f", n, t.secs[n])
	}
	b.WriteByte('}')
	return b.String()
}

// batch is the weekly run: lock -> warehouse -> geography -> inbox ->
// analyze -> quality -> report -> publish -> run record.
func (m *Main) batch(ctx context.Context, cfg Config, wk models.Week, arr arrival, log *slog.Logger) (err error) {
	start := m.Now().UTC()
	runID := fmt.Sprintf("r-%s-%d", start.Format("20060102T150405.000Z"), os.Getpid())
	log = log.With("run", runID, "week", wk.String())
	log.Info("run start", "config_db", cfg.Paths.DB)

	lock, err := acquireLock(cfg.Paths.Lock, start, func(h lockHolder) {
		log.Warn("taking over a stale lock", "lock", cfg.Paths.Lock, "dead_pid", h.PID, "started", h.Started)
	})
	if err != nil {
		log.Error("run not started", "err", err)
		return err
	}
	defer lock.release()
	for _, d := range []string{cfg.Paths.Inbox, cfg.Paths.Archive, cfg.Paths.Rejected, cfg.Paths.Reports} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			log.Error("folder", "err", err)
			return err
		}
	}
	w, err := warehouse.Open(ctx, cfg.Paths.DB)
	if err != nil {
		log.Error("open warehouse", "err", err)
		return err
	}
	defer w.Close()
	if n, err := w.MarkInterrupted(ctx, runID); err != nil {
		return err
	} else if n > 0 {
		log.Warn("earlier runs were interrupted", "count", n)
	}
	settings, _ := json.Marshal(cfg)
	rec := warehouse.BatchRun{RunID: runID, Week: wk.String(), Status: "running", StartedAt: start,
		Settings: string(settings), Versions: m.versions(ctx, w)}
	if err := w.StartBatchRun(ctx, rec); err != nil {
		return err
	}
	timer := &stageTimer{now: m.Now, secs: map[string]float64{}}
	var counts runCounts
	// The run record is finished whatever happens below (a SIGKILL leaves it
	// "running"; the next run marks it "interrupted").
	defer func() {
		rec.FinishedAt = m.Now().UTC()
		rec.Timings = timer.json()
		cb, _ := json.Marshal(counts)
		rec.Counts = string(cb)
		rec.Status = batchStatus(err)
		if err != nil {
			rec.Message = err.Error()
		}
		if ferr := w.FinishBatchRun(context.WithoutCancel(ctx), rec); ferr != nil {
			log.Error("run record", "err", ferr)
			if err == nil {
				err = ferr
			}
		}
		lv := slog.LevelInfo
		if err != nil {
			lv = slog.LevelError
		}
		log.Log(ctx, lv, "run end", "status", rec.Status, "seconds", rec.FinishedAt.Sub(start).Seconds(),
			"timings", json.RawMessage(rec.Timings), "counts", json.RawMessage(rec.Counts), "err", err)
	}()
	stage := m.stageMain(log)
	if cfg.Analysis.Nowcast {
		o := cfg.NowcastOptions()
		stage.nowcast = &o // analyzeWeek then nowcasts the last weeks, as analyze --nowcast
	}

	if err := timer.time("geography", func() error { return m.ensureGeography(ctx, w, cfg.Paths.Geography, log) }); err != nil {
		return err
	}
	var rejected error
	if err := timer.time("ingest", func() error {
		rejected, err = m.ingestInbox(ctx, w, cfg, arr, &counts, log)
		return err
	}); err != nil {
		return err
	}
	var run *warehouse.Run
	if err := timer.time("analyze", func() error {
		run, err = stage.analyzeWeek(ctx, w, wk, cfg.Detector(), cfg.Analysis.RiskRefitWeeks)
		return err
	}); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	m.testPause(ctx, "analyze")
	inds, err := w.Indicators(ctx, run.RunID)
	if err != nil {
		return err
	}
	counts.AnalysisRun, counts.Units = run.RunID, len(inds)
	for _, in := range inds {
		if in.Flagged {
			counts.Flagged++
		}
	}
	var problems []string
	if err := timer.time("quality", func() error {
		problems, err = m.quality(ctx, w, wk, cfg, &counts)
		return err
	}); err != nil {
		return err
	}
	counts.Warnings = len(problems)
	for _, p := range problems {
		log.Warn("data quality", "problem", p)
	}
	pub := publisher{dir: cfg.Paths.Reports, lang: cfg.Report.Language}
	if err := timer.time("report", func() error {
		if err := pub.cleanup(); err != nil {
			return err
		}
		tmp, err := pub.tempDir(wk)
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp) // gone after a successful publish; removes a failed attempt
		// The report's nowcast band follows nowcast_weeks, nowcast on or off.
		nco := cfg.NowcastOptions()
		opt := reportOptions{Out: tmp, Lang: cfg.Report.Language, Audience: charts.AudienceInternal,
			ECharts: cfg.Paths.ECharts, Warnings: problems, Nowcast: &nco, Performance: true}
		if err := stage.reportFor(ctx, w, wk, opt); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if len(problems) > 0 {
			body := fmt.Sprintf("Week %s: data-quality thresholds crossed; read this report with care.\n- %s\n",
				wk, strings.Join(problems, "\n- "))
			if err := writeFileSynced(filepath.Join(tmp, warningFile), ".warning-", []byte(body), 0o640); err != nil {
				return fmt.Errorf("report: %w", err)
			}
		}
		m.testPause(ctx, "report")
		return pub.publish(tmp, wk, func(s string) { m.testPause(ctx, s) })
	}); err != nil {
		return err
	}
	log.Info("published", "report", filepath.Join(cfg.Paths.Reports, wk.String(), "index.html"))
	var qerr error
	if len(problems) > 0 {
		qerr = &qualityError{problems}
	}
	return errors.Join(rejected, qerr)
}

// batchStatus names the outcome stored in batch_runs.status.
func batchStatus(err error) string {
	var ie *inputError
	var qe *qualityError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ie):
		return "rejected"
	case errors.As(err, &qe):
		return "quality"
	}
	return "failed"
}

// stageMain is a Main whose output lines (from analyze and report) go to
// the structured log instead of the terminal.
func (m *Main) stageMain(log *slog.Logger) *Main {
	lw := &logWriter{log: log}
	return &Main{Stdout: lw, Stderr: lw, Now: m.Now, Getenv: m.Getenv}
}

type logWriter struct {
	log *slog.Logger
	mu  sync.Mutex
	buf []byte
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.log.Info("stage", "line", strings.TrimPrefix(string(l.buf[:i]), "canhbao: "))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// ensureGeography loads the geography folder when the warehouse has none.
func (m *Main) ensureGeography(ctx context.Context, w *warehouse.Warehouse, dir string, log *slog.Logger) error {
	ok, err := w.HasGeography(ctx)
	if err != nil || ok {
		return err
	}
	g, err := geo.LoadDir(dir)
	if err != nil {
		return &usageError{fmt.Sprintf("paths.geography %s: %v", dir, err)}
	}
	if err := w.SaveGeography(ctx, g); err != nil {
		return err
	}
	log.Info("geography loaded", "dir", dir, "units", len(g.Current()))
	return nil
}

// inboxFiles lists the regular, non-hidden files of the inbox, sorted.
func inboxFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
			continue
		}
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out, nil
}

// ingestInbox ingests every file of the inbox in name order. Each file is one
// transaction; it is moved to the archive after its commit, so a file found
// in the inbox after a crash is either not ingested or recognised by its
// SHA-256. Files rejected as a whole go to rejected/ with a reason; they are
// returned as an *inputError and the other files are processed. The files
// arrived on the run's date unless arr says otherwise (--arrived).
func (m *Main) ingestInbox(ctx context.Context, w *warehouse.Warehouse, cfg Config, arr arrival, c *runCounts, log *slog.Logger) (error, error) {
	names, err := inboxFiles(cfg.Paths.Inbox)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		log.Info("inbox empty", "inbox", cfg.Paths.Inbox)
		return nil, nil
	}
	ing, err := m.newIngester(ctx, w, cfg.Paths.DB, cfg.Paths.HashKeyFile)
	if err != nil {
		return nil, err
	}
	ing.arrival = arr
	var rejected []error
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		src := filepath.Join(cfg.Paths.Inbox, name)
		b, err := ing.file(ctx, src)
		var ie *inputError
		if errors.As(err, &ie) {
			c.FilesRejected++
			rejected = append(rejected, err)
			log.Warn("file rejected", "file", name, "reason", ie.err)
			if err := rejectFile(src, cfg.Paths.Rejected, err); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", name, err)
		}
		m.testPause(ctx, "ingest")
		if b.AlreadyIngested {
			c.FilesAlready++
		} else {
			c.FilesIngested++
			c.RowsRead += b.Read
			c.Loaded += b.Loaded
			c.Updated += b.Updated
			c.Duplicate += b.Duplicate
			c.Quarantined += b.Quarantined
			c.Ignored += b.Ignored
		}
		dst, err := archiveFile(src, cfg.Paths.Archive, b.BatchID+"__"+name)
		if err != nil {
			return nil, err
		}
		log.Info("file ingested", "file", name, "batch", b.BatchID, "already_ingested", b.AlreadyIngested,
			"arrived", b.Arrived.Format(time.DateOnly), "backfill", b.Backfill,
			"read", b.Read, "loaded", b.Loaded, "updated", b.Updated, "duplicate", b.Duplicate,
			"quarantined", b.Quarantined, "ignored", b.Ignored, "archived", dst)
	}
	return errors.Join(rejected...), nil
}

// archiveFile moves src into dir as name. When that name exists already (the
// same file re-sent), identical content just removes src.
func archiveFile(src, dir, name string) (string, error) {
	dst := filepath.Join(dir, name)
	if _, err := os.Lstat(dst); err == nil {
		same, err := sameContent(src, dst)
		if err != nil {
			return "", err
		}
		if same {
			return dst, os.Remove(src)
		}
		for i := 2; ; i++ {
			dst = filepath.Join(dir, fmt.Sprintf("%s.%d", name, i))
			if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
				break
			}
		}
	}
	if err := moveFile(src, dst); err != nil {
		return "", fmt.Errorf("archive %s: %w", src, err)
	}
	return dst, nil
}

// rejectFile writes rejected/<name>.reason.txt, then moves the file there.
func rejectFile(src, dir string, why error) error {
	name := filepath.Base(src)
	body := fmt.Sprintf("%s was rejected as a whole and not ingested:\n%v\n", name, why)
	if err := writeFileSynced(filepath.Join(dir, name+".reason.txt"), ".reason-", []byte(body), 0o640); err != nil {
		return fmt.Errorf("reject %s: %w", name, err)
	}
	if err := moveFile(src, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("reject %s: %w", name, err)
	}
	return nil
}

// moveFile renames src to dst (copying when they are on different file
// systems) and syncs the destination folder.
func moveFile(src, dst string) error {
	if err := os.Rename(src, dst); err != nil {
		var le *os.LinkError
		if !errors.As(err, &le) || !strings.Contains(le.Err.Error(), "cross-device") {
			return err
		}
		body, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := writeFileSynced(dst, ".move-", body, 0o640); err != nil {
			return err
		}
		if err := os.Remove(src); err != nil {
			return err
		}
	}
	return syncDir(filepath.Dir(dst))
}

func sameContent(a, b string) (bool, error) {
	ha, err := fileSHA(a)
	if err != nil {
		return false, err
	}
	hb, err := fileSHA(b)
	return err == nil && ha == hb, err
}

func fileSHA(p string) ([32]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return [32]byte{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, bufio.NewReader(f)); err != nil {
		return [32]byte{}, err
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s, nil
}

// quality checks the data-quality thresholds on the report window. Both
// measures depend on the warehouse content only, so a re-run gives the same
// verdict.
func (m *Main) quality(ctx context.Context, w *warehouse.Warehouse, wk models.Week, cfg Config, c *runCounts) ([]string, error) {
	var problems []string
	win := cfg.Analysis.Window
	q, rows, err := w.QuarantineShare(ctx, wk.Add(-(win - 1)).Monday(), wk.Sunday())
	if err != nil {
		return nil, err
	}
	if rows > 0 {
		c.WindowQuarantined = float64(q) / float64(rows)
		if c.WindowQuarantined > cfg.Quality.MaxQuarantineShare {
			problems = append(problems, fmt.Sprintf("%d of %d rows (%.1f%%) quarantined in the logbooks of weeks %s..%s, above max_quarantine_share %.1f%%",
				q, rows, 100*c.WindowQuarantined, wk.Add(-(win-1)), wk, 100*cfg.Quality.MaxQuarantineShare))
		}
	}
	if n := cfg.Quality.SilentUnitsWeeks; n > 0 {
		from := wk.Add(-(n - 1))
		wc, err := w.WeeklyCounts(ctx, from, wk)
		if err != nil {
			return nil, err
		}
		var silent []string
		for i, u := range wc.Units {
			sum := 0.0
			for _, v := range wc.Counts[i] {
				sum += v
			}
			if sum == 0 {
				silent = append(silent, u)
			}
		}
		c.SilentUnits = len(silent)
		if len(silent) > cfg.Quality.MaxSilentUnits {
			shown := silent
			if len(shown) > 10 {
				shown = append(shown[:10:10], "...")
			}
			problems = append(problems, fmt.Sprintf("%d units with no case in weeks %s..%s, above max_silent_units %d: %s",
				len(silent), from, wk, cfg.Quality.MaxSilentUnits, strings.Join(shown, " ")))
		}
	}
	return problems, nil
}

// versions describes the program, Go and DuckDB versions as JSON.
func (m *Main) versions(ctx context.Context, w *warehouse.Warehouse) string {
	v := map[string]string{"go": runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v["canhbao"] = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				v[s.Key] = s.Value
			}
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/marcboeker/go-duckdb" {
				v["go-duckdb"] = d.Version
			}
		}
	}
	if dv, err := w.EngineVersion(ctx); err == nil {
		v["duckdb"] = dv
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// testPause is a test-only hook: with CANHBAO_TEST_PAUSE_AT=stage (ingest,
// analyze, report, publish) the process announces the pause on stderr and
// sleeps there, so a test can SIGKILL it at a known point.
func (m *Main) testPause(ctx context.Context, stage string) {
	if m.Getenv("CANHBAO_TEST_PAUSE_AT") != stage {
		return
	}
	fmt.Fprintf(m.Stderr, "canhbao: test pause at %s (pid %d)\n", stage, os.Getpid())
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Minute):
	}
}
