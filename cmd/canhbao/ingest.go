package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/canhbao/canhbao/ingest"
	"github.com/canhbao/canhbao/warehouse"
)

// runIngest handles "ingest [--db F] [--json] [--format F] [--encoding E]
// [--delimiter D] [--mapping M] [--arrived D] [--backfill] FILE...".
func (m *Main) runIngest(ctx context.Context, args []string) error {
	fs := m.newFlags("ingest")
	db := dbFlag(fs)
	keyFile := fs.String("key-file", "", "file holding the party-hash key (default: FILE.key beside --db; created with mode 0600); $CANHBAO_HASH_KEY overrides")
	asJSON := fs.Bool("json", false, "print one JSON object per file instead of a text summary")
	format := fs.String("format", "", "input format: csv, xlsx, json, parquet, arrow (default: detect from the file)")
	encoding := fs.String("encoding", "auto", "text encoding of CSV files: "+strings.Join(ingest.Encodings, ", "))
	delim := fs.String("delimiter", "", `CSV delimiter: "," ";" or "tab" (default: detect)`)
	mapping := fs.String("mapping", "", "TOML mapping file for sources other than logbooks (see docs/ingest.md)")
	af := declareArrivalFlags(fs)
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &usageError{"ingest: no files given"}
	}
	arr, err := af.resolve(m.Now())
	if err != nil {
		return err
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
	ing.arrival = arr
	ing.read = ingest.ReadOptions{Format: ingest.Format(strings.ToLower(*format)), Encoding: *encoding}
	switch *delim {
	case "":
	case "tab", `\t`, "\t":
		ing.read.Delimiter = '\t'
	case ",", ";":
		ing.read.Delimiter = rune((*delim)[0])
	default:
		return &usageError{fmt.Sprintf("ingest: --delimiter %q: want \",\", \";\" or tab", *delim)}
	}
	if *mapping != "" {
		if ing.mapping, err = ingest.LoadMapping(*mapping); err != nil {
			return &usageError{err.Error()}
		}
	}
	ing.progress = isTerminal(m.Stderr)
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
			if b.Backfill {
				note = " (backfill)"
			}
			if b.AlreadyIngested {
				note += " (file already ingested)"
			}
			fmt.Fprintf(m.Stdout, "ingest: %s: arrived %s, read %d, loaded %d, updated %d, duplicate %d, quarantined %d, ignored %d%s\n",
				b.File, b.Arrived.Format("02/01/2006"), b.Read, b.Loaded, b.Updated, b.Duplicate, b.Quarantined, b.Ignored, note)
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
	w        *warehouse.Warehouse
	opt      ingest.Options
	m        *Main
	read     ingest.ReadOptions
	mapping  *ingest.Mapping
	progress bool    // draw a progress bar on stderr
	arrival  arrival // when the files arrived, and whether they are a backfill
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

// file ingests one file in one transaction, or recognises it as already
// ingested. The file is streamed: its rows through the parser into the
// batch writer's staging tables, its SHA-256 taken in the same read (CSV)
// or, when a loaded file had the same size or the format is read at
// random, in a pass before (see shaFirst).
func (in *ingester) file(ctx context.Context, path string) (*warehouse.Batch, error) {
	defer ingestGC()()
	restore, err := in.w.TuneForIngest(ctx)
	if err != nil {
		return nil, err
	}
	defer restore()
	f, err := os.Open(path)
	if err != nil {
		return nil, &inputError{path, err}
	}
	defer f.Close()
	sha, size, err := in.shaFirst(ctx, f)
	if err != nil {
		return nil, err
	}
	if sha != "" {
		prev, err := in.w.BatchBySHA(ctx, sha)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			return &warehouse.Batch{BatchID: prev.BatchID, File: path, SHA256: sha, SizeBytes: size,
				Read: prev.Read, Duplicate: prev.Read - prev.Ignored, Ignored: prev.Ignored, AlreadyIngested: true,
				StartedAt: in.m.Now().UTC(), FinishedAt: in.m.Now().UTC(), Arrived: prev.Arrived, Backfill: prev.Backfill}, nil
		}
	}
	hash := sha256.New()
	var tee io.Writer = hash
	if sha != "" {
		tee = io.Discard
	}
	rd, streamed, err := ingest.NewHashingReader(path, f, in.read, tee)
	if err != nil {
		return nil, &inputError{path, err}
	}
	if sha == "" && !streamed {
		if sha, _, err = fileSHA256(path); err != nil {
			return nil, &inputError{path, err}
		}
	}
	if c, ok := rd.(io.Closer); ok {
		defer c.Close()
	}
	b := &warehouse.Batch{File: path, SHA256: sha, SizeBytes: size, StartedAt: in.m.Now().UTC()}
	b.Format, b.Encoding = readerFormat(rd)
	if in.mapping != nil {
		rd = in.mapping.Wrap(rd)
	}
	bw, err := in.w.BeginBatch(ctx, b)
	if err != nil {
		return nil, err
	}
	defer bw.Close()
	bar := newProgressBar(in.m.Stderr, path, f, size, in.progress)
	var received warehouse.ReceivedDates // for the automatic backfill rule
	var werr error                       // a warehouse failure, as opposed to bad input
	st, err := ingest.Parse(path, rd, in.opt, func(r ingest.Record) error {
		bar.tick()
		if r.Err != nil {
			cells, err := json.Marshal(r.Cells)
			if err != nil {
				werr = err
				return err
			}
			werr = bw.AddRowError(r.Err, string(cells))
			return werr
		}
		received.Add(r.Case.ReceivedDate)
		werr = bw.AddCase(r.Case)
		return werr
	})
	bar.done()
	if werr != nil {
		return nil, werr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, &inputError{path, err}
	}
	if sha == "" { // hashed while parsed: add what the reader left unread
		if _, err := io.Copy(hash, f); err != nil {
			return nil, &inputError{path, err}
		}
		b.SHA256 = hex.EncodeToString(hash.Sum(nil))
	}
	b.Read, b.Ignored = st.Read, st.Ignored
	b.Arrived = in.arrival.date(in.m.Now())
	b.Backfill = in.arrival.isBackfill(&received, b.Arrived)
	if err := bw.Commit(); err != nil {
		return nil, err
	}
	return b, nil
}

// readerFormat names the format (and text encoding) a reader reads.
func readerFormat(rd ingest.Reader) (format, encoding string) {
	switch r := rd.(type) {
	case *ingest.CSVReader:
		return string(ingest.FormatCSV), r.Encoding
	case *ingest.XLSXReader:
		return string(ingest.FormatXLSX), ""
	case *ingest.JSONReader:
		return string(ingest.FormatJSON), ""
	case *ingest.ArrowReader:
		return r.Format(), ""
	}
	return "", ""
}

// fileSHA256 hashes a file as a stream.
func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
