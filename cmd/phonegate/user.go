package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/mail"
)

func runUser(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usagef("user needs a command: add or reset-2fa\n%s", usage)
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, cfg, args[1:], stdin, stdout)
	case "reset-2fa":
		return userReset2FA(ctx, cfg, args[1:], stdout)
	}
	return usagef("unknown user command %q\n%s", args[0], usage)
}

// openAdmin opens what a command-line tool needs: the store and the
// service, quietly. It starts no server, listens on nothing and asks no
// ngrok agent: links in what it prints and mails point at PUBLIC_URL, else
// at the local URL.
func openAdmin(ctx context.Context, cfg config) (*phonegate.Service, phonegate.Store, error) {
	cfg.LogLevel = 99 // zerolog.Disabled: commands print results, not logs
	log := newLogger(cfg, io.Discard)
	keys, db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	var sender phonegate.Sender = noSender{}
	if !cfg.DevMode {
		ts, err := newTwilioSender(cfg.Twilio)
		if err != nil {
			db.Close()
			return nil, nil, usageError{err.Error()}
		}
		sender = ts
	}
	pub := localPublicURL(cfg)
	box, err := newOutbox(cfg, pub, db, keys, log)
	if err == nil && box == nil && cfg.DevMode {
		// The dev mailbox: what the command line mails shows at /dev/mail.
		box, err = mail.New(mail.Config{Store: db, Site: pub, Keys: keys, Now: time.Now, Logger: log})
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	var mailer phonegate.Mailer
	if box != nil {
		mailer = box
	}
	svc, err := phonegate.New(phonegate.Config{Store: db, Sender: sender, Mailer: mailer, Keys: keys,
		Hasher: phonegate.NewHasher(phonegate.DefaultArgon2), Now: time.Now, Logger: log, PublicURL: pub,
		AllowedCountries: cfg.AllowedCountries, DailySMS: cfg.DailySMS, DailyCalls: cfg.DailyCalls})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, db, nil
}

// errNoSendHere refuses a code to be sent from the command line.
var errNoSendHere = errors.New("no code is sent from the command line")

// noSender is the command line's Sender in dev mode, where codes go to the
// dev phone of a running server: the commands send no code, and one asked
// for is refused.
type noSender struct{}

func (noSender) SendSMS(context.Context, phonegate.SMS) (string, error)    { return "", errNoSendHere }
func (noSender) PlaceCall(context.Context, phonegate.Call) (string, error) { return "", errNoSendHere }

func userAdd(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the user's email")
	project := fs.String("project", "", "the project's name (created, owned by the user, if it does not exist)")
	role := fs.String("role", "developer", "owner, admin or developer")
	invite := fs.Bool("invite", false, "print a one-time invite link instead of reading a password")
	if err := fs.Parse(args); err != nil {
		return usagef("user add: %v", err)
	}
	if *email == "" || *project == "" {
		return usagef("user add needs --email and --project")
	}
	switch *role {
	case phonegate.RoleOwner, phonegate.RoleAdmin, phonegate.RoleDeveloper:
	default:
		return usagef("--role must be owner, admin or developer, got %q", *role)
	}
	password := ""
	if !*invite {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if err := phonegate.CheckNewPassword(password, *email); err != nil {
			return usagef("the password read from standard input was refused: %v", err)
		}
	}
	srv, db, err := openAdmin(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := srv.AddUser(ctx, *email, *project, *role, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s to project %q as %s\n", *email, res.Project, res.Role)
	switch {
	case res.InviteURL != "":
		fmt.Fprintf(stdout, "one-time invite link (valid %d days, shown once):\n%s\n", int(phonegate.InviteLife/(24*time.Hour)), res.InviteURL)
	case res.PasswordIgnored:
		fmt.Fprintln(stdout, "the account already exists; its password was left unchanged")
	case *invite:
		// An account that chose its password never gets a link: one would
		// let whoever holds it take the account over.
		fmt.Fprintln(stdout, "the account already exists and has a password, so no invite link was made")
	}
	return nil
}

func userReset2FA(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user reset-2fa", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the user's email")
	if err := fs.Parse(args); err != nil {
		return usagef("user reset-2fa: %v", err)
	}
	if *email == "" {
		return usagef("user reset-2fa needs --email")
	}
	srv, db, err := openAdmin(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	code, err := srv.ResetSecondFactor(ctx, *email, 0)
	if err != nil {
		if errors.Is(err, phonegate.ErrNotFound) {
			return fmt.Errorf("no user with email %s", *email)
		}
		return err
	}
	fmt.Fprintf(stdout, "two-factor authentication reset for %s: they will verify a phone at their next login\n", *email)
	fmt.Fprintf(stdout, "one-time recovery code (valid %d hours, shown once; they type it before verifying a phone):\n%s\n",
		int(phonegate.RecoveryLife/time.Hour), code)
	return nil
}
