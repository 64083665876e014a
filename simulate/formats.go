package simulate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Delivery file formats: the offices that send the weekly deliveries do not
// all use the same spreadsheet program, so a delivery comes as one of the
// shapes real logbook files take (ingest/testdata shows them all). The
// monthly history files stay plain UTF-8 CSV.
const (
	FormatCSV       = "csv"               // UTF-8, commas
	FormatSemicolon = "csv-bom-semicolon" // UTF-8 with a byte-order mark, semicolons (Excel in a Vietnamese locale)
	FormatCP1258    = "csv-cp1258"        // Windows-1258 with a title row above the header (old Windows offices)
)

// deliveryFormats are the delivery formats with their shares.
var deliveryFormats = []choice[string]{{FormatCSV, 0.6}, {FormatSemicolon, 0.25}, {FormatCP1258, 0.15}}

// TitleRow is the title written above the header of Windows-1258 files.
const TitleRow = "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ"

// drawFormat picks the format of one delivery.
func drawFormat(r *rand.Rand) string { return draw(r, deliveryFormats) }

// writeLogbook writes a logbook file in one of the delivery formats.
func writeLogbook(path, format string, rows [][]string) error {
	if format == FormatCSV {
		return writeCSV(path, Header, rows)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if format == FormatSemicolon {
		b.WriteString("\ufeff")
		w.Comma = ';'
	} else {
		b.WriteString(TitleRow + "\n")
	}
	if err := w.Write(Header); err != nil {
		return fmt.Errorf("simulate: %s: %w", path, err)
	}
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("simulate: %s: %w", path, err)
	}
	out := b.Bytes()
	if format == FormatCP1258 {
		var err error
		if out, err = cp1258(b.String()); err != nil {
			return fmt.Errorf("simulate: %s: %w", path, err)
		}
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	return nil
}

// cp1258 encodes s in Windows-1258 the way Vietnamese Windows wrote it: a
// letter the code page has as one byte, else its base letter followed by a
// combining tone mark (the code page has no precomposed toned letters but
// a few).
func cp1258(s string) ([]byte, error) {
	enc := charmap.Windows1258.NewEncoder()
	var out []byte
	for _, r := range s {
		if b, err := enc.Bytes([]byte(string(r))); err == nil {
			out = append(out, b...)
			continue
		}
		var base, tones []rune
		for _, x := range norm.NFD.String(string(r)) {
			if unicode.Is(unicode.Mn, x) && strings.ContainsRune("\u0300\u0301\u0303\u0309\u0323", x) {
				tones = append(tones, x)
			} else {
				base = append(base, x)
			}
		}
		b, err := enc.Bytes([]byte(norm.NFC.String(string(base)) + string(tones)))
		if err != nil {
			return nil, fmt.Errorf("%q has no Windows-1258 form", r)
		}
		out = append(out, b...)
	}
	return out, nil
}
