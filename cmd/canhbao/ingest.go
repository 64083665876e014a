package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/canhbao/canhbao/ingest"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// runIngest handles "ingest [--db F] [--json] FILE...".
func (m *Main) runIngest(ctx context.Context, args []string) error {
	fs := m.newFlags("ingest")
	db := dbFlag(fs)
	keyFile := fs.String("key-file", "", "file holding the party-hash key (default: FILE.key beside --db; created with mode 0600); $CANHBAO_HASH_KEY overrides")
	asJSON := fs.Bool("json", false, "print one JSON object per file instead of a text summary")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &usageError{"ingest: no files given"}
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	ing, err := m.newIngester(ctx, w, *db, *keyFile)
	if err != nil {
		return err
	}
	var rejected error
	for _, f := range fs.Args() {
		b, err := ing.file(ctx, f)
		if err != nil {
			var ie *inputError
			if asInput(err, &ie) {
				fmt.Fprintln(m.Stderr, "canhbao: ingest:", err)
				rejected = err
				continue
			}
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(m.Stdout)
			if err := enc.Encode(b); err != nil {
				return err
			}
		} else {
			note := ""
			if b.AlreadyIngested {
				note = " (file already ingested)"
			}
			fmt.Fprintf(m.Stdout, "ingest: %s: read %d, loaded %d, updated %d, duplicate %d, quarantined %d, ignored %d%s\n",
				b.File, b.Read, b.Loaded, b.Updated, b.Duplicate, b.Quarantined, b.Ignored, note)
		}
	}
	return rejected
}

func asInput(err error, target **inputError) bool {
	ie, ok := err.(*inputError)
	if ok {
		*target = ie
	}
	return ok
}

// ingester holds what every file of one ingest run needs.
type ingester struct {
	w   *warehouse.Warehouse
	opt ingest.Options
	m   *Main
}

func (m *Main) newIngester(ctx context.Context, w *warehouse.Warehouse, dbPath, keyFile string) (*ingester, error) {
	key, err := m.hashKey(dbPath, keyFile)
	if err != nil {
		return nil, err
	}
	g, err := w.Geography(ctx)
	if err != nil {
		return nil, err
	}
	return &ingester{w: w, m: m, opt: ingest.Options{Key: key, Resolver: ingest.NewResolver(g)}}, nil
}

// hashKey returns the party-hash key from $CANHBAO_HASH_KEY or a key file.
func (m *Main) hashKey(dbPath, keyFile string) ([]byte, error) {
	if k := m.Getenv("CANHBAO_HASH_KEY"); k != "" {
		if len(k) < 16 {
			return nil, &usageError{"CANHBAO_HASH_KEY must be at least 16 characters"}
		}
		return []byte(k), nil
	}
	if keyFile == "" {
		keyFile = strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".key"
		if dbPath == "" {
			keyFile = "canhbao.key"
		}
	}
	return ingest.LoadOrCreateKey(keyFile)
}

// file ingests one file in one transaction, or recognises it as already ingested.
func (in *ingester) file(ctx context.Context, path string) (*warehouse.Batch, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputError{path, err}
	}
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	if prev, err := in.w.BatchBySHA(ctx, sha); err != nil {
		return nil, err
	} else if prev != nil {
		return &warehouse.Batch{BatchID: prev.BatchID, File: path, SHA256: sha, SizeBytes: int64(len(body)),
			Read: prev.Read, Duplicate: prev.Read - prev.Ignored, Ignored: prev.Ignored, AlreadyIngested: true,
			StartedAt: in.m.Now().UTC(), FinishedAt: in.m.Now().UTC()}, nil
	}
	b := &warehouse.Batch{File: path, SHA256: sha, SizeBytes: int64(len(body)), StartedAt: in.m.Now().UTC()}
	var cases []models.Case
	var bad []*models.RowError
	st, err := ingest.ParseCSV(path, bytes.NewReader(body), in.opt, func(r ingest.Record) error {
		if r.Err != nil {
			bad = append(bad, r.Err)
		} else {
			cases = append(cases, *r.Case)
		}
		return nil
	})
	if err != nil {
		return nil, &inputError{path, err}
	}
	b.Read, b.Ignored = st.Read, st.Ignored
	if err := in.w.IngestBatch(ctx, b, cases, bad); err != nil {
		return nil, err
	}
	return b, nil
}
