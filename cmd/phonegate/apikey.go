package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/phonegate/phonegate"
)

// runAPIKey runs the apikey commands: the Verify API keys of a project,
// which the operator creates, lists and revokes for any project, as its
// owners and admins do on its settings page.
func runAPIKey(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usagef("apikey needs a command: create, list or revoke\n%s", usage)
	}
	cmd := args[0]
	var project, name, sid string
	var err error
	switch cmd {
	case "create", "list":
		project, name, err = apiKeyFlags(cmd, args[1:])
	case "revoke":
		sid, err = apiKeyRevokeArgs(args[1:])
	default:
		return usagef("unknown apikey command %q\n%s", cmd, usage)
	}
	if err != nil {
		return err
	}
	srv, db, err := openAdmin(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return apiKeyErr(doAPIKey(ctx, srv, cmd, project, name, sid, stdout))
}

// apiKeyErr says a name the service refused as a mistake in the command
// line (exit status 2); anything else stops the command with status 1.
func apiKeyErr(err error) error {
	if phonegate.ErrorCode(err) == phonegate.EInvalid {
		return usagef("--name: %s", phonegate.ErrorMessage(err))
	}
	return err
}

// doAPIKey runs apikey cmd on the service.
func doAPIKey(ctx context.Context, srv *phonegate.Service, cmd, project, name, sid string, stdout io.Writer) error {
	switch cmd {
	case "create":
		k, err := srv.CreateAPIKeyAsOperator(ctx, project, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "API key %q of project %q (shown once: keep the secret now)\n", k.Name, project)
		fmt.Fprintf(stdout, "account SID: %s\nkey SID:     %s\nsecret:      %s\n", k.AccountSID, k.SID, k.Secret)
	case "list":
		keys, account, err := srv.APIKeysAsOperator(ctx, project)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "account SID %s\n", account)
		if len(keys) == 0 {
			fmt.Fprintf(stdout, "project %q has no API keys\n", project)
		}
		for _, k := range keys {
			used := "never used"
			if !k.LastUsedAt.IsZero() {
				used = "last used " + k.LastUsedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%s  %s  created %s  %s\n", k.SID, k.Name, k.CreatedAt.UTC().Format(time.RFC3339), used)
		}
	case "revoke":
		k, err := srv.RevokeAPIKeyAsOperator(ctx, sid)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "API key %s (%q) is revoked\n", k.SID, k.Name)
	}
	return nil
}

// apiKeyFlags reads the flags of apikey create (--project and --name) and
// apikey list (--project).
func apiKeyFlags(cmd string, args []string) (project, name string, err error) {
	fs := flag.NewFlagSet("apikey "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&project, "project", "", "the project's name")
	if cmd == "create" {
		fs.StringVar(&name, "name", "", "the key's name, such as the app that uses it")
	}
	if err := fs.Parse(args); err != nil {
		return "", "", usagef("apikey %s: %v", cmd, err)
	}
	if fs.NArg() > 0 {
		return "", "", usagef("apikey %s: unexpected argument %q", cmd, fs.Arg(0))
	}
	switch {
	case project == "" && cmd == "create":
		return "", "", usagef("apikey create needs --project and --name")
	case project == "":
		return "", "", usagef("apikey list needs --project")
	case cmd == "create" && name == "":
		return "", "", usagef("apikey create needs --project and --name")
	}
	return project, name, nil
}

// apiKeyRevokeArgs reads the one argument of apikey revoke: the key's SID.
func apiKeyRevokeArgs(args []string) (string, error) {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		return "", usagef("apikey revoke needs the key's SID: phonegate apikey revoke SK…")
	}
	return args[0], nil
}
