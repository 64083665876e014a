package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// The tests of `canhbao run` drive the real binary (built once into a temp
// folder) on real files, so that a run can be SIGKILLed at a known point
// (CANHBAO_TEST_PAUSE_AT) and the next run checked against an uninterrupted
// one.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	simOnce sync.Once
	simDir  string
	simErr  error
	seqOnce sync.Once
	seqEnv  *runEnv
	seqSnap snapshot
	seqErr  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	seqDir := ""
	if seqEnv != nil {
		seqDir = filepath.Join(seqEnv.dir, "x")
	}
	for _, d := range []string{binPath, simDir, seqDir} {
		if d != "" {
			os.RemoveAll(filepath.Dir(d))
		}
	}
	os.Exit(code)
}

// runBinary builds the binary once per test process.
func runBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "canhbao-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "canhbao")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// simLogbooks simulates 2024-01..2025-11 once (scale 0.3) and returns the folder.
func simLogbooks(t *testing.T) string {
	t.Helper()
	simOnce.Do(func() {
		dir, err := os.MkdirTemp("", "canhbao-sim-")
		if err != nil {
			simErr = err
			return
		}
		simDir = filepath.Join(dir, "logbooks")
		m, out := testMain(t)
		if err := m.Run(context.Background(), []string{"simulate", "--out", simDir, "--seed", "3",
			"--from", "01/01/2024", "--to", "30/11/2025", "--scale", "0.3"}); err != nil {
			simErr = fmt.Errorf("simulate: %v\n%s", err, out)
		}
	})
	if simErr != nil {
		t.Fatal(simErr)
	}
	return simDir
}

// runEnv is one installation: a config file and its folders.
type runEnv struct {
	t    *testing.T
	dir  string
	cfg  string
	sims string
}

func newRunEnv(t *testing.T, quality string) *runEnv {
	t.Helper()
	return newRunEnvIn(t, t.TempDir(), quality)
}

func newRunEnvIn(t *testing.T, dir, quality string) *runEnv {
	t.Helper()
	e := &runEnv{t: t, dir: dir, sims: simLogbooks(t)}
	geoDir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "hanoi"))
	if err != nil {
		t.Fatal(err)
	}
	if quality == "" {
		quality = "max_quarantine_share = 1.0\nsilent_units_weeks = 8\nmax_silent_units = 126\n"
	}
	e.cfg = filepath.Join(e.dir, "canhbao.toml")
	body := fmt.Sprintf("[paths]\ngeography = %q\n\n[quality]\n%s\n[report]\nlanguage = \"en\"\n", geoDir, quality)
	if err := os.WriteFile(e.cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *runEnv) path(p ...string) string { return filepath.Join(append([]string{e.dir}, p...)...) }

