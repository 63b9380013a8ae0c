package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/junction-gateway/junction/internal/config"
)

// runConfig is `junction config schema` (print the JSON Schema of the
// config file) and `junction config validate FILE` (check a config file:
// every problem on its own line as FILE:LINE:COLUMN: KEY: MESSAGE, exit
// status 1 when there is one).
func runConfig(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("want a subcommand: schema, or validate FILE")
	}
	switch args[0] {
	case "schema":
		fs := flag.NewFlagSet("config schema", flag.ContinueOnError)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		_, err := stdout.Write(config.Schema())
		return err
	case "validate":
		fs := flag.NewFlagSet("config validate", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if err := fs.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageErr("%v", err)
		}
		if fs.NArg() != 1 {
			return usageErr("validate: want one FILE")
		}
		path := fs.Arg(0)
		_, err := config.Load(path)
		var ce *config.Error
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "%s: ok\n", path)
			return nil
		case errors.As(err, &ce):
			for _, p := range ce.Problems {
				fmt.Fprintln(stderr, p.String())
			}
			return fmt.Errorf("%s: %d problem(s)", path, len(ce.Problems))
		default:
			return usageErr("%v", err)
		}
	default:
		return usageErr("unknown subcommand %q (want schema, or validate FILE)", args[0])
	}
}
