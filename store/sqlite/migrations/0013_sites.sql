-- Protected sites: the hostnames of the apps a project's 2FA guards behind
-- a reverse proxy. A hostname is stored in lower case, either exact
-- ("app.example.com") or a wildcard of one level ("*.example.com"), and
-- belongs to at most one project.
CREATE TABLE sites (
	host       TEXT PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL
);
CREATE INDEX sites_project ON sites (project_id);
