package ingest

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// NewHashingReader is NewReader for a file whose content hash is taken in
// the same read as its rows: for CSV, every byte the reader takes from f is
// also written to h, so the file is read once instead of twice (a separate
// SHA-256 pass cost ~1 s a GB before the parse could start). streamed
// reports whether h is fed; other formats seek or read f at random and are
// returned as NewReader gives them (streamed false: hash f separately).
//
// When streamed, the caller hashes whatever the reader left unread
// (io.Copy(h, f) after the last row) before using h's sum.
func NewHashingReader(file string, f *os.File, opt ReadOptions, h io.Writer) (rd Reader, streamed bool, err error) {
	format := opt.Format
	if format == "" {
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, false, fmt.Errorf("ingest: %s: %w", file, err)
		}
		format = DetectFormat(file, head[:n])
	}
	if format != FormatCSV {
		opt.Format = format
		rd, err := NewReader(file, f, opt)
		return rd, false, err
	}
	cr, err := NewCSVReader(file, bufio.NewReaderSize(io.TeeReader(f, h), 1<<20), opt.Encoding, opt.Delimiter)
	if err != nil {
		return nil, false, err
	}
	return cr, true, nil
}
