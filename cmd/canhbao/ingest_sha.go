package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

// shaFirst returns the SHA-256 of f when it must be known before the parse
// (a loaded batch had a file of the same size, so f may be that file again
// and is then skipped without parsing), or "" when the hash can be taken
// during the parse because no loaded file had f's size. Both ways a file
// identical to a loaded one is recognised: identical files have equal sizes.
func (in *ingester) shaFirst(ctx context.Context, f *os.File) (sha string, size int64, err error) {
	fi, err := f.Stat()
	if err != nil {
		return "", 0, &inputError{f.Name(), err}
	}
	seen, err := in.w.BatchSizeSeen(ctx, fi.Size())
	if err != nil || !seen {
		return "", fi.Size(), err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", 0, &inputError{f.Name(), err}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", 0, &inputError{f.Name(), err}
	}
	return hex.EncodeToString(h.Sum(nil)), fi.Size(), nil
}
