package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const projectColumns = `p.id, p.name, p.mfa_level, p.mfa_level_set_at, p.created_at`

func scanProject(row pgx.Row, extra ...any) (phonegate.Project, error) {
	var p phonegate.Project
	err := row.Scan(append([]any{&p.ID, &p.Name, &p.MFALevel, ts(&p.MFALevelSetAt), ts(&p.CreatedAt)}, extra...)...)
	return p, err
}

// lockProject locks a project's row until the end of tx, so that changes of its members (the
// last owner) and of its name queue on one row across instances; ErrNotFound when it is gone.
func lockProject(ctx context.Context, tx pgx.Tx, projectID int64) error {
	var id int64
	if err := tx.QueryRow(ctx, `SELECT id FROM projects WHERE id = $1 FOR UPDATE`, projectID).Scan(&id); err != nil {
		return notFound(err, "project")
	}
	return nil
}

// CreateProject creates a project owned by ownerID; ErrNameTaken when they own one of that name
// already.
func (db *DB) CreateProject(ctx context.Context, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	var p phonegate.Project
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var err error
		p, err = createProject(ctx, tx, ownerID, name, now)
		return err
	})
	return p, err
}

// createProject creates the project after locking its owner's row, so that two instances
// creating projects of one name for one owner cannot both find the name free.
func createProject(ctx context.Context, tx pgx.Tx, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	if err := lockUser(ctx, tx, ownerID); err != nil {
		return phonegate.Project{}, err
	}
	if err := checkOwnerNames(ctx, tx, ownerID, 0, name); err != nil {
		return phonegate.Project{}, err
	}
	p, err := scanProject(tx.QueryRow(ctx, `INSERT INTO projects AS p (name, created_at) VALUES ($1, $2)
		RETURNING `+projectColumns, name, tz(now)))
	if err != nil {
		return phonegate.Project{}, fmt.Errorf("store: create project: %w", err)
	}
	if err := addMember(ctx, tx, p.ID, ownerID, phonegate.RoleOwner, 0, consentGiven, now); err != nil {
		return phonegate.Project{}, err
	}
	err = addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: p.ID, ActorID: ownerID, UserID: ownerID,
		Kind: "project.created", Detail: name, At: now})
	return p, err
}

// CreateFirstOwner creates, in one transaction, the first user and their first project, and
// deletes the setup token so that setup runs only once. It returns ErrConflict when any user
// already exists. Two instances running setup at once queue on an advisory lock.
func (db *DB) CreateFirstOwner(ctx context.Context, email, passwordHash, projectName string, now time.Time) (phonegate.User, phonegate.Project, error) {
	var u phonegate.User
	var p phonegate.Project
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('setup', 0))`); err != nil {
			return fmt.Errorf("store: setup: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
			return fmt.Errorf("store: setup: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("store: setup already done: %w", phonegate.ErrConflict)
		}
		var err error
		if u, err = createUser(ctx, tx, email, passwordHash, now); err != nil {
			return err
		}
		if p, err = createProject(ctx, tx, u.ID, projectName, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM settings WHERE key = $1`, phonegate.SettingSetupToken)
		return err
	})
	return u, p, err
}

// Project returns a project by ID.
func (db *DB) Project(ctx context.Context, id int64) (phonegate.Project, error) {
	p, err := scanProject(db.pool.QueryRow(ctx, `SELECT `+projectColumns+` FROM projects p WHERE p.id = $1`, id))
	if err != nil {
		return phonegate.Project{}, notFound(err, "project")
	}
	return p, nil
}

// ProjectByName returns the oldest project with the given name.
func (db *DB) ProjectByName(ctx context.Context, name string) (phonegate.Project, error) {
	p, err := scanProject(db.pool.QueryRow(ctx, `SELECT `+projectColumns+` FROM projects p
		WHERE p.name = $1 ORDER BY p.id LIMIT 1`, name))
	if err != nil {
		return phonegate.Project{}, notFound(err, "project")
	}
	return p, nil
}

