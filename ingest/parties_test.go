package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPartiesHash(t *testing.T) {
	base := PartiesHash(testKey, "Nguyễn Văn An, 45 tuổi, số 12 phố Quán Thánh; Trần Thị Bình, 50 tuổi, số 14 phố Quán Thánh")
	if len(base) != 32 {
		t.Fatalf("hash %q: want 32 hex characters", base)
	}
	for _, same := range []string{
		"Trần Thị Bình, 50 tuổi; Nguyễn Văn An, 45 tuổi",                             // order
		"Nguyễn Văn An, 46 tuổi, ngõ 3 Kim Mã; Trần Thị Bình, 51 tuổi, ngõ 3 Kim Mã", // ages and addresses
		"Nguyễn Văn An\nTrần Thị Bình",                                               // line breaks
		"nguyen van an; TRAN THI BINH",                                               // case and diacritics
		"Ông Nguyễn  Văn An (45 tuổi); Bà Trần Thị Bình - tổ 3",                      // words of address, brackets, dashes
		"Nguyễn Văn An sinh năm 1980; Trần Thị Bình SN 1975",                         // year of birth
		"Nguyễn Văn An; Trần Thị Bình; Nguyễn Văn An, 45 tuổi",                       // a party listed twice
		"Nguyễn Văn An; Trần Thị Bình;",                                              // trailing separator
	} {
		if got := PartiesHash(testKey, same); got != base {
			t.Errorf("PartiesHash(%q) = %s, want %s", same, got, base)
		}
	}
	for _, other := range []string{
		"Nguyễn Văn An; Trần Thị Bích",
		"Nguyễn Văn An",
		"Nguyễn Văn An; Trần Thị Bình; Lê Văn Cường",
	} {
		if got := PartiesHash(testKey, other); got == base {
			t.Errorf("PartiesHash(%q) equals the hash of other parties", other)
		}
	}
	if got := PartiesHash([]byte("another key"), "Nguyễn Văn An; Trần Thị Bình"); got == base {
		t.Error("hash does not depend on the key")
	}
	for _, empty := range []string{"", "  ", ";", "\n;\n", ", 45 tuổi"} {
		if got := PartiesHash(testKey, empty); got != "" {
			t.Errorf("PartiesHash(%q) = %q, want empty", empty, got)
		}
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "party.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 {
		t.Fatalf("new key has %d bytes, want 32", len(k1))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", perm)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1) != string(k2) {
		t.Fatal("second load returned a different key")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("world-readable key: err = %v, want an error naming the file", err)
	}
	bad := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(bad, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("bad key: err = %v, want an error naming the file", err)
	}
	short := filepath.Join(dir, "short.key")
	if err := os.WriteFile(short, []byte("abcd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(short); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestSummaryHash(t *testing.T) {
	if SummaryHash("") != "" || SummaryHash(" ... ") != "" {
		t.Error("empty summary must hash to empty")
	}
	if a, b := SummaryHash("Tranh chấp  lối đi chung."), SummaryHash("tranh chap loi di chung"); a != b || len(a) != 32 {
		t.Errorf("%s != %s", a, b)
	}
}
