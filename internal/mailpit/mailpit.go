// Package mailpit runs a Mailpit SMTP server on loopback ports for tests,
// and reads back what it received through Mailpit's HTTP API. Without the
// mailpit binary the test is skipped, unless PHONEGATE_MAIL_TESTS=required
// (set by CI), which makes that a failure.
package mailpit

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Server is a running Mailpit.
type Server struct {
	t        testing.TB
	SMTPHost string
	SMTPPort int
	api      string
	// RootCAs trusts the server's certificate, when it has one.
	RootCAs *x509.CertPool
}

// Options change how Mailpit runs.
type Options struct {
	ImplicitTLS bool // the SMTP port speaks TLS from the first byte (smtps)
	StartTLS    bool // the SMTP port offers STARTTLS and requires it
	AcceptAuth  bool // accept any user and password
}

// binary finds mailpit on PATH or in GOPATH/bin, where go install puts it.
func binary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "mailpit")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// Start runs Mailpit for the test, on free loopback ports, and stops it
// at the test's end.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin := binary()
	if bin == "" {
		msg := "mailpit not found (go install github.com/axllent/mailpit@v1.33.1)"
		if os.Getenv("PHONEGATE_MAIL_TESTS") == "required" {
			t.Fatal(msg + "; PHONEGATE_MAIL_TESTS=required")
		}
		t.Skip(msg)
	}
	s := &Server{t: t, SMTPHost: "127.0.0.1", SMTPPort: FreePort(t)}
	web := FreePort(t)
	s.api = "http://127.0.0.1:" + strconv.Itoa(web)
	args := []string{"--smtp", "127.0.0.1:" + strconv.Itoa(s.SMTPPort), "--listen", "127.0.0.1:" + strconv.Itoa(web),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--quiet", "--smtp-disable-rdns"}
	if o.ImplicitTLS || o.StartTLS {
		cert, key := s.selfSigned(t)
		args = append(args, "--smtp-tls-cert", cert, "--smtp-tls-key", key)
		if o.ImplicitTLS {
			args = append(args, "--smtp-require-tls")
		} else {
			args = append(args, "--smtp-require-starttls")
		}
	}
	if o.AcceptAuth {
		args = append(args, "--smtp-auth-accept-any")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(s.api + "/livez")
		if err == nil {
			res.Body.Close()
			if c, err := net.Dial("tcp", s.Addr()); err == nil && res.StatusCode == http.StatusOK {
				c.Close()
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not start on %s and %s", s.Addr(), s.api)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Addr is the SMTP host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort)) }

// TLS trusts the server's certificate.
func (s *Server) TLS() *tls.Config { return &tls.Config{RootCAs: s.RootCAs} }

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and trusts it.
func (s *Server) selfSigned(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s.RootCAs = x509.NewCertPool()
	s.RootCAs.AddCert(cert)
	return certFile, keyFile
}

// Address is a mailbox in Mailpit's API.
type Address struct {
	Name    string
	Address string
}

// Message is a received message, as Mailpit's API gives it.
type Message struct {
	ID      string
	From    Address
	To      []Address
	Subject string
	Text    string
	HTML    string
}

func (s *Server) get(path string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.api+path, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: %s", path, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// Messages returns every message received, newest first, with its text
// and HTML parts.
func (s *Server) Messages() []Message {
	s.t.Helper()
	var list struct{ Messages []Message }
	if err := s.get("/api/v1/messages?limit=200", &list); err != nil {
		s.t.Fatal(err)
	}
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full Message
		if err := s.get("/api/v1/message/"+url.PathEscape(m.ID), &full); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, full)
	}
	return out
}

// To returns the messages received for address, newest first.
func (s *Server) To(address string) []Message {
	s.t.Helper()
	var out []Message
	for _, m := range s.Messages() {
		for _, a := range m.To {
			if a.Address == address {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
