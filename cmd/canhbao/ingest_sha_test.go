package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestSHAInOneRead: a CSV hashed while it is parsed (no loaded file
// had its size) stores the same SHA-256 as a separate pass gives; the same
// bytes under another name are then hashed first (a file of that size is
// loaded) and skipped unparsed; a different file of the same size is
// loaded, with its own SHA-256.
func TestIngestSHAInOneRead(t *testing.T) {
	m, out := testMain(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	loadUnits(t, m, db)
	a := writeBigLogbook(t, dir, 3000, 5)
	want, size, err := fileSHA256(a)
	if err != nil {
		t.Fatal(err)
	}
	bs := ingestJSON(t, m, out, db, a)
	if bs[0].SHA256 != want || bs[0].AlreadyIngested || bs[0].Loaded != 3000 {
		t.Fatalf("first ingest: %+v, want sha %s", bs[0], want)
	}
	var stored string
	query(t, db, `SELECT sha256 FROM ingest_batches WHERE batch_id = '`+bs[0].BatchID+`'`, &stored)
	// its rows were written before the hash was known: the batch id does not carry it
	if stored != want || strings.Contains(bs[0].BatchID, want[:12]) {
		t.Fatalf("stored sha %s, batch %s, want %s", stored, bs[0].BatchID, want)
	}

	body, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	copyOf := filepath.Join(dir, "copy.csv")
	if err := os.WriteFile(copyOf, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if bs := ingestJSON(t, m, out, db, copyOf); !bs[0].AlreadyIngested || bs[0].SHA256 != want {
		t.Fatalf("same bytes again: %+v", bs[0])
	}

	// One byte changed, the size kept (case id HG-… of row 1 becomes HX-…):
	// the file is parsed, row 1 is a new case and the others duplicates.
	other := append([]byte(nil), body...)
	for i := len(bigHeader); i < len(other); i++ {
		if other[i] == 'G' { // inside the first case id "HG-..."
			other[i] = 'X'
			break
		}
	}
	otherPath := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(otherPath, other, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(other)
	bs = ingestJSON(t, m, out, db, otherPath)
	if int64(len(other)) != size || bs[0].AlreadyIngested || bs[0].SHA256 != hex.EncodeToString(sum[:]) ||
		bs[0].Loaded != 1 || bs[0].Duplicate != 2999 {
		t.Fatalf("same size, other bytes: %+v", bs[0])
	}
	var n, distinct int
	query(t, db, `SELECT count(*), count(DISTINCT case_key) FROM cases`, &n, &distinct)
	if n != 3001 || distinct != n {
		t.Fatalf("cases %d, distinct keys %d, want 3001", n, distinct)
	}
}
