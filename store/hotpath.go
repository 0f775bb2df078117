package store

import (
	"context"
	"database/sql"
	"runtime"
	"sync"
	"weak"
)

// hotPath holds, for one DB, the prepared statements of the webhook hot
// path, the cache of what never changes for a delivery, and the replay
// hints of status updates.
type hotPath struct {
	advance, event, current, challengeUser, userAudit lazyStmt
	voice, voiceState, currentRead                    lazyStmt

	mu     sync.Mutex
	static map[string]voiceStatic
	ranks  map[string]int // per delivery, a status rank known to be committed
}

type voiceStatic struct{ challengeID, channel, label string }

// maxStatic bounds the cache. Deliveries live minutes, so dropping the
// whole cache when it fills costs one fuller read per live call, and no more.
const maxStatic = 4096

func (h *hotPath) cached(id string) (voiceStatic, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.static[id]
	return st, ok
}

func (h *hotPath) remember(id string, st voiceStatic) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.static) >= maxStatic {
		clear(h.static)
	}
	h.static[id] = st
}

// hotPaths maps each open DB (weakly, so that a DB nobody holds can still
// be collected) to its hotPath.
var hotPaths sync.Map // weak.Pointer[DB] -> *hotPath

func (db *DB) hot() *hotPath {
	key := weak.Make(db)
	if h, ok := hotPaths.Load(key); ok {
		return h.(*hotPath)
	}
	h, loaded := hotPaths.LoadOrStore(key, &hotPath{
		advance:       lazyStmt{db: db.write, query: advanceSQL},
		event:         lazyStmt{db: db.write, query: eventSQL},
		current:       lazyStmt{db: db.write, query: currentSQL},
		challengeUser: lazyStmt{db: db.write, query: challengeUserSQL},
		userAudit:     lazyStmt{db: db.write, query: userAuditSQL},
		voice:         lazyStmt{db: db.read, query: voiceSQL},
		voiceState:    lazyStmt{db: db.read, query: voiceStateSQL},
		currentRead:   lazyStmt{db: db.read, query: currentSQL},
		static:        make(map[string]voiceStatic),
		ranks:         make(map[string]int),
	})
	if !loaded {
		// The statements need no closing of their own: they belong to the
		// DB's connection pools, which Close closes.
		runtime.AddCleanup(db, func(key weak.Pointer[DB]) { hotPaths.Delete(key) }, key)
	}
	return h.(*hotPath)
}

// prepareStatus prepares the statements of ApplyStatus. It must run
// before the write transaction: preparing needs the write connection,
// which the transaction holds.
func (h *hotPath) prepareStatus(ctx context.Context) {
	for _, s := range []*lazyStmt{&h.advance, &h.event, &h.current, &h.challengeUser, &h.userAudit} {
		s.prepare(ctx)
	}
}

// lazyStmt is a statement prepared at its first use. If preparing fails
// (the database is closing, say), the plain query runs instead: a prepared
// statement is only a speed-up.
type lazyStmt struct {
	once  sync.Once
	db    *sql.DB
	query string
	stmt  *sql.Stmt
}

// prepare prepares the statement once. A statement for a transaction must
// be prepared before the transaction starts: the write pool has a single
// connection, which the transaction holds.
func (s *lazyStmt) prepare(ctx context.Context) *sql.Stmt {
	s.once.Do(func() {
		s.stmt, _ = s.db.PrepareContext(context.WithoutCancel(ctx), s.query)
	})
	return s.stmt
}

// exec runs the statement with args in tx.
func (s *lazyStmt) exec(ctx context.Context, tx *sql.Tx, args ...any) (sql.Result, error) {
	if st := s.prepare(ctx); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, s.query, args...)
}

// row runs the statement with args, in tx unless tx is nil.
func (s *lazyStmt) row(ctx context.Context, tx *sql.Tx, args ...any) *sql.Row {
	if tx == nil {
		if st := s.prepare(ctx); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
		return s.db.QueryRowContext(ctx, s.query, args...)
	}
	if st := s.prepare(ctx); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, s.query, args...)
}
