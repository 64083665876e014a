package ingest

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese tone marks as combining characters (after NFD). The other
// combining marks (circumflex, breve, horn) change the vowel itself.
func isToneMark(r rune) bool {
	switch r {
	case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
		return true
	}
	return false
}

// fold lower-cases s, turns every run of characters that are neither letters
// nor digits into one space and trims it. With strip it also removes all
// diacritics (đ becomes d). Without strip it keeps them but moves each
// word's tone mark to the end of the word, so that the old and new
// tone-placement conventions ("hoà" and "hòa", "thuỵ" and "thụy") give the
// same key. The result is a matching key, not display text.
func fold(s string, strip bool) string {
	if !strip {
		// ASCII text has no diacritics: both forms of the key coincide.
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return foldSlow(s, false)
			}
		}
	}
	if k, ok := foldFast(s); ok {
		return k
	}
	return foldSlow(s, strip)
}

// foldClass says what fold(·, true) makes of one rune (after lower-casing
// and canonical decomposition).
const (
	foldUnknown = iota // not in the table: take the general path
	foldLetter         // a letter or digit, possibly with marks: write base
	foldDrop           // a combining mark: dropped
	foldSep            // anything else: a word separator
)

type runeFold struct {
	base  rune
	class uint8
}

// foldTableSize covers Latin with all Vietnamese letters (U+1EA0..U+1EF9),
// combining marks and general punctuation (dashes, quotes).
const foldTableSize = 0x2070

var (
	foldTableOnce sync.Once
	foldTable     *[foldTableSize]runeFold
)

// buildFoldTable classifies each rune below foldTableSize as foldSlow does:
// a rune whose lower case decomposes into one letter or digit followed by
// combining marks is that letter (đ as d); a lone combining mark is
// dropped; a rune that is neither is a separator. Anything else (a rune
// decomposing into several letters, say) is left to the general path.
func buildFoldTable() {
	t := new([foldTableSize]runeFold)
	for r := rune(0); r < foldTableSize; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		d := []rune(norm.NFD.String(string(unicode.ToLower(r))))
		if len(d) == 0 {
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, d[0]):
			if len(d) == 1 {
				t[r] = runeFold{class: foldDrop}
			}
			continue
		case unicode.IsLetter(d[0]) || unicode.IsDigit(d[0]):
			ok := true
			for _, m := range d[1:] {
				if !unicode.Is(unicode.Mn, m) {
					ok = false
				}
			}
			if ok {
				b := d[0]
				if b == 'đ' {
					b = 'd'
				}
				t[r] = runeFold{base: b, class: foldLetter}
			}
		default:
			if len(d) == 1 {
				t[r] = runeFold{class: foldSep}
			}
		}
	}
	foldTable = t
}

// foldFast is fold(s, true) by table, one rune at a time (exact: the
// canonical decomposition of a string is that of its runes, reordered only
// among combining marks, which are all dropped). ok is false when s holds
// a rune the table does not cover.
func foldFast(s string) (string, bool) {
	foldTableOnce.Do(buildFoldTable)
	t := foldTable
	var buf [128]byte
	b := buf[:0]
	if len(s) > len(buf) {
		b = make([]byte, 0, len(s))
	}
	pending := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r >= foldTableSize {
			return "", false
		}
		switch e := t[r]; e.class {
		case foldLetter:
			if pending && len(b) > 0 {
				b = append(b, ' ')
			}
			pending = false
			b = utf8.AppendRune(b, e.base)
		case foldDrop:
		case foldSep:
			pending = true
		default:
			return "", false
		}
	}
	return string(b), true
}

// foldSlow is fold by full Unicode normalisation.
func foldSlow(s string, strip bool) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	var tones []rune
	pending := false // a separator was seen since the last letter
	flush := func() {
		for _, t := range tones {
			b.WriteRune(t)
		}
		tones = tones[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			if strip {
				continue
			}
			if isToneMark(r) {
				tones = append(tones, r)
				continue
			}
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pending && b.Len() > 0 {
				b.WriteByte(' ')
			}
			pending = false
			if strip && r == 'đ' {
				r = 'd'
			}
			b.WriteRune(r)
		default:
			flush()
			pending = true
		}
	}
	flush()
	if strip {
		return b.String()
	}
	return norm.NFC.String(b.String())
}

