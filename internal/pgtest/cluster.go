package pgtest

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// noBinariesError says that Debian's PostgreSQL binaries are missing: a reason to skip.
type noBinariesError struct{ msg string }

func (e *noBinariesError) Error() string { return e.msg }

// binDir returns the newest /usr/lib/postgresql/N/bin that holds initdb and pg_ctl.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", &noBinariesError{"PostgreSQL binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)"}
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode()&0o111 != 0
}

// startCluster makes a cluster in a new temporary folder and starts it on a unix socket there.
// It returns the DSN of its postgres database and a function that stops it and removes the
// folder.
func startCluster() (dsn string, stop func(), err error) {
	bin, err := binDir()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	as, err := unprivileged(dir)
	if err != nil {
		cleanup()
		return "", nil, err
	}
	data := filepath.Join(dir, "data")
	run := func(name string, args ...string) error {
		argv := append(as, append([]string{filepath.Join(bin, name)}, args...)...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("pgtest: %s: %v\n%s", name, err, out)
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync", "--no-instructions"); err != nil {
		cleanup()
		return "", nil, err
	}
	// Throwaway data: no fsync. Many tests open pools at once: room for their connections.
	opts := strings.Join([]string{"-k", dir, "-c", "listen_addresses=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"}, " ")
	if err := run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		cleanup()
		return "", nil, fmt.Errorf("%v\n%s", err, log)
	}
	stop = func() {
		_ = run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		cleanup()
	}
	q := url.Values{"host": {dir}, "user": {"postgres"}, "sslmode": {"disable"}}
	return "postgres:///postgres?" + q.Encode(), stop, nil
}

// unprivileged returns the command prefix that runs the server's binaries as a user initdb
// accepts, and hands dir to that user: nothing for a non-root user, runuser as postgres for
// root.
func unprivileged(dir string) ([]string, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, and initdb refuses root: no postgres user to run it as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	// The socket folder must be reachable by its owner through the temporary folder.
	return []string{"runuser", "-u", "postgres", "--"}, nil
}