// drop copies simulated logbooks (by month, e.g. "2025-09") into the inbox.
func (e *runEnv) drop(months ...string) {
	e.t.Helper()
	os.MkdirAll(e.path("inbox"), 0o750)
	for _, mo := range months {
		name := "logbook_" + mo + ".csv"
		b, err := os.ReadFile(filepath.Join(e.sims, name))
		if err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(e.path("inbox", name), b, 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
}

func months(from, to string) []string {
	var out []string
	t, _ := time.Parse("2006-01", from)
	end, _ := time.Parse("2006-01", to)
	for ; !t.After(end); t = t.AddDate(0, 1, 0) {
		out = append(out, t.Format("2006-01"))
	}
	return out
}

func (e *runEnv) command(week string, env ...string) *exec.Cmd {
	cmd := exec.Command(runBinary(e.t), "run", "--config", e.cfg, "--week", week)
	ejs := findEChartsPath(e.t)
	cmd.Env = append(os.Environ(), "CANHBAO_HASH_KEY=test-key-0123456789abcdef", "CANHBAO_ECHARTS="+ejs)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// findEChartsPath finds node_modules/echarts/dist/echarts.min.js upward.
func findEChartsPath(t *testing.T) string {
	wd, _ := os.Getwd()
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "node_modules", "echarts", "dist", "echarts.min.js")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(dir) == dir {
			t.Skip("echarts.min.js not found (run npm ci)")
		}
	}
}

// run runs the binary to the end and returns its exit code and output.
func (e *runEnv) run(week string, env ...string) (int, string) {
	e.t.Helper()
	cmd := e.command(week, env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		e.t.Fatalf("run %s: %v", week, err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// mustRun runs and requires exit code want.
func (e *runEnv) mustRun(week string, want int) string {
	e.t.Helper()
	code, out := e.run(week)
	if code != want {
		e.t.Fatalf("run %s: exit %d, want %d\n%s", week, code, want, out)
	}
	return out
}

// startPaused starts a run that stops at stage; it returns once the process
// has announced the pause.
func (e *runEnv) startPaused(week, stage string) *exec.Cmd {
	e.t.Helper()
	cmd := e.command(week, "CANHBAO_TEST_PAUSE_AT="+stage)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	cmd.Stdout = nil
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if strings.Contains(line, "test pause at "+stage) {
			go func() { // keep draining so the process never blocks on stderr
				for sc.Scan() {
				}
			}()
			return cmd
		}
	}
	cmd.Wait()
	e.t.Fatalf("run %s ended before pausing at %s:\n%s", week, stage, strings.Join(seen, "\n"))
	return nil
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// snapshot is what must be equal between an uninterrupted and a killed run.
type snapshot struct {
	Cases, Batches, Quarantine, History int
	CaseDigest                          string
	Indicators                          string // of the newest analysis of each week
	Reports                             map[string]string
	Latest                              string
	Archive, Rejected, Inbox            []string
}

var (
	maskGenerated = regexp.MustCompile(`(?m)^<p id="generated-at">.*</p>$`)
	batchPrefix   = regexp.MustCompile(`^b-[0-9TZ.]+-[0-9a-f]+__`)
)

// maskReport blanks the one marked line that carries the analysis run id
// and time.
func maskReport(b []byte) string {
	return maskGenerated.ReplaceAllString(string(b), "<GENERATED-AT>")
}

func (e *runEnv) snapshot() snapshot {
	e.t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, e.path("canhbao.duckdb"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer w.Close()
	db := w.DB()
	var s snapshot
	for _, q := range []struct {
		dst *int
		sql string
	}{{&s.Cases, `SELECT count(*) FROM cases`}, {&s.Batches, `SELECT count(*) FROM ingest_batches`},
		{&s.Quarantine, `SELECT count(*) FROM quarantine`}, {&s.History, `SELECT count(*) FROM case_history`}} {
		if err := db.QueryRow(q.sql).Scan(q.dst); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := db.QueryRow(`SELECT coalesce(md5(string_agg(case_key || '|' || unit_code || '|' || received_date || '|' ||
		coalesce(CAST(closed_date AS VARCHAR), '') || '|' || outcome, ';' ORDER BY case_key)), '') FROM cases`).Scan(&s.CaseDigest); err != nil {
		e.t.Fatal(err)
	}
	if err := db.QueryRow(`WITH r AS (SELECT week, arg_max(run_id, created_at) AS run_id FROM analysis_runs GROUP BY week)
		SELECT coalesce(md5(string_agg(i.week || i.unit_code || ':' || i.observed || ':' || round(i.expected, 9) || ':' ||
		i.flagged || ':' || i.tier, ';' ORDER BY i.week, i.unit_code)), '') FROM indicators i JOIN r USING (run_id)`).Scan(&s.Indicators); err != nil {
		e.t.Fatal(err)
	}
	s.Reports = map[string]string{}
	filepath.WalkDir(e.path("reports"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&os.ModeSymlink != 0 {
			return err
		}
		rel, _ := filepath.Rel(e.path("reports"), p)
		b, err := os.ReadFile(p)
		if err != nil {
			e.t.Fatal(err)
		}
		s.Reports[rel] = maskReport(b)
		return nil
	})
	s.Latest, _ = os.Readlink(e.path("reports", "latest"))
	list := func(dir string) []string {
		ents, _ := os.ReadDir(e.path(dir))
		var out []string
		for _, en := range ents {
			out = append(out, batchPrefix.ReplaceAllString(en.Name(), "BATCH__"))
		}
		sort.Strings(out)
		return out
	}
	s.Archive, s.Rejected, s.Inbox = list("archive"), list("rejected"), list("inbox")
	return s
}

// knownVariable lists report files that are not yet reproducible, with the
// reason; reported to the owners of export/ and charts/ (TODO: remove).
var knownVariable = map[string]string{}

func compareSnapshots(t *testing.T, label string, got, want snapshot) {
	t.Helper()
	if got.Cases != want.Cases || got.Batches != want.Batches || got.Quarantine != want.Quarantine ||
		got.History != want.History || got.CaseDigest != want.CaseDigest || got.Indicators != want.Indicators {
		t.Errorf("%s: warehouse differs:\n got cases %d batches %d quarantine %d history %d digest %s ind %s\nwant cases %d batches %d quarantine %d history %d digest %s ind %s",
			label, got.Cases, got.Batches, got.Quarantine, got.History, got.CaseDigest, got.Indicators,
			want.Cases, want.Batches, want.Quarantine, want.History, want.CaseDigest, want.Indicators)
	}
	if got.Latest != want.Latest {
		t.Errorf("%s: latest -> %q, want %q", label, got.Latest, want.Latest)
	}
	if strings.Join(got.Archive, " ") != strings.Join(want.Archive, " ") || len(got.Inbox) != len(want.Inbox) ||
		strings.Join(got.Rejected, " ") != strings.Join(want.Rejected, " ") {
		t.Errorf("%s: folders differ:\n got archive %v inbox %v rejected %v\nwant archive %v inbox %v rejected %v",
			label, got.Archive, got.Inbox, got.Rejected, want.Archive, want.Inbox, want.Rejected)
	}
	if len(got.Reports) != len(want.Reports) {
		t.Errorf("%s: report files %d, want %d", label, len(got.Reports), len(want.Reports))
	}
	for name, w := range want.Reports {
		if g, ok := got.Reports[name]; !ok {
			t.Errorf("%s: report file %s missing", label, name)
		} else if g != w {
			if why, ok := knownVariable[filepath.Base(name)]; ok {
				t.Logf("%s: %s differs (known: %s)", label, name, why)
				continue
			}
			t.Errorf("%s: report file %s differs beyond the run id/time lines", label, name)
		}
	}
}

// resend08 writes a corrected re-send of the August 2025 logbook: two
// outcomes changed, so two cases are updated and the rest are duplicates.
func (e *runEnv) resend08() {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.sims, "logbook_2025-08.csv"))
	if err != nil {
		e.t.Fatal(err)
	}
	s := strings.Replace(string(b), ",Hòa giải không thành,", ",Hòa giải thành,", 2)
	if s == string(b) {
		e.t.Fatal("no outcome to change in logbook_2025-08.csv")
	}
	if err := os.WriteFile(e.path("inbox", "logbook_2025-08.csv"), []byte(s), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// history runs the weeks before the last one of the sequence: the history,
// a late month, a re-sent month (identical) and a corrected month.
func (e *runEnv) history() {
	e.t.Helper()
	e.drop(months("2024-07", "2025-08")...)
	e.mustRun("2025-W36", 0)
	e.drop("2025-09") // September's logbook arrives in October
	e.mustRun("2025-W40", 0)
	e.drop("2025-09") // sent again, same bytes
	e.resend08()      // August corrected
	e.mustRun("2025-W41", 0)
	e.drop("2025-10")
}

// sequence runs the weeks of the sequence uninterrupted, once per test
// process; TestRunKilled compares its result with this one.
func sequence(t *testing.T) (*runEnv, snapshot) {
	t.Helper()
	seqOnce.Do(func() {
		dir, err := os.MkdirTemp("", "canhbao-seq-")
		if err != nil {
			seqErr = err.Error()
			return
		}
		e := newRunEnvIn(t, dir, "")
		seqEnv = e
		e.history()
		out := e.mustRun("2025-W44", 0)
		if !strings.Contains(out, `msg="run end"`) || !strings.Contains(out, "status=ok") {
			seqErr = "no structured end-of-run line:\n" + out
		}
		seqSnap = e.snapshot()
	})
	if seqEnv == nil || seqEnv.cfg == "" || seqSnap.Reports == nil {
		t.Fatalf("sequence failed earlier: %s", seqErr)
	}
	if seqErr != "" {
		t.Error(seqErr)
	}
	seqEnv.t = t
	return seqEnv, seqSnap
}

func TestRunWeeklySequence(t *testing.T) {
	e, s1 := sequence(t)
	// Every simulated row of 2024-07..2025-10 is a case or quarantined.
	var rows int
	for _, mo := range months("2024-07", "2025-10") {
		b, _ := os.ReadFile(filepath.Join(e.sims, "logbook_"+mo+".csv"))
		rows += bytes.Count(b, []byte("\n")) - 1
	}
	if s1.Cases+s1.Quarantine != rows {
		t.Errorf("cases %d + quarantined %d, want %d rows", s1.Cases, s1.Quarantine, rows)
	}
	if s1.History != 2 {
		t.Errorf("case_history %d rows, want 2 (corrected re-send)", s1.History)
	}
	// 16 months + the corrected August; the identical September re-send is archived beside the first.
	if s1.Batches != 17 || len(s1.Archive) != 17 || len(s1.Inbox) != 0 {
		t.Errorf("batches %d, archive %d %v, inbox %v", s1.Batches, len(s1.Archive), s1.Archive, s1.Inbox)
	}
	if s1.Latest != "2025-W44" {
		t.Errorf("latest -> %q", s1.Latest)
	}
	for _, wk := range []string{"2025-W36", "2025-W40", "2025-W41", "2025-W44"} {
		if _, ok := s1.Reports[wk+"/index.html"]; !ok {
			t.Errorf("week %s not published", wk)
		}
		if !strings.Contains(s1.Reports["index.html"], `href="`+wk+`/index.html"`) {
			t.Errorf("index page does not list %s", wk)
		}
	}

	// The same week again, nothing new: same warehouse, same report bytes
	// apart from the masked run id/time lines.
	rawBefore, _ := os.ReadFile(e.path("reports", "2025-W44", "index.html"))
	e.mustRun("2025-W44", 0)
	compareSnapshots(t, "rerun W44", e.snapshot(), s1)
	rawAfter, _ := os.ReadFile(e.path("reports", "2025-W44", "index.html"))
	if bytes.Equal(rawBefore, rawAfter) {
		t.Log("note: report bytes identical even unmasked")
	} else if maskReport(rawBefore) != maskReport(rawAfter) {
		t.Error("rerun changed the report beyond the run id/time")
	}

	// An older week again: it is replaced, later weeks are untouched.
	w44, _ := os.ReadFile(e.path("reports", "2025-W44", "index.html"))
	e.mustRun("2025-W40", 0)
	s3 := e.snapshot()
	if s3.Latest != "2025-W44" {
		t.Errorf("after re-running W40, latest -> %q", s3.Latest)
	}
	if got, _ := os.ReadFile(e.path("reports", "2025-W44", "index.html")); !bytes.Equal(got, w44) {
		t.Error("re-running W40 changed the W44 report")
	}

	// The run records.
	w, err := warehouse.Open(context.Background(), e.path("canhbao.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := w.BatchRuns(context.Background(), 100)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 6 {
		t.Fatalf("%d run records, want 6", len(runs))
	}
	for _, r := range runs {
		if r.Status != "ok" || r.FinishedAt.IsZero() || !strings.Contains(r.Timings, `"analyze"`) ||
			!strings.Contains(r.Versions, "duckdb") || !strings.Contains(r.Settings, "MaxSilentUnits") {
			t.Errorf("run record %+v", r)
		}
	}
	// status shows them and the empty inbox.
	m, buf := testMain(t)
	if err := m.Run(context.Background(), []string{"status", "--config", e.cfg}); err != nil {
		t.Fatalf("status: %v\n%s", err, buf)
	}
	for _, want := range []string{"lock: free", "last 6 runs", "2025-W40", "inbox " + e.path("inbox") + ": 0 files pending",
		"latest -> 2025-W44"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, buf)
		}
	}
}

// TestRunKilled kills the run of the last week at each stage, checks what
// is left published in between, then lets it finish and compares the
// result with an uninterrupted run of the same sequence.
func TestRunKilled(t *testing.T) {
	_, want := sequence(t)

	e := newRunEnv(t, "")
	e.history()
	before := e.snapshot()
	for _, stage := range []string{"ingest", "analyze", "report", "publish"} {
		cmd := e.startPaused("2025-W44", stage)
		if stage == "analyze" {
			// A second run meanwhile is refused, naming the holder.
			code, out := e.run("2025-W44")
			if code != exitBusy || !strings.Contains(out, fmt.Sprintf("pid %d", cmd.Process.Pid)) {
				t.Errorf("concurrent run: exit %d, want %d naming pid %d:\n%s", code, exitBusy, cmd.Process.Pid, out)
			}
			m, buf := testMain(t)
			if err := m.Run(context.Background(), []string{"status", "--config", e.cfg}); err != nil ||
				!strings.Contains(buf.String(), fmt.Sprintf("lock: held by pid %d", cmd.Process.Pid)) {
				t.Errorf("status during a run: %v\n%s", err, buf)
			}
		}
		kill(t, cmd)
		if _, err := os.Stat(e.path("canhbao.duckdb.lock")); err != nil {
			t.Errorf("after kill at %s: lock file gone: %v", stage, err)
		}
		// Until the week is swapped in, what was published stays as it was.
		latest, _ := os.Readlink(e.path("reports", "latest"))
		if latest != "2025-W41" {
			t.Errorf("after kill at %s: latest -> %q, want the previous week 2025-W41", stage, latest)
		}
		if stage != "publish" {
			if _, err := os.Stat(e.path("reports", "2025-W44")); err == nil {
				t.Errorf("after kill at %s: half-done week published", stage)
			}
		}
		for name, body := range before.Reports {
			if name == "index.html" {
				continue
			}
			if b, err := os.ReadFile(e.path("reports", name)); err != nil || maskReport(b) != body {
				t.Errorf("after kill at %s: %s changed or unreadable (%v)", stage, name, err)
			}
		}
	}
	out := e.mustRun("2025-W44", 0)
	if !strings.Contains(out, "taking over a stale lock") || !strings.Contains(out, "earlier runs were interrupted") {
		t.Errorf("stale lock / interrupted runs not reported:\n%s", out)
	}
	compareSnapshots(t, "killed then rerun", e.snapshot(), want)
	ents, _ := os.ReadDir(e.path("reports"))
	for _, en := range ents {
		if strings.HasPrefix(en.Name(), ".") {
			t.Errorf("leftover %s in reports/", en.Name())
		}
	}
	w, err := warehouse.Open(context.Background(), e.path("canhbao.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var interrupted int
	w.DB().QueryRow(`SELECT count(*) FROM batch_runs WHERE status = 'interrupted'`).Scan(&interrupted)
	if interrupted != 4 {
		t.Errorf("%d runs marked interrupted, want 4", interrupted)
	}
}

// TestRunRejectedQualityReadOnly: a corrupt file is rejected and the rest
// processed (exit 3); a crossed data-quality threshold fails the run (exit 5)
// but publishes with WARNING.txt; a read-only reports folder fails the run
// with a clear error and leaves the previous report published.
func TestRunRejectedQualityReadOnly(t *testing.T) {
	e := newRunEnv(t, "")
	e.drop(months("2025-01", "2025-09")...)
	if err := os.WriteFile(e.path("inbox", "logbook_broken.csv"), []byte("\x00\x01garbage\xff\xfe not a logbook\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := e.run("2025-W40")
	if code != exitInput {
		t.Fatalf("exit %d, want %d:\n%s", code, exitInput, out)
	}
	s := e.snapshot()
	if len(s.Archive) != 9 || len(s.Inbox) != 0 || strings.Join(s.Rejected, " ") != "logbook_broken.csv logbook_broken.csv.reason.txt" {
		t.Errorf("archive %v inbox %v rejected %v", s.Archive, s.Inbox, s.Rejected)
	}
	reason, _ := os.ReadFile(e.path("rejected", "logbook_broken.csv.reason.txt"))
	if !strings.Contains(string(reason), "rejected as a whole") {
		t.Errorf("reason file: %q", reason)
	}
	if s.Latest != "2025-W40" {
		t.Errorf("report not published despite the rejected file: latest %q", s.Latest)
	}

	// A strict threshold: 0 silent units allowed.
	strict := strings.Replace(mustRead(t, e.cfg), "max_silent_units = 126", "max_silent_units = 0", 1)
	os.WriteFile(e.cfg, []byte(strict), 0o644)
	code, out = e.run("2025-W40")
	if code != exitQuality || !strings.Contains(out, "units with no case") {
		t.Fatalf("exit %d, want %d:\n%s", code, exitQuality, out)
	}
	warn, err := os.ReadFile(e.path("reports", "2025-W40", warningFile))
	if err != nil || !strings.Contains(string(warn), "max_silent_units 0") {
		t.Errorf("WARNING.txt: %q %v", warn, err)
	}
	if !strings.Contains(mustRead(t, e.path("reports", "index.html")), "data-quality warning") {
		t.Error("index page does not mark the warning")
	}

	// Read-only reports folder.
	published := mustRead(t, e.path("reports", "2025-W40", "index.html"))
	undo := makeReadOnly(t, e.path("reports"))
	e.drop("2025-10")
	code, out = e.run("2025-W44")
	undo()
	if code != exitInternal || !strings.Contains(out, "not writable") {
		t.Errorf("read-only reports: exit %d, want %d with a clear message:\n%s", code, exitInternal, out)
	}
	if got := mustRead(t, e.path("reports", "2025-W40", "index.html")); got != published {
		t.Error("previous report changed")
	}
	if l, _ := os.Readlink(e.path("reports", "latest")); l != "2025-W40" {
		t.Errorf("latest -> %q", l)
	}
	if _, err := os.Stat(e.path("reports", "2025-W44")); err == nil {
		t.Error("W44 published into a read-only folder")
	}
	// Once writable again, the next run publishes (October was ingested already).
	code, out = e.run("2025-W44")
	if code != exitQuality { // still strict
		t.Fatalf("exit %d, want %d:\n%s", code, exitQuality, out)
	}
	if l, _ := os.Readlink(e.path("reports", "latest")); l != "2025-W44" {
		t.Errorf("latest -> %q", l)
	}
	if !strings.Contains(out, "files_ingested\\\":0") {
		t.Errorf("October ingested twice?\n%s", out)
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// makeReadOnly makes dir unwritable: chmod for an ordinary user, the
// immutable attribute for root (which ignores modes).
func makeReadOnly(t *testing.T, dir string) (undo func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		return func() { os.Chmod(dir, 0o750) }
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot make %s read-only as root (chattr +i: %v %s)", dir, err, out)
	}
	undone := false
	undo = func() {
		if !undone {
			exec.Command("chattr", "-i", dir).Run()
			undone = true
		}
	}
	t.Cleanup(undo)
	return undo
}

// TestConfig covers config init/check and the errors of a bad file.
func TestConfig(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "c.toml")
	m, out := testMain(t)
	if err := m.Run(ctx, []string{"config", "init", "--config", p}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx, []string{"config", "init", "--config", p}); exitCode(err) != exitUsage {
		t.Errorf("init over an existing file: %v", err)
	}
	out.Reset()
	if err := m.Run(ctx, []string{"config", "check", "--config", p}); err != nil {
		t.Fatalf("check of the example: %v\n%s", err, out)
	}
	for _, want := range []string{`db = "` + filepath.Join(dir, "canhbao.duckdb") + `"`, `lock = "` + filepath.Join(dir, "canhbao.duckdb.lock") + `"`,
		"alarm_budget = 10", "max_silent_units = 12", `language = "vi"`, "nowcast = false", "nowcast_weeks = 6"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	for name, body := range map[string]string{
		"unknown key":   "[paths]\ndbb = \"x\"\n",
		"bad value":     "[analysis]\nalpha = 2.0\n",
		"bad language":  "[report]\nlanguage = \"fr\"\n",
		"same folders":  "[paths]\ninbox = \"x\"\narchive = \"x\"\n",
		"syntax":        "[paths\n",
		"quality":       "[quality]\nmax_quarantine_share = 1.5\n",
		"nowcast weeks": "[analysis]\nnowcast = true\nnowcast_weeks = 0\n",
	} {
		os.WriteFile(p, []byte(body), 0o644)
		err := m.Run(ctx, []string{"config", "check", "--config", p})
		if exitCode(err) != exitUsage {
			t.Errorf("%s: err %v, want a usage error", name, err)
		}
	}
	if err := m.Run(ctx, []string{"run", "--config", filepath.Join(dir, "missing.toml")}); exitCode(err) != exitUsage {
		t.Errorf("run with a missing config: %v", err)
	}
}

// TestRunNowcastConfig checks that analysis.nowcast in the configuration
// makes the weekly run analyse with nowcast counts, as analyze --nowcast:
// a history backfill and 11 weekly deliveries with their arrival dates are
// in the warehouse, and the run of the week after the last delivery
// replaces its last nowcast_weeks weeks by their nowcast.
func TestRunNowcastConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and runs")
	}
	ctx := context.Background()
	m, out := testMain(t) // clock: Wednesday 25/11/2026, last complete week 2026-W47
	dir := t.TempDir()
	sims := filepath.Join(dir, "sim")
	if err := m.Run(ctx, []string{"simulate", "--out", sims, "--seed", "5", "--from", "01/01/2025", "--to", "22/11/2026",
		"--scale", "0.3", "--deliveries", "12"}); err != nil {
		t.Fatalf("simulate: %v\n%s", err, out)
	}
	geoDir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "hanoi"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "canhbao.toml")
	body := fmt.Sprintf("[paths]\ngeography = %q\necharts = %q\n\n[analysis]\nnowcast = true\nnowcast_weeks = 4\n\n"+
		"[quality]\nmax_quarantine_share = 1.0\nmax_silent_units = 126\n\n[report]\nlanguage = \"en\"\n", geoDir, findEChartsPath(t))
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "canhbao.duckdb")
	if err := m.Run(ctx, []string{"units", "load", "--db", db, geoDir}); err != nil {
		t.Fatalf("units load: %v\n%s", err, out)
	}
	hist, _ := filepath.Glob(filepath.Join(sims, "logbook_*.csv"))
	if err := m.Run(ctx, append([]string{"ingest", "--db", db, "--arrived", "30/08/2026", "--backfill"}, hist...)); err != nil {
		t.Fatalf("ingest history: %v\n%s", err, out)
	}
	days, _ := filepath.Glob(filepath.Join(sims, "deliveries", "*"))
	n := 0
	for _, d := range days {
		day := filepath.Base(d)
		if day > "2026-11-22" {
			continue // not arrived by the run
		}
		files, _ := filepath.Glob(filepath.Join(d, "*.csv"))
		if err := m.Run(ctx, append([]string{"ingest", "--db", db, "--arrived", day, "--backfill=false"}, files...)); err != nil {
			t.Fatalf("ingest delivery %s: %v\n%s", day, err, out)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("%d deliveries by 22/11/2026, want the 12 weeks' (Tết weeks excepted)", n)
	}
	out.Reset()
	if err := m.Run(ctx, []string{"run", "--config", cfg}); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "analyze: nowcast (latest delivery in week 2026-W47)") ||
		!strings.Contains(out.String(), "last 4 weeks replaced") {
		t.Errorf("run log has no nowcast of the last 4 weeks:\n%s", out)
	}
	// The report's "data still arriving" band follows nowcast_weeks (it was
	// always 6 weeks), and report --delay-weeks sets it by hand.
	bandNote := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`Data still arriving: the last (\d+) weeks are nowcast`).FindSubmatch(b)
		if m == nil {
			return ""
		}
		return string(m[1])
	}
	if got := bandNote(filepath.Join(dir, "reports", "2026-W47", "index.html")); got != "4" {
		t.Errorf("published report: nowcast band of %q weeks, want nowcast_weeks = 4", got)
	}
	rep3 := filepath.Join(dir, "rep3")
	if err := m.Run(ctx, []string{"report", "--db", db, "--week", "2026-W47", "--lang", "en", "--delay-weeks", "3",
		"--echarts", findEChartsPath(t), "--out", rep3}); err != nil {
		t.Fatalf("report --delay-weeks 3: %v\n%s", err, out)
	}
	if got := bandNote(filepath.Join(rep3, "index.html")); got != "3" {
		t.Errorf("report --delay-weeks 3: nowcast band of %q weeks, want 3", got)
	}
	if err := m.Run(ctx, []string{"report", "--db", db, "--delay-weeks", "0", "--out", rep3}); exitCode(err) != exitUsage {
		t.Errorf("report --delay-weeks 0: %v, want a usage error", err)
	}
	// The published report carries the year's performance page, linked from
	// its navigation, with the figures `scorecard` gives for the same period
	// and day (the week's Sunday).
	pub := filepath.Join(dir, "reports", "2026-W47")
	idx, _ := os.ReadFile(filepath.Join(pub, "index.html"))
	if !strings.Contains(string(idx), `<a href="performance.html">Mediation performance</a>`) {
		t.Errorf("published index.html has no link to performance.html")
	}
	sc := filepath.Join(dir, "scorecard")
	if err := m.Run(ctx, []string{"scorecard", "--db", db, "--period", "2026", "--as-of", "22/11/2026", "--lang", "en",
		"--echarts", findEChartsPath(t), "--out", sc}); err != nil {
		t.Fatalf("scorecard: %v\n%s", err, out)
	}
	figures := regexp.MustCompile(`(?s)<div class="figures">.*?</div>\n</div>`)
	inReport, _ := os.ReadFile(filepath.Join(pub, "performance.html"))
	alone, _ := os.ReadFile(filepath.Join(sc, "performance.html"))
	if f := figures.Find(inReport); f == nil || !bytes.Equal(f, figures.Find(alone)) {
		t.Errorf("performance figures in the report %q, scorecard's %q", f, figures.Find(alone))
	}
	if !bytes.Contains(inReport, []byte(`<script src="echarts.min.js">`)) {
		t.Errorf("the report's performance page does not load the report's echarts.min.js")
	}
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	run, err := w.LatestRun(ctx, models.WeekOf(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)))
	if err != nil || run == nil {
		t.Fatalf("no analysis run of 2026-W47: %v", err)
	}
	if !strings.HasSuffix(run.Method, "+nowcast/v1") {
		t.Errorf("run %s method %q, want the nowcast suffix", run.RunID, run.Method)
	}
	// The nowcast filled in what had not arrived: the window's observed
	// total is above the cases the warehouse holds for those weeks.
	inds, err := w.Indicators(ctx, run.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var obs, held float64
	for _, in := range inds {
		obs += in.Observed
	}
	w.DB().QueryRow(`SELECT count(*) FROM cases WHERE received_date BETWEEN DATE '2026-10-26' AND DATE '2026-11-22'`).Scan(&held)
	if !(obs > held+5) {
		t.Errorf("window observed %.1f with the nowcast, %v cases held: want the nowcast above", obs, held)
	}
	t.Logf("run %s: window observed %.1f (nowcast), %v cases arrived", run.Method, obs, held)

	// With the nowcast off for the analysis, the report's band still covers
	// nowcast_weeks weeks (before, always 6).
	w.Close() // the run below opens the warehouse
	off := strings.Replace(body, "nowcast = true\nnowcast_weeks = 4", "nowcast = false\nnowcast_weeks = 3", 1)
	if off == body {
		t.Fatal("configuration not rewritten")
	}
	if err := os.WriteFile(cfg, []byte(off), 0o644); err != nil {
		t.Fatal(err)
	}
	later := m.Now().Add(time.Hour) // the same run day; a new run id
	m.Now = func() time.Time { return later }
	if err := m.Run(ctx, []string{"run", "--config", cfg}); err != nil {
		t.Fatalf("run, nowcast off: %v\n%s", err, out)
	}
	if got := bandNote(filepath.Join(dir, "reports", "2026-W47", "index.html")); got != "3" {
		t.Errorf("run with nowcast off, nowcast_weeks = 3: nowcast band of %q weeks, want 3", got)
	}
}

// TestRunLockStale covers the lock file on its own: busy while a live
// process holds it, taken over when its holder is dead.
func TestRunLockStale(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	now := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	l, err := acquireLock(p, now, func(lockHolder) { t.Error("takeover of a live lock") })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acquireLock(p, now, func(lockHolder) { t.Error("takeover of a live lock") }); exitCode(err) != exitBusy ||
		!strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("second acquire: %v", err)
	}
	if h, held := readLockFile(p); !held || h.PID != os.Getpid() || !h.Started.Equal(now) {
		t.Errorf("readLockFile: %+v %v", h, held)
	}
	l.release()
	// A dead holder: a finished process's pid in an old, un-flocked file.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte(fmt.Sprintf("%d 2026-11-16T06:00:00Z\n", cmd.Process.Pid)), 0o644)
	took := 0
	l, err = acquireLock(p, now, func(h lockHolder) {
		took++
		if h.PID != cmd.Process.Pid {
			t.Errorf("took over pid %d, want %d", h.PID, cmd.Process.Pid)
		}
	})
	if err != nil || took != 1 {
		t.Fatalf("stale lock: %v, takeovers %d", err, took)
	}
	l.release()
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("lock file left after release: %v", err)
	}
}

// TestDeployUnits checks deploy/canhbao.service and canhbao.timer with
// systemd-analyze (skipped where it is not installed); ExecStart is pointed
// at the freshly built binary because verify checks that it exists.
func TestDeployUnits(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	dir := t.TempDir()
	for _, name := range []string{"canhbao.service", "canhbao.timer"} {
		body := mustRead(t, filepath.Join("..", "..", "deploy", name))
		body = strings.ReplaceAll(body, "/opt/canhbao/canhbao ", runBinary(t)+" ")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(sa, "verify", "./canhbao.service", "./canhbao.timer")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// Monday 06:00 in Hanoi is Sunday 23:00 UTC.
	m := regexp.MustCompile(`(?m)^OnCalendar=(.*)$`).FindStringSubmatch(mustRead(t, filepath.Join(dir, "canhbao.timer")))
	if m == nil {
		t.Fatal("timer has no OnCalendar")
	}
	cal := exec.Command(sa, "calendar", "--iterations=2", m[1])
	cal.Env = append(os.Environ(), "TZ=UTC")
	out, err = cal.CombinedOutput()
	if err != nil || strings.Count(string(out), "Sun ") < 2 || strings.Count(string(out), " 23:00:00 UTC") < 2 {
		t.Errorf("systemd-analyze calendar %q: %v\n%s", m[1], err, out)
	}
}