// ProjectsNamed returns every project named exactly name, oldest first; none is an empty list.
func (db *DB) ProjectsNamed(ctx context.Context, name string) ([]phonegate.Project, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+projectColumns+` FROM projects p WHERE p.name = $1 ORDER BY p.id`, name)
	if err != nil {
		return nil, fmt.Errorf("store: projects named: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Project, error) { return scanProject(row) })
	if err != nil {
		return nil, fmt.Errorf("store: projects named: %w", err)
	}
	return ps, nil
}

// Membership returns userID's role in projectID, or ErrNotFound when the user is not a member
// or has not accepted the membership yet.
func (db *DB) Membership(ctx context.Context, projectID, userID int64) (phonegate.Membership, error) {
	m := phonegate.Membership{UserID: userID}
	p, err := scanProject(db.pool.QueryRow(ctx, `SELECT `+projectColumns+`, m.role
		FROM projects p JOIN memberships m ON m.project_id = p.id
		WHERE p.id = $1 AND m.user_id = $2 AND m.accepted_at IS NOT NULL`, projectID, userID), &m.Role)
	if err != nil {
		return phonegate.Membership{}, notFound(err, "membership")
	}
	m.Project = p
	return m, nil
}

// Memberships lists the projects userID belongs to and accepted, by name.
func (db *DB) Memberships(ctx context.Context, userID int64) ([]phonegate.Membership, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+projectColumns+`, m.role
		FROM projects p JOIN memberships m ON m.project_id = p.id
		WHERE m.user_id = $1 AND m.accepted_at IS NOT NULL ORDER BY p.name COLLATE "C", p.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Membership, error) {
		m := phonegate.Membership{UserID: userID}
		var err error
		m.Project, err = scanProject(row, &m.Role)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	return ms, nil
}

// memberColumns are the columns scanMember reads: the user's, then the membership's.
var memberColumns = prefixed("u.", userColumns) + `, m.role, m.created_at, m.accepted_at`

func scanMember(row pgx.Row) (phonegate.Member, error) {
	var m phonegate.Member
	var accepted time.Time
	u, err := scanUser(row, &m.Role, ts(&m.JoinedAt), ts(&accepted))
	m.User = u
	m.Invited, m.Pending = u.PasswordHash == "", accepted.IsZero()
	return m, err
}

// Members lists a project's members, owners first, with those who have not accepted yet.
func (db *DB) Members(ctx context.Context, projectID int64) ([]phonegate.Member, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+memberColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = $1
		ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, lower(u.email) COLLATE "C"`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Member, error) { return scanMember(row) })
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	return ms, nil
}

// consent says whether a new membership counts at once or waits for its user to accept it.
type consent bool

const (
	consentGiven   consent = true  // a new account's invite, one's own project, the command line
	consentAwaited consent = false // someone else added an account that already existed
)

func addMember(ctx context.Context, tx pgx.Tx, projectID, userID int64, role string, invitedBy int64, c consent, now time.Time) error {
	var accepted time.Time
	if c == consentGiven {
		accepted = now
	}
	// ON CONFLICT rather than a unique violation, which would abort the caller's transaction.
	tag, err := tx.Exec(ctx, `INSERT INTO memberships (project_id, user_id, role, created_at, accepted_at, invited_by)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, projectID, userID, role, tz(now), tz(accepted), nullID(invitedBy))
	if err != nil {
		return fmt.Errorf("store: add member: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: add member: %w", phonegate.ErrConflict)
	}
	return nil
}

// keepAnOwner fails when userID is the only accepted owner of projectID. The caller holds the
// project's row lock, so that two owners cannot demote each other at once.
func keepAnOwner(ctx context.Context, tx pgx.Tx, projectID, userID int64) error {
	var others, isOwner int
	err := tx.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE user_id <> $1),
		count(*) FILTER (WHERE user_id = $1)
		FROM memberships WHERE project_id = $2 AND role = 'owner' AND accepted_at IS NOT NULL`,
		userID, projectID).Scan(&others, &isOwner)
	if err != nil {
		return fmt.Errorf("store: owners: %w", err)
	}
	if isOwner > 0 && others == 0 {
		return fmt.Errorf("store: %w", phonegate.ErrLastOwner)
	}
	return nil
}

// SetMFALevel sets a project's two-factor level and audits the change.
func (db *DB) SetMFALevel(ctx context.Context, projectID, actorID int64, level string, now time.Time) (old string, err error) {
	err = db.tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT mfa_level FROM projects WHERE id = $1 FOR UPDATE`, projectID).Scan(&old); err != nil {
			return notFound(err, "project")
		}
		if old == level {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE projects SET mfa_level = $1, mfa_level_set_at = $2 WHERE id = $3`,
			level, tz(now), projectID); err != nil {
			return fmt.Errorf("store: set 2fa level: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "2fa.level", Detail: old + " → " + level, At: now})
	})
	return old, err
}

// prefixed puts prefix before each column of a comma-separated list.
func prefixed(prefix, columns string) string {
	cs := strings.Split(columns, ",")
	for i, c := range cs {
		cs[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cs, ", ")
}
