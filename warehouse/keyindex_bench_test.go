package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// BenchmarkCaseKeyIndex measures what the case_key PRIMARY KEY (an ART
// index in DuckDB 1.1) costs a large load: the same staged rows
// ($CANHBAO_BENCH_ROWS, default 1,000,000) inserted and committed into a
// table with the key and into one without, and the set-based anti-join
// (hash join) that finds stored keys without the index. Reported as
// seconds per step.
func BenchmarkCaseKeyIndex(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("CANHBAO_BENCH_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	for b.Loop() {
		dir := b.TempDir()
		w, err := Open(ctx, filepath.Join(dir, "k.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		db := w.DB()
		db.SetMaxOpenConns(1) // the TEMP table lives on one connection
		exec := func(q string) time.Duration {
			t0 := time.Now()
			if _, err := db.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
			return time.Since(t0)
		}
		exec(`SET memory_limit = '600MB'`)
		stage := exec(`CREATE TEMP TABLE s AS SELECT 'id:HG-' || lpad(i::VARCHAR, 9, '0') AS case_key,
			'HG-' || i AS source_case_id, i::INTEGER AS seq, DATE '2025-07-01' + (i % 500)::INTEGER AS received_date,
			NULL::DATE AS closed_date, '0' || (i % 126) AS unit_code, '0' || (i % 126) AS source_unit_code,
			false AS apportioned, 'to ' || (i % 20) AS village, 'team ' || (i % 9) AS team,
			md5(i::VARCHAR)[1:32] AS parties_hash, md5((i % 4)::VARCHAR)[1:32] AS summary_hash, 'civil' AS category,
			'land' AS subtopic, 'settled' AS outcome, false AS violence_risk, false AS crime_signs, '' AS referred_to
			FROM range(` + strconv.Itoa(n) + `) r(i)`)
		exec(`CREATE TABLE nokey AS SELECT * FROM cases LIMIT 0`)
		step := func(table string) (ins, commit time.Duration) {
			exec(`BEGIN`)
			ins = exec(`INSERT INTO ` + table + ` SELECT *, 'b1', NULL FROM s`)
			commit = exec(`COMMIT`)
			return ins, commit
		}
		keyIns, keyCommit := step("cases")
		noIns, noCommit := step("nokey")
		// the same keys sent again: the existence test (a hash anti-join
		// against the unkeyed table) that replaces the index lookup
		anti := exec(`SELECT count(*) FROM s WHERE NOT EXISTS (SELECT 1 FROM nokey c WHERE c.case_key = s.case_key)`)
		chk := exec(`CHECKPOINT`)
		w.Close()
		b.ReportMetric(stage.Seconds(), "stage-s")
		b.ReportMetric(keyIns.Seconds(), "key-insert-s")
		b.ReportMetric(keyCommit.Seconds(), "key-commit-s")
		b.ReportMetric(noIns.Seconds(), "nokey-insert-s")
		b.ReportMetric(noCommit.Seconds(), "nokey-commit-s")
		b.ReportMetric(anti.Seconds(), "antijoin-s")
		b.ReportMetric(chk.Seconds(), "checkpoint-s")
	}
}

// BenchmarkBatchWriter stages and merges $CANHBAO_BENCH_ROWS (default
// 200,000) new cases through a BatchWriter into a file warehouse: the
// warehouse side of an ingest without the parse.
func BenchmarkBatchWriter(b *testing.B) {
	n := 200_000
	if s := os.Getenv("CANHBAO_BENCH_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	cases := make([]models.Case, n)
	for i := range cases {
		c := testCase("id:HG-"+strconv.Itoa(1_000_000+i), "0000"+strconv.Itoa(i%10), day(2025, 7, 1+i%28), models.OutcomeSettled)
		c.SourceCaseID, c.Seq, c.Village, c.Team = c.Key[3:], i, "Tổ "+strconv.Itoa(i%20), "Tổ hòa giải số "+strconv.Itoa(i%9)
		c.PartiesHash, c.SummaryHash = fmt.Sprintf("%032x", i*7919), fmt.Sprintf("%032x", i%4)
		cases[i] = c
	}
	for b.Loop() {
		w, err := Open(ctx, filepath.Join(b.TempDir(), "b.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		bw, err := w.BeginBatch(ctx, &Batch{File: "b.csv", SHA256: "8888888888888888", Read: n, StartedAt: t0})
		if err != nil {
			b.Fatal(err)
		}
		for i := range cases {
			if err := bw.AddCase(&cases[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := bw.flush(); err != nil {
			b.Fatal(err)
		}
		staged := time.Since(t0)
		if err := bw.Commit(); err != nil {
			b.Fatal(err)
		}
		all := time.Since(t0)
		bw.Close()
		b.ReportMetric(float64(n)/all.Seconds(), "rows/s")
		b.ReportMetric(staged.Seconds(), "stage-s")
		b.ReportMetric((all - staged).Seconds(), "merge-s")
		w.Close()
	}
}
