package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/phonegate/phonegate"
)

// runSite runs the site commands: the protected sites of a project, which
// the operator adds, lists and removes for any project, as its owners and
// admins do on its settings page.
func runSite(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usagef("site needs a command: add, list or remove\n%s", usage)
	}
	switch args[0] {
	case "add", "list", "remove":
	default:
		return usagef("unknown site command %q\n%s", args[0], usage)
	}
	cmd := args[0]
	project, host, err := siteFlags(cmd, args[1:])
	if err != nil {
		return err
	}
	srv, db, err := openAdmin(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := srv.OperatorProject(ctx, project)
	if phonegate.ErrorCode(err) == phonegate.EInvalid {
		// A name that several projects share, or a malformed ID.
		return usagef("--project: %s", phonegate.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return siteErr(doSite(ctx, srv, cmd, p, host, stdout))
}

// siteErr says a hostname the service refused as a mistake in the command
// line (exit status 2); anything else stops the command with status 1.
func siteErr(err error) error {
	if phonegate.ErrorCode(err) == phonegate.EInvalid {
		return usagef("--host: %s", phonegate.ErrorMessage(err))
	}
	return err
}

// doSite runs site cmd on the service, for the project p.
func doSite(ctx context.Context, srv *phonegate.Service, cmd string, p phonegate.Project, host string, stdout io.Writer) error {
	switch cmd {
	case "add":
		h, err := srv.AddSiteAsOperator(ctx, p, host)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now a protected site of project %q\n", h, p.Name)
	case "remove":
		if err := srv.RemoveSiteAsOperator(ctx, p, host); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is no longer a protected site of project %q\n", phonegate.NormalizeSiteHost(host), p.Name)
	case "list":
		sites, err := srv.Sites(ctx, p)
		if err != nil {
			return err
		}
		if len(sites) == 0 {
			fmt.Fprintf(stdout, "project %q has no protected sites\n", p.Name)
		}
		for _, s := range sites {
			fmt.Fprintln(stdout, s.Host)
		}
	}
	return nil
}

// siteFlags reads the flags of site cmd: --project always, --host for add
// and remove.
func siteFlags(cmd string, args []string) (project, host string, err error) {
	fs := flag.NewFlagSet("site "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&project, "project", "", "the project's name, or its ID (12 or #12)")
	if cmd != "list" {
		fs.StringVar(&host, "host", "", "the hostname, such as app.example.com or *.example.com")
	}
	if err := fs.Parse(args); err != nil {
		return "", "", usagef("site %s: %v", cmd, err)
	}
	if fs.NArg() > 0 {
		return "", "", usagef("site %s: unexpected argument %q", cmd, fs.Arg(0))
	}
	switch {
	case project == "":
		return "", "", usagef("site %s needs --project", cmd)
	case cmd != "list" && host == "":
		return "", "", usagef("site %s needs --project and --host", cmd)
	}
	return project, host, nil
}
