package ingest

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestHashingReaderSumsTheFile: the hash taken while a CSV is read (rows
// read to the end, or only the first one, then the rest copied) equals the
// SHA-256 of the file's bytes, whatever the encoding; formats read at
// random are not streamed.
func TestHashingReaderSumsTheFile(t *testing.T) {
	for _, name := range []string{"clean.csv", "messy.csv", "clean_bom_semicolon.csv", "clean_cp1258.csv", "clean_utf16le.txt"} {
		for _, rows := range []int{-1, 1} {
			path := filepath.Join("testdata", name)
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := sha256.Sum256(body)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			rd, streamed, err := NewHashingReader(path, f, ReadOptions{Encoding: "auto"}, h)
			if err != nil || !streamed {
				t.Fatalf("%s: streamed %v, %v", name, streamed, err)
			}
			for i := 0; rows < 0 || i < rows; i++ {
				if _, err := rd.Next(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if _, err := io.Copy(h, f); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if got := h.Sum(nil); string(got) != string(want[:]) {
				t.Errorf("%s (rows %d): hash %x, want %x", name, rows, got, want)
			}
		}
	}
	for _, name := range []string{"clean.xlsx", "clean.parquet", "clean.arrow", "clean.json"} {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		rd, streamed, err := NewHashingReader(name, f, ReadOptions{}, sha256.New())
		if err != nil || streamed || rd == nil {
			t.Errorf("%s: streamed %v, reader %v, %v", name, streamed, rd != nil, err)
		}
		if c, ok := rd.(io.Closer); ok {
			c.Close()
		}
		f.Close()
	}
}
