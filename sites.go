package phonegate

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"
)

// Site is a hostname whose requests a project's two-factor level guards,
// through a reverse proxy that asks the gate about each one (DESIGN §7):
// exact ("app.example.com") or one level of subdomains ("*.example.com").
type Site struct {
	Host      string
	ProjectID int64
	CreatedAt time.Time
}

// ErrSiteTaken is returned when a hostname is already another project's
// (or this one's) protected site.
var ErrSiteTaken = errors.New("that hostname is already a protected site")

// maxHostLen is the longest DNS name.
const maxHostLen = 253

// NormalizeSiteHost reads a hostname typed for a protected site: lower
// case, no port, no trailing dot; a leading "*." for one level of
// subdomains. It returns "" for anything that is not a DNS name of at least
// two labels (an address, a URL, a bare wildcard, a label that is not
// letters, digits and inner hyphens).
func NormalizeSiteHost(s string) string {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	name := strings.TrimPrefix(h, "*.")
	if len(h) > maxHostLen || net.ParseIP(name) != nil {
		return ""
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return ""
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return ""
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return ""
			}
		}
	}
	return h
}

// siteCandidates are the stored hosts that could cover the request host
// h (already lower case, without port): h itself, then the wildcard of its
// parent. A wildcard covers one level only: "*.example.com" covers
// "app.example.com", not "example.com" nor "a.b.example.com".
func siteCandidates(h string) []string {
	if w := siteWildcard(h); w != "" {
		return []string{h, w}
	}
	return []string{h}
}

// siteWildcard is the "*." site one level above host h that would also
// cover it, "" for none (a wildcard never covers its own domain's top).
func siteWildcard(h string) string {
	if i := strings.IndexByte(h, '.'); i > 0 && strings.Contains(h[i+1:], ".") {
		return "*" + h[i:]
	}
	return ""
}

// RequestHost is the host a request names (a Host header or the host of a
// URL) as sites are stored: lower case, no port, no trailing dot; "" when
// it is not a hostname.
func RequestHost(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = NormalizeSiteHost(h)
	if strings.HasPrefix(h, "*.") {
		return ""
	}
	return h
}

// SiteProject returns the project whose protected site covers the request
// host hostport (an exact site before a wildcard); ErrNotFound when no
// project protects it.
func (s *Service) SiteProject(ctx context.Context, hostport string) (Project, error) {
	h := RequestHost(hostport)
	if h == "" {
		return Project{}, ErrNotFound
	}
	site, err := s.store.SiteFor(ctx, siteCandidates(h))
	if err != nil {
		return Project{}, err
	}
	return s.store.Project(ctx, site.ProjectID)
}

// msgBadSiteHost refuses a hostname that cannot be a protected site.
const msgBadSiteHost = "Enter a hostname such as app.example.com, or *.example.com for its subdomains."

// AddSite makes host a protected site of the project of m, which u
// manages (else ErrNotManager), from the session sess, which must be
// elevated (else ErrNotElevated), and returns the host as stored. A host
// that is not a hostname, or that lies outside the cookie domain, is
// EInvalid; one already protected, by this project or another, is
// EConflict, in words that name neither.
func (s *Service) AddSite(ctx context.Context, m Membership, u User, sess Session, host string) (string, error) {
	if !CanManage(m.Role) {
		return "", ErrNotManager
	}
	if !s.Elevated(sess) {
		return "", ErrNotElevated
	}
	return s.addSite(ctx, host, m.Project.ID, u.ID)
}

// siteHost checks a hostname typed for a new protected site, for every
// way one is added (a page, the command line), and returns it as stored.
func siteHost(host string) (string, error) {
	h := NormalizeSiteHost(host)
	if h == "" {
		return "", &Error{Code: EInvalid, Message: msgBadSiteHost}
	}
	return h, nil
}

// addSite stores the protected site host of projectID, added by actorID
// (0 for the operator), once siteHost accepts it, and returns it as stored.
func (s *Service) addSite(ctx context.Context, host string, projectID, actorID int64) (string, error) {
	h, err := siteHost(host)
	if err != nil {
		return "", err
	}
	if err := s.storeSite(ctx, h, projectID, actorID); err != nil {
		return "", err
	}
	return h, nil
}

// storeSite stores the protected site h of projectID, added by actorID. A
// host the shared session cookie cannot reach is EInvalid (cookiedomain.go).
func (s *Service) storeSite(ctx context.Context, h string, projectID, actorID int64) error {
	if err := s.checkSiteDomain(h); err != nil {
		return err
	}
	err := s.store.AddSite(ctx, h, projectID, actorID, s.now())
	if errors.Is(err, ErrSiteTaken) {
		return &Error{Code: EConflict, Message: h + " is already a protected site.", Cause: err}
	}
	if err == nil {
		s.log.Info().Int64("project", projectID).Str("host", h).Msg("protected site added")
	}
	return err
}

// RemoveSite removes the protected site host of the project of m, under
// the same rules as AddSite; a host the project does not protect is
// ErrNotFound.
func (s *Service) RemoveSite(ctx context.Context, m Membership, u User, sess Session, host string) error {
	if !CanManage(m.Role) {
		return ErrNotManager
	}
	if !s.Elevated(sess) {
		return ErrNotElevated
	}
	return s.removeSite(ctx, host, m.Project.ID, u.ID)
}

// removeSite removes the protected site host of projectID, by actorID (0
// for the operator); ErrNotFound when the project does not protect it.
func (s *Service) removeSite(ctx context.Context, host string, projectID, actorID int64) error {
	h := NormalizeSiteHost(host)
	if h == "" {
		return ErrNotFound
	}
	return s.store.RemoveSite(ctx, h, projectID, actorID, s.now())
}

// Sites returns the protected sites of project p.
func (s *Service) Sites(ctx context.Context, p Project) ([]Site, error) {
	return s.store.Sites(ctx, p.ID)
}
