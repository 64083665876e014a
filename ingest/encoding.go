package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Encodings lists the text encodings accepted by --encoding.
var Encodings = []string{"auto", "utf-8", "utf-16le", "utf-16be", "windows-1258"}

// detectEncoding names the encoding of a text file from its first bytes:
// a byte-order mark decides (UTF-8, UTF-16 LE or BE: Excel's "Unicode
// text"); else UTF-16 without a mark when every other byte of the first
// line is zero; else UTF-8 if the bytes are valid UTF-8 (a rune cut off at
// the end of head is allowed); else Windows-1258, the legacy Vietnamese
// code page.
func detectEncoding(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
		return "utf-8"
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return "utf-16le"
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return "utf-16be"
	}
	if len(head) >= 4 {
		even, odd := 0, 0
		n := min(len(head), 256) &^ 1
		for i := 0; i < n; i += 2 {
			if head[i] == 0 {
				even++
			}
			if head[i+1] == 0 {
				odd++
			}
		}
		if odd > n/4 && even == 0 {
			return "utf-16le"
		}
		if even > n/4 && odd == 0 {
			return "utf-16be"
		}
	}
	h := head
	for k := 0; k < utf8.UTFMax && len(h) > 0 && !utf8.Valid(h); k++ {
		h = h[:len(h)-1] // a rune cut at the end of the sniffed block
	}
	if utf8.Valid(h) && (len(head)-len(h) == 0 || !utf8.FullRune(head[len(h):])) {
		return "utf-8"
	}
	return "windows-1258"
}

// decoder returns a reader of UTF-8 text from r in encoding enc ("" or
// "auto" to detect), and the encoding used. A byte-order mark is removed.
// Windows-1258 writes most tone marks as combining characters: its text
// is put into NFC so that names compare equal to the precomposed forms.
func decoder(file string, r *bufio.Reader, enc string) (io.Reader, string, error) {
	enc = strings.ToLower(strings.TrimSpace(enc))
	if enc == "" || enc == "auto" {
		head, _ := r.Peek(sniffSize)
		enc = detectEncoding(head)
	}
	var e encoding.Encoding
	switch enc {
	case "utf-8", "utf8":
		if head, _ := r.Peek(3); bytes.Equal(head, []byte{0xef, 0xbb, 0xbf}) {
			r.Discard(3)
		}
		return r, "utf-8", nil
	case "utf-16le", "utf-16", "unicode":
		e = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
		enc = "utf-16le"
	case "utf-16be":
		e = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	case "windows-1258", "cp1258", "1258":
		return transform.NewReader(r, transform.Chain(charmap.Windows1258.NewDecoder(), norm.NFC)), "windows-1258", nil
	default:
		return nil, "", fmt.Errorf("ingest: %s: unknown encoding %q (want one of %s)", file, enc, strings.Join(Encodings, ", "))
	}
	return transform.NewReader(r, e.NewDecoder()), enc, nil
}
