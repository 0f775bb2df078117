package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

const projectColumns = `id, name, mfa_level, mfa_level_set_at, created_at`

var projectColumnsP = prefixed("p.", projectColumns)

func scanProject(row interface{ Scan(...any) error }, extra ...any) (phonegate.Project, error) {
	var p phonegate.Project
	var set, created int64
	err := row.Scan(append([]any{&p.ID, &p.Name, &p.MFALevel, &set, &created}, extra...)...)
	p.MFALevelSetAt = unix(set)
	p.CreatedAt = unix(created)
	return p, err
}

// CreateProject creates a project owned by ownerID; ErrNameTaken when
// they own one of that name already.
func (db *DB) CreateProject(ctx context.Context, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	var p phonegate.Project
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = createProject(ctx, tx, ownerID, name, now)
		return err
	})
	return p, err
}

func createProject(ctx context.Context, tx *sql.Tx, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	if err := checkOwnerNames(ctx, tx, ownerID, 0, name); err != nil {
		return phonegate.Project{}, err
	}
	p, err := scanProject(tx.QueryRowContext(ctx, `INSERT INTO projects (name, created_at) VALUES (?, ?)
		RETURNING `+projectColumns, name, now.Unix()))
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

// CreateFirstOwner creates, in one transaction, the first user and their
// first project, and deletes the setup token so that setup runs only once.
// It returns ErrConflict when any user already exists.
func (db *DB) CreateFirstOwner(ctx context.Context, email, passwordHash, projectName string, now time.Time) (phonegate.User, phonegate.Project, error) {
	var u phonegate.User
	var p phonegate.Project
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
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
		_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, phonegate.SettingSetupToken)
		return err
	})
	return u, p, err
}

// Project returns a project by ID.
func (db *DB) Project(ctx context.Context, id int64) (phonegate.Project, error) {
	p, err := scanProject(db.read.QueryRowContext(ctx, `SELECT `+projectColumnsP+` FROM projects p WHERE p.id = ?`, id))
	if err != nil {
		return phonegate.Project{}, notFound(err, "project")
	}
	return p, nil
}

// Membership returns userID's role in projectID, or ErrNotFound when the
// user is not a member or has not accepted the membership yet (callers
// answer 404 either way, so that a project's existence does not leak).
func (db *DB) Membership(ctx context.Context, projectID, userID int64) (phonegate.Membership, error) {
	m := phonegate.Membership{UserID: userID}
	p, err := scanProject(db.read.QueryRowContext(ctx, `SELECT `+projectColumnsP+`, m.role
		FROM projects p JOIN memberships m ON m.project_id = p.id
		WHERE p.id = ? AND m.user_id = ? AND m.accepted_at > 0`, projectID, userID), &m.Role)
	if err != nil {
		return phonegate.Membership{}, notFound(err, "membership")
	}
	m.Project = p
	return m, nil
}

// Memberships lists the projects userID belongs to and accepted, by name:
// what the user may open, and whose two-factor levels apply to them.
func (db *DB) Memberships(ctx context.Context, userID int64) ([]phonegate.Membership, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+projectColumnsP+`, m.role
		FROM projects p JOIN memberships m ON m.project_id = p.id
		WHERE m.user_id = ? AND m.accepted_at > 0 ORDER BY p.name, p.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	defer rows.Close()
	var ms []phonegate.Membership
	for rows.Next() {
		m := phonegate.Membership{UserID: userID}
		if m.Project, err = scanProject(rows, &m.Role); err != nil {
			return nil, fmt.Errorf("store: memberships: %w", err)
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// memberColumns are the columns scanMember reads after the user's.
const memberColumns = `m.role, m.created_at, m.accepted_at`

func scanMember(row interface{ Scan(...any) error }) (phonegate.Member, error) {
	var m phonegate.Member
	var joined, accepted int64
	u, err := scanUser(row, &m.Role, &joined, &accepted)
	m.User, m.JoinedAt = u, unix(joined)
	m.Invited, m.Pending = u.PasswordHash == "", accepted == 0
	return m, err
}

// Members lists a project's members, owners first, with those who have
// not accepted yet.
func (db *DB) Members(ctx context.Context, projectID int64) ([]phonegate.Member, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("u.", userColumns)+`, `+memberColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ?
		ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.email`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	defer rows.Close()
	var ms []phonegate.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("store: members: %w", err)
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// AddMember gives userID a role in projectID, accepted at once: it is for
// callers that speak for the user (the command line, tests), never for one
// user adding another. ErrConflict when already a member.
func (db *DB) AddMember(ctx context.Context, projectID, userID int64, role string, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return addMember(ctx, tx, projectID, userID, role, 0, consentGiven, now) })
}

// consent says whether a new membership counts at once or waits for its
// user to accept it.
type consent bool

const (
	consentGiven   consent = true  // a new account's invite, one's own project, the command line
	consentAwaited consent = false // someone else added an account that already existed
)

func addMember(ctx context.Context, tx *sql.Tx, projectID, userID int64, role string, invitedBy int64, c consent, now time.Time) error {
	var accepted int64
	if c == consentGiven {
		accepted = max(now.Unix(), 1) // 0 means pending
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (project_id, user_id, role, created_at, accepted_at, invited_by)
		VALUES (?, ?, ?, ?, ?, ?)`, projectID, userID, role, now.Unix(), accepted, nullID(invitedBy))
	if isUnique(err) {
		return fmt.Errorf("store: add member: %w", phonegate.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: add member: %w", err)
	}
	return nil
}

// keepAnOwner fails when userID is the only owner of projectID. Only
// accepted owners count: an owner who may never accept keeps no project
// owned, and a pending one may always be demoted or removed.
func keepAnOwner(ctx context.Context, tx *sql.Tx, projectID, userID int64) error {
	var others, isOwner int
	err := tx.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE user_id != ?),
		COUNT(*) FILTER (WHERE user_id = ?)
		FROM memberships WHERE project_id = ? AND role = 'owner' AND accepted_at > 0`,
		userID, userID, projectID).Scan(&others, &isOwner)
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
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT mfa_level FROM projects WHERE id = ?`, projectID).Scan(&old); err != nil {
			return notFound(err, "project")
		}
		if old == level {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET mfa_level = ?, mfa_level_set_at = ? WHERE id = ?`,
			level, now.Unix(), projectID); err != nil {
			return fmt.Errorf("store: set 2fa level: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "2fa.level", Detail: old + " → " + level, At: now})
	})
	return old, err
}

func prefixed(prefix, columns string) string {
	var out []byte
	start := true
	for i := 0; i < len(columns); i++ {
		c := columns[i]
		if start && c != ' ' && c != '\n' && c != '\t' {
			out = append(out, prefix...)
			start = false
		}
		if c == ',' {
			start = true
		}
		out = append(out, c)
	}
	return string(out)
}

// ProjectByName returns the oldest project with the given name.
func (db *DB) ProjectByName(ctx context.Context, name string) (phonegate.Project, error) {
	p, err := scanProject(db.read.QueryRowContext(ctx, `SELECT `+projectColumnsP+` FROM projects p
		WHERE p.name = ? ORDER BY p.id LIMIT 1`, name))
	if err != nil {
		return phonegate.Project{}, notFound(err, "project")
	}
	return p, nil
}
