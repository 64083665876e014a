package main

import (
	"os"

	"github.com/canhbao/canhbao/analysis"
)

// readTruth reads the ground-truth episodes of --truth (none when path is
// ""), for backtest and nowcast-eval; a file that cannot be opened or read
// is an input error naming it.
func readTruth(path string) ([]analysis.Episode, error) {
	if path == "" {
		return nil, nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &inputError{path, err}
	}
	defer fh.Close()
	eps, err := analysis.ReadTruth(fh)
	if err != nil {
		return nil, &inputError{path, err}
	}
	return eps, nil
}
