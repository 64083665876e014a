package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func detectMain() (*Main, *bytes.Buffer) {
	var errb bytes.Buffer
	m := NewMain()
	m.Stdout, m.Stderr = &bytes.Buffer{}, &errb
	return m, &errb
}

// TestDetectReferenceFile runs "canhbao detect" on a labelled reference file
// and requires R surveillance 1.20.3's noufaily_nb_a005 (b=3) alarms and
// upper bounds week for week.
func TestDetectReferenceFile(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "data", "reference", "surveillance")
	in := filepath.Join(ref, "labelled", "m1.csv")
	if _, err := os.Stat(in); err != nil {
		t.Skip("reference data not available")
	}
	out := filepath.Join(t.TempDir(), "out.csv")
	m, errb := detectMain()
	if err := m.Run(context.Background(), []string{"detect", "--method", "noufaily", "--b", "3", "--in", in, "--out", out}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	got := readAll(t, out)
	want := map[string][2]string{}
	for _, r := range readAll(t, filepath.Join(ref, "weekly", "m1.csv"))[1:] {
		if r[2] == "noufaily_nb_a005" && r[3] == "3" {
			want[r[4]] = [2]string{r[9], r[10]} // upperbound, alarm
		}
	}
	if len(got)-1 != len(want) || len(want) == 0 {
		t.Fatalf("%d result rows, R has %d", len(got)-1, len(want))
	}
	for _, r := range got[1:] {
		w := want[r[1]]
		if r[6] != w[0] || r[7] != w[1] {
			t.Errorf("t=%s: upperbound %s alarm %s, R %s %s", r[1], r[6], r[7], w[0], w[1])
		}
	}
}

func readAll(t *testing.T, path string) [][]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestDetectErrors checks that input errors name file, row and field and map
// to exit code 3, and bad options to 2.
func TestDetectErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, csv string
		args      []string
		code      int
		msg       string
	}{
		{"count", "unit,t,count\na,1,3\na,2,-1\n", nil, exitInput, "row 3, field count"},
		{"t", "unit,t,count\na,1,3\na,3,1\n", nil, exitInput, "row 3, field t"},
		{"header", "unit,week,count\na,1,3\n", nil, exitInput, `missing column "t"`},
		{"short", "unit,t,count\na,1,3\na,2,1\n", nil, exitInput, `unit "a"`},
		{"method", "unit,t,count\na,1,3\n", []string{"--method", "nope"}, exitUsage, "unknown --method"},
	} {
		in := filepath.Join(dir, c.name+".csv")
		os.WriteFile(in, []byte(c.csv), 0o600)
		args := c.args
		if args == nil {
			args = []string{"--method", "ears-c1"}
		}
		m, _ := detectMain()
		err := m.Run(context.Background(), append([]string{"detect", "--in", in, "--out", filepath.Join(dir, "o.csv")}, args...))
		if exitCode(err) != c.code || err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v (exit %d), want exit %d containing %q", c.name, err, exitCode(err), c.code, c.msg)
		}
	}
}
