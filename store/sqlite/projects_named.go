package sqlite

import (
	"context"

	"github.com/phonegate/phonegate"
)

// ProjectsNamed returns every project named exactly name, oldest first;
// none is an empty list, not an error.
func (db *DB) ProjectsNamed(ctx context.Context, name string) ([]phonegate.Project, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+projectColumnsP+` FROM projects p
		WHERE p.name = ? ORDER BY p.id`, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []phonegate.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
