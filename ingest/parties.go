package ingest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
)

// minKeyLen is the shortest HMAC key accepted from a key file (bytes).
const minKeyLen = 16

// LoadOrCreateKey returns the HMAC key kept hex-encoded in the file at path.
// If the file does not exist it is created (mode 0600) with 32 random bytes.
// A key file that group or others may read or write, or that does not hold
// at least 16 hex-encoded bytes, is an error naming the file: the key is
// what keeps party hashes from being reversed by trying names.
func LoadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("ingest: key %s: %w", path, err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("ingest: key %s: %w", path, err)
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("ingest: key %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("ingest: key %s: %w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: key %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: key %s: %w", path, err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("ingest: key %s: mode %04o lets others read it; want 0600 (chmod 600 %s)", path, perm, path)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("ingest: key %s: not hex: %w", path, err)
	}
	if len(key) < minKeyLen {
		return nil, fmt.Errorf("ingest: key %s: %d bytes, want at least %d", path, len(key), minKeyLen)
	}
	return key, nil
}

// honorifics are words of address that may precede a party's name; they
// are dropped so "Ông Nguyễn Văn An" and "Nguyễn Văn An" hash the same.
var honorifics = map[string]bool{
	"ong": true, "ba": true, "anh": true, "chi": true, "co": true, "bac": true,
	"em": true, "chau": true, "thim": true,
}

// partyNames returns the sorted, de-duplicated name keys of the parties in
// a parties cell: parties are separated by ";" or line breaks; a party's
// name is its text before the first comma (ages and addresses follow it),
// cut at "(" , " - " or the first digit, folded without diacritics, with
// a leading word of address dropped.
func partyNames(parties string) []string {
	if parties == "" {
		return nil
	}
	parts := strings.FieldsFunc(parties, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' })
	var out []string
	var seen map[string]bool // for cells with many parties
	if len(parts) > 16 {
		seen = map[string]bool{}
	}
	for _, p := range parts {
		if i := strings.IndexByte(p, ','); i >= 0 {
			p = p[:i]
		}
		if i := strings.IndexAny(p, "(0123456789"); i >= 0 {
			p = p[:i]
		}
		if i := strings.Index(p, " - "); i >= 0 {
			p = p[:i]
		}
		w := strings.Fields(fold(p, true))
		if len(w) >= 3 && honorifics[w[0]] {
			w = w[1:]
		}
		// trailing words introducing an age ("sinh năm", "SN", "tuổi")
		for {
			switch {
			case len(w) >= 2 && w[len(w)-2] == "sinh" && w[len(w)-1] == "nam":
				w = w[:len(w)-2]
				continue
			case len(w) >= 1 && (w[len(w)-1] == "sn" || w[len(w)-1] == "tuoi"):
				w = w[:len(w)-1]
				continue
			}
			break
		}
		n := strings.Join(w, " ")
		if n == "" || (seen == nil && slices.Contains(out, n)) || seen[n] {
			continue
		}
		if seen != nil {
			seen[n] = true
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// PartiesHash is the keyed hash (HMAC-SHA256, first 16 bytes in hex) of
// the set of party names in a parties cell: the same people give the same
// hash whatever their order, ages, addresses, words of address or
// diacritics, so repeat disputes can be found without keeping names. An
// empty cell (or one without any name) gives "".
func PartiesHash(key []byte, parties string) string {
	names := partyNames(parties)
	if len(names) == 0 {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(names, "\x1f")))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// SummaryHash is the unkeyed hash (SHA-256, first 16 bytes in hex) of a
// summary folded without diacritics, case or punctuation; "" for an empty
// summary.
func SummaryHash(summary string) string {
	s := fold(summary, true)
	if s == "" {
		return ""
	}
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}
