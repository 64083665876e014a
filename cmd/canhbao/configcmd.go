package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/BurntSushi/toml"
)

// runConfig handles "config init|check [--config F]".
func (m *Main) runConfig(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "init" && args[0] != "check") {
		return &usageError{"usage: canhbao config init|check [--config FILE]"}
	}
	fs := m.newFlags("config " + args[0])
	path := fs.String("config", "canhbao.toml", "configuration file")
	force := false
	if args[0] == "init" {
		fs.BoolVar(&force, "force", false, "overwrite an existing file")
	}
	if help, err := parse(fs, args[1:]); help || err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return &usageError{"config: unexpected arguments"}
	}
	if args[0] == "init" {
		return m.configInit(*path, force)
	}
	cfg, err := m.loadConfig(*path)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "# %s: ok; effective settings (paths resolved):\n", *path)
	return toml.NewEncoder(m.Stdout).Encode(cfg)
}

func (m *Main) configInit(path string, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o640)
	if errors.Is(err, fs.ErrExist) {
		return &usageError{fmt.Sprintf("config init: %s exists (use --force to overwrite)", path)}
	}
	if err != nil {
		return err
	}
	if _, err := f.WriteString(exampleConfig); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "config: wrote %s\n", path)
	return nil
}
