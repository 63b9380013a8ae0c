// Command junction is the Junction federation gateway.
//
//	junction serve --supergraph FILE [--config FILE] [--listen HOST:PORT]
//	junction dev   [--listen HOST:PORT]
//	junction plan  --supergraph FILE --query FILE [--operation NAME]
//	junction compose --config supergraph.yaml [--output FILE]
//	junction check   --config supergraph.yaml [--against SUPERGRAPH] [--usage JUNCTION_CONFIG] [--contracts JUNCTION_CONFIG]
//	junction config schema | validate FILE
//	junction version
//	junction help [COMMAND]
//
// `junction COMMAND --help` prints the command's flags with their defaults
// and examples. Unknown flags exit with status 2 and the list of flags;
// unreadable files exit with status 2 and a one-line error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve a supergraph over HTTP", runServe},
		{"dev", "run the demo subgraphs, the gateway and the playground in one process", runDev},
		{"plan", "print the query plan of an operation", runPlan},
		{"compose", "compose subgraphs (rover's supergraph.yaml) into a supergraph", runCompose},
		{"check", "check that subgraphs compose and, with --against, what breaks clients", runCheck},
		{"config", "print the config file's JSON Schema (schema), or check a file (validate FILE)", runConfig},
		{"version", "print the version", runVersion},
		{"help", "print the help of a command (junction help serve)", runHelp},
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sigs
		cancel() // the first signal drains (see runtime.serve)
		<-sigs
		fmt.Fprintln(os.Stderr, "junction: second signal: exiting at once")
		os.Exit(1)
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			var h helpError
			if errors.As(err, &h) {
				fmt.Fprint(stdout, h.text)
			}
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "junction %s: %v\n", c.name, unwrapUsage(err))
			return 2
		default:
			fmt.Fprintf(stderr, "junction %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "junction: unknown command %q (try: junction help)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: junction <command> [flags]")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nrun `junction help COMMAND` or `junction COMMAND --help` for its flags and examples")
}

type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() []error {
	return []error{u.err, errUsage}
}

func usageErr(format string, a ...any) error {
	return usageError{fmt.Errorf(format, a...)}
}

func unwrapUsage(err error) error {
	var u usageError
	if errors.As(err, &u) {
		return u.err
	}
	return err
}

// parseFlags parses args with fs silenced, turning any problem into a
// one-line usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return flagError(fs, err) // help.go
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
