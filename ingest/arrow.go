package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// ArrowReader reads columnar records exported by other systems: Parquet
// files, and Arrow IPC files or streams. The header is the schema's field
// names (row 0); each record is then one row, numbered from 1. Values
// become text: dates as yyyy-mm-dd, timestamps as yyyy-mm-dd hh:mm:ss,
// booleans as true/false, null as empty. Record batches are streamed, so
// memory holds one batch at a time.
type ArrowReader struct {
	file   string
	format Format
	next   func() (arrow.Record, error) // io.EOF at the end
	close  func()
	rec    arrow.Record
	i      int
	num    int
	names  []string
	header bool
}

// NewParquetReader reads a Parquet file.
func NewParquetReader(name string, f *os.File) (ar *ArrowReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			ar, err = nil, fmt.Errorf("ingest: %s: unreadable Parquet: %v", name, p)
		}
	}()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return nil, fmt.Errorf("ingest: %s: unreadable Parquet: %w", name, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 14}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("ingest: %s: unreadable Parquet: %w", name, err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("ingest: %s: unreadable Parquet: %w", name, err)
	}
	ar = &ArrowReader{file: name, format: FormatParquet, close: func() { rr.Release(); pf.Close() }}
	for _, fd := range rr.Schema().Fields() {
		ar.names = append(ar.names, fd.Name)
	}
	ar.next = func() (arrow.Record, error) {
		if !rr.Next() {
			if err := rr.Err(); err != nil && err != io.EOF {
				return nil, err
			}
			return nil, io.EOF
		}
		return rr.Record(), nil
	}
	return ar, nil
}

// NewArrowReader reads an Arrow IPC file ("ARROW1" magic) or stream.
func NewArrowReader(name string, f *os.File) (ar *ArrowReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			ar, err = nil, fmt.Errorf("ingest: %s: unreadable Arrow IPC: %v", name, p)
		}
	}()
	head := make([]byte, 6)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("ingest: %s: %w", name, err)
	}
	if bytes.Equal(head[:n], []byte("ARROW1")) {
		fr, err := ipc.NewFileReader(f)
		if err != nil {
			return nil, fmt.Errorf("ingest: %s: unreadable Arrow IPC file: %w", name, err)
		}
		ar = &ArrowReader{file: name, format: FormatArrow, close: func() { fr.Close() }}
		for _, fd := range fr.Schema().Fields() {
			ar.names = append(ar.names, fd.Name)
		}
		k := 0
		ar.next = func() (arrow.Record, error) {
			if k >= fr.NumRecords() {
				return nil, io.EOF
			}
			k++
			return fr.RecordAt(k - 1)
		}
		return ar, nil
	}
	sr, err := ipc.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("ingest: %s: unreadable Arrow IPC stream: %w", name, err)
	}
	ar = &ArrowReader{file: name, format: FormatArrow, close: sr.Release}
	for _, fd := range sr.Schema().Fields() {
		ar.names = append(ar.names, fd.Name)
	}
	ar.next = func() (arrow.Record, error) {
		if !sr.Next() {
			if err := sr.Err(); err != nil && err != io.EOF {
				return nil, err
			}
			return nil, io.EOF
		}
		r := sr.Record()
		r.Retain()
		return r, nil
	}
	return ar, nil
}

// Next returns the header, then one row per record.
func (a *ArrowReader) Next() (row Row, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, err = Row{}, fmt.Errorf("ingest: %s: record %d: unreadable: %v", a.file, a.num+1, p)
		}
	}()
	if !a.header {
		a.header = true
		return Row{Num: 0, Cells: append([]string(nil), a.names...)}, nil
	}
	for a.rec == nil || a.i >= int(a.rec.NumRows()) {
		if a.rec != nil {
			a.rec.Release()
			a.rec = nil
		}
		rec, err := a.next()
		if err == io.EOF {
			return Row{}, io.EOF
		}
		if err != nil {
			return Row{}, fmt.Errorf("ingest: %s: after record %d: %w", a.file, a.num, err)
		}
		a.rec, a.i = rec, 0
	}
	a.num++
	cells := make([]string, a.rec.NumCols())
	for c := range cells {
		cells[c] = cellText(a.rec.Column(c), a.i)
	}
	a.i++
	return Row{Num: a.num, Cells: cells}, nil
}

// cellText is the text of value i of an array.
func cellText(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch c := col.(type) {
	case *array.String:
		return c.Value(i)
	case *array.LargeString:
		return c.Value(i)
	case *array.Date32:
		return c.Value(i).ToTime().Format("2006-01-02")
	case *array.Date64:
		return c.Value(i).ToTime().UTC().Format("2006-01-02")
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		return c.Value(i).ToTime(unit).UTC().Format("2006-01-02 15:04:05")
	case *array.Boolean:
		return strconv.FormatBool(c.Value(i))
	case *array.Dictionary:
		return cellText(c.Dictionary(), c.GetValueIndex(i))
	}
	return col.ValueStr(i)
}

// Close releases the reader.
func (a *ArrowReader) Close() error {
	if a.rec != nil {
		a.rec.Release()
		a.rec = nil
	}
	if a.close != nil {
		a.close()
	}
	return nil
}

// Format is "parquet" or "arrow".
func (a *ArrowReader) Format() string { return string(a.format) }
