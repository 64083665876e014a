package analysis

import (
	"strings"
	"testing"

	"github.com/canhbao/canhbao/models"
)

func TestReadTruthAndTarget(t *testing.T) {
	in := "episode_id,unit_code,role,start_week,peak_week,end_week\n" +
		"E001,A,core,2024-W10,2024-W14,2024-W16\n" +
		"E001,B,spillover,2024-W12,2024-W16,2024-W18\n" +
		"D001,C,decoy,2024-W11,2024-W11,2024-W11\n"
	eps, err := ReadTruth(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 3 || eps[0].Unit != "A" || eps[1].Role != RoleSpillover || eps[0].Peak != (models.Week{Year: 2024, Num: 14}) {
		t.Fatalf("parsed %+v", eps)
	}
	start := models.Week{Year: 2024, Num: 1}
	y := TruthTarget([]string{"A", "B", "C"}, start, 30, eps, 4)
	// A: start W10 - 4 = W06 .. peak W14 -> columns 5..13.
	for c := 0; c < 30; c++ {
		want := c >= 5 && c <= 13
		if y[0][c] != want {
			t.Errorf("A column %d (week %s): %v, want %v", c, start.Add(c), y[0][c], want)
		}
		if y[2][c] {
			t.Errorf("decoy unit C positive in column %d", c)
		}
	}
	if !y[1][7] || y[1][6] || !y[1][15] || y[1][16] {
		t.Errorf("B target wrong: %v", y[1][:20])
	}
}

func TestReadTruthErrors(t *testing.T) {
	for name, in := range map[string]string{
		"missing column": "episode_id,unit_code,role,start_week,peak_week\nE1,A,core,2024-W01,2024-W02\n",
		"bad role":       "episode_id,unit_code,role,start_week,peak_week,end_week\nE1,A,main,2024-W01,2024-W02,2024-W03\n",
		"bad week":       "episode_id,unit_code,role,start_week,peak_week,end_week\nE1,A,core,2024-Wxx,2024-W02,2024-W03\n",
		"peak before":    "episode_id,unit_code,role,start_week,peak_week,end_week\nE1,A,core,2024-W05,2024-W02,2024-W06\n",
	} {
		if _, err := ReadTruth(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestTrainTarget(t *testing.T) {
	start := models.Week{Year: 2024, Num: 1}
	eps := []Episode{
		{ID: "E1", Unit: "A", Role: RoleCore, Start: start.Add(10), Peak: start.Add(14), End: start.Add(16)},
		{ID: "D1", Unit: "B", Role: RoleDecoy, Start: start.Add(5), Peak: start.Add(5), End: start.Add(5)},
	}
	y := TrainTarget([]string{"A", "B"}, start, 30, eps, 4, 3)
	for c := 0; c < 30; c++ {
		var want int8
		switch {
		case c >= 6 && c <= 9: // the 4 weeks before the start: no signal yet
			want = TrainSkip
		case c >= 10 && c <= 14: // rising phase, peak included
			want = TrainPositive
		case c >= 15 && c <= 19: // decline to end + 3
			want = TrainSkip
		}
		if y[0][c] != want {
			t.Errorf("A column %d: %d, want %d", c, y[0][c], want)
		}
		if y[1][c] != TrainNegative {
			t.Errorf("decoy unit B column %d: %d, want negative", c, y[1][c])
		}
	}
}
