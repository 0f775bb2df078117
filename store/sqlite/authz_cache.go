package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/phonegate/phonegate"
)

// The forward-auth check runs on every request to a protected app, and a
// page load asks it about every asset at once, with nothing written in
// between. authzSQL costs ten joins' worth of work each time; the answer
// changes only when something commits. So the facts of a check are kept
// and answered again while the database has not changed since they were
// read.
//
// "Not changed" is SQLite's own word for it: PRAGMA data_version, which
// moves whenever any other connection commits, this process's write
// connection or another process on the same file (a "phonegate site" or
// "phonegate user" command) alike. It is read on a connection of its own
// that never writes, before the facts, so that facts kept under a version
// are never older than it. Any commit at all empties the cache: there is
// no rule of which writes matter to be kept in step with the schema.
//
// The one thing that changes without a commit is time: a session past its
// idle or absolute life stops being live. A kept answer is checked against
// the query's times, and one read under later times than a query's (a
// clock moved back) is not used.

// maxAuthzCache bounds the cache: one entry per browser and host asking
// between two commits. When it fills it is emptied, which costs one read
// per browser and no more.
const maxAuthzCache = 4096

// authzKey names a check's question, but for its times.
type authzKey struct{ host, wildcard, session, trust string }

// authzEntry is a kept answer: the facts (or found false for an unknown
// host) and the times they were read under.
type authzEntry struct {
	facts                   phonegate.AuthzFacts
	found                   bool
	idleSince, createdSince time.Time
}

// authzCache holds the answers read under one data version.
type authzCache struct {
	conn   *sql.Conn  // held for the life of the DB: a version is one connection's count
	asking sync.Mutex // one question at a time on conn; guards what follows
	// The question goes to the driver's connection itself (conn.Raw):
	// database/sql's bookkeeping around a query would cost more than
	// SQLite's answer.
	version *sqlite3.SQLiteStmt // PRAGMA data_version, prepared on conn's driver connection
	row     []driver.Value      // its one column
	ask     func(any) error

	mu      sync.Mutex
	at      int64 // the data version the entries were read under
	entries map[authzKey]authzEntry
}

// newAuthzCache takes a connection of pool for good: a new connection
// counts from its own start, and a number it reached again must not bring
// back answers kept under the old one's.
func newAuthzCache(ctx context.Context, pool *sql.DB) (*authzCache, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: data version: %w", err)
	}
	c := &authzCache{conn: conn, row: make([]driver.Value, 1), entries: make(map[authzKey]authzEntry)}
	c.ask = c.askDriver
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("store: data version: a %T is no SQLite connection", dc)
		}
		st, err := sc.Prepare(`PRAGMA data_version`)
		if err != nil {
			return err
		}
		c.version = st.(*sqlite3.SQLiteStmt)
		return nil
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: prepare: %w", err), conn.Close())
	}
	return c, nil
}

// dataVersion is the database's data version now.
func (c *authzCache) dataVersion() (int64, error) {
	c.asking.Lock()
	defer c.asking.Unlock()
	if err := c.conn.Raw(c.ask); err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	v, ok := c.row[0].(int64)
	if !ok {
		return 0, fmt.Errorf("store: data version: %T", c.row[0])
	}
	return v, nil
}

// askDriver runs PRAGMA data_version on the driver's connection, into
// c.row; conn.Raw holds that connection meanwhile.
func (c *authzCache) askDriver(any) error {
	rows, err := c.version.QueryContext(context.Background(), nil)
	if err != nil {
		return err
	}
	err = rows.Next(c.row)
	return errors.Join(err, rows.Close())
}

// get returns the answer kept for q under data version v, if it still
// holds at q's times.
func (c *authzCache) get(v int64, k authzKey, q phonegate.AuthzQuery) (authzEntry, bool) {
	c.mu.Lock()
	e, ok := c.entries[k]
	ok = ok && c.at == v
	c.mu.Unlock()
	if !ok || q.IdleSince.Before(e.idleSince) || q.CreatedSince.Before(e.createdSince) {
		return authzEntry{}, false
	}
	if e.facts.Live && (e.facts.Session.LastSeenAt.Before(q.IdleSince) || e.facts.Session.CreatedAt.Before(q.CreatedSince)) {
		// The session has expired since: what authzSQL would say now.
		e.facts = phonegate.AuthzFacts{Project: e.facts.Project}
	}
	return e, true
}

// put keeps e, read under data version v, for k.
func (c *authzCache) put(v int64, k authzKey, e authzEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != v || len(c.entries) >= maxAuthzCache {
		clear(c.entries)
		c.at = v
	}
	c.entries[k] = e
}

// close closes the statement and gives the connection back; a second
// close does nothing, as the DB's does.
func (c *authzCache) close() error {
	c.asking.Lock()
	defer c.asking.Unlock()
	var err error
	if c.version != nil {
		err = c.conn.Raw(func(any) error { return c.version.Close() })
		c.version = nil
	}
	if cerr := c.conn.Close(); !errors.Is(cerr, sql.ErrConnDone) {
		err = errors.Join(err, cerr)
	}
	return err
}

// AuthzFacts returns what a forward-auth check decides from (authzSQL);
// ErrNotFound when no protected site covers q's host. A session past its
// idle or absolute life is not live (the maintenance sweep deletes it).
// The answer is the one kept from an earlier check with the same question
// when nothing has committed since (authzCache); its Memberships are
// shared with other callers and must not be changed.
func (db *DB) AuthzFacts(ctx context.Context, q phonegate.AuthzQuery) (phonegate.AuthzFacts, error) {
	v, err := db.authzSeen.dataVersion()
	if err != nil {
		// Without a version nothing kept can be trusted, nor kept.
		return db.readAuthzFacts(ctx, q)
	}
	k := authzKey{q.Host, q.Wildcard, string(q.SessionHash), string(q.TrustHash)}
	e, ok := db.authzSeen.get(v, k, q)
	if !ok {
		e = authzEntry{found: true, idleSince: q.IdleSince, createdSince: q.CreatedSince}
		e.facts, err = db.readAuthzFacts(ctx, q)
		if errors.Is(err, phonegate.ErrNotFound) {
			e.found, err = false, nil
		}
		if err != nil {
			return phonegate.AuthzFacts{}, err
		}
		db.authzSeen.put(v, k, e)
	}
	if !e.found {
		return phonegate.AuthzFacts{}, phonegate.ErrNotFound
	}
	return e.facts, nil
}
