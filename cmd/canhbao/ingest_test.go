package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/canhbao/canhbao/warehouse"
)

func ingestJSON(t *testing.T, m *Main, out *bytes.Buffer, db string, files ...string) []warehouse.Batch {
	t.Helper()
	out.Reset()
	if err := m.Run(context.Background(), append([]string{"ingest", "--db", db, "--json"}, files...)); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	var bs []warehouse.Batch
	dec := json.NewDecoder(out)
	for dec.More() {
		var b warehouse.Batch
		if err := dec.Decode(&b); err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	return bs
}

func loadUnits(t *testing.T, m *Main, db string) {
	t.Helper()
	if err := m.Run(context.Background(), []string{"units", "load", "--db", db, filepath.Join("..", "..", "..", "shared", "data", "hanoi")}); err != nil {
		t.Fatal(err)
	}
}

func query(t *testing.T, db, q string, dest ...any) {
	t.Helper()
	w, err := warehouse.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.DB().QueryRow(q).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestIngestResentRenumberedChanged: a logbook extract re-sent renumbered
// from 1, in another order, with one outcome changed, adds no case: two
// rows are duplicates and one an update whose old values go to
// case_history. The cases have no case id, so identity is the content key.
func TestIngestResentRenumberedChanged(t *testing.T) {
	m, out := testMain(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	loadUnits(t, m, db)
	head := "STT,Ngày nhận vụ việc,Ngày kết thúc,Xã/Phường,Các bên,Nội dung vụ việc,Loại vụ việc,Kết quả hòa giải\n"
	a := head + "11,05/08/2025,,Phường Ba Đình,\"Nguyễn Văn An, 45 tuổi; Trần Thị Bình, 50 tuổi\",Tranh chấp ranh giới đất,Dân sự,Đang giải quyết\n" +
		"12,06/08/2025,10/08/2025,Phường Ngọc Hà,\"Phạm Văn Chiến, 38 tuổi; Hoàng Thị Dung, 35 tuổi\",Vợ chồng mâu thuẫn,Hôn nhân và gia đình,Hòa giải thành\n" +
		"13,07/08/2025,,Phường Giảng Võ,\"Đỗ Văn Em, 60 tuổi; Lý Thị Gấm, 58 tuổi\",Hát karaoke ồn ào,Khác,Đang giải quyết\n"
	b := head + "1,07/08/2025,,Phường Giảng Võ,\"Đỗ Văn Em, 60 tuổi; Lý Thị Gấm, 58 tuổi\",Hát karaoke ồn ào,Khác,Đang giải quyết\n" +
		"2,05/08/2025,20/08/2025,Phường Ba Đình,\"Trần Thị Bình, 50 tuổi; Nguyễn Văn An, 45 tuổi\",Tranh chấp ranh giới đất,Dân sự,Hòa giải không thành\n" +
		"3,06/08/2025,10/08/2025,Phường Ngọc Hà,\"Phạm Văn Chiến, 38 tuổi; Hoàng Thị Dung, 35 tuổi\",Vợ chồng mâu thuẫn,Hôn nhân và gia đình,Hòa giải thành\n"
	fa, fb := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	os.WriteFile(fa, []byte(a), 0o644)
	os.WriteFile(fb, []byte(b), 0o644)
	if bs := ingestJSON(t, m, out, db, fa); bs[0].Loaded != 3 || bs[0].Read != 3 {
		t.Fatalf("first file: %+v", bs[0])
	}
	bs := ingestJSON(t, m, out, db, fb)
	if got := bs[0]; got.Loaded != 0 || got.Duplicate != 2 || got.Updated != 1 || got.Read != 3 {
		t.Fatalf("re-sent file: %+v, want 2 duplicates and 1 update", got)
	}
	var n, hist int
	var outcome, oldOutcome string
	query(t, db, `SELECT count(*) FROM cases`, &n)
	query(t, db, `SELECT count(*), any_value(outcome) FROM case_history`, &hist, &oldOutcome)
	query(t, db, `SELECT outcome FROM cases WHERE received_date = DATE '2025-08-05'`, &outcome)
	if n != 3 || hist != 1 || oldOutcome != "in_progress" || outcome != "not_settled" {
		t.Fatalf("cases %d, history %d (%s), outcome now %s", n, hist, oldOutcome, outcome)
	}
	// The same file again adds nothing.
	if bs := ingestJSON(t, m, out, db, fb); !bs[0].AlreadyIngested || bs[0].Duplicate != 3 {
		t.Fatalf("third ingest: %+v", bs[0])
	}
}

// TestQuarantineExportRoundTrip: quarantined rows are exported with their
// labels and reasons, corrected (the unit fixed, the masked parties
// restored) and ingested again.
func TestQuarantineExportRoundTrip(t *testing.T) {
	m, out := testMain(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	loadUnits(t, m, db)
	f := filepath.Join(dir, "a.csv")
	os.WriteFile(f, []byte("STT,Ngày nhận vụ việc,Xã/Phường,Các bên,Loại vụ việc,Kết quả hòa giải\n"+
		"1,05/08/2025,Phường Không Có,\"Nguyễn Văn An, 45 tuổi; Trần Thị Bình, 50 tuổi\",Dân sự,Hòa giải thành\n"+
		"2,05/08/2025,Phường Ba Đình,\"Phạm Văn Chiến; Hoàng Thị Dung\",Dân sự,Hòa giải thành\n"), 0o644)
	if bs := ingestJSON(t, m, out, db, f); bs[0].Quarantined != 1 || bs[0].Loaded != 1 {
		t.Fatalf("%+v", bs[0])
	}
	for _, ext := range []string{".csv", ".xlsx"} {
		q := filepath.Join(dir, "q"+ext)
		if err := m.Run(context.Background(), []string{"quarantine", "export", "--db", db, "--out", q}); err != nil {
			t.Fatal(err)
		}
	}
	body, _ := os.ReadFile(filepath.Join(dir, "q.csv"))
	text := string(body)
	if !strings.Contains(text, "Phường Không Có") || !strings.Contains(text, "unknown unit name") ||
		strings.Contains(text, "Nguyễn Văn An") || !strings.Contains(text, "[đã ẩn]") {
		t.Fatalf("export:\n%s", text)
	}
	// The officer corrects the unit and copies the parties back from the logbook.
	fixed := strings.Replace(strings.Replace(text, "Phường Không Có", "Phường Ba Đình", 1),
		"[đã ẩn]", "\"Nguyễn Văn An, 45 tuổi; Trần Thị Bình, 50 tuổi\"", 1)
	fq := filepath.Join(dir, "fixed.csv")
	os.WriteFile(fq, []byte(fixed), 0o644)
	if bs := ingestJSON(t, m, out, db, fq); bs[0].Loaded != 1 || bs[0].Quarantined != 0 || bs[0].Read != 1 {
		t.Fatalf("corrected export: %+v", bs[0])
	}
	// The uncorrected XLSX export is read and quarantined again (masked parties).
	if bs := ingestJSON(t, m, out, db, filepath.Join(dir, "q.xlsx")); bs[0].Quarantined != 1 {
		t.Fatalf("xlsx export: %+v", bs[0])
	}
}

// casesDigest is a digest of the cases table without the batch ids (which
// name the run).
func casesDigest(t *testing.T, db string) (int, string) {
	var n int
	var d sql.NullString
	query(t, db, `SELECT count(*), md5(string_agg(c::VARCHAR, '|' ORDER BY case_key))
		FROM (SELECT * EXCLUDE (batch_id, updated_batch_id) FROM cases) c`, &n, &d)
	return n, d.String
}

// TestIngestSIGKILLThenRerun runs the real binary on a big file, checks a
// second writer is refused as busy (exit 4, naming the holder's PID),
// kills the first with SIGKILL mid-ingest at two moments, reruns, and
// compares the cases table with an uninterrupted run's.
func TestIngestSIGKILLThenRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and ingests 20k rows three times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "canhbao")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	big := writeBigLogbook(t, dir, 20_000, 7)
	small := filepath.Join("..", "..", "ingest", "testdata", "messy.csv")
	env := append(os.Environ(), "CANHBAO_HASH_KEY=test-key-0123456789abcdef")
	run := func(db string, args ...string) (int, string) {
		cmd := exec.Command(bin, append([]string{"ingest", "--db", db}, args...)...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), stderr.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, stderr.String()
	}
	m, _ := testMain(t)
	ref := filepath.Join(dir, "ref.duckdb")
	loadUnits(t, m, ref)
	t0 := time.Now()
	if code, msg := run(ref, small, big); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, msg)
	}
	full := time.Since(t0)
	wantN, want := casesDigest(t, ref)
	if wantN < 20_000 {
		t.Fatalf("reference run has %d cases", wantN)
	}
	for i, frac := range []float64{0.3, 0.8} {
		db := filepath.Join(dir, "k"+string(rune('0'+i))+".duckdb")
		loadUnits(t, m, db)
		cmd := exec.Command(bin, "ingest", "--db", db, small, big)
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(frac * float64(full)))
		if i == 0 { // a second writer meanwhile
			code, msg := run(db, small)
			if code != exitBusy || !strings.Contains(msg, "PID") {
				t.Errorf("second writer: exit %d, %q; want exit %d naming the PID", code, msg, exitBusy)
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		killed := err != nil
		var n int
		query(t, db, `SELECT count(*) FROM cases`, &n)
		if n != 0 && n != 6 && n != wantN {
			t.Errorf("kill at %.0f%%: %d cases after the kill: a file was partly loaded", 100*frac, n)
		}
		if code, msg := run(db, small, big); code != 0 {
			t.Fatalf("rerun: exit %d: %s", code, msg)
		}
		gotN, got := casesDigest(t, db)
		t.Logf("kill at %.0f%% of %v (killed: %v): %d cases before the rerun, %d after", 100*frac, full, killed, n, gotN)
		if gotN != wantN || got != want {
			t.Errorf("kill at %.0f%%: after the rerun %d cases (digest %s), want %d (%s)", 100*frac, gotN, got, wantN, want)
		}
		var batches int
		query(t, db, `SELECT count(*) FROM ingest_batches`, &batches)
		if batches != 2 {
			t.Errorf("kill at %.0f%%: %d batches, want 2", 100*frac, batches)
		}
	}
}
