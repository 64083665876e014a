package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseCSV parses the messy testdata file (14 data rows, 8 of them
// quarantined) repeatedly.
func BenchmarkParseCSV(b *testing.B) {
	_, r := testGeo(b)
	data, err := os.ReadFile(filepath.Join("testdata", "messy.csv"))
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{Key: testKey, Resolver: r}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCSV("messy.csv", bytes.NewReader(data), opt, func(Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