// unitPrefixes are the type words that may precede a unit or district name,
// as diacritic-free words; longer ones first.
var unitPrefixes = [][]string{
	{"thi", "tran"}, {"thi", "xa"}, {"thanh", "pho"},
	{"phuong"}, {"xa"}, {"quan"}, {"huyen"},
	{"tt"}, {"tx"}, {"tp"}, {"p"}, {"x"}, {"q"}, {"h"},
}

// prefixLen returns how many leading words of the diacritic-free word list
// w form a type prefix ("phường", "thị trấn", "p." ...). A prefix is only
// dropped when at least two words remain, or one number ("Phường 1"), so
// that a bare name starting with a prefix-like syllable ("Quán Thánh")
// keeps its first word.
func prefixLen(w []string) int {
	for _, p := range unitPrefixes {
		if len(w) < len(p)+1 {
			continue
		}
		match := true
		for i := range p {
			if w[i] != p[i] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		rest := w[len(p):]
		if len(rest) >= 2 || isDigits(rest[0]) {
			return len(p)
		}
	}
	return 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// nameKeys returns the matching keys of a unit or district name, from the
// strictest to the loosest: with diacritics and type prefix, with
// diacritics without prefix, without diacritics with prefix, and without
// either (NormalizeName).
func nameKeys(s string) [4]string {
	marked, stripped := fold(s, false), fold(s, true)
	sw := strings.Fields(stripped)
	mw := strings.Fields(marked)
	n := prefixLen(sw)
	var k [4]string
	k[0] = marked
	k[2] = stripped
	if len(mw) == len(sw) {
		k[1] = strings.Join(mw[n:], " ")
	} else { // cannot happen for well-formed text; stay safe
		k[1] = marked
	}
	k[3] = strings.Join(sw[n:], " ")
	return k
}

// NormalizeName is the loosest matching key of a unit (or district) name:
// NFC, lower case, diacritics removed (đ becomes d, so tone-mark placement
// variants coincide), punctuation and runs of spaces turned into one space,
// and a leading type word ("phường", "xã", "thị trấn", "P.", "X.", "TT.",
// "quận", "huyện", "thị xã", "thành phố") dropped.
func NormalizeName(s string) string { return nameKeys(s)[3] }

// labelKey is the key of a header label: diacritics, punctuation, spaces
// and parenthesised remarks removed ("Ngày, tháng, năm nhận vụ, việc hòa
// giải" -> "ngaythangnamnhanvuviechoagiai").
func labelKey(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
			continue
		case ')', ']':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(fold(b.String(), true), " ", "")
}

// valueKey is the key of a coded cell value (category, outcome, flags):
// like labelKey but keeps parenthesised text.
func valueKey(s string) string {
	if len(s) > maxCachedValue {
		return strings.ReplaceAll(fold(s, true), " ", "")
	}
	if k, ok := valueKeys.Load(s); ok {
		return k.(string)
	}
	k := strings.ReplaceAll(fold(s, true), " ", "")
	if valueKeyN.Add(1) <= maxValueKeys {
		valueKeys.Store(strings.Clone(s), k)
	}
	return k
}

// Coded cells (category, outcome, flags) repeat endlessly: their keys are
// memoised, up to maxValueKeys distinct cells of at most maxCachedValue
// bytes, so hostile input cannot grow the cache without bound.
var (
	valueKeys sync.Map
	valueKeyN atomic.Int64
)

const (
	maxValueKeys   = 1 << 14
	maxCachedValue = 64
)

// cleanText trims a free-text cell, puts it in NFC and collapses white space.
func cleanText(s string) string {
	if isCleanText(s) {
		return s
	}
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// isCleanText reports whether cleanText would return s unchanged: no
// leading, trailing or repeated white space, no white space other than a
// plain space, and (when not ASCII) already in NFC.
func isCleanText(s string) bool {
	if s == "" {
		return true
	}
	ascii, prevSpace := true, true // a leading space is not clean
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			ascii = false
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return false
			}
		}
		i += size
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case r < utf8.RuneSelf && r != ' ' && asciiSpace(byte(r)), r >= utf8.RuneSelf && unicode.IsSpace(r):
			return false
		default:
			prevSpace = false
		}
	}
	if prevSpace {
		return false // trailing space
	}
	return ascii || norm.NFC.IsNormalString(s)
}

func normNFC(s string) string { return norm.NFC.String(s) }

func asciiSpace(c byte) bool {
	return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' '
}
