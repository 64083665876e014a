package ingest

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

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
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}
