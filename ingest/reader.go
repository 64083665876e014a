package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Row is one row of a table as text cells, with where it was read.
type Row struct {
	// Sheet names the table within the file (an XLSX sheet); "" for
	// single-table formats. A new Sheet value starts a new table: its
	// header is looked for afresh.
	Sheet string
	// Num is the 1-based line (CSV), sheet row (XLSX) or record number
	// (JSON, Parquet, Arrow; 0 for the header those formats synthesise).
	Num   int
	Cells []string
	// ExcelDates says that a number in a date cell is an Excel serial date.
	ExcelDates bool
}

// Reader yields the rows of a file, one table after another. Next returns
// io.EOF after the last row. A reader never panics on malformed input: it
// returns an error naming what it could not read.
type Reader interface {
	Next() (Row, error)
}

var (
	_ Reader = (*CSVReader)(nil)
	_ Reader = (*XLSXReader)(nil)
	_ Reader = (*JSONReader)(nil)
	_ Reader = (*ArrowReader)(nil)
	_ Reader = (*MappedReader)(nil)
)

// Format is an input file format.
type Format string

const (
	FormatCSV     Format = "csv"
	FormatXLSX    Format = "xlsx"
	FormatJSON    Format = "json" // a JSON array of objects, or NDJSON
	FormatParquet Format = "parquet"
	FormatArrow   Format = "arrow" // Arrow IPC file or stream
)

// ReadOptions says how to read a file.
type ReadOptions struct {
	Format    Format // "" = detect from magic bytes, then the extension
	Encoding  string // CSV only: "" or "auto" = detect; see Encodings
	Delimiter rune   // CSV only: 0 = detect among , ; and tab
}

// DetectFormat picks the format of a file from its first bytes, falling
// back to its extension; CSV when nothing else fits.
func DetectFormat(name string, head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatXLSX
	case bytes.HasPrefix(head, []byte("PAR1")):
		return FormatParquet
	case bytes.HasPrefix(head, []byte("ARROW1")), bytes.HasPrefix(head, []byte{0xff, 0xff, 0xff, 0xff}):
		return FormatArrow
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".json", ".ndjson", ".jsonl":
		return FormatJSON
	case ".parquet":
		return FormatParquet
	case ".arrow", ".arrows", ".feather", ".ipc":
		return FormatArrow
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return FormatJSON
	}
	return FormatCSV
}

// OpenFile opens the file at path with the reader its format needs. The
// caller closes the returned closer when done.
func OpenFile(path string, opt ReadOptions) (Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ingest: %w", err)
	}
	rd, err := NewReader(path, f, opt)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return rd, f, nil
}

// NewReader returns the reader for file's format over f.
func NewReader(file string, f *os.File, opt ReadOptions) (Reader, error) {
	format := opt.Format
	if format == "" {
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("ingest: %s: %w", file, err)
		}
		format = DetectFormat(file, head[:n])
	}
	switch format {
	case FormatCSV:
		return NewCSVReader(file, bufio.NewReaderSize(f, 1<<20), opt.Encoding, opt.Delimiter)
	case FormatXLSX:
		return NewXLSXReader(file, f)
	case FormatJSON:
		return NewJSONReader(file, f)
	case FormatParquet:
		return NewParquetReader(file, f)
	case FormatArrow:
		return NewArrowReader(file, f)
	}
	return nil, fmt.Errorf("ingest: %s: unknown format %q (want csv, xlsx, json, parquet or arrow)", file, format)
}
